"""Tell the train sampler which epoch it is, so each epoch shuffles differently."""
from __future__ import annotations

from engine.hooks.hook import Hook
from engine.registry import HOOKS


@HOOKS.register_module()
class DistSamplerSeedHook(Hook):
    """Calls ``set_epoch(runner.epoch)`` on the train dataloader's sampler before each epoch.

    The sampler is ``dataloader.sampler`` when it has ``set_epoch``, else
    ``dataloader.batch_sampler.sampler`` (a batch sampler wraps the sampler); samplers
    without ``set_epoch`` (e.g. ``SequentialSampler``) are left alone.
    """

    priority = 'NORMAL'

    def before_train_epoch(self, runner) -> None:
        loader = runner.train_loop.dataloader
        sampler = getattr(loader, 'sampler', None)
        if hasattr(sampler, 'set_epoch'):
            sampler.set_epoch(runner.epoch)
            return
        # torch's DataLoader keeps the sampler inside its batch_sampler too
        inner = getattr(getattr(loader, 'batch_sampler', None), 'sampler', None)
        if hasattr(inner, 'set_epoch'):
            inner.set_epoch(runner.epoch)
