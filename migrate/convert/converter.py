"""Convert one config file in the context of its ``_base_`` tree.

For a file X the converter knows three views:

* ``target``: the rules applied to X's merged legacy view (what MMCV 1.x ran, in new keys);
* ``inherited``: what X's *converted* bases give when MMEngine merges them;
* X's own statements.

X's output keeps its own statements, drops the legacy keys it defined, and writes, for every
new key, the smallest value that turns ``inherited`` into ``target`` (see :mod:`.merge`). A leaf
that only overrides ``runner = dict(max_epochs=24)`` therefore gets ``train_cfg`` *and* a full
``param_scheduler``, because its schedule ends moved. A root file (no bases) only writes keys
derived from legacy keys it defines itself, so sibling bases never define the same new key.
"""
from __future__ import annotations

import ast
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import AbstractSet, Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst

from engine.errors import ConfigError, EngineError
from migrate.convert.base_refs import resolve_base_refs
from migrate.convert.bindings import Kept, Removal, plan_removal
from migrate.convert.merge import NO_CHANGE, delta, merge_into
from migrate.convert.plan import plan_view, sources_of
from migrate.convert.render import Renderer, comment_lines, comment_width, literal, says
from migrate.convert.rewrite import binding_positions, names_used, removable, rewrite_module
from migrate.meaning import check_meaning
from migrate.rules import RULES
from migrate.rules.base import Finding, Plan, Rule
from migrate.convert.internal import internal_error_message
from migrate.convert.legacy_shapes import check_legacy_shapes
from migrate.convert.side_effects import side_effect_findings
from migrate.static.values import detached_copy
from migrate.tables import LEGACY_RUNTIME_KEYS, NEW_RUNTIME_KEYS


@dataclass
class FileResult:
    """What happened to one file."""

    path: str
    text_in: str = ''
    text_out: Optional[str] = None
    rules: List[str] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    untouched: List[str] = field(default_factory=list)
    written: List[str] = field(default_factory=list)
    removed: List[str] = field(default_factory=list)
    error: Optional[str] = None
    #: meaning-check failures (migrate.meaning): the file is written, the run fails
    meaning_errors: List[str] = field(default_factory=list)
    #: the error is an unexpected exception in the converter (a bug of ours), not the input's
    internal: bool = False

    @property
    def changed(self) -> bool:
        return self.text_out is not None and self.text_out != self.text_in

    @property
    def error_messages(self) -> List[str]:
        return ([self.error] if self.error else []) + self.meaning_errors

    def as_dict(self, root: Optional[str] = None) -> Dict[str, Any]:
        path = os.path.relpath(self.path, root) if root else self.path
        return {
            'file': path,
            'changed': self.changed,
            'rules_applied': self.rules,
            'written_keys': self.written,
            'removed_keys': self.removed,
            'approximations': [f.as_dict() for f in self.findings
                               if f.severity == 'approximation'],
            'findings': [f.as_dict() for f in self.findings],
            'untouched_keys': self.untouched,
            'errors': self.error_messages,
        }


class Converter:
    """Converts files and remembers converted views, so shared bases are converted once."""

    def __init__(self, *, rules: Sequence[Rule] = RULES, target: str = 'mmengine',
                 epoch_len: Optional[int] = None):
        if target not in ('mmengine', 'engine'):
            raise ConfigError(f'unknown target {target!r}', key='--target',
                              fix='use --target mmengine or --target engine')
        self.rules = tuple(rules)
        self.target = target
        self.epoch_len = epoch_len
        self.results: Dict[str, FileResult] = {}
        #: the files this run converts (absolute), set by convert_all
        self.tree_files: frozenset = frozenset()
        self._converted_view: Dict[str, Dict[str, Any]] = {}
        #: (file, new key) pairs a base must leave to the files that combine it with a
        #: sibling base writing the same key (MMEngine forbids duplicate keys among bases).
        self.deferred: Set[Tuple[str, str]] = set()
        self._depth = 0
        self._bases_of: Dict[str, Tuple[str, ...]] = {}
        #: per file: findings whose marker the file carries already (see _kept_key_markers)
        self._said: Dict[str, List[Finding]] = {}
        self._used_as_base: Set[str] = set()
        self._unfinished: Set[str] = set()
        from migrate.static import ConfigLoader
        self.loader = ConfigLoader()   # parses each file once per run (see release())
        #: per file: id(node) -> (node, names it reads, its code)
        self._expressions: Dict[str, Dict[int, tuple]] = {}

    # -- public -----------------------------------------------------------------------------
    def convert(self, path: str) -> FileResult:
        """Convert ``path`` (and, in memory, its bases). Errors land in the result."""
        path = os.path.abspath(path)
        if path in self.results:
            return self.results[path]
        if self._depth:
            return self._convert_one(path)
        for _ in range(8):   # each round defers at least one more (file, key) pair
            self._depth += 1
            try:
                return self._convert_one(path)
            except _Collision as clash:
                self.deferred |= clash.pairs
                self._forget({file for file, _ in clash.pairs} | self._unfinished)
                self._unfinished.clear()
            finally:
                self._depth -= 1
        raise ConfigError('sibling bases keep colliding after conversion', file=path,
                          key='_base_', fix='report this as a converter bug')

    def _convert_one(self, path: str) -> FileResult:
        result = FileResult(path)
        self.results[path] = result
        self._unfinished.add(path)
        try:
            self._convert(path, result)
            _check_compiles(result)
        except EngineError as e:
            result.error = str(e)
            result.text_out = None
        except _Collision:
            raise
        except Exception as e:   # a bug of ours: this file fails, the rest of the tree goes on
            result.error = internal_error_message(path, e)
            result.internal = True
            result.text_out = None
        self._unfinished.discard(path)
        return result

    def _forget(self, changed: Set[str]) -> None:
        """Drop the results of ``changed`` files and of every file built on them (directly or
        through other bases): only those are converted again after a deferral."""
        # a fixed point rather than a recursive closure (which would be a reference cycle)
        affected = set(changed)
        grew = True
        while grew:
            grew = False
            for path, bases in self._bases_of.items():
                if path not in affected and any(b in affected for b in bases):
                    affected.add(path)
                    grew = True

        for path in [p for p in self.results if p in affected]:
            del self.results[path]
            self._converted_view.pop(path, None)

    def release(self, path: str) -> bool:
        """Forget the parsed text of ``path`` (converted already) if no file converted so far
        uses it as a base: a tree run keeps only the bases in memory, not every leaf, and a
        later file that names it as a base has it parsed again. True if released."""
        path = os.path.abspath(path)
        if path in self._used_as_base or path not in self.results:
            return False
        self.loader.release(path)
        self._expressions.pop(path, None)
        return True

    def converted_view(self, path: str) -> Dict[str, Any]:
        """The MMEngine-merged view of ``path`` after conversion (for verify and tests)."""
        self.convert(path)
        return detached_copy(self._converted_view[os.path.abspath(path)])

    # -- one file ---------------------------------------------------------------------------
    def _convert(self, path: str, result: FileResult) -> None:
        from migrate.static import load_config_tree

        tree = load_config_tree(path, self.loader)
        self._bases_of[path] = tuple(os.path.abspath(b.file.path) for b in tree.bases)
        self._used_as_base.update(self._bases_of[path])
        source = tree.file
        result.text_in = source.text
        inherited = self._inherited(tree, path)
        check_legacy_shapes(tree.merged_copying(()), path)   # before any rule reads them
        # rules change runtime keys only: the rest of the view is shared, not copied
        plan = plan_view(tree.merged_copying(LEGACY_RUNTIME_KEYS), rules=self.rules,
                         target=self.target, epoch_len=self.epoch_len, source=path,
                         tree_files=self.tree_files)
        own = source.own
        consumed_here = [k for k in plan.consumed if k in own]
        written = plan.facts.get('written_keys', set())
        emitted: Dict[str, Any] = {}
        for key, wanted in plan.values.items():
            if key not in written:
                continue
            change = delta(inherited.get(key), wanted, base_has_key=key in inherited)
            if change is NO_CHANGE:
                continue
            sources = set(sources_of(key, self.rules))
            if not tree.bases and not (sources & set(consumed_here)) and key not in own:
                continue   # a root file writes only what its own legacy keys decide
            if (path, key) in self.deferred:
                plan.report('MIG000', 'note', key, f'{key} is written by the configs that '
                            'combine this file with a sibling base that also leads to it')
                continue
            emitted[key] = change
        for key in inherited:
            if key not in plan.values and key in NEW_RUNTIME_KEYS and inherited[key] is not None:
                emitted[key] = None   # switched off in the legacy view (e.g. evaluation=None)
        removal = Removal(set())
        if emitted or consumed_here:
            removal = plan_removal(source.module, source.text,
                                   set(consumed_here) | {k for k in emitted if k in own})
        # keys bound in ways the rewriter cannot edit stay in the file as written
        removed = [k for k in consumed_here if k not in removal.kept]
        kept = {k: v for k, v in own.items() if k not in removed and k not in emitted}
        # read-only views (shared with the bases' views); converted_view() hands out copies
        self._converted_view[path] = merge_into({**kept, **emitted}, inherited, share_base=True)
        # Findings that mark a key this file keeps as written (an unknown policy or runner)
        # put a comment above it, once: a file that already says it is left alone.
        markers, self._said[path] = _kept_key_markers(plan.findings, source.module, own,
                                                      set(removed) | set(emitted))
        # a rule that wrote such a marker changed the file too
        marking = {f.rule for f in plan.findings
                   if any(f.comment() in comments for comments in markers.values())}
        result.rules = [r for r in plan.applied
                        if r in marking or _rule_touches(r, self.rules, removed, emitted)]
        # A finding on a key this file defines and keeps (a custom optimizer hook left for
        # the user to port) belongs to the file's conversion; a file with nothing to convert
        # (converted already) reports nothing, so converting twice changes nothing.
        concerned = own if emitted or consumed_here or markers else consumed_here
        result.findings = [f for f in plan.findings
                           if f.key.split('.')[0].split('[')[0] in concerned
                           or (f.path and f.path[0] in emitted)]
        left = [_left_as_written(k, self.rules, emitted) for k in removal.kept.values()]
        result.findings += [finding for finding, _ in left]
        result.findings += side_effect_findings(source.side_effects)
        result.untouched = [k for k in own if k not in removed and k not in emitted]
        result.written = list(emitted)
        result.removed = removed
        # A file that has nothing to convert over bases that had nothing either (a converted
        # tree converted again) keeps its meaning by construction; reading its new-style keys
        # the MMCV way would only report MMCV ignoring them. A legacy key it still holds is
        # checked all the same: MMEngine would ignore it, which only a finding or a marker in
        # the file may excuse.
        if emitted or consumed_here or markers or self._a_base_changed(path) \
                or any(key in LEGACY_RUNTIME_KEYS for key in own):
            result.meaning_errors = check_meaning(
                path, plan.legacy, self._converted_view[path],
                self._reported_findings(path, result),
                deferred={key for file, key in self.deferred if file == path})
        if not emitted and not consumed_here and not markers:
            result.text_out = source.text
        else:
            try:
                result.text_out = self._rewrite(source, plan, emitted, set(removed), result,
                                                removal, left, markers)
            except SyntaxError as e:  # pragma: no cover - a converter bug
                raise ConfigError(f'the converted text does not parse: {e}', file=path,
                                  fix='report this as a converter bug') from e
        if tree.bases:   # {{_base_.x}} must name what the converted bases hold
            result.text_out, found = resolve_base_refs(result.text_out, path,
                                                       lambda: tree.base_merged, inherited)
            result.findings += found

    def _converted_bases(self, path: str) -> Iterator[str]:
        """Every base of ``path``, at any depth, that this run has converted (once each)."""
        stack, seen = list(self._bases_of.get(path, ())), set()
        while stack:
            base = stack.pop()
            if base in seen or base not in self.results:
                continue
            seen.add(base)
            yield base
            stack.extend(self._bases_of.get(base, ()))

    def _a_base_changed(self, path: str) -> bool:
        """Whether a base of ``path``, at any depth, is changed by this run."""
        return any(self.results[base].changed for base in self._converted_bases(path))

    def _reported_findings(self, path: str, result: FileResult) -> List[Finding]:
        """The findings the report shows for ``path`` and its bases, or that their marker
        comments say (a converted file's kept key): only those may excuse a meaning difference
        (a finding filtered out of every report would be a silent loss)."""
        found = list(result.findings) + self._said.get(path, [])
        for base in self._converted_bases(path):
            found += self.results[base].findings + self._said.get(base, [])
        return found

    def _base_comments(self, path: str) -> Set[str]:
        """The marker texts of every finding the bases of ``path`` reported or already say."""
        return {f.comment() for base in self._converted_bases(path)
                for f in self.results[base].findings + self._said.get(base, [])}

    def _inherited(self, tree: Any, path: str) -> Dict[str, Any]:
        inherited: Dict[str, Any] = {}
        owner: Dict[str, str] = {}
        for base in tree.bases:
            base_path = os.path.abspath(base.file.path)
            base_result = self.convert(base_path)
            if base_result.error:
                raise ConfigError(f'its base {base_path} could not be converted',
                                  file=path, key='_base_', fix='fix the base first (see its error)')
            view = self._converted_view[base_path]
            clash = set()
            for key in view:
                if key in owner:
                    clash |= {(owner[key], key), (base_path, key)}
                owner[key] = base_path
            clash -= self.deferred
            if clash:
                raise _Collision(clash)
            inherited.update(view)
        return inherited

    # -- source edits -----------------------------------------------------------------------
    def _rewrite(self, source: Any, plan: Plan, emitted: Dict[str, Any], remove: Set[str],
                 result: FileResult, removal: Removal,
                 left: List[Tuple[Finding, 'Kept']],
                 markers: Optional[Dict[int, List[str]]] = None) -> str:
        module = source.module
        stays = set(removal.kept)
        positions = [i for i, stmt in enumerate(module.body) if removable(stmt, remove)]
        index_of_key: Dict[str, int] = {}
        for i in positions:
            for name in _names(module.body[i]):
                index_of_key[name] = i
        bound = binding_positions(module)
        width = comment_width(source.text)
        inserts: List[Tuple[Optional[int], str]] = []
        for key, value in emitted.items():
            spots = [index_of_key[k] for k in sources_of(key, self.rules) if k in index_of_key]
            if key in index_of_key:
                spots.append(index_of_key[key])
            at = max(spots) if spots else None
            if key in stays:
                at = None   # after the statement left as written, which it overrides
            comments, above = _comments_for(plan.findings, key, value,
                                            self._base_comments(os.path.abspath(source.path)))
            renderer = Renderer(code_for=_code_lookup(source, plan, at, bound, remove | stays,
                                                      self._expressions.setdefault(
                                                          source.path, {})),
                                comments=comments, comment_width=width)
            code = renderer.statement(key, value)
            if above:
                code = '\n'.join(comment_lines(above, '', width)) + '\n' + code
            inserts.append((at, code))
        # A file that redefines a key it now emits must drop its old statement too.
        remove = remove | {k for k in emitted if k in source.own and k not in stays}
        # the new statements must be Python (the rest of the file parsed already)
        with warnings.catch_warnings():   # a value may carry the user's invalid escapes
            warnings.simplefilter('ignore')
            compile('\n'.join(code for _, code in inserts), source.path, 'exec',
                    ast.PyCF_ONLY_AST, dont_inherit=True)
        inline = _Literals({key: source.own.get(key) for key in remove
                            if not _is_opaque(source.own.get(key))})
        notes: Dict[int, List[str]] = {}
        for finding, where in left:
            notes.setdefault(where.index, []).append(finding.comment())
        for index, comments in (markers or {}).items():
            notes.setdefault(index, []).extend(comments)
        return rewrite_module(module, remove, inserts, inline, text=source.text,
                              drop=removal.drop, notes=notes, parsed=removal.parsed,
                              comment_width=width)


class _Literals(Mapping):
    """Removed keys -> their values' source, written only for the few a kept statement uses."""

    def __init__(self, values: Dict[str, Any]):
        self._values = values
        self._code: Dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        if key not in self._code:
            self._code[key] = literal(self._values[key])
        return self._code[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class _Collision(Exception):
    """Converted sibling bases define the same new key: defer it to their children."""

    def __init__(self, pairs: Set[Tuple[str, str]]):
        super().__init__(sorted(pairs))
        self.pairs = pairs


def _names(stmt: cst.CSTNode) -> List[str]:
    from migrate.convert.rewrite import assigned_names
    return assigned_names(stmt)


def _kept_key_markers(findings: Sequence[Finding], module: cst.Module, own: Mapping,
                      changed: Set[str]) -> Tuple[Dict[int, List[str]], List[Finding]]:
    """Statement index -> marker comments, for findings whose ``path`` is one key this file
    assigns at top level and keeps as written (an ``lr_config`` whose policy nobody models).
    The key's last top-level assignment carries it; a marker already in the comment lines
    above that statement is not repeated, so converting twice changes nothing. Also the
    findings whose marker is there already: the file says them (a converted file's kept key
    is no silent loss), though its report, having nothing new, does not."""
    wanted = [f for f in findings if f.path and len(f.path) == 1 and f.path[0] in own
              and f.path[0] not in changed]
    if not wanted:
        return {}, []
    where: Dict[str, int] = {}
    for index, stmt in enumerate(module.body):
        for name in _names(stmt):
            where[name] = index
    markers: Dict[int, List[str]] = {}
    said: List[Finding] = []
    for finding in wanted:
        index = where.get(finding.path[0])
        if index is None:
            continue
        # libcst keeps the comments above the first statement in the module's header
        lines = list(module.header if index == 0 else ()) + \
            list(module.body[index].leading_lines)
        above = [line.comment.value for line in lines if line.comment is not None]
        comment = finding.comment()
        if says(above, comment):
            said.append(finding)
        elif comment not in markers.get(index, []):
            markers.setdefault(index, []).append(comment)
    return markers, said


def _left_as_written(kept: Kept, rules: Sequence[Rule],
                     emitted: Dict[str, Any]) -> Tuple[Finding, Kept]:
    """The manual finding (and the comment above its statement) for a key left as written."""
    key = kept.key
    carried = [k for k in emitted if key in sources_of(k, rules)]
    if key in emitted:
        todo = f'{key} is written again further down, which overrides it: delete it here'
    elif carried:
        todo = (f'its value is carried by {", ".join(carried)}: remove {key} from this '
                'file by hand')
    else:
        todo = (f'make it a plain top-level `{key} = ...` assignment and convert again, or '
                'convert it by hand')
    message = (f'{key} is {kept.how} (line {kept.line}), which the converter cannot rewrite '
               f'safely: left as written; {todo}')
    return Finding('MIG000', 'manual', key, message), kept


def _check_compiles(result: FileResult) -> None:
    """The last guard before anything is written: an output that is not valid Python is a
    converter bug, reported for this file instead of being written."""
    if result.text_out is None or result.text_out == result.text_in:
        return
    try:
        with warnings.catch_warnings():   # the user's own invalid escapes only warn
            warnings.simplefilter('ignore')
            compile(result.text_out, result.path, 'exec', dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        line = getattr(e, 'lineno', None)
        where = f' at line {line} ({e.msg})' if line else f' ({e})'
        raise ConfigError(f'the converted text is not valid Python{where}, so it was not '
                          'written', file=result.path,
                          fix='this is a converter bug: please report it with the input '
                          'file') from None


def _rule_touches(rule_id: str, rules: Sequence[Rule], consumed: List[str],
                  emitted: Dict[str, Any]) -> bool:
    rule = next(r for r in rules if r.id == rule_id)
    return bool(set(rule.legacy_keys) & set(consumed)) or bool(set(rule.new_keys) & set(emitted))


def _comments_for(findings: List[Finding], key: str, value: Any,
                  said_by_bases: AbstractSet[str] = frozenset()):
    """Findings that mark a line: hung on the item they concern, or above the statement when
    they concern the whole key. An item this file does not write comes from a base: when a
    base said the same finding its output carries the comment; otherwise this file's change
    caused it (a leaf's max_epochs under an inherited evaluation interval), and the comment
    goes above the statement this file writes."""
    inline: Dict[tuple, List[str]] = {}
    above: List[str] = []
    for finding in findings:
        marks = finding.severity == 'approximation' or finding.marked
        if not marks or not finding.path or finding.path[0] != key:
            continue
        if len(finding.path) == 1:
            above.append(finding.comment())
        elif _exists(value, finding.path[1:]):
            inline.setdefault(tuple(finding.path), []).append(finding.comment())
        elif finding.comment() not in said_by_bases:
            above.append(finding.comment())
    return inline, above


def _exists(value: Any, path: tuple) -> bool:
    for part in path:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, (list, tuple)) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return False
    return True


def _is_opaque(value: Any) -> bool:
    if type(value).__name__ == 'Opaque':
        return True
    if isinstance(value, dict):
        return any(_is_opaque(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_is_opaque(v) for v in value)
    return False


def _code_lookup(source: Any, plan: Plan, at: Optional[int], bound: Dict[str, int],
                 removed: Set[str], expressions: Dict[int, tuple]):
    """Reuse the file's own expression text for values that came through unchanged, when every
    name it uses is bound before the place the new statement goes. ``expressions`` caches
    (node, names used, code) by node across the run: a base's expressions serve every leaf."""
    limit = at if at is not None else len(source.module.body)

    def lookup(path: tuple, value: Any) -> Optional[str]:
        origin = plan.origins.get(tuple(path))
        if origin is None:
            return None
        if source.mutations.get(origin[0]):
            return None   # the text written is the value before a later in-place edit
        node = source.expr(origin)
        if node is None or _own_value(source.own, origin, _MISSING) != value:
            return None
        known = expressions.get(id(node))
        if known is None or known[0] is not node:
            known = (node,) + _names_and_code(node, source.module)
            expressions[id(node)] = known
        _, used, code = known
        if any(bound.get(name, -1) >= limit for name in used) or used & removed:
            return None
        return code

    return lookup


_MISSING = object()
_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString)


def _names_and_code(node: cst.CSTNode, module: cst.Module) -> Tuple[Set[str], str]:
    """The names an expression reads and its source; literals and bare names (most values in
    configs) without generating code."""
    if isinstance(node, _LITERALS + (cst.Name,)) and not node.lpar:
        return ({node.value} if isinstance(node, cst.Name) else set()), node.value
    code = module.code_for_node(node)
    return names_used(code), code


def _own_value(own: Dict[str, Any], path: tuple, default: Any) -> Any:
    value: Any = own
    for part in path:
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return default
    return value
