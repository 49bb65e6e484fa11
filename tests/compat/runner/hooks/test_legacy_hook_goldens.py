"""compat's legacy ``Hook`` equals MMCV 1.7.2's: predicates over a grid of runner states,
``get_triggered_stages`` and stage dispatch of subclasses, and the ``HOOKS`` registry.

Goldens: fixtures/goldens/legacy_hooks.json, written by
scripts/oracle/record_legacy_hook_goldens.py with the real MMCV 1.7.2.
"""
import json
import types
from pathlib import Path

import pytest

from compat.runner import HOOKS, Hook
from engine.errors import BuildError
from engine.registry import HOOKS as ENGINE_HOOKS
from engine.registry import Registry

GOLDENS = json.loads((Path(__file__).resolve().parents[4] / 'fixtures' / 'goldens' /
                      'legacy_hooks.json').read_text())
INTERVALS = GOLDENS['intervals']


def runner_at(state):
    return types.SimpleNamespace(
        epoch=state['epoch'], iter=state['iter'], inner_iter=state['inner_iter'],
        _max_epochs=state['max_epochs'], _max_iters=state['max_iters'],
        data_loader=list(range(state['loader_len'])))


@pytest.mark.parametrize('row', GOLDENS['predicates'],
                         ids=lambda r: '-'.join(f'{k}{v}' for k, v in r['state'].items()))
def test_predicates_equal_mmcv(row):
    hook, runner = Hook(), runner_at(row['state'])
    assert [hook.every_n_epochs(runner, n) for n in INTERVALS] == row['every_n_epochs']
    assert [hook.every_n_inner_iters(runner, n) for n in INTERVALS] == row['every_n_inner_iters']
    assert [hook.every_n_iters(runner, n) for n in INTERVALS] == row['every_n_iters']
    assert hook.end_of_epoch(runner) is row['end_of_epoch']
    assert hook.is_last_epoch(runner) is row['is_last_epoch']
    assert hook.is_last_iter(runner) is row['is_last_iter']


def test_grid_covers_true_and_false():
    """The grid is only a check if each predicate takes both values somewhere in it."""
    rows = GOLDENS['predicates']
    for name in ('end_of_epoch', 'is_last_epoch', 'is_last_iter'):
        assert {r[name] for r in rows} == {True, False}, name
    for name in ('every_n_epochs', 'every_n_inner_iters', 'every_n_iters'):
        assert {v for r in rows for v in r[name][2:]} == {True, False}, name


def _recording_method(name):
    def method(self, runner):
        runner.calls.append(name)
    method.__name__ = name
    return method


def build_hook_classes():
    """The recorder's subclasses, rebuilt on compat's Hook from their description."""
    built = {'Hook': Hook}
    for spec in GOLDENS['hook_classes']:
        body = {m: _recording_method(f"{spec['name']}.{m}") for m in spec['overrides']}
        built[spec['name']] = type(spec['name'], tuple(built[b] for b in spec['bases']), body)
    return built


CLASSES = build_hook_classes()


@pytest.mark.parametrize('spec', GOLDENS['hook_classes'], ids=lambda s: s['name'])
def test_triggered_stages_equal_mmcv(spec):
    assert CLASSES[spec['name']]().get_triggered_stages() == spec['triggered_stages']


@pytest.mark.parametrize('spec', GOLDENS['hook_classes'], ids=lambda s: s['name'])
def test_stage_dispatch_equals_mmcv(spec):
    """Each stage method runs the same overriding methods as in MMCV (generic fallbacks)."""
    hook = CLASSES[spec['name']]()
    for stage, expected in spec['dispatch'].items():
        runner = types.SimpleNamespace(calls=[])
        assert getattr(hook, stage)(runner) is None
        assert runner.calls == expected, stage


def test_stages_equal_mmcv():
    assert list(Hook.stages) == GOLDENS['stages']


def test_assigning_the_base_method_back_is_not_an_override():
    """MMCV compares methods with ``!=``: a class that re-binds Hook's own function to a stage
    does not trigger it."""
    class Rebound(Hook):
        after_iter = Hook.after_iter
        after_run = Hook.before_run  # another stage's function is a change

    assert Rebound().get_triggered_stages() == ['after_run']


def test_hooks_registry_is_compats_own():
    assert isinstance(HOOKS, Registry) and HOOKS is not ENGINE_HOOKS
    assert HOOKS.name == GOLDENS['hooks_registry_name']

    @HOOKS.register_module(name='_TestOnlyLegacyHook')
    class _TestOnlyLegacyHook(Hook):
        def __init__(self, interval=1):
            self.interval = interval

    try:
        hook = HOOKS.build(dict(type='_TestOnlyLegacyHook', interval=3))
        assert isinstance(hook, _TestOnlyLegacyHook) and hook.interval == 3
        assert '_TestOnlyLegacyHook' not in ENGINE_HOOKS
        with pytest.raises(BuildError, match="'_TestOnlyLegacyHok' is not a registered hook"):
            HOOKS.build(dict(type='_TestOnlyLegacyHok'))
    finally:
        HOOKS._modules.pop('_TestOnlyLegacyHook', None)
