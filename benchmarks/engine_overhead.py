"""Per-iteration overhead of ``engine`` and ``compat`` over a plain PyTorch loop, beside the real
MMEngine 0.10.7 and MMCV 1.7.2.

What is measured (tiny model, CPU, one thread):

1. **Training-loop overhead.** The same task runs three ways, each in a fresh subprocess:

   * ``plain``    -- a hand-written loop: ``DataLoader`` (same dataset, batch size, shuffling and
     ``default_collate``) + the same Linear-ReLU-Linear net + ``torch.optim.SGD`` with
     ``zero_grad / forward / cross_entropy / backward / step``;
   * ``engine``   -- our ``Runner.from_cfg`` with an ``EpochBasedTrainLoop``, the framework's
     default hooks (``LoggerHook`` interval 50, ``default_hooks.checkpoint=None``), no validation;
   * ``mmengine`` -- the same config on the real MMEngine 0.10.7 (oracle virtualenv). That worker
     never imports our package: it loads the toy task's pure-torch pieces from
     ``engine/testing/toy_data.py`` by file path and registers its own ToyDataset/ToyClassifier,
     as ``scripts/oracle/record_engine_goldens.py`` does;
   * ``legacy``   -- the same task as a legacy MMCV 1.x training script on ``compat.runner``:
     the plain loop's ``DataLoader``, the net wrapped with MMCV's ``train_step(data_batch,
     optimizer)`` protocol (returns ``loss``, ``log_vars`` with ``loss.item()`` as MMDet 2.x's
     ``_parse_losses``, ``num_samples``), ``build_optimizer``, ``build_runner``
     (``EpochBasedRunner``), ``register_training_hooks`` with ``lr_config`` step,
     ``optimizer_config=dict(grad_clip=None)``, ``checkpoint_config=None``, ``log_config``
     interval 50 with ``TextLoggerHook``, the default ``IterTimerHook``; ``get_logger`` with a
     log file in the work dir;
   * ``mmcv``     -- the same code on the real MMCV 1.7.2 (``.oracle/mmcv``). MMCV's
     ``EpochBasedRunner`` sleeps 2 s after ``before_train_epoch`` and 1 s before ``after_run``
     (inside the timed window); this worker patches ``time.sleep`` to a no-op. Like the
     ``mmengine`` worker it never imports our packages;
   * ``engine-min`` / ``mmengine-min`` -- the same with only ``RuntimeInfoHook``,
     ``DistSamplerSeedHook`` and ``ParamSchedulerHook`` (no timer, no logger, no checkpoint);
     ``legacy-min`` / ``mmcv-min`` -- only the lr hook and the ``OptimizerHook`` (which does
     backward and step in legacy runners).

   Only the training loop is timed: two hooks read the clock at ``before_train``
   (priority HIGHEST) and ``after_train`` (priority LOWEST) -- ``before_run``/``after_run`` for
   the legacy runners --, so runner building, weight init and dataloader construction are
   excluded. The plain loop is timed around its epoch loop. The clock is ``time.perf_counter``
   (wall time), or with ``--clock cpu`` ``time.thread_time``: the CPU time of the training
   thread, which does all the work here (one torch thread, ``num_workers=0``, CPU autograd runs
   in the calling thread) and leaves out the time other processes hold the core. Each
   worker first does one untimed 1-epoch warm-up run in the same process, then
   ``--inner-repeats`` timed runs (default 1) of which it reports the fastest. Modes are interleaved
   within each repeat; the table gives the median and the minimum over repeats.
   ``overhead/iter = framework time/iter - plain time/iter`` (medians with medians, minima
   with minima); each framework's overhead is also given as a ratio to its reference's
   (engine / MMEngine, compat / MMCV).

2. **Import time.** In fresh interpreters (several times, median):
   ``t0; import torch; t1; import engine, engine.runner; t2`` -> torch alone = t1 - t0,
   the framework's own share = t2 - t1. Ours is also given with ``engine.register_all_modules()``
   (what ``Runner.from_cfg`` imports anyway); MMEngine's ``import mmengine, mmengine.runner``
   already pulls in its hooks, optimizers and models. ``import compat, compat.runner`` and
   ``import mmcv, mmcv.runner`` likewise.

Usage (from the repository root)::

    python benchmarks/engine_overhead.py                      # 5 epochs x 5 repeats, table
    python benchmarks/engine_overhead.py --epochs 3 --repeats 3 --json /tmp/overhead.json
    python benchmarks/engine_overhead.py --oracle-python PATH # another MMEngine interpreter
    python benchmarks/engine_overhead.py --mmcv-python PATH   # another MMCV 1.7.2 interpreter
    python benchmarks/engine_overhead.py --modes legacy,mmcv  # some modes only (plus plain)

The MMEngine and MMCV interpreters default to ``.oracle/mmengine/bin/python`` and
``.oracle/mmcv/bin/python``; when one is missing the benchmark skips its rows and says how to
build it (``bash ../shared/oracle/setup.sh .oracle``).

Worker mode (used by the orchestrator and the smoke test; prints one JSON object)::

    python benchmarks/engine_overhead.py --worker engine --epochs 1 --num-samples 64 --no-warmup

Numbers are noisy on small shared machines; compare the columns of one run, not across runs.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
DEFAULT_ORACLE = os.path.join(ROOT, '.oracle', 'mmengine', 'bin', 'python')
TOY_DATA = os.path.join(ROOT, 'engine', 'testing', 'toy_data.py')

DEFAULT_MMCV_ORACLE = os.path.join(ROOT, '.oracle', 'mmcv', 'bin', 'python')

TRAIN_MODES = ('plain', 'engine', 'mmengine', 'legacy', 'mmcv', 'engine-min', 'mmengine-min',
               'legacy-min', 'mmcv-min')
# mode -> the oracle it runs under (the other modes run in this interpreter)
ORACLE_MODES = {'mmengine': 'mmengine', 'mmengine-min': 'mmengine', 'mmcv': 'mmcv',
                'mmcv-min': 'mmcv'}
LEGACY_FRAMEWORKS = ('legacy', 'mmcv')
TASK = dict(num_features=8, hidden=16, num_classes=4, lr=0.1, momentum=0.9)
LOG_INTERVAL = 50

IMPORT_SNIPPETS = {
    'engine': 'import engine, engine.runner',
    'engine+register_all': 'import engine, engine.runner; engine.register_all_modules()',
    'mmengine': 'import mmengine, mmengine.runner',
    'compat': 'import compat, compat.runner',
    'mmcv': 'import mmcv, mmcv.runner',
}
# framework row -> the reference row it is compared with
REFERENCE_OF = {'engine': 'mmengine', 'engine-min': 'mmengine-min', 'legacy': 'mmcv',
                'legacy-min': 'mmcv-min'}
IMPORT_TEMPLATE = (
    'import time, json, warnings; warnings.filterwarnings("ignore"); t0 = time.perf_counter()\n'
    'import torch\n'
    't1 = time.perf_counter()\n'
    '{stmt}\n'
    't2 = time.perf_counter()\n'
    'print(json.dumps(dict(torch_s=t1 - t0, framework_s=t2 - t1, total_s=t2 - t0)))\n')


# -- worker side ------------------------------------------------------------------------------

CLOCKS = {'wall': time.perf_counter, 'cpu': time.thread_time}
_clock = CLOCKS['wall']


def _load_toy_data():
    """The pure-torch toy pieces, loaded by path (never through the ``engine`` package)."""
    spec = importlib.util.spec_from_file_location('_bench_toy_data', TOY_DATA)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _base_cfg(args, work_dir: str, minimal: bool, experiment_name: str) -> dict:
    """One config for both frameworks (MMEngine schema)."""
    dataset = dict(type='ToyDataset', num_samples=args.num_samples,
                   num_features=TASK['num_features'], num_classes=TASK['num_classes'], seed=0)
    if minimal:
        default_hooks = dict(timer=None, logger=None, checkpoint=None)
    else:
        default_hooks = dict(logger=dict(type='LoggerHook', interval=LOG_INTERVAL),
                             checkpoint=None)
    return dict(
        model=dict(type='ToyClassifier', num_features=TASK['num_features'],
                   hidden=TASK['hidden'], num_classes=TASK['num_classes'], init_seed=0),
        work_dir=work_dir,
        experiment_name=experiment_name,
        train_dataloader=dict(batch_size=args.batch_size, num_workers=0,
                              persistent_workers=False,
                              sampler=dict(type='DefaultSampler', shuffle=True, seed=0),
                              collate_fn=dict(type='default_collate'), dataset=dataset),
        train_cfg=dict(type='EpochBasedTrainLoop', max_epochs=args.epochs),
        optim_wrapper=dict(type='OptimWrapper',
                           optimizer=dict(type='SGD', lr=TASK['lr'], momentum=TASK['momentum'])),
        default_hooks=default_hooks,
        env_cfg=dict(cudnn_benchmark=False,
                     mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
                     dist_cfg=dict(backend='gloo')),
        log_processor=dict(window_size=10, by_epoch=True),
        log_level='WARNING' if args.quiet else 'INFO',
        randomness=dict(seed=0),
    )


def _stamp_hooks(hook_base, legacy: bool = False):
    """Two hooks: the first stage of training and the last one, as (start, end) stampers
    (``before_train``/``after_train``, or the legacy ``before_run``/``after_run``)."""
    first, last = ('before_run', 'after_run') if legacy else ('before_train', 'after_train')

    def stamp_start(self, runner):
        self.t = _clock()

    def stamp_end(self, runner):
        self.t = _clock()
        self.iters = runner.iter

    def init(self):
        self.t = None
        self.iters = None

    start = type('StartStamp', (hook_base,), {'__init__': init, first: stamp_start})
    end = type('EndStamp', (hook_base,), {'__init__': init, last: stamp_end})
    return start, end


def _run_framework(args, framework: str, minimal: bool, epochs: int, tag: str) -> dict:
    import torch

    if framework == 'engine':
        from engine import register_all_modules
        from engine.config import Config
        from engine.hooks.hook import Hook
        from engine.runner import Runner
        register_all_modules()
        default_scope = None
    else:
        _register_mmengine_toy()
        from mmengine.config import Config
        from mmengine.hooks import Hook
        from mmengine.runner import Runner
        default_scope = 'mmengine'

    start_cls, end_cls = _stamp_hooks(Hook)
    saved_epochs = args.epochs
    args.epochs = epochs
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = _base_cfg(args, tmp, minimal, f'bench_{framework}_{tag}')
            if default_scope:
                cfg['default_scope'] = default_scope
            runner = Runner.from_cfg(Config(cfg))
            start, end = start_cls(), end_cls()
            runner.register_hook(start, priority='HIGHEST')
            runner.register_hook(end, priority='LOWEST')
            torch.set_num_threads(1)
            runner.train()
            hooks = [type(h).__name__ for h in runner.hooks
                     if not isinstance(h, (start_cls, end_cls))]
            _close_framework_logs(framework)
    finally:
        args.epochs = saved_epochs
    return dict(seconds=end.t - start.t, iters=int(end.iters), hooks=hooks)


def _close_framework_logs(framework: str) -> None:
    """Drop file handlers so the temporary work dir can be removed (MMEngine keeps them)."""
    import logging
    names = ['engine'] if framework == 'engine' else []
    if framework == 'mmengine':
        from mmengine.logging import MMLogger
        names = list(MMLogger._instance_dict)
    for name in names:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if isinstance(handler, logging.FileHandler):
                handler.close()
                logger.removeHandler(handler)


_MMENGINE_TOY_REGISTERED = False


def _register_mmengine_toy() -> None:
    """MMEngine-side ToyDataset/ToyClassifier (same pure-torch pieces as ours)."""
    global _MMENGINE_TOY_REGISTERED
    if _MMENGINE_TOY_REGISTERED:
        return
    import torch
    import torch.nn.functional as F
    from mmengine.model import BaseModel
    from mmengine.registry import DATASETS, MODELS

    toy = _load_toy_data()

    @DATASETS.register_module(force=True)
    class ToyDataset(torch.utils.data.Dataset):
        def __init__(self, num_samples=64, num_features=8, num_classes=4, seed=0,
                     sample_seed=None):
            self.inputs, self.labels = toy.make_toy_classification(
                num_samples, num_features, num_classes, seed, sample_seed)
            self.metainfo = dict(classes=tuple(f'class_{i}' for i in range(num_classes)))

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, idx):
            return dict(inputs=self.inputs[idx], data_samples=dict(gt_label=self.labels[idx]))

    @MODELS.register_module(force=True)
    class ToyClassifier(BaseModel):
        def __init__(self, num_features=8, hidden=16, num_classes=4, with_bn=False,
                     init_seed=0, data_preprocessor=None):
            super().__init__(data_preprocessor=data_preprocessor)
            self.net = toy.build_toy_layers(num_features, hidden, num_classes, with_bn)
            toy.init_toy_weights(self.net, init_seed)

        def forward(self, inputs, data_samples=None, mode='tensor'):
            logits = self.net(toy.stack_inputs(inputs))
            if mode == 'tensor':
                return logits
            labels = toy.gather_labels(data_samples)
            return dict(loss_cls=F.cross_entropy(logits, labels))

    _MMENGINE_TOY_REGISTERED = True


def _toy_loader(args, toy):
    """The plain loop's data: ``RandomSampler`` seeded 0, ``default_collate``, batches of
    ``{'inputs': [B, F], 'data_samples': {'gt_label': [B]}}`` (the legacy modes use it too,
    as an MMCV 1.x ``train.py`` builds its own ``DataLoader``)."""
    import torch
    from torch.utils.data import DataLoader, Dataset, RandomSampler
    from torch.utils.data._utils.collate import default_collate

    class ToyDataset(Dataset):
        def __init__(self, num_samples):
            self.inputs, self.labels = toy.make_toy_classification(
                num_samples, TASK['num_features'], TASK['num_classes'], 0)

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, idx):
            return dict(inputs=self.inputs[idx], data_samples=dict(gt_label=self.labels[idx]))

    dataset = ToyDataset(args.num_samples)
    sampler = RandomSampler(dataset, generator=torch.Generator().manual_seed(0))
    return DataLoader(dataset, batch_size=args.batch_size, sampler=sampler, num_workers=0,
                      collate_fn=default_collate)


def _run_plain(args, epochs: int) -> dict:
    """The reference: the same data, net and optimizer in a hand-written loop."""
    import torch
    import torch.nn.functional as F

    toy = _load_toy_data()
    torch.manual_seed(0)
    loader = _toy_loader(args, toy)
    net = toy.build_toy_layers(TASK['num_features'], TASK['hidden'], TASK['num_classes'])
    toy.init_toy_weights(net, 0)
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=TASK['lr'], momentum=TASK['momentum'])
    torch.set_num_threads(1)
    iters = 0
    start = _clock()
    for _ in range(epochs):
        for batch in loader:
            optimizer.zero_grad()
            logits = net(batch['inputs'])
            loss = F.cross_entropy(logits, batch['data_samples']['gt_label'])
            loss.backward()
            optimizer.step()
            iters += 1
    seconds = _clock() - start
    return dict(seconds=seconds, iters=iters, hooks=[])


def _legacy_model(toy):
    """The toy net with MMCV 1.x's ``train_step(data_batch, optimizer)`` protocol.

    As MMDet 2.x's ``_parse_losses``, ``log_vars`` holds the loss as a Python float; the
    ``OptimizerHook`` does zero_grad/backward/step. Pure torch, so both legacy workers run
    this same code.
    """
    from collections import OrderedDict

    import torch.nn as nn
    import torch.nn.functional as F

    class LegacyToyClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = toy.build_toy_layers(TASK['num_features'], TASK['hidden'],
                                            TASK['num_classes'])
            toy.init_toy_weights(self.net, 0)

        def forward(self, inputs):
            return self.net(inputs)

        def train_step(self, data_batch, optimizer, **kwargs):
            logits = self(data_batch['inputs'])
            loss = F.cross_entropy(logits, data_batch['data_samples']['gt_label'])
            return dict(loss=loss, log_vars=OrderedDict(loss=loss.item()),
                        num_samples=len(logits))

    return LegacyToyClassifier()


def _legacy_hooks_cfg(epochs: int, minimal: bool) -> dict:
    """``register_training_hooks`` arguments as an MMCV 1.x config gives them."""
    cfg = dict(lr_config=dict(policy='step', step=[max(1, epochs - 1)]),
               optimizer_config=dict(grad_clip=None), checkpoint_config=None)
    if minimal:
        # only what trains: the optimizer hook (and the lr schedule), no timer, no logger
        cfg.update(log_config=None, timer_config=None)
    else:
        cfg.update(log_config=dict(interval=LOG_INTERVAL, hooks=[dict(type='TextLoggerHook')]))
    return cfg


def _run_legacy(args, framework: str, minimal: bool, epochs: int, tag: str) -> dict:
    """The task as a legacy MMCV 1.x config: ``build_optimizer``, ``build_runner``
    (EpochBasedRunner), ``register_training_hooks``, ``runner.run`` -- on compat or on the real
    MMCV 1.7.2 (whose 2 s sleep at each epoch start is patched out by ``run_worker``)."""
    import logging

    import torch

    if framework == 'legacy':
        from compat.runner import Hook, build_optimizer, build_runner
        from compat.utils.logging import get_logger
    else:
        from mmcv.runner import Hook, build_optimizer, build_runner
        from mmcv.utils import get_logger

    toy = _load_toy_data()
    torch.manual_seed(0)
    loader = _toy_loader(args, toy)
    model = _legacy_model(toy)
    optimizer = build_optimizer(model, dict(type='SGD', lr=TASK['lr'],
                                            momentum=TASK['momentum']))
    start_cls, end_cls = _stamp_hooks(Hook, legacy=True)
    with tempfile.TemporaryDirectory() as tmp:
        # one logger name per run: get_logger sets a name up only once
        logger = get_logger(f'bench_{framework}_{tag}', log_file=os.path.join(tmp, 'run.log'),
                            log_level=logging.WARNING if args.quiet else logging.INFO)
        runner = build_runner(dict(type='EpochBasedRunner', max_epochs=epochs),
                              default_args=dict(model=model, optimizer=optimizer, work_dir=tmp,
                                                logger=logger, meta=dict(seed=0)))
        runner.register_training_hooks(**_legacy_hooks_cfg(epochs, minimal))
        start, end = start_cls(), end_cls()
        runner.register_hook(start, priority='HIGHEST')
        runner.register_hook(end, priority='LOWEST')
        torch.set_num_threads(1)
        runner.run([loader], [('train', 1)])
        hooks = [type(h).__name__ for h in runner.hooks
                 if not isinstance(h, (start_cls, end_cls))]
        for handler in list(logger.handlers):
            if isinstance(handler, logging.FileHandler):
                handler.close()
                logger.removeHandler(handler)
    return dict(seconds=end.t - start.t, iters=int(end.iters), hooks=hooks)


def run_worker(args) -> dict:
    """Warm up (unless ``--no-warmup``), then one timed run; returns the result dict."""
    global _clock
    warnings.filterwarnings('ignore')
    import torch
    torch.set_num_threads(1)
    _clock = CLOCKS[args.clock]
    mode = args.worker
    framework = mode.split('-')[0]
    minimal = mode.endswith('-min')

    if framework == 'mmcv':
        # MMCV's EpochBasedRunner sleeps 2 s after before_{train,val}_epoch and 1 s before
        # after_run, inside the timed window; compat does not sleep
        time.sleep = lambda seconds: None

    def once(epochs, tag):
        if framework == 'plain':
            return _run_plain(args, epochs)
        if framework in LEGACY_FRAMEWORKS:
            return _run_legacy(args, framework, minimal, epochs, tag)
        return _run_framework(args, framework, minimal, epochs, tag)

    paired = args.paired and framework != 'plain'
    if not args.no_warmup:
        once(1, 'warmup')
        if paired:
            _run_plain(args, 1)
    # several timed runs in one process: the fastest is the one least disturbed by the rest of
    # the machine (every mode gets the same treatment); with --paired a plain run precedes each
    runs, plain_runs = [], []
    for i in range(args.inner_repeats):
        if paired:
            plain_runs.append(_run_plain(args, args.epochs))
        # tags end with '_' so no logger name is a prefix of another (get_logger skips those)
        runs.append(once(args.epochs, f'timed{i}_'))
    result = min(runs, key=lambda run: run['seconds'])
    if paired:
        plain = min(run['seconds'] / run['iters'] * 1e6 for run in plain_runs)
        result.update(paired_plain_per_iter_us=plain,
                      paired_overhead_us=result['seconds'] / result['iters'] * 1e6 - plain)
    result.update(mode=mode, epochs=args.epochs, num_samples=args.num_samples,
                  batch_size=args.batch_size, per_iter_us=result['seconds'] / result['iters'] * 1e6,
                  inner_per_iter_us=[run['seconds'] / run['iters'] * 1e6 for run in runs],
                  torch=torch.__version__, threads=torch.get_num_threads(),
                  python=sys.executable, clock=args.clock, clock_fn=_clock.__name__)
    if framework == 'mmengine':
        import mmengine
        result['framework_version'] = mmengine.__version__
    elif framework == 'mmcv':
        import mmcv
        result['framework_version'] = mmcv.__version__
        result['sleep_patched'] = True
    elif framework in ('engine', 'legacy'):
        import engine
        result['framework_version'] = engine.__version__
    return result


# -- orchestrator side ------------------------------------------------------------------------

def _child_env() -> dict:
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    # the oracle must not see our checkout on its path
    env.pop('PYTHONPATH', None)
    return env


def _spawn_worker(python: str, mode: str, args) -> dict:
    cmd = [python, os.path.abspath(__file__), '--worker', mode, '--epochs', str(args.epochs),
           '--num-samples', str(args.num_samples), '--batch-size', str(args.batch_size),
           '--clock', args.clock, '--inner-repeats', str(args.inner_repeats)]
    if args.paired:
        cmd.append('--paired')
    with tempfile.NamedTemporaryFile('r', suffix='.json') as out:
        cmd += ['--worker-out', out.name]
        proc = subprocess.run(cmd, cwd=tempfile.gettempdir(), env=_child_env(),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f'worker {mode} failed ({proc.returncode}):\n'
                               f'{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}')
        return json.load(out)


def _time_import(python: str, stmt: str) -> dict:
    proc = subprocess.run([python, '-c', IMPORT_TEMPLATE.format(stmt=stmt)],
                          cwd=tempfile.gettempdir(), env=_child_env(), capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f'{stmt!r} failed in {python}:\n{proc.stderr[-3000:]}')
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _summary(values):
    return dict(median=statistics.median(values), min=min(values), values=values)


def _check_oracle(python, package: str):
    """The oracle's ``package.__version__``, or None when ``python`` cannot import it."""
    if not (python and os.path.isfile(python) and os.access(python, os.X_OK)):
        return None
    check = subprocess.run([python, '-c', f'import {package}; print({package}.__version__)'],
                           env=_child_env(), cwd=tempfile.gettempdir(), capture_output=True,
                           text=True)
    return check.stdout.strip().splitlines()[-1] if check.returncode == 0 else None


def orchestrate(args) -> dict:
    interpreters = {'mmengine': args.oracle_python, 'mmcv': args.mmcv_python}
    available = {name: _check_oracle(python, name) is not None
                 for name, python in interpreters.items()}
    skipped = {name: None if ok else (
        f'no working {name} interpreter at {interpreters[name]}; build it with '
        f'`bash ../shared/oracle/setup.sh .oracle` from {ROOT}')
        for name, ok in available.items()}
    modes = [m for m in TRAIN_MODES if m not in ORACLE_MODES or available[ORACLE_MODES[m]]]
    if args.no_min:
        modes = [m for m in modes if not m.endswith('-min')]
    if args.modes:
        wanted = set(args.modes.split(',')) | {'plain'}
        modes = [m for m in modes if m in wanted]
    report = dict(
        machine=dict(platform=platform.platform(), processor=platform.processor(),
                     cpu_count=os.cpu_count(), python=sys.version.split()[0]),
        settings=dict(epochs=args.epochs, repeats=args.repeats, num_samples=args.num_samples,
                      batch_size=args.batch_size, log_interval=LOG_INTERVAL, threads=1,
                      clock=args.clock, inner_repeats=args.inner_repeats, paired=args.paired,
                      **TASK),
        python=dict(ours=sys.executable,
                    **{name: python if available[name] else None
                       for name, python in interpreters.items()}),
        mmengine_skipped=skipped['mmengine'], mmcv_skipped=skipped['mmcv'],
        mmcv_sleep_patched=available['mmcv'] and any(m in modes for m in ('mmcv', 'mmcv-min')),
        train={m: [] for m in modes}, imports={})
    # training: interleave modes within each repeat
    for r in range(args.repeats):
        for mode in modes:
            python = interpreters[ORACLE_MODES[mode]] if mode in ORACLE_MODES else sys.executable
            res = _spawn_worker(python, mode, args)
            report['train'][mode].append(res)
            print(f'  repeat {r + 1}/{args.repeats} {mode:<13} {res["per_iter_us"]:9.1f} us/iter '
                  f'({res["iters"]} iters)', file=sys.stderr, flush=True)
    per_iter = {m: _summary([x['per_iter_us'] for x in runs])
                for m, runs in report['train'].items()}
    for m in modes:
        per_iter[m]['iters'] = report['train'][m][0]['iters']
        per_iter[m]['hooks'] = report['train'][m][0]['hooks']
        per_iter[m]['version'] = report['train'][m][0].get('framework_version')
        if m != 'plain':
            per_iter[m]['overhead_us'] = dict(
                median=per_iter[m]['median'] - per_iter['plain']['median'],
                min=per_iter[m]['min'] - per_iter['plain']['min'])
            per_iter[m]['ratio_to_plain'] = per_iter[m]['median'] / per_iter['plain']['median']
            if args.paired:
                per_iter[m]['paired_overhead_us'] = _summary(
                    [x['paired_overhead_us'] for x in report['train'][m]])
    for m, ref in REFERENCE_OF.items():
        if m in per_iter and ref in per_iter:
            key = 'paired_overhead_us' if args.paired else 'overhead_us'
            ours, theirs = per_iter[m][key], per_iter[ref][key]
            # a reference overhead lost in the noise (<= 0) gives no meaningful ratio
            per_iter[m]['overhead_vs_' + ref] = {
                k: ours[k] / theirs[k] if theirs[k] > 0 else None for k in ('median', 'min')}
    report['per_iter_us'] = per_iter
    # imports
    targets = [('engine', sys.executable), ('engine+register_all', sys.executable),
               ('compat', sys.executable)]
    targets += [(name, interpreters[name]) for name in ('mmengine', 'mmcv') if available[name]]
    for _ in range(args.import_repeats):
        for name, python in targets:
            res = _time_import(python, IMPORT_SNIPPETS[name])
            for key, value in res.items():
                report['imports'].setdefault(name, {}).setdefault(key, []).append(value)
    report['import_s'] = {
        name: dict(statement=IMPORT_SNIPPETS[name],
                   **{k: _summary(v) for k, v in values.items()})
        for name, values in report['imports'].items()}
    return report


def print_table(report: dict) -> None:
    s = report['settings']
    m = report['machine']
    print(f"\nTraining loop: ToyClassifier {s['num_features']}-{s['hidden']}-{s['num_classes']}, "
          f"{s['num_samples']} samples, batch {s['batch_size']}, {s['epochs']} epochs, SGD, "
          f"CPU, 1 thread; {s['repeats']} repeats (fresh process each, after a 1-epoch warm-up, "
          f"fastest of {s.get('inner_repeats', 1)} timed run(s) in it); "
          f"clock: {s.get('clock', 'wall')}")
    print(f"machine: {m['platform']}, {m['cpu_count']} CPUs, Python {m['python']}")
    paired = s.get('paired', False)
    head = (f"{'mode':<14}{'iters':>7}{'us/iter med':>13}{'us/iter min':>13}"
            f"{'overhead med':>14}{'overhead min':>14}"
            + (f"{'paired med':>12}{'paired min':>12}" if paired else '')
            + f"{'x plain':>9}  hooks")
    print(head)
    print('-' * len(head))

    def pair(values, width):
        if not values:
            return f"{'-':>{width}}" * 2
        return f"{values['median']:{width}.1f}{values['min']:{width}.1f}"

    for mode, row in report['per_iter_us'].items():
        ratio = f"{row['ratio_to_plain']:9.2f}" if 'ratio_to_plain' in row else f"{'1.00':>9}"
        hooks = ','.join(h.replace('Hook', '') for h in row['hooks']) or '-'
        print(f"{mode:<14}{row['iters']:>7}{row['median']:13.1f}{row['min']:13.1f}"
              f"{pair(row.get('overhead_us'), 14)}"
              + (pair(row.get('paired_overhead_us'), 12) if paired else '')
              + f"{ratio}  {hooks}")
    print("(overhead = framework us/iter - plain us/iter; 'min' columns use each mode's minimum"
          + ("; paired = in each framework process, its fastest run - the fastest of the plain "
             "runs interleaved with them, median and minimum over processes" if paired else '')
          + ')')
    rows = report['per_iter_us']
    for mode, ref in REFERENCE_OF.items():
        ratio = rows.get(mode, {}).get('overhead_vs_' + ref)
        if ratio:
            shown = {k: 'n/a' if v is None else f'{v:.2f}' for k, v in ratio.items()}
            print(f"{'paired ' if paired else ''}overhead {mode} / {ref}: "
                  f"{shown['median']} (medians), {shown['min']} (minima)")
    if report.get('mmcv_sleep_patched'):
        print("MMCV 1.7.2's EpochBasedRunner sleeps 2 s at each epoch start and 1 s before "
              "after_run; time.sleep is patched to a no-op in the mmcv workers")
    for name in ('mmengine', 'mmcv'):
        if report.get(f'{name}_skipped'):
            print(f"{name} skipped: {report[f'{name}_skipped']}")
    if not report['import_s']:
        return
    print('\nImport time in a fresh interpreter (median over '
          f"{len(next(iter(report['import_s'].values()))['total_s']['values'])} runs, ms)")
    head = f"{'framework':<22}{'import torch':>14}{'framework own':>15}{'total':>9}  statement"
    print(head)
    print('-' * len(head))
    for name, row in report['import_s'].items():
        print(f"{name:<22}{row['torch_s']['median'] * 1e3:14.0f}"
              f"{row['framework_s']['median'] * 1e3:15.0f}{row['total_s']['median'] * 1e3:9.0f}"
              f"  {row['statement']}")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--epochs', type=int, default=5, help='epochs per timed run (default 5)')
    p.add_argument('--repeats', type=int, default=5,
                   help='timed runs per mode, each in a fresh process (default 5)')
    p.add_argument('--inner-repeats', type=int, default=1,
                   help='timed runs inside each worker process, the fastest kept (default 1)')
    p.add_argument('--paired', action='store_true',
                   help='each framework worker also times the plain loop before each of its '
                        'runs; the overhead is then also given per process (fastest framework '
                        'run - fastest plain run), which a busy machine disturbs far less')
    p.add_argument('--import-repeats', type=int, default=5,
                   help='fresh interpreters per import measurement (default 5)')
    p.add_argument('--num-samples', type=int, default=4096)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--json', metavar='OUT', help='write every number to this JSON file')
    p.add_argument('--oracle-python', default=DEFAULT_ORACLE,
                   help='interpreter with MMEngine 0.10.7 (default .oracle/mmengine/bin/python)')
    p.add_argument('--mmcv-python', default=DEFAULT_MMCV_ORACLE,
                   help='interpreter with MMCV 1.7.2 (default .oracle/mmcv/bin/python)')
    p.add_argument('--no-min', action='store_true', help='skip the reduced-hooks variants')
    p.add_argument('--clock', choices=sorted(CLOCKS), default='wall',
                   help="'wall' (perf_counter, default) or 'cpu': the training thread's CPU "
                        'time (thread_time), which leaves out the time other processes take '
                        'the core -- steadier on a shared machine')
    p.add_argument('--modes', help='comma-separated training modes to run (plain always runs), '
                                   f'of {",".join(TRAIN_MODES)}')
    p.add_argument('--worker', choices=TRAIN_MODES, help=argparse.SUPPRESS)
    p.add_argument('--worker-out', help=argparse.SUPPRESS)
    p.add_argument('--no-warmup', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--quiet', action='store_true', help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        result = run_worker(args)
        text = json.dumps(result)
        if args.worker_out:
            with open(args.worker_out, 'w') as f:
                f.write(text)
        else:
            print(text)
        return 0
    report = orchestrate(args)
    print_table(report)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=1)
        print(f'\nwrote {args.json}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
