"""Shared by the schedule_map tests: read legacy set-ups, map them, replay the result."""
from __future__ import annotations

import ast
import json
import pathlib
from typing import Any, Dict, Optional

from compat.schedules import legacy_trajectory, parse_lr_config, parse_momentum_config
from engine.schedulers import scheduler_trajectory
from migrate.schedule_map import MOMENTUM_RULE, map_schedules, max_rel_dev

ROOT = pathlib.Path(__file__).resolve().parents[3]
LEGACY_GOLDENS = ROOT / 'fixtures' / 'goldens' / 'legacy_schedules.json'
TOL = 1e-12
MMENGINE_TYPES = {
    'ConstantLR', 'LinearLR', 'StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR',
    'PolyLR', 'OneCycleLR', 'CosineRestartLR', 'ConstantMomentum', 'LinearMomentum',
    'StepMomentum', 'MultiStepMomentum', 'ExponentialMomentum', 'CosineAnnealingMomentum',
    'PolyMomentum', 'CosineRestartMomentum'}


def load_goldens() -> Dict[str, dict]:
    return json.loads(LEGACY_GOLDENS.read_text())['setups']


class Setup:
    """One legacy config: its parsed hooks, run length and optimizer."""

    def __init__(self, config: Any, epoch_len: int, num_groups: int = 1):
        cfg = ast.literal_eval(config) if isinstance(config, str) else config
        runner = cfg.get('runner') or dict(type='EpochBasedRunner',
                                           max_epochs=cfg.get('total_epochs'))
        self.runner_type = runner['type']
        self.max_epochs = runner.get('max_epochs')
        self.max_iters = runner.get('max_iters')
        self.epoch_len = epoch_len
        self.num_groups = num_groups
        self.lr = parse_lr_config(cfg.get('lr_config'), runner_type=self.runner_type)
        self.mom = parse_momentum_config(cfg.get('momentum_config'),
                                         runner_type=self.runner_type)
        opt = cfg['optimizer']
        self.optimizer_type = opt['type']
        self.base_lr = opt['lr']
        if 'betas' in opt:
            self.base_momentum: Optional[float] = opt['betas'][0]
        elif 'momentum' in opt or opt['type'] in ('SGD', 'RMSprop'):
            self.base_momentum = opt.get('momentum', 0.)
        elif opt['type'].startswith('Adam'):
            self.base_momentum = 0.9
        else:
            self.base_momentum = None

    @property
    def epoch_based(self) -> bool:
        return self.runner_type == 'EpochBasedRunner'

    def map(self, target: str, epoch_len: Optional[int]):
        return map_schedules(self.lr, self.mom, runner_type=self.runner_type,
                             max_epochs=self.max_epochs, max_iters=self.max_iters,
                             target=target, epoch_len=epoch_len, base_lr=self.base_lr,
                             base_momentum=self.base_momentum,
                             optimizer_type=self.optimizer_type)

    def optimizer(self) -> dict:
        out = dict(type=self.optimizer_type, lr=self.base_lr)
        if self.optimizer_type.startswith('Adam'):
            out['betas'] = (self.base_momentum, 0.999)
        elif self.base_momentum is not None:
            out['momentum'] = self.base_momentum
        return out

    def replay(self, schedulers, epoch_len: Optional[int] = None) -> dict:
        train_cfg = (dict(type='EpochBasedTrainLoop', max_epochs=self.max_epochs)
                     if self.epoch_based else
                     dict(type='IterBasedTrainLoop', max_iters=self.max_iters))
        return scheduler_trajectory(schedulers, train_cfg=train_cfg,
                                    epoch_len=epoch_len or self.epoch_len,
                                    optimizer=self.optimizer(), num_groups=self.num_groups)

    def legacy(self, epoch_len: Optional[int] = None):
        """MMCV's values from compat's closed forms (checked against real MMCV by C1)."""
        bm = None if self.base_momentum is None else [self.base_momentum] * self.num_groups
        return legacy_trajectory(
            self.lr, self.mom, runner_type=self.runner_type,
            max_epochs=self.max_epochs if self.epoch_based else None,
            max_iters=None if self.epoch_based else self.max_iters,
            epoch_len=epoch_len or self.epoch_len, base_lrs=[self.base_lr] * self.num_groups,
            base_momentums=bm, optimizer_type=self.optimizer_type)


def check_mapping(setup: Setup, mapping, target: str, expected_lr, expected_mom,
                  epoch_len_given: Optional[int]) -> None:
    """The contract: engine exact; mmengine exact per rule unless an approximation of that
    rule is reported, whose deviation is the one measured over the whole run."""
    out = setup.replay(mapping.schedulers)
    dev = {'MIG100': max_rel_dev(expected_lr, out['lr']),
           'MIG101': max_rel_dev(expected_mom, out['momentum'])}
    if target == 'engine':
        assert not mapping.approximations, mapping.approximations
        assert dev['MIG100'] <= TOL and dev['MIG101'] <= TOL, dev
        return
    assert {s['type'] for s in mapping.schedulers} <= MMENGINE_TYPES
    for rule in ('MIG100', 'MIG101'):
        approx = [a for a in mapping.approximations if a.rule == rule]
        if not approx:
            assert dev[rule] <= TOL, (rule, dev[rule])
            continue
        for a in approx:
            assert a.message and a.kind
            if a.scheduler_index is not None:
                assert 0 <= a.scheduler_index < len(mapping.schedulers)
            measured_len = a.measured_with_epoch_len
            if measured_len is None or measured_len == setup.epoch_len:
                expected = dev[rule]
            else:   # measured with an assumed length: measure again at that length
                assert epoch_len_given is None and setup.epoch_based
                legacy = setup.legacy(measured_len)
                again = setup.replay(mapping.schedulers, measured_len)
                expected = (max_rel_dev(legacy.lr, again['lr']) if rule == 'MIG100'
                            else max_rel_dev(legacy.momentum, again['momentum']))
                assert f'assumed epoch length of {measured_len}' in a.message
            assert abs(a.deviation - expected) <= 1e-9 * max(expected, 1e-3), (a, expected)


__all__ = ['Setup', 'check_mapping', 'load_goldens', 'TOL', 'MOMENTUM_RULE']
