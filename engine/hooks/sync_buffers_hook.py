"""Average model buffers (BN running statistics) across ranks before they are used or saved."""
from __future__ import annotations

from engine.dist.utils import all_reduce_params, is_distributed
from engine.hooks.hook import Hook
from engine.registry import HOOKS


@HOOKS.register_module()
class SyncBuffersHook(Hook):
    """All-reduces (mean) ``runner.model.buffers()`` after each train epoch, and before each
    validation epoch unless that train epoch already did it (iteration-based training
    validates mid-epoch). Does nothing in a single process.
    """

    priority = 'NORMAL'

    def __init__(self) -> None:
        self.distributed = is_distributed()
        # set by after_train_epoch so that the validation right after it does not sync twice
        self.called_in_train = False

    def _distributed(self, runner) -> bool:
        # the hook may be built before the process group exists: look again at call time
        return self.distributed or bool(getattr(runner, 'distributed', False)) or is_distributed()

    def before_val_epoch(self, runner) -> None:
        if self._distributed(runner):
            if not self.called_in_train:
                all_reduce_params(runner.model.buffers(), op='mean')
            self.called_in_train = False

    def after_train_epoch(self, runner) -> None:
        if self._distributed(runner):
            all_reduce_params(runner.model.buffers(), op='mean')
            self.called_in_train = True
