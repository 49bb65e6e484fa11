"""The functions, methods and module attributes the static evaluator may call.

Only pure functions of their arguments (plus the in-place list/dict methods configs use to
build pipelines) are listed; anything else makes the expression Opaque. Sizes are capped so a
config cannot make the reader build a huge value.
"""
from __future__ import annotations

import math
import posixpath
from typing import Any, Callable, Dict, FrozenSet, Iterator, Optional, Tuple

from .limits import MAX_INT_BITS, MAX_ITEMS, Unknown
from .sizes import measure
from .text_sizes import sized_format, sized_str_method
from .values import ModuleValue

__all__ = ['MAX_INT_BITS', 'MAX_ITEMS', 'Unknown', 'KnownFunction', 'BUILTINS', 'MODULE_ATTRS',
           'MODULE_ALIASES', 'module_attribute', 'bound_method', 'guarded_pow']



class KnownFunction:
    """A callable the evaluator may run.

    ``lenient`` lists the positional indexes (and ``'**'`` for keywords) whose values may hold
    Opaque parts because the function only stores or counts them (``list.append``,
    ``dict(...)``, ``len``); every other argument must be plain data.
    """

    __slots__ = ('name', 'impl', 'lenient', 'python_function')

    def __init__(self, name: str, impl: Callable, lenient: FrozenSet = frozenset(),
                 python_function: bool = False):
        self.name = name
        self.impl = impl
        self.lenient = lenient
        # MMCV drops names bound to Python functions (os.path.join) but keeps builtins (len)
        self.python_function = python_function

    def call(self, args: list, kwargs: dict) -> Any:
        for i, value in enumerate(args):
            if i in self.lenient:
                continue
            if isinstance(value, Iterator):  # `sum(x * x for x in r)`: consumed here anyway
                args[i] = value = list(value)
            elif isinstance(value, range) and len(value) > MAX_ITEMS:
                raise Unknown(self.name)
            if measure(value).unknown:   # also refuses values too large to process
                raise Unknown(self.name)
        if '**' not in self.lenient and any(measure(v).unknown for v in kwargs.values()):
            raise Unknown(self.name)
        result = self.impl(*args, **kwargs)
        if isinstance(result, (list, tuple, str, set, dict)) and len(result) > MAX_ITEMS:
            raise Unknown(self.name)
        return result

    def __repr__(self) -> str:
        return f'<known function {self.name}>'


ALL = frozenset(range(64)) | {'**'}


def _materialise(kind: type) -> Callable:
    def build(*args, **kwargs):
        if args and isinstance(args[0], range) and len(args[0]) > MAX_ITEMS:
            raise Unknown(kind.__name__)
        return kind(*args, **kwargs)
    return build


def _range(*args):
    if not all(type(a) is int for a in args):
        raise Unknown('range')
    return range(*args)


def _print(*args, **kwargs):
    return None


def guarded_pow(a, b, *mod):
    """``a ** b`` (and ``pow``), unknown where the result would be a huge int."""
    if isinstance(a, int) and isinstance(b, int) and not mod and abs(a) > 1 and b > 0:
        if a.bit_length() * b > MAX_INT_BITS:
            raise Unknown('**')
    return pow(a, b, *mod)


def _prod(iterable, *, start=1):
    result = start
    for item in iterable:
        result = result * item
        if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
            raise Unknown('math.prod')
    return result


BUILTINS: Dict[str, KnownFunction] = {f.name: f for f in [
    KnownFunction('dict', dict, ALL),
    KnownFunction('list', _materialise(list), ALL),
    KnownFunction('tuple', _materialise(tuple), ALL),
    KnownFunction('set', _materialise(set)),
    KnownFunction('frozenset', _materialise(frozenset)),
    KnownFunction('len', len, ALL),
    KnownFunction('range', _range),
    KnownFunction('int', int), KnownFunction('float', float), KnownFunction('str', str),
    KnownFunction('bool', bool), KnownFunction('round', round), KnownFunction('abs', abs),
    KnownFunction('min', min), KnownFunction('max', max), KnownFunction('sum', sum),
    KnownFunction('sorted', _materialise(sorted)), KnownFunction('reversed', reversed, ALL),
    KnownFunction('enumerate', enumerate, ALL), KnownFunction('zip', zip, ALL),
    KnownFunction('any', any), KnownFunction('all', all), KnownFunction('divmod', divmod),
    KnownFunction('pow', guarded_pow), KnownFunction('repr', repr), KnownFunction('ord', ord),
    KnownFunction('chr', chr), KnownFunction('print', _print, ALL),
]}

# Attributes of modules a config may import. Functions of os.path use '/' whatever the OS,
# as the configs are written for POSIX machines.
MODULE_ATTRS: Dict[Tuple[str, str], Any] = {
    ('math', 'pi'): math.pi, ('math', 'e'): math.e, ('math', 'inf'): math.inf,
    ('math', 'tau'): math.tau,
    **{('math', n): KnownFunction(f'math.{n}', getattr(math, n)) for n in (
        'sqrt', 'exp', 'log', 'log2', 'log10', 'cos', 'sin', 'tan', 'floor', 'ceil', 'pow',
        'isclose', 'fabs')},
    ('math', 'prod'): KnownFunction('math.prod', _prod),
    ('os', 'path'): ModuleValue('os.path'), ('os', 'sep'): '/',
    ('os.path', 'sep'): '/',
    **{('os.path', n): KnownFunction(f'os.path.{n}', getattr(posixpath, n),
                                     python_function=True)
       for n in ('join', 'basename', 'dirname', 'splitext', 'split', 'normpath')},
}
MODULE_ALIASES = {'os.path': 'os.path', 'posixpath': 'os.path', 'math': 'math', 'os': 'os'}


def module_attribute(module: str, name: str) -> Any:
    """``osp.join`` -> its KnownFunction, ``os.path`` -> a ModuleValue, ``math.pi`` -> 3.14..."""
    key = (MODULE_ALIASES.get(module, module), name)
    if key not in MODULE_ATTRS:
        raise Unknown(f'{module}.{name}')
    return MODULE_ATTRS[key]


_STR_METHODS = frozenset((
    'format', 'join', 'replace', 'split', 'rsplit', 'strip', 'lstrip', 'rstrip', 'upper',
    'lower', 'startswith', 'endswith', 'title', 'capitalize', 'zfill', 'rjust', 'ljust',
    'center', 'count', 'find', 'rfind', 'index', 'rindex', 'partition', 'rpartition',
    'splitlines', 'isdigit', 'isalpha', 'isalnum', 'swapcase', 'casefold', 'removeprefix',
    'removesuffix'))
# name -> positions that may hold Opaque parts (the stored values); the receiver may hold
# Opaque parts only for these methods, which never compare its elements.
_LIST_METHODS = {'append': {0}, 'extend': {0}, 'insert': {1}, 'pop': set(), 'clear': set(),
                 'copy': set(), 'reverse': set(), 'index': None, 'count': None,
                 'remove': None, 'sort': None}
_DICT_METHODS = {'update': ALL, 'setdefault': {1}, 'pop': {1}, 'get': {1}, 'copy': set(),
                 'keys': set(), 'values': set(), 'items': set(), 'clear': set(),
                 'popitem': set()}


def _sized_str_method(receiver: str, name: str) -> Callable:
    if name == 'format':
        return lambda *args, **kwargs: sized_format(receiver, *args, **kwargs)

    def call(*args, **kwargs):
        sized_str_method(receiver, name, list(args), kwargs)
        return getattr(receiver, name)(*args, **kwargs)
    return call


def bound_method(receiver: Any, name: str) -> Optional[KnownFunction]:
    """The KnownFunction for ``receiver.name(...)``, or None when not allowed."""
    cls = type(receiver)
    if cls is str and name in _STR_METHODS:
        return KnownFunction(f'str.{name}', _sized_str_method(receiver, name))
    if cls is tuple and name in ('index', 'count'):
        table = {name: None}
    elif cls is list:
        table = _LIST_METHODS
    elif cls is dict:
        table = _DICT_METHODS
    else:
        return None
    if name not in table:
        return None
    lenient = table[name]
    if lenient is None:  # compares elements: everything must be known
        if measure(receiver).unknown:
            return None
        lenient = set()
    return KnownFunction(f'{cls.__name__}.{name}', getattr(receiver, name), frozenset(lenient))
