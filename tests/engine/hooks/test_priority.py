"""Hook priorities (engine/hooks/priority.py): the nine named levels of MMEngine 0.10.7, integers
0..100, and keyed errors for anything else."""
import pytest

from engine.errors import HookError
from engine.hooks.priority import Priority, get_priority


def test_priority_values_by_name_int_and_enum():
    assert [get_priority(p) for p in ('highest', 'VERY_HIGH', 'high', 'ABOVE_NORMAL', 'normal',
                                      'below_normal', 'LOW', 'very_low', 'LOWEST')] == \
        [0, 10, 30, 40, 50, 60, 70, 90, 100]
    assert get_priority(Priority.LOW) == 70 and get_priority(45) == 45
    for bad in (101, -1, 'medium', 1.5, True):
        with pytest.raises(HookError):
            get_priority(bad)
