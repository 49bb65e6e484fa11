"""``mmcv.runner.optimizer``: the optimizer registries, builders and the default constructor."""
from compat.runner.optimizer.builder import (OPTIMIZER_BUILDERS, OPTIMIZERS, TORCH_OPTIMIZERS,
                                             build_optimizer, build_optimizer_constructor)
from compat.runner.optimizer.default_constructor import DefaultOptimizerConstructor

__all__ = ['OPTIMIZER_BUILDERS', 'OPTIMIZERS', 'TORCH_OPTIMIZERS', 'DefaultOptimizerConstructor',
           'build_optimizer', 'build_optimizer_constructor']
