"""MMCV 1.7.2's ``DvcliveLoggerHook``: the loggable tags to DVCLive."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from compat.runner.dist_utils import master_only
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.logger.base import LoggerHook
from compat.runner.hooks.logger.optional import import_optional


@HOOKS.register_module()
class DvcliveLoggerHook(LoggerHook):
    """At each log ``live.set_step(step)`` then ``live.log(tag, value)`` per tag, the step
    being the epoch (``by_epoch``) or the iteration; ``model_file`` saves a checkpoint there
    after every train epoch. ``dvclive`` is a ``Live`` to use, else one is made from
    ``kwargs`` in ``__init__`` (where ``dvclive`` is imported).

    As in MMCV, a by-epoch hook never averages the buffer itself during training: it logs
    what another logger hook averaged, and each val epoch.
    """

    def __init__(self, model_file: Optional[str] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True,
                 dvclive=None, **kwargs):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.model_file = model_file
        self._import_dvclive(dvclive, **kwargs)

    def _import_dvclive(self, dvclive=None, **kwargs) -> None:
        live_cls = import_optional('dvclive', 'DvcliveLoggerHook', 'dvclive').Live
        self.dvclive = dvclive if dvclive is not None else live_cls(**kwargs)

    @master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if not tags:
            return
        self.dvclive.set_step(self.get_epoch(runner) if self.by_epoch else self.get_iter(runner))
        for tag, value in tags.items():
            self.dvclive.log(tag, value)

    def after_train_epoch(self, runner) -> None:
        if self.model_file is not None:
            path = Path(self.model_file)
            runner.save_checkpoint(path.parent, filename_tmpl=path.name, create_symlink=False)
        if self.by_epoch:
            super().after_train_epoch(runner)

    def after_train_iter(self, runner) -> None:
        if not self.by_epoch:
            super().after_train_iter(runner)
