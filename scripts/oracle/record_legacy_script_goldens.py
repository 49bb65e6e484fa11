"""Record the real MMCV 1.7.2 running the legacy script fixtures/legacy_scripts/train_toy.py
(with its hook module my_hooks.py) on the runs of ``legacy_script_runs.py``.

Run with the oracle interpreter (it must not import this repository's packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_script_goldens.py [--check]

Writes fixtures/goldens/legacy_script.json: per run the hook's observations (counters, lr,
momentum, loss and log buffer at each call; floats as ``float.hex``), the final weights, the
json log without timings, the dumped config and the checkpoint files kept. ``--check`` runs
again and exits 1 if anything differs.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_script_runs import ORACLE_LAUNCHER, RUNS, collect, run  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures',
                   'goldens', 'legacy_script.json')


def record() -> dict:
    import mmcv  # noqa: F401 - fail early when not run with the oracle interpreter
    golden = {}
    for name in RUNS:
        with tempfile.TemporaryDirectory() as tmp:
            work_dir = os.path.join(tmp, name)
            done = run(name, [sys.executable, '-W', 'ignore', '-c', ORACLE_LAUNCHER], work_dir)
            if done.returncode != 0:
                raise SystemExit(f'{name} failed under MMCV:\n{done.stderr[-4000:]}')
            golden[name] = collect(name, work_dir)
    return golden


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--check', action='store_true', help='exit 1 if the file would change')
    args = parser.parse_args()
    text = json.dumps(record(), indent=1) + '\n'
    if args.check:
        with open(OUT) as f:
            same = f.read() == text
        print('legacy_script.json is ' + ('up to date' if same else 'STALE'))
        return 0 if same else 1
    with open(OUT, 'w') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
