"""Record MMCV 1.7.2's EMAHook, ProfilerHook, ClosureHook, DistSamplerSeedHook,
SyncBuffersHook, EmptyCacheHook, the optional-package logger hooks (on recording fakes) and
downstream ``get_lr``/``get_momentum`` subclasses, on the scenarios of
``legacy_extra_hook_scenarios.py`` and ``legacy_logger_hook_scenarios.py``.

Run with the oracle interpreter (it must not import our packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_extra_hook_goldens.py [--check]

``time.sleep`` is patched to a no-op (MMCV's runners sleep at epoch transitions; only wall
time changes). ``--check`` records again and compares with the file instead of writing it
(exit 1 on a difference). Writes ``fixtures/goldens/legacy_extra_hooks.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import mmcv.runner
import mmcv.runner.hooks

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_extra_hook_scenarios import (custom_all, ema_all, profiler_all,  # noqa: E402
                                         runtime_of, small_hooks_all)
from legacy_logger_hook_scenarios import logger_all  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_extra_hooks.json')


def record() -> dict:
    time.sleep = lambda seconds: None
    rt = runtime_of(mmcv.runner, mmcv.runner.hooks)
    with tempfile.TemporaryDirectory() as tmp:
        return {'ema': ema_all(rt, os.path.join(tmp, 'ema')),
                'profiler': profiler_all(rt, os.path.join(tmp, 'profiler')),
                'small_hooks': small_hooks_all(rt, os.path.join(tmp, 'small')),
                'custom_schedules': custom_all(rt, os.path.join(tmp, 'custom')),
                'loggers': logger_all(rt, os.path.join(tmp, 'loggers'))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true',
                        help='compare with the recorded file instead of writing it')
    args = parser.parse_args()
    # through JSON so tuples compare as the file's lists
    golden = json.loads(json.dumps(record()))
    if args.check:
        with open(OUT) as f:
            stored = json.load(f)
        for section in golden:
            if golden[section] != stored.get(section):
                print(f'{OUT}: section {section!r} differs from a fresh recording')
                return 1
        print(f'{OUT}: matches a fresh recording')
        return 0
    with open(OUT, 'w') as f:
        json.dump(golden, f, indent=1)
        f.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
