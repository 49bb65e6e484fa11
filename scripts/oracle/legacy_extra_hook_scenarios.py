"""Scenarios of MMCV 1.7.2's EMAHook, ProfilerHook, ClosureHook, DistSamplerSeedHook,
SyncBuffersHook, EmptyCacheHook and downstream lr/momentum updater subclasses (``get_lr`` /
``get_momentum``), shared by the recorder and compat's tests.

Imports neither MMCV nor our packages: each scenario takes ``rt``, a namespace with the
runtime's runners and hooks (``rt.EpochBasedRunner``, ``rt.EMAHook``, ...), and returns plain
data (floats as ``float.hex``) so the golden and the replay compare bit for bit.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import types
import warnings

import torch
from torch import nn
from torch.utils.data import BatchSampler, DataLoader, Sampler, TensorDataset

from legacy_runner_scenarios import ToyModel, make_loader

LOGGER = logging.getLogger('legacy_extra_hook_scenarios')


def runtime_of(runner_module, hooks_module) -> types.SimpleNamespace:
    """The names of ``runner_module.__all__`` and ``hooks_module.__all__`` (``mmcv.runner`` and
    ``mmcv.runner.hooks``, or compat's), hooks taken from the hooks module."""
    names = set(runner_module.__all__) | set(hooks_module.__all__)
    return types.SimpleNamespace(**{name: getattr(hooks_module, name, None)
                                    or getattr(runner_module, name) for name in names})


def _hex(value) -> str:
    return float(value).hex()


def _tensor_hex(tensor: torch.Tensor) -> list:
    return [_hex(v) for v in tensor.detach().flatten().tolist()]


def _error(exc: BaseException) -> str:
    return type(exc).__name__


# -- EMAHook -----------------------------------------------------------------------------------
class EmaModel(nn.Module):
    """Nested parameters (dotted names) and BatchNorm buffers, MMCV's train_step contract."""

    def __init__(self, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))

    def train_step(self, batch, optimizer, **kwargs):
        x, y = batch
        loss = ((self.net(x) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return dict(loss=loss.detach(), log_vars={'loss': loss.item()}, num_samples=len(x))


def weight_recorder(hook_base, events: list):
    """A hook recording the model's first weight row around each train epoch (after the
    EMAHook's swaps when registered below it)."""

    class Recorder(hook_base):
        def _record(self, stage, runner):
            weight = runner.model.net[0].weight
            events.append([stage, runner.epoch, runner.iter, _tensor_hex(weight[0])])

        def before_train_epoch(self, runner):
            self._record('before_train_epoch', runner)

        def after_train_epoch(self, runner):
            self._record('after_train_epoch', runner)

    return Recorder()


def _state(model: nn.Module) -> dict:
    return {k: _tensor_hex(v.float()) for k, v in model.state_dict().items()}


def _checkpoint_states(work_dir: str) -> dict:
    found = {}
    for name in sorted(os.listdir(work_dir)):
        path = os.path.join(work_dir, name)
        if name.endswith('.pth') and not os.path.islink(path):
            ckpt = torch.load(path, map_location='cpu', weights_only=False)
            found[name] = {'meta': [ckpt['meta']['epoch'], ckpt['meta']['iter']],
                           'state': {k: _tensor_hex(v.float())
                                     for k, v in ckpt['state_dict'].items()}}
    return found


# name -> (runner kind, limit, EMAHook kwargs, checkpoint kwargs)
EMA_SCENARIOS = {
    # warm_up large enough that (1 + iter) / (warm_up + iter) is below the momentum
    'ema_epoch': ('epoch', 3, dict(momentum=0.5, warm_up=20), dict(interval=1)),
    'ema_epoch_interval': ('epoch', 3, dict(momentum=0.3, interval=2, warm_up=1),
                           dict(interval=2)),
    'ema_iter': ('iter', 7, dict(momentum=0.2, interval=2, warm_up=50),
                 dict(interval=3, by_epoch=False)),
}
# scenario -> checkpoint the EMAHook resumes from (resume_from), in a copy of the run's dir.
# Not the iteration runner: MMCV's IterBasedRunner.resume asks for the current CUDA device
# with the default map_location and fails on a machine without CUDA.
EMA_RESUMES = {'ema_epoch': 'epoch_1.pth', 'ema_epoch_interval': 'epoch_2.pth'}


def run_ema(rt, name: str, work_dir: str, resume_from: str = None) -> dict:
    kind, limit, ema_kwargs, ckpt_kwargs = EMA_SCENARIOS[name]
    events: list = []
    model = EmaModel(seed=1 if resume_from else 0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    if kind == 'epoch':
        runner = rt.EpochBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                     logger=LOGGER, max_epochs=limit)
    else:
        runner = rt.IterBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                    logger=LOGGER, max_iters=limit)
    if resume_from:
        ema_kwargs = dict(ema_kwargs, resume_from=os.path.join(work_dir, resume_from))
    runner.register_hook(rt.EMAHook(**ema_kwargs), 'ABOVE_NORMAL')
    runner.register_hook(rt.CheckpointHook(**ckpt_kwargs), 'NORMAL')
    runner.register_hook(weight_recorder(rt.Hook, events), 'LOW')
    runner.run([make_loader(0, size=6)], [('train', 1)])
    return {'events': events, 'state': _state(model),
            'buffers': [name for name, _ in model.named_buffers()],
            'checkpoints': _checkpoint_states(work_dir), 'position': [runner.epoch, runner.iter]}


def ema_errors(rt) -> dict:
    out = {}
    for label, kwargs in {'interval_0': dict(interval=0), 'interval_float': dict(interval=1.0),
                          'momentum_1': dict(momentum=1), 'momentum_0': dict(momentum=0)
                          }.items():
        try:
            rt.EMAHook(**kwargs)
            out[label] = None
        except Exception as exc:  # noqa: BLE001 - the type is the recorded fact
            out[label] = _error(exc)
    return out


def ema_all(rt, tmp: str) -> dict:
    out = {}
    for name in EMA_SCENARIOS:
        full = os.path.join(tmp, name, 'full')
        out[name] = {'full': run_ema(rt, name, full)}
        if name in EMA_RESUMES:
            again = os.path.join(tmp, name, 'resume')
            shutil.copytree(full, again, symlinks=True)
            out[name]['resume'] = run_ema(rt, name, again, resume_from=EMA_RESUMES[name])
    out['errors'] = ema_errors(rt)
    return out


# -- ProfilerHook ------------------------------------------------------------------------------
def _position_hook(hook_base, where: dict):
    class Position(hook_base):
        def before_train_iter(self, runner):
            where['at'] = [runner.epoch, runner.iter]

    return Position()


# name -> (runner kind, limit, ProfilerHook kwargs; 'ready' is replaced by a recording handler)
PROFILER_SCENARIOS = {
    'by_epoch_two_epochs': ('epoch', 2, dict(activities=['cpu'], on_trace_ready='ready')),
    'by_epoch_default_activities': ('epoch', 1, dict(on_trace_ready='ready',
                                                     json_trace_path='trace.json')),
    'by_iter_schedule': ('iter', 7, dict(by_epoch=False, profile_iters=5, activities=['CPU'],
                                         # repeat=1: MMCV steps the profiler after it
                                         # stops, and a repeating schedule would restart it
                                         schedule=dict(wait=1, warmup=1, active=2, repeat=1),
                                         on_trace_ready='ready')),
    'by_iter_stop': ('iter', 4, dict(by_epoch=False, profile_iters=2, activities=['cpu'],
                                     on_trace_ready='ready')),
    'by_iter_no_handler': ('iter', 4, dict(by_epoch=False, profile_iters=2,
                                           activities=['cpu'], json_trace_path='trace.json')),
    'log_trace': ('epoch', 1, dict(activities=['cpu'], on_trace_ready=dict(
        type='log_trace', sort_by='self_cpu_time_total', row_limit=3))),
}


def run_profiler(rt, name: str, work_dir: str) -> dict:
    kind, limit, kwargs = PROFILER_SCENARIOS[name]
    where: dict = {'at': None}
    ready: list = []

    def handler(prof):
        steps = sorted({e.key for e in prof.key_averages() if e.key.startswith('ProfilerStep')})
        ready.append([where['at'], prof.step_num, steps])

    kwargs = dict(kwargs)
    if kwargs.get('on_trace_ready') == 'ready':
        kwargs['on_trace_ready'] = handler
    if 'json_trace_path' in kwargs:
        kwargs['json_trace_path'] = os.path.join(work_dir, kwargs['json_trace_path'])
    os.makedirs(work_dir, exist_ok=True)
    model = ToyModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    if kind == 'epoch':
        runner = rt.EpochBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                     logger=LOGGER, max_epochs=limit)
    else:
        runner = rt.IterBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                    logger=LOGGER, max_iters=limit)
    runner.register_hook(_position_hook(rt.Hook, where), 'HIGHEST')
    hook = rt.ProfilerHook(**kwargs)
    runner.register_hook(hook, 'NORMAL')
    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(printed):
        warnings.simplefilter('always')
        runner.run([make_loader(0)], [('train', 1)])
    trace = None
    if kwargs.get('json_trace_path'):
        with open(kwargs['json_trace_path']) as f:
            trace = sorted(json.load(f))
    table = printed.getvalue().splitlines()
    return {'ready': ready, 'step_num': hook.profiler.step_num, 'trace_keys': trace,
            'activities': [str(a) for a in hook.activities],
            'warnings': sorted({str(w.message) for w in caught
                                if 'profil' in str(w.message).lower()}),
            'table_has_header': any('Name' in line for line in table),
            'table_rows': sum(1 for line in table if '%' in line)}


# name -> (construction kwargs, runner kind, limit): the error and the stage it comes from
PROFILER_ERRORS = {
    'profile_iters_0': (dict(profile_iters=0), 'epoch', 1),
    'activities_str': (dict(activities='cpu'), 'epoch', 1),
    'activity_tpu': (dict(activities=['cpu', 'tpu']), 'epoch', 1),
    'by_epoch_str': (dict(by_epoch='yes'), 'epoch', 1),
    'schedule_unknown_arg': (dict(schedule=dict(wait=1, sleep=2)), 'epoch', 1),
    'more_epochs_than_run': (dict(profile_iters=3, activities=['cpu']), 'epoch', 2),
    'more_iters_than_run': (dict(by_epoch=False, profile_iters=9, activities=['cpu']),
                            'iter', 4),
    'handler_int': (dict(on_trace_ready=3, activities=['cpu']), 'epoch', 1),
    'handler_type_unknown': (dict(on_trace_ready=dict(type='csv'), activities=['cpu']),
                             'epoch', 1),
    'handler_without_type': (dict(on_trace_ready=dict(dir_name='x'), activities=['cpu']),
                             'epoch', 1),
    'tb_trace_without_plugin': (dict(on_trace_ready=dict(type='tb_trace'),
                                     activities=['cpu']), 'epoch', 1),
}


def profiler_error(rt, name: str, work_dir: str) -> list:
    kwargs, kind, limit = PROFILER_ERRORS[name]
    try:
        hook = rt.ProfilerHook(**kwargs)
    except Exception as exc:  # noqa: BLE001 - the type is the recorded fact
        return ['__init__', _error(exc)]
    model = ToyModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    if kind == 'epoch':
        runner = rt.EpochBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                     logger=LOGGER, max_epochs=limit)
    else:
        runner = rt.IterBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                    logger=LOGGER, max_iters=limit)
    runner.register_hook(hook)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            runner.run([make_loader(0)], [('train', 1)])
    except Exception as exc:  # noqa: BLE001
        return ['run', _error(exc)]
    finally:
        profiler = getattr(hook, 'profiler', None)
        if profiler is not None and profiler.profiler is not None:
            profiler.__exit__(None, None, None)
    return ['run', None]


def profiler_all(rt, tmp: str) -> dict:
    out = {name: run_profiler(rt, name, os.path.join(tmp, name)) for name in PROFILER_SCENARIOS}
    out['errors'] = {name: profiler_error(rt, name, os.path.join(tmp, 'err_' + name))
                     for name in PROFILER_ERRORS}
    return out


# -- ClosureHook, DistSamplerSeedHook, SyncBuffersHook, EmptyCacheHook --------------------------
class RecordingSampler(Sampler):
    """Sequential indices; records each ``set_epoch`` call."""

    def __init__(self, size: int, calls: list, label: str):
        self.size, self.calls, self.label = size, calls, label

    def set_epoch(self, epoch: int) -> None:
        self.calls.append([self.label, epoch])

    def __iter__(self):
        return iter(range(self.size))

    def __len__(self):
        return self.size


def _dataset(size: int = 5) -> TensorDataset:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(size, 3, generator=g)
    return TensorDataset(x, x.sum(1, keepdim=True))


def _runner(rt, kind: str, limit: int, work_dir: str, model=None):
    model = model or ToyModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    if kind == 'epoch':
        return rt.EpochBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                   logger=LOGGER, max_epochs=limit)
    return rt.IterBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                              logger=LOGGER, max_iters=limit)


def sampler_seed(rt, work_dir: str) -> dict:
    out = {}
    calls: list = []
    loaders = [DataLoader(_dataset(), batch_size=2,
                          sampler=RecordingSampler(5, calls, 'train_sampler')),
               DataLoader(_dataset(), batch_sampler=BatchSampler(
                   RecordingSampler(5, calls, 'val_batch_sampler'), 2, False))]
    runner = _runner(rt, 'epoch', 3, work_dir)
    runner.register_hook(rt.DistSamplerSeedHook())
    runner.run(loaders, [('train', 2), ('val', 1)])
    out['epoch'] = calls
    iter_calls: list = []
    runner = _runner(rt, 'iter', 4, work_dir)
    runner.register_hook(rt.DistSamplerSeedHook())
    try:
        runner.run([DataLoader(_dataset(), batch_size=2,
                               sampler=RecordingSampler(5, iter_calls, 'iter'))],
                   [('train', 1)])
        out['iter'] = ['ok', iter_calls]
    except Exception as exc:  # noqa: BLE001
        out['iter'] = [_error(exc), iter_calls]
    return out


def closure(rt, work_dir: str) -> dict:
    seen: list = []
    out = {}
    for kind, limit in (('epoch', 2), ('iter', 4)):
        runner = _runner(rt, kind, limit, work_dir)
        runner.register_hook(rt.ClosureHook(
            'after_train_iter', lambda r, kind=kind: seen.append([kind, r.epoch, r.iter])))
        runner.register_hook(rt.ClosureHook(
            'after_epoch', lambda r, kind=kind: seen.append([kind, 'after_epoch', r.mode])))
        runner.run([make_loader(0), make_loader(1)], [('train', 1), ('val', 1)])
    out['calls'] = seen
    errors = {}
    for label, args in {'unknown_stage': ('after_everything', print),
                        'not_callable': ('after_train_iter', 3)}.items():
        try:
            rt.ClosureHook(*args)
            errors[label] = None
        except Exception as exc:  # noqa: BLE001
            errors[label] = _error(exc)
    out['errors'] = errors
    return out


def empty_cache(rt, work_dir: str) -> dict:
    calls: list = []
    where = {'stage': None}
    real = torch.cuda.empty_cache

    class Stage(rt.Hook):
        def before_epoch(self, runner):
            where['stage'] = [runner.mode, 'before_epoch', runner.epoch]

        def after_iter(self, runner):
            where['stage'] = [runner.mode, 'after_iter', runner.iter]

        def after_epoch(self, runner):
            where['stage'] = [runner.mode, 'after_epoch', runner.epoch]

    torch.cuda.empty_cache = lambda: calls.append(list(where['stage']))
    try:
        out = {}
        for label, kwargs in {'default': {}, 'all': dict(before_epoch=True, after_iter=True),
                              'none': dict(after_epoch=False)}.items():
            calls.clear()
            runner = _runner(rt, 'epoch', 2, work_dir)
            runner.register_hook(Stage(), 'HIGHEST')
            runner.register_hook(rt.EmptyCacheHook(**kwargs), 'LOWEST')
            runner.run([make_loader(0), make_loader(1)], [('train', 1), ('val', 1)])
            out[label] = list(calls)
    finally:
        torch.cuda.empty_cache = real
    return out


def sync_buffers(rt, work_dir: str) -> dict:
    """One process: the buffers are left as they are (MMCV all-reduces a world of one)."""
    out = {}
    for distributed in (True, False):
        model = EmaModel()
        runner = _runner(rt, 'epoch', 2, work_dir, model=model)
        runner.register_hook(rt.SyncBuffersHook(distributed=distributed))
        runner.run([make_loader(0, size=6)], [('train', 1)])
        out[str(distributed)] = {k: _tensor_hex(v.float())
                                 for k, v in model.named_buffers()}
    return out


def small_hooks_all(rt, tmp: str) -> dict:
    return {'sampler_seed': sampler_seed(rt, os.path.join(tmp, 'seed')),
            'closure': closure(rt, os.path.join(tmp, 'closure')),
            'empty_cache': empty_cache(rt, os.path.join(tmp, 'cache')),
            'sync_buffers': sync_buffers(rt, os.path.join(tmp, 'sync'))}


# -- downstream lr / momentum updater subclasses ----------------------------------------------
def custom_hooks(rt):
    """Downstream-style policies written against the runtime's base classes."""

    class HalvingLrUpdaterHook(rt.LrUpdaterHook):
        def __init__(self, every=1, **kwargs):
            self.every = every
            super().__init__(**kwargs)

        def get_lr(self, runner, base_lr):
            progress = runner.epoch if self.by_epoch else runner.iter
            return base_lr * 0.5 ** (progress // self.every)

    class SlowWarmupLrUpdaterHook(HalvingLrUpdaterHook):
        def get_warmup_lr(self, cur_iters):
            scale = (cur_iters + 1) / (self.warmup_iters + 1)
            return [lr * scale for lr in self.regular_lr]

    class WavyMomentumUpdaterHook(rt.MomentumUpdaterHook):
        def get_momentum(self, runner, base_momentum):
            progress = runner.epoch if self.by_epoch else runner.iter
            return base_momentum * (1 - 0.05 * (progress % 3))

    return HalvingLrUpdaterHook, SlowWarmupLrUpdaterHook, WavyMomentumUpdaterHook


# name -> (runner kind, limit, lr hook (class index, kwargs), momentum hook kwargs or None,
#          registered through register_training_hooks with policy names)
CUSTOM_SCENARIOS = {
    'epoch_linear_warmup': ('epoch', 3, (0, dict(every=1, warmup='linear', warmup_iters=4,
                                                 warmup_ratio=0.25)),
                            dict(warmup='constant', warmup_iters=2, warmup_ratio=0.95), False),
    'epoch_warmup_by_epoch': ('epoch', 3, (0, dict(every=2, warmup='exp', warmup_iters=1,
                                                   warmup_by_epoch=True)), None, False),
    'epoch_by_iter_warmup_override': ('epoch', 2, (1, dict(every=2, by_epoch=False,
                                                           warmup='linear', warmup_iters=3)),
                                      dict(by_epoch=False), False),
    'iter_exp_warmup': ('iter', 8, (0, dict(every=3, by_epoch=False, warmup='exp',
                                            warmup_iters=3)),
                        dict(by_epoch=False, warmup='linear', warmup_iters=2,
                             warmup_ratio=0.9), False),
    'iter_registered': ('iter', 6, (0, dict(every=2, warmup='linear', warmup_iters=2)),
                        dict(by_epoch=False), True),
    'epoch_registered': ('epoch', 2, (0, dict(every=1)), dict(warmup='linear',
                                                              warmup_iters=2), True),
}


@contextlib.contextmanager
def _registered(registry, classes: dict):
    """Register ``classes`` by name for the block, then remove them again, so the runtime's
    global registry is left as it was (MMCV's keeps ``_module_dict``, compat's ``_modules``)."""
    for name, cls in classes.items():
        registry.register_module(name=name, force=True, module=cls)
    try:
        yield
    finally:
        store = getattr(registry, '_module_dict', None)
        store = registry._modules if store is None else store
        for name in classes:
            store.pop(name, None)


def run_custom(rt, name: str, work_dir: str) -> dict:
    kind, limit, (lr_index, lr_kwargs), mom_kwargs, registered = CUSTOM_SCENARIOS[name]
    classes = custom_hooks(rt)
    model = ToyModel()
    optimizer = torch.optim.SGD([{'params': [model.linear.weight]},
                                 {'params': [model.linear.bias], 'lr': 0.1}],
                                lr=0.05, momentum=0.9)
    cls = rt.EpochBasedRunner if kind == 'epoch' else rt.IterBasedRunner
    limits = dict(max_epochs=limit) if kind == 'epoch' else dict(max_iters=limit)
    runner = cls(model=model, optimizer=optimizer, work_dir=work_dir, logger=LOGGER, **limits)
    if registered:
        with _registered(rt.HOOKS, {'HalvingLrUpdaterHook': classes[0],
                                    'WavyMomentumUpdaterHook': classes[2]}):
            runner.register_training_hooks(
                lr_config=dict(policy='Halving', **lr_kwargs),
                momentum_config=dict(policy='Wavy', **mom_kwargs))
    else:
        runner.register_lr_hook(classes[lr_index](**lr_kwargs))
        if mom_kwargs is not None:
            runner.register_momentum_hook(classes[2](**mom_kwargs))
    seen: list = []

    class Recorder(rt.Hook):
        def before_train_iter(self, runner):
            seen.append([runner.epoch, runner.iter,
                         [_hex(g['lr']) for g in runner.optimizer.param_groups],
                         [_hex(g['momentum']) for g in runner.optimizer.param_groups]])

    runner.register_hook(Recorder(), 'LOWEST')
    runner.run([make_loader(0)], [('train', 1)])
    lr_hook = next(h for h in runner.hooks if isinstance(h, rt.LrUpdaterHook))
    return {'seen': seen, 'weights': _state(model),
            'hooks': [type(h).__name__ for h in runner.hooks],
            'base_lr': [_hex(v) for v in lr_hook.base_lr],
            'regular_lr': [_hex(v) for v in lr_hook.regular_lr],
            'warmup_iters': lr_hook.warmup_iters}


def custom_errors(rt) -> dict:
    halving, _, wavy = custom_hooks(rt)
    out = {}
    for label, (cls, kwargs) in {
            'lr_unknown_kwarg': (halving, dict(every=1, warmup_epochs=3)),
            'lr_bad_warmup': (halving, dict(warmup='cosine', warmup_iters=2)),
            'lr_zero_warmup_iters': (halving, dict(warmup='linear', warmup_iters=0)),
            'lr_ratio_above_1': (halving, dict(warmup='linear', warmup_iters=2,
                                               warmup_ratio=1.5)),
            'momentum_unknown_kwarg': (wavy, dict(warmup_by_epoch=True)),
            'momentum_bad_warmup': (wavy, dict(warmup='cosine', warmup_iters=2))}.items():
        try:
            cls(**kwargs)
            out[label] = None
        except Exception as exc:  # noqa: BLE001
            out[label] = _error(exc)
    return out


def custom_all(rt, tmp: str) -> dict:
    out = {name: run_custom(rt, name, os.path.join(tmp, name)) for name in CUSTOM_SCENARIOS}
    out['errors'] = custom_errors(rt)
    return out
