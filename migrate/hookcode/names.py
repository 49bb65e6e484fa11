"""Where each legacy name a hook module imports lives for each target.

``None`` means there is no new equivalent: the import stays as written and the rule that owns
the name (an LR updater, an optimizer hook, an eval hook, a runner) reports it.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

#: the legacy modules whose names a hook module imports (and their submodules)
LEGACY_MODULES = ('mmcv.runner', 'mmcv.parallel', 'mmcv.utils')

#: legacy name -> (new name, module per target); a rename is applied at every use
NEW_HOME: Dict[str, Tuple[str, Dict[str, str]]] = {
    'Hook': ('Hook', {'mmengine': 'mmengine.hooks', 'engine': 'engine.hooks'}),
    'HOOKS': ('HOOKS', {'mmengine': 'mmengine.registry', 'engine': 'engine.registry'}),
    'Priority': ('Priority', {'mmengine': 'mmengine.hooks.priority',
                              'engine': 'engine.hooks'}),
    'get_priority': ('get_priority', {'mmengine': 'mmengine.hooks.priority',
                                      'engine': 'engine.hooks'}),
    'get_dist_info': ('get_dist_info', {'mmengine': 'mmengine.dist', 'engine': 'engine.dist'}),
    'master_only': ('master_only', {'mmengine': 'mmengine.dist', 'engine': 'engine.dist'}),
    'is_module_wrapper': ('is_model_wrapper', {'mmengine': 'mmengine.model',
                                               'engine': 'engine.model'}),
    'print_log': ('print_log', {'mmengine': 'mmengine.logging'}),
    'CheckpointHook': ('CheckpointHook', {'mmengine': 'mmengine.hooks',
                                          'engine': 'engine.hooks'}),
}

#: names a converted body may need that no legacy import gave
ADDED: Dict[str, Dict[str, str]] = {
    'is_model_wrapper': {'mmengine': 'mmengine.model', 'engine': 'engine.model'},
    'unwrap_model': {'engine': 'engine.model'},
    # HK004: runner.optimizer tested as a dict of optimizers
    'OptimWrapperDict': {'mmengine': 'mmengine.optim', 'engine': 'engine.optim'},
    # HK013: a module-level registration of an LR updater's port
    'PARAM_SCHEDULERS': {'mmengine': 'mmengine.registry', 'engine': 'engine.registry'},
    # HK010's runner -> train loop ports
    'LOOPS': {'mmengine': 'mmengine.registry', 'engine': 'engine.registry'},
    'EpochBasedTrainLoop': {'mmengine': 'mmengine.runner', 'engine': 'engine.runner'},
    'IterBasedTrainLoop': {'mmengine': 'mmengine.runner', 'engine': 'engine.runner'},
    # HK009's eval hook ports (a plain hook, registered)
    'Hook': {'mmengine': 'mmengine.hooks', 'engine': 'engine.hooks'},
    'HOOKS': {'mmengine': 'mmengine.registry', 'engine': 'engine.registry'},
    # HK008's OptimizerHook ports
    'OptimWrapper': {'mmengine': 'mmengine.optim', 'engine': 'engine.optim'},
    'OPTIM_WRAPPERS': {'mmengine': 'mmengine.registry', 'engine': 'engine.registry'},
}

#: legacy framework classes a hook module subclasses, by the rule that reports them
LR_UPDATERS = ('LrUpdaterHook', 'StepLrUpdaterHook', 'ExpLrUpdaterHook', 'PolyLrUpdaterHook',
               'InvLrUpdaterHook', 'CosineAnnealingLrUpdaterHook', 'CyclicLrUpdaterHook',
               'FlatCosineAnnealingLrUpdaterHook', 'CosineRestartLrUpdaterHook',
               'OneCycleLrUpdaterHook', 'LinearAnnealingLrUpdaterHook', 'FixedLrUpdaterHook',
               'MomentumUpdaterHook', 'StepMomentumUpdaterHook',
               'CosineAnnealingMomentumUpdaterHook', 'CyclicMomentumUpdaterHook',
               'OneCycleMomentumUpdaterHook', 'LinearAnnealingMomentumUpdaterHook')
OPTIMIZER_HOOKS = ('OptimizerHook', 'Fp16OptimizerHook', 'GradientCumulativeOptimizerHook',
                   'GradientCumulativeFp16OptimizerHook')
EVAL_HOOKS = ('EvalHook', 'DistEvalHook')
RUNNERS = ('BaseRunner', 'EpochBasedRunner', 'IterBasedRunner', 'Runner')
LOGGER_HOOKS = ('LoggerHook', 'TextLoggerHook', 'TensorboardLoggerHook', 'WandbLoggerHook',
                'MlflowLoggerHook', 'PaviLoggerHook', 'NeptuneLoggerHook', 'DvcliveLoggerHook',
                'SegmindLoggerHook', 'ClearMLLoggerHook')
FRAMEWORK = LR_UPDATERS + OPTIMIZER_HOOKS + EVAL_HOOKS + RUNNERS + LOGGER_HOOKS


def new_home(name: str, target: str) -> Optional[Tuple[str, str]]:
    """(new name, module) of a legacy name for ``target``, or None if it has none."""
    entry = NEW_HOME.get(name)
    if entry is None or target not in entry[1]:
        return None
    return entry[0], entry[1][target]


def is_legacy_module(module: str) -> bool:
    return any(module == m or module.startswith(m + '.') for m in LEGACY_MODULES)
