"""MMCV 1.7.2's ``NeptuneLoggerHook``: the loggable tags to neptune.ai."""
from __future__ import annotations

from typing import Dict, Optional

from compat.runner.dist_utils import master_only
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.logger.base import LoggerHook
from compat.runner.hooks.logger.optional import import_optional


@HOOKS.register_module()
class NeptuneLoggerHook(LoggerHook):
    """``neptune.init(**init_kwargs)`` (the ``neptune.new`` API of neptune-client) before the
    run, ``run[tag].log(value, step=iter + 1)`` per tag at each log, ``run.stop()`` after.
    ``reset_flag`` defaults to True here. The package is imported in ``__init__``.

    ``with_step=False`` cannot log: MMCV adds ``global_step`` to the tags while iterating
    over them and fails with RuntimeError at the first log; so does this hook, saying why.
    """

    def __init__(self, init_kwargs: Optional[Dict] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = True, with_step: bool = True,
                 by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_neptune()
        self.init_kwargs = init_kwargs
        self.with_step = with_step

    def import_neptune(self) -> None:
        self.neptune = import_optional('neptune.new', 'NeptuneLoggerHook', 'neptune-client')
        self.run = None

    # MMCV's before_run does not call LoggerHook's: this hook never takes over reset_flag
    @master_only
    def before_run(self, runner) -> None:
        if self.init_kwargs:
            self.run = self.neptune.init(**self.init_kwargs)
        else:
            self.run = self.neptune.init()

    @master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if not tags:
            return
        if not self.with_step:
            first = next(iter(tags))
            tags['global_step'] = self.get_iter(runner)
            self.run[first].log(tags)
            raise RuntimeError('NeptuneLoggerHook(with_step=False) cannot log: MMCV 1.7.2 '
                               'adds global_step to the tags while iterating over them '
                               '(RuntimeError: dictionary changed size during iteration) after '
                               f'logging only {first!r}; use with_step=True')
        for tag, value in tags.items():
            self.run[tag].log(value, step=self.get_iter(runner))

    @master_only
    def after_run(self, runner) -> None:
        self.run.stop()
