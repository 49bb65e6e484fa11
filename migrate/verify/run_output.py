"""How a whole-run comparison is shown: a per-iteration table, a summary, JSON and a plot."""
from __future__ import annotations

import io
import json
from typing import List, Optional

from engine.errors import ConfigError
from engine.fileio import atomic_write_bytes, atomic_write_text
from migrate.verify.whole_run import LOSS_TOLERANCE, RunComparison

__all__ = ['render_run_report', 'write_run_json', 'write_run_plot', 'run_summary']


def _rows(c: RunComparison, full: bool) -> List[int]:
    n = min(len(c.legacy.loss), len(c.converted.loss))
    if full or n <= 40:
        return list(range(n))
    rows = set(range(min(3, n))) | {n - 1}
    for i in range(1, n):
        if c.legacy.epoch[i] != c.legacy.epoch[i - 1] and len(rows) < 50:
            rows.add(i)
    if c.first_divergence is not None:
        first = c.first_divergence[0]
        rows |= {j for j in range(first - 2, first + 3) if 0 <= j < n}
    return sorted(rows)


def _fmt(value: Optional[float], width: int) -> str:
    return f'{"-":>{width}}' if value is None else f'{value:>{width}.8g}'


def format_run_table(c: RunComparison, full: bool = False) -> str:
    clipping = any(v is not None for v in c.legacy.grad_norm + c.converted.grad_norm)
    head = (f"{'epoch':>5} {'iter':>6}  {'legacy lr':>12} {'conv. lr':>12}  "
            f"{'legacy mom':>10} {'conv. mom':>10}  {'legacy loss':>12} {'conv. loss':>12}")
    if clipping:
        head += f"  {'legacy gnorm':>12} {'conv. gnorm':>12}"
    lines = [head, '-' * len(head)]
    last = None
    a, b = c.legacy, c.converted
    for i in _rows(c, full):
        if last is not None and i != last + 1:
            lines.append(f"{'...':>5} {'...':>6}")
        last = i
        line = (f'{a.epoch[i]:>5} {a.iter[i]:>6}  {_fmt(a.lr[i][0], 12)} {_fmt(b.lr[i][0], 12)}  '
                f'{_fmt(a.momentum[i][0] if a.momentum[i] else None, 10)} '
                f'{_fmt(b.momentum[i][0] if b.momentum[i] else None, 10)}  '
                f'{_fmt(a.loss[i], 12)} {_fmt(b.loss[i], 12)}')
        if clipping:
            line += f'  {_fmt(a.grad_norm[i], 12)} {_fmt(b.grad_norm[i], 12)}'
        if c.first_divergence is not None and i == c.first_divergence[0]:
            line += f'  <- FIRST difference: {c.first_divergence[1]}'
        lines.append(line)
    return '\n'.join(lines)


def run_summary(c: RunComparison) -> str:
    n = min(len(c.legacy.loss), len(c.converted.loss))
    if c.equal:
        weights = 'bit for bit' if c.weights_bitwise else \
            f'max relative deviation {c.weights_max_dev:.3g}'
        hooks = c.legacy.custom_hooks.order if c.legacy.custom_hooks else []
        custom = (f', {len(hooks)} custom hooks (order, priorities, calls per stage, what '
                  'they kept)') if hooks else ''
        return (f'SAME: {n} iterations (lr, momentum, loss, grad norm), final weights '
                f'{weights}, {len(c.legacy.checkpoints)} checkpoints, '
                f'{len(c.legacy.evals)} evaluations{custom}')
    if c.first_divergence is not None:
        i, what = c.first_divergence
        return (f'DIFFERENT: first at iteration {c.legacy.iter[i]} (epoch {c.legacy.epoch[i]}): '
                f'{what}')
    return f'DIFFERENT: {c.failures[0]}'


def render_run_report(c: RunComparison, full: bool = False) -> str:
    lines = [f'legacy:    {c.config} (compat runtime, MMCV 1.7.2 behaviour)',
             f'converted: --target {c.target} (engine)', '', format_run_table(c, full), '']
    for key, why in c.bridged:
        lines.append(f'ran with: {key}: {why}')
    for what, why in c.expected:
        lines.append(f'expected difference: {what}: {why}')
    for failure in c.failures:
        lines.append(f'differs: {failure}')
    lines.append(f'tolerances: lr/momentum 1e-12 relative, loss/grad norm/weights/metrics '
                 f'{LOSS_TOLERANCE:g} relative (CPU)')
    lines.append(run_summary(c))
    return '\n'.join(lines)


def write_run_json(c: RunComparison, path: str) -> None:
    atomic_write_text(path, json.dumps(c.as_json(), indent=1) + '\n')


def write_run_plot(c: RunComparison, path: str) -> None:
    """Loss and lr of both runs; the first divergence marked."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ConfigError('--plot needs matplotlib', key='--plot',
                          fix="pip install 'mmcv-migrate[plot]' (or matplotlib)") from e
    fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True, squeeze=False)
    for ax, name in zip(axes[:, 0], ('loss', 'lr')):
        left = getattr(c.legacy, name)
        right = getattr(c.converted, name)
        if name == 'lr':
            left, right = [r[0] for r in left], [r[0] for r in right]
        ax.plot(range(len(left)), left, label='legacy (compat, MMCV 1.x)', linewidth=2.2)
        ax.plot(range(len(right)), right,
                label=f'converted (--target {c.target}, on the engine)', linewidth=1.0,
                linestyle='--')
        if c.first_divergence is not None:
            ax.axvline(c.first_divergence[0], color='red', linewidth=1,
                       label=f'first difference ({c.first_divergence[1]})')
        ax.set_ylabel(name)
        ax.legend(loc='best', fontsize=8)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel('iteration')
    axes[0, 0].set_title(run_summary(c), fontsize=8)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format='png', dpi=110)
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
