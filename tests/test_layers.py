"""The package layers hold: migrate above compat above engine, torch-free schedule math and
static evaluator, no import cycles. The contracts live in ``.importlinter``; these tests run
``lint-imports`` on the tree and on a copy with a forbidden edge, and check at runtime what
the static graph cannot see (package ``__init__`` files, imports made while importing)."""
import ast
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ('engine', 'compat', 'migrate')
CONTRACTS = REPO / '.importlinter'
LINT_IMPORTS = Path(sys.executable).parent / 'lint-imports'


def contract_names():
    parser = configparser.ConfigParser()
    parser.read(CONTRACTS)
    prefix = 'importlinter:contract:'
    return {s[len(prefix):]: parser[s]['name'] for s in parser.sections() if s.startswith(prefix)}


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with ``root``'s packages first on the path (a copy shadows the
    editable install), so the graph is the one under ``root``."""
    if not LINT_IMPORTS.exists():
        pytest.fail(f'{LINT_IMPORTS} is missing: install the test extras (import-linter)')
    # wide COLUMNS: rich would wrap a long 'name KEPT' line on a narrow pipe
    env = dict(os.environ, PYTHONPATH=str(root), COLUMNS='200')
    command = [str(LINT_IMPORTS), '--no-cache', '--config', str(root / '.importlinter')]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


def test_contracts_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    names = contract_names()
    assert {'layers', 'engine-alone', 'torch-free', 'acyclic'} <= set(names)
    for name in names.values():
        assert f'{name} KEPT' in result.stdout, result.stdout


@pytest.fixture
def tree_copy(tmp_path):
    for pkg in PACKAGES:
        shutil.copytree(REPO / pkg, tmp_path / pkg,
                        ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
    shutil.copy(CONTRACTS, tmp_path / '.importlinter')
    return tmp_path


@pytest.mark.parametrize('module, source, broken', [
    ('engine/_layer_breach.py', 'import migrate.tables\n', ('layers', 'engine-alone')),
    ('engine/runner/_layer_breach.py', 'from compat.schedules import parse\n',
     ('layers', 'engine-alone')),
    ('compat/_layer_breach.py', 'import migrate.cli\n', ('layers',)),
    ('migrate/static/_layer_breach.py', 'import torch\n', ('torch-free',)),
    ('compat/schedules/_layer_breach.py', 'import torch.nn\n', ('torch-free',)),
    ('engine/schedulers/_layer_breach.py', 'from engine.dist.utils import get_rank\n',
     ('torch-free',)),
    ('engine/checkpoint/checkpoint_io.py', 'from engine.runner.runner import Runner\n',
     ('acyclic',)),
])
def test_a_forbidden_edge_breaks_its_contract(tree_copy, module, source, broken):
    path = tree_copy / module
    path.write_text((path.read_text() if path.exists() else '') + source)
    result = lint_imports(tree_copy)
    assert result.returncode != 0, result.stdout + result.stderr
    names = contract_names()
    for contract in broken:
        assert f'{names[contract]} BROKEN' in result.stdout, result.stdout
    for contract in set(names) - set(broken):
        assert f'{names[contract]} KEPT' in result.stdout, result.stdout


@pytest.mark.parametrize('module', ['migrate.convert', 'migrate.verify', 'migrate.static',
                                    'compat.schedules', 'engine.schedulers',
                                    'engine.runtime_keys', 'migrate.tables'])
def test_torch_free_import(module):
    """Runtime check: the graph misses ``__init__`` files run on the way and lazy imports."""
    code = ('import importlib, sys\n'
            f'importlib.import_module({module!r})\n'
            "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n")
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[]', f'importing {module} loads {result.stdout.strip()}'


def _imported_names(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield node.lineno, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, [node.module]
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and (getattr(node.func, 'attr', None) == 'import_module'
                   or getattr(node.func, 'id', None) in ('import_module', '__import__'))):
            yield node.lineno, [node.args[0].value]


def test_engine_source_names_no_upper_layer():
    """Also catches ``importlib.import_module('migrate...')``, which the graph cannot see."""
    found = []
    for path in sorted((REPO / 'engine').rglob('*.py')):
        tree = ast.parse(path.read_text(), filename=str(path))
        for lineno, names in _imported_names(tree):
            found += [f'{path.relative_to(REPO)}:{lineno}: {name}' for name in names
                      if name.split('.')[0] in ('compat', 'migrate')]
    assert not found, '\n'.join(found)


def test_key_lists_have_one_home():
    """The converter's key map covers exactly the legacy keys, and every key list the
    engine and converter read is the bottom module's object, not a copy."""
    from engine import runtime_keys
    from engine.runner import build
    from migrate import tables

    assert set(tables.LEGACY_KEY_MAP) == runtime_keys.LEGACY_RUNTIME_KEYS
    assert tables.LEGACY_RUNTIME_KEYS is runtime_keys.LEGACY_RUNTIME_KEYS
    assert tables.NEW_RUNTIME_KEYS is runtime_keys.NEW_RUNTIME_KEYS
    assert build.LEGACY_KEYS is runtime_keys.ENGINE_REFUSED_KEYS
    assert set(runtime_keys.ENGINE_REFUSED_KEYS) <= runtime_keys.LEGACY_RUNTIME_KEYS
    assert not runtime_keys.LEGACY_RUNTIME_KEYS & build.KNOWN_KEYS
    assert not runtime_keys.NEW_RUNTIME_KEYS & runtime_keys.ENGINE_ONLY_KEYS
    tree = ast.parse(Path(runtime_keys.__file__).read_text())
    ours = [names for _, names in _imported_names(tree)
            if any(name.split('.')[0] in PACKAGES for name in names)]
    relative = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
    assert not ours and not relative, 'the bottom module must import nothing of ours'
