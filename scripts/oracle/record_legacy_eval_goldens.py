"""Record MMCV 1.7.2's EvalHook on the scenarios of ``legacy_eval_scenarios.py``.

Run with the oracle interpreter (it must not import our packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_eval_goldens.py

``time.sleep`` is patched to a no-op: MMCV's runners sleep at epoch transitions, which
changes nothing but the wall time. MMCV's ``single_gpu_test`` progress bar goes to stdout.

Writes ``fixtures/goldens/legacy_eval.json``: per scenario the evaluate calls (results,
eval kwargs), the log buffer and hook_msgs after each train epoch/iter, the checkpoints
left in the work dir and the hook's final rule/key indicator; under ``errors`` what MMCV
raised building the hooks of ``ERROR_CASES``; under ``rules`` the rule it inferred for
``RULE_CASES``.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time

from mmcv.runner import EpochBasedRunner, EvalHook, Hook, IterBasedRunner

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_eval_scenarios import (ERROR_CASES, RULE_CASES, SCENARIOS,  # noqa: E402
                                   construction_error, inferred_rule, run_scenario)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_eval.json')


def main() -> None:
    time.sleep = lambda seconds: None
    out = {}
    for name, (by_epoch, *_rest) in SCENARIOS.items():
        runner_cls = EpochBasedRunner if by_epoch else IterBasedRunner
        with tempfile.TemporaryDirectory() as tmp:
            out[name] = run_scenario(name, Hook, runner_cls, EvalHook, tmp)
    out['errors'] = {name: construction_error(EvalHook, kwargs)
                     for name, kwargs in ERROR_CASES.items()}
    out['rules'] = {name: inferred_rule(EvalHook, kwargs) for name, kwargs in RULE_CASES.items()}
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
