"""``MLflowVisBackend``: scalars as MLflow metrics, the config as params, run files as
artifacts."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Dict, Iterator, Optional, Sequence, Union
from urllib.parse import urlparse

from engine.registry import VISBACKENDS
from engine.visualization.base_backend import BaseVisBackend, config_dict, config_text, \
    plain_number
from engine.visualization.optional_package import import_optional

Suffix = Union[str, Sequence[str]]


@VISBACKENDS.register_module()
class MLflowVisBackend(BaseVisBackend):
    """Logs through MLflow's fluent API (the active run), as MMEngine 0.10.7 does.

    On the first write: the tracking URI is set (``file://<abs save_dir>`` when
    ``tracking_uri`` is None), experiment ``exp_name`` (default ``'Default'``) is created if
    missing and made current, and ``run_name``/``tags``/``params`` are recorded on the run
    (which MLflow starts then).

    ``add_config`` logs the config flattened to dotted params (only the top-level keys in
    ``tracked_config_keys`` when given) and its text as the artifact ``config.py``;
    ``add_scalars(d, step)`` is ``mlflow.log_metrics(d, step)``. ``close`` logs every file of
    the config's ``work_dir`` whose name ends with ``artifact_suffix`` (keeping its sub
    folder) and ends the run.
    """

    def __init__(self, save_dir: Optional[str] = None, exp_name: Optional[str] = None,
                 run_name: Optional[str] = None, tags: Optional[dict] = None,
                 params: Optional[dict] = None, tracking_uri: Optional[str] = None,
                 artifact_suffix: Suffix = ('.json', '.log', '.py', 'yaml'),
                 tracked_config_keys: Optional[Sequence[str]] = None,
                 artifact_location: Optional[str] = None):
        if not isinstance(artifact_suffix, (str, tuple)):
            raise TypeError(f'artifact_suffix must be a string or a tuple of strings (MMEngine '
                            f'refuses other types at close), got {type(artifact_suffix).__name__}')
        super().__init__(save_dir)
        self._mlflow = import_optional('mlflow', 'mlflow-skinny', 'MLflowVisBackend', 'mlflow')
        self._exp_name = exp_name
        self._run_name = run_name
        self._tags = tags
        self._params = params
        self._tracking_uri = tracking_uri
        self._artifact_suffix = artifact_suffix
        self._tracked_config_keys = tracked_config_keys
        self._artifact_location = artifact_location
        self._cfg: Optional[dict] = None
        self._check_file_store_allowed()

    def _check_file_store_allowed(self) -> None:
        # MLflow 3.x refuses its file store unless MLFLOW_ALLOW_FILE_STORE is set; MMEngine's
        # default tracking URI is such a store, so say so at build rather than at the first log.
        # A scheme-less tracking_uri is left to MLflow, whose own error names the variable.
        if self._tracking_uri is not None and urlparse(self._tracking_uri).scheme != 'file':
            return
        env = getattr(getattr(self._mlflow, 'environment_variables', None),
                      'MLFLOW_ALLOW_FILE_STORE', None)
        if env is None or env.get():
            return
        where = ("the default tracking_uri, file://<save_dir> (MMEngine's default)"
                 if self._tracking_uri is None else f'tracking_uri={self._tracking_uri!r}')
        raise ValueError(
            f'MLflowVisBackend would write to a local file store ({where}), and the installed '
            f'MLflow refuses file stores unless MLFLOW_ALLOW_FILE_STORE=true is set; fix: set '
            f'that environment variable, or pass tracking_uri= a tracking server or database '
            f'URI')

    def _init_env(self) -> None:
        mlflow = self._mlflow
        mlflow.set_tracking_uri(self._tracking_uri if self._tracking_uri is not None
                                else f'file://{os.path.abspath(self._save_dir)}')
        self._exp_name = self._exp_name or 'Default'
        if mlflow.get_experiment_by_name(self._exp_name) is None:
            mlflow.create_experiment(self._exp_name, artifact_location=self._artifact_location)
        mlflow.set_experiment(self._exp_name)
        if self._run_name is not None:
            mlflow.set_tag('mlflow.runName', self._run_name)
        if self._tags is not None:
            mlflow.set_tags(self._tags)
        if self._params is not None:
            mlflow.log_params(self._params)

    @property
    def experiment(self):
        """The ``mlflow`` module, its tracking URI and experiment set."""
        self._ensure_env()
        return self._mlflow

    def add_config(self, config: Any, **kwargs) -> None:
        self._ensure_env()
        self._cfg = config_dict(config)
        if self._tracked_config_keys is None:
            tracked = self._cfg
        else:
            missing = [k for k in self._tracked_config_keys if k not in self._cfg]
            if missing:
                raise KeyError(f'MLflowVisBackend tracked_config_keys {missing} are not '
                               f'top-level keys of the config')
            tracked = {k: self._cfg[k] for k in self._tracked_config_keys}
        self._mlflow.log_params(flatten_params(tracked))
        self._mlflow.log_text(config_text(config), 'config.py')

    def add_image(self, name: str, image: Any, step: int = 0, **kwargs) -> None:
        """``mlflow.log_image(image, name)``: ``name`` is the artifact file name; ``step`` is
        ignored."""
        self._ensure_env()
        self._mlflow.log_image(image, name)

    def add_scalar(self, name: str, value: Any, step: int = 0, **kwargs) -> None:
        self._ensure_env()
        self._mlflow.log_metric(name, plain_number(value), step)

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        """``file_path`` is accepted for a uniform interface and ignored."""
        if not isinstance(scalar_dict, dict):
            raise TypeError(f'scalar_dict must be a dict, got {type(scalar_dict).__name__}')
        if 'step' in scalar_dict:
            raise ValueError("the scalar dict has a 'step' entry; pass the step as step=...")
        self._ensure_env()
        self._mlflow.log_metrics({k: plain_number(v) for k, v in scalar_dict.items()}, step)

    def close(self) -> None:
        if not self._env_initialized:
            return
        if self._cfg is None:
            self._mlflow.end_run()
            raise RuntimeError(
                'MLflowVisBackend.close: no config was recorded, so the work_dir whose files '
                'are logged as artifacts is unknown (MMEngine fails here too); the run was ended '
                'without them. fix: call add_config(cfg) before close')
        work_dir = self._cfg['work_dir']
        artifacts: Dict[str, str] = {}
        for rel_path in _files_with_suffix(work_dir, self._artifact_suffix):
            artifacts[os.path.join(work_dir, rel_path)] = os.path.dirname(rel_path)
        for path, folder in artifacts.items():
            self._mlflow.log_artifact(path, folder)
        self._mlflow.end_run()


def flatten_params(d: Mapping, parent_key: str = '', sep: str = '.') -> dict:
    """``{'a': {'b': 1}, 'p': [dict(t=1)]}`` -> ``{'a.b': 1, 'p.0.t': 1}``; a list holding no
    dict stays one value."""
    items = {}
    for k, v in d.items():
        key = f'{parent_key}{sep}{k}' if parent_key else k
        if isinstance(v, Mapping):
            items.update(flatten_params(v, key, sep))
        elif isinstance(v, list) and any(isinstance(x, Mapping) for x in v):
            for i, x in enumerate(v):
                if not isinstance(x, Mapping):
                    # MMEngine fails on this list with an AttributeError
                    raise ValueError(f'config key {key!r} is a list mixing dicts and other '
                                     f'values ({key}{sep}{i} is {x!r}), which MMEngine cannot '
                                     f'flatten into MLflow params; fix: give tracked_config_keys '
                                     f'without this key')
                items.update(flatten_params(x, f'{key}{sep}{i}', sep))
        else:
            items[key] = v
    return items


def _files_with_suffix(root: str, suffix: Suffix) -> Iterator[str]:
    """Paths relative to ``root`` of the files below it whose relative path ends with
    ``suffix``, hidden files skipped (hidden folders are searched), as MMEngine's scandir."""
    def walk(folder: str) -> Iterator[str]:
        for entry in os.scandir(folder):
            if not entry.name.startswith('.') and entry.is_file():
                rel = os.path.relpath(entry.path, root)
                if rel.endswith(suffix):
                    yield rel
            elif os.path.isdir(entry.path):
                yield from walk(entry.path)
    return walk(root)
