"""Registries and ``build``: see :mod:`engine.registry.registry`."""
from engine.registry.registry import Registry, build_from_cfg
from engine.registry.root import (DATA_SAMPLERS, DATASETS, EVALUATOR, FUNCTIONS, HOOKS,
                                  LOG_PROCESSORS, LOOPS, METRICS, MODEL_WRAPPERS, MODELS,
                                  OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS, OPTIMIZERS,
                                  PARAM_SCHEDULERS, RUNNERS, TRANSFORMS, VISBACKENDS, VISUALIZERS,
                                  WEIGHT_INITIALIZERS)

__all__ = [
    'Registry', 'build_from_cfg', 'DATA_SAMPLERS', 'DATASETS', 'EVALUATOR', 'FUNCTIONS', 'HOOKS',
    'LOG_PROCESSORS', 'LOOPS', 'METRICS', 'MODEL_WRAPPERS', 'MODELS', 'OPTIM_WRAPPER_CONSTRUCTORS',
    'OPTIM_WRAPPERS', 'OPTIMIZERS', 'PARAM_SCHEDULERS', 'RUNNERS', 'TRANSFORMS', 'VISBACKENDS',
    'VISUALIZERS', 'WEIGHT_INITIALIZERS',
]
