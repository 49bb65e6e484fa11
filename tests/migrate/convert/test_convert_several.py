"""`migrate convert` on several files (as a pre-commit hook passes them): --check names each
file's keys, -o and --report take one SRC (exact strings)."""
from click.testing import CliRunner

from migrate.cli import main

LEGACY = "lr_config = dict(policy='fixed')\nrunner = dict(type='EpochBasedRunner', max_epochs=2)\n"
NEW = "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=2)\n"


def test_check_on_several_files_names_the_legacy_ones(tmp_path):
    (tmp_path / 'a.py').write_text(LEGACY)
    (tmp_path / 'b.py').write_text(NEW)
    result = CliRunner().invoke(main, ['convert', '--check', str(tmp_path / 'a.py'),
                                       str(tmp_path / 'b.py')])
    assert result.exit_code == 1
    assert (f'{tmp_path / "a.py"}: would convert runner, lr_config to train_cfg, '
            'param_scheduler (see it with --diff, write it with --in-place)\n') in result.output
    assert 'b.py:' not in result.output
    assert '2 file(s): 1 converted' in result.output


def test_output_takes_one_src(tmp_path):
    (tmp_path / 'a.py').write_text(LEGACY)
    result = CliRunner().invoke(main, ['convert', '-o', str(tmp_path / 'out.py'),
                                       str(tmp_path / 'a.py'), str(tmp_path / 'a.py')])
    assert result.exit_code == 2
    assert result.output == ("error: key '-o': -o takes one SRC, got 2\n  fix: give one file or "
                             'directory with -o, or use --check, --diff or --in-place on several\n')
