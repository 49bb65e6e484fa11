"""Record per-iteration lr goldens of downstream LR policies on the REAL MMCV 1.7.2 runner.

Run with the MMCV oracle interpreter (it must not import this project's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_downstream_policy_goldens.py \
        [-o fixtures/goldens/downstream_policies.json]

The hooks are the downstream codebases' own (MMCls ``CosineAnnealingCooldown``, MMSelfSup
``StepFixCosineAnnealing``, MMDet ``YOLOX``, MMTracking ``SiameseRPN``), rebuilt on MMCV's
``LrUpdaterHook`` in ``downstream_lr_hooks.py``; each set-up runs through
:func:`mmcv_schedule_sim.simulate` (the real runner loop, MMCV's hook registration and
timeline). Same layout as ``legacy_schedules.json``: ``setups`` (config repr, epoch_len,
num_groups, base values and the trajectories) and ``errors`` (a config the hook rejects and
the key our parser must name).
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings('ignore')

import mmcv  # noqa: E402

import downstream_lr_hooks  # noqa: E402,F401  (registers the hooks)
from schedule_setups import SGD, TWO_LRS, ebr, ibr, record_setups, setup  # noqa: E402,F401

ADAMW = dict(type='AdamW', lr=5e-4, betas=(0.9, 0.999), weight_decay=0.05)


SIAMESE_DEFAULT = [dict(type='step', start_lr_factor=0.2, end_lr_factor=1.0, end_epoch=5),
                   dict(type='log', start_lr_factor=1.0, end_lr_factor=0.1, end_epoch=20)]

SETUPS = [
    # -- MMCls CosineAnnealingCooldown (T2T-ViT configs: by epoch, epoch warmup) -------------
    setup('cooldown_t2t_vit', dict(policy='CosineAnnealingCooldown', min_lr=1e-5,
                                   cool_down_time=3, cool_down_ratio=0.1, by_epoch=True,
                                   warmup_by_epoch=True, warmup='linear', warmup_iters=2,
                                   warmup_ratio=1e-6), ebr(14), 5, optimizer=ADAMW),
    setup('cooldown_defaults_ratio', dict(policy='CosineAnnealingCooldown', min_lr_ratio=0.01),
          ebr(24), 3),
    setup('cooldown_by_iter_warmup', dict(policy='CosineAnnealingCooldown', min_lr=1e-4,
                                          by_epoch=False, cool_down_time=7, warmup='exp',
                                          warmup_iters=5, warmup_ratio=0.01), ebr(6), 7),
    setup('cooldown_iter_runner_two_groups', dict(policy='CosineAnnealingCooldown',
                                                  min_lr_ratio=0.1, cool_down_time=12,
                                                  cool_down_ratio=0.5, warmup='constant',
                                                  warmup_iters=4), ibr(60), 9,
          optimizer=TWO_LRS, num_groups=2),
    # -- MMSelfSup StepFixCosineAnnealing (MAE/SimMIM configs: by iteration, epoch warmup) ---
    setup('stepfix_mae', dict(policy='StepFixCosineAnnealing', min_lr=0.0, warmup='linear',
                              warmup_iters=2, warmup_ratio=1e-4, warmup_by_epoch=True,
                              by_epoch=False), ebr(8), 6, optimizer=ADAMW),
    setup('stepfix_iter_warmup_ratio', dict(policy='StepFixCosineAnnealing', min_lr_ratio=0.05,
                                            warmup='linear', warmup_iters=10, warmup_ratio=0.1,
                                            by_epoch=False), ebr(5), 7),
    setup('stepfix_no_warmup_by_epoch', dict(policy='StepFixCosineAnnealing', min_lr=1e-3),
          ebr(10), 4),
    setup('stepfix_iter_runner', dict(policy='StepFixCosineAnnealing', min_lr=1e-4,
                                      warmup='exp', warmup_iters=8, warmup_ratio=0.01),
          ibr(50), 6),
    setup('stepfix_by_epoch_iter_warmup', dict(policy='StepFixCosineAnnealing', min_lr=0.,
                                               warmup='linear', warmup_iters=3), ebr(12), 4),
    # -- MMDet YOLOX (by iteration, epoch warmup, fixed last epochs) -------------------------
    setup('yolox_mmdet', dict(policy='YOLOX', warmup='exp', by_epoch=False,
                              warmup_by_epoch=True, warmup_ratio=1, warmup_iters=2,
                              num_last_epochs=3, min_lr_ratio=0.05), ebr(12), 5),
    setup('yolox_iter_warmup_min_lr', dict(policy='YOLOX', warmup='linear', by_epoch=False,
                                           warmup_ratio=0.5, warmup_iters=7, num_last_epochs=1,
                                           min_lr=1e-4), ebr(6), 6),
    setup('yolox_no_warmup', dict(policy='YOLOX', by_epoch=False, num_last_epochs=2,
                                  min_lr_ratio=0.1), ebr(8), 4),
    setup('yolox_iter_runner_two_groups', dict(policy='YOLOX', warmup='exp',
                                               warmup_ratio=1, warmup_iters=6,
                                               num_last_epochs=2, min_lr_ratio=0.05),
          ibr(40), 5, optimizer=TWO_LRS, num_groups=2),
    # -- MMTracking SiameseRPN (by epoch, factor table) ---------------------------------------
    setup('siamese_rpn_default', dict(policy='SiameseRPN', lr_configs=SIAMESE_DEFAULT),
          ebr(20), 3),
    setup('siamese_rpn_short_run_warmup', dict(
        policy='SiameseRPN', warmup='linear', warmup_iters=4, warmup_ratio=0.1,
        lr_configs=[dict(type='log', start_lr_factor=0.5, end_lr_factor=0.05, end_epoch=4),
                    dict(type='step', start_lr_factor=1.0, end_lr_factor=0.2, end_epoch=9)]),
          ebr(7), 3, optimizer=TWO_LRS, num_groups=2),
]

ERRORS = [
    ('siamese_rpn_by_iter', dict(optimizer=SGD, runner=ibr(10), lr_config=dict(
        policy='SiameseRPN')), 'lr_config.by_epoch'),
    ('siamese_rpn_run_past_table', dict(optimizer=SGD, runner=ebr(6), lr_config=dict(
        policy='SiameseRPN', lr_configs=[dict(type='step', start_lr_factor=0.2,
                                              end_lr_factor=1.0, end_epoch=5)])),
     'lr_config.lr_configs'),
    ('yolox_without_num_last_epochs', dict(optimizer=SGD, runner=ebr(4), lr_config=dict(
        policy='YOLOX', by_epoch=False, min_lr_ratio=0.05)), 'lr_config.num_last_epochs'),
    ('cooldown_both_min', dict(optimizer=SGD, runner=ebr(4), lr_config=dict(
        policy='CosineAnnealingCooldown', min_lr=0.1, min_lr_ratio=0.1)),
     'lr_config.min_lr_ratio'),
    ('stepfix_neither_min', dict(optimizer=SGD, runner=ebr(4), lr_config=dict(
        policy='StepFixCosineAnnealing')), 'lr_config.min_lr'),
]


def record(out_path):
    record_setups(out_path, SETUPS, ERRORS, mmcv_version=mmcv.__version__,
                  about='Per-iteration lr of downstream policies (MMCls, MMSelfSup, MMDet, MMTracking '
                        'hooks rebuilt on the real MMCV 1.7.2 LrUpdaterHook and runner loop; '
                        'scripts/oracle/record_downstream_policy_goldens.py)')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-o', '--out', default='fixtures/goldens/downstream_policies.json')
    record(parser.parse_args().out)
