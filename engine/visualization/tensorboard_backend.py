"""``TensorboardVisBackend``: scalars and the config as TensorBoard event files."""
from __future__ import annotations

import warnings
from typing import Any, Optional

from engine.registry import VISBACKENDS
from engine.visualization.base_backend import BaseVisBackend, config_text, is_number, \
    plain_number


@VISBACKENDS.register_module()
class TensorboardVisBackend(BaseVisBackend):
    """Writes ``events.out.tfevents.*`` into ``save_dir`` through
    ``torch.utils.tensorboard.SummaryWriter`` (opened on the first write).

    Every scalar of ``add_scalars({'loss': 0.5, 'lr': 0.01}, step=10)`` becomes its own tag
    (``loss``, ``lr``) at global step 10; non-numeric values are skipped with a warning. The
    config is stored as the text summary ``config``.
    """

    def __init__(self, save_dir: Optional[str] = None):
        super().__init__(save_dir)
        self._tensorboard = None

    def _init_env(self) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as e:  # the tensorboard package is missing
            raise ImportError('TensorboardVisBackend needs the tensorboard package: '
                              'pip install tensorboard') from e
        self._tensorboard = SummaryWriter(self._save_dir)

    @property
    def experiment(self):
        """The ``SummaryWriter``."""
        self._ensure_env()
        return self._tensorboard

    def add_config(self, config: Any, **kwargs) -> None:
        self._ensure_env()
        self._tensorboard.add_text('config', config_text(config))

    def add_scalar(self, name: str, value: Any, step: int = 0, **kwargs) -> None:
        self._ensure_env()
        if is_number(value):
            self._tensorboard.add_scalar(name, plain_number(value), step)
        else:
            warnings.warn(f'TensorboardVisBackend skips {name!r}: got {type(value).__name__}, '
                          'expected a number', UserWarning, stacklevel=2)

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        """``file_path`` is accepted for a uniform interface and ignored."""
        if 'step' in scalar_dict:
            raise ValueError("the scalar dict has a 'step' entry; pass the step as step=...")
        for name, value in scalar_dict.items():
            self.add_scalar(name, value, step)

    def close(self) -> None:
        if self._tensorboard is not None:
            self._tensorboard.close()
