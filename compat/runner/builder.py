"""MMCV 1.7.2's ``RUNNERS``/``RUNNER_BUILDERS`` registries and ``build_runner``.

``build_runner(cfg, default_args)`` pops ``constructor`` (default
``'DefaultRunnerConstructor'``) from a copy of ``cfg``, builds that constructor from
``RUNNER_BUILDERS`` and calls it; the default one builds ``cfg`` from ``RUNNERS`` with
``default_args`` (``model``, ``optimizer``, ``work_dir``, ``logger``, ``meta``, as MMDet 2.x
``mmdet/apis/train.py`` passes them).
"""
from __future__ import annotations

import copy
from typing import Optional

from compat.runner.epoch_based_runner import EpochBasedRunner, Runner
from compat.runner.iter_based_runner import IterBasedRunner
from compat.utils.registry import Registry

__all__ = ['RUNNERS', 'RUNNER_BUILDERS', 'DefaultRunnerConstructor', 'build_runner',
           'build_runner_constructor']

RUNNERS = Registry('runner')
RUNNER_BUILDERS = Registry('runner builder')

for _runner in (EpochBasedRunner, Runner, IterBasedRunner):
    RUNNERS.register_module(module=_runner)


@RUNNER_BUILDERS.register_module()
class DefaultRunnerConstructor:
    """Builds ``runner_cfg`` from ``RUNNERS``; subclass it to customise runner building."""

    def __init__(self, runner_cfg: dict, default_args: Optional[dict] = None):
        if not isinstance(runner_cfg, dict):
            # MMCV passed two arguments to TypeError here; one readable message instead
            raise TypeError(f'runner_cfg should be a dict, but got {type(runner_cfg)}')
        self.runner_cfg = runner_cfg
        self.default_args = default_args

    def __call__(self):
        return RUNNERS.build(self.runner_cfg, default_args=self.default_args)


def build_runner_constructor(cfg: dict):
    return RUNNER_BUILDERS.build(cfg)


def build_runner(cfg: dict, default_args: Optional[dict] = None):
    """Build the runner of ``cfg`` (e.g. ``dict(type='EpochBasedRunner', max_epochs=12)``)."""
    runner_cfg = copy.deepcopy(cfg)
    constructor_type = runner_cfg.pop('constructor', 'DefaultRunnerConstructor')
    constructor = build_runner_constructor(
        dict(type=constructor_type, runner_cfg=runner_cfg, default_args=default_args))
    return constructor()
