"""The stepping base class of every parameter scheduler (MMEngine 0.10.7 semantics).

A scheduler owns a step range ``[begin, end)``. Each :meth:`ParamScheduler.step` advances a
global counter; inside the range it also advances ``last_step`` (so ``last_step`` counts from
``begin``) and writes the family's *chainable* update into ``group[param_name]`` of every param
group. Outside the range the value is left untouched. Several schedulers on one parameter, run
in list order, therefore compose exactly like MMEngine's: overlapping ranges multiply.

The constructor steps once, so the value for step 0 is in place as soon as the scheduler exists;
the runner then steps after each iteration (or epoch), and the value used by iteration ``i`` is
the one written by the ``i``-th step.
"""
from __future__ import annotations

import copy
import logging
from typing import Any, Dict, List, Tuple

from engine.errors import BuildError
from engine.schedulers.checks import is_number, param_groups_of, scheduler_failure

INF = int(1e9)

logger = logging.getLogger('engine.schedulers')


class ParamScheduler:
    """Base class: schedule ``param_name`` of every param group of ``optimizer``.

    Args:
        optimizer: a torch Optimizer, or any object with ``param_groups`` (a list of dicts).
        param_name: the key to schedule in each group, e.g. ``'lr'``, ``'weight_decay'``.
        begin: first step (inclusive) at which the scheduler updates the value.
        end: step (exclusive) at which it stops; ``INF`` (1e9) means never.
        last_step: ``-1`` for a fresh start; a larger value resumes without a state dict (the
            groups must then already hold ``initial_<param_name>``).
        by_epoch: stepped after every epoch (True) or after every iteration (False).
        verbose: log every value written.

    Subclasses implement :meth:`_next_values` (the chainable rule) and list the attributes that
    make up their state in ``_state_attrs``.
    """

    #: ReduceOnPlateau schedulers set this: the hook steps them with validation metrics.
    need_val_args = False
    #: Saved by :meth:`state_dict`. Arguments are saved too: MMEngine restores a scheduler's
    #: arguments on resume, so a config edited after a checkpoint does not change the schedule.
    _state_attrs: Tuple[str, ...] = ('param_name', 'begin', 'end', 'by_epoch', 'verbose',
                                     'last_step', '_global_step', 'base_values', '_last_value')
    #: Arguments counted in steps, multiplied by ``epoch_length`` in :meth:`build_iter_from_epoch`.
    _epoch_unit_args: Tuple[str, ...] = ()

    def __init__(self, optimizer: Any, param_name: str, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        self._attach(optimizer, param_name, begin, end, last_step, by_epoch, verbose)
        self._global_step = -1
        self.step()

    # -- construction ---------------------------------------------------------------------------
    def _attach(self, optimizer: Any, param_name: str, begin: int, end: int, last_step: int,
                by_epoch: bool, verbose: bool) -> None:
        """Check the common arguments, record ``initial_<param>`` and the base values."""
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        groups = param_groups_of(owner, optimizer)
        if not isinstance(param_name, str) or not param_name:
            raise fail('param_name', f'must be a non-empty string, got {param_name!r}')
        for arg, value in (('begin', begin), ('end', end)):
            if not is_number(value):
                raise fail(arg, f'must be a number of steps, got {value!r}')
        if end <= begin:
            raise fail('end', f'must be larger than begin, got begin={begin}, end={end}',
                       fix='widen the range or drop the scheduler')
        if not isinstance(last_step, int) or isinstance(last_step, bool) or last_step < -1:
            raise fail('last_step', f'must be an int >= -1, got {last_step!r}')
        missing = [i for i, g in enumerate(groups) if param_name not in g]
        if missing:
            keys = sorted(k for k in groups[missing[0]] if k != 'params')
            raise fail('param_name', f'{param_name!r} is not a key of param group '
                       f'{missing[0]} (keys: {keys})',
                       fix='schedule a hyper-parameter that the optimizer has')
        initial = f'initial_{param_name}'
        if last_step == -1:
            for group in groups:
                group.setdefault(initial, group[param_name])
        else:
            for i, group in enumerate(groups):
                if initial not in group:
                    raise fail('last_step', f'is {last_step} (resuming) but param group {i} '
                               f"has no '{initial}'",
                               fix='resume from a state dict, or start with last_step=-1')
        self.optimizer = optimizer
        self.param_name = param_name
        self.begin = begin
        self.end = end
        self.by_epoch = by_epoch
        self.verbose = verbose
        self.last_step = last_step
        self.base_values = [group[initial] for group in groups]

    @classmethod
    def build_iter_from_epoch(cls, *args: Any, begin: int = 0, end: int = INF,
                              by_epoch: bool = True, epoch_length: int = None,
                              **kwargs: Any) -> 'ParamScheduler':
        """Build an iteration-based scheduler from epoch-based arguments.

        ``begin``/``end`` become ``int(x * epoch_length)`` (``end`` stays INF), and the
        arguments named in ``_epoch_unit_args`` are multiplied by ``epoch_length``.
        """
        owner = cls.__name__
        fail = scheduler_failure(owner)
        if not by_epoch:
            raise fail('convert_to_iter_based',
                       'needs by_epoch=True (only epoch-based schedulers can be converted)',
                       fix='drop convert_to_iter_based or set by_epoch=True')
        if not isinstance(epoch_length, int) or isinstance(epoch_length, bool) or epoch_length <= 0:
            raise fail('convert_to_iter_based',
                       f'needs a positive integer epoch_length, got {epoch_length!r}',
                       fix='build the schedulers with the train dataloader length')
        for name in cls._epoch_unit_args:
            value = kwargs.get(name)
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                kwargs[name] = [v * epoch_length for v in value]
            else:
                kwargs[name] = value * epoch_length
        begin = int(begin * epoch_length)
        if end != INF:
            end = int(end * epoch_length)
        return cls(*args, begin=begin, end=end, by_epoch=False, **kwargs)

    # -- stepping -------------------------------------------------------------------------------
    @property
    def param_groups(self) -> list:
        # Read through every time: a wrapper may rebuild the list (e.g. add its base group).
        return self.optimizer.param_groups

    def _get_value(self) -> List[float]:
        """The new value of every param group at ``self.last_step`` (chainable form)."""
        name = self.param_name
        return self._next_values([group[name] for group in self.param_groups])

    def _next_values(self, current: List[float]) -> List[float]:
        """The chainable rule on plain numbers: the new value of each param group at
        ``self.last_step`` given the values the groups hold now (``current``). Subclasses
        implement this; it does not read the groups' current values, so a replay can run it
        on a list of floats."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one step; inside ``[begin, end)`` write the scheduled values."""
        self._global_step += 1
        groups, name = self.param_groups, self.param_name
        if self.begin <= self._global_step < self.end:
            self.last_step += 1
            values = self._get_value()
            for group, value in zip(groups, values):
                group[name] = value
            if self.verbose:
                for i, value in enumerate(values):
                    self._log_value(i, value)
            if len(values) == len(groups):
                self._last_value = values   # what the groups now hold
                return
        self._last_value = [group[name] for group in groups]

    def get_last_value(self) -> List[float]:
        """The values of every group after the last step."""
        return self._last_value

    def _log_value(self, group: int, value: float) -> None:
        if self.verbose:
            logger.info('Adjusting parameter value of group %d to %.4e.', group, value)

    # -- state ----------------------------------------------------------------------------------
    @classmethod
    def _state_names(cls) -> List[str]:
        names: List[str] = []
        for klass in reversed(cls.__mro__):
            for name in klass.__dict__.get('_state_attrs', ()):
                if name not in names:
                    names.append(name)
        return names

    def state_dict(self) -> Dict[str, Any]:
        """The scheduler's state: the attributes listed in ``_state_attrs`` along the MRO."""
        return {name: copy.deepcopy(getattr(self, name)) for name in self._state_names()
                if hasattr(self, name)}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`. Keys we do not track (an MMEngine checkpoint also
        saves, e.g., bound methods) are ignored."""
        if not isinstance(state_dict, dict):
            raise BuildError(f'{type(self).__name__} state must be a dict, '
                             f'got {type(state_dict).__name__}')
        for name in self._state_names():
            if name in state_dict:
                setattr(self, name, copy.deepcopy(state_dict[name]))

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(param_name={self.param_name!r}, begin={self.begin}, '
                f'end={self.end}, by_epoch={self.by_epoch}, last_step={self.last_step})')
