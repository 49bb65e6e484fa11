"""The param groups a schedule-only verify replays: one per distinct lr multiplier of
``paramwise_cfg``.

Without the model verify cannot know which parameter (hence which group) comes first, so it
replays one group at ``optimizer.lr`` and one more per distinct lr that the default optimizer
constructors give some parameters: ``custom_keys[k].lr_mult``, ``bias_lr_mult`` and
``dcn_offset_lr_mult``, each ``base_lr * multiplier``, the product MMCV 1.7.2's
``DefaultOptimizerConstructor.add_params`` and MMEngine 0.10.7's
``DefaultOptimWrapperConstructor.add_params`` compute. A schedule is not always proportional to
the lr it starts from (an absolute ``min_lr``/``eta_min`` is not), so every group is compared.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Mapping, Optional

from engine.errors import ConfigError

#: The constructors whose lr multipliers are modelled here (MMCV's and MMEngine's defaults).
DEFAULT_CONSTRUCTORS = ('DefaultOptimizerConstructor', 'DefaultOptimWrapperConstructor')


@dataclass(frozen=True)
class LrGroup:
    """One replayed group: where its multiplier comes from, and the multiplier."""

    label: str
    lr_mult: float


def lr_groups(paramwise_cfg: Any, *, key: str = 'paramwise_cfg',
              file: Optional[str] = None) -> List[LrGroup]:
    """The group at the base lr, then one per distinct other lr multiplier, by increasing
    multiplier (so both sides line up whatever order their configs name them in); each
    labelled by the first key giving it in MMCV's order of matching (custom keys by
    decreasing length, then alphabetically; then bias, dcn). A multiplier that is not a
    number is refused (``key`` and ``file`` name it): both constructors would fail on it."""
    groups = [LrGroup('optimizer.lr', 1.0)]
    if not isinstance(paramwise_cfg, Mapping):
        return groups
    candidates = []
    custom = paramwise_cfg.get('custom_keys')
    if isinstance(custom, Mapping):
        for name in sorted(sorted(custom), key=len, reverse=True):
            options = custom[name]
            if isinstance(options, Mapping) and 'lr_mult' in options:
                candidates.append((f'custom_keys[{name!r}].lr_mult', options['lr_mult']))
    for name in ('bias_lr_mult', 'dcn_offset_lr_mult'):
        if name in paramwise_cfg:
            candidates.append((name, paramwise_cfg[name]))
    seen = {1.0}
    for label, mult in candidates:
        if not isinstance(mult, (int, float)) or isinstance(mult, bool):
            raise ConfigError(f'the lr multiplier is {mult!r}, not a number', file=file,
                              key=f'{key}.{label}', fix='write the multiplier as a number')
        if mult not in seen:
            seen.add(mult)
            groups.append(LrGroup(label, float(mult)))
    return groups[:1] + sorted(groups[1:], key=lambda g: g.lr_mult)


def custom_constructor(optimizer_or_wrapper: Any) -> Optional[str]:
    """The name of a non-default ``constructor`` (its groups are its own), else None."""
    if not isinstance(optimizer_or_wrapper, Mapping):
        return None
    name = optimizer_or_wrapper.get('constructor')
    return None if name is None or name in DEFAULT_CONSTRUCTORS else str(name)


def lr_mult_paths(paramwise_cfg: Any, prefix: tuple) -> List[tuple]:
    """Key paths (under ``prefix``) of every lr multiplier in ``paramwise_cfg``: what must be
    known for :func:`lr_groups` to be complete."""
    if not isinstance(paramwise_cfg, Mapping):
        return [prefix]
    custom = paramwise_cfg.get('custom_keys')
    if isinstance(custom, Mapping) and all(isinstance(key, str) for key in custom):
        paths = [prefix + ('custom_keys', key, 'lr_mult') for key in custom]
    else:
        paths = [prefix + ('custom_keys',)]
    return paths + [prefix + (name,) for name in ('bias_lr_mult', 'dcn_offset_lr_mult')]
