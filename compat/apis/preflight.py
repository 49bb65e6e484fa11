"""Checks a legacy run makes before training, where MMCV 1.7.2 would have failed later.

MMCV found a bad ``workflow`` phase only when the runner reached it (after training the phases
before it) and a model without ``train_step`` at the first iteration; these checks fail first,
with the key and the fix.
"""
from __future__ import annotations

from typing import Any, Optional

from compat.apis.errors import LegacyConfigError
from compat.parallel.data_parallel import is_module_wrapper

__all__ = ['check_workflow', 'check_model', 'check_required_keys']

_STEP_CONTRACT = ('train_step(data_batch, optimizer) returning dict(loss=<tensor>, '
                  'log_vars=<dict of floats>, num_samples=<int>)')


def check_workflow(workflow: Any, runner, file: Optional[str]) -> None:
    """Each phase is ``(mode, n)`` with a mode the runner has and a positive count."""
    if not isinstance(workflow, (list, tuple)) or not workflow:
        raise LegacyConfigError(
            f'workflow must be a non-empty list of (mode, count) tuples, got {workflow!r}',
            file=file, key='workflow', fix="write workflow = [('train', 1)]")
    for index, phase in enumerate(workflow):
        key = f'workflow[{index}]'
        if not isinstance(phase, (list, tuple)) or len(phase) != 2:
            raise LegacyConfigError(
                f'a workflow phase is a (mode, count) tuple, got {phase!r} (MMCV 1.7.2 '
                'asserted workflow is a list of tuples)', file=file, key=key,
                fix="write it as ('train', 1) or ('val', 1)")
        mode, count = phase
        if not isinstance(mode, str) or mode.startswith('_') or \
                not callable(getattr(runner, mode, None)):
            modes = [m for m in ('train', 'val') if callable(getattr(runner, m, None))]
            raise LegacyConfigError(
                f'{type(runner).__name__} has no phase {mode!r}: MMCV 1.7.2 raised '
                f'ValueError(\'runner has no method named "{mode}" to run an epoch\') when '
                'the workflow reached it, after running the phases before it',
                file=file, key=key, fix=f'use one of {modes} (test runs with tools/test.py)')
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise LegacyConfigError(
                f'the count of phase {mode!r} must be a positive int, got {count!r}',
                file=file, key=key, fix=f"write ('{mode}', 1)")


def check_model(model, file: Optional[str], workflow: Any = None) -> None:
    """The legacy runners call ``model.train_step`` (and ``val_step`` for a val phase)."""
    inner = model.module if is_module_wrapper(model) else model
    needed = ['train_step']
    if workflow and any(isinstance(p, (list, tuple)) and p and p[0] == 'val' for p in workflow):
        needed.append('val_step')
    for method in needed:
        if not callable(getattr(inner, method, None)):
            raise LegacyConfigError(
                f'{type(inner).__name__} has no {method}(): the legacy runners call '
                f'model.{method} every iteration, so MMCV 1.7.2 would build everything and '
                f'fail at the first iteration with AttributeError',
                file=file, key='model.type',
                fix=f'give the model class {_STEP_CONTRACT.replace("train_step", method)} '
                    '(a MMEngine-style model trains with migrate convert + migrate train)')


#: keys MMDet 2.x's train flow read without a default (it failed with an AttributeError when
#: one was missing), and what a config usually writes
_REQUIRED = (
    ('model', "model = dict(type='YourModel', ...)"),
    ('data', "data = dict(samples_per_gpu=2, workers_per_gpu=2, train=dict(...), val=dict(...))"),
    ('optimizer', "optimizer = dict(type='SGD', lr=0.01)"),
    ('optimizer_config', 'optimizer_config = dict(grad_clip=None)'),
    ('lr_config', "lr_config = dict(policy='step', step=[8, 11]) (None for no lr schedule)"),
    ('checkpoint_config', 'checkpoint_config = dict(interval=1) (None for no checkpoints)'),
    ('log_config', "log_config = dict(interval=50, hooks=[dict(type='TextLoggerHook')])"),
    ('workflow', "workflow = [('train', 1)]"),
)


def check_required_keys(cfg, file: Optional[str]) -> None:
    """Every key the legacy train flow reads unconditionally is there (a ``None`` counts)."""
    for key, example in _REQUIRED:
        if key not in cfg:
            raise LegacyConfigError(
                f'the config does not set `{key}`, which MMDet 2.x\'s train flow reads (it '
                'failed with an AttributeError; configs inherit it from a _base_ file such '
                'as default_runtime.py)', file=file, key=key, fix=f'add {example}')
    if 'runner' not in cfg and 'total_epochs' not in cfg:
        raise LegacyConfigError(
            'the config sets neither `runner` nor `total_epochs`, so the run has no length',
            file=file, key='runner', fix="add runner = dict(type='EpochBasedRunner', "
                                         'max_epochs=12)')
