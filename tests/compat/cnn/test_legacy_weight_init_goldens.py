"""compat's BaseModule + initialisers against MMCV 1.7.2 (fixtures/goldens/legacy_weight_init.json,
recorded by scripts/oracle/record_weight_init_goldens.py): the same weights (1e-6, so the same
RNG draws in the same order), the same init-info log, ``is_init`` flags and second-call warning."""
import importlib.util
import json
import logging
import warnings
from pathlib import Path

import pytest
import torch

from compat.runner.base_module import BaseModule, ModuleList, Sequential

REPO = Path(__file__).resolve().parents[3]
GOLDENS = REPO / 'fixtures' / 'goldens'
CKPT_PATH = str(GOLDENS / 'legacy_weight_init_pretrained.pth')
CASES = json.loads((GOLDENS / 'legacy_weight_init.json').read_text())['cases']

_spec = importlib.util.spec_from_file_location(
    'init_cfg_tree', REPO / 'scripts' / 'oracle' / 'init_cfg_tree.py')
tree = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tree)


def run_case(name, tmp_path):
    golden = CASES[name]
    torch.manual_seed(golden['seed'])
    model = tree.build_tree(BaseModule, Sequential, ModuleList,
                            tree.with_checkpoint(tree.CASES[name], CKPT_PATH))
    logger = logging.getLogger('mmcv')
    log_path = tmp_path / 'init.log'
    handler = logging.FileHandler(log_path)
    old_level = logger.level
    # MMCV's get_logger('mmcv') sets INFO; the compat runner will configure it the same way
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        torch.manual_seed(golden['seed'] + 1000)
        model.init_weights()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        handler.close()
    return model, log_path.read_text().replace(CKPT_PATH, tree.CKPT)


def test_every_case_of_the_tree_is_recorded():
    assert sorted(CASES) == sorted(tree.CASES)


@pytest.mark.parametrize('name', sorted(CASES))
def test_weights_match_mmcv(name, tmp_path):
    model, _ = run_case(name, tmp_path)
    state = model.state_dict()
    assert [k for k, _ in CASES[name]['state']] == list(state)
    for key, expected in CASES[name]['state']:
        got = state[key].detach().double().flatten()
        torch.testing.assert_close(got, torch.tensor(expected, dtype=torch.float64),
                                   rtol=0, atol=1e-6, msg=f'{name}: {key}')


@pytest.mark.parametrize('name', sorted(CASES))
def test_init_info_log_matches_mmcv(name, tmp_path):
    _, log_text = run_case(name, tmp_path)
    assert log_text == CASES[name]['log_text']


@pytest.mark.parametrize('name', sorted(CASES))
def test_is_init_and_second_call_match_mmcv(name, tmp_path):
    model, _ = run_case(name, tmp_path)
    golden = CASES[name]
    assert {n or '<top>': m.is_init for n, m in model.named_modules()
            if hasattr(m, 'is_init')} == golden['is_init']
    assert hasattr(model, '_params_init_info') == golden['left_init_info']
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        model.init_weights()
    assert [str(w.message) for w in caught] == golden['second_call_warnings']
