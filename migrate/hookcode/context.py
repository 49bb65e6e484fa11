"""What the hook-code rules share while converting one module."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

import libcst as cst

from migrate.rules.base import Finding

MARK = 'migrate['


@dataclass
class HookContext:
    """One module's conversion: the target, the findings and the names the rules added."""

    target: str
    path: str = ''
    findings: List[Finding] = field(default_factory=list)
    #: new names a converted body uses that the import rule must provide
    needed: Set[str] = field(default_factory=set)
    #: legacy import names whose uses were renamed (is_module_wrapper -> is_model_wrapper)
    renamed: Dict[str, str] = field(default_factory=dict)
    applied: List[str] = field(default_factory=list)

    def report(self, rule: str, severity: str, key: str, message: str) -> Finding:
        finding = Finding(rule, severity, key, message)
        if not any(f.as_dict() == finding.as_dict() for f in self.findings):
            self.findings.append(finding)
        if rule not in self.applied:
            self.applied.append(rule)
        return finding


def marker(rule: str, text: str) -> str:
    return f'# migrate[{rule}]: {text}'


def wrapped(comment: str, width: int = 80) -> List[str]:
    """``comment`` as comment lines of at most ``width`` characters (continuations
    indented), so a marker never makes a line too long to read."""
    lines = textwrap.wrap(comment[2:], width - 2, break_long_words=False,
                          break_on_hyphens=False)
    return ['# ' + lines[0]] + ['#   ' + line for line in lines[1:]]


def add_comment(node: cst.CSTNode, comment: str) -> cst.CSTNode:
    """``node`` (a statement) with ``comment`` on its own lines above it, once."""
    lines = list(getattr(node, 'leading_lines', ()))
    texts = wrapped(comment)
    if any(line.comment is not None and line.comment.value == texts[0] for line in lines):
        return node
    return node.with_changes(leading_lines=lines + [
        cst.EmptyLine(indent=True, whitespace=cst.SimpleWhitespace(''),
                      comment=cst.Comment(text)) for text in texts])


def has_marker(node: cst.CSTNode, rule: Optional[str] = None) -> bool:
    wanted = f'# migrate[{rule}]' if rule else '# ' + MARK
    return any(line.comment is not None and line.comment.value.startswith(wanted)
               for line in getattr(node, 'leading_lines', ()))
