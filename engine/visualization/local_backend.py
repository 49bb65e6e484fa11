"""``LocalVisBackend``: scalars as JSON lines, the config beside them."""
from __future__ import annotations

import json
import os
from typing import Optional

from engine.registry import VISBACKENDS


@VISBACKENDS.register_module()
class LocalVisBackend:
    """Writes ``<save_dir>/scalars.json`` (one JSON object per logged step) and ``config.py``."""

    def __init__(self, save_dir: Optional[str] = None, img_save_dir: str = 'vis_image',
                 config_save_file: str = 'config.py', scalar_save_file: str = 'scalars.json'):
        self.save_dir = save_dir
        self.img_save_dir = img_save_dir
        self.config_save_file = config_save_file
        self.scalar_save_file = scalar_save_file

    def _path(self, name: str) -> str:
        if self.save_dir is None:
            raise RuntimeError('LocalVisBackend has no save_dir; the runner sets it to '
                               '<log_dir>/vis_data')
        os.makedirs(self.save_dir, exist_ok=True)
        return os.path.join(self.save_dir, name)

    def add_config(self, config_text: str) -> None:
        with open(self._path(self.config_save_file), 'w', encoding='utf-8') as f:
            f.write(config_text)

    def add_scalars(self, scalar_dict: dict, step: int = 0,
                    file_path: Optional[str] = None) -> None:
        record = {k: _plain(v) for k, v in scalar_dict.items()}
        record['step'] = step
        line = json.dumps(record) + '\n'
        with open(self._path(self.scalar_save_file), 'a', encoding='utf-8') as f:
            f.write(line)
        if file_path is not None and file_path != self.scalar_save_file:
            with open(self._path(file_path), 'a', encoding='utf-8') as f:
                f.write(line)

    def close(self) -> None:
        pass


def _plain(value):
    if hasattr(value, 'item'):
        return value.item()
    return value
