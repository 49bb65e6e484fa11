"""Legacy (MMCV 1.x) hooks: the ``Hook`` base class and the ``HOOKS`` registry."""
from compat.runner.hooks.evaluation import DistEvalHook, EvalHook
from compat.runner.hooks.hook import HOOKS, Hook

__all__ = ['HOOKS', 'Hook', 'EvalHook', 'DistEvalHook']
