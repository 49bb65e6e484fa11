"""Which .py files are hook code, through ``migrate convert`` as users run it: hook modules
convert, configs stay on the config path, other code is left byte-identical and reported,
trees mix all three; --check/--diff/--report behave as for configs; nothing is executed."""
import json
import os
import subprocess
import sys

import pytest

from _hook_cases import CONVERTED, LEGACY, ROOT, convert, read
from migrate.hookcode import CODE, CONFIG, HOOK, module_kind
from migrate.hookcode.convert import NOT_HOOK_CODE

HOOK_SRC = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class TickHook(Hook):

    def after_train_iter(self, runner):
        runner.log_buffer.update(dict(tick=runner.inner_iter))
'''


@pytest.mark.parametrize('text, kind', [
    (HOOK_SRC, HOOK),
    ('from mmcv.runner.hooks.hook import Hook\n\n\nclass A(Hook):\n    pass\n', HOOK),
    ('from x import y\n\n\n@HOOKS.register_module()\nclass A:\n    pass\n', HOOK),
    ('from mmengine.hooks import Hook\n\n\nclass A(Hook):\n    pass\n', HOOK),
    ("optimizer = dict(type='SGD', lr=0.1)\n", CONFIG),
    ("import os.path as osp\n\n\ndef helper():\n    return 1\n\n\nroot = osp.join('a')\n",
     CONFIG),
    # a config that also imports mmcv.runner names and defines a function stays a config
    ("from mmcv.runner import Hook\n\n\ndef f():\n    pass\n\n\nlr_config = dict(policy='step')\n",
     CONFIG),
    ('import numpy as np\n\nEPS = 1\n\n\ndef f(x):\n    return np.abs(x)\n', CODE),
    ('this is ( not python', CONFIG),
])
def test_module_kind(text, kind):
    assert module_kind(text) == kind


def test_not_hook_code_left_byte_identical_and_reported():
    path = os.path.join(LEGACY, 'not_hook_code.py')
    out = convert(path)
    assert out['text_out'] == read(path)
    assert out['report']['changed'] is False
    assert out['report']['findings'] == [
        {'rule': 'HK000', 'severity': 'note', 'key': 'module', 'kind': '',
         'message': NOT_HOOK_CODE}]


def test_mixed_module_converts_only_the_hook():
    before = read(os.path.join(LEGACY, 'mixed_module.py'))
    after = read(os.path.join(CONVERTED, 'mmengine', 'mixed_module.py'))
    # the loss class keeps its own after_iter(self, runner) and its runner.outputs
    loss_part = before[before.index('class SmoothL1'):before.index('@HOOKS')]
    assert loss_part in after
    assert "__all__ = ['SmoothL1', 'count_labels', 'LossScaleHook']" in after
    assert 'def before_train_iter(self, runner, batch_idx, data_batch=None):' in after


def test_tree_of_configs_hooks_and_code(tmp_path):
    src = tmp_path / 'src'
    (src / 'configs').mkdir(parents=True)
    (src / 'hooks').mkdir()
    (src / 'configs' / 'cfg.py').write_text(
        "optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0001)\n"
        "runner = dict(type='EpochBasedRunner', max_epochs=2)\n")
    (src / 'hooks' / 'tick.py').write_text(HOOK_SRC)
    (src / 'hooks' / 'util.py').write_text(read(os.path.join(LEGACY, 'not_hook_code.py')))
    dst, report = tmp_path / 'dst', tmp_path / 'report.json'
    done = subprocess.run([sys.executable, '-m', 'migrate.cli', 'convert', str(src), '-o',
                           str(dst), '--report', str(report), '-q'],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    tick = (dst / 'hooks' / 'tick.py').read_text()
    assert "runner.message_hub.update_scalar('train/tick', batch_idx)" in tick
    assert (dst / 'hooks' / 'util.py').read_bytes() == (src / 'hooks' / 'util.py').read_bytes()
    assert 'optim_wrapper' in (dst / 'configs' / 'cfg.py').read_text()
    files = {f['file']: f for f in json.loads(report.read_text())['files']}
    assert files['hooks/tick.py']['rules_applied'] == ['HK002', 'HK005', 'HK004', 'HK001']
    assert files['hooks/util.py']['findings'][0]['rule'] == 'HK000'
    assert any(r.startswith('MIG') for r in files['configs/cfg.py']['rules_applied'])


def test_check_and_diff(tmp_path):
    path = tmp_path / 'tick.py'
    path.write_text(HOOK_SRC)
    check = subprocess.run([sys.executable, '-m', 'migrate.cli', 'convert', '--check', '-q',
                            str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert check.returncode == 1
    diff = subprocess.run([sys.executable, '-m', 'migrate.cli', 'convert', '--diff', '-q',
                           '--target', 'engine', str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert '+from engine.registry import HOOKS' in diff.stdout
    assert '-        runner.log_buffer.update(dict(tick=runner.inner_iter))' in diff.stdout
    assert path.read_text() == HOOK_SRC   # --check/--diff write nothing
    converted = tmp_path / 'converted.py'
    converted.write_text(read(os.path.join(CONVERTED, 'mmengine', 'log_buffer_hook.py')))
    again = subprocess.run([sys.executable, '-m', 'migrate.cli', 'convert', '--check', '-q',
                            str(converted)], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr


def test_never_executed(tmp_path):
    path = tmp_path / 'boom.py'
    marker = tmp_path / 'ran'
    path.write_text(f'open({str(marker)!r}, "w").close()\n' + HOOK_SRC)
    out = convert(str(path))
    assert 'def after_train_iter(self, runner, batch_idx' in out['text_out']
    assert not marker.exists()


def test_a_bug_in_a_hook_rule_fails_that_file_only_and_says_so(tmp_path, monkeypatch):
    # never a silent fall-back to the config path: an exception of ours is an internal error
    # for that file (exit 3), the other files of the tree still convert
    from click.testing import CliRunner

    from migrate.cli import main
    from migrate.hookcode.rules import HOOK_RULES

    class Broken:
        id = 'HK999'

        def apply(self, module, ctx, kinds):
            raise RuntimeError('boom')

    monkeypatch.setattr('migrate.hookcode.convert.HOOK_RULES', [Broken()] + list(HOOK_RULES))
    (tmp_path / 'src').mkdir()
    (tmp_path / 'src' / 'my_hooks.py').write_text(HOOK_SRC)
    (tmp_path / 'src' / 'cfg.py').write_text("optimizer = dict(type='SGD', lr=0.1)\n"
                                             "runner = dict(type='EpochBasedRunner', "
                                             "max_epochs=1)\n")
    result = CliRunner().invoke(main, ['convert', str(tmp_path / 'src'), '-o',
                                       str(tmp_path / 'out')])
    assert result.exit_code == 3, result.output
    assert 'my_hooks.py: internal error (a converter bug, not your file): RuntimeError: boom' \
        in result.output
    assert 'optim_wrapper' in (tmp_path / 'out' / 'cfg.py').read_text()
