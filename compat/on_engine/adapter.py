"""``LegacyModelAdapter``: a legacy-protocol model trained by the engine's loops.

The engine calls ``train_step(data, optim_wrapper)``; the adapter scatters the legacy batch as
``MMDataParallel`` did on the CPU (``DataContainer`` unwrapped), calls the legacy model's
``train_step(batch, optimizer)`` inside the wrapper's context, then
``optim_wrapper.update_params(loss)``: backward, clip, step and zero_grad, the same gradients
MMCV's ``OptimizerHook`` computed (its ``zero_grad`` came first, the engine's comes last; both
leave the next step to start from zero). Validation returns the legacy predictions
(``forward(return_loss=False)``), which :class:`~compat.on_engine.metric.LegacyDatasetMetric`
hands to the dataset's ``evaluate``.

Example: ``model = dict(type='LegacyModelAdapter', model=dict(type='LegacyToyClassifier'))``.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, Optional, Union

import torch
from torch import nn

from engine.errors import ConfigError
from engine.model.base_model import BaseModel
from engine.registry import MODELS

from compat.apis.builder import build_model
from compat.parallel.scatter import scatter_kwargs

__all__ = ['LegacyModelAdapter']

_CPU = [-1]
_WRAPPED = 'module.'


def _without_wrapper_prefix(module, state_dict, prefix, local_metadata):
    inner = prefix + _WRAPPED
    for key in [k for k in state_dict if k.startswith(inner)]:
        state_dict[prefix + key[len(inner):]] = state_dict.pop(key)
    return state_dict


def _with_wrapper_prefix(state_dict, prefix, local_metadata, strict, missing_keys,
                         unexpected_keys, error_msgs):
    own = (prefix + _WRAPPED, prefix + 'data_preprocessor.')
    for key in [k for k in state_dict if k.startswith(prefix) and not k.startswith(own)]:
        state_dict[prefix + _WRAPPED + key[len(prefix):]] = state_dict.pop(key)


@MODELS.register_module()
class LegacyModelAdapter(BaseModel):
    """Wrap ``model`` (a legacy model or its config, built from ``compat.apis.MODELS`` with the
    top-level ``train_cfg``/``test_cfg`` of the legacy config, as MMDet 2.x did)."""

    def __init__(self, model: Union[dict, nn.Module], train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None, data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if isinstance(model, dict):
            model = build_model(model, train_cfg=train_cfg, test_cfg=test_cfg)
        if not callable(getattr(model, 'train_step', None)):
            raise ConfigError(
                f'{type(model).__name__} has no train_step(data, optimizer): it is not a '
                'legacy-protocol model', key='model.model',
                fix='wrap only MMCV 1.x-style models; an MMEngine-style model goes in `model` '
                    'directly')
        self.module = model
        # the legacy model's own parameter names, in checkpoints both ways: a legacy checkpoint
        # loads as it is, and the engine's loader (which strips a leading 'module.', as
        # MMEngine's does) finds every key of a checkpoint the adapter wrote
        self._register_state_dict_hook(_without_wrapper_prefix)
        self._register_load_state_dict_pre_hook(_with_wrapper_prefix)

    def __getattr__(self, name: str) -> Any:
        # hooks converted from legacy code read the user's model through runner.model (e.g.
        # model.bbox_head.use_l1): what the adapter itself lacks comes from the legacy model
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == 'module':
                raise
            return getattr(super().__getattr__('module'), name)

    def init_weights(self) -> None:
        if hasattr(self.module, 'init_weights'):
            self.module.init_weights()

    @staticmethod
    def legacy_batch(data: Any) -> Any:
        """The batch as ``MMDataParallel`` handed it to the model on the CPU."""
        inputs, _ = scatter_kwargs((data,), {}, _CPU)
        return inputs[0][0]

    def forward(self, *args: Any, mode: str = 'tensor', **kwargs: Any) -> Any:
        if mode == 'loss':
            return self.module(*args, return_loss=True, **kwargs)
        if mode == 'predict':
            return self.module(*args, return_loss=False, **kwargs)
        return self.module(*args, **kwargs)

    def train_step(self, data: Any, optim_wrapper) -> Dict[str, torch.Tensor]:
        batch = self.legacy_batch(data)
        if callable(getattr(optim_wrapper, 'items', None)):
            # several optimizers (an OptimWrapperDict): as under MMCV, with no optimizer hook,
            # the legacy model zeroes, backpropagates and steps them itself
            optimizers = {name: wrapper.optimizer for name, wrapper in optim_wrapper.items()}
            outputs = self._checked(self.module.train_step(batch, optimizers))
        else:
            with optim_wrapper.optim_context(self):
                outputs = self._checked(self.module.train_step(batch, optim_wrapper.optimizer))
            optim_wrapper.update_params(outputs['loss'])
        return OrderedDict((k, v if isinstance(v, torch.Tensor) else torch.tensor(v))
                           for k, v in outputs.get('log_vars', {}).items())

    def _checked(self, outputs: Any) -> Dict[str, Any]:
        if not isinstance(outputs, dict) or 'loss' not in outputs:
            raise TypeError(f'{type(self.module).__name__}.train_step must return a dict with '
                            f'`loss`, `log_vars` and `num_samples`, got {type(outputs).__name__}')
        return outputs

    def val_step(self, data: Any) -> list:
        return list(self.module(return_loss=False, **self.legacy_batch(data)))

    def test_step(self, data: Any) -> list:
        return self.val_step(data)
