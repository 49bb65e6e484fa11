"""Per-iteration lr/momentum of a legacy config, from the REAL MMCV 1.7.2 runner and hooks.

Run with the MMCV oracle interpreter (``.oracle/mmcv/bin/python``); it never imports this
project's packages. :func:`simulate` builds the real runner (``mmcv.runner.build_runner``), a real
torch optimizer over dummy parameters, registers the lr/momentum hooks through the runner's own
``register_training_hooks`` (so the policy-name rule and IterBasedRunner's
``setdefault('by_epoch', False)`` on ``lr_config`` are MMCV's), and runs the runner's real
``run()`` loop with a workflow of ``[('train', 1)]``. The dummy model's ``train_step`` records
every param group's lr and momentum (``momentum`` or ``betas[0]``): the values that iteration
trains with, after the ``before_train_iter`` hooks ran.

No optimizer hook is registered (no step is taken): the schedule hooks never read gradients
or weights. The runners' ``time.sleep`` calls (2 s per epoch) are patched out while running.

    .oracle/mmcv/bin/python -c "import sys; sys.path.insert(0, 'scripts/oracle'); \\
        import mmcv_schedule_sim as s; print(s.simulate(dict(optimizer=dict(type='SGD', lr=0.1, \\
        momentum=0.9), lr_config=dict(policy='step', step=[2]), runner=dict( \\
        type='EpochBasedRunner', max_epochs=3)), epoch_len=2)['lr'])"
"""
from __future__ import annotations

import contextlib
import copy
import logging
import os
import sys
import time
from typing import Any, Dict, List

import torch

import mmcv
from mmcv.runner import build_optimizer, build_runner

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_golden_io import momentum_of  # noqa: E402

_LOGGER = logging.getLogger('mmcv_schedule_sim')
_LOGGER.setLevel(logging.ERROR)
_LOGGER.propagate = False


def _plain(cfg: Any) -> Dict[str, Any]:
    """A deep-copied plain dict of a dict or an ``mmcv.Config`` (tuples stay tuples)."""
    if isinstance(cfg, mmcv.Config):
        cfg = cfg._cfg_dict
    return _to_builtin(copy.deepcopy(cfg))


def _to_builtin(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _to_builtin(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(_to_builtin(v) for v in obj)
    if isinstance(obj, list):
        return [_to_builtin(v) for v in obj]
    return obj


def runner_config(cfg: Dict[str, Any]) -> Dict[str, Any]:
    """``cfg['runner']``, or MMDet 2.x's fallback ``EpochBasedRunner(max_epochs=total_epochs)``."""
    runner = cfg.get('runner')
    total_epochs = cfg.get('total_epochs')
    if runner is None:
        if total_epochs is None:
            raise ValueError('the config has neither `runner` nor `total_epochs`')
        return dict(type='EpochBasedRunner', max_epochs=total_epochs)
    runner = dict(runner)
    if total_epochs is not None:
        # mmdet.utils.compat_runner_args asserts the two agree
        assert total_epochs == runner.get('max_epochs'), 'total_epochs != runner.max_epochs'
    return runner


class _RecordingModel(torch.nn.Module):
    """One scalar parameter per param group; ``train_step`` records the optimizer state."""

    def __init__(self, num_groups: int):
        super().__init__()
        for i in range(num_groups):
            setattr(self, f'p{i}', torch.nn.Parameter(torch.zeros(1)))
        self.runner = None
        self.records: List[tuple] = []

    def train_step(self, data_batch, optimizer, **kwargs):
        groups = optimizer.param_groups
        lrs = [float(g['lr']) for g in groups]
        moms = [momentum_of(g) for g in groups]
        self.records.append((self.runner.epoch, self.runner.iter, lrs, moms))
        return {}


def _build_optimizer(model: _RecordingModel, optimizer_cfg: Dict[str, Any], num_groups: int):
    """With ``paramwise_cfg``/``constructor``: MMCV's own builder (one group per parameter).
    Otherwise a torch optimizer with one group per dummy parameter (MMCV's default constructor
    would merge them into one group, which is what ``num_groups=1`` gives)."""
    optimizer_cfg = dict(optimizer_cfg)
    # MMDet 1.x / MMSelfSup 0.x builders popped paramwise_options before the optimizer saw
    # it; its regexes and multipliers match no dummy parameter (p0, ...), so group 0 keeps
    # the base values either way
    optimizer_cfg.pop('paramwise_options', None)
    if 'paramwise_cfg' in optimizer_cfg or 'constructor' in optimizer_cfg:
        return build_optimizer(model, optimizer_cfg)
    optim_type = optimizer_cfg.pop('type')
    optim_cls = getattr(torch.optim, optim_type)
    groups = [{'params': [getattr(model, f'p{i}')]} for i in range(num_groups)]
    return optim_cls(groups, **optimizer_cfg)


class _FakeLoader(list):
    """``epoch_len`` dummy batches; ``sampler`` is read by IterBasedRunner's IterLoader."""
    sampler = None


@contextlib.contextmanager
def _no_sleep():
    real_sleep = time.sleep
    time.sleep = lambda seconds: None
    try:
        yield
    finally:
        time.sleep = real_sleep


def simulate(cfg: Any, epoch_len: int, num_groups: int = 1) -> Dict[str, Any]:
    """Run the real MMCV runner on ``cfg`` and return the per-iteration lr/momentum.

    Returns ``{'epoch': [...], 'iter': [...], 'lr': [[per group] per iteration],
    'momentum': [[per group] per iteration] or None}`` plus ``base_lrs``, ``base_momentums``
    (the optimizer's values as built, before any hook ran) and ``optimizer_type``.
    ``epoch_len`` is the number of batches in one pass over the (fake) data loader.
    """
    cfg = _plain(cfg)
    runner_cfg = runner_config(cfg)
    model = _RecordingModel(num_groups)
    optimizer = _build_optimizer(model, cfg['optimizer'], num_groups)
    base_lrs = [float(g['lr']) for g in optimizer.param_groups]
    base_momentums = [momentum_of(g) for g in optimizer.param_groups]
    runner = build_runner(runner_cfg, default_args=dict(
        model=model, optimizer=optimizer, work_dir=None, logger=_LOGGER, meta=None))
    model.runner = runner
    runner.register_training_hooks(cfg.get('lr_config'), optimizer_config=None,
                                   checkpoint_config=None, log_config=None,
                                   momentum_config=cfg.get('momentum_config'))
    loader = _FakeLoader(range(epoch_len))
    with _no_sleep():
        runner.run([loader], [('train', 1)])
    has_momentum = all(m is not None for m in base_momentums)
    return {
        'epoch': [rec[0] for rec in model.records],
        'iter': [rec[1] for rec in model.records],
        'lr': [rec[2] for rec in model.records],
        'momentum': [rec[3] for rec in model.records] if has_momentum else None,
        # the optimizer as built, before any hook ran (extra keys, for the goldens)
        'base_lrs': base_lrs,
        'base_momentums': base_momentums if has_momentum else None,
        'optimizer_type': type(optimizer).__name__,
    }


if __name__ == '__main__':   # a quick manual check
    out = simulate(dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9),
                        lr_config=dict(policy='step', step=[2], warmup='linear', warmup_iters=3),
                        runner=dict(type='EpochBasedRunner', max_epochs=3)), epoch_len=2)
    for row in zip(out['epoch'], out['iter'], out['lr'], out['momentum']):
        print(*row)
