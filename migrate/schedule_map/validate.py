"""Check a converted ``param_scheduler`` list against MMEngine 0.10.7's own argument rules,
so that ``--target mmengine`` never writes something real MMEngine refuses (or crashes on)."""
from __future__ import annotations

from typing import Any, Dict, List

from engine.errors import ConfigError

#: Scheduler types of MMEngine 0.10.7 core that the mapping may write.
MMENGINE_TYPES = frozenset({
    'ConstantLR', 'LinearLR', 'StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR',
    'PolyLR', 'OneCycleLR', 'CosineRestartLR', 'ConstantMomentum', 'LinearMomentum',
    'StepMomentum', 'MultiStepMomentum', 'ExponentialMomentum', 'CosineAnnealingMomentum',
    'PolyMomentum', 'CosineRestartMomentum'})


def _unit(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def check_mmengine_list(schedulers: List[Dict[str, Any]]) -> None:
    """Raise ConfigError naming ``param_scheduler[i].<arg>`` for anything MMEngine rejects."""
    for i, s in enumerate(schedulers):
        kind = s['type']

        def bad(arg: str, why: str) -> ConfigError:
            return ConfigError(f'{kind} {arg} {why} (MMEngine 0.10.7 rejects it)',
                               key=f'param_scheduler[{i}].{arg}',
                               fix='this is a converter bug: report the legacy lr_config')

        if kind not in MMENGINE_TYPES:
            raise bad('type', 'is not an MMEngine scheduler')
        begin, end = s.get('begin', 0), s.get('end')
        if end is not None and end <= begin:
            raise bad('end', f'must be larger than begin ({begin}), got {end}')
        if s.get('convert_to_iter_based') and not s.get('by_epoch', True):
            raise bad('convert_to_iter_based', 'needs by_epoch=True')
        if kind.startswith('Linear'):
            for arg in ('start_factor', 'end_factor'):
                if not _unit(s.get(arg, 1.)):
                    raise bad(arg, f'must be in [0, 1], got {s.get(arg)!r}')
            if s.get('start_factor', 1 / 3) == 0:
                raise bad('start_factor', 'must be > 0 (MMEngine divides by it)')
        if kind.startswith('Constant'):
            if not _unit(s.get('factor', 1 / 3)) or s.get('factor') == 0:
                raise bad('factor', f'must be in (0, 1], got {s.get("factor")!r}')
        if kind.startswith(('CosineAnnealing', 'CosineRestart')):
            if ('eta_min' in s) == ('eta_min_ratio' in s) and kind.startswith('CosineRestart'):
                raise bad('eta_min', 'and eta_min_ratio: exactly one is required')
            if 'eta_min' in s and 'eta_min_ratio' in s:
                raise bad('eta_min', 'and eta_min_ratio: give one of them')
        if kind.startswith('CosineRestart') and \
                len(s['periods']) != len(s.get('restart_weights', [1])):
            raise bad('restart_weights', 'needs one weight per period')
        if kind == 'OneCycleLR':
            steps = s.get('total_steps')
            if not isinstance(steps, int) or isinstance(steps, bool) or steps <= 0:
                raise bad('total_steps', f'must be a positive int, got {steps!r}')
            if not isinstance(s.get('pct_start', 0.3), float):
                raise bad('pct_start', 'must be a float')
