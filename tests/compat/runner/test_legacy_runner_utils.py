"""compat.runner.utils against MMCV 1.7.2 (fixtures/goldens/legacy_runner_utils.json, recorded
by scripts/oracle/record_runner_utils_goldens.py)."""
import json
import os
import random
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from compat.runner.utils import get_host_info, get_time_str, obj_from_dict, set_random_seed
from engine.errors import BuildError

GOLDEN = Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' / 'legacy_runner_utils.json'
GOLDENS = json.loads(GOLDEN.read_text())


def draws() -> dict:
    """The draws of the golden script, in its order."""
    return {'random': [random.random() for _ in range(3)],
            'randint': random.randint(0, 10 ** 9),
            'numpy': np.random.rand(3).tolist(),
            'numpy_randint': int(np.random.randint(2 ** 31)),
            'torch': torch.rand(3, dtype=torch.float64).tolist(),
            'torch_randperm': torch.randperm(10).tolist()}


def seeding_case(seed, deterministic, use_rank_shift) -> dict:
    torch.backends.cudnn.deterministic = False
    torch.backends.cudnn.benchmark = True
    set_random_seed(seed, deterministic=deterministic, use_rank_shift=use_rank_shift)
    return {'seed': seed, 'deterministic': deterministic, 'use_rank_shift': use_rank_shift,
            'rank': 0, 'draws': draws(), 'PYTHONHASHSEED': os.environ['PYTHONHASHSEED'],
            'cudnn_deterministic': torch.backends.cudnn.deterministic,
            'cudnn_benchmark': torch.backends.cudnn.benchmark}


@pytest.fixture(autouse=True)
def restore_global_state(monkeypatch):
    monkeypatch.setenv('PYTHONHASHSEED', os.environ.get('PYTHONHASHSEED', '0'))
    flags = torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark
    yield
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = flags


@pytest.mark.parametrize('golden', GOLDENS['seeding_single'],
                         ids=lambda g: f"seed{g['seed']}-det{g['deterministic']}-"
                                       f"shift{g['use_rank_shift']}")
def test_set_random_seed_draws_and_flags_match_mmcv(golden):
    assert seeding_case(golden['seed'], golden['deterministic'],
                        golden['use_rank_shift']) == golden


def test_deterministic_false_leaves_cudnn_flags_alone():
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = True, True
    set_random_seed(3)
    assert (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark) == (True, True)


def test_get_time_str_is_mmcv_timestamp():
    assert re.fullmatch(r'\d{8}_\d{6}', get_time_str())


def test_get_host_info_is_user_at_host_or_empty_with_warning(monkeypatch):
    assert re.fullmatch(r'[^@]+@[^@]+', get_host_info())

    def no_user():
        raise KeyError('getpwuid(): uid not found: 4242')
    monkeypatch.setattr('compat.runner.utils.getuser', no_user)
    with pytest.warns(UserWarning, match='Host or user not found'):
        assert get_host_info() == ''


def golden_case(name):
    return next(c for c in GOLDENS['obj_from_dict'] if c['case'] == name)


def test_obj_from_dict_parent_and_defaults_match_mmcv():
    model = torch.nn.Linear(2, 1)
    sgd = obj_from_dict({'type': 'SGD', 'lr': 0.1}, torch.optim,
                        {'params': model.parameters(), 'momentum': 0.9, 'lr': 0.5})
    golden = golden_case('parent_and_defaults')
    assert type(sgd).__name__ == golden['class']
    assert {k: sgd.defaults[k] for k in ('lr', 'momentum')} == golden['defaults']
    assert obj_from_dict({'type': dict, 'a': 1}, default_args={'b': 2}) == \
        golden_case('type_object')['value']


@pytest.mark.parametrize('name,info,parent', [('bad_type', {'type': 3}, None),
                                              ('missing_attr', {'type': 'NoSuchOptim'},
                                               torch.optim)])
def test_obj_from_dict_errors_match_mmcv(name, info, parent):
    golden = golden_case(name)
    with pytest.raises(Exception) as err:
        obj_from_dict(info, parent)
    assert (type(err.value).__name__, str(err.value)) == (golden['error'], golden['message'])


def test_obj_from_dict_string_type_without_parent_says_what_to_pass():
    with pytest.raises(BuildError, match='without a parent module') as err:
        obj_from_dict({'type': 'SGD'})
    assert 'parent=' in str(err.value) and err.value.key == 'type'
