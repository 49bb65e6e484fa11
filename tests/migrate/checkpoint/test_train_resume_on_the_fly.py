"""``migrate train converted.py --resume legacy_ckpt.pth``: the legacy checkpoint is converted on
the fly (said on stderr), the run resumes and ends with the uninterrupted legacy weights, and
the temporary file is gone when the process exits."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

import resume_scenario as scenario
from engine.checkpoint.checkpoint_io import load_checkpoint_file

pytestmark = pytest.mark.slow


def _migrate(*args):
    code = 'import sys; from migrate.cli import main; sys.exit(main())'
    return subprocess.run([sys.executable, '-c', code, *args], capture_output=True, text=True,
                          cwd=scenario.ROOT, timeout=300)


def test_train_resumes_a_legacy_checkpoint_converted_on_the_fly(legacy_run, tmp_path):
    work_dir = str(tmp_path / 'work')
    done = _migrate('train', legacy_run['converted'], '--resume', legacy_run['ckpt'](2),
                    '--work-dir', work_dir)
    assert done.returncode == 0, done.stderr[-3000:]
    said = re.search(r'migrate train: (\S+) is an MMCV 1\.x checkpoint; converted it for the '
                     r'engine into (\S+) \(removed on exit; `migrate checkpoint', done.stderr)
    assert said, done.stderr[-3000:]
    assert said.group(1) == legacy_run['ckpt'](2)
    assert not os.path.exists(said.group(2))
    final = load_checkpoint_file(os.path.join(work_dir, 'epoch_4.pth'))
    assert (final['meta']['epoch'], final['meta']['iter']) == (4, 32)
    assert not os.path.exists(os.path.join(work_dir, 'epoch_2.pth'))  # resumed, not retrained
    scenario.assert_same_weights(dict(final['state_dict']), legacy_run['weights'])


def test_an_engine_checkpoint_is_resumed_as_it_is(legacy_run, engine_run, tmp_path):
    done = _migrate('train', legacy_run['converted'], '--resume',
                    f'{engine_run["work_dir"]}/epoch_3.pth', '--work-dir', str(tmp_path / 'w'),
                    '--cfg-options', 'train_cfg.max_epochs=4')
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'is an MMCV 1.x checkpoint' not in done.stderr
