"""Where a train loop stands in its dataloader, and how a resumed run gets back there.

A position is ``(pass, batches)``: ``batches`` batches of pass ``pass`` over the dataloader
have been consumed. With it the loop also keeps the RNG state taken just before the pass's
iterator was created (``pass_rng``): creating an iterator draws the workers' base seed from the
global generator, so a resumed run restores that state, re-creates the iterator (same base
seed, same worker seeds), skips ``batches`` batches (workers replay the same samples), and only
then restores the checkpoint's current RNG state. Skipping fetches and drops batches, which
costs at most one pass of data loading; the model sees none of them.

Exact for ``num_workers=0`` and for non-persistent workers. Persistent workers keep their RNG
across passes and cannot be put back mid-run.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from engine.errors import CheckpointError
from engine.runner.rng_state import get_rng_state, set_rng_state

logger = logging.getLogger('engine')


def set_sampler_epoch(dataloader, epoch: int) -> None:
    """``set_epoch`` on the dataloader's sampler (or its batch sampler's sampler)."""
    sampler = getattr(dataloader, 'sampler', None)
    if not hasattr(sampler, 'set_epoch'):
        sampler = getattr(getattr(dataloader, 'batch_sampler', None), 'sampler', None)
    if hasattr(sampler, 'set_epoch'):
        sampler.set_epoch(epoch)


def skip_batches(iterator, count: int) -> int:
    """Fetch and drop up to ``count`` batches; returns how many there were."""
    skipped = 0
    for _ in range(count):
        try:
            next(iterator)
        except StopIteration:
            break
        skipped += 1
    return skipped


class PassIterator:
    """An iterator over one pass that counts its batches and remembers its starting RNG."""

    def __init__(self, dataloader, pass_rng: Optional[Dict[str, Any]] = None) -> None:
        if pass_rng is not None:
            set_rng_state(pass_rng)
        self.pass_rng = pass_rng if pass_rng is not None else get_rng_state()
        self.batches = 0
        self._iterator = iter(dataloader)

    def __iter__(self):
        return self

    def __next__(self):
        batch = next(self._iterator)
        self.batches += 1
        return batch


class InfiniteDataloaderIterator:
    """Restart a finite dataloader forever, advancing the sampler's epoch at each restart.

    The first pass's iterator is created at construction, as MMEngine does (the loop is built
    before the weights are initialised, and creating an iterator draws from the generator).
    """

    def __init__(self, dataloader) -> None:
        self._dataloader = dataloader
        self._epoch = 0
        self._pass = PassIterator(dataloader)

    @property
    def pass_index(self) -> int:
        return self._epoch

    @property
    def batches_in_pass(self) -> int:
        return self._pass.batches

    @property
    def pass_rng(self) -> Dict[str, Any]:
        return self._pass.pass_rng

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._pass)
        except StopIteration:
            self._epoch += 1
            set_sampler_epoch(self._dataloader, self._epoch)
            self._pass = PassIterator(self._dataloader)
            return next(self._pass)

    def seek(self, pass_index: int, batches: int, pass_rng: Optional[Dict[str, Any]]) -> None:
        """Stand where a run that consumed ``batches`` batches of pass ``pass_index`` stood.

        Pass 0 reuses the iterator made at construction (a resumed process builds it in the
        same state); a later pass is re-created from ``pass_rng``.
        """
        if pass_index > 0 or self._pass.batches:
            self._epoch = pass_index
            set_sampler_epoch(self._dataloader, pass_index)
            if pass_rng is None:
                logger.warning('the checkpoint has no RNG state for the start of pass %d: '
                               'the data order is restored, worker seeds may differ',
                               pass_index)
            self._pass = PassIterator(self._dataloader, pass_rng)
        skipped = skip_batches(self._pass, batches)
        if skipped != batches:
            raise CheckpointError(f'the train dataloader has {skipped} batches in pass '
                                  f'{pass_index}, the checkpoint says {batches} were consumed',
                                  key='train_dataloader',
                                  fix='resume with the dataset and batch size that wrote it')

    def replay(self, count: int) -> None:
        """MMEngine's resume: fetch and drop ``count`` batches from the start, passing through
        pass boundaries (for checkpoints that hold no position)."""
        for _ in range(count):
            next(self)
