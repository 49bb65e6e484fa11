"""A legacy sub-key MMCV iterates holding a non-list (log_config.hooks = 7; found by
tests/migrate/fuzz: a rule failed on it, exit 3) is an input error naming the key."""
import subprocess
import sys


def test_log_config_hooks_int_is_an_error_naming_the_key(tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text("optimizer = dict(type='SGD', lr=0.1)\nlog_config = dict(hooks=7)\n")
    res = subprocess.run([sys.executable, '-c', 'from migrate.cli import main; main()',
                          'convert', str(cfg), '-o', str(tmp_path / 'out.py')],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1, res.stderr
    assert "key 'log_config.hooks'" in res.stderr and 'log_config.hooks is int (7)' in res.stderr
    assert 'internal error' not in res.stderr and 'Traceback' not in res.stderr


def test_log_config_hooks_list_still_converts(tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text("log_config = dict(interval=5, hooks=[dict(type='TextLoggerHook')])\n")
    res = subprocess.run([sys.executable, '-c', 'from migrate.cli import main; main()',
                          'convert', str(cfg)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "interval=5" in res.stdout
