"""Rendering values as OpenMMLab-style source."""
import libcst as cst

from migrate.convert.render import Renderer, literal


def test_short_dict_on_one_line():
    assert Renderer().statement('optimizer', dict(type='SGD', lr=0.02)) == \
        "optimizer = dict(type='SGD', lr=0.02)"


def test_long_value_breaks_one_item_per_line():
    value = [dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=501),
             dict(type='MultiStepLR', milestones=[8, 11], begin=0, end=12)]
    assert Renderer().statement('param_scheduler', value) == (
        'param_scheduler = [\n'
        "    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=501),\n"
        "    dict(type='MultiStepLR', milestones=[8, 11], begin=0, end=12),\n"
        ']')


def test_comment_is_hung_on_its_item():
    text = Renderer(comments={('s', 0): ['migrate[MIG100]: exp warmup']}).statement(
        's', [dict(type='LinearLR')])
    assert text == "s = [\n    dict(type='LinearLR'),  # migrate[MIG100]: exp warmup\n]"
    cst.parse_module(text + '\n')


def test_non_identifier_keys_use_braces_and_scalars_round_trip():
    assert literal({'a-b': 1, 2: 'x'}) == "{'a-b': 1, 2: 'x'}"
    for value in (1, 1.5, 1e-4, -3, True, None, 'it\'s', (1,), (), float('inf')):
        assert eval(literal(value)) == value


def test_original_code_is_reused():
    renderer = Renderer(code_for=lambda path, value: 'max_epochs' if path == ('t', 'n') else None)
    assert renderer.statement('t', {'n': 12}) == 't = dict(n=max_epochs)'
