"""Recognise a config that is new-style already (converted, or written for MMEngine).

Verify compares a legacy config with its conversion; given a converted file it would
otherwise fail on a missing ``runner``, which hides the real mistake.
"""
from __future__ import annotations

from typing import Any, Mapping

from engine.errors import ConfigError

#: Legacy keys that make a file a schedule verify can start from.
LEGACY_SCHEDULE_KEYS = ('optimizer', 'lr_config', 'momentum_config', 'runner', 'total_epochs')
#: Keys only the new schema has (``train_cfg`` is not one: MMDet 2.x had a top-level model
#: ``train_cfg``, see mmdet/models/builder.py ``build_detector``).
NEW_SCHEDULE_KEYS = ('optim_wrapper', 'param_scheduler')


class NewStyleConfigError(ConfigError):
    """The file given to verify is a new-style config, not a legacy one."""


def refuse_new_style(merged: Mapping[str, Any], *, file: str) -> None:
    """Raise :class:`NewStyleConfigError` when ``merged`` has new schedule keys and no legacy
    ones."""
    new = [k for k in NEW_SCHEDULE_KEYS if k in merged]
    if not new or any(k in merged for k in LEGACY_SCHEDULE_KEYS):
        return
    raise NewStyleConfigError(
        f'this is a new-style (MMEngine) config already: it has {" and ".join(new)} and none '
        f'of the legacy keys ({", ".join(LEGACY_SCHEDULE_KEYS)}); verify compares a legacy '
        'MMCV 1.x config with its conversion', file=file, key=new[0],
        fix='pass the legacy config it was converted from (migrate verify LEGACY_CFG '
            '--schedule-only); to run this one, use migrate train')
