"""`migrate convert --keep-legacy-models`: converted training configs keep their legacy
models (LegacyBridgeRunner through compat.on_engine) and train on the engine to the weights
the real MMCV 1.7.2 reached on the legacy config."""
import json
import os

import pytest
import torch
from click.testing import CliRunner

from migrate.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
RUNS = os.path.join(ROOT, 'fixtures', 'legacy_runs')
GOLDENS = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_runs')
OVERLAY = """runner_type = 'LegacyBridgeRunner'
custom_imports = dict(
    imports=['compat.testing.registration', 'compat.on_engine'],
    allow_failed_imports=False,
)
"""


@pytest.fixture(scope='module')
def trees(tmp_path_factory):
    out = {}
    for flag in (False, True):
        dst = tmp_path_factory.mktemp('kept' if flag else 'plain')
        args = ['convert', RUNS, '-o', str(dst / 't'), '--target', 'engine', '--epoch-len', '8',
                '-q'] + (['--keep-legacy-models'] if flag else [])
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        out[flag] = dst / 't'
    return out


def test_training_configs_get_the_bridge_and_parts_do_not(trees):
    kept = trees[True]
    leaf = (kept / 'toy_sgd_step_gradclip_3e.py').read_text()
    assert leaf.endswith(OVERLAY)
    assert '# migrate --keep-legacy-models:' in leaf
    for part in ('_base_/models/toy_classifier.py', '_base_/datasets/toy_classification.py',
                 '_base_/default_runtime.py', '_base_/schedules/schedule_3e.py'):
        assert 'LegacyBridgeRunner' not in (kept / part).read_text(), part


def test_without_the_option_nothing_is_added(trees):
    for path in trees[False].rglob('*.py'):
        assert 'LegacyBridgeRunner' not in path.read_text(), path
    # the option only appends: the conversion itself is the same
    plain = (trees[False] / 'toy_iter_cyclic.py').read_text()
    kept = (trees[True] / 'toy_iter_cyclic.py').read_text()
    assert kept.startswith(plain.rstrip('\n') + '\n\n# migrate --keep-legacy-models:')
    assert kept.endswith(OVERLAY)


@pytest.mark.parametrize('stem', ['toy_sgd_step_gradclip_3e', 'toy_iter_cyclic'])
def test_the_kept_config_trains_to_mmcvs_weights(stem, trees, tmp_path):
    result = CliRunner().invoke(main, ['train', str(trees[True] / f'{stem}.py'), '--work-dir',
                                       str(tmp_path / 'w'), '--seed', '0'])
    assert result.exit_code == 0, result.output
    last = sorted(p for p in os.listdir(tmp_path / 'w') if p.endswith('.pth')
                  and p.startswith(('epoch_3', 'iter_30')))[-1]
    state = torch.load(tmp_path / 'w' / last, weights_only=True)['state_dict']
    with open(os.path.join(GOLDENS, f'{stem}.json')) as f:
        golden = json.load(f)['result']['weights']
    for key, values in golden.items():
        assert state[key].double().flatten().tolist() == \
            [float.fromhex(v) for v in values], key


def test_an_unknown_runner_type_names_the_key(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("runner_type = 'NoSuchRunner'\nmodel = dict(type='ToyClassifier')\n")
    result = CliRunner().invoke(main, ['train', str(path), '--work-dir', str(tmp_path / 'w')])
    assert result.exit_code == 2
    assert "key 'runner_type'" in result.output and 'NoSuchRunner' in result.output
