"""Record MMCV 1.7.2's EpochBasedRunner/IterBasedRunner on the scenarios of
``legacy_runner_scenarios.py``.

Run with the oracle interpreter (it must not import our packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_runner_goldens.py

``time.sleep`` is patched to a no-op: MMCV sleeps 2 s at every epoch transition and 1 s before
``after_run``, which changes nothing but the wall time (compat does not sleep).

Writes ``fixtures/goldens/legacy_runner.json``: per scenario the full run and, where
``RESUMES`` names a checkpoint, a run resumed from it (a fresh, differently seeded model).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time

from mmcv.runner import EpochBasedRunner, Hook, IterBasedRunner

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_runner_scenarios import RESUMES, SCENARIOS, run_scenario  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_runner.json')


def main() -> None:
    time.sleep = lambda seconds: None
    out = {}
    for name, (by_epoch, *_rest) in SCENARIOS.items():
        runner_cls = EpochBasedRunner if by_epoch else IterBasedRunner
        with tempfile.TemporaryDirectory() as tmp:
            full_dir = os.path.join(tmp, 'full')
            out[name] = {'full': run_scenario(name, Hook, runner_cls, full_dir)}
            if name in RESUMES:
                resume_dir = os.path.join(tmp, 'resume')
                shutil.copytree(full_dir, resume_dir, symlinks=True)
                out[name]['resume'] = run_scenario(name, Hook, runner_cls, resume_dir,
                                                   resume_from=RESUMES[name])
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
