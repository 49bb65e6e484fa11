"""``BaseModel``: the train/val/test step protocol of MMEngine models."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn

from engine.model.base_module import BaseModule
from engine.model.data_preprocessor import BaseDataPreprocessor
from engine.registry import MODELS


class BaseModel(BaseModule):
    """A model that owns its data preprocessor and knows how to do one training step.

    Subclasses implement ``forward(inputs, data_samples=None, mode='tensor')`` with three modes:
    ``'loss'`` returns a dict of losses, ``'predict'`` a list of predictions, ``'tensor'`` raw
    outputs.

    Args:
        data_preprocessor: a module or a config dict (built from the model registry);
            defaults to :class:`BaseDataPreprocessor`.
        init_cfg: how :meth:`init_weights` initialises the weights (see
            :class:`~engine.model.BaseModule`); the runner calls it once before training.
    """

    def __init__(self, data_preprocessor: Union[dict, nn.Module, None] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None):
        super().__init__(init_cfg)
        if data_preprocessor is None:
            data_preprocessor = BaseDataPreprocessor()
        if isinstance(data_preprocessor, nn.Module):
            self.data_preprocessor = data_preprocessor
        elif isinstance(data_preprocessor, dict):
            self.data_preprocessor = MODELS.build(data_preprocessor)
        else:
            raise TypeError('data_preprocessor must be a module or a config dict, got '
                            f'{type(data_preprocessor).__name__}')

    def forward(self, inputs: torch.Tensor, data_samples: Optional[list] = None,
                mode: str = 'tensor') -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- steps ----------------------------------------------------------------------------------
    def train_step(self, data: Union[dict, tuple, list], optim_wrapper) -> Dict[str, torch.Tensor]:
        """Preprocess, forward in ``'loss'`` mode, sum the losses and update the parameters."""
        with optim_wrapper.optim_context(self):
            data = self.data_preprocessor(data, True)
            losses = self._run_forward(data, mode='loss')
        parsed_losses, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(parsed_losses)
        return log_vars

    def val_step(self, data: Union[dict, tuple, list]) -> list:
        data = self.data_preprocessor(data, False)
        return self._run_forward(data, mode='predict')

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        data = self.data_preprocessor(data, False)
        return self._run_forward(data, mode='predict')

    def parse_losses(self, losses: Dict[str, Any]) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Sum every entry whose key contains ``'loss'``; ``log_vars`` starts with the total.

        >>> m = BaseModel()
        >>> total, log = m.parse_losses({'loss_cls': torch.tensor([1., 3.]), 'acc': torch.tensor(.5)})
        >>> float(total), list(log)
        (2.0, ['loss', 'loss_cls', 'acc'])
        """
        log_vars = []
        for name, value in losses.items():
            if isinstance(value, torch.Tensor):
                # a 0-dim mean is the value itself: skipping it saves an autograd node per step
                log_vars.append((name, value if value.dim() == 0 else value.mean()))
            elif isinstance(value, (list, tuple)) and all(isinstance(v, torch.Tensor)
                                                          for v in value):
                log_vars.append((name, sum(v.mean() for v in value)))
            else:
                raise TypeError(f'{name} is not a tensor or a list of tensors '
                                f'(got {type(value).__name__}); forward(mode="loss") must '
                                'return a dict of tensors')
        terms = [v for k, v in log_vars if 'loss' in k]
        # sum() would start from the int 0 and add one more op (and autograd node) per step
        loss = terms[0] if len(terms) == 1 else sum(terms[1:], terms[0]) if terms else 0
        return loss, OrderedDict([('loss', loss)] + log_vars)

    def _run_forward(self, data: Union[dict, tuple, list], mode: str) -> Any:
        if isinstance(data, dict):
            return self(**data, mode=mode)
        if isinstance(data, (list, tuple)):
            return self(*data, mode=mode)
        raise TypeError('the data preprocessor must return a dict, tuple or list, got '
                        f'{type(data).__name__}')

    # -- device moves keep the preprocessor's device in step ----------------------------------
    def to(self, *args, **kwargs):
        device = torch._C._nn._parse_to(*args, **kwargs)[0]
        if device is not None and hasattr(self.data_preprocessor, '_device'):
            self.data_preprocessor._device = torch.device(device)
        return super().to(*args, **kwargs)

    def cuda(self, device=None):
        if hasattr(self.data_preprocessor, '_device'):
            self.data_preprocessor._device = torch.device(
                'cuda', torch.cuda.current_device() if device is None else device)
        return super().cuda(device)

    def cpu(self):
        if hasattr(self.data_preprocessor, '_device'):
            self.data_preprocessor._device = torch.device('cpu')
        return super().cpu()
