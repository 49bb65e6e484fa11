"""MMCV 1.7.2's ``PaviLoggerHook``: scalars and checkpoints to PAVI (SenseTime's internal
service); the ``pavi`` package is imported in ``before_run``."""
from __future__ import annotations

import json
import os
import os.path as osp
import warnings
from typing import Dict, Optional

import yaml

from compat.parallel.data_parallel import is_module_wrapper
from compat.runner.dist_utils import master_only
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.logger.base import LoggerHook
from compat.utils.config import Config
from compat.utils.json_handler import json_default


@HOOKS.register_module()
class PaviLoggerHook(LoggerHook):
    """``pavi.SummaryWriter(**init_kwargs)`` before the run (``name`` defaults to the
    ``work_dir``'s last part, ``model`` to the model's class name, ``session_text`` to the
    YAML of ``meta['config_dict']`` or of the ``meta['config_file']`` config, with
    ``max_iter`` set); at each log ``add_scalars(mode, tags, step)`` (tags without the
    ``mode/`` prefix; the step is the epoch for a by-epoch val log); checkpoints by
    ``add_ckpt_kwargs`` (active, start, interval) and ``add_last_ckpt`` as snapshot files.

    ``add_graph_kwargs=dict(active=True)`` (or the deprecated ``add_graph``) fails: MMCV's
    graph export scatters a batch to the model's CUDA device, which compat does not do.
    """

    def __init__(self, init_kwargs: Optional[Dict] = None, add_graph: Optional[bool] = None,
                 img_key: Optional[str] = None, add_last_ckpt: bool = False,
                 interval: int = 10, ignore_last: bool = True, reset_flag: bool = False,
                 by_epoch: bool = True, add_graph_kwargs: Optional[Dict] = None,
                 add_ckpt_kwargs: Optional[Dict] = None) -> None:
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.init_kwargs = init_kwargs
        graph = {} if add_graph_kwargs is None else add_graph_kwargs
        self.add_graph = graph.get('active', False)
        self.add_graph_start = graph.get('start', 0)
        self.add_graph_interval = graph.get('interval', 1)
        self.img_key = graph.get('img_key', 'img')
        self.opset_version = graph.get('opset_version', 11)
        self.dummy_forward_kwargs = graph.get('dummy_forward_kwargs', {})
        if add_graph is not None:
            warnings.warn('"add_graph" is deprecated in `PaviLoggerHook`, please use the key '
                          '"active" of add_graph_kwargs instead', DeprecationWarning)
            self.add_graph = add_graph
        if img_key is not None:
            warnings.warn('"img_key" is deprecated in `PaviLoggerHook`, please use the key '
                          '"img_key" of add_graph_kwargs instead', DeprecationWarning)
            self.img_key = img_key
        ckpt = {} if add_ckpt_kwargs is None else add_ckpt_kwargs
        self.add_ckpt = ckpt.get('active', False)
        self.add_last_ckpt = add_last_ckpt
        self.add_ckpt_start = ckpt.get('start', 0)
        self.add_ckpt_interval = ckpt.get('interval', 1)

    @master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        try:
            from pavi import SummaryWriter
        except ImportError as err:
            raise ImportError("PaviLoggerHook needs the 'pavi' package (SenseTime's internal "
                              'PAVI SDK, not on PyPI): ask the PAVI team for it, or remove the '
                              'hook from log_config.hooks') from err
        self.run_name = runner.work_dir.split('/')[-1]
        if not self.init_kwargs:
            self.init_kwargs = dict()
        self.init_kwargs.setdefault('name', self.run_name)
        self.init_kwargs.setdefault('model', runner._model_name)
        config_dict = self._config_dict(runner.meta)
        if config_dict is not None:
            # pavi reads max_.*iter as the length of its progress bar
            config_dict = config_dict.copy()
            config_dict.setdefault('max_iter', runner.max_iters)
            # through JSON as mmcv.dump, so tuples, sets and numpy values become plain YAML
            config_dict = json.loads(json.dumps(config_dict, default=json_default))
            self.init_kwargs.setdefault('session_text', yaml.dump(config_dict))
        self.writer = SummaryWriter(**self.init_kwargs)

    @staticmethod
    def _config_dict(meta: Optional[dict]) -> Optional[dict]:
        if meta is None:
            return None
        if 'config_dict' in meta:
            config_dict = meta['config_dict']
            if not isinstance(config_dict, dict):
                raise AssertionError('PaviLoggerHook: meta["config_dict"] has to be a dict, '
                                     f'but got {type(config_dict)}')
            return config_dict
        if 'config_file' in meta:
            return dict(Config.fromfile(meta['config_file']))
        return None

    def get_step(self, runner) -> int:
        """The epoch for a by-epoch val log, else the iteration (1-based)."""
        if self.get_mode(runner) == 'val' and self.by_epoch:
            return self.get_epoch(runner)
        return self.get_iter(runner)

    def _add_ckpt(self, runner, ckpt_path: str, step: int) -> None:
        if osp.islink(ckpt_path):
            ckpt_path = osp.join(runner.work_dir, os.readlink(ckpt_path))
        if osp.isfile(ckpt_path):
            self.writer.add_snapshot_file(tag=self.run_name, snapshot_file_path=ckpt_path,
                                          iteration=step)

    def _add_graph(self, runner, step: int) -> None:
        model = runner.model.module if is_module_wrapper(runner.model) else runner.model
        device = next(model.parameters()).device
        if device.index is None:
            raise ValueError('PaviLoggerHook: add_graph_kwargs.active=True exports the model '
                             'graph from a batch scattered to its CUDA device; the model is on '
                             f'{device} (MMCV 1.7.2 raises ValueError in scatter too); set '
                             'add_graph_kwargs=dict(active=False)')
        raise NotImplementedError('PaviLoggerHook: add_graph_kwargs.active=True needs MMCV\'s '
                                  'CUDA scatter, which compat does not provide; set '
                                  'add_graph_kwargs=dict(active=False)')

    @master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner, add_mode=False)
        if tags:
            self.writer.add_scalars(self.get_mode(runner), tags, self.get_step(runner))

    @master_only
    def after_run(self, runner) -> None:
        if self.add_last_ckpt:
            # the runner's counters are already past the last epoch/iteration: 1-based here
            step = runner.epoch if self.by_epoch else runner.iter
            self._add_ckpt(runner, osp.join(runner.work_dir, 'latest.pth'), step)
        self.writer.close()

    def _due(self, active: bool, start: int, interval: int, step: int) -> bool:
        return active and step >= start and (step - start) % interval == 0

    @master_only
    def before_train_epoch(self, runner) -> None:
        super().before_train_epoch(runner)
        if not self.by_epoch:
            return
        step = self.get_epoch(runner)
        if self._due(self.add_graph, self.add_graph_start, self.add_graph_interval, step):
            self._add_graph(runner, step)

    @master_only
    def before_train_iter(self, runner) -> None:
        super().before_train_iter(runner)
        if self.by_epoch:
            return
        step = self.get_iter(runner)
        if self._due(self.add_graph, self.add_graph_start, self.add_graph_interval, step):
            self._add_graph(runner, step)

    @master_only
    def after_train_epoch(self, runner) -> None:
        super().after_train_epoch(runner)
        if not self.by_epoch:
            return
        step = self.get_epoch(runner)
        if self._due(self.add_ckpt, self.add_ckpt_start, self.add_ckpt_interval, step):
            self._add_ckpt(runner, osp.join(runner.work_dir, f'epoch_{step}.pth'), step)

    @master_only
    def after_train_iter(self, runner) -> None:
        super().after_train_iter(runner)
        if self.by_epoch:
            return
        step = self.get_iter(runner)
        if self._due(self.add_ckpt, self.add_ckpt_start, self.add_ckpt_interval, step):
            self._add_ckpt(runner, osp.join(runner.work_dir, f'iter_{step}.pth'), step)
