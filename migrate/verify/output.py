"""How a schedule comparison is shown: a per-iteration table, JSON, and a plot."""
from __future__ import annotations

import io
import json
import os
from typing import List, Optional

from engine.errors import ConfigError
from engine.fileio import atomic_write_bytes, atomic_write_text
from migrate.verify.schedule import TOLERANCE, ScheduleComparison, rel_dev


def table_rows(c: ScheduleComparison, full: bool = False) -> List[int]:
    """Which iterations to print: all with ``full``; otherwise the first iterations, every
    epoch start and schedule change, the first divergence with its neighbours, the end."""
    n = len(c.legacy.lr)
    if full or n <= 40:
        return list(range(n))
    rows = set(range(min(3, n))) | {n - 1}
    for i in range(1, n):
        if c.epoch[i] != c.epoch[i - 1] and len(rows) < 60:
            rows.add(i)
        if _value(c, i) != _value(c, i - 1) and len(rows) < 60 and i < 30:
            rows.add(i)
    if c.first_divergence is not None:
        rows |= {j for j in range(c.first_divergence - 2, c.first_divergence + 3) if 0 <= j < n}
    if c.max_deviation_at is not None:
        rows.add(c.max_deviation_at)
    return sorted(rows)


def _value(c: ScheduleComparison, i: int):
    return c.legacy.lr[i][0], (c.legacy.momentum[i][0] if c.legacy.momentum else None)


def format_table(c: ScheduleComparison, full: bool = False) -> str:
    has_m = c.legacy.momentum is not None and c.converted.momentum is not None
    head = f"{'epoch':>5} {'iter':>7}  {'legacy lr':>14} {'converted lr':>14}"
    if has_m:
        head += f"  {'legacy mom':>11} {'converted mom':>13}"
    lines = [head + '  ', '-' * len(head)]
    last = None
    for i in table_rows(c, full):
        if last is not None and i != last + 1:
            lines.append(f"{'...':>5} {'...':>7}")
        last = i
        if i >= len(c.converted.lr):
            break
        a, b = c.legacy.lr[i][0], c.converted.lr[i][0]
        line = f'{c.epoch[i]:>5} {c.iter[i]:>7}  {a:>14.8g} {b:>14.8g}'
        dev = _row_dev(c.legacy.lr[i], c.converted.lr[i])   # every group, not only the shown
        if has_m:
            ma, mb = c.legacy.momentum[i][0], c.converted.momentum[i][0]
            line += f'  {ma:>11.6g} {mb:>13.6g}'
            dev = max(dev, _row_dev(c.legacy.momentum[i], c.converted.momentum[i]))
        if dev > TOLERANCE:
            line += f'  <- differs ({dev:.3g})'
            if i == c.first_divergence:
                line += ' FIRST'
        lines.append(line)
    return '\n'.join(lines)


def _row_dev(left: List[float], right: List[float]) -> float:
    return max((rel_dev(a, b) for a, b in zip(left, right)), default=0.0)


def groups_header(c: ScheduleComparison) -> Optional[str]:
    """Which param group the lr columns show, when paramwise lr multipliers make several."""
    if len(c.groups) < 2:
        return None
    others = ', '.join(f'{g.label} {g.lr_mult:g} (lr {c.base_lr * g.lr_mult:.6g})'
                       for g in c.groups[1:])
    return (f'param groups: {len(c.groups)} replayed and compared (one per paramwise_cfg lr '
            f'multiplier); the lr columns show the group at optimizer.lr = {c.base_lr:g} '
            f'(lr_mult 1), not necessarily the model\'s first; the others: {others}')


def explain_difference(c: ScheduleComparison, command: Optional[str] = None) -> List[str]:
    """On a difference: the approximations the converter reported (rule, kind, measured
    deviation), and ``--target engine`` where that target is exact."""
    if c.equal:
        return []
    lines = []
    for a in c.approximations:
        where = '' if os.path.abspath(a.file) == os.path.abspath(c.config) else f' in {a.file}'
        deviation = '' if a.deviation is None else f'; measured max rel. deviation ' \
                                                   f'{a.deviation:.3g}'
        lines.append(f'approximation reported by the converter{where}: [{a.rule}] {a.key} '
                     f'({a.kind or "no kind"}){deviation}: {a.message}')
    if not c.approximations:
        lines.append('the converter reported no approximation for this config, so this '
                     'difference is unexpected: please report it as a converter bug')
    if c.engine_target_exact:
        again = (f'{command} --target engine' if command
                 else 'the same command with --target engine')
        lines.append('hint: --target engine is exact here (engine-only schedulers give SAME); '
                     f'run {again}')
    return lines


def summary(c: ScheduleComparison) -> str:
    n = len(c.legacy.lr)
    kind = f'target {c.target}, epoch length {c.epoch_len}'
    if c.equal:
        return (f'SAME: {n} iterations, lr' + (' and momentum' if c.legacy.momentum else '') +
                f' equal within {TOLERANCE:g} (max rel. deviation {c.max_deviation:.3g}; {kind})')
    i = c.first_divergence
    where = f'iteration {i} (epoch {c.epoch[i]})' if i is not None and i < n else f'iteration {i}'
    return (f'DIFFERENT: first divergence at {where}; max rel. deviation {c.max_deviation:.3g}'
            f' at iteration {c.max_deviation_at} ({kind})')


def write_json(c: ScheduleComparison, path: str) -> None:
    atomic_write_text(path, json.dumps(c.as_json()) + '\n')


def write_plot(c: ScheduleComparison, path: str) -> None:
    """Both curves (lr, and momentum when scheduled), divergences marked in red."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ConfigError('--plot needs matplotlib', key='--plot',
                          fix="pip install 'mmcv-migrate[plot]' (or matplotlib)") from e
    has_m = c.legacy.momentum is not None and c.converted.momentum is not None
    fig, axes = plt.subplots(2 if has_m else 1, 1, figsize=(9, 6 if has_m else 3.6),
                             sharex=True, squeeze=False)
    series = [('lr', c.legacy.lr, c.converted.lr)]
    if has_m:
        series.append(('momentum', c.legacy.momentum, c.converted.momentum))
    for ax, (name, left, right) in zip(axes[:, 0], series):
        n = min(len(left), len(right))
        xs = list(range(n))
        ax.plot(xs, [row[0] for row in left[:n]], label='legacy (MMCV 1.x)', linewidth=2.2)
        ax.plot(xs, [row[0] for row in right[:n]], label=f'converted ({c.target})',
                linewidth=1.0, linestyle='--')
        bad = [i for i in xs if rel_dev(left[i][0], right[i][0]) > TOLERANCE]
        if bad:
            ax.scatter(bad, [right[i][0] for i in bad], color='red', s=8, zorder=3,
                       label=f'differs ({len(bad)} iterations)')
        ax.set_ylabel(name)
        ax.legend(loc='best', fontsize=8)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel('iteration')
    axes[0, 0].set_title(summary(c), fontsize=8)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format='png', dpi=110)
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def render_report(c: ScheduleComparison, full: bool = False,
                  command: Optional[str] = None) -> str:
    """The whole printout; ``command`` is the verify command as typed, for the hint."""
    lines: List[Optional[str]] = [f'legacy:    {c.config}', groups_header(c),
                                  format_table(c, full), '']
    lines.extend(f'note: {n}' for n in c.notes)
    lines.append(summary(c))
    lines.extend(explain_difference(c, command))
    return '\n'.join(x for x in lines if x is not None)
