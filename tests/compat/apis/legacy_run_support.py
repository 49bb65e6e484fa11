"""Running the legacy-run fixtures on compat the way the MMCV recorder runs them, and
comparing two observed runs (see scripts/oracle/legacy_run_harness.py)."""
from __future__ import annotations

import math
import os
import shutil
import sys
from typing import Any, Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
RUNS = os.path.join(ROOT, 'fixtures', 'legacy_runs')
GOLDENS = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_runs')
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
import legacy_run_harness as harness  # noqa: E402

from compat.apis import train_legacy_config  # noqa: E402
from compat.runner import HOOKS, Hook  # noqa: E402

PROBES = harness.register_probe_hooks(Hook, HOOKS)
#: positions of lr and momentum in a recorded call (compared to 1e-12; the rest to 1e-6)
SCHEDULE_FIELDS = (9, 10)


def run_fixture(stem: str, work_dir: str, resume_from: Optional[str] = None,
                load_from: Optional[str] = None, seed: int = 0,
                launcher: str = 'none') -> Dict[str, Any]:
    """Train ``fixtures/legacy_runs/<stem>.py`` on compat in ``work_dir``; the observed run."""
    def prepare(cfg):
        harness.add_recorder(cfg)
        if load_from is not None:
            cfg.load_from = load_from

    import compat
    # a fixture's custom_imports may name the project's legacy hook code (`from mmcv.runner
    # import ...`), which runs on compat through the alias
    aliased = compat.is_mmcv_alias_installed()
    compat.install_mmcv_alias()
    try:
        train_legacy_config(os.path.join(RUNS, f'{stem}.py'), work_dir,
                            resume_from=resume_from, seed=seed, timestamp=harness.TIMESTAMP,
                            prepare=prepare, launcher=launcher)
    finally:
        if not aliased:
            compat.uninstall_mmcv_alias()
    return harness.collect(work_dir, PROBES['LegacyRunRecorderHook'].instances[-1])


def replace_paths(value: Any, replacements) -> Any:
    """``value`` with each ``(path, token)`` replaced, as the recorder writes its goldens."""
    if isinstance(value, str):
        for path, token in replacements:
            value = value.replace(path, token)
        return value
    if isinstance(value, dict):
        return {k: replace_paths(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_paths(v, replacements) for v in value]
    return value


def tensorboard_scalars(work_dir: str) -> Dict[str, List[list]]:
    """``{log dir: sorted [[tag, step, float32 hex]]}`` read from the event files."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    out: Dict[str, List[list]] = {}
    for root, _dirs, names in os.walk(work_dir):
        if not any(n.startswith('events.out') for n in names):
            continue
        acc = EventAccumulator(root, size_guidance={'scalars': 0})
        acc.Reload()
        rows = [[tag, e.step, float(e.value).hex()] for tag in acc.Tags()['scalars']
                for e in acc.Scalars(tag)]
        out[os.path.relpath(root, work_dir)] = sorted(rows)
    return out


def copy_run(src: str, dst: str) -> str:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def _is_hex(value: Any) -> bool:
    return isinstance(value, str) and ('0x' in value or value in ('inf', '-inf', 'nan')) \
        and value.lstrip('-').startswith(('0x', 'inf', 'nan'))


def _walk(a: Any, b: Any, where: str, tol: float, out: List[str]) -> None:
    if _is_hex(a) and _is_hex(b):
        x, y = float.fromhex(a), float.fromhex(b)
        if not (x == y or (math.isnan(x) and math.isnan(y))
                or abs(x - y) <= tol * max(abs(x), abs(y), 1e-12)):
            out.append(f'{where}: {x!r} != {y!r}')
    elif isinstance(a, dict) and isinstance(b, dict):
        if sorted(a) != sorted(b):
            out.append(f'{where}: keys {sorted(a)} != {sorted(b)}')
        else:
            for k in a:
                _walk(a[k], b[k], f'{where}.{k}', tol, out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f'{where}: {len(a)} items != {len(b)}')
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                _walk(x, y, f'{where}[{i}]', tol, out)
    elif a != b:
        out.append(f'{where}: {a!r} != {b!r}')


def differences(ours: Dict[str, Any], theirs: Dict[str, Any], key: str,
                rtol: float = 1e-6) -> List[str]:
    """Where two observed runs differ in ``key``: structure exactly, floats (hex strings) to
    ``rtol``; in ``calls`` the lr and momentum fields to 1e-12."""
    out: List[str] = []
    if key != 'calls':
        _walk(ours[key], theirs[key], key, rtol, out)
        return out
    if len(ours[key]) != len(theirs[key]):
        out.append(f'calls: {len(ours[key])} != {len(theirs[key])}')
    for i, (mine, golden) in enumerate(zip(ours[key], theirs[key])):
        for j, (x, y) in enumerate(zip(mine, golden)):
            _walk(x, y, f'calls[{i}][{j}] ({mine[0]})',
                  1e-12 if j in SCHEDULE_FIELDS else rtol, out)
    return out
