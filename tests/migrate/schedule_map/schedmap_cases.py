"""Legacy set-ups beyond the recorded goldens, for the mapping tests. Each: a legacy config
(optimizer, lr_config, momentum_config, runner), the epoch length and the param groups.
Their MMCV values come from compat's closed forms; all of them were also run through the real
MMCV 1.7.2 hooks when written (identical, max relative error 0)."""
from __future__ import annotations

SGD = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)
ADAM = dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999))


def ebr(epochs):
    return dict(type='EpochBasedRunner', max_epochs=epochs)


def ibr(iters):
    return dict(type='IterBasedRunner', max_iters=iters)


def case(lr_config, runner, epoch_len, momentum_config=None, optimizer=SGD, groups=1):
    cfg = dict(optimizer=optimizer, lr_config=lr_config, runner=runner)
    if momentum_config is not None:
        cfg['momentum_config'] = momentum_config
    return dict(config=cfg, epoch_len=epoch_len, num_groups=groups)


CASES = {
    'long_exp_warmup_step_iter': case(
        dict(policy='step', step=[6000], warmup='exp', warmup_iters=3000, warmup_ratio=0.001,
             by_epoch=False), ibr(8000), 1000),
    'step_min_lr_above_base': case(dict(policy='step', step=[2], min_lr=0.2), ebr(4), 3),
    'step_int_min_lr_by_epoch': case(dict(policy='step', step=2, gamma=0.5, min_lr=0.02,
                                          warmup='linear', warmup_iters=4), ebr(10), 3),
    'restart_absolute_min_weights': case(
        dict(policy='CosineRestart', periods=[3, 3, 4], restart_weights=[1, 0.5, 0.25],
             min_lr=0.01), ebr(10), 2),
    'linear_annealing_absolute_by_iter_epoch_runner': case(
        dict(policy='LinearAnnealing', min_lr=0.001, by_epoch=False), ebr(4), 5),
    'one_cycle_momentum_fractional_phases': case(
        dict(policy='OneCycle', max_lr=0.5), ibr(101), 10,
        momentum_config=dict(policy='OneCycle', pct_start=0.3)),
    'one_cycle_momentum_three_phase_whole': case(
        dict(policy='fixed'), ibr(100), 10,
        momentum_config=dict(policy='OneCycle', three_phase=True, anneal_strategy='linear')),
    'cyclic_linear_epoch_runner': case(
        dict(policy='cyclic', target_ratio=(4, 1e-2), cyclic_times=2, anneal_strategy='linear'),
        ebr(4), 10),
    'cyclic_three_cycles_remainder_cos_gamma': case(
        dict(policy='cyclic', target_ratio=(10, 1e-4), cyclic_times=3, gamma=0.7), ibr(100),
        10),
    'flat_cosine_by_iter_half_epoch_start': case(
        dict(policy='FlatCosineAnnealing', start_percent=0.5, min_lr=1e-4, by_epoch=False),
        ebr(5), 4),
    'poly_by_iter_epoch_runner_warmup': case(
        dict(policy='poly', power=0.9, by_epoch=False, warmup='linear', warmup_iters=6,
             warmup_ratio=0.01), ebr(3), 7),
    'adam_cosine_momentum_with_momentum_warmup': case(
        dict(policy='fixed'), ibr(60), 10, optimizer=ADAM,
        momentum_config=dict(policy='CosineAnnealing', min_momentum_ratio=0.9, by_epoch=False,
                             warmup='linear', warmup_iters=10, warmup_ratio=0.8)),
    'one_cycle_lr_with_warmup': case(
        dict(policy='OneCycle', max_lr=0.4, warmup='linear', warmup_iters=10), ibr(50), 10),
    'restart_zero_min_warmup_spans_restart': case(
        dict(policy='CosineRestart', periods=[4, 8, 20], restart_weights=[1, 1, 1], min_lr=0.,
             by_epoch=False, warmup='linear', warmup_iters=6), ibr(30), 10),
    'flat_cosine_warmup_done_before_start': case(
        dict(policy='FlatCosineAnnealing', min_lr_ratio=0.01, by_epoch=False,
             warmup='linear', warmup_iters=20), ibr(100), 10),
    'linear_annealing_ratio_exp_warmup_by_epoch': case(
        dict(policy='LinearAnnealing', min_lr_ratio=0.05, warmup='exp', warmup_iters=7,
             warmup_ratio=0.01), ebr(6), 4),
    'warmup_by_epoch_constant_cosine_ratio': case(
        dict(policy='CosineAnnealing', min_lr_ratio=0.1, warmup='constant', warmup_iters=2,
             warmup_by_epoch=True, warmup_ratio=0.25), ebr(8), 3),
    'warmup_by_epoch_exp_step': case(
        dict(policy='step', step=[5], warmup='exp', warmup_iters=2, warmup_by_epoch=True),
        ebr(6), 5),
    'momentum_step_min_momentum_by_iter': case(
        dict(policy='fixed'), ibr(40), 10,
        momentum_config=dict(policy='step', step=[10, 20, 30], min_momentum=0.3,
                             by_epoch=False)),
    'two_groups_cyclic_momentum': case(
        dict(policy='cyclic'), ibr(40), 10, groups=2,
        momentum_config=dict(policy='cyclic', cyclic_times=2)),
    'iter_runner_explicit_by_epoch_lr_is_noop': case(
        dict(policy='step', step=[2], by_epoch=True), ibr(20), 5),
    'cosine_restart_ratio_with_warmup': case(
        dict(policy='CosineRestart', periods=[20, 30], restart_weights=[1, 0.5],
             min_lr_ratio=0.1, by_epoch=False, warmup='constant', warmup_iters=5), ibr(50),
        10),
    'inv_by_iter_epoch_runner': case(
        dict(policy='inv', gamma=1e-2, power=0.75, by_epoch=False), ebr(5), 8),
    'cosine_by_iter_epoch_runner_ratio_warmup': case(
        dict(policy='CosineAnnealing', min_lr_ratio=0.05, by_epoch=False, warmup='linear',
             warmup_iters=9, warmup_ratio=0.1), ebr(4), 6),
    'cyclic_empty_up_linear_two_cycles': case(
        dict(policy='cyclic', target_ratio=(5, 0.1), cyclic_times=2, step_ratio_up=0.0,
             anneal_strategy='linear', gamma=0.5), ibr(40), 10),
}
