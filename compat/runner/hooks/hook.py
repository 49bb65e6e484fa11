"""MMCV 1.7.2's legacy ``Hook``: stage methods that take only ``runner``, and ``HOOKS``.

A legacy hook subclasses :class:`Hook` and overrides stage methods such as
``after_train_iter(self, runner)``. The train/val stage methods fall back to the generic
``before_epoch``/``after_epoch``/``before_iter``/``after_iter``, so a hook that overrides
``after_iter`` runs after every train and every val iteration, as in MMCV.
"""
from __future__ import annotations

from typing import List

from engine.registry import Registry

#: the registry of legacy hook classes (``custom_hooks``, ``log_config.hooks``, ...); compat's
#: own, apart from the engine's ``HOOKS``, because legacy hooks take other stage arguments
HOOKS = Registry('hook')

# A generic method and the stage methods that fall back to it.
_GENERIC_STAGES = {
    'before_epoch': ('before_train_epoch', 'before_val_epoch'),
    'after_epoch': ('after_train_epoch', 'after_val_epoch'),
    'before_iter': ('before_train_iter', 'before_val_iter'),
    'after_iter': ('after_train_iter', 'after_val_iter'),
}


class Hook:
    """Base class of legacy hooks; every method is a no-op or a fallback to a generic one."""

    #: the stages a legacy runner calls, in the order of one run
    stages = ('before_run', 'before_train_epoch', 'before_train_iter',
              'after_train_iter', 'after_train_epoch', 'before_val_epoch',
              'before_val_iter', 'after_val_iter', 'after_val_epoch',
              'after_run')

    def before_run(self, runner) -> None:
        pass

    def after_run(self, runner) -> None:
        pass

    def before_epoch(self, runner) -> None:
        pass

    def after_epoch(self, runner) -> None:
        pass

    def before_iter(self, runner) -> None:
        pass

    def after_iter(self, runner) -> None:
        pass

    def before_train_epoch(self, runner) -> None:
        self.before_epoch(runner)

    def before_val_epoch(self, runner) -> None:
        self.before_epoch(runner)

    def after_train_epoch(self, runner) -> None:
        self.after_epoch(runner)

    def after_val_epoch(self, runner) -> None:
        self.after_epoch(runner)

    def before_train_iter(self, runner) -> None:
        self.before_iter(runner)

    def before_val_iter(self, runner) -> None:
        self.before_iter(runner)

    def after_train_iter(self, runner) -> None:
        self.after_iter(runner)

    def after_val_iter(self, runner) -> None:
        self.after_iter(runner)

    # -- predicates: MMCV's arithmetic on the runner's 0-based counters ----------------------
    def every_n_epochs(self, runner, n: int) -> bool:
        """True after every ``n``-th epoch; never when ``n <= 0``."""
        return (runner.epoch + 1) % n == 0 if n > 0 else False

    def every_n_inner_iters(self, runner, n: int) -> bool:
        """True after every ``n``-th iteration of the current epoch; never when ``n <= 0``."""
        return (runner.inner_iter + 1) % n == 0 if n > 0 else False

    def every_n_iters(self, runner, n: int) -> bool:
        """True after every ``n``-th iteration of the run; never when ``n <= 0``."""
        return (runner.iter + 1) % n == 0 if n > 0 else False

    def end_of_epoch(self, runner) -> bool:
        return runner.inner_iter + 1 == len(runner.data_loader)

    # The private attributes, as MMCV reads them: legacy runners keep the limits there, and
    # max_epochs/max_iters are read-only properties over them.
    def is_last_epoch(self, runner) -> bool:
        return runner.epoch + 1 == runner._max_epochs

    def is_last_iter(self, runner) -> bool:
        return runner.iter + 1 == runner._max_iters

    def get_triggered_stages(self) -> List[str]:
        """The stages this hook's class changes, directly or through a generic method."""
        triggered = {stage for stage in Hook.stages if overrides(type(self), stage)}
        for generic, stages in _GENERIC_STAGES.items():
            if overrides(type(self), generic):
                triggered.update(stages)
        return [stage for stage in Hook.stages if stage in triggered]


def overrides(cls: type, method: str) -> bool:
    """True when ``cls`` resolves ``method`` to something else than :class:`Hook` does.

    Compared with ``!=`` as MMCV's ``is_method_overridden`` did, so a subclass that assigns
    ``Hook``'s own function back counts as not overriding it.
    """
    return getattr(cls, method) != getattr(Hook, method)
