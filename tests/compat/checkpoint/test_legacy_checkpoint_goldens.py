"""compat.checkpoint.checkpoint against the real MMCV 1.7.2 (fixtures/goldens/legacy_checkpoint/,
recorded by scripts/oracle/record_legacy_checkpoint_goldens.py)."""
from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import os
import subprocess
import sys

import pytest
import torch
from torch.nn import DataParallel

from compat.checkpoint.checkpoint import load_checkpoint, save_checkpoint

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDEN_DIR = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_checkpoint')
ORACLE_PYTHON = os.path.join(ROOT, '.oracle', 'mmcv', 'bin', 'python')
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
import legacy_checkpoint_model as toy  # noqa: E402

with open(os.path.join(GOLDEN_DIR, 'expected.json')) as _f:
    EXPECTED = json.load(_f)


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append([record.levelname, record.getMessage()])


def _run_case(case) -> dict:
    """What ``compat`` load_checkpoint does in a case, in the recorder's terms."""
    file, strict, revise, with_logger = case
    model = toy.make_model(seed=7)
    logger, handler = None, None
    if with_logger:
        logger = logging.getLogger('legacy_checkpoint_test')
        logger.handlers[:] = []
        logger.propagate = False
        logger.setLevel(logging.INFO)
        handler = ListHandler()
        logger.addHandler(handler)
    kwargs = {} if revise is None else {'revise_keys': [tuple(p) for p in revise]}
    out, error, top_keys = io.StringIO(), None, None
    with contextlib.redirect_stdout(out):
        try:
            top_keys = list(load_checkpoint(model, os.path.join(GOLDEN_DIR, file),
                                            strict=strict, logger=logger, **kwargs))
        except Exception as e:  # noqa: BLE001 - compared with what MMCV raised
            error = [type(e).__name__, str(e)]
    token = EXPECTED['dir_token']
    return {'stdout': out.getvalue().replace(GOLDEN_DIR, token),
            'log': [[lvl, msg.replace(GOLDEN_DIR, token)] for lvl, msg in handler.records]
            if handler else [],
            'error': error, 'top_keys': top_keys,
            'weights_after': toy.tensors(model.state_dict())}


@pytest.mark.parametrize('case', toy.LOAD_CASES, ids=toy.case_name)
def test_load_checkpoint_matches_mmcv(case):
    assert _run_case(case) == EXPECTED['loads'][toy.case_name(case)]


def test_mmcv_written_checkpoint_keeps_meta_and_optimizer_state():
    model = toy.make_model(seed=7)
    with contextlib.redirect_stdout(io.StringIO()):
        ckpt = load_checkpoint(model, os.path.join(GOLDEN_DIR, 'mmcv_written.pth'))
    recorded = EXPECTED['files']['mmcv_written.pth']
    assert list(ckpt) == recorded['top_keys']
    assert list(ckpt['meta']) == recorded['meta_keys']
    assert ckpt['meta']['fp16'] == toy.META['fp16']
    assert ckpt['meta']['hook_msgs'] == toy.META['hook_msgs']
    assert ckpt['meta']['CLASSES'] == toy.CLASSES
    assert toy.tensors(model.state_dict()) == recorded['state_dict']
    sgd = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    sgd.load_state_dict(ckpt['optimizer'])
    assert toy.optimizer_layout(sgd.state_dict()) == recorded['optimizer']


def _our_file(tmp_path, name: str) -> str:
    model, sgd, optimizers = toy.trained_model_and_optimizers()
    path = str(tmp_path / name)
    if name == 'mmcv_written.pth':
        save_checkpoint(DataParallel(model), path, optimizer=sgd, meta=copy.deepcopy(toy.META))
    else:
        save_checkpoint(model, path, optimizer=optimizers)
    return path


@pytest.mark.parametrize('name', ['mmcv_written.pth', 'mmcv_two_optimizers.pth'])
def test_our_file_has_mmcvs_layout_field_by_field(tmp_path, name):
    ours = toy.file_layout(_our_file(tmp_path, name))
    recorded = EXPECTED['files'][name]
    assert ours.keys() == recorded.keys()
    for field in recorded:
        assert ours[field] == recorded[field], field
    assert os.listdir(tmp_path) == [name]   # atomic write: no temporary file left


@pytest.mark.skipif(not os.path.exists(ORACLE_PYTHON), reason='no .oracle/mmcv interpreter')
def test_our_file_loads_in_real_mmcv(tmp_path):
    path = _our_file(tmp_path, 'mmcv_written.pth')
    done = subprocess.run([ORACLE_PYTHON, os.path.join(ROOT, 'scripts', 'oracle',
                                                       'read_legacy_checkpoint.py'), path],
                          capture_output=True, text=True, timeout=120, check=True)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    recorded = EXPECTED['files']['mmcv_written.pth']
    assert got['stdout'] == f'load checkpoint from local path: {path}\n'
    assert got['top_keys'] == recorded['top_keys']
    assert {k: v for k, v in got['meta'].items() if k != 'time'} == recorded['meta']
    assert got['weights_after'] == recorded['state_dict']
    assert got['optimizer_after'] == recorded['optimizer']
