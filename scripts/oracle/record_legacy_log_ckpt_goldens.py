"""Record MMCV 1.7.2's CheckpointHook, IterTimerHook, TextLoggerHook and TensorboardLoggerHook
on the scenarios of ``legacy_log_ckpt_scenarios.py``.

Run with the oracle interpreter (it must not import our packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_log_ckpt_goldens.py

``time.sleep`` is patched to a no-op (MMCV's runners sleep at epoch transitions; only wall
time changes). The oracle venv has no ``tensorboard``, so ``torch.utils.tensorboard`` is
replaced by a recording ``SummaryWriter``: the golden holds every ``add_scalar`` call
(tag -> [step, value as float32 hex]) that MMCV made; compat's test reads its real event files
back with tensorboard's ``EventAccumulator`` and compares.

Writes ``fixtures/goldens/legacy_log_ckpt.json``.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import types

import numpy as np
from mmcv.runner import EpochBasedRunner, IterBasedRunner

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_log_ckpt_scenarios import SCENARIOS, run_scenario  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_log_ckpt.json')
WRITTEN: dict = {}


class RecordingSummaryWriter:
    def __init__(self, log_dir):
        self.scalars = WRITTEN.setdefault(log_dir, {})

    def add_scalar(self, tag, value, step):
        self.scalars.setdefault(tag, []).append([step, float(np.float32(value)).hex()])

    def add_text(self, tag, value, step):
        raise AssertionError('the scenarios log no text')

    def close(self):
        pass


def main() -> None:
    time.sleep = lambda seconds: None
    fake = types.ModuleType('torch.utils.tensorboard')
    fake.SummaryWriter = RecordingSummaryWriter
    sys.modules['torch.utils.tensorboard'] = fake
    runners = {'EpochBasedRunner': EpochBasedRunner, 'IterBasedRunner': IterBasedRunner}
    out = {}
    for name in SCENARIOS:
        with tempfile.TemporaryDirectory() as tmp:
            out[name] = run_scenario(name, runners, tmp, lambda d: WRITTEN.pop(d, {}))
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
