"""HK009 on the real MMEngine 0.10.7 (imported by record_hookcode_mmengine_binding.py; runs
with the oracle interpreter, never imports our packages).

A class ported from an EvalHook subclass (its module says ``# migrate[HK009]: <name> was``) is
a plain hook registered in ``mmengine.registry.HOOKS`` under its name. This trains a tiny model
with MMEngine's own ``Runner`` for 4 epochs, validating from epoch 2 (``val_begin=2``) with a
metric that scores 50, 75, 75, the checkpoint hook keeping the best by accuracy, and the ported
class in ``custom_hooks`` built the way the converted config names it
(``dict(type=<name>, **evaluation)``). After each validation it records what the message hub
holds (best_epoch, best_score, the best checkpoint's name), the runtime information the ported
hook itself set, and where it ran relative to the checkpoint hook; tests/migrate/hookcode/test_port_eval_hook_mmengine.py
compares that with what the legacy hook recorded in MMCV's ``runner.meta['hook_msgs']``.
"""
from __future__ import annotations

import os
import tempfile

import torch
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.registry import HOOKS, METRICS

SCORES = (50.0, 75.0, 75.0)
#: the legacy evaluation settings the ported hook is built with
EVALUATION = dict(interval=1, start=2, metric='accuracy', save_best='accuracy', rule='greater')


class _Data(torch.utils.data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, index):
        return dict(inputs=torch.full((2,), float(index)), labels=torch.tensor(float(index)))


class _Model(BaseModel):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, inputs, labels, mode='tensor'):
        out = self.linear(torch.stack(inputs)).squeeze(-1)
        if mode == 'loss':
            return {'loss': ((out - torch.stack(labels)) ** 2).mean()}
        return list(out)


class _ScriptedAccuracy(BaseMetric):
    default_prefix = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = 0

    def process(self, data_batch, data_samples):
        self.results.append(len(data_samples))

    def compute_metrics(self, results):
        score = SCORES[self.calls]
        self.calls += 1
        return {'accuracy': score}


def _info(runner):
    return {k: v for k, v in runner.message_hub.runtime_info.items()
            if isinstance(v, (int, float, str)) or v is None}


class _Before(Hook):
    priority = 99   # after the checkpoint hook (VERY_LOW), before the ported hook (LOWEST)

    def __init__(self, snapshot):
        self.snapshot = snapshot

    def after_val_epoch(self, runner, metrics=None):
        self.snapshot.clear()
        self.snapshot.update(_info(runner))


class _Recorder(Hook):
    priority = 'LOWEST'   # registered after the ported hook: runs right after it

    def __init__(self, seen, ported, snapshot):
        self.seen, self.ported, self.snapshot = seen, ported, snapshot

    def after_val_epoch(self, runner, metrics=None):
        names = [type(h).__name__ for h in runner.hooks]
        best = runner.message_hub.get_info('best_ckpt')
        now = _info(runner)
        self.seen.append({
            'set_by_hook': {k: v for k, v in now.items() if self.snapshot.get(k, ()) != v},
            'epoch': runner.epoch, 'metrics': dict(metrics or {}),
            'best_epoch': runner.message_hub.get_info('best_epoch'),
            'best_score': runner.message_hub.get_info('best_score'),
            'best_ckpt': os.path.basename(best) if best else None,
            'after_checkpoint_hook': names.index(self.ported) > names.index('CheckpointHook')})


def _ported(cls_name: str, cls) -> bool:
    # the recorder does not put the converted modules in sys.modules: the class's own
    # functions name their file
    files = {f.__code__.co_filename for f in vars(cls).values() if hasattr(f, '__code__')}
    if len(files) != 1 or not issubclass(cls, Hook):
        return False
    path = files.pop()
    with open(path, encoding='utf-8') as f:
        return f'# migrate[HK009]: {cls_name} was' in f.read()


def _train(cls_name: str):
    from mmengine.runner import Runner
    seen = []
    metric = f'_HK009ScriptedAccuracy_{cls_name}'
    METRICS.register_module(name=metric, module=_ScriptedAccuracy, force=True)
    loader = dict(dataset=_Data(), sampler=dict(type='DefaultSampler', shuffle=False),
                  batch_size=2, num_workers=0)
    with tempfile.TemporaryDirectory() as work_dir:
        runner = Runner(
            model=_Model(), work_dir=work_dir, experiment_name=f'hk009_{cls_name}',
            train_dataloader=loader, val_dataloader=loader,
            train_cfg=dict(by_epoch=True, max_epochs=4, val_interval=1, val_begin=2),
            val_cfg=dict(), val_evaluator=dict(type=metric),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
            default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=2,
                                               save_best='accuracy', rule='greater'),
                               logger=dict(type='LoggerHook', interval=100)),
            custom_hooks=[dict(type=cls_name, **EVALUATION)],
            randomness=dict(seed=0), default_scope=None)
        snapshot = {}
        runner.register_hook(_Before(snapshot))
        runner.register_hook(_Recorder(seen, cls_name, snapshot))
        ported = [h for h in runner.hooks if type(h).__name__ == cls_name]
        runner.train()
    return {'registered_priority': ported[0].priority if ported else None, 'validations': seen}


def check(cls_name: str, cls) -> dict:
    """{'eval_port_run': ...} for a ported eval hook, else {}."""
    if not _ported(cls_name, cls):
        return {}
    if HOOKS.get(cls_name) is not cls:
        return {'eval_port_run': 'not registered in mmengine.registry.HOOKS'}
    try:
        return {'eval_port_run': _train(cls_name)}
    except Exception as e:   # recorded: the test fails on it
        return {'eval_port_run': f'{type(e).__name__}: {e}'}
