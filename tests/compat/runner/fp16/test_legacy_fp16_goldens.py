"""compat.runner.fp16_utils equals MMCV 1.7.2's fp16_utils on CPU, case by case.

Goldens: scripts/oracle/record_legacy_fp16_goldens.py (the real MMCV 1.7.2); the cases are in
scripts/oracle/legacy_fp16_model.py, run here against our module.
"""
import json
import sys
import warnings
from pathlib import Path

import pytest
import torch

from compat.runner import fp16_utils

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / 'scripts' / 'oracle'))
import legacy_fp16_model as cases  # noqa: E402

GOLDEN = json.loads((ROOT / 'fixtures' / 'goldens' / 'legacy_fp16_utils.json').read_text())
SECTIONS = ('cast', 'decorators', 'refusals', 'wrap', 'scaler', 'overflow')


@pytest.fixture(scope='module')
def ours():
    assert not torch.cuda.is_available(), 'the goldens record the CPU behaviour'
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return cases.all_cases(fp16_utils)


def test_goldens_were_recorded_on_this_torch():
    assert GOLDEN['torch'] == torch.__version__


@pytest.mark.parametrize('section', SECTIONS)
def test_section_equals_mmcv(ours, section):
    expected = GOLDEN[section]
    got = json.loads(json.dumps(ours[section], sort_keys=True))
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], name
