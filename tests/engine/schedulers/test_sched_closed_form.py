"""The stepping (chainable) form of each family, alone, equals its closed form — for many
(begin, end, by_epoch) settings, driven through the hook like a real train loop."""
from __future__ import annotations

import ast
import doctest
import importlib
import pathlib

import pytest

from engine.hooks.param_scheduler_hook import ParamSchedulerHook
from engine.schedulers import INF, build_param_schedulers
from engine.schedulers import closed_form as cf

from ._replay import FakeRunner

EPOCH_LENGTH, MAX_EPOCHS = 3, 6
SETTINGS = [(0, 6), (2, 5), (1, 20), (0, INF), (3, 4)]
BASES = (0.1, 0.04)


def _held(fn, t):
    """Closed forms returning None (after the last restart) hold the previous value."""
    while t >= 0:
        value = fn(t)
        if value is not None:
            return value
        t -= 1
    raise AssertionError('no value')


FAMILIES = {
    'ConstantLR': (dict(factor=0.25),
                   lambda b, t, beg, end: cf.constant_value(b, 0.25, t, end - beg - 1)),
    'LinearLR': (dict(start_factor=0.2, end_factor=0.9),
                 lambda b, t, beg, end: cf.linear_value(b, 0.2, 0.9, t, end - beg - 1)),
    'StepLR': (dict(step_size=2, gamma=0.5), lambda b, t, *_: cf.step_value(b, 0.5, t, 2)),
    'MultiStepLR': (dict(milestones=[1, 3, 3], gamma=0.5),
                    lambda b, t, *_: cf.multistep_value(b, 0.5, t, {1: 1, 3: 2})),
    'ExponentialLR': (dict(gamma=0.8), lambda b, t, *_: cf.exponential_value(b, 0.8, t)),
    'CosineAnnealingLR': (dict(eta_min=0.01),
                          lambda b, t, beg, end: cf.cosine_annealing_value(b, 0.01, t, end - beg)),
    'CosineAnnealingLR-Tmax-ratio': (
        dict(T_max=4, eta_min_ratio=0.1),
        lambda b, t, *_: cf.cosine_annealing_value(b, 0.1 * b, t, 4)),
    'PolyLR': (dict(eta_min=0.001, power=1.5),
               lambda b, t, beg, end: cf.poly_value(b, 0.001, 1.5, t, end - beg - 1)),
    'CosineRestartLR': (
        dict(periods=[3, 4], restart_weights=[1, 0.6], eta_min=0.005),
        lambda b, t, *_: _held(lambda s: cf.cosine_restart_value(b, 0.005, s, [3, 4], [1, 0.6]),
                               t)),
}


def _closed_form_trajectory(fn, base, begin, end, by_epoch):
    values = []
    for i in range(EPOCH_LENGTH * MAX_EPOCHS):
        g = i // EPOCH_LENGTH if by_epoch else i
        if g < begin:
            values.append(base)
        else:
            values.append(fn(base, min(g, end - 1) - begin, begin, end))
    return values


def _stepped_trajectory(cfg):
    import torch
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in BASES]
    opt = torch.optim.SGD([dict(params=[p], lr=lr) for p, lr in zip(params, BASES)], lr=0.1,
                          momentum=0.9)
    runner = FakeRunner(build_param_schedulers([cfg], opt))
    hook = ParamSchedulerHook()
    out = [[] for _ in BASES]
    for _ in range(MAX_EPOCHS):
        for i in range(EPOCH_LENGTH):
            for g, group in enumerate(opt.param_groups):
                out[g].append(group['lr'])
            hook.after_train_iter(runner, batch_idx=i)
        hook.after_train_epoch(runner)
    return out


@pytest.mark.parametrize('by_epoch', [True, False], ids=['by_epoch', 'by_iter'])
@pytest.mark.parametrize('begin,end', SETTINGS, ids=[f'{b}-{e}' for b, e in SETTINGS])
@pytest.mark.parametrize('family', list(FAMILIES))
def test_stepping_equals_closed_form(family, begin, end, by_epoch):
    kwargs, fn = FAMILIES[family]
    cfg = dict(type=family.split('-')[0], begin=begin, end=end, by_epoch=by_epoch, **kwargs)
    stepped = _stepped_trajectory(cfg)
    for g, base in enumerate(BASES):
        expected = _closed_form_trajectory(fn, base, begin, end, by_epoch)
        assert stepped[g] == pytest.approx(expected, rel=1e-12, abs=1e-15), f'group {g}'


@pytest.mark.parametrize('three_phase,strategy', [(False, 'cos'), (True, 'linear')])
def test_one_cycle_stepping_equals_closed_form(three_phase, strategy):
    cfg = dict(type='OneCycleLR', eta_max=0.5, total_steps=16, begin=1, end=17,
               by_epoch=False, three_phase=three_phase, anneal_strategy=strategy)
    stepped = _stepped_trajectory(cfg)
    phases = cf.one_cycle_phases(16, 0.3, three_phase)
    anchors = {'initial': 0.5 / 25, 'max': 0.5, 'min': 0.5 / 25 / 1e4}
    expected = [BASES[0]] + [cf.one_cycle_value(min(i, 16) - 1, phases, anchors, strategy)
                             for i in range(1, EPOCH_LENGTH * MAX_EPOCHS)]
    assert stepped[0] == pytest.approx(expected, rel=1e-12)


CLOSED_FORM_DIR = pathlib.Path(cf.__file__).parent


@pytest.mark.parametrize('path', sorted(CLOSED_FORM_DIR.glob('*.py')), ids=lambda p: p.name)
def test_closed_form_modules_import_no_torch_and_doctests_pass(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or '']
        else:
            continue
        for name in names:
            assert name.split('.')[0] in {'math', 'typing', '__future__'} or \
                name.startswith('engine.schedulers.closed_form'), f'{path.name}: {name}'
    module = importlib.import_module(f'engine.schedulers.closed_form.{path.stem}'
                                     if path.stem != '__init__' else
                                     'engine.schedulers.closed_form')
    result = doctest.testmod(module)
    assert result.failed == 0
    if path.stem != '__init__':
        assert result.attempted > 0, f'{path.name} has no numeric example'
