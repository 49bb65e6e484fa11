"""A training engine with MMEngine's config model (optim_wrapper, param_scheduler, loops, hooks).

``import engine`` is light; :func:`register_all_modules` imports every module that registers
types, and is called by the builders and the CLI.
"""
from __future__ import annotations

import importlib

__version__ = '0.1.0'

_REGISTERING_PACKAGES = (
    'engine.optim',
    'engine.schedulers',
    'engine.hooks',
    'engine.model',
    'engine.dataset',
    'engine.evaluator',
    'engine.runner',
    'engine.logging',
    'engine.visualization',
    'engine.testing',
    'engine.checkpoint.pretrained_init',  # the Pretrained weight initialiser
)


def register_all_modules() -> None:
    """Import every engine package that registers types (idempotent)."""
    for name in _REGISTERING_PACKAGES:
        importlib.import_module(name)
