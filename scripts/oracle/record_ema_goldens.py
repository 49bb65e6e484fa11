"""Record MMEngine 0.10.7's weight-averaging results as goldens for our reimplementation.

Run with the oracle interpreter (it must not import our ``engine`` package)::

    .oracle/mmengine/bin/python scripts/oracle/record_ema_goldens.py

Writes ``fixtures/goldens/ema.json``. ``make_model`` and ``perturb`` are duplicated verbatim in
``tests/engine/hooks/test_ema_hook.py and tests/engine/model/test_averaged_model.py``; change both together.
"""
from __future__ import annotations

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ema_models import make_model, perturb  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'ema.json')
RECORD_AT = (1, 5, 20)

# (name, type, kwargs) of the averaged models recorded
AVERAGERS = [
    ('ema_i1_nobuf', 'ExponentialMovingAverage', dict(momentum=0.1, interval=1)),
    ('ema_i1_buf', 'ExponentialMovingAverage',
     dict(momentum=0.1, interval=1, update_buffers=True)),
    ('ema_i2_nobuf', 'ExponentialMovingAverage', dict(momentum=0.1, interval=2)),
    ('ema_i2_buf', 'ExponentialMovingAverage',
     dict(momentum=0.1, interval=2, update_buffers=True)),
    ('anneal_g4', 'MomentumAnnealingEMA', dict(momentum=0.2, gamma=4)),
    ('anneal_g100_buf', 'MomentumAnnealingEMA',
     dict(momentum=0.1, gamma=100, update_buffers=True)),
    ('swa_i1', 'StochasticWeightAverage', dict(interval=1)),
    ('swa_i2_buf', 'StochasticWeightAverage', dict(interval=2, update_buffers=True)),
]




def to_json(state: dict) -> dict:
    return {k: v.detach().cpu().tolist() for k, v in state.items()}


def record_averagers(models_registry) -> dict:
    out = {}
    for name, type_name, kwargs in AVERAGERS:
        model = make_model()
        avg = models_registry.build(dict(type=type_name, model=model, **kwargs))
        snaps = {}
        for step in range(1, max(RECORD_AT) + 1):
            perturb(model, step)
            avg.update_parameters(model)
            if step in RECORD_AT:
                snaps[str(step)] = to_json(avg.state_dict())
        out[name] = dict(type=type_name, kwargs=kwargs, snapshots=snaps)
    return out


class FakeRunner:
    """Just the attributes MMEngine's EMAHook reads."""

    def __init__(self, model, max_iters=10, max_epochs=3, resume=False):
        self.model = model
        self.iter = 0
        self.epoch = 0
        self.max_iters = max_iters
        self.max_epochs = max_epochs
        self._resume = resume


def run_hook(EMAHook, hook_kwargs: dict, n_iters: int, epoch_len: int = 0) -> tuple:
    """Train ``n_iters`` fake iterations under an EMAHook; ``epoch_len`` > 0 advances epochs."""
    model = make_model()
    runner = FakeRunner(model)
    hook = EMAHook(**hook_kwargs)
    hook.before_run(runner)
    hook.before_train(runner)
    for i in range(n_iters):
        runner.iter = i
        runner.epoch = i // epoch_len if epoch_len else 0
        perturb(model, i + 1)
        hook.after_train_iter(runner, batch_idx=i, data_batch=None, outputs={})
    return hook, runner, model


def record_hook(EMAHook) -> dict:
    out = {}
    # 1. iteration-based run, then checkpoint, validation swap, resume
    hook, runner, model = run_hook(EMAHook, dict(momentum=0.1), 6)
    rec = {'ema_after_train': to_json(hook.ema_model.state_dict())}
    hook.before_val_epoch(runner)
    rec['model_during_val'] = to_json(model.state_dict())
    hook.after_val_epoch(runner, metrics={})
    rec['model_after_val'] = to_json(model.state_dict())
    ckpt = {'meta': {}, 'state_dict': model.state_dict()}
    hook.before_save_checkpoint(runner, ckpt)
    rec['checkpoint_keys'] = sorted(ckpt)
    rec['ema_state_dict_keys'] = list(ckpt['ema_state_dict'])
    rec['saved_state_dict'] = to_json(ckpt['state_dict'])
    rec['saved_ema_state_dict'] = to_json(ckpt['ema_state_dict'])
    # resume into a fresh model/hook pair
    hook2 = EMAHook(momentum=0.1)
    runner2 = FakeRunner(make_model(), resume=True)
    hook2.before_run(runner2)
    hook2.after_load_checkpoint(runner2, ckpt)
    rec['resumed_ema'] = to_json(hook2.ema_model.state_dict())
    rec['resumed_state_dict'] = to_json(ckpt['state_dict'])
    out['iter_based'] = rec

    # 2. begin_iter: the copy follows the model until iteration begin_iter - 1
    hook, _, _ = run_hook(EMAHook, dict(momentum=0.1, begin_iter=3, update_buffers=True), 6)
    out['begin_iter'] = {'ema': to_json(hook.ema_model.state_dict())}

    # 3. begin_epoch with 2-iteration epochs
    hook, _, _ = run_hook(EMAHook, dict(momentum=0.1, begin_epoch=2), 6, epoch_len=2)
    out['begin_epoch'] = {'ema': to_json(hook.ema_model.state_dict())}

    # 4. loading a plain checkpoint (no ema_state_dict), not resuming
    hook, runner, _ = run_hook(EMAHook, dict(ema_type='StochasticWeightAverage'), 3)
    plain = make_model()
    perturb(plain, 99)
    hook.after_load_checkpoint(runner, {'state_dict': plain.state_dict()})
    out['load_plain'] = {'ema': to_json(hook.ema_model.state_dict())}
    return out


def main() -> None:
    import mmengine
    from mmengine.hooks import EMAHook
    from mmengine.registry import MODELS

    if any(m == 'engine' or m.startswith('engine.') for m in sys.modules):
        raise SystemExit('the oracle script must not import our engine package')
    goldens = {
        'mmengine_version': mmengine.__version__,
        'torch_version': torch.__version__,
        'record_at': list(RECORD_AT),
        'averagers': record_averagers(MODELS),
        'hook': record_hook(EMAHook),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(goldens, f, indent=1, sort_keys=True)
        f.write('\n')
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
