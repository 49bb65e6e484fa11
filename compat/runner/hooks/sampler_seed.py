"""MMCV 1.7.2's ``DistSamplerSeedHook``: the sampler's epoch before every epoch."""
from __future__ import annotations

from compat.runner.hooks.hook import HOOKS, Hook


@HOOKS.register_module()
class DistSamplerSeedHook(Hook):
    """Call ``set_epoch(runner.epoch)`` on the data loader's sampler, or else on its batch
    sampler's sampler, before every train and val epoch (EpochBasedRunner; IterBasedRunner's
    ``IterLoader`` sets the epoch itself)."""

    def before_epoch(self, runner) -> None:
        loader = getattr(runner, 'data_loader', None)
        if loader is None:
            # MMCV: AttributeError ('IterBasedRunner' object has no attribute 'data_loader')
            raise AttributeError(
                f'DistSamplerSeedHook needs runner.data_loader, which {type(runner).__name__} '
                'has not set before its first epoch (MMCV 1.7.2 raises AttributeError here '
                'too); remove the hook: IterBasedRunner\'s IterLoader calls set_epoch itself')
        if hasattr(loader.sampler, 'set_epoch'):
            # a torch SequentialSampler has no set_epoch: then the batch sampler's may have it
            loader.sampler.set_epoch(runner.epoch)
        elif hasattr(loader.batch_sampler.sampler, 'set_epoch'):
            loader.batch_sampler.sampler.set_epoch(runner.epoch)
