"""``Visualizer``: fans scalars and the config out to its back ends, on rank 0 only."""
from __future__ import annotations

import os
from typing import Any, List, Optional, Union

from engine.dist.utils import master_only
from engine.errors import EngineError
from engine.registry import VISBACKENDS, VISUALIZERS


@VISUALIZERS.register_module()
class Visualizer:
    """Holds vis back ends (``vis_backends=[dict(type='LocalVisBackend'),
    dict(type='TensorboardVisBackend')]``); each writes under ``<save_dir>/vis_data``.

    Every writing method runs on rank 0 only, so a distributed run writes one set of files.
    The last visualizer built is :meth:`get_current_instance` (hooks written for MMEngine use it).
    """

    _current: Optional['Visualizer'] = None

    def __init__(self, name: str = 'visualizer', vis_backends: Optional[List[Any]] = None,
                 save_dir: Optional[str] = None, **kwargs):
        self.name = name
        self.save_dir = save_dir
        self.dataset_meta = kwargs.get('dataset_meta')
        self._backends = {}
        vis_dir = os.path.join(save_dir, 'vis_data') if save_dir is not None else None
        if isinstance(vis_backends, dict):
            vis_backends = [vis_backends]
        for index, cfg in enumerate(vis_backends or []):
            if isinstance(cfg, dict):
                cfg = dict(cfg)
                key = cfg.pop('name', None)
                if vis_dir is not None:
                    cfg.setdefault('save_dir', vis_dir)
                try:
                    backend = VISBACKENDS.build(cfg)
                except EngineError as e:  # the runner prefixes 'visualizer.'
                    raise e.with_context(key=f'vis_backends[{index}]') from e
            else:
                key, backend = None, cfg
                if vis_dir is not None and getattr(backend, 'save_dir', None) is None:
                    backend.save_dir = vis_dir
            key = key or type(backend).__name__
            if key in self._backends:
                raise ValueError(f'two vis back ends are called {key!r}; give one a name=...')
            self._backends[key] = backend
        Visualizer._current = self

    @classmethod
    def get_current_instance(cls) -> Optional['Visualizer']:
        return cls._current

    @property
    def backends(self) -> list:
        return list(self._backends.values())

    def get_backend(self, name: str):
        """The back end registered under ``name`` (its ``name=`` or class name), else None."""
        return self._backends.get(name)

    @master_only
    def add_config(self, config: Any, **kwargs) -> None:
        for b in self._backends.values():
            b.add_config(config, **kwargs)

    @master_only
    def add_scalar(self, name: str, value: Union[int, float, Any], step: int = 0,
                   **kwargs) -> None:
        for b in self._backends.values():
            b.add_scalar(name, value, step=step, **kwargs)

    @master_only
    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        for b in self._backends.values():
            b.add_scalars(dict(scalar_dict), step=step, file_path=file_path, **kwargs)

    @master_only
    def add_image(self, name: str, image: Any, step: int = 0) -> None:
        for b in self._backends.values():
            b.add_image(name, image, step=step)

    @master_only
    def add_graph(self, model: Any, data_batch: Any = None, **kwargs) -> None:
        """The model graph, to the back ends that record one (W&B watches the model)."""
        for b in self._backends.values():
            b.add_graph(model, data_batch, **kwargs)

    @master_only
    def close(self) -> None:
        for b in self._backends.values():
            b.close()
