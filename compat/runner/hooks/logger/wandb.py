"""MMCV 1.7.2's ``WandbLoggerHook``: the loggable tags to Weights & Biases."""
from __future__ import annotations

import os.path as osp
import warnings
from typing import Dict, Optional, Union

from compat.runner.dist_utils import master_only
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.logger.base import LoggerHook
from compat.runner.hooks.logger.optional import import_optional
from compat.utils.path import scandir

_SUMMARIES = ['min', 'max', 'mean', 'best', 'last', 'none']


@HOOKS.register_module()
class WandbLoggerHook(LoggerHook):
    """``wandb.init(**init_kwargs)`` before the run, ``wandb.log(tags, step=iter + 1,
    commit=commit)`` at each log (``with_step=False``: the step goes in the tags as
    ``global_step``), and after the run the ``work_dir`` files ending with ``out_suffix``
    as one 'artifacts' artifact (``log_artifact``), then ``wandb.join()``.

    ``define_metric_cfg`` maps metric -> summary for ``wandb.define_metric``; a summary not
    in min/max/mean/best/last/none is warned about (and, as in MMCV, still passed on).
    ``wandb`` is imported in ``__init__``: without it the hook cannot be built.
    """

    def __init__(self, init_kwargs: Optional[Dict] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, commit: bool = True,
                 by_epoch: bool = True, with_step: bool = True, log_artifact: bool = True,
                 out_suffix: Union[str, tuple] = ('.log.json', '.log', '.py'),
                 define_metric_cfg: Optional[Dict] = None):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_wandb()
        self.init_kwargs = init_kwargs
        self.commit = commit
        self.with_step = with_step
        self.log_artifact = log_artifact
        self.out_suffix = out_suffix
        self.define_metric_cfg = define_metric_cfg

    def import_wandb(self) -> None:
        self.wandb = import_optional('wandb', 'WandbLoggerHook', 'wandb')

    @master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        if self.wandb is None:
            self.import_wandb()
        if self.init_kwargs:
            self.wandb.init(**self.init_kwargs)
        else:
            self.wandb.init()
        for metric, summary in (self.define_metric_cfg or {}).items():
            if summary not in _SUMMARIES:
                warnings.warn(f'summary should be in {_SUMMARIES}. metric={metric}, '
                              f'summary={summary} will be skipped.')
            self.wandb.define_metric(metric, summary=summary)

    @master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if not tags:
            return
        if self.with_step:
            self.wandb.log(tags, step=self.get_iter(runner), commit=self.commit)
        else:
            tags['global_step'] = self.get_iter(runner)
            self.wandb.log(tags, commit=self.commit)

    @master_only
    def after_run(self, runner) -> None:
        if self.log_artifact:
            artifact = self.wandb.Artifact(name='artifacts', type='model')
            for filename in scandir(runner.work_dir, self.out_suffix, True):
                artifact.add_file(osp.join(runner.work_dir, filename))
            self.wandb.log_artifact(artifact)
        self.wandb.join()
