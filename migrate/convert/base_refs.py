"""Keep a file's ``{{_base_.a.b}}`` references pointing at values its converted bases hold.

MMCV 1.x (``Config._pre_substitute_base_vars`` / ``_substitute_base_vars``) and MMEngine 0.10
read ``{{_base_.a.b}}`` the same way: the text becomes a unique placeholder string, swapped for
the value of ``a.b`` in the merged bases only where it stands alone as a dict value or a
list/tuple element; anywhere else (``{{_base_.x}} * 2``) it stays a random string. MMEngine
raises a KeyError when ``a.b`` is missing, so a leaf that kept
``batch = {{_base_.data.samples_per_gpu}}`` while its converted base moved ``data`` to
``train_dataloader`` no longer loads.

:func:`resolve_base_refs` rewrites each reference of the converted text: kept where the
converted bases hold the legacy value at the same path, moved to the converted location that
holds the same value (checked on the converted bases' merged view, never assumed from the
table), else written out with a ``# migrate[MIG000]`` marker. A reference inside an expression
meant a placeholder string in MMCV and means the same in MMEngine: it is moved like the others
(so the file never names a key that is gone) and marked, as it is almost surely a legacy bug.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from migrate.convert.render import comment_lines, comment_width, literal, says
from migrate.convert.rewrite import assigned_names
from migrate.rules.base import MANUAL, NOTE, Finding
from migrate.static.evaluator import BASE_VAR_RE
from migrate.static.values import contains_unknown

#: legacy path prefix -> the converted prefixes that may hold the same value, in the order
#: tried (the rules that move them: MIG082 data, MIG010 runner, MIG001/002 optimizer and
#: optimizer_config, MIG030 checkpoint_config, MIG040 log_config, MIG020 evaluation,
#: MIG050 fp16, MIG070 env keys, MIG090 resume_from, MIG011 MMDet 2.0 top-level cfgs).
MOVES: Dict[Tuple[str, ...], Tuple[Tuple[str, ...], ...]] = {
    ('data', 'samples_per_gpu'): (('train_dataloader', 'batch_size'),),
    ('data', 'workers_per_gpu'): (('train_dataloader', 'num_workers'),),
    ('data', 'persistent_workers'): (('train_dataloader', 'persistent_workers'),),
    ('data', 'train'): (('train_dataloader', 'dataset'),),
    ('data', 'val'): (('val_dataloader', 'dataset'),),
    ('data', 'test'): (('test_dataloader', 'dataset'),),
    # MMDet 2.x per-loader overrides (data.train_dataloader = dict(samples_per_gpu=...))
    ('data', 'train_dataloader', 'samples_per_gpu'): (('train_dataloader', 'batch_size'),),
    ('data', 'train_dataloader', 'workers_per_gpu'): (('train_dataloader', 'num_workers'),),
    ('data', 'val_dataloader', 'samples_per_gpu'): (('val_dataloader', 'batch_size'),),
    ('data', 'val_dataloader', 'workers_per_gpu'): (('val_dataloader', 'num_workers'),),
    ('data', 'test_dataloader', 'samples_per_gpu'): (('test_dataloader', 'batch_size'),),
    ('data', 'test_dataloader', 'workers_per_gpu'): (('test_dataloader', 'num_workers'),),
    ('runner', 'max_epochs'): (('train_cfg', 'max_epochs'),),
    ('runner', 'max_iters'): (('train_cfg', 'max_iters'),),
    ('total_epochs',): (('train_cfg', 'max_epochs'),),
    ('optimizer', 'paramwise_cfg'): (('optim_wrapper', 'paramwise_cfg'),),
    ('optimizer',): (('optim_wrapper', 'optimizer'),),
    ('optimizer_config', 'grad_clip'): (('optim_wrapper', 'clip_grad'),),
    ('optimizer_config', 'cumulative_iters'): (('optim_wrapper', 'accumulative_counts'),),
    ('fp16', 'loss_scale'): (('optim_wrapper', 'loss_scale'),),
    ('evaluation', 'interval'): (('train_cfg', 'val_interval'),),
    ('evaluation', 'save_best'): (('default_hooks', 'checkpoint', 'save_best'),),
    ('evaluation', 'metric'): (('val_evaluator', 'metric'),),
    ('checkpoint_config',): (('default_hooks', 'checkpoint'),),
    ('log_config', 'interval'): (('default_hooks', 'logger', 'interval'),),
    ('dist_params',): (('env_cfg', 'dist_cfg'),),
    ('cudnn_benchmark',): (('env_cfg', 'cudnn_benchmark'),),
    ('mp_start_method',): (('env_cfg', 'mp_cfg', 'mp_start_method'),),
    ('opencv_num_threads',): (('env_cfg', 'mp_cfg', 'opencv_num_threads'),),
    ('resume_from',): (('load_from',),),
    ('train_cfg',): (('model', 'train_cfg'),),
    ('test_cfg',): (('model', 'test_cfg'),),
}

_MISSING = object()


def resolve_base_refs(text: str, path: str, legacy_base: Callable[[], Dict[str, Any]],
                      converted_base: Dict[str, Any]) -> Tuple[str, List[Finding]]:
    """``text`` (a converted file) with its ``{{_base_.x}}`` references resolved against
    ``converted_base`` (its converted bases merged the MMEngine way), and the findings.
    ``legacy_base()`` gives what the references meant: the legacy bases merged the MMCV way.
    """
    if '{{' not in text or not BASE_VAR_RE.search(text):
        return text, []
    module = cst.parse_module(text)
    resolver = _Resolver(path, legacy_base, converted_base)
    body = []
    notes: Dict[int, List[str]] = {}
    for index, stmt in enumerate(module.body):
        resolver.key = _key_of(stmt, index)
        resolver.notes = []
        body.append(stmt.visit(resolver))
        if resolver.notes:
            notes[index] = resolver.notes
    if not resolver.changed and not notes:
        return text, []
    module, said = _add_notes(module.with_changes(body=body), notes, comment_width(text))
    return module.code, [f for f in resolver.findings if f.comment() not in said]


class _Resolver(cst.CSTTransformer):
    """Rewrites the references of one top-level statement at a time (``key`` names it)."""

    def __init__(self, path: str, legacy_base: Callable[[], Dict[str, Any]],
                 converted_base: Dict[str, Any]):
        super().__init__()
        self.path = path
        self._legacy_base = legacy_base
        self._legacy: Optional[Dict[str, Any]] = None
        self.converted = converted_base
        self.key = ''
        self.notes: List[str] = []
        self.findings: List[Finding] = []
        self.changed = False
        self._stack: List[cst.CSTNode] = []

    def legacy(self) -> Dict[str, Any]:
        if self._legacy is None:
            self._legacy = self._legacy_base()
        return self._legacy

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._stack.append(node)
        return not _is_ref(node)   # a reference's own parts are no references

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        self._stack.pop()
        if not _is_ref(original):
            return super().on_leave(original, updated)
        code = _code(original)
        ref = tuple(BASE_VAR_RE.fullmatch(code).group(1).split('.'))
        whole = _stands_alone(self._stack + [original])
        new = self._resolve(ref, code, whole)
        if new is None:
            return updated
        self.changed = True
        replacement = cst.parse_expression(new)
        return replacement.with_changes(lpar=original.lpar, rpar=original.rpar)

    def _resolve(self, ref: Tuple[str, ...], code: str, whole: bool) -> Optional[str]:
        """The text to write for a reference, or None to leave it as written."""
        meant = _at(self.legacy(), ref)
        moved = self._same_value_at(ref, meant)
        new_code = None
        if moved is not None and moved != ref:
            new_code = code.replace(_named(ref), _named(moved), 1)
        if not whole:
            self._say(MANUAL, f'the {_named(moved or ref)} reference is part of an '
                      'expression: MMCV and MMEngine put the base value only where the '
                      'reference is a whole value, so this is a placeholder string, not the '
                      'value; write the value out instead')
            return new_code
        if moved is not None or meant is _MISSING:   # missing: the static reader refused it
            return new_code
        if contains_unknown(meant):
            self._say(MANUAL, f'the {_named(ref)} reference: no key of the converted bases '
                      'holds its value and it cannot be written out statically, so MMEngine '
                      'cannot load this file: write the value here')
            return None
        self._say(NOTE, f'the {_named(ref)} reference written out: no key of the converted '
                  'bases holds its value; a change to the base no longer reaches this file')
        return literal(meant)

    def _same_value_at(self, ref: Tuple[str, ...], meant: Any) -> Optional[Tuple[str, ...]]:
        """The first of ``ref`` and its converted locations that holds ``meant``."""
        if meant is _MISSING:
            return None
        for candidate in (ref,) + _moves_of(ref):
            if _at(self.converted, candidate) == meant:
                return candidate
        return None

    def _say(self, severity: str, message: str) -> None:
        finding = Finding('MIG000', severity, self.key, message, kind='base reference',
                          marked=True)
        if finding.comment() not in self.notes:
            self.notes.append(finding.comment())
            self.findings.append(finding)


def _named(path: Tuple[str, ...]) -> str:
    # markers name a reference without braces: a loader may read braces even in comments
    return '_base_.' + '.'.join(path)


def _moves_of(ref: Tuple[str, ...]) -> Tuple[Tuple[str, ...], ...]:
    """The converted paths of ``ref`` by the longest legacy prefix :data:`MOVES` knows."""
    for size in range(len(ref), 0, -1):
        targets = MOVES.get(ref[:size])
        if targets:
            return tuple(target + ref[size:] for target in targets)
    return ()


def _at(view: Any, path: Sequence[str]) -> Any:
    for part in path:
        if not isinstance(view, dict) or part not in view:
            return _MISSING
        view = view[part]
    return view


def _is_ref(node: cst.CSTNode) -> bool:
    if not (isinstance(node, cst.Set) and len(node.elements) == 1
            and isinstance(node.elements[0].value, cst.Set)):
        return False
    return BASE_VAR_RE.fullmatch(_code(node)) is not None


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node.with_changes(lpar=(), rpar=()))


def _stands_alone(stack: List[cst.CSTNode]) -> bool:
    """Whether the reference (last in ``stack``, its ancestors before it) is a value MMCV
    substitutes: an assignment's value, reached only through list/tuple elements, ``{...}``
    values and ``dict(key=...)`` keywords."""
    child = stack[-1]
    for parent in reversed(stack[:-1]):
        if isinstance(parent, (cst.Assign, cst.AnnAssign)):
            return parent.value is child
        if isinstance(parent, cst.Element) or (
                isinstance(parent, cst.DictElement) and parent.value is child):
            pass
        elif isinstance(parent, (cst.List, cst.Tuple, cst.Dict)):
            pass
        elif isinstance(parent, cst.Arg) and parent.keyword is not None and not parent.star:
            pass
        elif isinstance(parent, cst.Call) and isinstance(parent.func, cst.Name) \
                and parent.func.value == 'dict' and not isinstance(child, cst.Name):
            pass
        else:
            return False
        child = parent
    return False


def _key_of(stmt: cst.CSTNode, index: int) -> str:
    names = assigned_names(stmt)
    return names[0] if names else f'statement {index + 1}'


def _add_notes(module: cst.Module, notes: Dict[int, List[str]], width: int):
    """``module`` with each statement's notes as comment lines above it, except those already
    there (a file converted before says them: converting twice changes nothing); and the
    notes that were there."""
    body = list(module.body)
    said = set()
    for index, comments in notes.items():
        stmt = body[index]
        lines = list(module.header if index == 0 else ()) + list(stmt.leading_lines)
        above = [line.comment.value for line in lines if line.comment is not None]
        new = []
        for comment in comments:
            if says(above, comment):
                said.add(comment)
            else:
                new += [cst.EmptyLine(comment=cst.Comment(line))
                        for line in comment_lines([comment], '', width)]
        if new:
            body[index] = stmt.with_changes(leading_lines=list(stmt.leading_lines) + new)
    return module.with_changes(body=body), said
