"""Operators of the static evaluator: Python's own, with size guards, keyed by libcst node.

A guard raises :class:`~.known.Unknown` where Python would build a huge value
(``'x' * 10 ** 9``, ``10 ** 10 ** 6``), so a config cannot stall the reader.
"""
from __future__ import annotations

import operator
from typing import Any

import libcst as cst

from .known import MAX_INT_BITS, MAX_ITEMS, KnownFunction, Unknown, guarded_pow
from .sizes import measure
from .text_sizes import sized_percent
from .values import BaseVarRef, FunctionValue, ModuleValue, Opaque

NOT_DATA = (Opaque, BaseVarRef, ModuleValue, FunctionValue, KnownFunction)
_SEQUENCES = (str, bytes, list, tuple)


def _bits(n: Any) -> int:
    return n.bit_length() if isinstance(n, int) else 0


def _guarded_mul(a, b):
    for seq, n in ((a, b), (b, a)):
        if isinstance(seq, _SEQUENCES) and isinstance(n, int):
            # the size written out: `[a] * 10` repeats all of `a`, shared or not
            if n > 0 and measure(seq).items * n > MAX_ITEMS:
                raise Unknown('*')
    if _bits(a) + _bits(b) > MAX_INT_BITS:
        raise Unknown('*')
    return a * b


def _guarded_lshift(a, b):
    if isinstance(b, int) and b + _bits(a) > MAX_INT_BITS:
        raise Unknown('<<')
    return a << b


def _guarded_add(a, b):
    result = a + b
    if isinstance(result, _SEQUENCES) and len(result) > MAX_ITEMS:
        raise Unknown('+')   # built already, but at most twice the limit
    return result


def _format_percent(a, b):
    if isinstance(a, (str, bytes)) and measure(b).unknown:
        raise Unknown('%')
    return sized_percent(a, b)


BINARY = {
    cst.Add: _guarded_add, cst.Subtract: operator.sub, cst.Multiply: _guarded_mul,
    cst.Divide: operator.truediv, cst.FloorDivide: operator.floordiv,
    cst.Modulo: _format_percent, cst.Power: guarded_pow, cst.LeftShift: _guarded_lshift,
    cst.RightShift: operator.rshift, cst.BitOr: operator.or_, cst.BitAnd: operator.and_,
    cst.BitXor: operator.xor, cst.MatrixMultiply: operator.matmul,
}
COMPARE = {
    cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le, cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge, cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b, cst.Is: operator.is_, cst.IsNot: operator.is_not,
}
UNARY = {cst.Minus: operator.neg, cst.Plus: operator.pos, cst.BitInvert: operator.invert,
         cst.Not: operator.not_}


def require_data(value: Any) -> Any:
    """``value`` itself must be data (its elements may still be Opaque)."""
    if isinstance(value, NOT_DATA):
        raise Unknown(repr(value))
    return value


def require_known(value: Any) -> Any:
    """``value`` must be plain data all the way down, and small enough to compare, hash or
    print (see :mod:`.sizes`)."""
    if measure(value).unknown:
        raise Unknown('an unknown value')
    return value
