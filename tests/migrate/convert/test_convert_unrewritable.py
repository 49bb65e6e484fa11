"""Keys bound where the rewriter cannot edit them stay as written, with a comment and a manual
finding, and the rest of the file converts; an output that is not Python is never written."""
import json

import pytest

from migrate.convert.converter import Converter
from migrate.convert.driver import ConvertOptions, run_convert
from migrate.convert.render import Renderer, comment_lines

RUNNER = "runner = dict(type='EpochBasedRunner', max_epochs=12)\n"
STEP = "dict(policy='step', step=[8, 11])"


def convert(tmp_path, text, name='config.py'):
    path = tmp_path / name
    path.write_text(text)
    result = Converter().convert(str(path))
    assert result.error is None, result.error
    compile(result.text_out, name, 'exec')
    return result


def left_as_written(result, key):
    found = [f for f in result.findings if f.rule == 'MIG000' and f.key == key]
    assert len(found) == 1, result.findings
    assert found[0].severity == 'manual'
    # the comment is wrapped within the file's comment width
    assert '\n'.join(comment_lines([found[0].comment()])) + '\n' in result.text_out
    assert key not in result.removed
    assert key in result.untouched or key in result.written
    return found[0].message


def assert_kept_verbatim(source, out):
    """Every input line is still there, in order (only comments were added)."""
    lines = iter(out.splitlines())
    for line in source.splitlines():
        assert any(line == o for o in lines), line


def test_if_else_block(tmp_path):
    source = (f"x = 1\nif x:\n    lr_config = {STEP}\nelse:\n"
              f"    lr_config = dict(policy='step', step=[9])\n{RUNNER}")
    result = convert(tmp_path, source)
    message = left_as_written(result, 'lr_config')
    assert 'inside an `if` block (line 3)' in message
    assert 'carried by param_scheduler' in message
    assert_kept_verbatim(source.replace(RUNNER, ''), result.text_out)
    # the rest of the file converts, from the branch MMCV takes
    assert 'runner' not in result.text_out and 'train_cfg' in result.text_out
    assert 'milestones=[8, 11]' in result.text_out
    assert result.text_out.index('# migrate[MIG000]') < result.text_out.index('if x:')


def test_one_line_if(tmp_path):
    result = convert(tmp_path, 'if True: lr_config = None\n')
    assert 'if True: lr_config = None\n' in result.text_out
    assert 'None = None' not in result.text_out
    left_as_written(result, 'lr_config')


def test_if_block_in_a_base_without_runner(tmp_path):
    source = f'if True:\n    lr_config = {STEP}\n'
    result = convert(tmp_path, source)
    assert_kept_verbatim(source, result.text_out)
    assert 'plain top-level `lr_config = ...`' in left_as_written(result, 'lr_config')


def test_for_loop(tmp_path):
    source = f'for i in range(1):\n    lr_config = {STEP}\n{RUNNER}'
    result = convert(tmp_path, source)
    assert 'inside a `for` loop (line 2)' in left_as_written(result, 'lr_config')
    assert_kept_verbatim(source.replace(RUNNER, ''), result.text_out)
    assert 'param_scheduler' in result.text_out


def test_with_block(tmp_path):
    source = ("import contextlib\nwith contextlib.suppress(KeyError):\n"
              f"    lr_config = dict(policy='step', step=[9])\nlr_config = {STEP}\n{RUNNER}")
    result = convert(tmp_path, source)
    assert 'inside a `with` block (line 3)' in left_as_written(result, 'lr_config')
    # the plain statement of the same key stays too: the key's statements go together
    assert_kept_verbatim(source.replace(RUNNER, ''), result.text_out)
    assert 'milestones=[8, 11]' in result.text_out


def test_try_block(tmp_path):
    source = 'try:\n    seed = 1\nexcept ImportError:\n    pass\nseed = 0\n'
    result = convert(tmp_path, source)
    assert 'inside a `try` block (line 2)' in left_as_written(result, 'seed')
    assert_kept_verbatim(source, result.text_out)
    assert 'randomness = dict(seed=0)' in result.text_out


def test_tuple_unpacking(tmp_path):
    source = 'seed, deterministic = 0, True\n' + RUNNER
    result = convert(tmp_path, source)
    for key in ('seed', 'deterministic'):
        assert 'bound by tuple unpacking (line 1)' in left_as_written(result, key)
    assert 'seed, deterministic = 0, True\n' in result.text_out
    assert 'randomness = dict(seed=0, deterministic=True)' in result.text_out
    assert result.removed == ['runner']


@pytest.mark.parametrize('source, how', [
    ('x = 1; seed = 0\n', 'other statements too (`;`)'),
    ('a = seed = 0\n', 'assigned together with other names'),
    ('(seed := 0)\n', 'bound by `:=`'),
    ('f = lambda seed: seed\nseed = 0\n', 'a parameter name'),
    ('xs = [seed for seed in range(2)]\nseed = 0\n', 'a local name'),
], ids=['semicolon', 'chained', 'walrus', 'lambda_param', 'comprehension'])
def test_other_bindings(tmp_path, source, how):
    result = convert(tmp_path, source)
    assert how in left_as_written(result, 'seed')
    assert_kept_verbatim(source, result.text_out)
    assert 'randomness = dict(seed=0)' in result.text_out


def test_walrus_in_a_removed_statement_keeps_it(tmp_path):
    # removing ``runner`` would lose ``epochs``, which the file keeps
    source = "runner = dict(type='EpochBasedRunner', max_epochs=(epochs := 12))\nx = epochs\n"
    result = convert(tmp_path, source)
    assert 'also binds epochs' in left_as_written(result, 'runner')
    assert_kept_verbatim(source, result.text_out)
    assert 'train_cfg = dict(' in result.text_out


def test_del_then_reassign(tmp_path):
    source = ("optimizer = dict(type='SGD', lr=0.01)\ndel optimizer\n"
              "optimizer = dict(type='SGD', lr=0.02)\n")
    result = convert(tmp_path, source)
    assert 'deleted with `del` (line 2)' in left_as_written(result, 'optimizer')
    assert_kept_verbatim(source, result.text_out)
    assert 'del dict' not in result.text_out
    assert "optimizer=dict(type='SGD', lr=0.02)" in result.text_out


@pytest.mark.parametrize('edit', [
    "optimizer['lr'] = 0.02",
    'optimizer.update(lr=0.02)',
    "optimizer['lr'] *= 2",
])
def test_in_place_edit_goes_with_its_key(tmp_path, edit):
    source = f"optimizer = dict(type='SGD', lr=0.01)\n# tune\n{edit}\nmodel = dict(type='M')\n"
    result = convert(tmp_path, source)
    # the comment directly above the edit was about it: it goes with it
    assert result.text_out == ("optim_wrapper = dict(type='OptimWrapper', "
                               "optimizer=dict(type='SGD', lr=0.02))\n"
                               "model = dict(type='M')\n")
    assert not [f for f in result.findings if f.rule == 'MIG000']
    assert result.removed == ['optimizer']


def test_edit_inside_a_block_stays(tmp_path):
    source = "optimizer = dict(type='SGD', lr=0.01)\nif True:\n    optimizer['lr'] = 0.02\n"
    result = convert(tmp_path, source)
    assert 'edited inside an `if` block (line 3)' in left_as_written(result, 'optimizer')
    assert_kept_verbatim(source, result.text_out)
    assert "optimizer=dict(type='SGD', lr=0.02)" in result.text_out


def test_edit_of_another_name_too_stays(tmp_path):
    source = ("optimizer = dict(type='SGD', lr=0.01)\nnotes = dict()\n"
              "notes['lr'] = optimizer['lr'] = 0.02\n")
    result = convert(tmp_path, source)
    assert 'edited in place by a statement that does more' in \
        left_as_written(result, 'optimizer')
    assert_kept_verbatim(source, result.text_out)


def test_def_named_like_a_key(tmp_path):
    result = convert(tmp_path, 'def seed():\n    return 0\n\n\nseed = 0\n')
    assert 'defined by `def`/`class` (line 1)' in left_as_written(result, 'seed')


def test_augmented_assignment_of_a_name_converts(tmp_path):
    result = convert(tmp_path, 'total_epochs = 12\ntotal_epochs += 2\n')
    assert result.text_out == "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=14)\n"
    assert not [f for f in result.findings if f.rule == 'MIG000']


def test_new_key_bound_in_a_block_is_overridden_after_it(tmp_path):
    source = ("optimizer = dict(type='SGD', lr=0.01)\nif True:\n"
              "    optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam'))\n")
    result = convert(tmp_path, source)
    assert 'written again further down' in left_as_written(result, 'optim_wrapper')
    out = result.text_out
    assert out.index('if True:') < out.index("optim_wrapper = dict(type='OptimWrapper', "
                                              "optimizer=dict(type='SGD', lr=0.01))")


def test_report_lists_the_manual_finding(tmp_path):
    (tmp_path / 'config.py').write_text('seed, deterministic = 0, True\n')
    report = tmp_path / 'report.json'
    run_convert(str(tmp_path / 'config.py'), ConvertOptions(check=True, progress=False,
                                                           report=str(report)),
                echo=lambda s: None)
    entry = json.loads(report.read_text())['files'][0]
    assert [(f['rule'], f['severity'], f['key']) for f in entry['findings']] == [
        ('MIG000', 'manual', 'seed'), ('MIG000', 'manual', 'deterministic')]
    assert entry['errors'] == []


def test_output_that_does_not_compile_is_not_written(tmp_path, monkeypatch):
    statement = Renderer.statement

    def broken(self, key, value):
        code = statement(self, key, value)
        # parses on its own (the insert check passes), fails to compile in the file
        return code + f'\nreturn {key}' if key == 'train_cfg' else code

    monkeypatch.setattr(Renderer, 'statement', broken)
    src = tmp_path / 'src'
    src.mkdir()
    (src / 'bad.py').write_text("model = dict(type='M')\n" + RUNNER)
    (src / 'good.py').write_text("optimizer = dict(type='SGD', lr=0.01)\n")
    out, report = tmp_path / 'out', tmp_path / 'report.json'
    run = run_convert(str(src), ConvertOptions(output=str(out), report=str(report),
                                               progress=False), echo=lambda s: None)
    assert not (out / 'bad.py').exists()
    compile((out / 'good.py').read_text(), 'good.py', 'exec')
    assert 'optim_wrapper' in (out / 'good.py').read_text()
    files = {f['file']: f for f in json.loads(report.read_text())['files']}
    (error,) = files['bad.py']['errors']
    assert 'not valid Python at line 3' in error and 'converter bug' in error
    assert files['good.py']['errors'] == []
    assert [r.error is not None for r in run.results] == [True, False]
