"""Record per-iteration lr/momentum of the schedule-mapping test set-ups from the REAL MMCV 1.7.2.

Run with the MMCV oracle interpreter (it must not import this project's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_schedmap_case_goldens.py \
        [-i fixtures/goldens/schedmap_cases.json] [-o fixtures/goldens/schedmap_case_goldens.json]

The set-ups are read from the cases file (name -> ``config``, a Python literal so tuples stay
tuples, ``epoch_len``, ``num_groups``), which the tests read too: one list, whoever adds a
case. Each is run through :func:`mmcv_schedule_sim.simulate` (the real runner loop and hooks).
The output has the layout of ``legacy_schedules.json``'s ``setups`` (``config`` copied
verbatim, so the tests can tell a case edited after recording). A case MMCV refuses stops the
recording: every case here is meant to run.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings('ignore')

import mmcv  # noqa: E402

from mmcv_schedule_sim import simulate  # noqa: E402


def record(cases_path, out_path):
    with open(cases_path) as f:
        cases = json.load(f)['cases']
    setups = {}
    for name, case in cases.items():
        cfg = ast.literal_eval(case['config'])
        try:
            result = simulate(cfg, case['epoch_len'], case['num_groups'])
        except Exception as exc:   # noqa: BLE001 - name the case, whatever MMCV raised
            raise SystemExit(f'{name}: MMCV failed: {type(exc).__name__}: {exc}')
        setups[name] = dict(config=case['config'], epoch_len=case['epoch_len'],
                            num_groups=case['num_groups'], **result)
        print(f'{name}: {len(result["iter"])} iterations')
    payload = dict(
        about='Per-iteration lr/momentum from the real MMCV 1.7.2 runner and hooks for '
              f'{os.path.relpath(cases_path)} (scripts/oracle/record_schedmap_case_goldens.py)',
        mmcv_version=mmcv.__version__, setups=setups)
    with open(out_path, 'w') as f:
        json.dump(payload, f, indent=None, separators=(',', ':'))
        f.write('\n')
    print(f'{len(setups)} set-ups -> {out_path} ({os.path.getsize(out_path)} bytes)')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-i', '--cases', default='fixtures/goldens/schedmap_cases.json')
    parser.add_argument('-o', '--out', default='fixtures/goldens/schedmap_case_goldens.json')
    args = parser.parse_args()
    record(args.cases, args.out)
