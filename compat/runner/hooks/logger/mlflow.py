"""MMCV 1.7.2's ``MlflowLoggerHook``: the loggable tags (and the model) to MLflow."""
from __future__ import annotations

from typing import Dict, Optional

from compat.runner.dist_utils import master_only
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.logger.base import LoggerHook
from compat.runner.hooks.logger.optional import import_optional
from compat.utils.parrots_wrapper import TORCH_VERSION


@HOOKS.register_module()
class MlflowLoggerHook(LoggerHook):
    """Before the run: ``mlflow.set_experiment(exp_name)``, ``set_tags(tags)``,
    ``log_params(params)`` (each only when given); at each log
    ``mlflow.log_metrics(tags, step=iter + 1)``; after the run, with ``log_model``, the model
    as the artifact 'models' with ``torch==<version>`` as its pip requirement.
    ``mlflow`` is imported in ``__init__``: without it the hook cannot be built.
    """

    def __init__(self, exp_name: Optional[str] = None, tags: Optional[Dict] = None,
                 params: Optional[Dict] = None, log_model: bool = True, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_mlflow()
        self.exp_name = exp_name
        self.tags = tags
        self.params = params
        self.log_model = log_model

    def import_mlflow(self) -> None:
        self.mlflow = import_optional('mlflow', 'MlflowLoggerHook', 'mlflow')
        self.mlflow_pytorch = import_optional('mlflow.pytorch', 'MlflowLoggerHook', 'mlflow')

    @master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        if self.exp_name is not None:
            self.mlflow.set_experiment(self.exp_name)
        if self.tags is not None:
            self.mlflow.set_tags(self.tags)
        if self.params is not None:
            self.mlflow.log_params(self.params)

    @master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if tags:
            self.mlflow.log_metrics(tags, step=self.get_iter(runner))

    @master_only
    def after_run(self, runner) -> None:
        if self.log_model:
            self.mlflow_pytorch.log_model(runner.model, 'models',
                                          pip_requirements=[f'torch=={TORCH_VERSION}'])
