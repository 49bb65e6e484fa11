"""``migrate convert``: files and trees in, converted files, diffs and a report out.

Never executes input, never overwrites it unless asked (``in_place``), writes atomically, and
converts everything it can: one bad file is reported and the rest of the tree goes on.
"""
from __future__ import annotations

import contextlib
import difflib
import gc
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from engine.errors import ConfigError
from engine.fileio import atomic_write_bytes, atomic_write_text
from migrate.convert import inplace
from migrate.convert.converter import Converter, FileResult
from migrate.convert.destinations import check_destinations, check_source, non_regular_reason
from migrate.rules import RULES
from migrate.rules.base import Rule
from migrate.static.base_hints import likely_bases

SKIP_DIRS = {'.git', '__pycache__', '.oracle', '.venv', 'node_modules'}


@dataclass
class ConvertOptions:
    target: str = 'mmengine'
    epoch_len: Optional[int] = None
    rules: Sequence[Rule] = RULES
    output: Optional[str] = None
    in_place: bool = False
    check: bool = False
    diff: bool = False
    report: Optional[str] = None
    progress: bool = True
    #: converted leaves keep their legacy models (migrate.convert.legacy_models)
    keep_legacy_models: bool = False


@dataclass
class ConvertRun:
    root: str
    results: List[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> List[FileResult]:
        return [r for r in self.results if r.changed]

    @property
    def errors(self) -> List[FileResult]:
        return [r for r in self.results if r.error_messages]

    def report(self, options: ConvertOptions) -> Dict[str, Any]:
        approx = sum(len([f for f in r.findings if f.severity == 'approximation'])
                     for r in self.results)
        return {
            'tool': 'migrate convert',
            'target': options.target,
            'epoch_len': options.epoch_len,
            'rules': [r.id for r in options.rules],
            'root': self.root,
            'summary': {'files': len(self.results), 'changed': len(self.changed),
                        'errors': len(self.errors), 'approximations': approx,
                        'seconds': round(self.seconds, 3)},
            'files': [r.as_dict(self.root if os.path.isdir(self.root) else None)
                      for r in self.results],
        }


def collect_files(src: str) -> List[str]:
    """The ``.py`` config files under ``src`` (or ``src`` itself), in a stable order."""
    if os.path.isfile(src):
        return [os.path.abspath(src)]
    check_source(src)   # a FIFO or a device given as SRC: refused, never opened
    if not os.path.isdir(src):
        raise ConfigError('no such file or directory', file=src,
                          fix='give a legacy config file or a directory of configs')
    out = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        out.extend(os.path.abspath(os.path.join(dirpath, f))
                   for f in sorted(filenames) if f.endswith('.py'))
    return out


def run_convert(src: str, options: ConvertOptions,
                echo: Callable[[str], None] = lambda s: print(s, file=sys.stderr)) -> ConvertRun:
    """Convert ``src`` (a file or a tree) according to ``options``; see the CLI for meanings."""
    is_dir = os.path.isdir(src)
    if is_dir and not (options.output or options.in_place or options.check or options.diff
                       or options.report):
        raise ConfigError('converting a directory needs somewhere to write', file=src,
                          fix='pass -o DST (a new tree), --in-place, --check, --diff or --report')
    if options.output and options.in_place:
        raise ConfigError('-o and --in-place exclude each other', key='--in-place',
                          fix='choose one')
    if options.output and is_dir and os.path.abspath(options.output) == os.path.abspath(src):
        raise ConfigError('-o is the source tree itself', file=src,
                          fix='use --in-place to rewrite the source tree')
    files = collect_files(src)
    check_destinations(src, options.output, options.report, SKIP_DIRS)
    if options.in_place and not (options.check or options.diff):
        inplace.prepare(src, SKIP_DIRS, options, echo)   # resumes an interrupted run
    else:
        inplace.refuse_interrupted(src, SKIP_DIRS)   # a half-converted tree misleads
    converter = Converter(rules=options.rules, target=options.target,
                          epoch_len=options.epoch_len)
    run = ConvertRun(root=os.path.abspath(src))
    start = time.perf_counter()
    show = options.progress and len(files) > 20

    def tick(n: int, stage: str = 'converting') -> None:
        if show and (n % 100 == 0 or n == len(files)):
            echo(f'{stage} {n}/{len(files)}, {time.perf_counter() - start:.1f} s')

    with _without_cycle_collector():
        run.results = convert_all(converter, files, tick)
    if options.keep_legacy_models:
        from migrate.convert.legacy_models import add_legacy_model_bridge
        add_legacy_model_bridge(converter, run.results)
    run.seconds = time.perf_counter() - start
    if show and options.output and is_dir and not (options.check or options.diff):
        echo(f'writing {options.output}')
    _write_outputs(src, run, options, echo)
    if options.report:
        atomic_write_text(options.report, json.dumps(run.report(options), indent=2) + '\n')
    return run


@contextlib.contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Converting makes no reference cycles (after a 1,075-file tree the collector finds no
    unreachable object; a test keeps it so), so reference counting frees everything as it
    goes, and the cycle collector would only rescan the growing heap of parsed files that the
    leaves share: a tenth of the run. It is off while converting; afterwards the usual
    thresholds apply again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def convert_all(converter: Converter, files: Sequence[str],
                tick: Callable[..., None] = lambda n, stage='': None) -> List[FileResult]:
    """Convert ``files`` with one converter; the results once no base changes any more.

    A collision between sibling bases (found while converting some child) changes what those
    bases write, so the files are converted again until no new deferral turns up.
    """
    # Leaves are not kept parsed once converted, bases are (their children parse faster):
    # files named as a base anywhere in the tree are kept even before a child comes.
    converter.tree_files = frozenset(os.path.abspath(f) for f in files)
    bases = set()
    for n, path in enumerate(files, 1):
        bases |= likely_bases([path])
        tick(n, 'reading')
    _convert_hook_code(converter, files)
    stage = 'converting'
    while True:
        known = set(converter.deferred)
        for n, path in enumerate(files, 1):
            converter.convert(path)
            if os.path.abspath(path) not in bases:
                converter.release(path)
            tick(n, stage)
        # a collision between sibling bases makes their files convert again
        stage = 'converting again (sibling bases collided)'
        if converter.deferred == known:
            return [converter.results[os.path.abspath(path)] for path in files]


_CODE_SIZE_LIMIT = 2 * 1024 * 1024


def _convert_hook_code(converter: Converter, files: Sequence[str]) -> None:
    """Issue 14: a module that is code, not a config (a legacy hook module, or other code),
    goes to migrate.hookcode; its result is filed where converter.convert() finds it, so the
    config path never reads it. Only files with a top-level class or def are parsed for this."""
    import libcst

    from migrate.convert.internal import internal_error_message
    from migrate.hookcode import CONFIG, convert_hook_text

    for path in files:
        path = os.path.abspath(path)
        # a FIFO or device would block and a huge file is refused: the config path says so
        if non_regular_reason(path) is not None or os.path.getsize(path) > _CODE_SIZE_LIMIT:
            continue
        try:
            with open(path, encoding='utf-8') as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue   # the config path reports it
        if not any(line.startswith(('class ', 'def ')) for line in text.splitlines()):
            continue
        try:
            outcome = convert_hook_text(text, converter.target, path)
        except libcst.ParserSyntaxError:   # not valid Python: the config path reports where
            continue
        except Exception as e:   # a bug of ours: this file fails, the rest of the tree goes on
            converter.results[path] = FileResult(path, text_in=text,
                                                 error=internal_error_message(path, e),
                                                 internal=True)
            continue
        if outcome.kind == CONFIG:
            continue
        converter.results[path] = FileResult(path, text_in=text, text_out=outcome.text_out,
                                             rules=outcome.rules, findings=outcome.findings)


def _write_outputs(src: str, run: ConvertRun, options: ConvertOptions,
                   echo: Callable[[str], None]) -> None:
    root = os.path.abspath(src) if os.path.isdir(src) else os.path.dirname(os.path.abspath(src))
    for result in run.results:
        if result.error:
            continue
        if options.diff and result.changed:
            rel = os.path.relpath(result.path, root)
            sys.stdout.write(''.join(difflib.unified_diff(
                result.text_in.splitlines(keepends=True), result.text_out.splitlines(keepends=True),
                fromfile=f'a/{rel}', tofile=f'b/{rel}')))
    if options.check or options.diff:
        return
    if options.in_place:
        inplace.write(src, run.changed, options)
        return
    if not os.path.isdir(src):
        result = run.results[0]
        if result.error:
            return
        if options.output:
            atomic_write_text(options.output, result.text_out)
        elif not options.report:
            sys.stdout.write(result.text_out)
        return
    if not options.output:
        return
    by_path = {r.path: r for r in run.results}
    # A new tree is written again from the untouched input if a power cut loses part of it:
    # atomic renames, without an fsync per file (they would dominate the run).
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = os.path.abspath(os.path.join(dirpath, name))
            dst = os.path.join(options.output, os.path.relpath(path, root))
            result = by_path.get(path)
            if result is None:
                reason = non_regular_reason(path)
                if reason is not None:   # a FIFO or /dev/zero would block or never end
                    echo(f'skipped {path}: {reason}, not copied')
                    continue
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                with open(path, 'rb') as f:
                    atomic_write_bytes(dst, f.read(), durable=False)
                shutil.copymode(path, dst)
            elif not result.error:
                atomic_write_text(dst, result.text_out, durable=False)
    echo(f'wrote {options.output}')


def summary_line(run: ConvertRun) -> str:
    approx = sum(1 for r in run.results for f in r.findings if f.severity == 'approximation')
    manual = sum(1 for r in run.results for f in r.findings if f.severity == 'manual')
    return (f'{len(run.results)} file(s): {len(run.changed)} converted, {len(run.errors)} '
            f'error(s), {approx} approximation(s), {manual} needing a manual decision '
            f'({run.seconds:.2f} s)')
