"""Train, validation and test loops with MMEngine's timeline.

A loop holds a reference to its runner (as MMEngine's do, so custom loops written for MMEngine
port unchanged) and fires hooks through ``runner.call_hook``.
"""
from __future__ import annotations

import bisect
import contextlib
import logging
from typing import Dict, List, Optional, Sequence, Tuple

import torch

from engine.dist.utils import all_reduce, is_distributed
from engine.registry import LOOPS
from engine.runner.data_position import (InfiniteDataloaderIterator, PassIterator,
                                         skip_batches)
from engine.runner.rng_state import get_rng_state, isolated_rng, set_rng_state
from engine.runtime.message_hub import HistoryBuffer

logger = logging.getLogger('engine')


class BaseLoop:
    """A loop over one dataloader; subclasses implement :meth:`run`."""

    def __init__(self, runner, dataloader) -> None:
        self._runner = runner
        self.dataloader = dataloader

    @property
    def runner(self):
        return self._runner

    def run(self):  # pragma: no cover - abstract
        raise NotImplementedError


def calc_dynamic_intervals(start_interval: int,
                           dynamic_intervals: Optional[Sequence[Tuple[int, int]]] = None
                           ) -> Tuple[List[int], List[int]]:
    """Milestones and intervals for ``dynamic_intervals=[(milestone, interval), ...]``.

    >>> calc_dynamic_intervals(10, [(285, 1)])
    ([0, 285], [10, 1])
    """
    if dynamic_intervals is None:
        return [0], [start_interval]
    milestones, intervals = [0], [start_interval]
    for item in dynamic_intervals:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValueError(f'dynamic_intervals entries must be (milestone, interval) pairs, '
                             f'got {item!r}')
        milestones.append(int(item[0]))
        intervals.append(int(item[1]))
    if milestones != sorted(milestones):
        raise ValueError(f'dynamic_intervals milestones must increase, got {milestones[1:]}')
    return milestones, intervals


def _check_int(name: str, value) -> int:
    if int(value) != value:
        raise ValueError(f'{name} must be an integer, got {value!r}')
    return int(value)


def train_one_iter(runner, batch_idx: int, data_batch) -> None:
    """One training step between its two hook stages (shared by both train loops)."""
    runner.call_hook('before_train_iter', batch_idx=batch_idx, data_batch=data_batch)
    outputs = runner.model.train_step(data_batch, optim_wrapper=runner.optim_wrapper)
    runner.call_hook('after_train_iter', batch_idx=batch_idx, data_batch=data_batch,
                     outputs=outputs)


class _TrainLoop(BaseLoop):
    """State and validation schedule shared by the epoch- and iteration-based train loops."""

    def __init__(self, runner, dataloader, max_epochs: int, max_iters: int, val_begin: int,
                 val_interval: int, dynamic_intervals) -> None:
        super().__init__(runner, dataloader)
        self._max_epochs = max_epochs
        self._max_iters = max_iters
        self._epoch = 0
        self._iter = 0
        self.val_begin = val_begin
        self.val_interval = val_interval
        self.stop_training = False
        self.dynamic_milestones, self.dynamic_intervals = calc_dynamic_intervals(
            val_interval, dynamic_intervals)
        # what a resumed run must restore before its first step: {'position', 'rng'}
        self._pending_resume: Optional[dict] = None
        # training's RNG state while validation draws from its own (checkpoints store this)
        self._rng_outside_val: Optional[dict] = None

    max_epochs = property(lambda self: self._max_epochs)
    max_iters = property(lambda self: self._max_iters)
    epoch = property(lambda self: self._epoch)
    iter = property(lambda self: self._iter)

    def _validate_if_due(self, progress: int, maximum: int) -> None:
        """Pick the interval for ``progress`` (MMEngine's bisect on progress + 1, kept for
        parity), then validate at ``val_begin``, every interval after it, and at the end."""
        step = bisect.bisect(self.dynamic_milestones, progress + 1)
        self.val_interval = self.dynamic_intervals[step - 1]
        if (self.runner.val_loop is not None and progress >= self.val_begin
                and (progress % self.val_interval == 0 or progress == maximum)):
            # validation must not shift training's random stream, or a run resumed from a
            # checkpoint saved before this validation would diverge from the uninterrupted one
            with isolated_rng() as training_rng:
                self._rng_outside_val = training_rng
                try:
                    self.runner.val_loop.run()
                finally:
                    self._rng_outside_val = None

    # -- checkpoint state ---------------------------------------------------------------------
    def _position(self):
        """``(pass index, batches consumed in it, RNG state at its start)``."""
        raise NotImplementedError

    def state_dict(self) -> dict:
        """The loop's position, stored in checkpoints as ``train_loop``."""
        pass_index, batches, pass_rng = self._position()
        state = {'epoch': self._epoch, 'iter': self._iter, 'pass': pass_index,
                 'batches_in_pass': batches}
        if batches and pass_rng is not None:
            state['pass_rng'] = pass_rng
        return state

    def training_rng_state(self) -> dict:
        """The RNG state training continues from (not validation's, during validation)."""
        return self._rng_outside_val if self._rng_outside_val is not None else get_rng_state()

    def load_state_dict(self, meta: dict, state: Optional[dict] = None,
                        rng_state: Optional[dict] = None) -> None:
        """Resume at checkpoint ``meta``'s epoch/iter; the data position (``state``, from
        :meth:`state_dict`) and RNG state are applied when :meth:`run` starts."""
        self._epoch = int(meta['epoch'])
        self._iter = int(meta['iter'])
        self._pending_resume = {'position': state, 'rng': rng_state}

    def _restore_rng(self, pending: dict) -> None:
        if pending.get('rng') is not None:
            set_rng_state(pending['rng'])
        else:
            logger.warning('the checkpoint holds no RNG state: training continues with fresh '
                           'random streams (not bit-identical to an uninterrupted run)')


@LOOPS.register_module()
class EpochBasedTrainLoop(_TrainLoop):
    """Train for ``max_epochs`` passes; validate after epochs ``val_begin, +val_interval..``
    and always after the last one.

    Example: ``max_epochs=12, val_interval=5`` validates after epochs 5, 10 and 12.
    """

    def __init__(self, runner, dataloader, max_epochs: int, val_begin: int = 1,
                 val_interval: int = 1,
                 dynamic_intervals: Optional[Sequence[Tuple[int, int]]] = None) -> None:
        max_epochs = _check_int('train_cfg.max_epochs', max_epochs)
        super().__init__(runner, dataloader, max_epochs, max_epochs * len(dataloader),
                         val_begin, val_interval, dynamic_intervals)

    def run(self):
        runner = self.runner
        runner.call_hook('before_train')
        while self._epoch < self._max_epochs and not self.stop_training:
            self.run_epoch()
            self._validate_if_due(self._epoch, self._max_epochs)
        runner.call_hook('after_train')
        return runner.model

    def run_epoch(self) -> None:
        runner = self.runner
        resume_mid_epoch = self._take_resume_position()
        runner.call_hook('before_train_epoch')
        runner.model.train()
        self._pass_index = self._epoch
        self._pass = self._open_pass(resume_mid_epoch)
        for data_batch in self._pass:
            self.run_iter(self._pass.batches - 1, data_batch)
        runner.call_hook('after_train_epoch')
        self._epoch += 1

    def _take_resume_position(self) -> Optional[dict]:
        """A pending resume: at an epoch boundary restore the RNG now (before the epoch's
        hooks, where the interrupted run stood); mid-epoch return it for :meth:`_open_pass`."""
        pending, self._pending_resume = self._pending_resume, None
        if pending is None:
            return None
        position = pending.get('position') or {}
        if position.get('pass') == self._epoch and position.get('batches_in_pass', 0) > 0:
            return pending
        self._restore_rng(pending)
        return None

    def _open_pass(self, pending: Optional[dict]):
        if pending is None:
            return PassIterator(self.dataloader)
        position = pending['position']
        batches = int(position['batches_in_pass'])
        if batches >= len(self.dataloader):
            # the interrupted run had trained the whole epoch but not finished its hooks
            done = _ExhaustedPass(batches, position.get('pass_rng'))
            self._restore_rng(pending)
            return done
        logger.info('skipping %d batches of epoch %d already trained on', batches,
                    self._epoch + 1)
        opened = PassIterator(self.dataloader, position.get('pass_rng'))
        skip_batches(opened, batches)
        self._restore_rng(pending)
        return opened

    def _position(self):
        current = getattr(self, '_pass', None)
        if current is None:
            return self._epoch, 0, None
        return self._pass_index, current.batches, current.pass_rng

    def run_iter(self, idx: int, data_batch) -> None:
        train_one_iter(self.runner, idx, data_batch)
        self._iter += 1


class _ExhaustedPass:
    """A pass whose batches were all consumed before the checkpoint was written."""

    def __init__(self, batches: int, pass_rng: Optional[dict]) -> None:
        self.batches = batches
        self.pass_rng = pass_rng

    def __iter__(self):
        return iter(())


@LOOPS.register_module()
class IterBasedTrainLoop(_TrainLoop):
    """Train for ``max_iters`` steps; validate every ``val_interval`` steps and at the end.

    ``before_train_epoch``/``after_train_epoch`` fire once, around the whole run.
    """

    def __init__(self, runner, dataloader, max_iters: int, val_begin: int = 1,
                 val_interval: int = 1000,
                 dynamic_intervals: Optional[Sequence[Tuple[int, int]]] = None) -> None:
        super().__init__(runner, dataloader, 1, _check_int('train_cfg.max_iters', max_iters),
                         val_begin, val_interval, dynamic_intervals)
        self.dataloader_iterator = InfiniteDataloaderIterator(self.dataloader)

    def run(self):
        runner = self.runner
        runner.call_hook('before_train')
        runner.call_hook('before_train_epoch')
        self._apply_resume_position()
        while self._iter < self._max_iters and not self.stop_training:
            runner.model.train()
            data_batch = next(self.dataloader_iterator)
            self.run_iter(data_batch)
            self._validate_if_due(self._iter, self._max_iters)
        runner.call_hook('after_train_epoch')
        runner.call_hook('after_train')
        return runner.model

    def run_iter(self, data_batch) -> None:
        train_one_iter(self.runner, self._iter, data_batch)
        self._iter += 1

    def _apply_resume_position(self) -> None:
        pending, self._pending_resume = self._pending_resume, None
        if pending is None:
            return
        position = pending.get('position')
        if position is not None:
            logger.info('skipping %d batches of pass %d over the train data already trained on',
                        position['batches_in_pass'], position['pass'])
            self.dataloader_iterator.seek(int(position['pass']),
                                          int(position['batches_in_pass']),
                                          position.get('pass_rng'))
        elif self._iter > 0:
            logger.warning('the checkpoint holds no data position: replaying %d batches from '
                           'the start to skip data already trained on', self._iter)
            self.dataloader_iterator.replay(self._iter)
        self._restore_rng(pending)

    def _position(self):
        it = self.dataloader_iterator
        return it.pass_index, it.batches_in_pass, it.pass_rng


def _autocast(enabled: bool):
    if not enabled:
        return contextlib.nullcontext()
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    dtype = torch.float16 if device == 'cuda' else torch.bfloat16
    return torch.autocast(device, dtype=dtype)


def _split_losses(outputs, losses: Dict[str, HistoryBuffer]):
    """Take a trailing ``{'loss': ...}`` element (the validation-loss convention) off outputs."""
    if (isinstance(outputs, list) and outputs and isinstance(outputs[-1], dict)
            and list(outputs[-1].keys()) == ['loss'] and isinstance(outputs[-1]['loss'], dict)):
        for name, value in outputs[-1]['loss'].items():
            buf = losses.setdefault(name, HistoryBuffer())
            values = value if isinstance(value, (list, tuple)) else [value]
            for v in values:
                buf.update(float(v))
        outputs = outputs[:-1]
    return outputs


def _average_losses(losses: Dict[str, HistoryBuffer], stage: str) -> Dict[str, float]:
    """Mean of each loss over the epoch, over all ranks (MMEngine keeps rank 0's own mean; the
    global one keeps ``save_best='val_loss'`` the same decision on every rank), plus their sum."""
    means = {name: buf.mean() for name, buf in losses.items()}
    if is_distributed():
        names = sorted(losses)  # the same order on every rank
        sums = torch.tensor([[float((v * c).sum()), float(c.sum())]
                             for v, c in (losses[n].data for n in names)], dtype=torch.float64)
        all_reduce(sums)
        means.update({n: float(sums[i, 0] / sums[i, 1]) for i, n in enumerate(names)})
    result, total = dict(means), 0.0
    for name, mean in means.items():
        if 'loss' in name:
            total += mean
    result[f'{stage}_loss'] = total
    return result


class _EvalLoop(BaseLoop):
    stage = 'val'

    def __init__(self, runner, dataloader, evaluator, fp16: bool = False) -> None:
        super().__init__(runner, dataloader)
        from engine.evaluator import build_evaluator
        self.evaluator = build_evaluator(evaluator, key=f'{self.stage}_evaluator')
        meta = getattr(dataloader.dataset, 'metainfo', None)
        if meta is not None:
            self.evaluator.dataset_meta = meta
        self.fp16 = fp16
        self.losses: Dict[str, HistoryBuffer] = {}

    def run(self) -> dict:
        runner, stage = self.runner, self.stage
        runner.call_hook(f'before_{stage}')
        runner.call_hook(f'before_{stage}_epoch')
        runner.model.eval()
        self.losses = {}
        for idx, data_batch in enumerate(self.dataloader):
            self.run_iter(idx, data_batch)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        if self.losses:
            metrics.update(_average_losses(self.losses, stage))
        runner.call_hook(f'after_{stage}_epoch', metrics=metrics)
        runner.call_hook(f'after_{stage}')
        return metrics

    @torch.no_grad()
    def run_iter(self, idx: int, data_batch) -> None:
        runner, stage = self.runner, self.stage
        runner.call_hook(f'before_{stage}_iter', batch_idx=idx, data_batch=data_batch)
        with _autocast(self.fp16):
            step = runner.model.val_step if stage == 'val' else runner.model.test_step
            outputs = step(data_batch)
        outputs = _split_losses(outputs, self.losses)
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        runner.call_hook(f'after_{stage}_iter', batch_idx=idx, data_batch=data_batch,
                         outputs=outputs)


@LOOPS.register_module()
class ValLoop(_EvalLoop):
    """One pass over the validation set; metrics go to ``after_val_epoch(metrics=...)``."""
    stage = 'val'


@LOOPS.register_module()
class TestLoop(_EvalLoop):
    """One pass over the test set; metrics go to ``after_test_epoch(metrics=...)``."""
    stage = 'test'
