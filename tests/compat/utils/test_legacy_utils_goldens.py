"""compat.utils against MMCV 1.7.2 (fixtures/goldens/legacy_utils.json, recorded by
scripts/oracle/record_legacy_utils_goldens.py): the same inputs replayed on compat.utils."""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import pytest

import compat.utils as compat_utils
from compat.utils import logging as compat_logging

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / 'scripts' / 'oracle'))
from legacy_utils_cases import evaluate, misc_names, run_logging  # noqa: E402

GOLDENS = json.loads((ROOT / 'fixtures' / 'goldens' / 'legacy_utils.json').read_text())
NAMES = misc_names(compat_utils)


@pytest.mark.parametrize('version', sorted(GOLDENS['digit_version']))
def test_digit_version_matches_mmcv(version):
    assert evaluate(f'digit_version({version!r})', NAMES) == GOLDENS['digit_version'][version]


@pytest.mark.parametrize('version,length,expected', GOLDENS['digit_version_length'])
def test_digit_version_length_matches_mmcv(version, length, expected):
    assert evaluate(f'digit_version({version!r}, {length})', NAMES) == expected


@pytest.mark.parametrize('expr', sorted(GOLDENS['misc']))
def test_misc_helper_matches_mmcv(expr):
    assert evaluate(expr, NAMES) == GOLDENS['misc'][expr]


@pytest.fixture(scope='module')
def scan_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('scan')
    for rel in GOLDENS['scan_tree']:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel)
    return root


@pytest.mark.parametrize('case', GOLDENS['scandir'], ids=lambda c: json.dumps(c['kwargs']))
def test_scandir_matches_mmcv(case, scan_root):
    kwargs = dict(case['kwargs'])
    dir_path = kwargs.pop('dir_path', str(scan_root))
    if 'value' in case and isinstance(kwargs.get('suffix'), list):
        kwargs['suffix'] = tuple(kwargs['suffix'])  # JSON stored MMCV's tuple as a list
    try:
        found = sorted(compat_utils.scandir(dir_path, **kwargs))
    except Exception as e:
        assert {'error': type(e).__name__} == {'error': case.get('error')}
    else:
        assert found == case['value']


def test_scandir_walks_depth_first_in_os_scandir_order(scan_root):
    expected = []

    def walk(folder):
        for entry in os.scandir(folder):
            if not entry.name.startswith('.') and entry.is_file():
                expected.append(os.path.relpath(entry.path, scan_root))
            elif entry.is_dir():
                walk(entry.path)
    walk(scan_root)
    assert list(compat_utils.scandir(scan_root, recursive=True)) == expected


@pytest.fixture
def fresh_loggers():
    """Forget the golden loggers (names 'lg-*') so each case starts as MMCV's process did."""
    def forget():
        for name in [n for n in compat_logging.logger_initialized if n.startswith('lg-')]:
            del compat_logging.logger_initialized[name]
        for name in list(logging.Logger.manager.loggerDict):
            if name.startswith('lg-'):
                logger = logging.getLogger(name)
                for handler in list(logger.handlers):
                    logger.removeHandler(handler)
                    handler.close()
                logger.setLevel(logging.NOTSET)
    forget()
    yield
    forget()


@pytest.mark.parametrize('case', sorted(GOLDENS['logging']))
def test_logging_matches_mmcv(case, fresh_loggers, tmp_path):
    steps = GOLDENS['logging_steps'][case]
    assert run_logging(steps, str(tmp_path), compat_utils) == GOLDENS['logging'][case]


def test_check_file_exist_and_torch_version_match_mmcv(tmp_path):
    assert isinstance(compat_utils.TORCH_VERSION, str) is GOLDENS['torch_version']['type_is_str']
    with pytest.raises(FileNotFoundError) as info:
        compat_utils.check_file_exist(str(tmp_path / 'missing.py'))
    assert type(info.value).__name__ == GOLDENS['check_file_exist']
    assert str(info.value) == f'file "{tmp_path / "missing.py"}" does not exist'
