"""What a whole-run verify observes on each side: one recorder hook per runtime.

Both record, per training iteration, the lr and momentum the iteration used (every param
group), the loss, the gradient norm when clipping, and every evaluation with the epoch (or
iteration) after which it ran; neither changes what the run computes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

__all__ = ['RunSeries', 'StopRun', 'legacy_recorder', 'engine_recorder']


class StopRun(Exception):
    """Raised by a recorder after ``--iters`` iterations; the run ends there."""


@dataclass
class RunSeries:
    epoch: List[int] = field(default_factory=list)
    iter: List[int] = field(default_factory=list)
    lr: List[List[float]] = field(default_factory=list)
    momentum: List[List[float]] = field(default_factory=list)
    loss: List[float] = field(default_factory=list)
    grad_norm: List[Optional[float]] = field(default_factory=list)
    #: (epochs or iterations completed, {metric: value})
    evals: List[Tuple[int, Dict[str, float]]] = field(default_factory=list)
    checkpoints: List[str] = field(default_factory=list)
    weights: Dict[str, Any] = field(default_factory=dict)
    epoch_len: Optional[int] = None
    #: what the custom hooks of the hook-code modules did (migrate.verify.custom_hooks)
    custom_hooks: Optional[Any] = None


def _flat(values: Any) -> List[float]:
    if isinstance(values, dict):
        return [float(v) for key in values for v in _flat(values[key])]
    if isinstance(values, (list, tuple)):
        return [float(v) for v in values]
    return [float(values)]


def _groups(values: Dict[str, List[float]], name: str) -> List[float]:
    """The per-group values of an engine ``get_lr``/``get_momentum`` dict, without the
    ``base_lr`` pseudo group the optim wrapper adds for logging (``'lr'``, or ``'<name>.lr'``
    per wrapper of an ``OptimWrapperDict``)."""
    return [float(v) for key, row in values.items()
            if key == name or key.endswith(f'.{name}') for v in row]


def _scalar(value: Any) -> float:
    return float(value.item() if hasattr(value, 'item') else value)


def legacy_recorder(hook_base, series: RunSeries, stop_after: Optional[int]):
    """A compat hook (registered at priority 75: after the eval hook wrote its results into
    the log buffer, before the logger hooks clear them)."""

    class LegacyVerifyRecorder(hook_base):
        def __init__(self):
            self._norms = (None, 0)
            self.runner = None

        def before_run(self, runner):
            self.runner = runner

        def before_train_epoch(self, runner):
            series.epoch_len = len(runner.data_loader)

        def after_train_iter(self, runner):
            series.epoch.append(runner.epoch)
            series.iter.append(runner.iter)
            series.lr.append(_flat(runner.current_lr()))
            series.momentum.append(_flat(runner.current_momentum()))
            series.loss.append(_scalar(runner.outputs['log_vars']['loss']))
            # the optimizer hook appends a norm when it clips; the logger hooks clear the
            # history at epoch ends, so a new list or a longer one means a new value
            # (the old list is kept referenced, so a new one can never share its identity)
            norms = runner.log_buffer.val_history.get('grad_norm', [])
            old, old_len = self._norms
            fresh = bool(norms) and (norms is not old or len(norms) > old_len)
            series.grad_norm.append(float(norms[-1]) if fresh else None)
            self._norms = (norms, len(norms))
            self._take_eval(runner, runner.iter + 1)
            if stop_after is not None and runner.iter + 1 >= stop_after:
                raise StopRun()

        def after_train_epoch(self, runner):
            self._take_eval(runner, runner.epoch + 1)

        @staticmethod
        def _take_eval(runner, done):
            # the eval hook (LOW) leaves its results in the log buffer for the logger hooks
            # (VERY_LOW), which clear it when they log them
            output = runner.log_buffer.output
            if 'eval_iter_num' in output:
                series.evals.append((done, {k: float(v) for k, v in output.items()
                                            if k != 'eval_iter_num'}))

    return LegacyVerifyRecorder()


def engine_recorder(hook_base, series: RunSeries, stop_after: Optional[int]):
    """An engine hook (priority NORMAL: before the param-scheduler hook moves the lr on)."""

    class EngineVerifyRecorder(hook_base):
        priority = 'NORMAL'

        def __init__(self):
            self._norms = (None, 0)

        def before_run(self, runner):
            self.runner = runner

        def _grad_norm(self, runner):
            # the runtime-info hook (VERY_HIGH) takes the optim wrapper's norm of a clipping
            # into the message hub and clears it: a longer history means a norm this iteration
            norm = getattr(runner.optim_wrapper, 'last_grad_norm', None)
            if norm is not None:   # no runtime-info hook ran before this one
                return float(norm)
            history = runner.message_hub.log_scalars.get('train/grad_norm')
            old, old_len = self._norms
            length = 0 if history is None else len(history)
            fresh = history is not None and (history is not old or length > old_len)
            self._norms = (history, length)
            return history.current() if fresh and length else None

        def before_train_epoch(self, runner):
            try:
                series.epoch_len = len(runner.train_dataloader)
            except TypeError:
                series.epoch_len = None

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            wrapper = runner.optim_wrapper
            series.epoch.append(runner.epoch)
            series.iter.append(runner.iter)
            series.lr.append(_groups(wrapper.get_lr(), 'lr'))
            series.momentum.append(_groups(wrapper.get_momentum(), 'momentum'))
            series.loss.append(_scalar(outputs['loss']))
            series.grad_norm.append(self._grad_norm(runner))
            if stop_after is not None and runner.iter + 1 >= stop_after:
                raise StopRun()

        def after_val_epoch(self, runner, metrics=None):
            # the loop has counted the finished epoch (or iteration) before validating
            by_iter = type(runner.train_loop).__name__ == 'IterBasedTrainLoop'
            done = runner.iter if by_iter else runner.epoch
            series.evals.append((done, {k: float(v) for k, v in (metrics or {}).items()}))

    return EngineVerifyRecorder()
