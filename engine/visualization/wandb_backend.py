"""``WandbVisBackend``: scalars, images, the config and the code to a Weights & Biases run."""
from __future__ import annotations

from typing import Any, Optional, Union

from engine.registry import VISBACKENDS
from engine.visualization.base_backend import BaseVisBackend, config_dict, plain_number
from engine.visualization.optional_package import import_optional


@VISBACKENDS.register_module()
class WandbVisBackend(BaseVisBackend):
    """Logs through the global ``wandb`` run, as MMEngine 0.10.7 does.

    ``wandb.init(**init_kwargs)`` runs on the first write, with ``dir`` defaulting to
    ``save_dir``; ``WANDB_MODE=offline`` keeps the run on disk under ``<dir>/wandb/``.
    W&B counts its own steps: every ``add_scalar(s)``/``add_image`` call with ``commit=True``
    is one W&B step, and the ``step`` argument is ignored (MMEngine does the same).

    Args:
        save_dir: the default ``init_kwargs['dir']``.
        init_kwargs: arguments of ``wandb.init``.
        define_metric_cfg: ``{'coco/bbox_mAP': 'max'}`` (metric -> summary) or a list of
            ``wandb.define_metric`` argument dicts.
        commit: passed to every ``wandb.log``.
        log_code_name: the code artifact's name for ``run.log_code`` (called by
            ``add_config``).
        watch_kwargs: arguments of ``wandb.watch`` (called by ``add_graph``).
    """

    def __init__(self, save_dir: Optional[str] = None, init_kwargs: Optional[dict] = None,
                 define_metric_cfg: Union[dict, list, None] = None, commit: Optional[bool] = True,
                 log_code_name: Optional[str] = None, watch_kwargs: Optional[dict] = None):
        # MMEngine only checks this at the first write, after wandb.init; a wrong type is
        # reported at build here, before a run is opened.
        if define_metric_cfg is not None and not isinstance(define_metric_cfg, (dict, list)):
            raise ValueError(f'define_metric_cfg must be a dict (metric -> summary) or a list of '
                             f'wandb.define_metric argument dicts, got '
                             f'{type(define_metric_cfg).__name__}')
        super().__init__(save_dir)
        self._wandb = import_optional('wandb', 'wandb', 'WandbVisBackend', 'wandb')
        self._init_kwargs = dict(init_kwargs) if init_kwargs is not None else {}
        self._define_metric_cfg = define_metric_cfg
        self._commit = commit
        self._log_code_name = log_code_name
        self._watch_kwargs = dict(watch_kwargs) if watch_kwargs is not None else {}

    def _init_env(self) -> None:
        self._init_kwargs.setdefault('dir', self._save_dir)
        self._wandb.init(**self._init_kwargs)
        if isinstance(self._define_metric_cfg, dict):
            for metric, summary in self._define_metric_cfg.items():
                self._wandb.define_metric(metric, summary=summary)
        elif isinstance(self._define_metric_cfg, list):
            for metric_cfg in self._define_metric_cfg:
                self._wandb.define_metric(**metric_cfg)

    @property
    def experiment(self):
        """The ``wandb`` module, its run started."""
        self._ensure_env()
        return self._wandb

    def add_config(self, config: Any, **kwargs) -> None:
        """``wandb.config.update(config)`` (``allow_val_change`` from ``init_kwargs``), then
        ``run.log_code``, which saves the ``.py`` files under the current directory."""
        self._ensure_env()
        self._wandb.config.update(config_dict(config),
                                  allow_val_change=self._init_kwargs.get('allow_val_change',
                                                                         False))
        self._wandb.run.log_code(name=self._log_code_name)

    def add_graph(self, model: Any, data_batch: Any = None, **kwargs) -> None:
        """``wandb.watch(model, **watch_kwargs)``."""
        self._ensure_env()
        self._wandb.watch(model, **self._watch_kwargs)

    def add_image(self, name: str, image: Any, step: int = 0, **kwargs) -> None:
        """An RGB ``HxWx3`` array as a ``wandb.Image``; ``step`` is ignored."""
        self._ensure_env()
        self._wandb.log({name: self._wandb.Image(image)}, commit=self._commit)

    def add_scalar(self, name: str, value: Any, step: int = 0, **kwargs) -> None:
        self._ensure_env()
        self._wandb.log({name: plain_number(value)}, commit=self._commit)

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        """One ``wandb.log`` call for the whole dict; ``step`` and ``file_path`` are ignored."""
        self._ensure_env()
        self._wandb.log({k: plain_number(v) for k, v in scalar_dict.items()},
                        commit=self._commit)

    def close(self) -> None:
        """``wandb.finish()``: an offline run's files are complete after this."""
        if self._env_initialized:
            self._wandb.finish()
