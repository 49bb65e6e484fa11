"""Marker comments stay within the line length: after the item when they fit, else above it,
wrapped (exact strings)."""
import textwrap

from migrate.convert.converter import Converter
from migrate.convert.render import COMMENT_WIDTH, Renderer, comment_lines, comment_width

LONG = ('migrate[MIG100]: MMEngine has no inv policy (lr * (1 + 0.0001 * t) ** -0.75): '
        'ExponentialLR(gamma=0.999933) fitted to it (use --target engine for InvLR); max lr '
        'deviation 0.004494 measured')


def test_short_marker_stays_after_the_item():
    renderer = Renderer(comments={('p', 0): ['migrate[MIG100]: short']})
    assert renderer.statement('p', [dict(type='ExponentialLR', gamma=0.5)]) == (
        "p = [\n"
        "    dict(type='ExponentialLR', gamma=0.5),  # migrate[MIG100]: short\n"
        "]")


def test_long_marker_goes_above_the_item_wrapped():
    renderer = Renderer(comments={('p', 0): [LONG]})
    assert renderer.statement('p', [dict(type='ExponentialLR', gamma=0.5)]) == (
        "p = [\n"
        "    # migrate[MIG100]: MMEngine has no inv policy (lr * (1 + 0.0001 * t) ** -0.75):\n"
        "    #   ExponentialLR(gamma=0.999933) fitted to it (use --target engine for InvLR); max lr\n"
        "    #   deviation 0.004494 measured\n"
        "    dict(type='ExponentialLR', gamma=0.5),\n"
        "]")


def test_a_marker_on_a_nested_entry_wraps_at_its_indent():
    renderer = Renderer(comments={('h', 'c', 'save_best'): ['migrate[MIG020]: ' + 'word ' * 30]},
                        comment_width=60)
    out = renderer.statement('h', dict(c=dict(type='CheckpointHook', save_best='auto')))
    assert out == (
        "h = dict(\n"
        "    c=dict(\n"
        "        type='CheckpointHook',\n"
        "        # migrate[MIG020]: word word word word word word\n"
        "        #   word word word word word word word word word\n"
        "        #   word word word word word word word word word\n"
        "        #   word word word word word word\n"
        "        save_best='auto',\n"
        "    ),\n"
        ")")
    assert max(len(line) for line in out.splitlines()) <= 60


def test_comment_lines_never_cut_a_word():
    assert comment_lines(['migrate[X]: ' + 'a' * 120], '', 99) == ['# migrate[X]:', '#   ' + 'a' * 120]


def test_comment_width_is_the_file_own_when_evident():
    assert COMMENT_WIDTH == 99
    assert comment_width('a = 1\n') == 99
    url = "load_from = 'https://download.openmmlab.com/" + 'x' * 120 + "'\n"
    assert comment_width('a = 1\n' + url) == 99                 # one long line is no style
    lines = ''.join(f"k{i} = '{'v' * 110}'\n" for i in range(3))   # 117 characters each
    assert comment_width(lines + url) == 117
    assert comment_width(lines.replace('\n', '\r\n')) == 117      # CRLF is not a character


def test_converted_file_stays_within_99_and_says_it_all(tmp_path):
    path = tmp_path / 'inv.py'
    path.write_text(textwrap.dedent('''\
        optimizer = dict(type='SGD', lr=0.01, momentum=0.9)
        lr_config = dict(policy='inv', gamma=0.0001, power=0.75, by_epoch=False)
        runner = dict(type='IterBasedRunner', max_iters=1000)
        '''))
    result = Converter().convert(str(path))
    marks = [f for f in result.findings if f.severity == 'approximation']
    assert marks and len(marks[0].comment()) > 99
    lines = result.text_out.splitlines()
    assert max(len(line) for line in lines) <= 99
    block = comment_lines([marks[0].comment()], '    ')
    at = lines.index(block[0])
    assert lines[at:at + len(block)] == block
    assert lines[at + len(block)].lstrip().startswith('dict(')
    # converted again: nothing changes, the marker is not doubled
    path.write_text(result.text_out)
    assert not Converter().convert(str(path)).changed


def test_note_above_a_kept_statement_is_wrapped_once(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("x = 1\nif x:\n    lr_config = dict(policy='step', step=[8])\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")
    first = Converter().convert(str(path))
    note = [f for f in first.findings if f.rule == 'MIG000'][0].comment()
    assert len(note) > 99
    assert '\n'.join(comment_lines([note])) + '\nif x:' in first.text_out
    assert max(len(line) for line in first.text_out.splitlines()) <= 99



def test_a_wrapped_note_already_above_its_statement_is_not_repeated():
    import libcst as cst

    from migrate.convert.rewrite import rewrite_module
    note = 'migrate[MIG070]: ' + 'this key is kept as written for a reason ' * 4
    text = 'a = 1\nb = 2\n'
    once = rewrite_module(cst.parse_module(text), set(), [], notes={1: [note]})
    assert once == 'a = 1\n' + '\n'.join(comment_lines([note])) + '\nb = 2\n'
    assert rewrite_module(cst.parse_module(once), set(), [], notes={1: [note]}) == once
