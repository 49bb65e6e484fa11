"""The checkpoint hook of every converted fixture leaf, as real MMEngine 0.10.7 merges it, keeps
what MMCV 1.7.2 merged from checkpoint_config and evaluation's save_best (recorded goldens of
both: scripts/oracle/record_legacy_fixture_goldens.py, record_converted_fixture_goldens.py)."""
import pytest

from tests.migrate.fixture_tree.test_converted_fixture_goldens_present import MANIFEST, load

PASSED_THROUGH = ('max_keep_ckpts', 'save_optimizer', 'out_dir', 'by_epoch', 'save_last')


def _hooks(leaf):
    legacy = load('legacy_fixtures', leaf)['runtime_keys']
    converted = load('converted_fixtures', leaf)['default_hooks'] or {}
    return legacy['checkpoint_config'], legacy['evaluation'], converted


@pytest.mark.parametrize('leaf', sorted(MANIFEST))
def test_checkpoint_hook_keeps_mmcv_settings(leaf):
    checkpoint_config, evaluation, hooks = _hooks(leaf)
    save_best = (evaluation or {}).get('save_best')
    assert 'checkpoint' in hooks, 'MMEngine would fall back to its default hook'
    hook = hooks['checkpoint']
    if checkpoint_config is None and save_best is None:
        assert hook is None   # MMCV registered no checkpoint hook
        return
    assert hook['type'] == 'CheckpointHook'
    if checkpoint_config is None:
        assert hook['interval'] == -1 and hook['save_last'] is False   # only the best one
    else:
        assert hook['interval'] == checkpoint_config.get('interval', -1)
        for key in PASSED_THROUGH:
            if key in checkpoint_config:
                assert hook[key] == checkpoint_config[key], key


@pytest.mark.parametrize('leaf', sorted(MANIFEST))
def test_save_best_and_rule_reach_the_checkpoint_hook(leaf):
    _, evaluation, hooks = _hooks(leaf)
    hook = hooks.get('checkpoint') or {}
    evaluation = evaluation or {}
    assert hook.get('save_best') == evaluation.get('save_best')
    if evaluation.get('save_best') is not None and 'rule' in evaluation:
        assert hook['rule'] == evaluation['rule']


def test_some_leaves_exercise_save_best():
    assert sum(1 for leaf in MANIFEST if (_hooks(leaf)[1] or {}).get('save_best')) >= 5
