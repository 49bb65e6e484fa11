"""HK001 for ``print_log(msg, logger=..., level=...)`` calls (``mmcv.utils``/``mmcv.runner``).

MMCV 1.7.2 printed with no logger, logged nothing for ``'silent'``, called
``logger.log(level, msg)`` on a Logger and logged a name through ``get_logger(name)`` (a
``logging`` logger it gives a stderr handler at INFO on first use; ``'root'`` is the stdlib root
logger, not the run's log). MMEngine 0.10.7's print_log agrees on the first three, but a name
must be an existing MMLogger's (``'root'`` raises ValueError): a name goes to ``'current'``, the
run's logger, marked. The engine has no print_log: each form becomes its own call (``print``,
nothing, ``logger.log``; a name the run's ``logging.getLogger('engine')``, marked). A logger
whose kind the converter cannot read stays, marked: MMCV also took a name there.
"""
from __future__ import annotations

import ast
from typing import List, Optional, Set, Tuple

import libcst as cst

from migrate.hookcode.context import HookContext, add_comment, has_marker, marker
from migrate.hookcode.recognise import dotted, import_module_name
from migrate.hookcode.names import is_legacy_module

RULE = 'HK001'

#: calls that return a ``logging.Logger`` (MMCV's and the downstream codebases' loggers)
_LOGGER_FACTORIES = ('getLogger', 'get_logger', 'get_root_logger', 'get_current_instance',
                     'get_instance')


def print_log_names(module: cst.Module) -> Set[str]:
    """The local names a legacy ``from mmcv.utils import print_log`` binds, at any depth."""

    class _Find(cst.CSTVisitor):
        def __init__(self):
            super().__init__()
            self.names: Set[str] = set()

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            if is_legacy_module(import_module_name(node)) and \
                    not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    if dotted(alias.name) == 'print_log':
                        self.names.add(alias.asname.name.value if alias.asname is not None
                                       else 'print_log')
            return False

    found = _Find()
    module.visit(found)
    return found.names


def _string(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = ast.literal_eval(cst.Module([]).code_for_node(node))
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    return None


def _kind(logger: Optional[cst.BaseExpression]) -> str:
    """'print', 'silent', 'name', 'logger' (a Logger object) or 'unknown'."""
    if logger is None or (isinstance(logger, cst.Name) and logger.value == 'None'):
        return 'print'
    text = _string(logger)
    if text is not None:
        return 'silent' if text == 'silent' else 'name'
    if isinstance(logger, cst.Call):
        return 'logger' if dotted(logger.func).rsplit('.', 1)[-1] in _LOGGER_FACTORIES \
            else 'unknown'
    path = dotted(logger)
    return 'logger' if path and 'logger' in path.rsplit('.', 1)[-1].lower() else 'unknown'


def _split(call: cst.Call) -> Optional[Tuple[cst.Arg, Optional[cst.Arg], Optional[cst.Arg]]]:
    """(msg, logger, level) arguments, or None for a call the converter cannot read."""
    slots = {'msg': None, 'logger': None, 'level': None}
    order = ['msg', 'logger', 'level']
    for i, arg in enumerate(call.args):
        if arg.star:
            return None
        if arg.keyword is None:
            if i >= 3:
                return None
            slots[order[i]] = arg
        elif arg.keyword.value in slots:
            slots[arg.keyword.value] = arg
        else:
            return None
    if slots['msg'] is None:
        return None
    return slots['msg'], slots['logger'], slots['level']


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class PrintLogCalls(cst.CSTTransformer):
    """Rewrites the calls of ``names`` (see the module docstring); ``needs_logging`` says
    whether a rewritten call uses ``logging``."""

    def __init__(self, ctx: HookContext, names: Set[str]):
        super().__init__()
        self.ctx, self.names = ctx, names
        self.needs_logging = False
        self._notes: List[List[str]] = []
        self._statements: Set[int] = set()   # calls that are a whole expression statement

    def visit_Expr(self, node: cst.Expr) -> None:
        self._statements.add(id(node.value))

    def visit_SimpleStatementLine(self, node) -> None:
        self._notes.append([])

    def leave_SimpleStatementLine(self, original, updated):
        notes = self._notes.pop()
        said = has_marker(original, RULE)
        for text in notes:
            if not said:
                updated = add_comment(updated, marker(RULE, text))
        return updated

    def leave_Expr(self, original: cst.Expr, updated: cst.Expr):
        # engine, 'silent': MMCV evaluated the message and logged nothing
        if isinstance(updated.value, cst.Name) and updated.value.value == '__silent__':
            return cst.Pass()
        return updated

    def _say(self, severity: str, key: str, text: str) -> None:
        self.ctx.report(RULE, severity, key, text)
        if severity == 'manual' and self._notes and text not in self._notes[-1]:
            self._notes[-1].append(text)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not (isinstance(updated.func, cst.Name) and updated.func.value in self.names):
            return updated
        parts = _split(updated)
        if parts is None:
            self._say('manual', 'print_log', f'{_code(original)}: arguments the converter '
                      'cannot read; MMCV took print_log(msg, logger=None, level=INFO): '
                      'write it for the target by hand')
            return updated
        msg, logger, level = parts
        kind = _kind(logger.value if logger is not None else None)
        if self.ctx.target == 'mmengine':
            return self._mmengine(original, updated, kind, logger)
        return self._engine(original, kind, msg, logger, level,
                            id(original) in self._statements)

    def _mmengine(self, original, updated, kind, logger) -> cst.Call:
        if kind in ('print', 'silent', 'logger'):
            return updated   # MMEngine's print_log does the same for these
        if kind == 'unknown':
            self._say('manual', 'print_log', _unknown_text(_code(logger.value), 'mmengine'))
            return updated
        name = _string(logger.value)
        self._say('manual', 'print_log', _name_text(name, "logger='current'", 'mmengine'))
        new = logger.with_changes(value=cst.SimpleString("'current'"))
        return updated.with_changes(args=[new if a is logger else a for a in updated.args])

    def _engine(self, original, kind, msg, logger, level,
                statement: bool) -> cst.BaseExpression:
        text = msg.value
        level_code = _code(level.value) if level is not None else None
        if kind == 'print':
            return cst.parse_expression(f'print({_code(text)})')
        if kind == 'silent':
            self.ctx.report(RULE, 'note', 'print_log', f"{_code(original)}: logger='silent' "
                            'logged nothing in MMCV: nothing is logged here either')
            if _has_call(text):   # the message's own calls still run
                if statement:
                    return text
                self._say('manual', 'print_log', f"{_code(original)}: logger='silent' "
                          'logged nothing and returned None: the message\'s calls no longer '
                          'run here; call them by hand if they must')
            return cst.Name('__silent__') if statement else cst.Name('None')
        if kind == 'name':
            self.needs_logging = True
            target = "logging.getLogger('engine')"
            self._say('manual', 'print_log', _name_text(_string(logger.value), target,
                                                        'engine'))
        else:
            target = _code(logger.value)
            if kind == 'unknown':
                self._say('manual', 'print_log', _unknown_text(target, 'engine'))
        if isinstance(logger.value, (cst.BinaryOperation, cst.BooleanOperation, cst.IfExp,
                                     cst.Lambda, cst.Await, cst.Yield, cst.NamedExpr)):
            target = f'({target})'
        if level_code is None:
            return cst.parse_expression(f'{target}.info(x)').with_changes(
                args=[msg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT,
                                       comma=cst.MaybeSentinel.DEFAULT)])
        call = cst.parse_expression(f'{target}.log({level_code}, x)')
        return call.with_changes(args=[call.args[0], msg.with_changes(
            keyword=None, equal=cst.MaybeSentinel.DEFAULT, comma=cst.MaybeSentinel.DEFAULT)])


def _has_call(node: cst.CSTNode) -> bool:
    class _Find(cst.CSTVisitor):
        found = False

        def visit_Call(self, node) -> None:
            self.found = True

    finder = _Find()
    node.visit(finder)
    return finder.found


def _name_text(name: str, now: str, target: str) -> str:
    where = ('the stdlib root logger (not the run\'s log file)' if name == 'root' else
             f'the logging logger {name!r}')
    there = ("MMEngine's print_log raises ValueError for a name no MMLogger has "
             f"('MMLogger: {name} has not been created!')" if target == 'mmengine' else
             'the engine has no print_log')
    return (f"print_log(..., logger={name!r}): MMCV logged to {where} through "
            f'get_logger({name!r}), which gave it a stderr handler at INFO on first use; '
            f"{there}: it now logs through {now}, the run's logger (console and log file); "
            f'use logging.getLogger({name!r}) if it must go where MMCV sent it')


def _unknown_text(logger: str, target: str) -> str:
    takes = ("a Logger, 'silent', 'current' or an existing MMLogger's name" if
             target == 'mmengine' else 'a Logger (its .info or .log is called)')
    return (f'print_log(..., logger={logger}): MMCV took a Logger or a logger name here '
            f'(get_logger(name)); the converted call takes {takes}: check what {logger} is')
