"""Keep an exponential moving average of the model, evaluate with it and save it in checkpoints."""
from __future__ import annotations

import copy
import itertools
import logging
from typing import Dict, Optional

from engine.errors import CheckpointError
from engine.hooks.hook import DATA_BATCH, Hook
# importing averaged_model also registers the types before_run builds
from engine.model.averaged_model import AveragingConfigError
from engine.model.wrappers import unwrap_model
from engine.registry import HOOKS, MODELS


class EMALoadError(CheckpointError, RuntimeError):
    """A strict load of ``state_dict`` into the EMA copy failed (MMEngine raises RuntimeError)."""


def _runner_logger(runner) -> logging.Logger:
    return getattr(runner, 'logger', None) or logging.getLogger('engine')


def _load_state_dict(module, state_dict: dict, strict: bool, logger: logging.Logger) -> None:
    """Load like MMEngine's ``load_state_dict``: report mismatches, raise only when ``strict``.

    Tensors whose shape differs are skipped (torch would raise even with ``strict=False``);
    a missing ``num_batches_tracked`` is not worth a message.
    """
    own = module.state_dict()
    bad_shape = {k for k, v in state_dict.items()
                 if k in own and hasattr(v, 'shape') and tuple(v.shape) != tuple(own[k].shape)}
    filtered = type(state_dict)((k, v) for k, v in state_dict.items() if k not in bad_shape)
    metadata = getattr(state_dict, '_metadata', None)
    if metadata is not None:
        filtered._metadata = metadata
    result = module.load_state_dict(filtered, strict=False)
    # a skipped tensor was present in the checkpoint: report its shape, not a missing key
    missing = [k for k in result.missing_keys
               if 'num_batches_tracked' not in k and k not in bad_shape]
    errors = [f'size mismatch for {k}: copying a param with shape '
              f'{tuple(state_dict[k].shape)} from checkpoint, the shape in current model is '
              f'{tuple(own[k].shape)}.' for k in state_dict if k in bad_shape]
    if result.unexpected_keys:
        errors.append(f'unexpected key in source state_dict: {", ".join(result.unexpected_keys)}')
    if missing:
        errors.append(f'missing keys in source state_dict: {", ".join(missing)}')
    if not errors:
        return
    text = 'The model and loaded state dict do not match exactly\n' + '\n'.join(errors)
    if strict:
        raise EMALoadError(text, key='state_dict',
                           fix='use EMAHook(strict_load=False) or a checkpoint of this model')
    logger.warning(text)


@HOOKS.register_module()
class EMAHook(Hook):
    """Apply an exponential moving average (or another weight average) to the model.

    The averaged model is built in ``before_run`` from ``MODELS`` with ``type=ema_type`` and
    ``**kwargs``. Validation and test run with the averaged weights (swapped in and out around
    each epoch). A checkpoint gets ``ema_state_dict``, and its ``state_dict`` holds the averaged
    weights (for deployment) while ``ema_state_dict`` holds the raw ones; loading swaps back.

    Args:
        ema_type: a registered averaged model, e.g. ``'ExponentialMovingAverage'``.
        strict_load: strict key matching when loading ``ema_state_dict``.
        begin_iter: averaging starts at this iteration; before it the copy tracks the model.
        begin_epoch: same in epochs; only one of ``begin_iter``/``begin_epoch`` may be set.
    """

    priority = 'NORMAL'

    def __init__(self, ema_type: str = 'ExponentialMovingAverage', strict_load: bool = False,
                 begin_iter: int = 0, begin_epoch: int = 0, **kwargs):
        self.strict_load = strict_load
        self.ema_cfg = dict(type=ema_type, **kwargs)
        if begin_iter != 0 and begin_epoch != 0:
            raise AveragingConfigError('`begin_iter` and `begin_epoch` should not be both set.',
                                       key='begin_iter', fix='set only one of them')
        if begin_iter < 0:
            raise AveragingConfigError(
                f'`begin_iter` must larger than or equal to 0, but got begin_iter: {begin_iter}',
                key='begin_iter')
        if begin_epoch < 0:
            raise AveragingConfigError(
                '`begin_epoch` must larger than or equal to 0, '
                f'but got begin_epoch: {begin_epoch}', key='begin_epoch')
        self.begin_iter = begin_iter
        self.begin_epoch = begin_epoch
        # with neither set, averaging is enabled by iteration from iteration 0
        self.enabled_by_epoch = self.begin_epoch > 0

    def before_run(self, runner) -> None:
        self.src_model = unwrap_model(runner.model)
        self.ema_model = MODELS.build(self.ema_cfg, default_args=dict(model=self.src_model))

    def before_train(self, runner) -> None:
        if self.enabled_by_epoch:
            if not self.begin_epoch <= runner.max_epochs:
                raise AveragingConfigError(
                    'self.begin_epoch should be smaller than or equal to runner.max_epochs: '
                    f'{runner.max_epochs}, but got begin_epoch: {self.begin_epoch}',
                    key='begin_epoch')
        elif not self.begin_iter <= runner.max_iters:
            raise AveragingConfigError(
                'self.begin_iter should be smaller than or equal to runner.max_iters: '
                f'{runner.max_iters}, but got begin_iter: {self.begin_iter}', key='begin_iter')

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        if self._ema_started(runner):
            self.ema_model.update_parameters(self.src_model)
        else:
            # not started yet: the copy follows the model (steps stays 0)
            ema_params = self.ema_model.module.state_dict()
            src_params = self.src_model.state_dict()
            for k, p in ema_params.items():
                p.data.copy_(src_params[k].data)

    def before_val_epoch(self, runner) -> None:
        self._swap_ema_parameters()

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._swap_ema_parameters()

    def before_test_epoch(self, runner) -> None:
        self._swap_ema_parameters()

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._swap_ema_parameters()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['ema_state_dict'] = self.ema_model.state_dict()
        # swap dict entries, not tensors: checkpoint['state_dict'] shares storage with the model
        self._swap_ema_state_dict(checkpoint)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        resume = bool(getattr(runner, '_resume', False))
        if 'ema_state_dict' in checkpoint and resume:
            # the raw weights were saved under ema_state_dict: swap them back first
            self._swap_ema_state_dict(checkpoint)
            self.ema_model.load_state_dict(checkpoint['ema_state_dict'], strict=self.strict_load)
        else:
            if resume:
                _runner_logger(runner).warning(
                    'There is no `ema_state_dict` in checkpoint. `EMAHook` will make a copy of '
                    '`state_dict` as the initial `ema_state_dict`')
            _load_state_dict(self.ema_model.module, copy.deepcopy(checkpoint['state_dict']),
                             strict=self.strict_load, logger=_runner_logger(runner))

    def _swap_ema_parameters(self) -> None:
        """Exchange the values of the model's and the averaged model's parameters (and buffers
        when those are averaged)."""
        ema, src = self.ema_model.module, self.src_model
        if self.ema_model.update_buffers:
            pairs = zip(itertools.chain(ema.parameters(), ema.buffers()),
                        itertools.chain(src.parameters(), src.buffers()))
        else:
            pairs = zip(ema.parameters(), src.parameters())
        for p_avg, p_src in pairs:
            tmp = p_avg.data.clone()
            p_avg.data.copy_(p_src.data)
            p_src.data.copy_(tmp)

    @staticmethod
    def _swap_ema_state_dict(checkpoint: dict) -> None:
        """Exchange ``state_dict[k]`` and ``ema_state_dict['module.' + k]`` entries."""
        model_state = checkpoint['state_dict']
        ema_state = checkpoint['ema_state_dict']
        for k in ema_state:
            if k[:7] == 'module.':
                ema_state[k], model_state[k[7:]] = model_state[k[7:]], ema_state[k]

    def _ema_started(self, runner) -> bool:
        """True once ``runner.iter + 1`` (or ``runner.epoch + 1``) reaches the begin value."""
        if self.enabled_by_epoch:
            return runner.epoch + 1 >= self.begin_epoch
        return runner.iter + 1 >= self.begin_iter
