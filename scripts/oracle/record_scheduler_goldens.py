"""Record per-iteration lr/momentum trajectories from the REAL MMEngine 0.10.7 schedulers.

Run with the MMEngine oracle interpreter (it must not import this project's packages):

    .oracle/mmengine/bin/python scripts/oracle/record_scheduler_goldens.py \
        [-o fixtures/goldens/schedulers.json]

Every case is built the way ``Runner._build_param_scheduler`` builds it: an ``OptimWrapper``
around the optimizer, each config deep-copied, ``end`` defaulted to the loop's max epochs (for
``by_epoch=True``) or max iterations, then ``PARAM_SCHEDULERS.build`` (whose build function,
``build_scheduler_from_cfg``, honours ``convert_to_iter_based``) with
``default_args=dict(optimizer=wrapper, epoch_length=epoch_length)``. The schedulers are then
driven by MMEngine's own ``ParamSchedulerHook`` in the train-loop order:

    for each epoch:
        for each iteration: record every param group; optimizer step; hook.after_train_iter
        hook.after_train_epoch
        if the case has metrics: hook.after_val_epoch(metrics[epoch])   # ValLoop comes after

An iteration-based case runs ``max_iters`` iterations with no epoch boundary (as
``IterBasedTrainLoop``, whose single after_train_epoch comes after the last recording).
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from types import SimpleNamespace

import torch

import mmengine
from mmengine.hooks import ParamSchedulerHook
from mmengine.optim import OptimWrapper
from mmengine.registry import PARAM_SCHEDULERS

SGD = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)
ADAM = dict(type='Adam', lr=1e-3, betas=[0.9, 0.999])
LOSS = [1.0, 0.9, 0.95, 0.94, 0.96, 0.8, 0.81, 0.82, 0.83, 0.7, 0.71, 0.72]
ACC = [0.50, 0.55, 0.555, 0.56, 0.60, 0.605, 0.60, 0.61, 0.70, 0.69, 0.695, 0.70]


def case(name, sched, optimizer=SGD, groups=None, loop='epoch', epoch_length=5, max_epochs=12,
         max_iters=None, metrics=None, record=('lr', 'momentum')):
    """One golden set-up; ``groups`` lists per-group overrides (default: one group)."""
    return dict(name=name, optimizer=dict(optimizer, groups=groups or [{}]),
                param_scheduler=sched, loop=loop, epoch_length=epoch_length,
                max_epochs=max_epochs if loop == 'epoch' else None,
                max_iters=max_iters if loop == 'iter' else None, metrics=metrics,
                record=list(record))


TWO_GROUPS = [{'lr': 0.1}, {'lr': 0.01}]

CASES = [
    # -- one family at a time -----------------------------------------------------------------
    case('constant_lr_by_epoch', [dict(type='ConstantLR', factor=0.5, end=4)]),
    case('constant_lr_single_step_range', [dict(type='ConstantLR', factor=0.5, begin=2, end=3)]),
    case('step_lr_by_epoch', [dict(type='StepLR', step_size=3, gamma=0.5)]),
    case('step_lr_by_iter_default_end', [dict(type='StepLR', step_size=7, gamma=0.7,
                                              by_epoch=False)], epoch_length=7),
    case('multistep_lr_begin_gt_0', [dict(type='MultiStepLR', milestones=[2, 4], begin=3,
                                          end=10)]),
    case('multistep_lr_duplicate_and_zero_milestones',
         [dict(type='MultiStepLR', milestones=[0, 5, 5], gamma=0.5)]),
    case('exponential_lr_by_iter_begin_end', [dict(type='ExponentialLR', gamma=0.97,
                                                   by_epoch=False, begin=5, end=40)]),
    case('cosine_lr_eta_min_ratio_two_groups',
         [dict(type='CosineAnnealingLR', T_max=12, eta_min_ratio=0.05)], groups=TWO_GROUPS),
    case('cosine_lr_past_t_max_rises', [dict(type='CosineAnnealingLR', T_max=4, eta_min=0.01,
                                             end=12)]),
    case('cosine_lr_convert_to_iter_based',
         [dict(type='CosineAnnealingLR', T_max=12, eta_min=1e-4, by_epoch=True,
               convert_to_iter_based=True)], epoch_length=6),
    case('cosine_restart_lr_by_epoch',
         [dict(type='CosineRestartLR', periods=[3, 4, 5], restart_weights=[1, 0.7, 0.3],
               eta_min=0.001)]),
    case('cosine_restart_lr_convert_ratio',
         [dict(type='CosineRestartLR', periods=[4, 6], restart_weights=[1, 0.5],
               eta_min_ratio=0.01, convert_to_iter_based=True)], groups=TWO_GROUPS),
    case('poly_lr_by_epoch_end_plus_1', [dict(type='PolyLR', power=0.7, eta_min=0.001, end=13)]),
    case('poly_lr_by_iter_default_end', [dict(type='PolyLR', power=2.0, eta_min=1e-5,
                                              by_epoch=False)]),
    case('linear_lr_annealing_by_epoch', [dict(type='LinearLR', start_factor=1.0,
                                               end_factor=0.01, end=13)]),
    case('onecycle_lr_two_phase_cos_by_iter',
         [dict(type='OneCycleLR', eta_max=0.5, total_steps=60, by_epoch=False)]),
    case('onecycle_lr_three_phase_linear_convert',
         [dict(type='OneCycleLR', eta_max=0.4, total_steps=12, three_phase=True,
               anneal_strategy='linear', convert_to_iter_based=True)], groups=TWO_GROUPS),
    case('onecycle_lr_by_epoch_default_end_list_eta_max',
         [dict(type='OneCycleLR', eta_max=[0.3], pct_start=0.25)]),
    # -- warmup + main schedule ------------------------------------------------------------------
    case('constant_warmup_iter_plus_multistep',
         [dict(type='ConstantLR', factor=0.1, by_epoch=False, begin=0, end=8),
          dict(type='MultiStepLR', milestones=[8, 11], gamma=0.1)]),
    case('linear_warmup_iter_plus_multistep',
         [dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=13),
          dict(type='MultiStepLR', milestones=[8, 11], gamma=0.1)]),
    case('linear_warmup_iter_plus_cosine_epoch',
         [dict(type='LinearLR', start_factor=0.1, by_epoch=False, end=11),
          dict(type='CosineAnnealingLR', T_max=12, eta_min=0.0)]),
    case('linear_warmup_epoch_converted_plus_multistep',
         [dict(type='LinearLR', start_factor=0.1, end=2, convert_to_iter_based=True),
          dict(type='MultiStepLR', milestones=[8, 11])], epoch_length=4),
    case('flat_then_cosine_begin_gt_0',
         [dict(type='ConstantLR', factor=1.0, end=9),
          dict(type='CosineAnnealingLR', eta_min=0.005, begin=9, end=12, T_max=3)]),
    case('overlap_linear_cosine_converted_exponential_three_groups',
         [dict(type='LinearLR', start_factor=0.25, end=21, by_epoch=False),
          dict(type='CosineAnnealingLR', eta_min_ratio=0.05, T_max=12,
               convert_to_iter_based=True),
          dict(type='ExponentialLR', gamma=0.9, begin=6)],
         groups=[{'lr': 0.1}, {'lr': 0.02}, {'lr': 0.3}]),
    case('three_groups_step_by_iter_with_warmup',
         [dict(type='LinearLR', start_factor=0.2, by_epoch=False, end=6),
          dict(type='StepLR', step_size=9, gamma=0.8, by_epoch=False)],
         groups=[{'lr': 0.1}, {'lr': 0.05}, {'lr': 0.2, 'momentum': 0.5}]),
    # -- iteration-based loop --------------------------------------------------------------------
    case('iter_loop_linear_warmup_plus_poly_end_plus_1',
         [dict(type='LinearLR', start_factor=0.1, by_epoch=False, end=11),
          dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, end=101)],
         loop='iter', max_iters=100, epoch_length=10),
    case('iter_loop_cyclic_as_two_cosines',
         [dict(type='CosineAnnealingLR', eta_min_ratio=10, T_max=20, begin=0, end=21,
               by_epoch=False),
          dict(type='CosineAnnealingLR', eta_min_ratio=1e-4, T_max=30, begin=20, end=50,
               by_epoch=False)], loop='iter', max_iters=50, epoch_length=10),
    # -- ReduceOnPlateau -------------------------------------------------------------------------
    case('reduce_on_plateau_lr_loss_cooldown',
         [dict(type='ReduceOnPlateauLR', monitor='loss', patience=1, factor=0.5, cooldown=1,
               min_value=0.01)], metrics=[{'loss': v} for v in LOSS]),
    case('reduce_on_plateau_lr_acc_greater_abs_min_list',
         [dict(type='ReduceOnPlateauLR', monitor='acc', rule='greater', threshold=0.01,
               threshold_rule='abs', patience=0, factor=0.3, min_value=[0.005, 0.001])],
         groups=TWO_GROUPS, metrics=[{'acc': v} for v in ACC]),
    case('reduce_on_plateau_momentum_begin_2_plus_step_lr',
         [dict(type='StepLR', step_size=4, gamma=0.5),
          dict(type='ReduceOnPlateauMomentum', monitor='loss', patience=2, factor=0.9, begin=2)],
         metrics=[{'loss': v, 'acc': a} for v, a in zip(LOSS, ACC)]),
    # -- momentum --------------------------------------------------------------------------------
    case('cosine_momentum_sgd_with_cosine_lr',
         [dict(type='CosineAnnealingLR', T_max=12, eta_min=1e-3),
          dict(type='CosineAnnealingMomentum', T_max=12, eta_min=0.85)]),
    case('linear_momentum_adam_betas_plus_step_lr',
         [dict(type='StepLR', step_size=5, gamma=0.5),
          dict(type='LinearMomentum', start_factor=1.0, end_factor=0.9, end=13)],
         optimizer=ADAM),
    case('multistep_momentum_adamw_by_iter',
         [dict(type='MultiStepMomentum', milestones=[10, 30], gamma=0.5, by_epoch=False)],
         optimizer=dict(type='AdamW', lr=1e-3, betas=[0.95, 0.99], weight_decay=0.05),
         groups=[{'lr': 1e-3}, {'lr': 5e-4, 'betas': [0.9, 0.999]}]),
    case('step_and_constant_momentum_overlap',
         [dict(type='StepMomentum', step_size=4, gamma=0.8),
          dict(type='ConstantMomentum', factor=0.9, begin=1, end=3)]),
    case('exponential_and_poly_momentum_rmsprop',
         [dict(type='ExponentialMomentum', gamma=0.99, by_epoch=False),
          dict(type='PolyMomentum', eta_min=0.1, power=0.5, begin=2, end=10)],
         optimizer=dict(type='RMSprop', lr=0.01, momentum=0.5)),
    case('cosine_restart_momentum_converted',
         [dict(type='CosineRestartMomentum', periods=[6, 6], restart_weights=[1, 1],
               eta_min=0.8, convert_to_iter_based=True)], epoch_length=3),
    # -- generic ParamScheduler on another hyper-parameter -----------------------------------------
    case('generic_weight_decay_cosine_plus_linear',
         [dict(type='CosineAnnealingParamScheduler', param_name='weight_decay', T_max=12,
               eta_min=0.0),
          dict(type='LinearParamScheduler', param_name='weight_decay', start_factor=0.5, end=4),
          dict(type='MultiStepParamScheduler', param_name='lr', milestones=[6], gamma=0.2)],
         record=('lr', 'momentum', 'weight_decay')),
]


def build_optimizer(spec: dict) -> torch.optim.Optimizer:
    spec = copy.deepcopy(spec)
    opt_type = spec.pop('type')
    groups_spec = spec.pop('groups')
    if 'betas' in spec:
        spec['betas'] = tuple(spec['betas'])
    groups = []
    for override in groups_spec:
        override = dict(override)
        if 'betas' in override:
            override['betas'] = tuple(override['betas'])
        groups.append(dict(params=[torch.nn.Parameter(torch.zeros(2))], **override))
    return getattr(torch.optim, opt_type)(groups, **spec)


def build_schedulers(cfgs: list, wrapper: OptimWrapper, c: dict) -> list:
    """Runner._build_param_scheduler, with the train loop built."""
    max_epochs = c['max_epochs'] if c['loop'] == 'epoch' else 1
    max_iters = (c['max_epochs'] * c['epoch_length'] if c['loop'] == 'epoch'
                 else c['max_iters'])
    out = []
    for cfg in cfgs:
        cfg = copy.deepcopy(cfg)
        cfg.setdefault('end', max_epochs if cfg.get('by_epoch', True) else max_iters)
        out.append(PARAM_SCHEDULERS.build(
            cfg, default_args=dict(optimizer=wrapper, epoch_length=c['epoch_length'])))
    return out


def record_case(c: dict) -> dict:
    optimizer = build_optimizer(c['optimizer'])
    wrapper = OptimWrapper(optimizer=optimizer)
    runner = SimpleNamespace(param_schedulers=build_schedulers(c['param_scheduler'], wrapper, c))
    hook = ParamSchedulerHook()
    traj = {key: [[] for _ in optimizer.param_groups] for key in c['record']}

    def snapshot():
        for g, group in enumerate(optimizer.param_groups):
            for key in c['record']:
                if key == 'momentum':
                    value = group['betas'][0] if 'betas' in group else group['momentum']
                else:
                    value = group[key]
                traj[key][g].append(float(value))

    def train_iter(batch_idx):
        snapshot()
        wrapper.step()   # grads are None: no update, but the step counter MMEngine expects
        hook.after_train_iter(runner, batch_idx=batch_idx)

    if c['loop'] == 'epoch':
        for epoch in range(c['max_epochs']):
            for i in range(c['epoch_length']):
                train_iter(i)
            hook.after_train_epoch(runner)
            if c['metrics']:
                hook.after_val_epoch(runner, metrics=c['metrics'][epoch])
    else:
        for i in range(c['max_iters']):
            train_iter(i)
    return dict(c, **traj)


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, '..', '..', 'fixtures', 'goldens', 'schedulers.json')
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-o', '--output', default=os.path.normpath(default_out))
    args = parser.parse_args(argv)
    names = [c['name'] for c in CASES]
    assert len(names) == len(set(names)), 'duplicate case names'
    out = dict(
        generator='scripts/oracle/record_scheduler_goldens.py',
        mmengine=mmengine.__version__, torch=torch.__version__,
        order='per epoch: per iter [record, optimizer step, after_train_iter]; '
              'after_train_epoch; after_val_epoch(metrics[epoch]) if metrics',
        cases=[record_case(c) for c in CASES])
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f'wrote {len(CASES)} cases to {args.output}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
