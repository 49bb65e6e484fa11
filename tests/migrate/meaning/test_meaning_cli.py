"""End to end: a conversion that loses meaning exits 1 with the failure on stderr and in the
report, and still writes the file."""
import json

from click.testing import CliRunner

from migrate.cli import main

LEGACY = ("runner = dict(type='EpochBasedRunner', max_epochs=12)\n"
          "log_config = dict(interval=50, hooks=[dict(type='TextLoggerHook')])\n")


def test_a_rule_left_out_is_a_meaning_error(tmp_path):
    src = tmp_path / 'cfg.py'
    src.write_text(LEGACY)
    out, report = tmp_path / 'out.py', tmp_path / 'r.json'
    # without MIG040 the log_config stays for MMEngine to ignore: the logger would log every
    # 10 iterations instead of 50
    result = CliRunner().invoke(main, ['convert', str(src), '-o', str(out), '--report',
                                       str(report), '--ignore', 'MIG040', '-q'])
    assert result.exit_code == 1
    assert "key 'default_hooks.logger.interval': meaning check: logger interval" in result.output
    assert "key 'log_config': meaning check: legacy key left behind" in result.output
    errors = json.loads(report.read_text())['files'][0]['errors']
    assert len(errors) == 2
    assert out.exists()


def test_a_faithful_conversion_exits_0(tmp_path):
    src = tmp_path / 'cfg.py'
    src.write_text(LEGACY)
    result = CliRunner().invoke(main, ['convert', str(src), '-o', str(tmp_path / 'o.py'), '-q'])
    assert result.exit_code == 0, result.output
