"""Field mappings of ``migrate checkpoint`` on hand-made legacy checkpoints: iteration-based
counters, several optimizers and param groups, the fp16 loss scaler, save_best's hook_msgs,
max_keep_ckpts bookkeeping, and what is written without --config."""
from __future__ import annotations

import os

import pytest
import torch

from migrate.checkpoint.config_view import read_config
from migrate.checkpoint.convert import convert_checkpoint
from migrate.checkpoint.loss_scaler import legacy_to_engine

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
BASE = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')
GRAD_SCALER = {'scale': 512.0, 'growth_factor': 2.0, 'backoff_factor': 0.5,
               'growth_interval': 2000, '_growth_tracker': 7}


def _view(tmp_path, text, name='cfg.py'):
    path = tmp_path / name
    path.write_text(f"_base_ = ['{BASE}']\n" + text)
    return read_config(str(path))


def _sgd_state(groups, lr=0.1):
    params = [torch.nn.Parameter(torch.ones(2)) for _ in groups]
    opt = torch.optim.SGD([dict(params=[p], **g) for p, g in zip(params, groups)], lr=lr,
                          momentum=0.9, weight_decay=1e-4)
    for p in params:
        p.grad = torch.full_like(p, 0.5)
    opt.step()
    for group in opt.param_groups:
        group.setdefault('initial_lr', group['lr'])
    return opt.state_dict()


def _legacy(epoch, iteration, optimizer=None, **meta):
    return {'meta': dict(epoch=epoch, iter=iteration, mmcv_version='1.7.2', **meta),
            'state_dict': {'net.0.weight': torch.ones(2)},
            'optimizer': optimizer if optimizer is not None else _sgd_state([{}])}


def test_iteration_runner_counters_and_schedule(tmp_path):
    view = _view(tmp_path, """
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=20, val_interval=100)
param_scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=5),
                   dict(type='MultiStepLR', by_epoch=False, milestones=[10], gamma=0.1)]
""")
    # MMCV's IterBasedRunner wrote iter_12.pth with iter=11 and epoch = data passes + 1
    out, result = convert_checkpoint(_legacy(2, 11), 'iter_12.pth', view=view)
    assert (out['meta']['epoch'], out['meta']['iter']) == (0, 12)
    assert [s['_global_step'] for s in out['param_schedulers']] == [12, 12]
    assert out['optimizer']['param_groups'][0]['lr'] == pytest.approx(0.01)
    assert 'train_loop' not in out       # the engine replays 12 batches from the start
    assert any('stored iter=11 for 12 completed' in n for n in result.notes)
    back, _ = convert_checkpoint(out, 'engine.pth', to='legacy', view=view)
    assert (back['meta']['epoch'], back['meta']['iter']) == (2, 11)


def test_iteration_runner_told_by_the_legacy_config_text_without_config():
    ckpt = _legacy(1, 7, config="runner = dict(type='IterBasedRunner', max_iters=20)\n")
    out, result = convert_checkpoint(ckpt, 'iter_8.pth')
    assert (out['meta']['epoch'], out['meta']['iter']) == (0, 8)
    assert 'param_schedulers' not in out
    assert any('no --config' in n for n in result.notes)


def test_several_optimizers_and_param_groups(tmp_path):
    view = _view(tmp_path, """
optim_wrapper = dict(_delete_=True, constructor='MultiOptimWrapperConstructor',
    backbone=dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
    head=dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1, momentum=0.9)))
param_scheduler = [dict(type='LinearLR', start_factor=0.5, by_epoch=False, begin=0, end=20)]
""")
    backbone = _sgd_state([{}, {'lr': 0.01}])   # paramwise: a second group at 1/10
    head = _sgd_state([{}])
    out, _ = convert_checkpoint(_legacy(1, 8, {'backbone': backbone, 'head': head}),
                                'epoch_1.pth', view=view)
    assert set(out['optimizer']) == {'backbone', 'head'}
    assert set(out['param_schedulers']) == {'backbone', 'head'}
    groups = out['optimizer']['backbone']['param_groups']
    # 8 of the 19 warm-up steps of LinearLR(0.5 -> 1): lr = base * (0.5 + 0.5 * 8 / 19)
    assert groups[0]['lr'] == pytest.approx(0.1 * (0.5 + 0.5 * 8 / 19))
    assert groups[1]['lr'] == pytest.approx(0.01 * (0.5 + 0.5 * 8 / 19))
    assert groups[0]['params'] == backbone['param_groups'][0]['params']
    base = out['optimizer']['backbone']['base_param_settings']
    assert base['lr'] == pytest.approx(groups[0]['lr'])
    assert 'base_param_settings' not in out['optimizer']['head']
    for name, state in (('backbone', backbone), ('head', head)):
        for index, value in state['state'].items():
            assert torch.equal(out['optimizer'][name]['state'][index]['momentum_buffer'],
                               value['momentum_buffer'])


def test_fp16_loss_scaler_moves_to_the_amp_wrapper(tmp_path):
    amp = _view(tmp_path, "optim_wrapper = dict(type='AmpOptimWrapper')\n", 'amp.py')
    plain = _view(tmp_path, '', 'plain.py')
    ckpt = _legacy(1, 8, fp16={'loss_scaler': dict(GRAD_SCALER)})
    out, _ = convert_checkpoint(ckpt, 'epoch_1.pth', view=amp)
    assert out['optimizer']['loss_scaler'] == GRAD_SCALER
    back, _ = convert_checkpoint({k: v for k, v in out.items() if k != 'legacy_meta'},
                                 'engine.pth', to='legacy', view=amp)
    assert back['meta']['fp16'] == {'loss_scaler': GRAD_SCALER}
    assert 'loss_scaler' not in back['optimizer']
    out, result = convert_checkpoint(ckpt, 'epoch_1.pth', view=plain)
    assert 'loss_scaler' not in out['optimizer']
    assert any('not an AmpOptimWrapper' in n for n in result.notes)


def test_mmcvs_own_loss_scaler_maps_onto_grad_scaler():
    # scale 512, window 1000, last overflow at iteration 40, 100 iterations done
    state, notes = legacy_to_engine(dict(cur_scale=512.0, cur_iter=100, last_overflow_iter=40,
                                         scale_factor=2.0, scale_window=1000, mode='dynamic'))
    assert state == {'scale': 512.0, 'growth_factor': 2.0, 'backoff_factor': 0.5,
                     'growth_interval': 1000, '_growth_tracker': 59}
    assert notes == []
    _, notes = legacy_to_engine(dict(cur_scale=64.0, mode='static'))
    assert 'static' in notes[0]
    assert legacy_to_engine({}) == ({}, [])


def test_save_best_and_kept_checkpoints(tmp_path):
    view = _view(tmp_path, "default_hooks = dict(checkpoint=dict(type='CheckpointHook', "
                           "interval=1, max_keep_ckpts=2, save_best='auto'))\n")
    ckpt = _legacy(3, 24, hook_msgs=dict(best_score=0.75, best_ckpt='w/best_acc_epoch_2.pth',
                                         last_ckpt='w/epoch_2.pth'), seed=5, exp_name='x.py')
    out, _ = convert_checkpoint(ckpt, 'w/epoch_3.pth', view=view, dst='/abs/new.pth')
    info = out['message_hub']['runtime_info']
    assert info['best_score'] == 0.75 and info['best_ckpt'] == 'w/best_acc_epoch_2.pth'
    assert info['keep_ckpt_ids'] == [2, 3]      # MMCV left epoch_2.pth and epoch_3.pth
    assert info['last_ckpt'] == '/abs/new.pth'
    assert (info['seed'], info['experiment_name']) == (5, 'x.py')
    back, _ = convert_checkpoint({k: v for k, v in out.items() if k != 'legacy_meta'},
                                 'new.pth', to='legacy', view=view)
    assert back['meta']['hook_msgs'] == {'best_score': 0.75,
                                         'best_ckpt': 'w/best_acc_epoch_2.pth',
                                         'last_ckpt': '/abs/new.pth'}
    assert (back['meta']['seed'], back['meta']['exp_name']) == (5, 'x.py')


def test_module_prefixes_are_removed_with_the_metadata():
    sd = torch.nn.Sequential(torch.nn.Linear(2, 2)).state_dict()
    prefixed = type(sd)((f'module.{k}', v) for k, v in sd.items())
    prefixed._metadata = type(sd._metadata)((f'module.{k}' if k else 'module', v)
                                            for k, v in sd._metadata.items())
    ckpt = _legacy(1, 8)
    ckpt['state_dict'] = prefixed
    out, result = convert_checkpoint(ckpt, 'epoch_1.pth')
    assert list(out['state_dict']) == list(sd)
    assert out['state_dict']._metadata == sd._metadata
    assert any('"module." prefix' in n for n in result.notes)
