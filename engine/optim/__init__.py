"""Optimizers, optimizer wrappers and their constructors (MMEngine's ``optim_wrapper`` model).

Importing this package registers every ``torch.optim`` optimizer, ``LARS``, the wrappers and the
constructors.
"""
from engine.optim.amp_optim_wrapper import AmpOptimWrapper
from engine.optim.builder import build_optim_wrapper
from engine.optim.default_constructor import DefaultOptimWrapperConstructor
from engine.optim.lars import LARS
from engine.optim.layer_decay_constructor import (LayerDecayOptimWrapperConstructor,
                                                  MultiOptimWrapperConstructor,
                                                  layer_id_from_name)
from engine.optim.optim_wrapper import OptimWrapper
from engine.optim.optim_wrapper_dict import OptimWrapperDict
from engine.optim.optimizers import TORCH_OPTIMIZERS, register_torch_optimizers

LearningRateDecayOptimWrapperConstructor = LayerDecayOptimWrapperConstructor

__all__ = [
    'AmpOptimWrapper', 'DefaultOptimWrapperConstructor', 'LARS',
    'LayerDecayOptimWrapperConstructor', 'LearningRateDecayOptimWrapperConstructor',
    'MultiOptimWrapperConstructor', 'OptimWrapper', 'OptimWrapperDict', 'TORCH_OPTIMIZERS',
    'build_optim_wrapper', 'layer_id_from_name', 'register_torch_optimizers',
]
