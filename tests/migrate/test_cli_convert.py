"""The `migrate convert` command line contract."""
import json
import os

from click.testing import CliRunner

from migrate.cli import main

LEGACY = ("optimizer = dict(type='SGD', lr=0.01)  # keep me\n"
          "runner = dict(type='EpochBasedRunner', max_epochs=2)\n")
BASE = "checkpoint_config = dict(interval=1)\nlog_level = 'INFO'\n"
LEAF = "_base_ = '../_base_/runtime.py'\ncheckpoint_config = dict(interval=2)\n"


def tree(tmp_path):
    root = tmp_path / 'cfgs'
    (root / '_base_').mkdir(parents=True)
    (root / 'det').mkdir()
    (root / '_base_' / 'runtime.py').write_text(BASE)
    (root / 'det' / 'leaf.py').write_text(LEAF)
    (root / 'det' / 'plain.py').write_text(LEGACY)
    (root / 'README.md').write_text('notes\n')
    return root


def run(*args):
    try:   # click < 8.2 mixes stderr into stdout unless told not to
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(map(str, args)))


def test_file_to_stdout_never_touches_input(tmp_path):
    src = tmp_path / 'a.py'
    src.write_text(LEGACY)
    res = run('convert', src)
    assert res.exit_code == 0, res.stderr
    assert "optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01))" \
        in res.stdout
    assert src.read_text() == LEGACY


def test_tree_to_output_keeps_relative_paths_and_other_files(tmp_path):
    root = tree(tmp_path)
    out = tmp_path / 'out'
    res = run('convert', root, '-o', out, '--report', tmp_path / 'r.json')
    assert res.exit_code == 0, res.stderr
    assert (out / 'README.md').read_text() == 'notes\n'
    assert (out / '_base_' / 'runtime.py').read_text() == (
        "default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1))\n"
        "log_level = 'INFO'\n")
    assert (out / 'det' / 'leaf.py').read_text() == (
        "_base_ = '../_base_/runtime.py'\ndefault_hooks = dict(checkpoint=dict(interval=2))\n")
    report = json.loads((tmp_path / 'r.json').read_text())
    assert report['summary']['files'] == 3 and report['summary']['errors'] == 0
    leaf = next(f for f in report['files'] if f['file'].endswith('leaf.py'))
    assert leaf['rules_applied'] == ['MIG030'] and leaf['removed_keys'] == ['checkpoint_config']
    assert sorted(os.listdir(root / 'det')) == ['leaf.py', 'plain.py']
    assert (root / 'det' / 'leaf.py').read_text() == LEAF


def test_check_diff_and_in_place(tmp_path):
    root = tree(tmp_path)
    res = run('convert', root, '--check')
    assert res.exit_code == 1
    res = run('convert', root, '--diff')
    assert res.exit_code == 0 and '-checkpoint_config = dict(interval=2)' in res.stdout
    assert (root / 'det' / 'leaf.py').read_text() == LEAF
    res = run('convert', root, '--in-place')
    assert res.exit_code == 0, res.stderr
    assert 'checkpoint_config' not in (root / 'det' / 'leaf.py').read_text()
    assert run('convert', root, '--check').exit_code == 0   # idempotent


def test_bad_files_are_reported_and_the_rest_converts(tmp_path):
    root = tree(tmp_path)
    (root / 'det' / 'broken.py').write_text('optimizer = dict(\n')
    (root / 'det' / 'latin1.py').write_bytes('# caf\xe9\nseed = 1\n'.encode('latin-1'))
    out = tmp_path / 'out'
    res = run('convert', root, '-o', out)
    assert res.exit_code == 1
    assert 'broken.py' in res.stderr and 'latin1.py' in res.stderr
    assert (out / 'det' / 'leaf.py').exists() and not (out / 'det' / 'broken.py').exists()


def test_select_ignore_and_list_rules(tmp_path):
    src = tmp_path / 'a.py'
    src.write_text(LEGACY)
    assert 'MIG010  runner-to-train-cfg' in run('convert', '--list-rules').stdout
    res = run('convert', src, '--select', 'MIG010')
    assert 'train_cfg' in res.stdout and "optimizer = dict(type='SGD'" in res.stdout
    res = run('convert', src, '--ignore', 'runner-to-train-cfg')
    assert 'runner = dict(' in res.stdout and 'optim_wrapper' in res.stdout
    res = run('convert', src, '--select', 'MIG999')
    assert res.exit_code == 2 and 'unknown rule' in res.stderr


def test_usage_errors(tmp_path):
    root = tree(tmp_path)
    res = run('convert', root)
    assert res.exit_code == 2 and '-o DST' in res.stderr
    res = run('convert', root, '-o', tmp_path / 'x', '--in-place')
    assert res.exit_code == 2
    res = run('convert', tmp_path / 'missing.py')
    assert res.exit_code == 2 and 'no such file' in res.stderr
