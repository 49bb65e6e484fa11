"""Record the averaging weights of MMCV 1.7.2's ``EMAHook`` and of the MMEngine 0.10.7
``EMAHook`` the converter writes for it, after every iteration of each scenario of
``ema_warmup_scenarios.py`` (the probe makes an EMA its own weight vector).

Two libraries, two interpreters: run it with the MMCV oracle; it runs itself again under the
MMEngine oracle for the other side (neither imports our packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_ema_warmup_goldens.py [--check]

Writes ``fixtures/goldens/ema_warmup.json``: per scenario the legacy arguments, the converted
ones, and per side the weight vector after each iteration (float.hex). ``--check`` records
again and compares instead of writing (exit 1 on a difference).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ema_warmup_scenarios import SCENARIOS, FakeRunner, Probe, hexes, mmengine_args  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'ema_warmup.json')
MMENGINE_PYTHON = os.path.join(ROOT, '.oracle', 'mmengine', 'bin', 'python')


def mmcv_side() -> dict:
    from mmcv.runner.hooks import EMAHook
    out = {}
    for name, sc in SCENARIOS.items():
        model = Probe(sc['iters'])
        runner = FakeRunner(model, sc['iters'])
        hook = EMAHook(momentum=sc['momentum'], interval=sc['interval'], warm_up=sc['warm_up'])
        hook.before_run(runner)
        rows = []
        for t in range(sc['iters']):
            runner.iter = t
            model.step_to(t)
            hook.after_train_iter(runner)
            rows.append(hexes(model.ema_w.tolist()))
        out[name] = rows
    return out


def mmengine_side() -> dict:
    from mmengine.hooks import EMAHook
    out = {}
    for name, sc in SCENARIOS.items():
        model = Probe(sc['iters'])
        runner = FakeRunner(model, sc['iters'])
        hook = EMAHook(ema_type='ExponentialMovingAverage', **mmengine_args(sc))
        hook.before_run(runner)
        hook.before_train(runner)
        rows = []
        for t in range(sc['iters']):
            runner.iter = t
            model.step_to(t)
            hook.after_train_iter(runner, batch_idx=t)
            rows.append(hexes(hook.ema_model.module.w.tolist()))
        out[name] = rows
    return out


def record() -> dict:
    engine = subprocess.run([MMENGINE_PYTHON, os.path.abspath(__file__), '--side', 'mmengine'],
                            check=True, capture_output=True, text=True)
    mmengine = json.loads(engine.stdout)
    mmcv = mmcv_side()
    return {name: dict(legacy=sc, converted=mmengine_args(sc), mmcv=mmcv[name],
                       mmengine=mmengine[name])
            for name, sc in SCENARIOS.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true',
                        help='compare with the recorded file instead of writing it')
    parser.add_argument('--side', choices=('mmengine',), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side == 'mmengine':
        print(json.dumps(mmengine_side()))
        return 0
    golden = json.loads(json.dumps(record()))
    if args.check:
        with open(OUT) as f:
            stored = json.load(f)
        if golden != stored:
            print(f'{OUT}: differs from a fresh recording')
            return 1
        print(f'{OUT}: matches a fresh recording')
        return 0
    with open(OUT, 'w') as f:
        json.dump(golden, f, indent=1)
        f.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
