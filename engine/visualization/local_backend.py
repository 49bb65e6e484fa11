"""``LocalVisBackend``: scalars as JSON lines, the config beside them (MMEngine's file layout)."""
from __future__ import annotations

import json
import os
from typing import Any, Optional

from engine.registry import VISBACKENDS
from engine.visualization.base_backend import BaseVisBackend, config_text, plain_number


@VISBACKENDS.register_module()
class LocalVisBackend(BaseVisBackend):
    """Appends one JSON object per ``add_scalars`` call to ``<save_dir>/scalars.json``.

    Each record is the scalar dict plus ``"step"``, e.g.
    ``{"lr": 0.01, "loss": 0.53, "time": 0.01, "epoch": 1, "iter": 10, "step": 10}``; with
    ``file_path='<timestamp>.json'`` the same line also goes to ``<save_dir>/<timestamp>.json``.
    The config is written to ``<save_dir>/config.py``.
    """

    def __init__(self, save_dir: Optional[str] = None, img_save_dir: str = 'vis_image',
                 config_save_file: str = 'config.py', scalar_save_file: str = 'scalars.json'):
        if not scalar_save_file.endswith('.json'):
            raise ValueError(f'LocalVisBackend scalar_save_file must end with .json, got '
                             f'{scalar_save_file!r}')
        super().__init__(save_dir)
        self.img_save_dir = img_save_dir
        self.config_save_file = config_save_file
        self.scalar_save_file = scalar_save_file

    def _path(self, name: str) -> str:
        self._ensure_env()
        return os.path.join(self._save_dir, name)

    def add_config(self, config: Any, **kwargs) -> None:
        with open(self._path(self.config_save_file), 'w', encoding='utf-8') as f:
            f.write(config_text(config))

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        record = {k: _jsonable(v) for k, v in scalar_dict.items()}
        record.setdefault('step', step)
        line = json.dumps(record) + '\n'
        if file_path is not None:
            if not file_path.endswith('.json'):
                raise ValueError(f'file_path must end with .json, got {file_path!r}')
            if os.path.basename(file_path) == self.scalar_save_file:
                raise ValueError(f'file_path {file_path!r} would write scalars.json twice; '
                                 'give it another name')
            with open(self._path(file_path), 'a', encoding='utf-8') as f:
                f.write(line)
        with open(self._path(self.scalar_save_file), 'a', encoding='utf-8') as f:
            f.write(line)


def _jsonable(value: Any) -> Any:
    value = plain_number(value)
    if hasattr(value, 'tolist'):  # tensors and arrays with several elements
        return value.tolist()
    return value
