"""An unmodified legacy tools/train.py-style script (fixtures/legacy_scripts/train_toy.py, with
its hook module my_hooks.py) run on compat through ``python -m compat.alias`` equals the real
MMCV 1.7.2 running it (goldens: scripts/oracle/record_legacy_script_goldens.py): every hook
observation, per-iteration lr/momentum/loss, the final weights bit for bit, the json log
without timings, the dumped config and the checkpoints kept."""
import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_script_runs import RUNS, collect, run  # noqa: E402

with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_script.json')) as f:
    GOLDEN = json.load(f)


def test_golden_covers_every_run():
    assert sorted(GOLDEN) == sorted(RUNS)


@pytest.mark.slow
@pytest.mark.parametrize('name', sorted(RUNS))
def test_legacy_script_on_compat_equals_mmcv(name, tmp_path):
    work_dir = str(tmp_path / name)
    done = run(name, [sys.executable, '-m', 'compat.alias'], work_dir)
    assert done.returncode == 0, done.stderr[-4000:]
    ours, golden = collect(name, work_dir), GOLDEN[name]
    assert len(ours['records']) == len(golden['records'])
    for i, (mine, theirs) in enumerate(zip(ours['records'], golden['records'])):
        assert mine == theirs, f'hook call {i}'
    assert ours['weights'] == golden['weights']
    assert (ours['final_epoch'], ours['final_iter']) == (golden['final_epoch'],
                                                        golden['final_iter'])
    assert ours['log'] == golden['log']
    assert ours['log_meta'] == golden['log_meta']
    assert ours['dumped_config'] == golden['dumped_config']
    assert ours['files'] == golden['files']


def test_launcher_usage_errors(tmp_path):
    import subprocess
    for argv, says in (([], 'usage: python -m compat.alias SCRIPT'),
                       ([str(tmp_path / 'missing.py')], 'no script')):
        done = subprocess.run([sys.executable, '-m', 'compat.alias'] + argv, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode != 0 and says in done.stderr
