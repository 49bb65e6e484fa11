"""The runs of fixtures/legacy_scripts/train_toy.py that record_legacy_script_goldens.py records
on the real MMCV 1.7.2 and tests/compat/test_mmcv_alias_legacy_script.py replays on compat
under the mmcv alias; and what is kept of each run. Imports neither mmcv nor this repository.

The script runs in a fresh interpreter, from its own folder (its configs name ``data/``
relative paths, as OpenMMLab configs do); on MMCV with ``time.sleep`` a no-op (its epoch
runner sleeps 2 s per epoch; compat does not sleep).
"""
from __future__ import annotations

import glob
import json
import os
import subprocess
from typing import Dict, List

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
SCRIPT_DIR = os.path.join(REPO, 'fixtures', 'legacy_scripts')

#: name -> (config, extra arguments, the observations file the config's RecordingHook writes)
RUNS: Dict[str, tuple] = {
    'epoch_train_val': ('configs/toy_regression.py', ['--cfg-options', 'optimizer.lr=0.05'],
                        'observations.json'),
    'iter_cosine_exp_warmup': ('configs/toy_regression_iter.py', ['--seed', '3'],
                               'iter_observations.json'),
}

# the log keys that are wall-clock measurements, not behaviour
_TIMING_KEYS = ('time', 'data_time', 'memory')

#: ``python -c`` code that runs ``sys.argv[1:]`` as ``python SCRIPT ARGS`` would, without sleeps
ORACLE_LAUNCHER = ('import os, runpy, sys, time\n'
                   'time.sleep = lambda seconds: None\n'
                   'sys.argv = sys.argv[1:]\n'
                   'sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[0])))\n'
                   "runpy.run_path(sys.argv[0], run_name='__main__')\n")


def run(name: str, launcher: List[str], work_dir: str) -> subprocess.CompletedProcess:
    """Run ``name`` as ``launcher + ['train_toy.py', config, ...]`` from the script's folder
    (the oracle: ``[python, '-c', ORACLE_LAUNCHER]``; compat: ``[python, '-m', 'compat.alias']``).
    """
    config, extra, _ = RUNS[name]
    argv = ['train_toy.py', config, '--work-dir', work_dir] + list(extra)
    return subprocess.run(list(launcher) + argv, cwd=SCRIPT_DIR, capture_output=True, text=True,
                          timeout=600)


def collect(name: str, work_dir: str) -> dict:
    """What a run leaves that must not depend on the runtime: the hook's observations and
    final weights, the json log without timings (its first line, the meta, by key and seed),
    the dumped config (work dir masked) and the checkpoint files kept."""
    config, _, observations = RUNS[name]
    with open(os.path.join(work_dir, observations)) as f:
        result = json.load(f)
    (log_json,) = glob.glob(os.path.join(work_dir, '*.log.json'))
    with open(log_json) as f:
        lines: List[dict] = [json.loads(line) for line in f if line.strip()]
    meta, entries = lines[0], lines[1:]
    result['log_meta'] = {'keys': sorted(meta), 'seed': meta['seed'],
                          'exp_name': meta['exp_name']}
    result['log'] = [{k: v for k, v in entry.items() if k not in _TIMING_KEYS}
                     for entry in entries]
    with open(os.path.join(work_dir, os.path.basename(config))) as f:
        result['dumped_config'] = f.read().replace(work_dir, '<work_dir>')
    result['files'] = sorted(os.path.basename(p) for p in glob.glob(os.path.join(work_dir, '*'))
                             if p.endswith('.pth'))
    return result
