"""``ParamSchedulerHook``: steps the runner's parameter schedulers (MMEngine 0.10.7 timeline).

Schedulers are stepped *after* the work they scheduled: by-iteration ones after every train
iteration, by-epoch ones after every train epoch, and ReduceOnPlateau ones after each
validation epoch with its metrics. The value used at iteration ``i`` is therefore the one written
by the ``i``-th step (the constructor performs step 0). Priority LOW: after the optimizer step
and the other default hooks of the same stage.
"""
from __future__ import annotations

from typing import Callable, Dict, Optional

from engine.hooks.hook import DATA_BATCH, Hook
from engine.registry import HOOKS


def _for_each_list(runner, action: Callable[[list], None]) -> None:
    """Apply ``action`` to the runner's scheduler list, or to each list of a dict of them."""
    schedulers = getattr(runner, 'param_schedulers', None)
    if schedulers is None:
        return
    if isinstance(schedulers, list):
        action(schedulers)
    elif isinstance(schedulers, dict):
        for per_optimizer in schedulers.values():
            action(per_optimizer)
    else:
        raise TypeError('runner.param_schedulers must be a list of schedulers or a dict of such '
                        f'lists, got {type(schedulers).__name__}')


def _step_by_iter(schedulers: list) -> None:
    for scheduler in schedulers:
        if not scheduler.by_epoch:
            scheduler.step()


@HOOKS.register_module()
class ParamSchedulerHook(Hook):
    """Step the parameter schedulers in ``runner.param_schedulers`` (None, a list, or a dict
    optimizer name -> list)."""

    priority = 'LOW'

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        _for_each_list(runner, _step_by_iter)

    def after_train_epoch(self, runner) -> None:
        # ReduceOnPlateau schedulers are by-epoch too: this metric-less step only counts the
        # epoch; their value changes in after_val_epoch.
        def step(schedulers: list) -> None:
            for scheduler in schedulers:
                if scheduler.by_epoch:
                    scheduler.step()

        _for_each_list(runner, step)

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        if getattr(runner, 'param_schedulers', None) is None or metrics is None:
            return
        # Imported here so that importing the hooks package does not pull in engine.optim.
        from engine.schedulers.param_scheduler import ParamScheduler

        def step(schedulers: list) -> None:
            # As in MMEngine, a list holding anything but our schedulers is left alone.
            if not isinstance(schedulers, list) or \
                    not all(isinstance(s, ParamScheduler) for s in schedulers):
                return
            for scheduler in schedulers:
                if scheduler.by_epoch and getattr(scheduler, 'need_val_args', False):
                    scheduler.step(metrics)

        _for_each_list(runner, step)
