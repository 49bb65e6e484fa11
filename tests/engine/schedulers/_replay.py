"""Drive our schedulers the way the train loops do, for golden and closed-form comparisons."""
from __future__ import annotations

import copy
from typing import Dict, List, Optional

import torch

from engine.hooks.param_scheduler_hook import ParamSchedulerHook
from engine.schedulers import build_param_schedulers


class FakeWrapper:
    """Mirrors MMEngine's OptimWrapper as schedulers see it: with more than one param group,
    ``param_groups`` ends with a pseudo group holding the optimizer defaults."""

    def __init__(self, optimizer: torch.optim.Optimizer):
        self.optimizer = optimizer
        self.base_param_settings = None
        if len(optimizer.param_groups) > 1:
            self.base_param_settings = {'params': torch.tensor([0.0]), **optimizer.defaults}

    @property
    def param_groups(self) -> list:
        extra = [self.base_param_settings] if self.base_param_settings is not None else []
        return self.optimizer.param_groups + extra

    @property
    def defaults(self) -> dict:
        return self.optimizer.defaults


class FakeRunner:
    def __init__(self, param_schedulers=None):
        self.param_schedulers = param_schedulers
        self.epoch = 0
        self.iter = 0


def build_optimizer(spec: dict) -> torch.optim.Optimizer:
    spec = copy.deepcopy(spec)
    opt_type = spec.pop('type')
    groups_spec = spec.pop('groups', [{}])
    if 'betas' in spec:
        spec['betas'] = tuple(spec['betas'])
    groups = []
    for override in groups_spec:
        override = dict(override)
        if 'betas' in override:
            override['betas'] = tuple(override['betas'])
        groups.append(dict(params=[torch.nn.Parameter(torch.zeros(2))], **override))
    return getattr(torch.optim, opt_type)(groups, **spec)


def read(group: dict, key: str) -> float:
    if key == 'momentum':
        return float(group['betas'][0] if 'betas' in group else group['momentum'])
    return float(group[key])


def replay(case: dict, runner: Optional[FakeRunner] = None,
           wrap=FakeWrapper) -> Dict[str, List[List[float]]]:
    """Build ``case`` with our builder and step it with our hook; return the trajectories."""
    optimizer = build_optimizer(case['optimizer'])
    wrapper = wrap(optimizer)
    loop = case['loop']
    schedulers = build_param_schedulers(
        case['param_scheduler'], wrapper, epoch_length=case['epoch_length'],
        max_epochs=case['max_epochs'] if loop == 'epoch' else 1,
        max_iters=case['max_iters'] if loop == 'iter' else None)
    runner = runner or FakeRunner()
    runner.param_schedulers = schedulers
    hook = ParamSchedulerHook()
    traj = {key: [[] for _ in optimizer.param_groups] for key in case['record']}

    def train_iter(batch_idx: int) -> None:
        for g, group in enumerate(optimizer.param_groups):
            for key in case['record']:
                traj[key][g].append(read(group, key))
        hook.after_train_iter(runner, batch_idx=batch_idx)
        runner.iter += 1

    if loop == 'epoch':
        for epoch in range(case['max_epochs']):
            runner.epoch = epoch
            for i in range(case['epoch_length']):
                train_iter(i)
            hook.after_train_epoch(runner)
            if case.get('metrics'):
                hook.after_val_epoch(runner, metrics=case['metrics'][epoch])
    else:
        for i in range(case['max_iters']):
            train_iter(i)
    return traj


def max_rel_error(expected: List[float], actual: List[float]) -> float:
    assert len(expected) == len(actual)
    worst = 0.0
    for e, a in zip(expected, actual):
        err = abs(a - e) / abs(e) if e != 0 else abs(a)
        worst = max(worst, err)
    return worst
