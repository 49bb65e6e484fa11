"""Seeded mutations of the legacy fixture tree and the checks `migrate convert` must pass on
each mutated tree (shared by tests/migrate/fuzz/test_convert_fuzz.py and
scripts/fuzz_convert.py, the longer run).

One example: a copy of one codebase folder of fixtures/legacy (its leaves and `_base_` files)
with a few files mutated, converted by the CLI in a subprocess with ``-o`` under a time bound,
then the output converted again. Everything is derived from ``random.Random(f'{seed}:{index}')``,
so an example is reproduced from its seed and index alone.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, NamedTuple, Optional

REPO = Path(__file__).resolve().parents[3]
LEGACY = REPO / 'fixtures' / 'legacy'
CODEBASES = sorted(p.name for p in LEGACY.iterdir() if p.is_dir())
#: seconds one file may take (the whole run gets this per file plus STARTUP_SECONDS)
PER_FILE_SECONDS = 1.0
STARTUP_SECONDS = 15.0

# -- mutations: (rng, file bytes) -> file bytes ---------------------------------------------

ODD_NUMBERS = ["float('nan')", "float('inf')", "-float('inf')", '1e999', '-1e999', '-0', '-0.0',
               '10 ** 100', '9' * 400, '2 ** 65536', '1e-320', '0x' + 'f' * 300, '-1',
               '0', 'None', "'12'", '[]', 'True', '10 ** 10 ** 6']
UNKNOWN_NAMES = ['Bogus', 'step ', '', 'CosineAnnealing\x00', 'Épique', 'IterBasedRunnerX',
                 'EpochBasedRunner' * 50, "x' + 'y"]
HOSTILE_LINES = [   # appended statements: each must end in the budget, an error or a value
    "s = '{:>999999999}'.format(1)", "s = f'{1:>999999999}'", "s = 'x'.center(10 ** 9)",
    "s = 'x'.ljust(10 ** 9)", "s = 'x'.zfill(10 ** 9)", "s = ('ab' * 1000).replace('', 'x' * 1000)",
    "s = 'x' * 10 ** 9", "s = '%999999999d' % 1", "s = '-'.join(['x' * 100000] * 1000)",
    "s = f'{1:.999999999f}'", "s = '{:{}}'.format(1, 10 ** 9)", "s = '%*d' % (10 ** 9, 1)",
    "s = str([10 ** 20000] * 1000)", "a = [0] * 10 ** 9", "a = list(range(10 ** 12))",
    "lr_config = dict(policy='step', step=[float('nan')])",
    "runner = dict(type='EpochBasedRunner', max_epochs=-3)",
    "total_epochs = 'twelve'", "optimizer = dict(type='SGD', lr=1e999)",
    "lr_config = dict(policy='Bogus', step=[1])", "runner = dict(type='NoSuchRunner')",
    "momentum_config = dict(policy='cyclic', target_ratio=(0.85, 1e999))",
    "evaluation = dict(interval=0)", "checkpoint_config = dict(interval=float('nan'))",
    "log_config = dict(hooks=7)", "workflow = [('train', 10 ** 100)]",
    "data = dict(samples_per_gpu=-1, workers_per_gpu=float('inf'))",
    "optimizer_config = dict(grad_clip=dict(max_norm='x'))",
    "lr_config = dict(policy='step', warmup='linear', warmup_iters=10 ** 100, step=[8])",
    "def f(x):\n    return f(x)\na = f(1)", "a = [a for a in a]", "import os\nos.system('true')",
    "_delete_ = True", "x = {{_base_.nothing}}", "x = _base_.model.nothing",
]


def _lines(data: bytes) -> List[bytes]:
    return data.splitlines(keepends=True) or [b'']


def delete_lines(rng, data):
    lines = _lines(data)
    for _ in range(rng.randint(1, 3)):
        if len(lines) > 1:
            del lines[rng.randrange(len(lines))]
    return b''.join(lines)


_TOKEN = re.compile(rb'\w+|[^\w\s]')


def swap_tokens(rng, data):
    spans = [m.span() for m in _TOKEN.finditer(data)]
    if len(spans) < 2:
        return data
    (a0, a1), (b0, b1) = sorted(rng.sample(spans, 2))
    return data[:a0] + data[b0:b1] + data[a1:b0] + data[a0:a1] + data[b1:]


def garbage_bytes(rng, data):
    at = rng.randrange(len(data) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return data[:at] + junk + data[at:]


def truncate(rng, data):
    return data[:rng.randrange(len(data) + 1)]


_NUMBER = re.compile(rb'(?<![\w.])\d+(\.\d*)?(e-?\d+)?(?![\w.])')


def odd_number(rng, data):
    spans = [m.span() for m in _NUMBER.finditer(data)]
    if not spans:
        return data + f'\nlr = {rng.choice(ODD_NUMBERS)}\n'.encode()
    for _ in range(rng.randint(1, 3)):
        a, b = rng.choice(spans)
        data = data[:a] + rng.choice(ODD_NUMBERS).encode() + data[b:]
        spans = [m.span() for m in _NUMBER.finditer(data)]
        if not spans:
            break
    return data


_POLICY = re.compile(rb"(policy|type)\s*=\s*'[^'\n]*'")


def unknown_policy(rng, data):
    spans = [m.span() for m in _POLICY.finditer(data)]
    name = rng.choice(UNKNOWN_NAMES).encode('utf-8')
    if not spans:
        return data + b"\nlr_config = dict(policy='" + name + b"', step=[1])\n"
    a, b = rng.choice(spans)
    key = data[a:b].split(b'=')[0].strip()
    return data[:a] + key + b"='" + name + b"'" + data[b:]


_BASE = re.compile(rb"_base_\s*=\s*(\[[^\]]*\]|'[^'\n]*'|\"[^\"\n]*\")", re.S)


def missing_base(rng, data):
    missing = rng.choice([b"'./no_such_base.py'", b"['../nowhere/x.py']", b"'../' * 3",
                          b"'/etc/passwd'", b"'./'", b"'.py'", b"['./no.yaml', './x.json']"])
    m = _BASE.search(data)
    if m is None:
        return b'_base_ = ' + missing + b'\n' + data
    return data[:m.start(1)] + missing + data[m.end(1):]


def self_base(rng, data, name: str = ''):
    """A file that is its own base (the two-file cycle is :func:`cyclic_bases`)."""
    return data + f"\n_base_ = ['./{name}']\n".encode()


def deep_nesting(rng, data):
    depth = rng.choice([50, 99, 101, 150, 199, 201, 400, 1600, 5000])
    kind = rng.randrange(3)
    if kind == 0:
        value = '[' * depth + ']' * depth
    elif kind == 1:
        value = 'dict(a=' * depth + '1' + ')' * depth
    else:
        value = '-' * depth + '1'
    return data + f'\nnested = {value}\n'.encode()


def huge_line(rng, data):
    size = rng.choice([10_000, 200_000, 1_000_000, 2_100_000])
    kind = rng.randrange(3)
    if kind == 0:
        line = "s = '" + 'a' * size + "'"
    elif kind == 1:
        line = 'a = [' + '1,' * (size // 2) + ']'
    else:
        line = '# ' + 'x' * size
    return data + b'\n' + line.encode() + b'\n'


def encoding(rng, data):
    kind = rng.randrange(5)
    if kind == 0:
        at = rng.randrange(len(data) + 1)
        return data[:at] + b'\xe9\xff' + data[at:]           # latin-1 bytes, not UTF-8
    if kind == 1:
        return b'\xef\xbb\xbf' + data                          # UTF-8 BOM
    if kind == 2:
        return data.decode('utf-8', 'replace').encode('utf-16')
    if kind == 3:
        return b'# -*- coding: latin-1 -*-\n' + data + b"\nname = 'caf\xe9'\n"
    return data + "\nname = 'caf\u00e9 \u2603 \U0001f600'\n".encode()


def line_endings(rng, data):
    lines = [line.rstrip(b'\r\n') for line in data.splitlines()]
    ends = [b'\r', b'\r\n', b'\n\r', b'\n']
    if rng.random() < 0.5:
        end = rng.choice(ends)
        return b''.join(line + end for line in lines)
    return b''.join(line + rng.choice(ends) for line in lines)


def hostile_line(rng, data):
    lines = _lines(data)
    at = rng.randrange(len(lines) + 1)
    new = (rng.choice(HOSTILE_LINES) + '\n').encode()
    if lines and at > 0 and not lines[at - 1].endswith((b'\n', b'\r')):
        new = b'\n' + new
    return b''.join(lines[:at]) + new + b''.join(lines[at:])


def duplicate_line(rng, data):
    lines = _lines(data)
    at = rng.randrange(len(lines))
    return b''.join(lines[:at + 1] + [lines[at]] + lines[at + 1:])


MUTATIONS: Dict[str, Callable] = {f.__name__: f for f in [
    delete_lines, swap_tokens, garbage_bytes, truncate, odd_number, unknown_policy,
    missing_base, self_base, deep_nesting, huge_line, encoding, line_endings, hostile_line,
    duplicate_line]}


def cyclic_bases(rng, root: Path, files: List[Path]) -> Optional[str]:
    """Make a base of some file name that file as its own base: a two-file `_base_` cycle."""
    for path in rng.sample(files, len(files)):
        m = _BASE.search(path.read_bytes())
        if m is None:
            continue
        refs = re.findall(rb"'([^'\n]+\.py)'", m.group(1))
        for ref in refs:
            base = (path.parent / ref.decode('utf-8', 'replace')).resolve()
            if base.is_file() and base != path:
                back = os.path.relpath(path, base.parent)
                base.write_bytes(base.read_bytes() + f"\n_base_ = ['{back}']\n".encode())
                return f'cyclic_bases {base.relative_to(root)} -> {path.relative_to(root)}'
    return None


class Example(NamedTuple):
    seed: int
    index: int
    codebase: str
    mutations: List[str]      # 'relative/path.py: mutation' in the order applied


def make_example(seed: int, index: int, dst: Path) -> Example:
    """Copy one codebase folder of fixtures/legacy to ``dst`` and mutate some of its files."""
    rng = random.Random(f'{seed}:{index}')
    codebase = rng.choice(CODEBASES)
    shutil.copytree(LEGACY / codebase, dst)
    files = sorted(p for p in dst.rglob('*.py'))
    done = []
    if rng.random() < 0.15:
        said = cyclic_bases(rng, dst, files)
        if said:
            done.append(said)
    for path in rng.sample(files, rng.randint(1, min(4, len(files)))):
        for _ in range(rng.randint(1, 3)):
            name = rng.choice(sorted(MUTATIONS))
            data = path.read_bytes()
            if name == 'self_base':
                data = self_base(rng, data, path.name)
            else:
                data = MUTATIONS[name](rng, data)
            path.write_bytes(data)
            done.append(f'{path.relative_to(dst)}: {name}')
    return Example(seed, index, codebase, done)


# -- the checks -----------------------------------------------------------------------------

def tree_hash(root: Path) -> Dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob('*')) if p.is_file() and not p.is_symlink()}


def run_cli(args: List[str], timeout: float) -> subprocess.CompletedProcess:
    cmd = [sys.executable, '-c', 'from migrate.cli import main; main()', *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO,
                          errors='replace')


def _compiles(path: Path) -> Optional[str]:
    try:
        compile(path.read_bytes(), str(path), 'exec', dont_inherit=True)
    except (SyntaxError, ValueError) as err:
        return f'{type(err).__name__}: {err}'
    return None


def check_run(src: Path, out: Path, report: Path) -> List[str]:
    """Convert ``src`` to ``out`` and return every broken promise (empty: all kept)."""
    failures = []
    n_files = sum(1 for _ in src.rglob('*.py'))
    timeout = STARTUP_SECONDS + PER_FILE_SECONDS * n_files
    before = tree_hash(src)
    try:
        res = run_cli(['convert', str(src), '-o', str(out), '--report', str(report)], timeout)
    except subprocess.TimeoutExpired:
        return [f'did not end within {timeout:.0f} s ({n_files} files)']
    if res.returncode not in (0, 1):
        failures.append(f'exit code {res.returncode}')
    if 'Traceback' in res.stderr:
        failures.append('traceback on stderr:\n' + res.stderr[-3000:])
    if tree_hash(src) != before:
        failures.append('the input tree changed')
    partial = [str(p) for root in (src, out) if root.exists() for p in root.rglob('*.partial')]
    if partial:
        failures.append(f'.partial files left: {partial}')
    try:
        entries = {e['file']: e for e in json.loads(report.read_text())['files']}
    except (OSError, ValueError, KeyError) as err:
        return failures + [f'no readable report: {err}; stderr: {res.stderr[-2000:]}']
    for path in sorted(src.rglob('*.py')):
        rel = str(path.relative_to(src))
        entry = entries.get(rel)
        if entry is None:
            failures.append(f'{rel}: no entry in the report')
            continue
        if any('internal error' in e for e in entry['errors']):
            failures.append(f'{rel}: {entry["errors"]}')
        if any(not e.strip() for e in entry['errors']):
            failures.append(f'{rel}: an empty error message')
        if not entry['errors'] and not (out / rel).is_file():
            failures.append(f'{rel}: no error, but no output')
    for path in sorted(out.rglob('*.py')) if out.exists() else []:
        why = _compiles(path)
        if why:
            failures.append(f'{path.relative_to(out)}: output does not compile: {why}')
    return failures + ([f'exit 0 with errors in the report'] if res.returncode == 0 and any(
        e['errors'] for e in entries.values()) else [])


def check_example(example_dir: Path) -> List[str]:
    """All the checks on the mutated tree ``example_dir/src`` (outputs beside it)."""
    src, out = example_dir / 'src', example_dir / 'out'
    failures = check_run(src, out, example_dir / 'report.json')
    if failures or not out.exists():
        return failures
    report = json.loads((example_dir / 'report.json').read_text())
    if report['summary']['errors']:
        return failures
    again = example_dir / 'again'
    second = check_run(out, again, example_dir / 'report_again.json')
    failures += [f'second run: {f}' for f in second]
    if not second and tree_hash(out) != tree_hash(again):
        changed = sorted(k for k, v in tree_hash(again).items() if tree_hash(out).get(k) != v)
        failures.append(f'converting the output again changed {changed}')
    return failures


def run_example(seed: int, index: int, workdir: Path) -> tuple:
    """(example, failures, seconds) for one example built and checked under ``workdir``."""
    start = time.perf_counter()
    example = make_example(seed, index, workdir / 'src')
    failures = check_example(workdir)
    return example, failures, time.perf_counter() - start
