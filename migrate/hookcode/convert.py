"""Convert one hook module's text: parse with libcst, run the hook-code rules, check the
result compiles. Never executes the module."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import libcst as cst

from migrate.hookcode.classes import hook_classes
from migrate.hookcode.context import HookContext
from migrate.hookcode.recognise import CODE, CONFIG, HOOK, classify, vendored_mmcv
from migrate.hookcode.rules import HOOK_RULES
from migrate.rules.base import Finding

NOT_HOOK_CODE = ('not hook code: the module defines code but neither configures a run nor '
                 'imports mmcv.runner or defines a hook; left byte-identical')


def vendored_note(modules: List[str]) -> str:
    """Why a module built on a vendored MMCV copy is left as it is: its hooks run on that
    copy's runner (projects vendor MMCV to run without installing it), which calls them with
    MMCV's signatures; a hook converted to MMEngine's stages and registry would be called by
    nothing, or with the wrong arguments, until the copy's users move off it together."""
    return (f'imports a vendored copy of MMCV ({", ".join(modules)}): its hooks run on that '
            'copy\'s runner with MMCV 1.x signatures, so it is left byte-identical; if the '
            'project moves off the copy to MMEngine, convert the copy\'s users together '
            '(migrate convert on the tree that imports it, after pointing its imports at '
            'mmcv.runner)')


@dataclass
class HookOutcome:
    """What converting one module gave; ``kind`` is HOOK, CODE or CONFIG."""

    kind: str
    text_out: Optional[str] = None
    findings: List[Finding] = field(default_factory=list)
    rules: List[str] = field(default_factory=list)


def module_kind(text: str) -> str:
    """HOOK, CODE or CONFIG for a module's text (CONFIG if it does not parse: the config
    converter reports that)."""
    try:
        return classify(cst.parse_module(text))
    except cst.ParserSyntaxError:
        return CONFIG


def convert_hook_text(text: str, target: str = 'mmengine', path: str = '') -> HookOutcome:
    """Convert hook code (``module_kind(text) == HOOK``); other code comes back unchanged
    with a 'not hook code' note, a config with kind CONFIG and nothing else."""
    module = cst.parse_module(text)
    kind = classify(module)
    if kind == CONFIG:
        return HookOutcome(CONFIG)
    if kind == CODE:
        return HookOutcome(CODE, text, [Finding('HK000', 'note', 'module', NOT_HOOK_CODE)])
    vendored = vendored_mmcv(module)
    if vendored:
        return HookOutcome(HOOK, text, [Finding('HK001', 'note', vendored[0], vendored_note(
            vendored))], ['HK001'])
    ctx = HookContext(target=target, path=path)
    kinds = hook_classes(module)
    for rule in HOOK_RULES:
        module = rule.apply(module, ctx, kinds)
    out = module.code
    if out == text:   # converted already (or nothing to convert): nothing to say
        return HookOutcome(HOOK, text)
    compile(out, path or '<hook module>', 'exec', dont_inherit=True)
    return HookOutcome(HOOK, out, ctx.findings, [r.id for r in HOOK_RULES
                                                 if r.id in ctx.applied])


#: a module larger than this is not read to decide (a config's custom_imports module)
_SIZE_LIMIT = 2 * 1024 * 1024


def is_legacy_hook_code(path: str, target: str) -> bool:
    """Does converting the file ``path`` as hook code for ``target`` change it? (Read with
    libcst, never executed; False for a file that is not there, too large or not Python.)"""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return _changes(path, target, (st.st_mtime_ns, st.st_size))


@functools.lru_cache(maxsize=256)   # a tree's configs often import the same module
def _changes(path: str, target: str, stamp: Tuple[int, int]) -> bool:
    # ``stamp`` (mtime, size): a file rewritten since is read again
    try:
        if stamp[1] > _SIZE_LIMIT:
            return False
        with open(path, encoding='utf-8') as f:
            text = f.read()
        if module_kind(text) != HOOK:
            return False
        return convert_hook_text(text, target, path).text_out != text
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return False
    except Exception:   # libcst's parser errors: not legacy hook code the converter reads
        return False
