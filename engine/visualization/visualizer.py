"""``Visualizer``: fans scalars and the config out to its back ends."""
from __future__ import annotations

import os
from typing import List, Optional

from engine.registry import VISBACKENDS, VISUALIZERS


@VISUALIZERS.register_module()
class Visualizer:
    """Holds vis back ends (``vis_backends=[dict(type='LocalVisBackend')]``) under ``save_dir``."""

    def __init__(self, name: str = 'visualizer', vis_backends: Optional[List[dict]] = None,
                 save_dir: Optional[str] = None):
        self.name = name
        self.save_dir = save_dir
        self.dataset_meta = None
        self._backends = []
        for i, cfg in enumerate(vis_backends or []):
            if isinstance(cfg, dict):
                cfg = dict(cfg)
                if save_dir is not None:
                    cfg.setdefault('save_dir', os.path.join(save_dir, 'vis_data'))
                backend = VISBACKENDS.build(cfg)
            else:
                backend = cfg
            self._backends.append(backend)

    @property
    def backends(self) -> list:
        return list(self._backends)

    def add_config(self, config_text: str) -> None:
        for b in self._backends:
            b.add_config(config_text)

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None):
        for b in self._backends:
            b.add_scalars(scalar_dict, step=step, file_path=file_path)

    def close(self) -> None:
        for b in self._backends:
            b.close()
