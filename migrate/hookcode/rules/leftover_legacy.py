"""HK012: what still needs MMCV 1.x after every other rule ran, said at the line.

MMCV 1.x cannot be installed beside an MMEngine-era torch, so a converted module that still
imports ``mmcv.runner``/``mmcv.parallel``/``mmcv.utils``/``mmcv.fileio`` (at top level or inside
a function), or calls a top-level ``mmcv.<name>`` that MMCV 2.x removed (``mmcv.is_list_of``,
``mmcv.mkdir_or_exist``, ``mmcv.dump``, ``mmcv.Config``, ...), does not run. The base of a
framework subclass left as written is not reported again (its own rule, HK007-HK011, does);
everything else gets a marker at its line and a manual finding naming the replacement.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set

import libcst as cst

from migrate.hookcode.classes import HOOK, imported_as
from migrate.hookcode.context import HookContext, add_comment, marker, wrapped
from migrate.hookcode.names import FRAMEWORK, new_home
from migrate.hookcode.recognise import base_names, dotted, import_module_name
from migrate.hookcode.rules.base import HookRule

#: modules MMCV 2.x no longer has (their names moved to MMEngine)
GONE_MODULES = ('mmcv.runner', 'mmcv.parallel', 'mmcv.utils', 'mmcv.fileio', 'mmcv.engine')

#: top-level ``mmcv.<name>`` that MMCV 2.x removed -> where MMEngine has it
GONE_TOP_LEVEL: Dict[str, str] = {
    'Config': 'mmengine.config.Config', 'ConfigDict': 'mmengine.config.ConfigDict',
    'DictAction': 'mmengine.config.DictAction', 'Registry': 'mmengine.registry.Registry',
    'build_from_cfg': 'mmengine.registry.build_from_cfg',
    'is_list_of': 'mmengine.utils.is_list_of', 'is_tuple_of': 'mmengine.utils.is_tuple_of',
    'is_seq_of': 'mmengine.utils.is_seq_of', 'is_str': 'mmengine.utils.is_str',
    'mkdir_or_exist': 'mmengine.utils.mkdir_or_exist', 'scandir': 'mmengine.utils.scandir',
    'check_file_exist': 'mmengine.utils.check_file_exist',
    'track_progress': 'mmengine.utils.track_progress',
    'track_parallel_progress': 'mmengine.utils.track_parallel_progress',
    'track_iter_progress': 'mmengine.utils.track_iter_progress',
    'ProgressBar': 'mmengine.utils.ProgressBar', 'Timer': 'mmengine.utils.Timer',
    'dump': 'mmengine.fileio.dump', 'load': 'mmengine.fileio.load',
    'list_from_file': 'mmengine.fileio.list_from_file',
    'dict_from_file': 'mmengine.fileio.dict_from_file',
    'FileClient': 'mmengine.fileio.FileClient',
    'print_log': "mmengine.logging.print_log (logger='current' for the run's logger: MMEngine "
                 'raises ValueError for a logger name it has not created)',
    'get_logger': 'mmengine.logging.MMLogger.get_instance',
}


#: where the engine (or the standard library) has them, for ``--target engine``
ENGINE_HOME: Dict[str, str] = {
    'Config': 'engine.config.Config', 'ConfigDict': 'engine.config.ConfigDict',
    'Registry': 'engine.registry.Registry', 'build_from_cfg': 'engine.registry.build_from_cfg',
    'mkdir_or_exist': 'os.makedirs(path, exist_ok=True)',
    'is_list_of': 'isinstance(seq, list) and all(isinstance(x, T) for x in seq)',
    'is_tuple_of': 'isinstance(seq, tuple) and all(isinstance(x, T) for x in seq)',
    'is_str': 'isinstance(x, str)',
    'dump': 'json.dump/pickle.dump/yaml.safe_dump by the file\'s suffix',
    'load': 'json.load/pickle.load/yaml.safe_load by the file\'s suffix',
    'print_log': 'engine.logging.get_logger().info', 'get_logger': 'engine.logging.get_logger',
}


def _home(name: str, target: str) -> str:
    if target == 'engine' and name in ENGINE_HOME:
        return ENGINE_HOME[name]
    home = GONE_TOP_LEVEL[name]
    return home if target == 'mmengine' else f'{home} (with MMEngine installed)'


def _gone_module(module: str) -> bool:
    return any(module == m or module.startswith(m + '.') for m in GONE_MODULES)


class _Mark(cst.CSTTransformer):
    def __init__(self, rule: 'LeftoverLegacy', ctx: HookContext, covered: Set[str],
                 header: Set[str]):
        super().__init__()
        self.rule, self.ctx, self.covered = rule, ctx, covered
        # libcst keeps the comments above a module's first statement in its header
        self.header = header
        self._notes: List[List[str]] = []

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._notes.append([])

    def leave_SimpleStatementLine(self, original, updated):
        notes = self._notes.pop()
        for text in notes:
            if wrapped(marker(self.rule.id, text))[0] not in self.header:
                updated = add_comment(updated, marker(self.rule.id, text))
        return updated

    def _say(self, key: str, text: str) -> None:
        if key in self.covered:
            return
        # a use HK001 left as written is its manual finding already, with its marker
        if any(f.rule == 'HK001' and f.severity == 'manual'
               and (f.key == key or f.key.startswith(key + '.')) for f in self.ctx.findings):
            return
        self.ctx.report(self.rule.id, 'manual', key, text)
        if self._notes:
            self._notes[-1].append(text)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> Optional[bool]:
        source = import_module_name(node)
        if source == 'mmcv' and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = dotted(alias.name)
                if name in GONE_TOP_LEVEL:
                    self._say(f'mmcv.{name}', f'from mmcv import {name}: removed in MMCV 2.x: '
                                              f'use {_home(name, self.ctx.target)}')
            return False
        if not _gone_module(source):
            return False
        names = ['*'] if isinstance(node.names, cst.ImportStar) else \
            [dotted(a.name) for a in node.names]
        for name in names:
            home = new_home(name, self.ctx.target)
            fix = (f'import {home[0]} from {home[1]} instead' if home is not None else
                   f'no counterpart is known for {self.ctx.target}; replace its uses')
            self._say(name, f'{name} is still imported from {source}, which MMCV 2.x does not '
                            f'have and MMCV 1.x cannot be installed beside MMEngine: {fix}')
        return False

    def visit_Import(self, node: cst.Import) -> Optional[bool]:
        for alias in node.names:
            name = dotted(alias.name)
            if _gone_module(name):
                self._say(name, f'import {name}: MMCV 2.x has no {name} and MMCV 1.x cannot '
                                'be installed beside MMEngine; import what the code uses from '
                                'its new home (mmengine.runner/hooks/dist/model/utils/fileio)')
        return False

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        if isinstance(node.value, cst.Name) and node.value.value == 'mmcv':
            name = node.attr.value
            if name in GONE_TOP_LEVEL:
                self._say(f'mmcv.{name}', f'mmcv.{name} was removed in MMCV 2.x: use '
                                          f'{_home(name, self.ctx.target)}')
            elif f'mmcv.{name}' in GONE_MODULES:
                self._say(f'mmcv.{name}', f'mmcv.{name} was removed in MMCV 2.x (moved to '
                                          'mmengine): use the names from their new homes')
            return False
        return True


class LeftoverLegacy(HookRule):
    id = 'HK012'
    name = 'leftover-legacy'
    summary = ('any mmcv.runner/parallel/utils/fileio import or removed mmcv.<name> the other '
               'rules left is marked at its line and reported with its replacement')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        # a framework class still subclassed as written is the manual port its own rule
        # (HK007-HK011) marks and reports, in this pass or the one that converted it
        aliases = imported_as(module)
        covered = set()
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value, HOOK) != HOOK:
                covered.update(aliases.get(b, b) for b in base_names(stmt))
        header = {line.comment.value for line in module.header if line.comment is not None}
        return module.visit(_Mark(self, ctx, covered & set(FRAMEWORK), header))
