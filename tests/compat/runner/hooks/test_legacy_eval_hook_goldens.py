"""compat's EvalHook replays MMCV 1.7.2's on the scenarios of
scripts/oracle/legacy_eval_scenarios.py (goldens: fixtures/goldens/legacy_eval.json)."""
from __future__ import annotations

import json
import os
import sys

import pytest

from compat.runner import EpochBasedRunner, IterBasedRunner
from compat.runner.hooks import HOOKS, EvalHook, Hook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_eval_scenarios import (ERROR_CASES, RULE_CASES, SCENARIOS,  # noqa: E402
                                   construction_error, inferred_rule, run_scenario)

with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_eval.json')) as f:
    GOLDEN = json.load(f)


@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_eval_hook_matches_mmcv(name, tmp_path):
    by_epoch = SCENARIOS[name][0]
    runner_cls = EpochBasedRunner if by_epoch else IterBasedRunner
    got = run_scenario(name, Hook, runner_cls, EvalHook, str(tmp_path))
    assert got == GOLDEN[name]


@pytest.mark.parametrize('name', sorted(set(ERROR_CASES) - {'str_less_keys'}))
def test_construction_errors_match_mmcv(name):
    assert construction_error(EvalHook, ERROR_CASES[name]) == GOLDEN['errors'][name]


@pytest.mark.parametrize('name', sorted(RULE_CASES))
def test_inferred_rule_matches_mmcv(name):
    assert inferred_rule(EvalHook, RULE_CASES[name]) == GOLDEN['rules'][name]


def test_str_less_keys_is_accepted_where_mmcv_asserted_by_a_typo():
    # MMCV 1.7.2 asserted isinstance(greater_keys, str) when normalising less_keys, so a str
    # less_keys crashed unless greater_keys was a str too; compat takes it as a 1-tuple
    assert GOLDEN['errors']['str_less_keys'] == ['AssertionError', '']
    assert construction_error(EvalHook, ERROR_CASES['str_less_keys']) is None
    hook = EvalHook(_loader(), save_best='val_loss', less_keys='val_loss')
    assert hook.less_keys == ('val_loss',) and hook.rule == 'less'


def test_hooks_are_registered_under_mmcv_names():
    assert HOOKS.get('EvalHook') is EvalHook
    assert HOOKS.get('DistEvalHook').__name__ == 'DistEvalHook'


def test_non_local_file_backend_is_refused_with_the_fix():
    from engine.errors import ConfigError
    with pytest.raises(ConfigError, match='local disk only') as info:
        EvalHook(_loader(), file_client_args=dict(backend='petrel'))
    assert 'out_dir' in str(info.value)
    with pytest.raises(ConfigError, match='local disk only'):
        EvalHook(_loader(), out_dir='s3://bucket/ckpts')


def test_out_dir_gets_the_work_dir_basename(tmp_path):
    from legacy_eval_scenarios import build_eval_run
    out = tmp_path / 'out'
    runner, _, _, hook = build_eval_run('epoch_auto_best', Hook, EpochBasedRunner, EvalHook,
                                        str(tmp_path / 'work'), out_dir=str(out))
    runner.run([_train_loader()], [('train', 1)])
    assert sorted(os.listdir(out / 'work')) == ['best_accuracy_epoch_1.pth']
    assert runner.meta['hook_msgs']['best_ckpt'] == str(out / 'work' / 'best_accuracy_epoch_1.pth')


def _loader():
    from legacy_eval_scenarios import ToyDataset, make_loader
    return make_loader(ToyDataset(seed=7))


def _train_loader():
    from legacy_eval_scenarios import ToyDataset, make_loader
    return make_loader(ToyDataset(seed=1, size=6))


def test_dynamic_intervals_switch_the_interval_at_the_milestone(tmp_path):
    # MMDet 2.x EvalHook (mmdet/core/evaluation/eval_hooks.py, _decide_interval): from
    # 1-based epoch 3 on, interval 1; before, interval 2 -> evaluations after epochs 2, 3, 4
    from legacy_eval_scenarios import build_eval_run
    runner, val_set, events, _ = build_eval_run('epoch_every', Hook, EpochBasedRunner, EvalHook,
                                                str(tmp_path), interval=2,
                                                dynamic_intervals=[(3, 1)])
    runner.run([_train_loader()], [('train', 1)])
    assert [event[0] + 1 for event in events if event[2]] == [2, 3, 4]
    assert all(call['extra'] == [] for call in val_set.calls)  # not passed to evaluate


def test_dynamic_intervals_by_iter_follow_the_current_iter():
    from types import SimpleNamespace
    hook = EvalHook(_loader(), interval=5, by_epoch=False, dynamic_intervals=[(10, 2), (20, 1)])
    seen = []
    for it in (0, 8, 9, 18, 19, 30):
        hook._decide_interval(SimpleNamespace(iter=it, epoch=0))
        seen.append(hook.interval)
    assert seen == [5, 5, 2, 2, 1, 1]


def test_malformed_dynamic_intervals_name_the_key():
    from engine.errors import ConfigError
    with pytest.raises(ConfigError, match='dynamic_intervals') as info:
        EvalHook(_loader(), dynamic_intervals=[[3, 1]])
    assert 'dynamic_intervals=[(285, 1)]' in str(info.value)
