"""Model wrappers (DDP with the train/val/test step protocol) and how to see through them."""
from __future__ import annotations

import logging
from typing import Any, Dict, Union

import torch
import torch.nn as nn
from torch.nn.parallel import DataParallel, DistributedDataParallel

from engine.registry import MODEL_WRAPPERS

logger = logging.getLogger('engine')

MODEL_WRAPPERS.register_module(module=DistributedDataParallel)
MODEL_WRAPPERS.register_module(module=DataParallel)


@MODEL_WRAPPERS.register_module()
class MMDistributedDataParallel(DistributedDataParallel):
    """``DistributedDataParallel`` that also speaks the step protocol of :class:`BaseModel`.

    ``train_step`` runs the forward pass *through* DDP (so gradients are all-reduced, i.e.
    averaged over ranks, during ``backward``) and then steps the optimizer wrapper; with a mean
    loss per rank, W ranks of batch B give the gradient of one batch of W*B samples.
    ``val_step``/``test_step`` call the inner model directly (no gradient, no sync).

    Args:
        module: the model to wrap (a :class:`BaseModel`).
        detect_anomalous_params: after each backward, log parameters that took no part in the
            loss (the usual cause of DDP's "expected to have finished reduction" error).
        **kwargs: passed to ``DistributedDataParallel`` (``find_unused_parameters``,
            ``broadcast_buffers``, ``device_ids``...).
    """

    def __init__(self, module: nn.Module, detect_anomalous_params: bool = False, **kwargs):
        super().__init__(module=module, **kwargs)
        self.detect_anomalous_params = detect_anomalous_params

    def train_step(self, data: Union[dict, tuple, list], optim_wrapper) -> Dict[str, torch.Tensor]:
        with optim_wrapper.optim_context(self):
            data = self.module.data_preprocessor(data, training=True)
            losses = self._run_forward(data, mode='loss')
        parsed_loss, log_vars = self.module.parse_losses(losses)
        optim_wrapper.update_params(parsed_loss)
        if self.detect_anomalous_params:
            log_anomalous_params(parsed_loss, self)
        return log_vars

    def val_step(self, data: Union[dict, tuple, list]) -> list:
        return self.module.val_step(data)

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        return self.module.test_step(data)

    def _run_forward(self, data: Union[dict, tuple, list], mode: str) -> Any:
        if isinstance(data, dict):
            return self(**data, mode=mode)
        if isinstance(data, (list, tuple)):
            return self(*data, mode=mode)
        raise TypeError('the data preprocessor must return a dict, tuple or list, got '
                        f'{type(data).__name__}')


def log_anomalous_params(loss: torch.Tensor, model: nn.Module) -> list:
    """Names of trainable parameters that ``loss`` does not depend on (each one is logged)."""
    reached, seen, stack = set(), set(), [getattr(loss, 'grad_fn', None)]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        if hasattr(fn, 'variable'):  # an AccumulateGrad node: a leaf parameter
            reached.add(id(fn.variable))
        stack.extend(next_fn for next_fn, _ in fn.next_functions)
    unused = [name for name, p in model.named_parameters()
              if p.requires_grad and id(p) not in reached]
    for name in unused:
        logger.error('%s (parameter) does not take part in the loss: set '
                     'find_unused_parameters=True or stop it requiring grad', name)
    return unused


def is_model_wrapper(model: nn.Module) -> bool:
    """Whether ``model`` is an instance of a class registered in ``MODEL_WRAPPERS``."""
    classes = tuple(cls for cls in MODEL_WRAPPERS.module_dict.values() if isinstance(cls, type))
    return isinstance(model, classes)


def unwrap_model(model: nn.Module) -> nn.Module:
    """Return the user's model inside DDP/DP wrappers."""
    while is_model_wrapper(model) and hasattr(model, 'module'):
        model = model.module
    return model
