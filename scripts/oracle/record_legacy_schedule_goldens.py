"""Record per-iteration lr/momentum goldens of legacy schedules from the REAL MMCV 1.7.2.

Run with the MMCV oracle interpreter (it must not import this project's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_schedule_goldens.py \
        [-o fixtures/goldens/legacy_schedules.json]

Each set-up is a legacy config (optimizer, lr_config, momentum_config, runner or total_epochs)
run through :func:`mmcv_schedule_sim.simulate` (the real runner loop and hooks). The file holds:

* ``setups``: name -> ``config`` (``repr`` of the config dict, read back with
  ``ast.literal_eval`` so tuples stay tuples, as MMCV's checks need), ``epoch_len``,
  ``num_groups``, what the optimizer was built with (``base_lrs``, ``base_momentums``,
  ``optimizer_type``) and the trajectories ``epoch``, ``iter``, ``lr``, ``momentum``;
* ``errors``: name -> ``config`` and the exception MMCV raised for it (``mmcv_error``), with
  ``key``: the config key our parser is expected to name for the same mistake.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings('ignore')

import mmcv  # noqa: E402

from schedule_setups import SGD, TWO_LRS, ebr, ibr, record_setups, setup  # noqa: E402,F401

ADAM = dict(type='Adam', lr=1e-3, betas=(0.9, 0.999))


SETUPS = [
    # -- fixed / step ------------------------------------------------------------------------
    setup('fixed_warmup_linear_by_iter', dict(policy='fixed', warmup='linear', warmup_iters=7,
                                              warmup_ratio=0.2), ebr(4), 5),
    setup('step_list_by_epoch_warmup_linear', dict(policy='step', step=[3, 5], warmup='linear',
                                                   warmup_iters=10, warmup_ratio=0.001),
          ebr(6), 4),
    setup('step_int_min_lr_by_epoch', dict(policy='step', step=2, gamma=0.5, min_lr=0.002),
          ebr(10), 3),
    setup('step_list_min_lr_by_iter_epoch_runner', dict(policy='step', by_epoch=False,
                                                        step=[10, 20, 30], min_lr=5e-4),
          ebr(4), 10),
    setup('step_list_iter_runner_warmup_constant', dict(policy='step', step=[40, 70], gamma=0.2,
                                                        warmup='constant', warmup_iters=15,
                                                        warmup_ratio=0.25), ibr(100), 9),
    setup('step_unsorted_list', dict(policy='step', step=[5, 3], gamma=0.5), ebr(7), 2),
    setup('step_capitalised_policy_name', dict(policy='Step', step=[2]), ebr(4), 2),
    # -- exp / poly / inv ----------------------------------------------------------------------
    setup('exp_by_epoch', dict(policy='exp', gamma=0.8), ebr(10), 3),
    setup('exp_by_iter_warmup_exp', dict(policy='exp', gamma=0.99, warmup='exp',
                                         warmup_iters=20, warmup_ratio=0.01), ibr(150), 40),
    setup('poly_by_epoch_min_lr', dict(policy='poly', power=0.9, min_lr=1e-4), ebr(10), 4),
    setup('poly_iter_runner_warmup_linear', dict(policy='poly', power=1.0, min_lr=0.0,
                                                 warmup='linear', warmup_iters=30,
                                                 warmup_ratio=1.0 / 3), ibr(120), 25),
    setup('poly_by_iter_epoch_runner', dict(policy='poly', by_epoch=False, power=2.0),
          ebr(5), 20),
    setup('inv_iter_runner', dict(policy='inv', gamma=0.05, power=0.75), ibr(100), 30),
    setup('inv_by_epoch_warmup_exp', dict(policy='inv', gamma=0.1, warmup='exp', warmup_iters=8,
                                          warmup_ratio=0.1), ebr(8), 5),
    # -- cosine family -------------------------------------------------------------------------
    setup('cosine_min_lr_ratio_by_epoch_warmup_linear',
          dict(policy='CosineAnnealing', min_lr_ratio=0.01, warmup='linear', warmup_iters=20,
               warmup_ratio=0.001), ebr(12), 5),
    setup('cosine_min_lr_by_iter_epoch_runner_warmup_exp',
          dict(policy='CosineAnnealing', by_epoch=False, min_lr=1e-5, warmup='exp',
               warmup_iters=30, warmup_ratio=0.1), ebr(6), 25),
    setup('cosine_iter_runner_warmup_constant',
          dict(policy='CosineAnnealing', min_lr_ratio=0.01, warmup='constant', warmup_iters=50,
               warmup_ratio=0.1), ibr(200), 60),
    setup('flat_cosine_by_epoch', dict(policy='FlatCosineAnnealing', start_percent=0.75,
                                       min_lr=0.0), ebr(12), 4),
    setup('flat_cosine_iter_runner_odd_round', dict(policy='FlatCosineAnnealing',
                                                    start_percent=0.5, min_lr_ratio=0.05),
          ibr(101), 30),
    setup('flat_cosine_bankers_round_by_epoch', dict(policy='FlatCosineAnnealing',
                                                     start_percent=0.25, min_lr=1e-3),
          ebr(10), 3),
    setup('cosine_restart_weights_min_lr_by_epoch',
          dict(policy='CosineRestart', periods=[4, 4, 4], restart_weights=[1, 0.5, 0.25],
               min_lr=1e-3), ebr(12), 3),
    setup('cosine_restart_iter_runner_min_lr_ratio',
          dict(policy='CosineRestart', periods=[30, 50, 70], restart_weights=[1, 0.8, 0.6],
               min_lr_ratio=0.1, warmup='linear', warmup_iters=10), ibr(150), 50),
    setup('cosine_restart_by_iter_epoch_runner',
          dict(policy='CosineRestart', by_epoch=False, periods=[20, 40], restart_weights=[1, 1],
               min_lr=0.0), ebr(3), 20),
    setup('linear_annealing_by_epoch', dict(policy='LinearAnnealing', min_lr=0.001),
          ebr(10), 3),
    setup('linear_annealing_iter_runner_warmup_exp',
          dict(policy='LinearAnnealing', min_lr_ratio=0.1, warmup='exp', warmup_iters=25,
               warmup_ratio=0.05), ibr(120), 50),
    # -- cyclic --------------------------------------------------------------------------------
    setup('cyclic_default_with_cyclic_momentum', dict(policy='cyclic'), ibr(100), 20,
          momentum_config=dict(policy='cyclic')),
    setup('cyclic_three_cycles_gamma_linear',
          dict(policy='cyclic', target_ratio=(5.0, 0.1), cyclic_times=3, step_ratio_up=0.3,
               anneal_strategy='linear', gamma=0.5), ibr(150), 30),
    setup('cyclic_float_ratio_epoch_runner', dict(policy='cyclic', target_ratio=8.0,
                                                  cyclic_times=2, step_ratio_up=0.25),
          ebr(5), 20),
    setup('cyclic_empty_up_phase_gamma', dict(policy='cyclic', target_ratio=(4.0, 0.5),
                                              cyclic_times=2, step_ratio_up=0.0, gamma=0.8),
          ibr(60), 30),
    setup('cyclic_warmup_linear', dict(policy='cyclic', target_ratio=(10, 1e-4), warmup='linear',
                                       warmup_iters=15), ibr(80), 40),
    # -- OneCycle ------------------------------------------------------------------------------
    setup('one_cycle_two_phase_with_one_cycle_momentum', dict(policy='OneCycle', max_lr=0.1),
          ibr(100), 30, momentum_config=dict(policy='OneCycle')),
    setup('one_cycle_three_phase_total_steps_two_groups',
          dict(policy='OneCycle', max_lr=[0.1, 0.05], total_steps=150, three_phase=True,
               anneal_strategy='linear', div_factor=10, final_div_factor=100),
          ibr(120), 40, num_groups=2),
    setup('one_cycle_epoch_runner_adam_three_phase_momentum',
          dict(policy='OneCycle', max_lr=0.01, pct_start=0.25), ebr(4), 25,
          momentum_config=dict(policy='OneCycle', base_momentum=0.8, max_momentum=0.9,
                               three_phase=True, pct_start=0.25), optimizer=ADAM),
    setup('one_cycle_momentum_linear_two_groups',
          dict(policy='OneCycle', max_lr=[0.2, 0.02], anneal_strategy='linear'), ibr(90), 30,
          momentum_config=dict(policy='OneCycle', base_momentum=[0.8, 0.85],
                               max_momentum=[0.95, 0.9], anneal_strategy='linear'),
          num_groups=2),
    # -- warmup by epoch -----------------------------------------------------------------------
    setup('warmup_by_epoch_linear_step', dict(policy='step', step=[5, 8], warmup='linear',
                                              warmup_iters=2, warmup_by_epoch=True),
          ebr(10), 6),
    setup('warmup_by_epoch_constant_cosine_by_iter',
          dict(policy='CosineAnnealing', by_epoch=False, min_lr=0.0, warmup='constant',
               warmup_iters=1, warmup_by_epoch=True, warmup_ratio=0.3), ebr(5), 12),
    setup('warmup_by_epoch_exp_poly_by_epoch', dict(policy='poly', power=1.0, warmup='exp',
                                                    warmup_iters=3, warmup_by_epoch=True,
                                                    warmup_ratio=0.01), ebr(8), 7),
    # -- runner rules --------------------------------------------------------------------------
    setup('iter_runner_lr_by_epoch_true_is_noop',
          dict(policy='step', by_epoch=True, step=[1], warmup='linear', warmup_iters=10),
          ibr(40), 10),
    setup('iter_runner_momentum_by_epoch_is_noop', dict(policy='poly', power=1.0), ibr(60), 20,
          momentum_config=dict(policy='CosineAnnealing', min_momentum_ratio=0.5,
                               warmup='linear', warmup_iters=10)),
    setup('total_epochs_without_runner', dict(policy='step', step=[3]), None, 4,
          total_epochs=5),
    # -- momentum policies ---------------------------------------------------------------------
    setup('momentum_step_by_epoch_min_momentum', dict(policy='step', step=[4, 6]), ebr(8), 3,
          momentum_config=dict(policy='step', step=[2, 4], min_momentum=0.3)),
    setup('momentum_step_by_iter_warmup_linear', dict(policy='fixed'), ebr(3), 20,
          momentum_config=dict(policy='step', by_epoch=False, step=15, gamma=0.8,
                               warmup='linear', warmup_iters=12, warmup_ratio=0.8)),
    setup('momentum_step_by_epoch_warmup_exp', dict(policy='step', step=[3]), ebr(5), 4,
          momentum_config=dict(policy='step', step=[2], warmup='exp', warmup_iters=6)),
    setup('momentum_cosine_by_epoch_warmup_constant',
          dict(policy='CosineAnnealing', min_lr=0.0), ebr(6), 5,
          momentum_config=dict(policy='CosineAnnealing', min_momentum_ratio=0.5,
                               warmup='constant', warmup_iters=7, warmup_ratio=0.95)),
    setup('momentum_cosine_iter_runner_by_iter_warmup_exp',
          dict(policy='CosineAnnealing', min_lr_ratio=0.0), ibr(100), 30,
          momentum_config=dict(policy='CosineAnnealing', by_epoch=False, min_momentum=0.8,
                               warmup='exp', warmup_iters=20, warmup_ratio=0.85)),
    setup('momentum_linear_annealing_adam_betas_by_epoch',
          dict(policy='LinearAnnealing', min_lr_ratio=0.1), ebr(8), 4,
          momentum_config=dict(policy='LinearAnnealing', min_momentum=0.5), optimizer=ADAM),
    setup('momentum_linear_annealing_iter_runner_by_iter',
          dict(policy='LinearAnnealing', min_lr=0.0), ibr(80), 30,
          momentum_config=dict(policy='LinearAnnealing', by_epoch=False,
                               min_momentum_ratio=0.9)),
    setup('momentum_cyclic_two_cycles_linear_gamma',
          dict(policy='cyclic', cyclic_times=2), ibr(120), 30,
          momentum_config=dict(policy='cyclic', cyclic_times=2, target_ratio=(0.8, 1.0),
                               anneal_strategy='linear', gamma=0.5, step_ratio_up=0.5)),
    setup('momentum_only_no_lr_hook', None, ebr(4), 5,
          momentum_config=dict(policy='step', step=[1, 3], gamma=0.9)),
    # -- optimizers and param groups -----------------------------------------------------------
    setup('two_groups_step_paramwise_lr_mult', dict(policy='step', step=[2, 3], warmup='linear',
                                                    warmup_iters=6), ebr(4), 4,
          momentum_config=dict(policy='CosineAnnealing', min_momentum=0.85), optimizer=TWO_LRS),
    setup('two_groups_cosine_restart_iter_runner',
          dict(policy='CosineRestart', periods=[25, 35], restart_weights=[1, 0.5],
               min_lr=1e-3), ibr(60), 20, optimizer=TWO_LRS),
    setup('adam_betas_constant_without_momentum_hook', dict(policy='exp', gamma=0.9),
          ebr(5), 3, optimizer=ADAM),
    setup('adagrad_no_momentum', dict(policy='poly', power=0.5, by_epoch=False), ebr(3), 10,
          optimizer=dict(type='Adagrad', lr=0.05)),
]

ERRORS = [
    # (name, config, epoch_len, key our parser must name)
    ('lowercase_multiword_policy', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='cosineannealing', min_lr=0.0)), 'lr_config.policy'),
    ('lowercase_onecycle', dict(optimizer=SGD, runner=ibr(10), lr_config=dict(
        policy='onecycle', max_lr=0.1)), 'lr_config.policy'),
    ('cosine_restart_past_the_end', dict(optimizer=SGD, runner=ebr(12), lr_config=dict(
        policy='CosineRestart', periods=[5, 5], restart_weights=[1, 1], min_lr=0.0)),
     'lr_config.periods'),
    ('both_min_lr_and_ratio', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='CosineAnnealing', min_lr=0.0, min_lr_ratio=0.01)), 'lr_config.min_lr_ratio'),
    ('neither_min_lr_nor_ratio', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='LinearAnnealing')), 'lr_config.min_lr'),
    ('step_missing', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(policy='step')),
     'lr_config.step'),
    ('step_tuple', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(policy='step',
                                                                     step=(1, 2))),
     'lr_config.step'),
    ('warmup_by_epoch_iter_runner', dict(optimizer=SGD, runner=ibr(10), lr_config=dict(
        policy='fixed', warmup='linear', warmup_iters=1, warmup_by_epoch=True)),
     'lr_config.warmup_by_epoch'),
    ('one_cycle_total_steps_too_small', dict(optimizer=SGD, runner=ibr(10), lr_config=dict(
        policy='OneCycle', max_lr=0.1, total_steps=5)), 'lr_config.total_steps'),
    ('cyclic_by_epoch_true', dict(optimizer=SGD, runner=ibr(10), lr_config=dict(
        policy='cyclic', by_epoch=True)), 'lr_config.by_epoch'),
    ('cyclic_target_ratio_list', dict(optimizer=SGD, runner=ibr(10), lr_config=dict(
        policy='cyclic', target_ratio=[10, 1e-4])), 'lr_config.target_ratio'),
    ('momentum_warmup_by_epoch', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='fixed'), momentum_config=dict(policy='step', step=1, warmup='linear',
                                              warmup_iters=1, warmup_by_epoch=True)),
     'momentum_config.warmup_by_epoch'),
    ('unknown_argument_typo', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='step', step=[1], gama=0.5)), 'lr_config.gama'),
    ('momentum_without_momentum_optimizer', dict(
        optimizer=dict(type='Adagrad', lr=0.01), runner=ebr(2), lr_config=dict(policy='fixed'),
        momentum_config=dict(policy='CosineAnnealing', min_momentum=0.8)),
     'momentum_config.policy'),
    ('unknown_warmup_kind', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='fixed', warmup='cosine', warmup_iters=5)), 'lr_config.warmup'),
    ('warmup_ratio_zero', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='fixed', warmup='linear', warmup_iters=5, warmup_ratio=0)),
     'lr_config.warmup_ratio'),
    ('warmup_iters_float', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='fixed', warmup='linear', warmup_iters=5.0)), 'lr_config.warmup_iters'),
    ('flat_cosine_int_start_percent', dict(optimizer=SGD, runner=ebr(2), lr_config=dict(
        policy='FlatCosineAnnealing', start_percent=1, min_lr=0.0)), 'lr_config.start_percent'),
    ('one_cycle_max_lr_wrong_length', dict(optimizer=SGD, runner=ibr(10), lr_config=dict(
        policy='OneCycle', max_lr=[0.1, 0.2, 0.3])), 'lr_config.max_lr'),
    ('one_cycle_momentum_int', dict(optimizer=SGD, runner=ibr(10), lr_config=dict(
        policy='OneCycle', max_lr=0.1), momentum_config=dict(policy='OneCycle', base_momentum=1)),
     'momentum_config.base_momentum'),
    ('momentum_cyclic_by_epoch_true', dict(optimizer=SGD, runner=ibr(10), lr_config=None,
                                           momentum_config=dict(policy='cyclic', by_epoch=True)),
     'momentum_config.by_epoch'),
]


def record(out_path):
    record_setups(out_path, SETUPS, ERRORS, mmcv_version=mmcv.__version__,
                  about='Per-iteration lr/momentum from the real MMCV 1.7.2 runner and hooks '
                        '(scripts/oracle/record_legacy_schedule_goldens.py)')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-o', '--out', default='fixtures/goldens/legacy_schedules.json')
    record(parser.parse_args().out)
