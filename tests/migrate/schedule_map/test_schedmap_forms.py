"""The forms written for each legacy policy (the reference's exact forms), their key order,
the engine-only replacements, the MMEngine argument rules and the errors."""
from __future__ import annotations

import pytest

from compat.schedules import parse_lr_config, parse_momentum_config
from engine.errors import ConfigError, EngineError
from migrate.schedule_map import map_schedules
from migrate.schedule_map.validate import check_mmengine_list

EBR, IBR = 'EpochBasedRunner', 'IterBasedRunner'


def lr_map(lr_config, runner=EBR, length=12, target='mmengine', epoch_len=None, **kw):
    policy = parse_lr_config(lr_config, runner_type=runner)
    return map_schedules(policy, None, runner_type=runner,
                         max_epochs=length if runner == EBR else None,
                         max_iters=length if runner == IBR else None, target=target,
                         epoch_len=epoch_len, base_lr=kw.pop('base_lr', 0.02), **kw)


def mom_map(momentum_config, runner=EBR, length=12, target='mmengine', epoch_len=None, **kw):
    policy = parse_momentum_config(momentum_config, runner_type=runner)
    return map_schedules(None, policy, runner_type=runner,
                         max_epochs=length if runner == EBR else None,
                         max_iters=length if runner == IBR else None, target=target,
                         epoch_len=epoch_len, base_lr=0.02, **kw)


def test_schedule_1x_exact_form_and_key_order():
    m = lr_map(dict(policy='step', step=[8, 11], warmup='linear', warmup_iters=500,
                    warmup_ratio=0.001))
    assert m.schedulers == [
        dict(type='LinearLR', start_factor=0.001, begin=0, end=501, by_epoch=False),
        dict(type='MultiStepLR', milestones=[8, 11], gamma=0.1, begin=0, end=12,
             by_epoch=True)]
    assert [list(s) for s in m.schedulers] == [
        ['type', 'start_factor', 'begin', 'end', 'by_epoch'],
        ['type', 'milestones', 'gamma', 'begin', 'end', 'by_epoch']]
    assert m.approximations == [] and m.exact


def test_constant_warmup_and_int_step():
    m = lr_map(dict(policy='step', step=3, gamma=0.5, warmup='constant', warmup_iters=20,
                    warmup_ratio=0.1))
    assert m.schedulers[0] == dict(type='ConstantLR', factor=0.1, begin=0, end=21,
                                   by_epoch=False)
    assert m.schedulers[1] == dict(type='StepLR', step_size=3, gamma=0.5, begin=0, end=12,
                                   by_epoch=True)


def test_unsorted_step_list_uses_mmcv_effective_milestones():
    m = lr_map(dict(policy='step', step=[8, 4, 10]))
    assert m.schedulers[0]['milestones'] == [8, 8, 10]


@pytest.mark.parametrize('runner,by_epoch,epoch_len,expected', [
    (EBR, True, None, dict(begin=0, end=13, by_epoch=True)),
    (IBR, False, None, dict(begin=0, end=1201, by_epoch=False)),
    (EBR, False, 50, dict(begin=0, end=601, by_epoch=False)),
    (EBR, False, None, dict(begin=-1, by_epoch=False)),
])
def test_poly_ends_at_max_plus_one(runner, by_epoch, epoch_len, expected):
    length = 12 if runner == EBR else 1200
    m = lr_map(dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=by_epoch), runner,
               length, epoch_len=epoch_len)
    (s,) = m.schedulers
    assert s == dict(type='PolyLR', eta_min=1e-4, power=0.9, **expected)
    assert m.exact


def test_linear_annealing_is_linear_lr_to_max_plus_one():
    m = lr_map(dict(policy='LinearAnnealing', min_lr_ratio=0.01))
    assert m.schedulers == [dict(type='LinearLR', start_factor=1.0, end_factor=0.01, begin=0,
                                 end=13, by_epoch=True)]


def test_cosine_by_iteration_in_epoch_run_is_converted():
    m = lr_map(dict(policy='CosineAnnealing', min_lr=1e-5, by_epoch=False))
    assert m.schedulers == [dict(type='CosineAnnealingLR', T_max=12, eta_min=1e-5, begin=0,
                                 end=12, by_epoch=True, convert_to_iter_based=True)]
    m = lr_map(dict(policy='CosineAnnealing', min_lr_ratio=0.05))
    assert m.schedulers[0]['eta_min_ratio'] == 0.05 and m.schedulers[0]['by_epoch']


def test_flat_cosine_starts_at_round_of_percent():
    m = lr_map(dict(policy='FlatCosineAnnealing', start_percent=0.75, min_lr=0.005))
    assert m.schedulers == [dict(type='CosineAnnealingLR', T_max=3, eta_min=0.005, begin=9,
                                 end=12, by_epoch=True)]


def test_cosine_restart_folds_mmcv_peak_into_weights():
    m = lr_map(dict(policy='CosineRestart', periods=[4, 4, 4], restart_weights=[1, 0.5, 0.2],
                    min_lr_ratio=0.1))
    assert m.schedulers[0]['restart_weights'] == pytest.approx([1, 0.55, 0.28])
    assert m.exact and m.notes[0].kind == 'cosine-restart-peak'
    with pytest.raises(ConfigError) as info:
        lr_map(dict(policy='CosineRestart', periods=[4, 4], min_lr=0, restart_weights=[1, 1]))
    assert info.value.key == 'lr_config.periods'


def test_one_cycle_writes_total_steps():
    m = lr_map(dict(policy='OneCycle', max_lr=0.1), IBR, 300)
    assert m.schedulers == [dict(type='OneCycleLR', eta_max=0.1, total_steps=300,
                                 pct_start=0.3, anneal_strategy='cos', div_factor=25,
                                 final_div_factor=1e4, three_phase=False, begin=0, end=300,
                                 by_epoch=False)]
    m = lr_map(dict(policy='OneCycle', max_lr=0.1), EBR, 3)        # length unknown
    assert m.schedulers[0]['total_steps'] == 3 and m.schedulers[0]['convert_to_iter_based']
    with pytest.raises(ConfigError) as info:
        lr_map(dict(policy='OneCycle', max_lr=dict(a=0.1)), IBR, 30)
    assert info.value.key == 'lr_config.max_lr'


def test_one_cyclic_cos_cycle_is_two_chained_cosines():
    m = lr_map(dict(policy='cyclic'), IBR, 100)
    assert m.schedulers == [
        dict(type='CosineAnnealingLR', T_max=40, eta_min_ratio=10, begin=0, end=41,
             by_epoch=False),
        dict(type='CosineAnnealingLR', T_max=60, eta_min_ratio=1e-4, begin=40, end=100,
             by_epoch=False)]


def test_multi_cycle_cyclic_is_restart_segments():
    m = lr_map(dict(policy='cyclic', cyclic_times=2, gamma=0.5), IBR, 100)
    assert [s['type'] for s in m.schedulers] == ['CosineRestartLR'] * 4
    assert m.schedulers[2] == dict(type='CosineRestartLR', periods=[20], restart_weights=[1],
                                   eta_min_ratio=0.5 + 10 * 0.5, begin=50, end=70,
                                   by_epoch=False)
    assert m.exact


def test_momentum_step_writes_mmcv_gamma():
    m = mom_map(dict(policy='step', step=[4, 8]))
    assert m.schedulers == [dict(type='MultiStepMomentum', milestones=[4, 8], gamma=0.5,
                                 begin=0, end=12, by_epoch=True)]


def test_momentum_cosine_and_cyclic():
    m = mom_map(dict(policy='CosineAnnealing', min_momentum=0.1))
    assert m.schedulers == [dict(type='CosineAnnealingMomentum', T_max=12, eta_min=0.1,
                                 begin=0, end=12, by_epoch=True)]
    m = mom_map(dict(policy='cyclic'), IBR, 100)
    assert [s['type'] for s in m.schedulers] == ['CosineAnnealingMomentum'] * 2


def test_fixed_and_none():
    assert lr_map(dict(policy='fixed')).schedulers == []
    m = lr_map(dict(policy='fixed', warmup='linear', warmup_iters=7))
    assert m.schedulers == [dict(type='LinearLR', start_factor=0.1, begin=0, end=8,
                                 by_epoch=False)]
    empty = map_schedules(None, None, runner_type=EBR, max_epochs=3, max_iters=None)
    assert empty.schedulers == [] and empty.approximations == [] and empty.notes == []


def test_by_epoch_momentum_under_iteration_runner_is_a_noop():
    m = mom_map(dict(policy='step', step=[2]), IBR, 50)
    assert m.schedulers == [] and m.approximations == []
    assert m.notes[0].kind == 'no-op-in-mmcv' and m.notes[0].rule == 'MIG101'


@pytest.mark.parametrize('kind,first', [
    ('linear', dict(type='LinearLR', start_factor=0.1, begin=0, end=101, by_epoch=False)),
    ('constant', dict(type='ConstantLR', factor=0.1, begin=0, end=101, by_epoch=False)),
    ('exp', dict(type='ConstantLR', factor=0.1, begin=0, end=1, by_epoch=False)),
])
def test_warmup_by_epoch_with_known_length_is_iterations(kind, first):
    m = lr_map(dict(policy='step', step=[8], warmup=kind, warmup_iters=2,
                    warmup_by_epoch=True), epoch_len=50)
    assert m.schedulers[0] == first
    assert m.schedulers[-2]['end'] == 101      # 2 epochs * 50 + 1
    assert m.exact


def test_warmup_by_epoch_unknown_length():
    constant = lr_map(dict(policy='step', step=[8], warmup='constant', warmup_iters=2,
                           warmup_by_epoch=True))
    assert constant.exact
    assert constant.schedulers[1] == dict(type='MultiStepLR', milestones=[2], gamma=10.0,
                                          begin=0, end=12, by_epoch=True)
    linear = lr_map(dict(policy='step', step=[8], warmup='linear', warmup_iters=2,
                         warmup_by_epoch=True))
    (a,) = linear.approximations
    assert a.kind == 'warmup-by-epoch-needs-epoch-len' and a.rule == 'MIG100'
    assert a.scheduler_index == 0 and a.measured_with_epoch_len == 100 and a.deviation > 0
    engine = lr_map(dict(policy='step', step=[8], warmup='linear', warmup_iters=2,
                         warmup_by_epoch=True), target='engine')
    assert engine.schedulers[0] == dict(type='WarmupLR', warmup='linear', warmup_ratio=0.1,
                                        warmup_iters=2, begin=0, end=3, by_epoch=True,
                                        convert_to_iter_based=True)
    assert engine.exact


def test_exp_warmup_forms():
    m = lr_map(dict(policy='step', step=[8], warmup='exp', warmup_iters=500))
    assert m.schedulers[0] == dict(type='ConstantLR', factor=0.1, begin=0, end=1,
                                   by_epoch=False)
    assert m.schedulers[1]['type'] == 'ExponentialLR' and m.schedulers[1]['end'] == 501
    assert m.schedulers[1]['gamma'] == pytest.approx(0.1 ** (-1 / 500))
    assert m.exact
    e = lr_map(dict(policy='step', step=[8], warmup='exp', warmup_iters=500), target='engine')
    assert e.schedulers[0] == dict(type='WarmupLR', warmup='exp', warmup_ratio=0.1,
                                   warmup_iters=500, begin=0, end=501, by_epoch=False)


def test_engine_only_replacements():
    def types(cfg, runner=EBR, length=12, mom=False):
        fn = mom_map if mom else lr_map
        return [s['type'] for s in fn(cfg, runner, length, target='engine').schedulers]

    assert types(dict(policy='inv', gamma=0.1)) == ['InvLR']
    assert types(dict(policy='step', step=[2], min_lr=1e-3)) == ['ClippedStepLR']
    assert types(dict(policy='CosineAnnealing', min_lr=1e-3, warmup='linear',
                      warmup_iters=5)) == ['LinearLR', 'RelativeCosineAnnealingLR']
    assert types(dict(policy='cyclic', cyclic_times=3), IBR, 90) == ['CyclicLR']
    assert types(dict(policy='OneCycle', max_lr=0.1, warmup='linear', warmup_iters=5),
                 IBR, 90) == ['LinearLR', 'RelativeOneCycleLR']
    assert types(dict(policy='LinearAnnealing', min_lr=1e-4)) == ['RelativeLinearAnnealingLR']
    assert types(dict(policy='OneCycle'), IBR, 90, mom=True) == ['OneCycleMomentum']
    assert types(dict(policy='step', step=[3], warmup='linear', warmup_iters=5),
                 mom=True) == ['WarmupMomentum', 'MultiStepMomentum']


def test_approximation_points_at_the_entry():
    m = lr_map(dict(policy='inv', gamma=1e-3, power=0.75, by_epoch=False), IBR, 2000)
    (a,) = m.approximations
    assert (a.rule, a.kind, a.scheduler_index) == ('MIG100', 'inv-policy', 0)
    assert m.schedulers[0]['type'] == 'ExponentialLR' and a.measured_with_epoch_len is None
    assert 0 < a.deviation < 0.2 and 'measured' in a.message


def test_momentum_approximation_rule_and_index_after_lr_entries():
    lr = parse_lr_config(dict(policy='step', step=[2]))
    mom = parse_momentum_config(dict(policy='step', step=[2], warmup='linear',
                                     warmup_iters=5))
    m = map_schedules(lr, mom, runner_type=EBR, max_epochs=4, max_iters=None, epoch_len=5)
    (a,) = m.approximations
    assert (a.rule, a.kind, a.scheduler_index) == ('MIG101', 'momentum-warmup', 1)


@pytest.mark.parametrize('kwargs,key', [
    (dict(runner_type=EBR, max_epochs=12, max_iters=None, target='torch'), '--target'),
    (dict(runner_type='CustomRunner', max_epochs=12, max_iters=None), 'runner.type'),
    (dict(runner_type=EBR, max_epochs=None, max_iters=None), 'runner.max_epochs'),
    (dict(runner_type=IBR, max_epochs=None, max_iters=0), 'runner.max_iters'),
    (dict(runner_type=EBR, max_epochs=3, max_iters=None, epoch_len=0), '--epoch-len'),
])
def test_bad_run_description(kwargs, key):
    with pytest.raises(EngineError) as info:
        map_schedules(parse_lr_config(dict(policy='step', step=[1])), None, **kwargs)
    assert info.value.key == key and info.value.fix


def test_momentum_config_without_momentum_is_an_error():
    mom = parse_momentum_config(dict(policy='CosineAnnealing', min_momentum=0.8))
    with pytest.raises(ConfigError) as info:
        map_schedules(None, mom, runner_type=EBR, max_epochs=3, max_iters=None,
                      base_momentum=None, optimizer_type='Adagrad')
    assert info.value.key == 'momentum_config'


@pytest.mark.parametrize('bad,key', [
    (dict(type='LinearLR', start_factor=2.0, end=5), 'param_scheduler[0].start_factor'),
    (dict(type='ConstantLR', factor=0, end=5), 'param_scheduler[0].factor'),
    (dict(type='OneCycleLR', eta_max=0.1, total_steps=None), 'param_scheduler[0].total_steps'),
    (dict(type='WarmupLR', warmup_iters=5), 'param_scheduler[0].type'),
    (dict(type='StepLR', step_size=2, begin=4, end=4), 'param_scheduler[0].end'),
    (dict(type='CosineRestartLR', periods=[2], restart_weights=[1]),
     'param_scheduler[0].eta_min'),
])
def test_mmengine_argument_rules(bad, key):
    with pytest.raises(ConfigError) as info:
        check_mmengine_list([bad])
    assert info.value.key == key


def test_long_run_rounding_is_reported_as_float_rounding_and_engine_is_bit_exact(monkeypatch):
    """MMCV's own ``1 - t / T`` cancels near the end of a long run: MMEngine's chained PolyLR
    lands a few 1e-12 away; the engine's RelativePolyLR evaluates MMCV's formula. (Forms
    announced exact are only replayed with measure_exact.)"""
    cfg = dict(policy='poly', power=1.0, min_lr=0.0, by_epoch=False)
    m = lr_map(cfg, IBR, 40000, measure_exact=True)
    (a,) = m.approximations
    assert a.kind == 'float-rounding' and 1e-12 < a.deviation < 1e-9
    e = lr_map(cfg, IBR, 40000, target='engine')
    assert e.schedulers == [dict(type='RelativePolyLR', power=1.0, T_max=40000, eta_min=0.0,
                                 begin=0, end=40000, by_epoch=False)]
    assert e.exact


def test_tiny_linear_warmup_ratio_writes_mmcv_start_factor():
    m = lr_map(dict(policy='fixed', warmup='linear', warmup_iters=100, warmup_ratio=1e-6))
    assert m.schedulers[0]['start_factor'] == 1 - (1 - 1e-6) != 1e-6
    assert m.exact and m.notes[0].kind == 'warmup-start-factor'
