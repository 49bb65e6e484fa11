"""MMCV 1.7.2's ``mmcv/utils/misc.py`` helpers that legacy hooks and train scripts use."""
from __future__ import annotations

import itertools
import warnings
from collections import abc
from importlib import import_module
from typing import Any, List, Optional, Type, Union

__all__ = ['concat_list', 'import_modules_from_strings', 'is_list_of', 'is_method_overridden',
           'is_seq_of', 'is_str', 'is_tuple_of', 'iter_cast', 'list_cast', 'slice_list',
           'tuple_cast']


def is_str(x: Any) -> bool:
    return isinstance(x, str)


def import_modules_from_strings(imports: Union[str, List[str], None],
                                allow_failed_imports: bool = False):
    """Import each dotted name; a single string gives a single module, an empty value None.

    A failed import is None with a warning under ``allow_failed_imports``; otherwise it raises
    ImportError naming the module (MMCV raised a bare ImportError: same type, clearer text).
    """
    if not imports:
        return None
    single_import = isinstance(imports, str)
    if single_import:
        imports = [imports]
    if not isinstance(imports, list):
        raise TypeError(f'custom_imports must be a list but got type {type(imports)}')
    imported = []
    for name in imports:
        if not isinstance(name, str):
            raise TypeError(f'{name} is of type {type(name)} and cannot be imported.')
        try:
            module = import_module(name)
        except ImportError as e:
            if not allow_failed_imports:
                raise ImportError(f'custom_imports: cannot import {name!r} ({e}); fix the '
                                  'module name or pass allow_failed_imports=True') from e
            warnings.warn(f'{name} failed to import and is ignored.', UserWarning)
            module = None
        imported.append(module)
    return imported[0] if single_import else imported


def iter_cast(inputs, dst_type: type, return_type: Optional[type] = None):
    """``map(dst_type, inputs)``, turned into ``return_type`` when one is given."""
    if not isinstance(inputs, abc.Iterable):
        raise TypeError('inputs must be an iterable object')
    if not isinstance(dst_type, type):
        raise TypeError('"dst_type" must be a valid type')
    out = map(dst_type, inputs)
    return out if return_type is None else return_type(out)


def list_cast(inputs, dst_type: type) -> list:
    return iter_cast(inputs, dst_type, return_type=list)


def tuple_cast(inputs, dst_type: type) -> tuple:
    return iter_cast(inputs, dst_type, return_type=tuple)


def is_seq_of(seq: Any, expected_type, seq_type: Optional[Type] = None) -> bool:
    """Whether ``seq`` is a ``seq_type`` (any Sequence by default) of ``expected_type`` items."""
    if seq_type is None:
        exp_seq_type = abc.Sequence
    else:
        assert isinstance(seq_type, type)
        exp_seq_type = seq_type
    if not isinstance(seq, exp_seq_type):
        return False
    return all(isinstance(item, expected_type) for item in seq)


def is_list_of(seq: Any, expected_type) -> bool:
    return is_seq_of(seq, expected_type, seq_type=list)


def is_tuple_of(seq: Any, expected_type) -> bool:
    return is_seq_of(seq, expected_type, seq_type=tuple)


def slice_list(in_list: list, lens: Union[int, List[int]]) -> List[list]:
    """Cut ``in_list`` into consecutive pieces of the given lengths (or all of length ``lens``)."""
    if isinstance(lens, int):
        assert len(in_list) % lens == 0
        lens = [lens] * int(len(in_list) / lens)
    if not isinstance(lens, list):
        raise TypeError('"indices" must be an integer or a list of integers')
    if sum(lens) != len(in_list):
        raise ValueError('sum of lens and list length does not '
                         f'match: {sum(lens)} != {len(in_list)}')
    starts = itertools.accumulate([0] + lens[:-1])
    return [in_list[start:start + n] for start, n in zip(starts, lens)]


def concat_list(in_list) -> list:
    return list(itertools.chain(*in_list))


def is_method_overridden(method: str, base_class: type, derived_class: Any) -> bool:
    """Whether ``derived_class`` (a class or an instance) defines ``method`` differently from
    ``base_class``; legacy runners use it to spot hooks written against old stage names."""
    assert isinstance(base_class, type), \
        "base_class doesn't accept instance, Please pass class instead."
    if not isinstance(derived_class, type):
        derived_class = derived_class.__class__
    return getattr(derived_class, method) != getattr(base_class, method)
