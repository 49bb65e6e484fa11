"""Hook priorities under MMCV's names: the engine's levels, which equal MMCV 1.7.2's.

The nine names and their values (``HIGHEST`` 0 ... ``LOWEST`` 100) and what ``get_priority``
returns for names, levels and integers 0..100 are MMCV's (checked against
``fixtures/goldens/legacy_hooks.json``). Two deliberate differences, both on wrong input or rare
comparisons: a bad priority raises :class:`engine.errors.HookError` naming the fix (MMCV raised
a bare ``ValueError``/``KeyError``/``TypeError``, and accepted ``True`` as 1), and ``Priority``
is an ``IntEnum``, so ``Priority.HIGH == 30`` holds (MMCV's plain ``Enum`` compared unequal).
"""
from engine.hooks.priority import Priority, get_priority

__all__ = ['Priority', 'get_priority']
