"""Smoke test of benchmarks/engine_overhead.py: the worker paths run and report sane JSON.

No timing assertions: only that the ``plain`` and ``engine`` workers train the tiny task and
return the keys the orchestrator reads.
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SCRIPT = os.path.join(ROOT, 'benchmarks', 'engine_overhead.py')
KEYS = {'seconds', 'iters', 'hooks', 'mode', 'epochs', 'num_samples', 'batch_size',
        'per_iter_us', 'torch', 'threads', 'python'}


@pytest.mark.parametrize('mode', ['plain', 'engine'])
def test_worker_reports_json(mode, tmp_path):
    out = tmp_path / f'{mode}.json'
    proc = subprocess.run(
        [sys.executable, SCRIPT, '--worker', mode, '--epochs', '1', '--num-samples', '64',
         '--batch-size', '16', '--no-warmup', '--quiet', '--worker-out', str(out)],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert KEYS <= set(result)
    assert result['mode'] == mode
    assert result['iters'] == 4
    assert result['seconds'] > 0 and result['per_iter_us'] > 0
    assert result['threads'] == 1
    if mode == 'engine':
        assert 'LoggerHook' in result['hooks'] and 'CheckpointHook' not in result['hooks']
        assert result['framework_version']
    else:
        assert result['hooks'] == []
