"""Smoke test of benchmarks/checkpoint_io.py: the engine worker saves and loads a small model
and reports the keys the orchestrator reads (no timing assertions)."""
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SCRIPT = os.path.join(ROOT, 'benchmarks', 'checkpoint_io.py')
KEYS = {'framework', 'framework_version', 'params', 'file_mb', 'repeats', 'save_s', 'load_s',
        'save_median_s', 'load_median_s', 'save_min_s', 'load_min_s', 'save_extra_peak_mb',
        'torch', 'python'}


def test_engine_worker_reports_json(tmp_path):
    out = tmp_path / 'engine.json'
    proc = subprocess.run(
        [sys.executable, SCRIPT, '--worker', 'engine', '--layers', '2', '--width', '32',
         '--repeats', '2', '--tmp-dir', str(tmp_path), '--worker-out', str(out)],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert KEYS <= set(result)
    assert result['framework'] == 'engine'
    assert result['params'] == 2 * (32 * 32 + 32)
    assert len(result['save_s']) == len(result['load_s']) == 2
    assert all(t > 0 for t in result['save_s'] + result['load_s'])
    assert [p.name for p in tmp_path.iterdir()] == ['engine.json']  # temp files cleaned up


def test_orchestrator_without_oracle_reports_ours_only(tmp_path):
    proc = subprocess.run(
        [sys.executable, SCRIPT, '--layers', '1', '--width', '16', '--repeats', '1',
         '--oracle-python', str(tmp_path / 'missing' / 'python'), '--json',
         str(tmp_path / 'all.json')],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'reporting ours only' in proc.stdout and '| engine |' in proc.stdout
    assert [r['framework'] for r in json.loads((tmp_path / 'all.json').read_text())] == ['engine']
