"""Record optimizer goldens from the real MMEngine 0.10.7 into fixtures/goldens/optim.json.

Run with the oracle interpreter (it must not import our ``engine`` package):

    /work/main/.oracle/mmengine/bin/python scripts/oracle/record_optim_goldens.py

The toy model is loaded by file path from engine/testing/optim_toy.py so the goldens and our
tests build the very same model. Each case stores its own configs, so the tests replay them
without a second copy of the case list.
"""
from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path

import mmengine
import torch
from mmengine.logging import MessageHub
from mmengine.optim import DefaultOptimWrapperConstructor

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / 'fixtures' / 'goldens' / 'optim.json'


def _load_toy():
    path = ROOT / 'engine' / 'testing' / 'optim_toy.py'
    spec = importlib.util.spec_from_file_location('optim_toy_oracle', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


toy = _load_toy()
assert 'engine' not in sys.modules, 'the recorder must not import our engine package'

SGD = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)
SGD_NO_WD = dict(type='SGD', lr=0.1, momentum=0.9)
ADAMW = dict(type='AdamW', lr=0.01, weight_decay=0.05)
# The depth-wise conv bias feeds a BatchNorm, so its true gradient is 0 and only float noise
# remains; Adam's default eps would blow that noise up to lr-sized steps that depend on the
# thread count. A larger eps keeps the trajectory well-conditioned.
ADAMW_TRAJ = dict(type='AdamW', lr=0.01, weight_decay=0.05, eps=1e-4)

# (name, share, optimizer cfg, paramwise_cfg)
GROUP_CASES = [
    ('no_paramwise', False, SGD, None),
    ('custom_keys_ties', False, SGD, dict(custom_keys={
        'conv': dict(lr_mult=0.5), 'dwconv': dict(lr_mult=0.2, decay_mult=0.0),
        '.fc.': dict(lr_mult=3.0), 'head': dict(decay_mult=0.5)})),
    ('bias_lr_mult', False, SGD, dict(bias_lr_mult=2.0)),
    ('bias_decay_mult', False, SGD, dict(bias_decay_mult=0.0)),
    ('norm_decay_mult', False, SGD, dict(norm_decay_mult=0.0)),
    ('dwconv_decay_mult', False, SGD, dict(dwconv_decay_mult=0.1)),
    ('flat_decay_mult', False, SGD, dict(flat_decay_mult=0.3)),
    ('all_mults', False, SGD, dict(bias_lr_mult=2.0, bias_decay_mult=0.5, norm_decay_mult=0.0,
                                   dwconv_decay_mult=0.1, flat_decay_mult=0.3)),
    ('custom_keys_and_mults', False, SGD, dict(
        custom_keys={'head': dict(lr_mult=0.1), 'bn': dict(decay_mult=2.0)},
        bias_lr_mult=2.0, norm_decay_mult=0.0, dwconv_decay_mult=0.5)),
    ('bypass_duplicate', True, SGD, dict(bypass_duplicate=True, bias_lr_mult=2.0)),
    ('lars_exclude', False, SGD, dict(custom_keys={'bn': dict(decay_mult=0, lars_exclude=True)})),
    ('custom_weight_decay_key', False, ADAMW, dict(
        custom_keys={'scale': dict(weight_decay=0.0), 'ln': dict(lr_mult=0.0)},
        flat_decay_mult=0.5)),
    ('flat_without_wd', False, SGD_NO_WD, dict(flat_decay_mult=0.0, bias_lr_mult=3.0)),
    ('shared_without_bypass', True, SGD, dict(norm_decay_mult=0.0)),
    ('decay_mult_without_wd', False, SGD_NO_WD, dict(custom_keys={'bn': dict(decay_mult=0.0)})),
    ('norm_decay_without_wd', False, SGD_NO_WD, dict(norm_decay_mult=0.0)),
]

# (name, optimizer cfg, paramwise_cfg, wrapper kwargs, init_counts, max_counts, iterations)
TRAJECTORY_CASES = [
    ('acc3_max10', SGD, None, dict(accumulative_counts=3), 0, 10, 10),
    ('acc3_resume4_max10', SGD, None, dict(accumulative_counts=3), 4, 10, 6),
    ('acc3_no_count_status', SGD, None, dict(accumulative_counts=3), None, None, 7),
    ('clip_norm', SGD, None, dict(clip_grad=dict(max_norm=0.03, norm_type=2)), 0, 5, 5),
    ('clip_norm_type', SGD, None, dict(clip_grad=dict(type='norm', max_norm=0.02, norm_type=1.0)),
     0, 4, 4),
    ('clip_value', SGD, None, dict(clip_grad=dict(type='value', clip_value=0.01)), 0, 5, 5),
    ('adamw_paramwise_acc2_clip', ADAMW_TRAJ, dict(bypass_duplicate=True, bias_lr_mult=2.0,
                                              norm_decay_mult=0.0,
                                              flat_decay_mult=0.5),
     dict(accumulative_counts=2, clip_grad=dict(max_norm=0.1)), 0, 5, 5),
]


def record_groups(name, share, optim_cfg, paramwise_cfg):
    model = toy.OptimToyNet(share=share)
    case = dict(name=name, share=share, optimizer=optim_cfg, paramwise_cfg=paramwise_cfg)
    try:
        ctor = DefaultOptimWrapperConstructor(
            dict(type='OptimWrapper', optimizer=copy.deepcopy(optim_cfg)),
            copy.deepcopy(paramwise_cfg))
        wrapper = ctor(model)
    except Exception as e:  # the failure itself is the golden
        case['error'] = type(e).__name__
        case['error_message'] = str(e)
        return case
    optimizer = wrapper.optimizer
    case['groups'] = toy.describe_groups(optimizer.param_groups, toy.param_names(model),
                                         optimizer.defaults)
    return case


def record_trajectory(name, optim_cfg, paramwise_cfg, wrapper_kwargs, init_counts, max_counts,
                      iterations):
    hub = MessageHub.get_instance(f'optim_golden_{name}')
    model = toy.OptimToyNet(share=True)
    model.train()
    ctor = DefaultOptimWrapperConstructor(
        dict(type='OptimWrapper', optimizer=copy.deepcopy(optim_cfg),
             **copy.deepcopy(wrapper_kwargs)),
        copy.deepcopy(paramwise_cfg))
    wrapper = ctor(model)
    wrapper.message_hub = hub
    if init_counts is not None:
        wrapper.initialize_count_status(model, init_counts, max_counts)
    per_iter = []
    for it in range(iterations):
        with wrapper.optim_context(model):
            loss = toy.toy_loss(model, it)
        before = len(hub.log_scalars['train/grad_norm'].data[0]) \
            if 'train/grad_norm' in hub.log_scalars else 0
        scaled = float(wrapper.scale_loss(loss.detach()))
        wrapper.update_params(loss)
        hist = hub.log_scalars['train/grad_norm'].data[0] \
            if 'train/grad_norm' in hub.log_scalars else []
        grad_norm = float(hist[-1]) if len(hist) > before else None
        per_iter.append(dict(loss=float(loss), scaled_loss=scaled, inner_count=wrapper.inner_count,
                             grad_norm=grad_norm))
    state = {k: v.detach().double().flatten().tolist()
             for k, v in model.state_dict().items() if v.is_floating_point()}
    return dict(name=name, optimizer=optim_cfg, paramwise_cfg=paramwise_cfg,
                wrapper=wrapper_kwargs, init_counts=init_counts, max_counts=max_counts,
                iterations=iterations, per_iter=per_iter, final_state=state,
                lr=wrapper.get_lr(), momentum=wrapper.get_momentum())


def main():
    torch.set_num_threads(1)
    goldens = dict(
        source=f'mmengine {mmengine.__version__}, torch {torch.__version__}',
        recorder='scripts/oracle/record_optim_goldens.py',
        groups=[record_groups(*c) for c in GROUP_CASES],
        trajectories=[record_trajectory(*c) for c in TRAJECTORY_CASES],
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(goldens, indent=1) + '\n')
    n_err = sum('error' in g for g in goldens['groups'])
    print(f'wrote {OUT}: {len(goldens["groups"])} group cases ({n_err} errors), '
          f'{len(goldens["trajectories"])} trajectories')


if __name__ == '__main__':
    main()
