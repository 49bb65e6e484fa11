"""Record MMCV 1.7.2's optimizer hooks on the scenarios of
``legacy_optimizer_hook_scenarios.py``.

Run with the oracle interpreter (it must not import our packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_optimizer_hook_goldens.py

``time.sleep`` is patched to a no-op: MMCV's runners sleep at epoch transitions and before
``after_run``, which changes nothing but the wall time. This machine has no CUDA, so MMCV's
fp16 hooks run with torch's disabled ``GradScaler`` (fp32, unscaled): that is what is recorded;
the ``cpu_scaler`` scenarios swap in an enabled ``torch.amp.GradScaler('cpu')`` so the scaling,
unscale, update and state_dict/resume path that runs on a GPU is recorded as well.
``DistOptimizerHook`` is the oracle's re-implementation of the self-supervised codebases' hook
as a subclass of MMCV's ``OptimizerHook``.

Writes ``fixtures/goldens/legacy_optimizer_hooks.json``.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import warnings

import torch
from mmcv.runner import EpochBasedRunner, Hook, IterBasedRunner, OptimizerHook
from mmcv.runner.hooks.optimizer import Fp16OptimizerHook

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_optimizer_hook_scenarios import (SCENARIOS, make_dist_optimizer_hook,  # noqa: E402
                                             run_scenario)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_optimizer_hooks.json')


def _refusals() -> dict:
    out = {}
    for value in (512, 'static', None):
        try:
            Fp16OptimizerHook(loss_scale=value)
            out[repr(value)] = None
        except Exception as err:  # noqa: BLE001 - the oracle's behaviour is the data
            out[repr(value)] = [type(err).__name__, str(err)]
    return out


def main() -> None:
    time.sleep = lambda seconds: None
    warnings.simplefilter('ignore')
    dist_hook = make_dist_optimizer_hook(OptimizerHook)
    out = {'cuda_available': torch.cuda.is_available(), 'scenarios': {},
           'loss_scale_refusals': _refusals()}
    for name in SCENARIOS:
        with tempfile.TemporaryDirectory() as tmp:
            out['scenarios'][name] = run_scenario(name, Hook, EpochBasedRunner, IterBasedRunner,
                                                  tmp, dist_hook_cls=dist_hook)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
