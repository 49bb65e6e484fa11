"""Record engine goldens from the REAL MMEngine 0.10.7: weights after short seeded training runs,
per-iteration lr and loss, validation metrics, and the order of every hook call.

Run with the oracle interpreter (never imports our package; the toy task's pure-torch pieces are
loaded from engine/testing/toy_data.py by path):

    .oracle/mmengine/bin/python scripts/oracle/record_engine_goldens.py

Writes fixtures/goldens/engine_training.json and fixtures/goldens/hook_order.json.
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import warnings

import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore')
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CONFIGS = os.path.join(ROOT, 'fixtures', 'configs', 'engine')

spec = importlib.util.spec_from_file_location('toy_data',
                                              os.path.join(ROOT, 'engine/testing/toy_data.py'))
toy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(toy)

from mmengine.config import Config  # noqa: E402
from mmengine.evaluator import BaseMetric  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.model import BaseModel  # noqa: E402
from mmengine.registry import DATASETS, HOOKS, METRICS, MODELS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402


@DATASETS.register_module()
class ToyDataset(torch.utils.data.Dataset):
    def __init__(self, num_samples=64, num_features=8, num_classes=4, seed=0, sample_seed=None):
        self.inputs, self.labels = toy.make_toy_classification(num_samples, num_features,
                                                               num_classes, seed, sample_seed)
        self.metainfo = dict(classes=tuple(f'class_{i}' for i in range(num_classes)))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return dict(inputs=self.inputs[idx], data_samples=dict(gt_label=self.labels[idx]))


@MODELS.register_module()
class ToyClassifier(BaseModel):
    def __init__(self, num_features=8, hidden=16, num_classes=4, with_bn=False, init_seed=0,
                 data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor)
        self.net = toy.build_toy_layers(num_features, hidden, num_classes, with_bn)
        toy.init_toy_weights(self.net, init_seed)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        logits = self.net(toy.stack_inputs(inputs))
        if mode == 'tensor':
            return logits
        labels = toy.gather_labels(data_samples)
        if mode == 'loss':
            return dict(loss_cls=F.cross_entropy(logits, labels))
        scores = logits.softmax(dim=1)
        return [dict(pred_score=s, pred_label=s.argmax(), gt_label=l)
                for s, l in zip(scores, labels)]


@METRICS.register_module()
class Accuracy(BaseMetric):
    default_prefix = 'accuracy'

    def __init__(self, topk=(1, ), **kwargs):
        super().__init__(**kwargs)
        self.topk = topk

    def process(self, data_batch, data_samples):
        for s in data_samples:
            self.results.append((s['pred_score'].clone(), int(s['gt_label'])))

    def compute_metrics(self, results):
        scores = torch.stack([r[0] for r in results])
        labels = torch.tensor([r[1] for r in results])
        out = {}
        for k in self.topk:
            top = scores.topk(k, dim=1).indices
            correct = (top == labels[:, None]).any(dim=1).float().mean().item() * 100
            out[f'top{k}'] = correct
        return out


@HOOKS.register_module()
class TrajectoryHook(Hook):
    """Records lr of every param group before each iteration and the loss after it."""
    priority = 'LOWEST'

    def __init__(self):
        self.lr, self.loss, self.metrics = [], [], []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.lr.append([g['lr'] for g in runner.optim_wrapper.optimizer.param_groups])

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.loss.append(float(outputs['loss']))

    def after_val_epoch(self, runner, metrics=None):
        self.metrics.append({k: float(v) for k, v in (metrics or {}).items()})


ALL_STAGES = Hook.stages


@HOOKS.register_module()
class StageRecorderHook(Hook):
    """Overrides every stage; the call-order recording includes it as a marker."""
    priority = 'NORMAL'


for _stage in ALL_STAGES:
    setattr(StageRecorderHook, _stage, lambda self, runner, **kw: None)

TRAINING_CASES = {
    # name: (config file, cfg overrides)
    'sgd_momentum_warmup_multistep': ('toy_sgd_warmup_multistep.py', {}),
    'sgd_clip_grad_value': ('toy_sgd_warmup_multistep.py',
                            {'optim_wrapper.clip_grad': dict(type='value', clip_value=0.05),
                             'train_cfg.max_epochs': 2}),
    'adamw_paramwise_clip_norm_cosine': ('toy_adamw_paramwise_cosine.py', {}),
    'sgd_accumulative_counts_iter_loop': ('toy_iter_accumulate.py', {}),
    'sgd_accumulative_counts_epoch_loop': ('toy_sgd_warmup_multistep.py',
                                           {'optim_wrapper.accumulative_counts': 3,
                                            'train_cfg.max_epochs': 2}),
}


def _run(cfg_file, overrides, work_dir, extra_hooks):
    cfg = Config.fromfile(os.path.join(CONFIGS, cfg_file))
    cfg.merge_from_dict(overrides)
    cfg.work_dir = work_dir
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + extra_hooks
    cfg.default_hooks.checkpoint = None
    runner = Runner.from_cfg(cfg)
    return runner


def record_training():
    out = {}
    for name, (cfg_file, overrides) in TRAINING_CASES.items():
        with tempfile.TemporaryDirectory() as tmp:
            runner = _run(cfg_file, overrides, tmp, [dict(type='TrajectoryHook')])
            runner.train()
            traj = [h for h in runner.hooks if isinstance(h, TrajectoryHook)][0]
            state = {k: v.detach().double().flatten().tolist()
                     for k, v in runner.model.state_dict().items()}
            out[name] = dict(config=cfg_file, overrides=overrides, lr=traj.lr, loss=traj.loss,
                             val_metrics=traj.metrics, state_dict=state)
            MMLogger._instance_dict.clear()
        print(f'{name}: {len(traj.lr)} iterations, final loss {traj.loss[-1]:.6f}')
    return out


def _overridden(hook, stage):
    return stage in hook.get_triggered_stages()


def record_hook_order():
    calls = []
    original = Runner.call_hook

    def call_hook(self, fn_name, **kwargs):
        for hook in self._hooks:
            if _overridden(hook, fn_name):
                args = {k: v for k, v in kwargs.items() if k == 'batch_idx'}
                calls.append([type(hook).__name__, fn_name, args.get('batch_idx')])
        return original(self, fn_name, **kwargs)

    Runner.call_hook = call_hook
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = Config.fromfile(os.path.join(CONFIGS, 'toy_sgd_warmup_multistep.py'))
            cfg.work_dir = tmp
            cfg.train_cfg.max_epochs = 2
            cfg.custom_hooks = [dict(type='StageRecorderHook')]
            runner = Runner.from_cfg(cfg)
            runner.train()
            MMLogger._instance_dict.clear()
    finally:
        Runner.call_hook = original
    hooks = [[type(h).__name__, str(h.priority)] for h in runner.hooks]
    return dict(config='toy_sgd_warmup_multistep.py', max_epochs=2, hooks=hooks, calls=calls)


def main():
    os.makedirs(os.path.join(ROOT, 'fixtures', 'goldens'), exist_ok=True)
    import mmengine
    training = dict(recorded_with=f'mmengine {mmengine.__version__}, torch {torch.__version__}',
                    cases=record_training())
    with open(os.path.join(ROOT, 'fixtures/goldens/engine_training.json'), 'w') as f:
        json.dump(training, f, indent=1)
    order = record_hook_order()
    order['recorded_with'] = training['recorded_with']
    with open(os.path.join(ROOT, 'fixtures/goldens/hook_order.json'), 'w') as f:
        json.dump(order, f, indent=1)
    print(f"hook order: {len(order['calls'])} calls")


if __name__ == '__main__':
    sys.exit(main())
