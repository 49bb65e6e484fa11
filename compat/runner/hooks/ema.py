"""MMCV 1.7.2's ``EMAHook``: an exponential moving average of the parameters, kept as model
buffers so checkpoints save and resume it, swapped into the model between epochs."""
from __future__ import annotations

from typing import Optional

from compat.parallel.data_parallel import is_module_wrapper
from compat.runner.hooks.hook import HOOKS, Hook


@HOOKS.register_module()
class EMAHook(Hook):
    """``ema = (1 - m) * ema + m * param`` after every ``interval``-th train iteration, with
    ``m = min(momentum ** interval, (1 + iter) / (warm_up + iter))``.

    Each parameter ``a.b.w`` gets the buffer ``ema_a_b_w`` on the (unwrapped) model in
    ``before_run``. ``after_train_epoch`` swaps the averages into the model, so hooks that
    run after it (evaluation, checkpoints) see them; ``before_train_epoch`` swaps back. Give
    the hook a higher priority than those hooks, as MMCV's configs do. ``resume_from``
    resumes the runner (model, averages, optimizer, position) from that checkpoint.
    """

    def __init__(self, momentum: float = 0.0002, interval: int = 1, warm_up: int = 100,
                 resume_from: Optional[str] = None):
        # MMCV asserts both; the messages here name the argument and the valid range
        if not (isinstance(interval, int) and interval > 0):
            raise AssertionError(f'EMAHook: interval must be a positive int, got {interval!r}')
        if not 0 < momentum < 1:
            raise AssertionError(f'EMAHook: momentum must be in (0, 1), got {momentum!r} '
                                 '(e.g. 0.0002)')
        self.warm_up = warm_up
        self.interval = interval
        self.momentum = momentum ** interval
        self.checkpoint = resume_from

    def before_run(self, runner) -> None:
        model = runner.model.module if is_module_wrapper(runner.model) else runner.model
        self.param_ema_buffer = {}
        self.model_parameters = dict(model.named_parameters(recurse=True))
        for name, value in self.model_parameters.items():
            # a buffer name may not contain '.'
            buffer_name = 'ema_' + name.replace('.', '_')
            self.param_ema_buffer[name] = buffer_name
            model.register_buffer(buffer_name, value.data.clone())
        self.model_buffers = dict(model.named_buffers(recurse=True))
        if self.checkpoint is not None:
            runner.resume(self.checkpoint)

    def after_train_iter(self, runner) -> None:
        step = runner.iter
        # the warm-up factor is computed on every iteration, used on interval ones
        momentum = min(self.momentum, (1 + step) / (self.warm_up + step))
        if step % self.interval != 0:
            return
        for name, parameter in self.model_parameters.items():
            ema = self.model_buffers[self.param_ema_buffer[name]]
            ema.mul_(1 - momentum).add_(parameter.data, alpha=momentum)

    def after_train_epoch(self, runner) -> None:
        self._swap_ema_parameters()

    def before_train_epoch(self, runner) -> None:
        self._swap_ema_parameters()

    def _swap_ema_parameters(self) -> None:
        for name, value in self.model_parameters.items():
            kept = value.data.clone()
            ema = self.model_buffers[self.param_ema_buffer[name]]
            value.data.copy_(ema.data)
            ema.data.copy_(kept)
