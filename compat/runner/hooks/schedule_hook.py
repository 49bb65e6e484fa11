"""The timeline MMCV 1.7.2's lr and momentum updater hooks share, driven by the runner.

The values come from :mod:`compat.schedules` (parsing, checks, regular functions) and
:mod:`engine.schedulers.closed_form` (warmup); this module only decides *when* they are written
into the optimizer, exactly as MMCV's ``LrUpdaterHook``/``MomentumUpdaterHook`` do:

* ``before_run``: the base value of every param group (per optimizer for a dict of them);
* ``before_train_epoch``: a by-epoch hook sets the epoch's regular value (IterBasedRunner never
  calls it, so there a by-epoch hook changes nothing but an empty warmup);
* ``before_train_iter``: a by-iteration hook sets the regular value, or its warmup; a by-epoch
  hook overlays the warmup on the epoch's value until ``warmup_iters``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from engine.errors import ConfigError
from engine.schedulers.closed_form import warmup_value

from compat.runner.hooks.hook import Hook
from compat.schedules.checks import fail
from compat.schedules.downstream import DOWNSTREAM_POLICIES, yolox_warmup
from compat.schedules.regular import RegularFn, regular_function
from compat.schedules.schedule import LegacySchedule

_SINGLE = None   # the key of the one optimizer when the runner's optimizer is not a dict


class ScheduleHook(Hook):
    """Base of the legacy updater hooks: subclasses name ``kind`` and ``policy`` and say how
    a param group's value is read and written (``_read``/``_write``)."""

    kind = ''                        # 'lr' or 'momentum'
    policy: Optional[str] = None     # the canonical policy name of compat.schedules

    def __init__(self, schedule: LegacySchedule) -> None:
        self.schedule = schedule
        self.by_epoch = schedule.by_epoch
        self.warmup = schedule.warmup
        self.warmup_ratio = schedule.warmup_ratio
        self.warmup_by_epoch = schedule.warmup_by_epoch
        # MMCV: with warmup_by_epoch, warmup_iters is unknown until the first train epoch
        self.warmup_epochs = schedule.warmup_iters if schedule.warmup_by_epoch else None
        self.warmup_iters: Optional[int] = None if schedule.warmup_by_epoch else \
            schedule.warmup_iters
        self._bases: Dict[Any, List[float]] = {}
        self._regular: Dict[Any, List[float]] = {}
        self._functions: Dict[Any, RegularFn] = {}
        self._from_base = yolox_warmup(schedule) if schedule.policy == 'YOLOX' else None

    # -- what subclasses provide ----------------------------------------------------------------
    def _read(self, group: dict) -> float:
        raise NotImplementedError

    def _write(self, group: dict, value: float) -> None:
        raise NotImplementedError

    def _base_values(self, runner, key, optimizer) -> List[float]:
        """The base value of each group, stored on the group as MMCV does (``initial_*``)."""
        raise NotImplementedError

    # -- the timeline ---------------------------------------------------------------------------
    def before_run(self, runner) -> None:
        self._bases = {key: self._base_values(runner, key, optim)
                       for key, optim in _optimizers(runner)}
        self._regular = {}
        self._functions = {}
        if not self.by_epoch and self.schedule.policy not in DOWNSTREAM_POLICIES:
            # MMCV's cyclic/OneCycle hooks derive their phases (and fail) in before_run;
            # downstream policies may read the dataloader length, known from the first epoch
            self._build_functions(runner)

    def before_train_epoch(self, runner) -> None:
        if self.warmup_iters is None:
            self.warmup_iters = self.warmup_epochs * len(runner.data_loader)
        if not self.by_epoch:
            return
        self._regular = self._regular_values(runner)
        self._set(runner, self._regular)

    def before_train_iter(self, runner) -> None:
        cur_iter = runner.iter
        if self.warmup_iters is None:
            raise fail(self.kind, 'warmup_by_epoch', 'warmup_by_epoch=True needs a train epoch '
                       'to start before the first iteration; this runner never starts one '
                       '(MMCV fails its assertion here)',
                       'give warmup_iters in iterations and remove warmup_by_epoch',
                       self.schedule.source)
        if not self.by_epoch:
            self._regular = self._regular_values(runner)
            if self.warmup is None or cur_iter >= self.warmup_iters:
                self._set(runner, self._regular)
            else:
                self._set(runner, self._warmup_values(cur_iter))
        elif self.warmup is None or cur_iter > self.warmup_iters:
            return
        elif cur_iter == self.warmup_iters:
            self._set(runner, self._regular)
        else:
            self._set(runner, self._warmup_values(cur_iter))

    # -- values -----------------------------------------------------------------------------------
    def _build_functions(self, runner) -> None:
        data_loader = getattr(runner, 'data_loader', None)
        epoch_len = len(data_loader) if data_loader is not None else None
        for key, optim in _optimizers(runner):
            # MMCV's format_param looks dict-valued arguments up by the optimizer's dict key,
            # or by the optimizer's class name for a single optimizer
            name = type(optim).__name__ if key is _SINGLE else key
            self._functions[key] = regular_function(
                self.schedule, max_epochs=runner.max_epochs, max_iters=runner.max_iters,
                num_groups=len(self._bases[key]), optimizer_type=name, epoch_len=epoch_len)

    def _regular_values(self, runner) -> Dict[Any, List[float]]:
        if not self._functions:
            self._build_functions(runner)
        epoch, cur_iter = runner.epoch, runner.iter
        try:
            return {key: [self._functions[key](g, base, epoch, cur_iter)
                          for g, base in enumerate(bases)]
                    for key, bases in self._bases.items()}
        except ZeroDivisionError as exc:
            raise fail(self.kind, 'policy', f"policy '{self.schedule.policy}' divides by zero "
                       f'at iteration {cur_iter} with these settings (so does MMCV): {exc}',
                       'check the policy arguments against max_iters/max_epochs',
                       self.schedule.source) from None

    def _warmup_values(self, cur_iter: int) -> Dict[Any, List[float]]:
        if self._from_base is not None:
            # YOLOX's warmup starts from the base value, not the regular one (MMDet 2.x,
            # mmdet/core/hook/yolox_lrupdater_hook.py, get_warmup_lr)
            return {key: [self._from_base(base, cur_iter, self.warmup_iters) for base in bases]
                    for key, bases in self._bases.items()}
        divide = self.kind == 'momentum'
        return {key: [warmup_value(value, self.warmup, self.warmup_ratio, cur_iter,
                                   self.warmup_iters, divide=divide) for value in values]
                for key, values in self._regular.items()}

    def _set(self, runner, values: Dict[Any, List[float]]) -> None:
        for key, optim in _optimizers(runner):
            # zip: a by-epoch hook under IterBasedRunner has no regular values yet, and MMCV
            # then writes nothing
            for group, value in zip(optim.param_groups, values.get(key, [])):
                self._write(group, value)

    def _public(self, values: Dict[Any, List[float]]):
        """MMCV's shape: a list for one optimizer, a dict of lists for several."""
        return values.get(_SINGLE, []) if _SINGLE in values or not values else dict(values)


def _optimizers(runner):
    """``(key, optimizer)`` pairs: ``(None, optimizer)`` or one pair per dict entry."""
    if isinstance(runner.optimizer, dict):
        return list(runner.optimizer.items())
    return [(_SINGLE, runner.optimizer)]


def no_momentum_error(schedule: LegacySchedule) -> ConfigError:
    """The optimizer has neither ``momentum`` nor ``betas`` (MMCV: KeyError in before_run)."""
    return fail('momentum', 'policy', "momentum_config is set but the optimizer has neither "
                "'momentum' nor 'betas' (MMCV fails in the momentum hook's before_run)",
                'remove momentum_config or use an optimizer with momentum (SGD) or betas (Adam)',
                schedule.source)


def build_schedule_hook(config: Any, kind: str) -> Optional[Hook]:
    """``register_lr_hook``/``register_momentum_hook``: None, a hook, or a config dict whose
    ``policy`` names the class by MMCV's rule ('step' -> ``StepLrUpdaterHook``; a name with
    capitals is kept as is). The caller's dict is not modified (MMCV popped ``policy``)."""
    # imported here: the policy modules import this one
    from compat.runner.hooks.hook import HOOKS
    from compat.schedules.parse import parse_lr_config, parse_momentum_config
    from compat.schedules.policies import hook_class_prefix

    if config is None or isinstance(config, Hook):
        return config
    parse = parse_lr_config if kind == 'lr' else parse_momentum_config
    if not isinstance(config, dict) or not isinstance(config.get('policy'), str):
        parse(config)   # raises the ConfigError naming <kind>_config(.policy)
    cfg = dict(config)
    suffix = 'LrUpdaterHook' if kind == 'lr' else 'MomentumUpdaterHook'
    hook_type = hook_class_prefix(cfg.pop('policy')) + suffix
    if hook_type not in HOOKS:
        parse(config)   # an unknown policy: the ConfigError says which and the close names
    # built directly, not through build_from_cfg, whose class-name prefix drops the
    # ConfigError's key
    return HOOKS.get(hook_type)(**cfg)
