"""Reduce a parameter when a validation metric stops improving (MMEngine's
``ReduceOnPlateauParamScheduler``).

Unlike the other schedulers it is not stepped at construction. ``step()`` without metrics (the
hook's after-epoch call) only counts epochs; ``step(metrics)`` (after validation) runs the
plateau logic when the counted epoch lies in ``[begin, end)``.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Sequence, Union

from engine.errors import ConfigError
from engine.schedulers.checks import check_number, param_groups_of, scheduler_failure
from engine.schedulers.closed_form import plateau_is_better, plateau_reduce
from engine.schedulers.param_scheduler import INF, ParamScheduler
from engine.registry import PARAM_SCHEDULERS

logger = logging.getLogger('engine.schedulers')


@PARAM_SCHEDULERS.register_module()
class ReduceOnPlateauParamScheduler(ParamScheduler):
    """Multiply the value by ``factor`` (< 1, floored at ``min_value``) after more than
    ``patience`` validations without improvement of ``metrics[monitor]``.

    ``rule``: 'less' or 'greater' is better; ``threshold_rule``: 'rel' or 'abs' margin;
    ``cooldown``: validations ignored after a reduction; ``eps``: smaller changes are skipped.
    ``by_epoch`` must be True.
    """

    need_val_args = True
    _state_attrs = ('factor', 'min_values', 'patience', 'cooldown', 'cooldown_counter',
                    'rule_worse', 'best', 'num_bad_epochs', 'eps', 'monitor', 'rule',
                    'threshold', 'threshold_rule')

    def __init__(self, optimizer: Any, param_name: str, monitor: str = 'loss',
                 rule: str = 'less', factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_rule: str = 'rel', cooldown: int = 0,
                 min_value: Union[float, Sequence[float]] = 0., eps: float = 1e-8,
                 begin: int = 0, end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        if not by_epoch:
            raise fail('by_epoch', 'must be True (the scheduler follows validations)')
        self._attach(optimizer, param_name, begin, end, last_step, by_epoch, verbose)
        self._global_step = 0
        check_number(fail, 'factor', factor)
        if factor >= 1.0:
            raise fail('factor', f'must be < 1, got {factor!r}')
        if rule not in ('less', 'greater'):
            raise fail('rule', f"must be 'less' or 'greater', got {rule!r}")
        if threshold_rule not in ('rel', 'abs'):
            raise fail('threshold_rule', f"must be 'rel' or 'abs', got {threshold_rule!r}")
        check_number(fail, 'threshold', threshold)
        if threshold < 0:
            raise fail('threshold', f'must be >= 0, got {threshold!r}')
        self.factor = factor
        self.min_values = self._min_values(owner, optimizer, min_value)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.monitor = monitor
        self.rule = rule
        self.threshold = threshold
        self.threshold_rule = threshold_rule
        self.rule_worse = INF if rule == 'less' else -INF
        self.best = self.rule_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0
        self._last_value = [group[self.param_name] for group in self.param_groups]

    @staticmethod
    def _min_values(owner: str, optimizer: Any, min_value: Any) -> list:
        fail = scheduler_failure(owner)
        groups = param_groups_of(owner, optimizer)
        if not isinstance(min_value, (list, tuple)):
            check_number(fail, 'min_value', min_value)
            return [min_value] * len(groups)
        # An OptimWrapper's pseudo base group is not counted: its floor repeats the last one.
        has_base_group = getattr(optimizer, 'base_param_settings', None) is not None
        n_real = len(groups) - int(has_base_group)
        if len(min_value) != n_real:
            raise fail('min_value', f'has {len(min_value)} values but the optimizer has '
                       f'{n_real} param groups')
        values = list(min_value)
        if has_base_group:
            values.append(values[-1])
        return values

    @classmethod
    def build_iter_from_epoch(cls, *args: Any, **kwargs: Any) -> 'ParamScheduler':
        fail = scheduler_failure(cls.__name__)
        raise fail('convert_to_iter_based', 'is not supported: the scheduler follows validation '
                   'epochs', fix='drop convert_to_iter_based')

    def step(self, metrics: Optional[Dict[str, float]] = None) -> None:
        if metrics is None:
            self._global_step += 1
            return
        if not isinstance(metrics, dict):
            raise TypeError(f'metrics must be a dict, got {type(metrics).__name__}')
        if self.begin <= self._global_step < self.end:
            self.last_step += 1
            if self.monitor not in metrics or metrics[self.monitor] is None:
                raise ConfigError(
                    f'{type(self).__name__} monitors {self.monitor!r}, which is not among the '
                    f'validation metrics {sorted(metrics)}', key='monitor',
                    fix='set monitor to one of the metric names')
            self._observe(metrics[self.monitor])
        self._last_value = [group[self.param_name] for group in self.param_groups]

    def _observe(self, metric: float) -> None:
        if plateau_is_better(metric, self.best, self.rule, self.threshold, self.threshold_rule):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for i, (group, value) in enumerate(zip(self.param_groups, self._get_value())):
                if group[self.param_name] - value > self.eps:
                    group[self.param_name] = value
                    self._log_value(i, value)
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0

    def _get_value(self) -> list:
        return [plateau_reduce(g[self.param_name], self.factor, m)
                for g, m in zip(self.param_groups, self.min_values)]

    def _log_value(self, group: int, value: float) -> None:
        if self.verbose:
            unit = 'epoch' if self.by_epoch else 'iter'
            logger.info('Adjusting parameter value of group %d to %.4e in %s %d.', group, value,
                        unit, self.last_step)
