"""What every visualization back end shares: a save dir created on first use, scalar clean-up."""
from __future__ import annotations

import numbers
import os
from collections.abc import Mapping
from typing import Any, Optional

import numpy as np
import torch


def config_text(config: Any) -> str:
    """The text of a config: ``pretty_text`` of a Config object, or the string itself."""
    return config if isinstance(config, str) else getattr(config, 'pretty_text', str(config))


def config_dict(config: Any) -> dict:
    """The config as a plain dict: ``to_dict()`` of a Config, a mapping copied, or config text
    (what the engine's runner hands the visualizer) loaded back as a Python config."""
    if hasattr(config, 'to_dict'):
        return config.to_dict()
    if isinstance(config, Mapping):
        return dict(config)
    if isinstance(config, str):
        from engine.config import Config
        try:
            return Config.fromstring(config, '.py').to_dict()
        except Exception as e:
            # e.g. a value that is a class: its text is a repr, not Python
            raise ValueError(
                f'add_config got config text that does not load back as a Python config '
                f'({type(e).__name__}: {e}), so its values cannot be recorded one by one; fix: '
                f'pass the Config object itself to add_config, or keep only literal values '
                f'(names instead of classes) in the config') from e
    raise TypeError(f'add_config expects a Config, a dict or config text, got '
                    f'{type(config).__name__}')


def plain_number(value: Any) -> Any:
    """A Python number for a 1-element tensor or numpy value; anything else unchanged."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return value.item()
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.size == 1):
        return value.item()
    return value


def is_number(value: Any) -> bool:
    """Whether ``value`` is a real number or a 1-element tensor/array (bools are not)."""
    value = plain_number(value)
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class BaseVisBackend:
    """A back end writing under ``save_dir``; nothing is created until the first write, so a
    back end built on a rank that never writes leaves no trace on disk."""

    def __init__(self, save_dir: Optional[str] = None):
        self._save_dir = save_dir
        self._env_initialized = False

    @property
    def save_dir(self) -> Optional[str]:
        return self._save_dir

    @save_dir.setter
    def save_dir(self, value: Optional[str]) -> None:
        self._save_dir = value

    def _ensure_env(self) -> None:
        if self._env_initialized:
            return
        if self._save_dir is None:
            raise RuntimeError(f'{type(self).__name__} has no save_dir; the runner sets it to '
                               '<log_dir>/vis_data, or pass save_dir=...')
        os.makedirs(self._save_dir, exist_ok=True)
        self._init_env()
        self._env_initialized = True

    def _init_env(self) -> None:
        """Open files or writers (called once, on the first write)."""

    @property
    def experiment(self):
        """The underlying writer (the back end itself for file back ends)."""
        self._ensure_env()
        return self

    def add_config(self, config: Any, **kwargs) -> None:
        """Record the config (a Config object or its text)."""

    def add_scalar(self, name: str, value: Any, step: int = 0, **kwargs) -> None:
        self.add_scalars({name: value}, step=step)

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def add_image(self, name: str, image: Any, step: int = 0, **kwargs) -> None:
        """Images are not recorded by this back end."""

    def add_graph(self, model: Any, data_batch: Any = None, **kwargs) -> None:
        """The model graph is not recorded by this back end."""

    def close(self) -> None:
        """Flush and close what ``_init_env`` opened."""
