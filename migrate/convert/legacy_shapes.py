"""The kinds of value MMCV 1.x and the downstream train scripts accept for each legacy key.

Checked on the merged legacy view before any rule reads it, so a value MMCV itself could not
have run (``log_config = 7``: ``register_logger_hooks`` reads ``log_config['interval']``), a
value the reader could not compute (``auto_resume = os.environ.get(...)``) or a schedule number
that is not finite (``warmup_iters=1e999``) is an error naming the file, the key and the fix,
instead of a rule failing on it. Sources: mmcv/runner/base_runner.py
(``register_training_hooks`` and the ``register_*_hook`` methods it calls), MMDet 2.x
``mmdet/apis/train.py`` (``train_detector``: runner, optimizer, evaluation, resume/auto_resume,
workflow) and ``tools/train.py`` (seed, deterministic, gpu_ids, dist_params).
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

from engine.errors import ConfigError
from migrate.static.values import Opaque

_NONE = type(None)
_DICT = (dict, _NONE)
#: legacy key -> the Python types MMCV and the train scripts accept for it
ACCEPTED: Dict[str, Tuple[type, ...]] = {
    'optimizer': _DICT, 'optimizer_config': _DICT, 'fp16': _DICT, 'lr_config': _DICT,
    'momentum_config': _DICT, 'runner': _DICT, 'evaluation': _DICT,
    'checkpoint_config': _DICT, 'log_config': _DICT, 'dist_params': _DICT, 'data': _DICT,
    'total_epochs': (int, float, _NONE), 'workflow': (list, tuple),
    'resume_from': (str, _NONE), 'auto_resume': (bool, int, _NONE),
    'mp_start_method': (str, _NONE), 'opencv_num_threads': (int, _NONE),
    'cudnn_benchmark': (bool, int, _NONE), 'seed': (int, _NONE),
    'deterministic': (bool, int, _NONE), 'diff_seed': (bool, int, _NONE),
    'gpu_ids': (list, tuple, range, int, _NONE), 'device': (str, _NONE),
}
#: (legacy key, sub-key) -> the types MMCV accepts there: register_logger_hooks iterates
#: log_config['hooks'] (mmcv/runner/base_runner.py)
ACCEPTED_ITEMS: Dict[Tuple[str, str], Tuple[type, ...]] = {
    ('log_config', 'hooks'): (list, tuple, _NONE),
}
#: keys whose numbers become schedule lengths, steps and intervals
_NUMERIC = ('lr_config', 'momentum_config', 'runner', 'total_epochs', 'optimizer',
            'optimizer_config', 'evaluation', 'checkpoint_config', 'log_config', 'fp16')


def check_legacy_shapes(view: Dict[str, Any], file: str) -> None:
    """Raise :class:`ConfigError` for the first legacy key of ``view`` whose value MMCV could
    not have used, or that cannot be read statically."""
    for key, accepted in ACCEPTED.items():
        if key not in view:
            continue
        value = view[key]
        if isinstance(value, Opaque):
            raise ConfigError(
                f'its value cannot be computed statically ({value.code}), so the converter '
                'cannot tell what it means', file=file, key=key,
                fix=f'write {key} as a literal value (or convert this key by hand)')
        if not isinstance(value, accepted):
            names = ' or '.join('None' if t is _NONE else t.__name__ for t in accepted)
            kind = type(value).__name__
            article = 'an' if kind[0] in 'aeiou' else 'a'
            raise ConfigError(f'{key} is {article} {kind} ({value!r:.60}), but MMCV '
                              f'reads a {names} here', file=file, key=key,
                              fix=f'write {key} as a {names}, as MMCV 1.x expects')
        _check_items(key, value, file)
        if key in _NUMERIC:
            where = _non_finite(value, key)
            if where is not None:
                raise ConfigError(f'{where[1]!r} is not a finite number, which no schedule, '
                                  'interval or scale can use', file=file, key=where[0],
                                  fix='write a finite number')


def _check_items(key: str, value: Any, file: str) -> None:
    for (owner, sub), accepted in ACCEPTED_ITEMS.items():
        if owner != key or not isinstance(value, dict) or sub not in value:
            continue
        item = value[sub]
        if not isinstance(item, accepted):
            names = ' or '.join('None' if t is _NONE else t.__name__ for t in accepted)
            raise ConfigError(f'{key}.{sub} is {type(item).__name__} ({item!r:.60}), but MMCV '
                              f'iterates a {names} here', file=file, key=f'{key}.{sub}',
                              fix=f'write {key}.{sub} as a list of hook dicts')


def _non_finite(value: Any, path: str) -> Optional[Tuple[str, float]]:
    if isinstance(value, float):
        return (path, value) if not math.isfinite(value) else None
    if isinstance(value, dict):
        items = ((f'{path}.{k}', v) for k, v in value.items())
    elif isinstance(value, (list, tuple)):
        items = ((f'{path}[{i}]', v) for i, v in enumerate(value))
    else:
        return None
    for sub, item in items:
        found = _non_finite(item, sub)
        if found is not None:
            return found
    return None
