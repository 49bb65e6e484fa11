"""HK007 on the real MMEngine 0.10.7 (imported by record_hookcode_mmengine_binding.py; runs
with the oracle interpreter, never imports our packages).

A class ported from an LR/momentum updater hook must be a ``_ParamScheduler`` registered in
``mmengine.registry.PARAM_SCHEDULERS`` under its name, build from a config dict the way the
Runner builds ``param_scheduler`` (``end`` defaulted to the run length, ``epoch_length`` among
the default arguments), and, stepped as ``ParamSchedulerHook`` steps it (after each iteration
if ``by_epoch=False``, after each epoch otherwise), chain with a warm-up scheduler before it.
The values of param group 0 and 1 (base lr 0.1 and 0.02) before each iteration are recorded;
tests/migrate/hookcode/test_port_lr_updater.py compares them with the legacy hook replayed on
MMCV's maths.
"""
from __future__ import annotations

import copy

import torch
from mmengine.optim import OptimWrapper
from mmengine.optim.scheduler import _ParamScheduler
from mmengine.optim.scheduler.momentum_scheduler import MomentumSchedulerMixin
from mmengine.registry import PARAM_SCHEDULERS

#: what MMEngine registers itself, before any converted module adds to it (a port's name must
#: not be one of these: migrate.tables.MMENGINE_SCHEDULERS is held to this list)
BUILTIN = sorted(PARAM_SCHEDULERS.module_dict)
EPOCH_LEN = 4
EPOCHS = 3
#: scenario -> the param_scheduler list ahead of the ported class, and its by_epoch
SCENARIOS = {
    'epoch': ([], True),
    # the warm-up crosses two epoch ends
    'epoch_linear_warmup': ([dict(type='LinearLR', start_factor=0.1, begin=0, end=11,
                                  by_epoch=False)], True),
    'iter': ([], False),
    'iter_linear_warmup': ([dict(type='LinearLR', start_factor=0.1, begin=0, end=6,
                                 by_epoch=False)], False),
}


#: the arguments a ported fixture class needs (the others build with their defaults)
ARGS = {'MultiGammaStepLR': dict(step=[2, 5], gamma=[0.5, 0.2])}


def _optim_wrapper():
    model = torch.nn.Linear(2, 2)
    groups = [{'params': [model.weight], 'lr': 0.1}, {'params': [model.bias], 'lr': 0.02}]
    optimizer = torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    return OptimWrapper(optimizer)


def _run(name: str, param: str, ahead, by_epoch: bool):
    wrapper = _optim_wrapper()
    schedulers = []
    for cfg in copy.deepcopy(ahead) + [dict(type=name, by_epoch=by_epoch, **ARGS.get(name, {}))]:
        # the Runner's defaults (Runner._build_param_scheduler)
        cfg.setdefault('end', EPOCHS if cfg.get('by_epoch', True) else EPOCHS * EPOCH_LEN)
        schedulers.append(PARAM_SCHEDULERS.build(
            cfg, default_args=dict(optimizer=wrapper, epoch_length=EPOCH_LEN)))
    seen = []
    for _ in range(EPOCHS):
        for _ in range(EPOCH_LEN):
            seen.append([g[param] for g in wrapper.optimizer.param_groups])
            wrapper.step()
            for s in schedulers:           # ParamSchedulerHook.after_train_iter
                if not s.by_epoch:
                    s.step()
        for s in schedulers:               # ParamSchedulerHook.after_train_epoch
            if s.by_epoch:
                s.step()
    return seen


def check(cls_name: str, cls) -> dict:
    """What the binding golden records for a ported scheduler class ({} for other classes)."""
    if not isinstance(cls, type) or not issubclass(cls, _ParamScheduler):
        return {}
    info = {'registered': PARAM_SCHEDULERS.get(cls_name) is cls, 'values': {},
            'args': ARGS.get(cls_name, {}), 'mmengine_builtin': BUILTIN}
    param = 'momentum' if issubclass(cls, MomentumSchedulerMixin) else 'lr'
    info['param'] = param
    for scenario, (ahead, by_epoch) in sorted(SCENARIOS.items()):
        if param == 'momentum' and ahead:
            continue   # MMCV's momentum warm-up has no MMEngine form (MIG101 says so)
        try:
            info['values'][scenario] = _run(cls_name, param, ahead, by_epoch)
        except Exception as e:   # recorded: the test fails on it
            info['values'][scenario] = f'{type(e).__name__}: {e}'
    return {'param_scheduler': info}
