"""Per-iteration lr/momentum of a new-style config, from the REAL MMEngine 0.10.7 schedulers.

Run with the MMEngine oracle interpreter (``.oracle/mmengine/bin/python``); it never imports this
project's packages. :func:`simulate_config` loads the file with the real ``mmengine.Config``
(so it also proves that the file loads in MMEngine) and rebuilds what ``Runner.train()`` builds
before its loop starts, in the same order:

1. the train loop's length from ``train_cfg`` (``type`` EpochBasedTrainLoop/IterBasedTrainLoop or
   ``by_epoch``): an epoch loop has ``max_iters = max_epochs * epoch_len``, an iteration loop has
   ``max_epochs = 1`` (MMEngine's own values, used for the default ``end``);
2. the optimizer wrapper through the real ``mmengine.optim.build_optim_wrapper`` (constructor and
   ``paramwise_cfg`` included) over a model with ONE parameter ``p0`` of shape (1,), the same
   dummy as ``mmcv_schedule_sim``, so there is one param group. ``AmpOptimWrapper`` cannot be
   built without a GPU; it is replaced by ``OptimWrapper`` (the schedule does not depend on it)
   and the output says so;
3. ``Runner.scale_lr`` when ``auto_scale_lr.enable`` is set (world size 1, the
   ``train_dataloader.batch_size``);
4. every ``param_scheduler`` entry like ``Runner._build_param_scheduler``: deep copy, default
   ``end`` (max_epochs when ``by_epoch`` (default True), else max_iters), then
   ``PARAM_SCHEDULERS.build(cfg, default_args=dict(optimizer=wrapper, epoch_length=epoch_len))``
   (whose build function applies ``convert_to_iter_based``).

The schedulers are then stepped by the real ``ParamSchedulerHook`` in the order of MMEngine's
train loops: per iteration [record, ``optim_wrapper.step()``, ``after_train_iter``], and
``after_train_epoch`` after each epoch (an IterBasedTrainLoop calls it once, after the last
iteration). Validation is not run: without metrics the hook's ``after_val_epoch`` does nothing.

    .oracle/mmengine/bin/python scripts/oracle/mmengine_schedule_sim.py CONFIG.py EPOCH_LEN
    .oracle/mmengine/bin/python scripts/oracle/mmengine_schedule_sim.py --check-goldens
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from types import SimpleNamespace
from typing import Any, Dict, List, Optional

import torch

import mmengine
from mmengine.config import Config, ConfigDict
from mmengine.hooks import ParamSchedulerHook
from mmengine.optim import build_optim_wrapper
from mmengine.registry import OPTIMIZERS, PARAM_SCHEDULERS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_golden_io import jsonable, momentum_of  # noqa: E402

AMP_ONLY_KEYS = ('loss_scale', 'dtype', 'use_fsdp')
EPOCH_LOOP, ITER_LOOP = 'EpochBasedTrainLoop', 'IterBasedTrainLoop'


def plain(obj: Any) -> Any:
    """ConfigDicts as plain dicts/lists (deep copy), so that nothing leaks back into the config."""
    if isinstance(obj, (dict, ConfigDict)):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [plain(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(plain(v) for v in obj)
    return copy.deepcopy(obj)


class _OneParamModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.p0 = torch.nn.Parameter(torch.zeros(1))


def train_loop_length(train_cfg: Dict[str, Any], epoch_len: int) -> Dict[str, Any]:
    """``{'type', 'max_epochs', 'max_iters'}`` as MMEngine's loop objects report them."""
    if 'type' in train_cfg and 'by_epoch' in train_cfg:
        raise RuntimeError('Only one of `type` or `by_epoch` can exist in `train_cfg`.')
    if 'type' in train_cfg:
        loop_type = train_cfg['type']
        if loop_type not in (EPOCH_LOOP, ITER_LOOP):
            raise ValueError(f'train_cfg.type={loop_type!r}: only {EPOCH_LOOP} and '
                             f'{ITER_LOOP} are emulated')
    else:
        loop_type = EPOCH_LOOP if train_cfg['by_epoch'] else ITER_LOOP
    if loop_type == EPOCH_LOOP:
        max_epochs = int(train_cfg['max_epochs'])
        return dict(type=loop_type, max_epochs=max_epochs, max_iters=max_epochs * epoch_len)
    return dict(type=loop_type, max_epochs=1, max_iters=int(train_cfg['max_iters']))


def build_wrapper(optim_wrapper_cfg: Dict[str, Any]):
    """The real builder; AmpOptimWrapper (GPU only) is replaced by OptimWrapper."""
    cfg = plain(optim_wrapper_cfg)
    if 'optimizer' not in cfg:
        raise ValueError('optim_wrapper has no `optimizer`: several optimizers '
                         '(OptimWrapperDict) are not emulated')
    optim_type = cfg['optimizer'].get('type')
    if isinstance(optim_type, str) and OPTIMIZERS.get(optim_type) is None:
        raise KeyError(f'optim_wrapper.optimizer.type={optim_type!r} is not registered in '
                       f'MMEngine {mmengine.__version__} (OPTIMIZERS)')
    amp_replaced = cfg.get('type') == 'AmpOptimWrapper'
    if amp_replaced:
        cfg['type'] = 'OptimWrapper'
        for key in AMP_ONLY_KEYS:
            cfg.pop(key, None)
    wrapper = build_optim_wrapper(_OneParamModel(), cfg)
    return wrapper, amp_replaced


def scale_lr(wrapper, auto_scale_lr: Optional[Dict[str, Any]],
             train_dataloader: Optional[Dict[str, Any]], world_size: int = 1) -> Optional[float]:
    """``Runner.scale_lr``: returns the ratio applied, or None when disabled."""
    if not auto_scale_lr or not auto_scale_lr.get('enable', False):
        return None
    ratio = float(world_size * train_dataloader['batch_size']) / float(
        auto_scale_lr['base_batch_size'])
    for group in wrapper.optimizer.param_groups:
        group['lr'] = group['lr'] * ratio
    return ratio


def scheduler_cfgs(param_scheduler: Any) -> List[Dict[str, Any]]:
    """A single dict or a list of dicts (a dict keyed by optimizer name needs several)."""
    if param_scheduler is None:
        return []
    if isinstance(param_scheduler, dict):
        if 'type' not in param_scheduler:
            raise ValueError('param_scheduler keyed by optimizer name is not emulated')
        return [param_scheduler]
    return list(param_scheduler)


def build_schedulers(cfgs: List[Dict[str, Any]], wrapper, loop: Dict[str, Any],
                     epoch_len: int):
    """``Runner._build_param_scheduler`` with a built train loop; returns (objects, cfgs used)."""
    built, used = [], []
    for cfg in cfgs:
        cfg = plain(cfg)
        cfg.setdefault('end', loop['max_epochs'] if cfg.get('by_epoch', True)
                       else loop['max_iters'])
        used.append(copy.deepcopy(cfg))
        built.append(PARAM_SCHEDULERS.build(
            cfg, default_args=dict(optimizer=wrapper, epoch_length=epoch_len)))
    return built, used


def simulate(cfg: Any, epoch_len: int) -> Dict[str, Any]:
    """Per-iteration lr/momentum of param group 0 under the real MMEngine schedulers.

    ``cfg``: an ``mmengine.Config`` or a dict with ``train_cfg``, ``optim_wrapper`` and optionally
    ``param_scheduler``, ``auto_scale_lr``, ``train_dataloader``. Returns ``{'epoch', 'iter',
    'lr': [[g0] per iteration], 'momentum': [[g0] ...] or None}`` (the shape of
    ``mmcv_schedule_sim.simulate``) plus ``loop``, ``epoch_len``, ``optimizer_type``,
    ``optim_wrapper_type``, ``amp_replaced``, ``auto_scale_lr_ratio``, ``base_lrs``,
    ``base_momentums`` and ``param_scheduler`` (the configs as built, with their default end).
    E.g. ``dict(type='MultiStepLR', milestones=[1])`` with 2 epochs of 2 iterations on lr 0.1:
    ``lr == [[0.1], [0.1], [0.01], [0.01]]`` (approximately; the real values are products).
    """
    cfg = plain(cfg._cfg_dict if isinstance(cfg, Config) else cfg)
    loop = train_loop_length(cfg['train_cfg'], epoch_len)
    wrapper, amp_replaced = build_wrapper(cfg['optim_wrapper'])
    optimizer = wrapper.optimizer
    ratio = scale_lr(wrapper, cfg.get('auto_scale_lr'), cfg.get('train_dataloader'))
    base_lrs = [float(g['lr']) for g in optimizer.param_groups]
    base_momentums = [momentum_of(g) for g in optimizer.param_groups]
    schedulers, used = build_schedulers(scheduler_cfgs(cfg.get('param_scheduler')), wrapper,
                                        loop, epoch_len)
    runner = SimpleNamespace(param_schedulers=schedulers)
    hook = ParamSchedulerHook()
    out = dict(epoch=[], iter=[], lr=[], momentum=[])

    def train_iter(epoch: int, global_iter: int, batch_idx: int) -> None:
        groups = optimizer.param_groups
        out['epoch'].append(epoch)
        out['iter'].append(global_iter)
        out['lr'].append([float(g['lr']) for g in groups])
        out['momentum'].append([momentum_of(g) for g in groups])
        wrapper.step()   # no gradients: a no-op update, but the step MMEngine expects first
        hook.after_train_iter(runner, batch_idx=batch_idx)

    if loop['type'] == EPOCH_LOOP:
        for epoch in range(loop['max_epochs']):
            for batch_idx in range(epoch_len):
                train_iter(epoch, epoch * epoch_len + batch_idx, batch_idx)
            hook.after_train_epoch(runner)
    else:
        for it in range(loop['max_iters']):
            train_iter(0, it, it)   # the iteration loop keeps runner.epoch at 0
        hook.after_train_epoch(runner)
    has_momentum = all(m is not None for m in base_momentums)
    if not has_momentum:
        out['momentum'] = None
    out.update(
        loop=loop, epoch_len=epoch_len, optimizer_type=type(optimizer).__name__,
        optim_wrapper_type=type(wrapper).__name__, amp_replaced=amp_replaced,
        auto_scale_lr_ratio=ratio, base_lrs=base_lrs,
        base_momentums=base_momentums if has_momentum else None,
        param_scheduler=jsonable(used))
    return out


def simulate_config(path: str, epoch_len: int) -> Dict[str, Any]:
    """Load ``path`` with the real ``mmengine.Config.fromfile`` and :func:`simulate` it.

    ``custom_imports`` are not imported (the oracle venv has no downstream packages); the output
    lists them under ``custom_imports``.
    """
    cfg = Config.fromfile(path, import_custom_modules=False)
    out = simulate(cfg, epoch_len)
    out['custom_imports'] = jsonable(plain(cfg.get('custom_imports')))
    # as the merged config gives them (the Runner fills in MMEngine's defaults later)
    out['default_hooks'] = jsonable(plain(cfg.get('default_hooks')))
    return out


def check_scheduler_goldens(path: str) -> int:
    """Re-derive the single-group, metric-free cases of fixtures/goldens/schedulers.json."""
    with open(path) as f:
        goldens = json.load(f)
    checked = failed = 0
    for case in goldens['cases']:
        opt = dict(case['optimizer'])
        groups = opt.pop('groups')
        if len(groups) != 1 or groups[0] or case['metrics'] or \
                set(case['record']) - {'lr', 'momentum'}:
            continue
        if case['loop'] == 'epoch':
            train_cfg = dict(by_epoch=True, max_epochs=case['max_epochs'])
        else:
            train_cfg = dict(by_epoch=False, max_iters=case['max_iters'])
        out = simulate(dict(train_cfg=train_cfg, optim_wrapper=dict(optimizer=opt),
                            param_scheduler=case['param_scheduler']), case['epoch_length'])
        got_lr = [row[0] for row in out['lr']]
        got_mom = [row[0] for row in out['momentum']]
        ok = got_lr == case['lr'][0] and got_mom == case['momentum'][0]
        checked += 1
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {case['name']}")
    print(f'{checked} cases checked, {failed} differ')
    return 1 if failed or not checked else 0


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?')
    parser.add_argument('epoch_len', nargs='?', type=int)
    parser.add_argument('--check-goldens', nargs='?', metavar='SCHEDULERS_JSON',
                        const=os.path.join(here, '..', '..', 'fixtures', 'goldens',
                                           'schedulers.json'))
    args = parser.parse_args(argv)
    if args.check_goldens:
        return check_scheduler_goldens(args.check_goldens)
    if args.config is None or args.epoch_len is None:
        parser.error('give CONFIG and EPOCH_LEN, or --check-goldens')
    out = simulate_config(args.config, args.epoch_len)
    print(f"mmengine {mmengine.__version__}: {out['loop']}, {out['optimizer_type']} "
          f"in {out['optim_wrapper_type']}")
    for e, i, lr, mom in zip(out['epoch'], out['iter'], out['lr'],
                             out['momentum'] or [[None]] * len(out['lr'])):
        print(e, i, lr[0], mom[0])
    return 0


if __name__ == '__main__':
    sys.exit(main())
