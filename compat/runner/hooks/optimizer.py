"""MMCV 1.7.2's optimizer hooks (``mmcv/runner/hooks/optimizer.py``, the torch >= 1.6 branch)
and the self-supervised codebases' ``DistOptimizerHook``.

Each hook does the backward pass and the optimizer step in ``after_train_iter``: the model's
``train_step`` only returns ``outputs['loss']``. The fp16 hooks use ``GradScaler`` as MMCV does;
without CUDA, torch disables that scaler and MMCV then trains in plain fp32, unscaled — compat
does the same and says so with a warning that names fp16 and CUDA.
"""
from __future__ import annotations

import logging
import warnings
from typing import Optional, Union

import torch
from torch import Tensor, nn
from torch.nn.utils import clip_grad

from compat.runner.fp16_utils import wrap_fp16_model
from compat.runner.hooks.hook import HOOKS, Hook


@HOOKS.register_module()
class OptimizerHook(Hook):
    """zero_grad, backward, optional ``clip_grad_norm_`` (norm logged as ``grad_norm``), step.

    ``detect_anomalous_params`` logs, at ERROR level, every trainable parameter that is not in
    the autograd graph of the loss (a debugging aid that slows training).
    """

    def __init__(self, grad_clip: Optional[dict] = None, detect_anomalous_params: bool = False):
        self.grad_clip = grad_clip
        self.detect_anomalous_params = detect_anomalous_params

    def clip_grads(self, params):
        # MMCV skips frozen and unused parameters; with none left it returns None (no log)
        params = [p for p in params if p.requires_grad and p.grad is not None]
        if params:
            return clip_grad.clip_grad_norm_(params, **self.grad_clip)
        return None

    def _clip_and_log(self, runner) -> None:
        if self.grad_clip is None:
            return
        grad_norm = self.clip_grads(runner.model.parameters())
        if grad_norm is not None:
            runner.log_buffer.update({'grad_norm': float(grad_norm)},
                                     runner.outputs['num_samples'])

    def after_train_iter(self, runner) -> None:
        runner.optimizer.zero_grad()
        if self.detect_anomalous_params:
            self.detect_anomalous_parameters(runner.outputs['loss'], runner)
        runner.outputs['loss'].backward()
        self._clip_and_log(runner)
        runner.optimizer.step()

    def detect_anomalous_parameters(self, loss: Tensor, runner) -> None:
        in_graph = _parameters_in_graph(loss)
        for name, param in runner.model.named_parameters():
            if param.requires_grad and param not in in_graph:
                runner.logger.log(level=logging.ERROR,
                                  msg=f'{name} with shape {param.size()} is not '
                                      f'in the computational graph \n')


def _parameters_in_graph(loss: Tensor) -> set:
    """The leaf tensors (``AccumulateGrad.variable``) reachable from ``loss.grad_fn``."""
    found, visited, pending = set(), set(), [loss.grad_fn]
    while pending:
        grad_fn = pending.pop()
        if grad_fn is None or grad_fn in visited:
            continue
        visited.add(grad_fn)
        if hasattr(grad_fn, 'variable'):
            found.add(grad_fn.variable)
        pending.extend(parent for parent, _ in grad_fn.next_functions or ())
    return found


def _has_batch_norm(module: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules())


@HOOKS.register_module()
class GradientCumulativeOptimizerHook(OptimizerHook):
    """Step every ``cumulative_iters`` iterations (and at the last one), summing gradients.

    As MMCV: the loss is divided by ``cumulative_iters``, except in the last
    ``max_iters % cumulative_iters`` iterations of the run, where it is divided by that
    remainder; gradients are cleared after each step, not before the first backward.
    """

    def __init__(self, cumulative_iters: int = 1, **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(cumulative_iters, int) and cumulative_iters > 0):
            raise AssertionError(
                f'GradientCumulativeOptimizerHook: optimizer_config.cumulative_iters must be '
                f'a positive int, got {cumulative_iters!r}')
        self.cumulative_iters = cumulative_iters
        self.divisible_iters = 0
        self.remainder_iters = 0
        self.initialized = False

    def has_batch_norm(self, module: nn.Module) -> bool:
        return _has_batch_norm(module)

    def _init(self, runner) -> None:
        if runner.iter % self.cumulative_iters != 0:
            runner.logger.warning(
                'Resume iter number is not divisible by cumulative_iters in '
                'GradientCumulativeOptimizerHook, which means the gradient of '
                'some iters is lost and the result may be influenced slightly.')
        if self.has_batch_norm(runner.model) and self.cumulative_iters > 1:
            runner.logger.warning(
                'GradientCumulativeOptimizerHook may slightly decrease '
                'performance if the model has BatchNorm layers.')
        self.divisible_iters = runner.max_iters // self.cumulative_iters * self.cumulative_iters
        self.remainder_iters = runner.max_iters - self.divisible_iters
        self.initialized = True

    def _get_loss_factor(self, runner) -> int:
        if runner.iter < runner.max_iters - self.remainder_iters:
            return self.cumulative_iters
        runner.logger.warning(
            f'Loss will be divided by {self.remainder_iters} in the last '
            f'{self.remainder_iters} iterations because they are not '
            f'enough for {self.cumulative_iters} cumulative_iters.')
        assert self.remainder_iters > 0
        return self.remainder_iters

    def _is_update_iter(self, runner) -> bool:
        return self.every_n_iters(runner, self.cumulative_iters) or self.is_last_iter(runner)

    def after_train_iter(self, runner) -> None:
        if not self.initialized:
            self._init(runner)
        loss = runner.outputs['loss'] / self._get_loss_factor(runner)
        loss.backward()
        if self._is_update_iter(runner):
            self._clip_and_log(runner)
            runner.optimizer.step()
            runner.optimizer.zero_grad()


def _make_grad_scaler(loss_scale):
    """MMCV's ``GradScaler`` for ``loss_scale``: 'dynamic', a float (static) or a dict of
    ``GradScaler`` arguments; returns (scaler, the scale passed to every ``update``)."""
    if loss_scale == 'dynamic':
        kwargs, update_param = {}, None
    elif isinstance(loss_scale, float):
        kwargs, update_param = {'init_scale': loss_scale}, loss_scale
    elif isinstance(loss_scale, dict):
        kwargs, update_param = dict(loss_scale), None
    else:
        # MMCV rejects an int such as 512 too (its check is isinstance(loss_scale, float))
        raise ValueError('loss_scale must be of type float, dict, or '
                         f'"dynamic", got {loss_scale} (optimizer_config.loss_scale / '
                         f'fp16.loss_scale; write e.g. 512. or "dynamic")')
    if not torch.cuda.is_available():
        warnings.warn('fp16 optimizer hook: CUDA is not available, so torch disables the '
                      'GradScaler and training runs in fp32 without loss scaling, as MMCV '
                      '1.7.2 does on CPU; fp16 needs a CUDA device.', stacklevel=3)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # torch's own "Disabling" note, said above
        scaler = torch.amp.GradScaler('cuda', **kwargs)
    return scaler, update_param


@HOOKS.register_module()
class Fp16OptimizerHook(OptimizerHook):
    """Mixed-precision steps with ``GradScaler``: scale, backward, unscale, clip, step, update;
    the scaler's state goes to ``runner.meta['fp16']['loss_scaler']`` after every step and is
    loaded back from there in ``before_run`` (MMCV's resume path)."""

    def __init__(self, grad_clip: Optional[dict] = None, coalesce: bool = True,
                 bucket_size_mb: int = -1, loss_scale: Union[float, str, dict] = 512.,
                 distributed: bool = True):
        self.grad_clip = grad_clip
        self.coalesce = coalesce
        self.bucket_size_mb = bucket_size_mb
        self.distributed = distributed
        self.loss_scaler, self._scale_update_param = _make_grad_scaler(loss_scale)

    def before_run(self, runner) -> None:
        wrap_fp16_model(runner.model)
        if 'fp16' in runner.meta and 'loss_scaler' in runner.meta['fp16']:
            self.loss_scaler.load_state_dict(runner.meta['fp16']['loss_scaler'])

    def _unscale_clip_step(self, runner) -> None:
        self.loss_scaler.unscale_(runner.optimizer)
        self._clip_and_log(runner)
        self.loss_scaler.step(runner.optimizer)
        self.loss_scaler.update(self._scale_update_param)
        runner.meta.setdefault('fp16', {})['loss_scaler'] = self.loss_scaler.state_dict()

    def after_train_iter(self, runner) -> None:
        runner.model.zero_grad()
        runner.optimizer.zero_grad()
        self.loss_scaler.scale(runner.outputs['loss']).backward()
        self._unscale_clip_step(runner)


@HOOKS.register_module()
class GradientCumulativeFp16OptimizerHook(GradientCumulativeOptimizerHook, Fp16OptimizerHook):
    """``GradientCumulativeOptimizerHook``'s windows with ``Fp16OptimizerHook``'s scaler."""

    def after_train_iter(self, runner) -> None:
        if not self.initialized:
            self._init(runner)
        loss = runner.outputs['loss'] / self._get_loss_factor(runner)
        self.loss_scaler.scale(loss).backward()
        if self._is_update_iter(runner):
            self._unscale_clip_step(runner)
            runner.model.zero_grad()
            runner.optimizer.zero_grad()


@HOOKS.register_module()
class DistOptimizerHook(OptimizerHook):
    """The self-supervised codebases' gradient accumulation over ``update_interval`` iterations.

    As MMSelfSup 0.x wrote it (``mmselfsup/core/hooks/optimizer_hook.py``, its last 0.x form,
    registered over MMCV's own ``DistOptimizerHook``): the loss is divided by
    ``update_interval``, or, in the trailing partial window of ``max_iters``, by the number of
    iterations in that window; the step comes every ``update_interval`` iterations and at the
    last one; ``frozen_layers_cfg`` (``{name substring: iterations}``) drops the gradients of
    matching parameters before the step while ``iter`` is below the count; with ``grad_clip``
    the norm is logged as ``grad_norm``; ``before_run`` clears the gradients. It warns, as
    MMSelfSup did, when a resumed iteration is not on a window boundary and when the model has
    BatchNorm layers and windows longer than 1.

    Example: ``update_interval=3`` over 14 iterations steps after iterations 3, 6, 9, 12 and
    14 (1-based), the last two losses divided by 2.
    """

    def __init__(self, update_interval: int = 1, grad_clip: Optional[dict] = None,
                 coalesce: bool = True, bucket_size_mb: int = -1,
                 frozen_layers_cfg: Optional[dict] = None):
        self.grad_clip = grad_clip
        self.coalesce = coalesce
        self.bucket_size_mb = bucket_size_mb
        self.update_interval = update_interval
        self.frozen_layers_cfg = {} if frozen_layers_cfg is None else frozen_layers_cfg
        self.initialized = False

    def _init(self, runner) -> None:
        if runner.iter % self.update_interval != 0:
            runner.logger.warning(
                'Resume iter number is not divisible by update_interval in '
                'GradientCumulativeOptimizerHook, which means the gradient of '
                'some iters is lost and the result may be influenced slightly.')
        if _has_batch_norm(runner.model) and self.update_interval > 1:
            runner.logger.warning('GradientCumulativeOptimizerHook may slightly decrease '
                                  'performance if the model has BatchNorm layers.')
        self.divisible_iters = runner.max_iters // self.update_interval * self.update_interval
        self.remainder_iters = runner.max_iters - self.divisible_iters
        self.initialized = True

    def before_run(self, runner) -> None:
        runner.optimizer.zero_grad()

    def after_train_iter(self, runner) -> None:
        if not self.initialized:
            self._init(runner)
        factor = (self.update_interval if runner.iter < self.divisible_iters
                  else self.remainder_iters)
        runner.outputs['loss'] /= factor
        runner.outputs['loss'].backward()
        if not (self.every_n_iters(runner, self.update_interval) or self.is_last_iter(runner)):
            return
        for layer, until in self.frozen_layers_cfg.items():
            if runner.iter < until:
                for name, param in runner.model.module.named_parameters():
                    if layer in name:
                        param.grad = None
        if self.grad_clip is not None:
            grad_norm = self.clip_grads(runner.model.parameters())
            if grad_norm is not None:
                runner.log_buffer.update({'grad_norm': float(grad_norm)},
                                         runner.outputs['num_samples'])
        runner.optimizer.step()
        runner.optimizer.zero_grad()
