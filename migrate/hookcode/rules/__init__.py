"""The hook-code rules, one per module, in the order they run.

Hook points run first (later rules read the stage a method now is); imports run next to last
(they import what the other rewrites introduced), and the leftover check last (it reports what
still needs MMCV 1.x). Ids are stable: never renumber, never reuse.
"""
from __future__ import annotations

from typing import Dict, Tuple

from migrate.hookcode.rules.base import HookRule
from migrate.hookcode.rules.eval_hook_subclass import EvalHookSubclass
from migrate.hookcode.rules.helpers import Helpers
from migrate.hookcode.rules.hook_points import HookPoints
from migrate.hookcode.rules.imports import Imports
from migrate.hookcode.rules.leftover_legacy import LeftoverLegacy
from migrate.hookcode.rules.log_buffer import LogBuffer
from migrate.hookcode.rules.logger_hook_subclass import LoggerHookSubclass
from migrate.hookcode.rules.lr_updater_subclass import LrUpdaterSubclass
from migrate.hookcode.rules.optimizer_hook_subclass import OptimizerHookSubclass
from migrate.hookcode.rules.port_registrations import PortRegistrations
from migrate.hookcode.rules.runner_attributes import RunnerAttributes
from migrate.hookcode.rules.runner_subclass import RunnerSubclass
from migrate.hookcode.rules.timeline import Timeline

HOOK_RULES: Tuple[HookRule, ...] = (
    HookPoints(), Helpers(), LogBuffer(), RunnerAttributes(), Timeline(),
    LrUpdaterSubclass(), OptimizerHookSubclass(), EvalHookSubclass(), RunnerSubclass(),
    LoggerHookSubclass(), PortRegistrations(), Imports(), LeftoverLegacy(),
)
HOOK_RULES_BY_ID: Dict[str, HookRule] = {r.id: r for r in HOOK_RULES}
