"""The toy model and checkpoint scenarios shared by the legacy-checkpoint golden recorder
(run with the real MMCV 1.7.2) and our tests (torch only: imports neither MMCV nor our code).

The model has a conv, a BatchNorm (``num_batches_tracked``, running stats) and a linear head,
and ``CLASSES`` as MMDet 2.x detectors carry them (``BaseDetector.CLASSES``, set by
``mmdet/apis/train.py``'s caller ``tools/train.py``: ``model.CLASSES = datasets[0].CLASSES``).
"""
from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn as nn

CLASSES = ('cat', 'dog')
META = {
    'epoch': 2, 'iter': 6,
    # what MMCV's Fp16OptimizerHook.after_train_iter keeps in runner.meta (mmcv LossScaler)
    'fp16': {'loss_scaler': {'scale': 512.0, 'mode': 'dynamic', 'scale_factor': 2.0,
                             'scale_window': 1000}},
    # what CheckpointHook / EvalHook keep in runner.meta['hook_msgs']
    'hook_msgs': {'last_ckpt': 'work_dirs/toy/epoch_2.pth', 'best_score': 0.75,
                  'best_ckpt': 'work_dirs/toy/best_accuracy_epoch_2.pth'},
}


class ToyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
        self.head = nn.Linear(2, 2)

    def forward(self, x):
        return self.head(self.backbone(x).mean(dim=(2, 3)))


def make_model(seed: int = 0, classes=CLASSES) -> ToyNet:
    torch.manual_seed(seed)
    model = ToyNet()
    model.CLASSES = classes
    return model


def train_two_steps(model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
    """Two SGD steps (momentum buffers, BN running stats and num_batches_tracked change)."""
    torch.manual_seed(1)
    for _ in range(2):
        optimizer.zero_grad()
        model(torch.randn(4, 1, 5, 5)).pow(2).mean().backward()
        optimizer.step()


def trained_model_and_optimizers():
    model = make_model()
    sgd = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    train_two_steps(model, sgd)
    head_sgd = torch.optim.SGD(model.head.parameters(), lr=0.01, momentum=0.5)
    train_two_steps(model, head_sgd)
    return model, sgd, {'all': sgd, 'head': head_sgd}


def scenario_state_dicts(weights: 'OrderedDict[str, torch.Tensor]') -> dict:
    """File name -> object saved with torch.save, each exercising one load_checkpoint path."""
    plain = OrderedDict(weights)
    prefixed = OrderedDict(('module.' + k, v) for k, v in weights.items())
    partial = OrderedDict((k, v) for k, v in weights.items() if not k.startswith('head.'))
    partial['extra.weight'] = torch.ones(3)
    resized = OrderedDict(weights)
    resized['head.weight'] = torch.zeros(3, 2)
    # torch < 0.4.1 BatchNorm had no num_batches_tracked: MMCV never reports it missing
    no_bn_counter = OrderedDict((k, v) for k, v in weights.items()
                                if not k.endswith('num_batches_tracked'))
    backbone_named = OrderedDict(('backbone.' + k, v) for k, v in weights.items())
    return {
        'plain_state_dict.pth': plain,
        'module_prefixed.pth': {'state_dict': prefixed},
        'missing_and_unexpected.pth': {'state_dict': partial},
        'size_mismatch.pth': {'state_dict': resized},
        'model_key.pth': {'model': plain},
        'double_prefixed.pth': {'state_dict': backbone_named},
        'no_bn_counter.pth': {'state_dict': no_bn_counter},
    }


# file, strict, revise_keys (None: MMCV's default), whether a logger receives the messages
LOAD_CASES = [
    ('mmcv_written.pth', False, None, False),
    ('plain_state_dict.pth', False, None, False),
    ('module_prefixed.pth', False, None, False),
    ('missing_and_unexpected.pth', False, None, False),
    ('missing_and_unexpected.pth', False, None, True),
    ('missing_and_unexpected.pth', True, None, False),
    ('size_mismatch.pth', False, None, False),
    ('size_mismatch.pth', True, None, False),
    ('model_key.pth', False, None, False),
    ('double_prefixed.pth', False, [[r'^backbone\.', '']], False),
    ('double_prefixed.pth', False, [[r'^backbone\.', ''], [r'^backbone\.', 'trunk.']], False),
    ('double_prefixed.pth', True, [], False),
    ('no_bn_counter.pth', True, None, False),
]


def case_name(case) -> str:
    file, strict, revise, with_logger = case
    return (f'{file[:-4]}|strict={strict}|revise={revise}|'
            f'{"logger" if with_logger else "print"}')


def tensors(state) -> dict:
    return {k: {'dtype': str(v.dtype), 'shape': list(v.shape),
                'values': v.detach().double().flatten().tolist()} for k, v in state.items()}


def optimizer_layout(state_dict: dict) -> dict:
    return {'state': {str(i): tensors(s) for i, s in state_dict['state'].items()},
            'param_groups': state_dict['param_groups']}


def file_layout(path: str) -> dict:
    ckpt = torch.load(path, map_location='cpu', weights_only=True)
    meta = dict(ckpt['meta'])
    time_text = meta.pop('time')
    optim = ckpt.get('optimizer')
    if optim is not None and 'state' in optim:
        optim = optimizer_layout(optim)
    elif optim is not None:
        optim = {name: optimizer_layout(sd) for name, sd in optim.items()}
    return {'top_keys': list(ckpt), 'meta_keys': list(ckpt['meta']),
            'meta': {k: list(v) if isinstance(v, tuple) else v for k, v in meta.items()},
            'meta_types': {k: type(v).__name__ for k, v in ckpt['meta'].items()},
            'time_is_asctime_text': isinstance(time_text, str) and len(time_text) == 24,
            'state_dict_type': type(ckpt['state_dict']).__name__,
            'state_dict': tensors(ckpt['state_dict']),
            'state_dict_metadata': {k: dict(v) for k, v in ckpt['state_dict']._metadata.items()},
            'optimizer': optim}
