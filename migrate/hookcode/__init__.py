"""``migrate convert`` for legacy hook code: modules that define MMCV 1.x hooks, LR updaters,
optimizer/eval hooks or runners, rewritten for MMEngine (or the engine) with libcst.

Kept apart from the config rules (``migrate.rules``): its rules are ``HKnnn``, its golden
pairs ``fixtures/legacy_hooks/`` -> ``fixtures/converted_hooks/<target>/``.
"""
from migrate.hookcode.convert import HookOutcome, convert_hook_text, module_kind
from migrate.hookcode.recognise import CODE, CONFIG, HOOK
from migrate.hookcode.rules import HOOK_RULES, HOOK_RULES_BY_ID

__all__ = ['CODE', 'CONFIG', 'HOOK', 'HOOK_RULES', 'HOOK_RULES_BY_ID', 'HookOutcome',
           'convert_hook_text', 'module_kind']
