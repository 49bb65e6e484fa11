"""``OptimWrapperDict``: named optimizer wrappers for models with several optimizers (GANs).

Same API as MMEngine's, except that :meth:`OptimWrapperDict.step` and
:meth:`OptimWrapperDict.initialize_count_status` fan out to every wrapper (MMEngine raises /
does nothing), which is what a runner driving a dict of wrappers needs.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Tuple

import torch
import torch.nn as nn

from engine.errors import BuildError
from engine.optim.optim_wrapper import OptimWrapper


class OptimWrapperDict(OptimWrapper):
    """A dict-like container of :class:`OptimWrapper` keyed by name.

    ``update_params``/``backward``/``optim_context`` are ambiguous for several optimizers and
    raise :class:`NotImplementedError`: call them on ``wrappers[name]``.

    Example:
        >>> wrappers = OptimWrapperDict(generator=gen_wrapper, discriminator=disc_wrapper)
        ...                                                        # doctest: +SKIP
        >>> wrappers['generator'].update_params(g_loss)            # doctest: +SKIP
    """

    # Deliberately skips OptimWrapper.__init__: the container owns no optimizer of its own.
    def __init__(self, **optim_wrappers: OptimWrapper):  # noqa: D107
        for name, wrapper in optim_wrappers.items():
            if not isinstance(wrapper, OptimWrapper):
                raise BuildError(f'OptimWrapperDict accepts OptimWrapper instances only, got '
                                 f'{name}={type(wrapper).__name__}', key=f'optim_wrapper.{name}',
                                 fix='build each entry with build_optim_wrapper first')
        self.optim_wrappers: Dict[str, OptimWrapper] = dict(optim_wrappers)

    # -- ambiguous for several optimizers ---------------------------------------------------------
    def update_params(self, loss: torch.Tensor, step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        raise NotImplementedError(
            'OptimWrapperDict.update_params is ambiguous: call update_params on each wrapper, '
            "e.g. optim_wrapper['generator'].update_params(loss)")

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        raise NotImplementedError(
            "OptimWrapperDict.backward is ambiguous: call optim_wrapper[name].backward(loss)")

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        raise NotImplementedError(
            'OptimWrapperDict.optim_context is ambiguous: use optim_wrapper[name].optim_context')
        yield  # pragma: no cover

    # -- fan out ----------------------------------------------------------------------------------
    def step(self, **kwargs) -> None:
        """Step every wrapper."""
        for wrapper in self.optim_wrappers.values():
            wrapper.step(**kwargs)

    def zero_grad(self, **kwargs) -> None:
        """Zero the gradients of every wrapper."""
        for wrapper in self.optim_wrappers.values():
            wrapper.zero_grad(**kwargs)

    def initialize_count_status(self, model: nn.Module, init_counts: int,
                                max_counts: int) -> None:
        """Initialize every wrapper's counters with the same model and counts."""
        for wrapper in self.optim_wrappers.values():
            wrapper.initialize_count_status(model, init_counts, max_counts)

    @property
    def last_grad_norm(self) -> Optional[float]:
        """Not meaningful for several optimizers: read ``wrappers[name].last_grad_norm``."""
        return None

    @last_grad_norm.setter
    def last_grad_norm(self, value) -> None:  # OptimWrapper code paths may assign it
        pass

    @property
    def param_groups(self) -> Dict[str, List[dict]]:  # type: ignore[override]
        """``{name: wrapper.param_groups}``."""
        return {name: w.param_groups for name, w in self.optim_wrappers.items()}

    @property
    def defaults(self) -> Dict[str, dict]:  # type: ignore[override]
        return {name: w.defaults for name, w in self.optim_wrappers.items()}

    def get_lr(self) -> Dict[str, List[float]]:
        """``{'<name>.lr': [...]}`` (and ``'<name>.base_lr'`` where present)."""
        res: Dict[str, List[float]] = {}
        for name, wrapper in self.optim_wrappers.items():
            lrs = wrapper.get_lr()
            if 'base_lr' in lrs:
                res[f'{name}.base_lr'] = lrs['base_lr']
            res[f'{name}.lr'] = lrs['lr']
        return res

    def get_momentum(self) -> Dict[str, List[float]]:
        """``{'<name>.momentum': [...]}``."""
        return {f'{name}.momentum': w.get_momentum()['momentum']
                for name, w in self.optim_wrappers.items()}

    def state_dict(self) -> dict:
        """``{name: wrapper.state_dict()}``."""
        return {name: w.state_dict() for name, w in self.optim_wrappers.items()}

    def load_state_dict(self, state_dict: dict) -> None:
        """Load each named state; a name this dict lacks is an error."""
        for name, state in state_dict.items():
            if name not in self.optim_wrappers:
                raise KeyError(f'optimizer state for {name!r} does not match any wrapper '
                               f'(have {sorted(self.optim_wrappers)})')
            self.optim_wrappers[name].load_state_dict(state)

    # -- dict protocol ----------------------------------------------------------------------------
    def items(self) -> Iterator[Tuple[str, OptimWrapper]]:
        yield from self.optim_wrappers.items()

    def keys(self) -> Iterator[str]:
        yield from self.optim_wrappers.keys()

    def values(self) -> Iterator[OptimWrapper]:
        yield from self.optim_wrappers.values()

    def __getitem__(self, name: str) -> OptimWrapper:
        if name not in self.optim_wrappers:
            raise KeyError(f'no optimizer wrapper named {name!r} (have '
                           f'{sorted(self.optim_wrappers)}); check the optim_wrapper constructor')
        return self.optim_wrappers[name]

    def __contains__(self, name: str) -> bool:
        return name in self.optim_wrappers

    def __len__(self) -> int:
        return len(self.optim_wrappers)

    def __repr__(self) -> str:
        return ''.join(f'name: {name}\n{w!r}' for name, w in self.optim_wrappers.items())
