"""``optimizer.paramwise_options``: the old per-parameter settings, as MMEngine ``custom_keys``.

Two legacy forms share the name:

* MMDet 1.x ``build_optimizer``: the multipliers of today's ``paramwise_cfg`` (``bias_lr_mult``,
  ``norm_decay_mult``, ...): renamed, nothing else changes.
* MMSelfSup 0.x / OpenSelfSup ``DefaultOptimizerConstructor`` (mmselfsup/core/optimizer/
  constructor.py): ``{regex: options}``; every regex that ``re.search``-es a parameter name
  applies, in dict order; an option ``<k>_mult`` multiplies the optimizer's ``<k>``, any other
  option is the group's value.

MMEngine's ``custom_keys`` match *substrings* and only the longest matching key applies
(``lr = base_lr * lr_mult``, ``weight_decay = base_wd * decay_mult``, then every option is
copied into the group). The regex form converts exactly when every regex expands to a finite
set of plain substrings (literals, escaped characters, ``(a|b)`` alternations, ``?``, small
character classes; no ``.``, ``\\d``, ``+``/``*`` or anchors) and any set of regexes that can
match one name together gives the same group values as each of them alone.
"""
from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional, Tuple

try:   # Python 3.11 renamed the regex parser module
    from re import _parser as sre_parse   # type: ignore[attr-defined]
    from re import _constants as sre_constants   # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

#: The MMDet 1.x form: paramwise_cfg's own keys.
PARAMWISE_CFG_KEYS = frozenset({'bias_lr_mult', 'bias_decay_mult', 'norm_decay_mult',
                                'dwconv_decay_mult', 'dcn_offset_lr_mult', 'bypass_duplicate',
                                'custom_keys', 'flat_decay_mult'})
MAX_SUBSTRINGS = 64


class NotExact(Exception):
    """The regex form cannot be carried exactly by custom_keys (the message says why)."""


def is_paramwise_cfg_form(options: Dict[str, Any]) -> bool:
    return bool(options) and all(k in PARAMWISE_CFG_KEYS for k in options)


def expand(regex: str) -> List[str]:
    """The finite set of substrings a regex searches for, in a stable order.

    >>> expand('(bn|gn)\\\\.(weight|bias)')
    ['bn.weight', 'bn.bias', 'gn.weight', 'gn.bias']
    """
    try:
        parsed = sre_parse.parse(regex)
    except Exception as e:   # re.error
        raise NotExact(f'{regex!r} is not a valid regular expression ({e})') from None
    out = _expand_seq(list(parsed), regex)
    if '' in out:
        raise NotExact(f'{regex!r} matches every parameter name')
    if any(sub.startswith('.') for sub in out):
        # MMEngine matches '<prefix>.<name>': a top-level parameter reads '.weight'
        raise NotExact(f'{regex!r} searches for a leading dot, which MMEngine also finds '
                       'before top-level parameter names')
    return list(dict.fromkeys(out))


def _expand_seq(items: List[Tuple[Any, Any]], regex: str) -> List[str]:
    results = ['']
    for op, arg in items:
        options = _expand_item(op, arg, regex)
        results = [a + b for a in results for b in options]
        if len(results) > MAX_SUBSTRINGS:
            raise NotExact(f'{regex!r} expands to more than {MAX_SUBSTRINGS} substrings')
    return results


def _expand_item(op: Any, arg: Any, regex: str) -> List[str]:
    c = sre_constants
    if op is c.LITERAL:
        return [chr(arg)]
    if op is c.SUBPATTERN:
        return _expand_seq(list(arg[-1]), regex)
    if op is c.BRANCH:
        return [s for branch in arg[1] for s in _expand_seq(list(branch), regex)]
    if op is c.IN and all(o is c.LITERAL for o, _ in arg):
        return [chr(v) for _, v in arg]
    if op is c.MAX_REPEAT and arg[0] == 0 and arg[1] == 1:
        return [''] + _expand_seq(list(arg[2]), regex)
    what = {c.ANY: "'.' (any character)", c.AT: 'an anchor', c.MAX_REPEAT: 'a repeat',
            c.MIN_REPEAT: 'a repeat', c.IN: 'a character class'}.get(op, str(op))
    raise NotExact(f'{regex!r} uses {what}, which no finite set of substrings matches '
                   'exactly')


def _legacy_group(options_in_order: List[Dict[str, Any]],
                  optimizer: Dict[str, Any]) -> Dict[str, Any]:
    """The group values MMSelfSup gives a parameter that these option dicts all match."""
    group: Dict[str, Any] = {}
    for options in options_in_order:
        for key, value in options.items():
            if key.endswith('_mult'):
                key = key[:-5]
                if not isinstance(optimizer.get(key), (int, float)) \
                        or not isinstance(value, (int, float)):
                    raise NotExact(f'{key}_mult needs a numeric optimizer.{key}')
                value = optimizer[key] * value
            group[key] = value
    return group


def _custom_key(options: Dict[str, Any], optimizer: Dict[str, Any]) -> Dict[str, Any]:
    """MMEngine custom_keys options giving the same group values as ``options`` alone."""
    out: Dict[str, Any] = {}
    for key, value in options.items():
        if key == 'lr_mult':
            out['lr_mult'] = value
        elif key == 'weight_decay_mult':
            out['decay_mult'] = value
        elif key.endswith('_mult'):
            out[key[:-5]] = _legacy_group([{key: value}], optimizer)[key[:-5]]
        else:
            out[key] = value
    if 'decay_mult' in out and not isinstance(optimizer.get('weight_decay'), (int, float)):
        raise NotExact('weight_decay_mult needs a numeric optimizer.weight_decay')
    return out


def _engine_group(custom: Dict[str, Any], optimizer: Dict[str, Any]) -> Dict[str, Any]:
    """The group values MMEngine 0.10.7 gives a parameter whose longest key has ``custom``."""
    group = {'lr': optimizer['lr'] * custom.get('lr_mult', 1.)}
    if isinstance(optimizer.get('weight_decay'), (int, float)):
        group['weight_decay'] = optimizer['weight_decay'] * custom.get('decay_mult', 1.)
    group.update({k: v for k, v in custom.items() if k not in ('lr_mult', 'decay_mult')})
    return group


def _defaults(optimizer: Dict[str, Any]) -> Dict[str, Any]:
    out = {'lr': optimizer.get('lr')}
    if isinstance(optimizer.get('weight_decay'), (int, float)):
        out['weight_decay'] = optimizer['weight_decay']
    return out


def to_custom_keys(paramwise: Dict[str, Any], optimizer: Dict[str, Any]) -> Dict[str, Any]:
    """``custom_keys`` equal to the regex form, or :class:`NotExact` saying why not."""
    if not isinstance(optimizer.get('lr'), (int, float)):
        raise NotExact('optimizer.lr is not a number the converter can read')
    regexes = list(paramwise)
    custom: Dict[str, Dict[str, Any]] = {}
    owner: Dict[str, str] = {}
    for regex in regexes:
        options = paramwise[regex]
        if not isinstance(regex, str) or not isinstance(options, dict):
            raise NotExact(f'{regex!r}: expected a regex mapped to a dict of options')
        translated = _custom_key(options, optimizer)
        for sub in expand(regex):
            if sub in custom and custom[sub] != translated:
                raise NotExact(f'{owner[sub]!r} and {regex!r} both match {sub!r} with '
                               'different options')
            custom[sub], owner[sub] = translated, regex
    base = _defaults(optimizer)
    for size in range(2, len(regexes) + 1):
        for together in itertools.combinations(regexes, size):
            legacy = {**base, **_legacy_group([paramwise[r] for r in together], optimizer)}
            for regex in together:
                alone = {**base, **_engine_group(_custom_key(paramwise[regex], optimizer),
                                                 optimizer)}
                if not _same_group(legacy, alone):
                    raise NotExact(f'a name matching {", ".join(map(repr, together))} gets all '
                                   'their options in MMSelfSup, only the longest key\'s in '
                                   'MMEngine')
    return custom


def _same_group(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    keys = set(a) | set(b)
    return all(_close(a.get(k), b.get(k)) for k in keys)


def _close(a: Optional[Any], b: Optional[Any]) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    return a == b
