"""The base ``Hook``: every stage of the MMEngine timeline as a no-op method.

Stage methods receive keyword arguments exactly as MMEngine passes them, so a hook written for
MMEngine runs here unchanged. Signatures are checked when a hook is registered
(:func:`check_hook_signatures`), not when a stage fires.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Optional, Sequence, Tuple

from engine.errors import HookError

DATA_BATCH = Optional[Any]


class Hook:
    """Base class of all hooks. Subclasses override the stages they need.

    ``priority`` is a class attribute (a level name or 0..100); the runner may override it per
    instance at registration.
    """

    priority = 'NORMAL'
    stages: Tuple[str, ...] = (
        'before_run', 'after_load_checkpoint', 'before_train', 'before_train_epoch',
        'before_train_iter', 'after_train_iter', 'after_train_epoch', 'before_val',
        'before_val_epoch', 'before_val_iter', 'after_val_iter', 'after_val_epoch', 'after_val',
        'before_save_checkpoint', 'after_train', 'before_test', 'before_test_epoch',
        'before_test_iter', 'after_test_iter', 'after_test_epoch', 'after_test', 'after_run')

    # -- run-level ---------------------------------------------------------------------------
    def before_run(self, runner) -> None:
        """Once, before anything else (also before ``runner.val()``/``runner.test()``)."""

    def after_run(self, runner) -> None:
        """Once, at the very end."""

    def before_train(self, runner) -> None:
        """Before the train loop starts (after resume)."""

    def after_train(self, runner) -> None:
        """After the train loop ends."""

    def before_val(self, runner) -> None:
        """Before a validation loop."""

    def after_val(self, runner) -> None:
        """After a validation loop."""

    def before_test(self, runner) -> None:
        """Before the test loop."""

    def after_test(self, runner) -> None:
        """After the test loop."""

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Edit ``checkpoint`` (a dict) before it is written."""

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """React to a loaded ``checkpoint`` dict."""

    # -- epochs ------------------------------------------------------------------------------
    def before_train_epoch(self, runner) -> None:
        """Before each train epoch (once in iteration-based training)."""
        self._before_epoch(runner, mode='train')

    def before_val_epoch(self, runner) -> None:
        """Before each validation epoch."""
        self._before_epoch(runner, mode='val')

    def before_test_epoch(self, runner) -> None:
        """Before each test epoch."""
        self._before_epoch(runner, mode='test')

    def after_train_epoch(self, runner) -> None:
        """After each train epoch (once in iteration-based training)."""
        self._after_epoch(runner, mode='train')

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        """After each validation epoch, with the evaluated ``metrics``."""
        self._after_epoch(runner, mode='val')

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        """After the test epoch, with the evaluated ``metrics``."""
        self._after_epoch(runner, mode='test')

    # -- iterations --------------------------------------------------------------------------
    def before_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Before each train iteration (``batch_idx`` is the global iteration in iter loops)."""
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode='train')

    def before_val_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Before each validation iteration."""
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode='val')

    def before_test_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Before each test iteration."""
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode='test')

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        """After each train iteration: backward and optimizer step have already happened."""
        self._after_iter(runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs,
                         mode='train')

    def after_val_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                       outputs: Optional[Sequence] = None) -> None:
        """After each validation iteration."""
        self._after_iter(runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs,
                         mode='val')

    def after_test_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                        outputs: Optional[Sequence] = None) -> None:
        """After each test iteration."""
        self._after_iter(runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs,
                         mode='test')

    # -- generic fall-backs ------------------------------------------------------------------
    def _before_epoch(self, runner, mode: str = 'train') -> None:
        """Shared by the three ``before_*_epoch`` stages."""

    def _after_epoch(self, runner, mode: str = 'train') -> None:
        """Shared by the three ``after_*_epoch`` stages."""

    def _before_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                     mode: str = 'train') -> None:
        """Shared by the three ``before_*_iter`` stages."""

    def _after_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                    outputs=None, mode: str = 'train') -> None:
        """Shared by the three ``after_*_iter`` stages."""

    # -- helpers -----------------------------------------------------------------------------
    def every_n_epochs(self, runner, n: int, start: int = 0) -> bool:
        """True after epochs start+n, start+2n, ... (``runner.epoch`` is 0-based)."""
        dividend = runner.epoch + 1 - start
        return dividend % n == 0 if dividend >= 0 and n > 0 else False

    def every_n_inner_iters(self, batch_idx: int, n: int) -> bool:
        return (batch_idx + 1) % n == 0 if n > 0 else False

    def every_n_train_iters(self, runner, n: int, start: int = 0) -> bool:
        dividend = runner.iter + 1 - start
        return dividend % n == 0 if dividend >= 0 and n > 0 else False

    def end_of_epoch(self, dataloader, batch_idx: int) -> bool:
        return batch_idx + 1 == len(dataloader)

    def is_last_train_epoch(self, runner) -> bool:
        return runner.epoch + 1 == runner.max_epochs

    def is_last_train_iter(self, runner) -> bool:
        return runner.iter + 1 == runner.max_iters

    def get_triggered_stages(self) -> list:
        """Stages whose behaviour this hook's class changes (directly or via the generic method)."""
        return [s for s in self.stages if stage_is_overridden(type(self), s)]


_GENERIC_OF = {}
for _mode in ('train', 'val', 'test'):
    _GENERIC_OF[f'before_{_mode}_epoch'] = '_before_epoch'
    _GENERIC_OF[f'after_{_mode}_epoch'] = '_after_epoch'
    _GENERIC_OF[f'before_{_mode}_iter'] = '_before_iter'
    _GENERIC_OF[f'after_{_mode}_iter'] = '_after_iter'


def stage_is_overridden(cls: type, stage: str) -> bool:
    """True when ``cls`` changes what ``stage`` does compared with the base :class:`Hook`."""
    if getattr(cls, stage, None) is not getattr(Hook, stage):
        return True
    generic = _GENERIC_OF.get(stage)
    return generic is not None and getattr(cls, generic) is not getattr(Hook, generic)


# The MMCV 1.x generic names: MMEngine never calls them, so a hook defining them is a legacy hook.
LEGACY_GENERIC_METHODS = {
    'before_epoch': '_before_epoch(self, runner, mode)',
    'after_epoch': '_after_epoch(self, runner, mode)',
    'before_iter': '_before_iter(self, runner, batch_idx, data_batch=None, mode)',
    'after_iter': '_after_iter(self, runner, batch_idx, data_batch=None, outputs=None, mode)',
}


def _signature_text(func) -> str:
    """``name(a, b=None)``: parameters without annotations, readable in an error message."""
    params = []
    for p in inspect.signature(func).parameters.values():
        text = ('*' if p.kind is p.VAR_POSITIONAL else '**' if p.kind is p.VAR_KEYWORD
                else '') + p.name
        if p.default is not p.empty:
            text += f'={p.default!r}'
        params.append(text)
    return f'{func.__name__}({", ".join(params)})'


def check_hook_signatures(hook: Hook) -> None:
    """Refuse a hook whose stage methods cannot be called the way the runner calls them.

    Raises :class:`HookError` naming the hook, the method and the MMEngine signature to use.
    """
    cls = type(hook)
    name = cls.__name__
    for legacy, replacement in LEGACY_GENERIC_METHODS.items():
        if callable(getattr(cls, legacy, None)):
            raise HookError(
                f'hook {name} defines {legacy}(), an MMCV 1.x hook point that this runtime '
                'never calls',
                key=f'{name}.{legacy}',
                fix=f'rename it to {replacement}, or convert the hook with `migrate convert`')
    for stage in Hook.stages + tuple(sorted(set(_GENERIC_OF.values()))):
        method = getattr(cls, stage, None)
        if method is None or method is getattr(Hook, stage):
            continue
        if not callable(method):
            raise HookError(f'hook {name} has a non-callable attribute {stage!r}',
                            key=f'{name}.{stage}', fix=f'{stage} must be a method')
        expected = getattr(Hook, stage)
        _check_one(name, stage, method, expected)


def _check_one(hook_name: str, stage: str, method, expected) -> None:
    try:
        sig = inspect.signature(method)
    except (TypeError, ValueError):
        return
    exp = inspect.signature(expected)
    # Build the call the runner makes: runner positionally, the rest by keyword.
    kwargs = {p: None for p in list(exp.parameters)[2:]}
    try:
        sig.bind(None, None, **kwargs)
    except TypeError as e:
        raise HookError(
            f'hook {hook_name}: {_signature_text(method)} cannot take the arguments the runner '
            f'passes ({e})',
            key=f'{hook_name}.{stage}',
            fix=f'define it as def {_signature_text(expected)}'
                + ('; MMCV 1.x hooks took only runner: use `migrate convert` on the hook module'
                   if len(sig.parameters) <= 2 and kwargs else '')) from None
