"""Optimizer-hook scenarios shared by the MMCV 1.7.2 recorder and compat's tests.

Imports neither MMCV nor our packages: each scenario receives the runtime's runner classes and
a hook (config dict built by ``runner.register_optimizer_hook``, or an instance) and returns
plain data (floats as ``float.hex``) so the golden and the replay compare bit for bit.
"""
from __future__ import annotations

import logging
import os

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class ListHandler(logging.Handler):
    """Keeps (level, message) of every WARNING or worse record: the hooks' warnings and errors
    (the runner's INFO lines name the host and a temporary work_dir)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append([record.levelname, record.getMessage()])


class HookToyModel(nn.Module):
    """A Linear regressor whose ``train_step`` only returns the loss (the hook steps).

    ``unused`` adds a trainable parameter outside the loss graph; ``batch_norm`` a BatchNorm1d
    before the Linear layer.
    """

    def __init__(self, unused: bool = False, batch_norm: bool = False):
        super().__init__()
        torch.manual_seed(0)
        self.norm = nn.BatchNorm1d(3) if batch_norm else nn.Identity()
        self.linear = nn.Linear(3, 1)
        if unused:
            self.unused = nn.Linear(2, 2)

    def train_step(self, batch, optimizer, **kwargs):
        x, y = batch
        loss = ((self.linear(self.norm(x)) - y) ** 2).mean()
        return dict(loss=loss, log_vars={'loss': loss.item()}, num_samples=len(x))

    def val_step(self, batch, optimizer=None, **kwargs):
        return self.train_step(batch, optimizer)


def make_loader(size: int = 14) -> DataLoader:
    g = torch.Generator().manual_seed(3)
    x = torch.randn(size, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1 * torch.randn(size, 1, generator=g)
    return DataLoader(TensorDataset(x, y), batch_size=2, shuffle=False)  # 7 iters per epoch


def _hex(value) -> str:
    return float(value).hex()


def _weights(model) -> dict:
    return {k: [_hex(v) for v in t.flatten().tolist()] for k, t in model.state_dict().items()
            if t.is_floating_point()}


def make_dist_optimizer_hook(optimizer_hook_base):
    """The oracle's ``DistOptimizerHook``: MMSelfSup 0.x ``mmselfsup/core/hooks/
    optimizer_hook.py`` (open-mmlab/mmselfsup, the 0.x branch's last form, read from the
    source), a subclass of the runtime's ``OptimizerHook``: loss divided by the window (the
    remainder for the trailing partial window), a step every ``update_interval`` iterations and
    at the last one, ``frozen_layers_cfg``, ``grad_norm`` logged when clipping."""
    from torch.nn.modules.batchnorm import _BatchNorm

    class DistOptimizerHook(optimizer_hook_base):
        def __init__(self, update_interval=1, grad_clip=None, coalesce=True, bucket_size_mb=-1,
                     frozen_layers_cfg=dict()):
            self.grad_clip = grad_clip
            self.coalesce = coalesce
            self.bucket_size_mb = bucket_size_mb
            self.update_interval = update_interval
            self.frozen_layers_cfg = frozen_layers_cfg
            self.initialized = False

        def _init(self, runner):
            if runner.iter % self.update_interval != 0:
                runner.logger.warning(
                    'Resume iter number is not divisible by update_interval in '
                    'GradientCumulativeOptimizerHook, which means the gradient of '
                    'some iters is lost and the result may be influenced slightly.')
            if self.update_interval > 1 and any(isinstance(m, _BatchNorm)
                                                for m in runner.model.modules()):
                runner.logger.warning('GradientCumulativeOptimizerHook may slightly decrease '
                                      'performance if the model has BatchNorm layers.')
            self.divisible_iters = (runner.max_iters // self.update_interval
                                    * self.update_interval)
            self.remainder_iters = runner.max_iters - self.divisible_iters
            self.initialized = True

        def before_run(self, runner):
            runner.optimizer.zero_grad()

        def after_train_iter(self, runner):
            if not self.initialized:
                self._init(runner)
            if runner.iter < self.divisible_iters:
                runner.outputs['loss'] /= self.update_interval
            else:
                runner.outputs['loss'] /= self.remainder_iters
            runner.outputs['loss'].backward()
            if self.every_n_iters(runner, self.update_interval) or self.is_last_iter(runner):
                for layer, iters in self.frozen_layers_cfg.items():
                    if runner.iter < iters:
                        for name, p in runner.model.module.named_parameters():
                            if layer in name:
                                p.grad = None
                if self.grad_clip is not None:
                    grad_norm = self.clip_grads(runner.model.parameters())
                    if grad_norm is not None:
                        runner.log_buffer.update({'grad_norm': float(grad_norm)},
                                                 runner.outputs['num_samples'])
                runner.optimizer.step()
                runner.optimizer.zero_grad()

    return DistOptimizerHook


def _recorder(hook_base, rows: list):
    class Recorder(hook_base):
        def after_train_iter(self, runner):
            grad_norms = runner.log_buffer.val_history.get('grad_norm', [])
            rows.append({'iter': runner.iter, 'loss': _hex(runner.outputs['loss']),
                         'grad_norm_history': [_hex(v) for v in grad_norms],
                         'grad_norm_counts': runner.log_buffer.n_history.get('grad_norm', []),
                         'weights': _weights(runner.model),
                         'fp16_meta': repr((runner.meta or {}).get('fp16'))})

    return Recorder()


def _run_once(name: str, spec: dict, hook_base, runner_cls, work_dir: str, limits: dict,
              dist_hook_cls, resume_from: str = None):
    model = HookToyModel(**spec.get('model', {}))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    logger = logging.getLogger(f'legacy_optimizer_hook.{name}')
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = ListHandler()
    logger.handlers = [handler]
    runner = runner_cls(model=model, optimizer=optimizer, work_dir=work_dir, logger=logger,
                        meta=dict(seed=0), **limits)
    if spec['hook'] == 'dist':
        runner.register_hook(dist_hook_cls(**spec['args']), priority='ABOVE_NORMAL')
    else:
        runner.register_optimizer_hook(dict(spec['hook']))
    if 'cpu_scaler' in spec:
        # CUDA's scaler is disabled here; an enabled CPU GradScaler drives the same hook code
        # (scale, unscale_, step, update, state_dict) that runs on a GPU
        runner.hooks[0].loss_scaler = torch.amp.GradScaler('cpu', **spec['cpu_scaler'])
    rows: list = []
    runner.register_hook(_recorder(hook_base, rows), priority='LOW')
    if resume_from:
        runner.resume(os.path.join(work_dir, resume_from), map_location='cpu')
    runner.run([make_loader()], [('train', 1)])
    runner.save_checkpoint(work_dir, 'final.pth', create_symlink=False)
    saved = torch.load(os.path.join(work_dir, 'final.pth'), map_location='cpu',
                       weights_only=False)['meta']
    return {'rows': rows, 'weights': _weights(model), 'log': handler.records,
            'saved_fp16_meta': repr(saved.get('fp16')),
            'hook_types': [type(h).__name__ for h in runner.hooks]}


def run_scenario(name: str, hook_base, epoch_runner, iter_runner, work_dir: str,
                 dist_hook_cls=None):
    """Run one scenario; returns per-iteration rows, final weights, log records, saved meta;
    with ``resume_epochs``, also a run resumed from the first run's final checkpoint (saved
    after the run, so it holds epoch + 1: resuming a 1-epoch run with 3 epochs trains one)."""
    spec = SCENARIOS[name]
    by_epoch = 'max_epochs' in spec
    runner_cls = epoch_runner if by_epoch else iter_runner
    limits = {k: spec[k] for k in ('max_epochs', 'max_iters') if k in spec}
    result = _run_once(name, spec, hook_base, runner_cls, work_dir, limits, dist_hook_cls)
    if 'resume_epochs' in spec:
        result['resumed'] = _run_once(name, spec, hook_base, runner_cls, work_dir,
                                      dict(max_epochs=spec['resume_epochs']), dist_hook_cls,
                                      resume_from='final.pth')
    return result


SCENARIOS = {
    'plain': dict(max_epochs=2, hook={}),
    'grad_clip': dict(max_epochs=2, hook=dict(grad_clip=dict(max_norm=0.5, norm_type=2))),
    'detect_anomalous': dict(max_epochs=1, model=dict(unused=True),
                             hook=dict(grad_clip=dict(max_norm=0.5),
                                       detect_anomalous_params=True)),
    'cumulative_3_epochs': dict(max_epochs=2, hook=dict(
        type='GradientCumulativeOptimizerHook', cumulative_iters=3,
        grad_clip=dict(max_norm=0.5))),
    'cumulative_3_iters': dict(max_iters=10, hook=dict(
        type='GradientCumulativeOptimizerHook', cumulative_iters=3)),
    'cumulative_batch_norm': dict(max_epochs=1, model=dict(batch_norm=True), hook=dict(
        type='GradientCumulativeOptimizerHook', cumulative_iters=2)),
    'dist_update_interval_3': dict(max_epochs=2, hook='dist', args=dict(
        update_interval=3, grad_clip=dict(max_norm=0.5))),
    'dist_update_interval_iters': dict(max_iters=10, hook='dist', args=dict(update_interval=4)),
    'dist_batch_norm': dict(max_epochs=1, model=dict(batch_norm=True), hook='dist',
                            args=dict(update_interval=2)),
    'cumulative_resumed': dict(max_epochs=1, resume_epochs=3, hook=dict(
        type='GradientCumulativeOptimizerHook', cumulative_iters=3)),
    'fp16_resumed': dict(max_epochs=1, resume_epochs=3, hook=dict(
        type='Fp16OptimizerHook', loss_scale=512.)),
    'fp16_cpu_scaler_dynamic': dict(
        max_epochs=1, resume_epochs=3, cpu_scaler=dict(init_scale=2.**10, growth_interval=2),
        hook=dict(type='Fp16OptimizerHook', loss_scale='dynamic', grad_clip=dict(max_norm=0.5))),
    'fp16_cpu_scaler_static_cumulative': dict(
        max_epochs=2, cpu_scaler=dict(init_scale=512.), hook=dict(
            type='GradientCumulativeFp16OptimizerHook', cumulative_iters=3, loss_scale=512.,
            grad_clip=dict(max_norm=0.5))),
    'fp16_static': dict(max_epochs=1, hook=dict(
        type='Fp16OptimizerHook', loss_scale=512., grad_clip=dict(max_norm=0.5))),
    'fp16_dynamic': dict(max_epochs=1, hook=dict(type='Fp16OptimizerHook',
                                                 loss_scale='dynamic')),
    'fp16_dict': dict(max_epochs=1, hook=dict(
        type='Fp16OptimizerHook', loss_scale=dict(init_scale=256., growth_interval=2))),
    'fp16_cumulative': dict(max_epochs=1, hook=dict(
        type='GradientCumulativeFp16OptimizerHook', cumulative_iters=3, loss_scale=512.,
        grad_clip=dict(max_norm=0.5))),
}
