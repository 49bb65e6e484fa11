"""The MMDet 2.x downstream training flow on the real MMCV 1.7.2: the oracle of whole legacy runs.

Run by the oracle interpreter only (``.oracle/mmcv/bin/python``); it never imports this
repository's packages. ``compat/testing/legacy_toy.py`` and ``scripts/oracle/legacy_run_harness.py``
are loaded by file path (both are pure torch / stdlib).

What it reproduces, written from the MMDet 2.25-2.28 sources (open-mmlab/mmdetection, 2.x line):

* ``tools/train.py`` ``main`` -> :func:`train_config`;
* ``mmdet/apis/train.py``: ``init_random_seed``, ``set_random_seed``, ``auto_scale_lr``,
  ``train_detector``;
* ``mmdet/utils/compat_config.py``: ``compat_cfg`` (``imgs_per_gpu``, the loader arguments,
  ``total_epochs`` -> ``runner``);
* ``mmdet/datasets/builder.py`` (``build_dataset``, ``build_dataloader``, ``worker_init_fn``),
  ``mmdet/datasets/utils.py`` (``replace_ImageToTensor``), ``mmdet/datasets/samplers/``
  (``GroupSampler``, ``DistributedGroupSampler``, ``DistributedSampler``,
  ``InfiniteGroupBatchSampler``, ``InfiniteBatchSampler``), ``mmdet/core/utils``
  (``sync_random_seed``);
* ``mmdet/core/evaluation/eval_hooks.py`` (``EvalHook``/``DistEvalHook`` with
  ``dynamic_intervals``) and ``mmdet/apis/test.py`` (``single_gpu_test``, ``multi_gpu_test``,
  ``collect_results_cpu``/``_gpu``);
* ``mmdet/utils``: ``build_dp``/``build_ddp``, ``get_device``, ``get_root_logger``,
  ``find_latest_checkpoint``; ``mmdet/models/builder.py`` ``build_detector``.

Where a config needs what MMDet did not have, the codebase that had it:

* ``optimizer.paramwise_options`` (regex keys): MMSelfSup 0.x ``build_optimizer`` and its
  ``DefaultOptimizerConstructor`` (``mmselfsup/core/optimizer/``);
* ``optimizer`` as a dict of optimizer dicts: MMEditing/MMGeneration ``build_optimizers``;
* ``optimizer_config.type='DistOptimizerHook'``: MMSelfSup 0.x
  ``mmselfsup/core/hooks/optimizer_hook.py``, registered into MMCV's ``HOOKS``.

Deliberate departures, each forced by the CPU-only oracle or by an MMDet bug:

* ``time.sleep`` is a no-op while a run is driven from here: MMCV sleeps 2 s per epoch and
  ``multi_gpu_test`` 2 s per evaluation; only the wall time changes.
* ``launcher='pytorch'`` on CPU: MMCV's ``init_dist`` calls ``torch.cuda.set_device(rank %
  device_count())`` (a ZeroDivisionError without GPUs) and MMDet's ``build_ddp`` asserts a
  cuda/mlu device. Here the process group is initialised as ``_init_dist_pytorch`` does but
  without the device call (gloo), and the model is wrapped in MMCV's
  ``MMDistributedDataParallel`` on the CPU with ``device_ids=None`` (torch refuses device ids for
  a CPU module); ``sync_random_seed`` broadcasts on the device ``get_device()`` names, as the
  2.28 ``DistributedSampler`` already does.
* A 2-phase workflow: MMDet 2.26-2.28.2 read ``cfg.data.train.get('pipeline',
  cfg.data.train.dataset.get('pipeline'))``, which evaluates ``.dataset`` eagerly and raises
  AttributeError for a plain (unwrapped) train dataset (mmdetection issues #9199, #9520,
  #11693); 2.25 read ``cfg.data.train.pipeline``. The val split gets the train pipeline, taken
  from the wrapped dataset only when the train dataset has no ``pipeline`` of its own.
* ``MMDistributedDataParallel._run_ddp_forward`` (MMCV 1.7.2) reads
  ``self._use_replicated_tensor_module``, an attribute of torch 1.12/1.13's DDP that torch 2.x
  removed, so ``model(...)`` through the wrapper (``multi_gpu_test``) raises AttributeError on
  this torch (a known MMCV 1.7.2 / torch 2 mismatch, e.g. microsoft/Cream#179). The wrapper
  built here gets the attribute with its torch-1.13 default, False, so MMCV's own code runs
  the plain ``self.module`` forward it ran on the torch it was written for.
* ``IterBasedRunner.resume`` with MMCV's default ``map_location='default'`` calls
  ``torch.cuda.current_device()`` unconditionally (``BaseRunner.resume`` checks
  ``torch.cuda.is_available()`` first), so resuming an iteration-based run through MMDet's
  ``runner.resume(cfg.resume_from)`` fails on a CPU-only machine. That failure is what the
  flow reproduces; ``resume_map_location`` (``--resume-map-location cpu``) is the one opt-in
  departure that passes a ``map_location`` to ``runner.resume``, to observe the resumed run.
* ``checkpoint_config.meta`` carries ``CLASSES`` only (no ``mmdet_version``: there is no
  MMDet here, and the run observer drops it anyway).

Command line (one run per process, as ``tools/train.py``; the golden recorder uses it)::

    .oracle/mmcv/bin/python scripts/oracle/legacy_downstream_flow.py CONFIG --work-dir DIR \
        --out RESULT.json [--resume-from CKPT [--resume-map-location cpu]] [--load-from CKPT] \
        [--auto-resume] [--launcher pytorch] [--no-validate]

A run that raises writes ``{"error": {type, message, raised_in, mmcv_frame}}`` and exits 3.
Otherwise ``--out`` gets ``{"result": <harness.collect>, "tensorboard": {<log dir>: [[tag, step,
float32 hex], ...]}}``. Under ``torchrun`` it may contain ``{rank}``; every rank writes its own
file (rank 0 the full observation, the others their hook calls).
"""
from __future__ import annotations

import argparse
import bisect
import copy
import glob
import importlib.util
import itertools
import json
import math
import os
import os.path as osp
import pickle
import random
import shutil
import sys
import tempfile
import time
import traceback
import types
import warnings
from functools import partial

import mmcv
import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmcv import Config, ConfigDict
from mmcv.cnn import MODELS as MMCV_MODELS
from mmcv.cnn.builder import build_model_from_cfg
from mmcv.parallel import (DataContainer, MMDataParallel, MMDistributedDataParallel,
                           collate)
from mmcv.runner import DistEvalHook as BaseDistEvalHook
from mmcv.runner import EvalHook as BaseEvalHook
from mmcv.runner import (HOOKS, OPTIMIZERS, DistSamplerSeedHook, EpochBasedRunner,
                         Fp16OptimizerHook, Hook, OptimizerHook, build_optimizer,
                         build_runner, get_dist_info)
from mmcv.utils import (Registry, build_from_cfg, collect_env, get_logger, print_log,
                        TORCH_VERSION, digit_version)
from torch.nn.modules.batchnorm import _BatchNorm
from torch.utils.data import DataLoader, Sampler
from torch.utils.data import DistributedSampler as _TorchDistributedSampler

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _load_by_path(name: str, rel: str):
    spec = importlib.util.spec_from_file_location(name, osp.join(REPO, rel))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harness = _load_by_path('_legacy_run_harness', 'scripts/oracle/legacy_run_harness.py')
legacy_toy = _load_by_path('_legacy_toy', 'compat/testing/legacy_toy.py')

# --------------------------------------------------------------------------------------------
# registries (mmdet/models/builder.py, mmdet/datasets/builder.py)
# --------------------------------------------------------------------------------------------
MODELS = Registry('models', build_func=build_model_from_cfg, parent=MMCV_MODELS, scope='mmdet')
DETECTORS = MODELS
DATASETS = Registry('dataset', scope='mmdet')


class MMCVLegacyToyDataset(legacy_toy.LegacyToyDataset):
    """The toy dataset with its ``img_metas`` in MMCV's ``DataContainer``."""
    container = DataContainer


def register_legacy_toy():
    """(Re)register ``LegacyToyClassifier`` and ``LegacyToyDataset`` in the oracle registries."""
    MODELS.register_module(name='LegacyToyClassifier', module=legacy_toy.LegacyToyClassifier,
                           force=True)
    DATASETS.register_module(name='LegacyToyDataset', module=MMCVLegacyToyDataset, force=True)


register_legacy_toy()

#: the module a fixture's ``custom_imports`` names to register the toy classes
CONFIG_REGISTRATION_MODULE = 'compat.testing.registration'


def provide_config_registration_module():
    """Make ``custom_imports=['compat.testing.registration']`` resolve, under the oracle, to a
    module whose job is the oracle's own toy registration (never to this repository's
    ``compat`` package, which the oracle must not import): the config names "the module that
    registers the toy model", and each runtime answers with its own."""
    parts = CONFIG_REGISTRATION_MODULE.split('.')
    for depth in range(1, len(parts) + 1):
        name = '.'.join(parts[:depth])
        existing = sys.modules.get(name)
        if existing is not None and not getattr(existing, '__legacy_oracle_shim__', False):
            raise RuntimeError(f'{name} is already imported from {existing!r}: the MMCV oracle '
                               'must not import this repository\'s packages')
        if existing is None:
            module = types.ModuleType(name, 'oracle stand-in (legacy_downstream_flow.py)')
            module.__legacy_oracle_shim__ = True
            if depth < len(parts):
                module.__path__ = []
            sys.modules[name] = module
    sys.modules[CONFIG_REGISTRATION_MODULE].register_legacy_toy = register_legacy_toy
    register_legacy_toy()


#: every ``add_scalar`` of a TensorboardLoggerHook, by log dir: [tag, step, float32 hex]
TENSORBOARD_SCALARS: dict = {}


class RecordingSummaryWriter:
    """Stands in for ``torch.utils.tensorboard.SummaryWriter`` (the oracle venv has no
    tensorboard): records the scalars MMCV's TensorboardLoggerHook writes, writes no file."""

    def __init__(self, log_dir=None, **kwargs):
        self.scalars = TENSORBOARD_SCALARS.setdefault(log_dir, [])

    def add_scalar(self, tag, value, step):
        self.scalars.append([tag, step, float(np.float32(value)).hex()])

    def add_text(self, tag, value, step):
        self.scalars.append([tag, step, str(value)])

    def close(self):
        pass


def provide_tensorboard_writer():
    """Install :class:`RecordingSummaryWriter` as ``torch.utils.tensorboard`` when the real
    one cannot be imported."""
    try:
        import torch.utils.tensorboard  # noqa: F401
    except ImportError:
        fake = types.ModuleType('torch.utils.tensorboard')
        fake.SummaryWriter = RecordingSummaryWriter
        sys.modules['torch.utils.tensorboard'] = fake


def build_detector(cfg, train_cfg=None, test_cfg=None):
    """``mmdet.models.build_detector``: top-level train/test cfgs become default arguments."""
    if train_cfg is not None or test_cfg is not None:
        warnings.warn('train_cfg and test_cfg is deprecated, please specify them in model',
                      UserWarning)
    assert cfg.get('train_cfg') is None or train_cfg is None, \
        'train_cfg specified in both outer field and model field '
    assert cfg.get('test_cfg') is None or test_cfg is None, \
        'test_cfg specified in both outer field and model field '
    return DETECTORS.build(cfg, default_args=dict(train_cfg=train_cfg, test_cfg=test_cfg))


def build_dataset(cfg, default_args=None):
    """``mmdet.datasets.build_dataset`` for plain datasets; the wrappers are refused by name."""
    if isinstance(cfg, (list, tuple)) or cfg['type'] in (
            'ConcatDataset', 'RepeatDataset', 'ClassBalancedDataset', 'MultiImageMixDataset') \
            or isinstance(cfg.get('ann_file'), (list, tuple)):
        kind = 'a list of datasets' if isinstance(cfg, (list, tuple)) else cfg['type']
        raise NotImplementedError(
            f'the legacy-run oracle builds plain datasets only; {kind} (an MMDet dataset '
            'wrapper) is not reproduced here: use a plain LegacyToyDataset config')
    return build_from_cfg(cfg, DATASETS, default_args)


def replace_ImageToTensor(pipelines):  # noqa: N802 (MMDet's name)
    """``mmdet.datasets.replace_ImageToTensor``: batch inference swaps ImageToTensor for
    DefaultFormatBundle (recursing into MultiScaleFlipAug)."""
    pipelines = copy.deepcopy(pipelines)
    for i, step in enumerate(pipelines):
        if step['type'] == 'MultiScaleFlipAug':
            assert 'transforms' in step
            step['transforms'] = replace_ImageToTensor(step['transforms'])
        elif step['type'] == 'ImageToTensor':
            warnings.warn('"ImageToTensor" pipeline is replaced by "DefaultFormatBundle" for '
                          'batch inference. It is recommended to manually replace it in the '
                          'test data pipeline in your config file.', UserWarning)
            pipelines[i] = {'type': 'DefaultFormatBundle'}
    return pipelines


# --------------------------------------------------------------------------------------------
# mmdet/utils: device, parallel wrappers, logger, checkpoints; mmdet/core/utils
# --------------------------------------------------------------------------------------------
def get_device():
    """``mmdet.utils.get_device``: the single available accelerator kind, else 'cpu'."""
    available = {'cuda': torch.cuda.is_available(),
                 'mlu': hasattr(torch, 'is_mlu_available') and torch.is_mlu_available()}
    kinds = [k for k, v in available.items() if v]
    return kinds[0] if len(kinds) == 1 else 'cpu'


def build_dp(model, device='cuda', dim=0, *args, **kwargs):
    """``mmdet.utils.build_dp``: MMDataParallel for cuda and cpu."""
    if device == 'cuda':
        model = model.cuda()
    elif device != 'cpu':
        raise NotImplementedError(f'device {device!r} is not available to the oracle')
    return MMDataParallel(model, dim=dim, *args, **kwargs)


def build_ddp(model, device='cuda', *args, **kwargs):
    """``mmdet.utils.build_ddp``; on 'cpu' (which MMDet asserts against) MMCV's
    MMDistributedDataParallel wraps the CPU model without device ids."""
    if device == 'cuda':
        model = model.cuda()
    elif device == 'cpu':
        kwargs['device_ids'] = None
    else:
        raise NotImplementedError(f'device {device!r} is not available to the oracle')
    wrapped = MMDistributedDataParallel(model, *args, **kwargs)
    # MMCV 1.7.2's _run_ddp_forward reads this torch-1.12/1.13 DDP attribute, gone from torch
    # 2.x (AttributeError on every plain forward, e.g. multi_gpu_test); False was its default
    if not hasattr(wrapped, '_use_replicated_tensor_module'):
        wrapped._use_replicated_tensor_module = False
    return wrapped


def get_root_logger(log_file=None, log_level='INFO'):
    """``mmdet.utils.get_root_logger``: MMCV's logger named 'mmdet'."""
    return get_logger(name='mmdet', log_file=log_file, log_level=log_level)


def find_latest_checkpoint(path, suffix='pth'):
    """``mmdet.utils.find_latest_checkpoint``: ``latest.pth``, else the highest ``*_N.pth``."""
    if not osp.exists(path):
        warnings.warn('The path of checkpoints does not exist.')
        return None
    if osp.exists(osp.join(path, f'latest.{suffix}')):
        return osp.join(path, f'latest.{suffix}')
    candidates = glob.glob(osp.join(path, f'*.{suffix}'))
    if not candidates:
        warnings.warn('There are no checkpoints in the path.')
        return None
    best, best_path = -1, None
    for candidate in candidates:
        number = int(osp.basename(candidate).split('_')[-1].split('.')[0])
        if number > best:
            best, best_path = number, candidate
    return best_path


def sync_random_seed(seed=None, device='cuda'):
    """``mmdet.core.utils.sync_random_seed``: rank 0's seed (drawn when None) on every rank."""
    if seed is None:
        seed = np.random.randint(2**31)
    assert isinstance(seed, int)
    rank, world_size = get_dist_info()
    if world_size == 1:
        return seed
    value = torch.tensor(seed if rank == 0 else 0, dtype=torch.int32, device=device)
    dist.broadcast(value, src=0)
    return value.item()


# --------------------------------------------------------------------------------------------
# mmdet/datasets/samplers
# --------------------------------------------------------------------------------------------
class GroupSampler(Sampler):
    """Non-distributed: shuffle each flag group (numpy global RNG), pad it to a multiple of
    ``samples_per_gpu`` by resampling, then shuffle the order of the per-batch chunks."""

    def __init__(self, dataset, samples_per_gpu=1):
        assert hasattr(dataset, 'flag')
        self.dataset = dataset
        self.samples_per_gpu = samples_per_gpu
        self.flag = dataset.flag.astype(np.int64)
        self.group_sizes = np.bincount(self.flag)
        self.num_samples = sum(int(np.ceil(size / samples_per_gpu)) * samples_per_gpu
                               for size in self.group_sizes)

    def __iter__(self):
        groups = []
        for flag, size in enumerate(self.group_sizes):
            if size == 0:
                continue
            members = np.where(self.flag == flag)[0]
            assert len(members) == size
            np.random.shuffle(members)
            extra = int(np.ceil(size / self.samples_per_gpu)) * self.samples_per_gpu - size
            groups.append(np.concatenate([members, np.random.choice(members, extra)]))
        flat = np.concatenate(groups)
        per = self.samples_per_gpu
        chunks = [flat[i * per:(i + 1) * per]
                  for i in np.random.permutation(range(len(flat) // per))]
        order = np.concatenate(chunks).astype(np.int64).tolist()
        assert len(order) == self.num_samples
        return iter(order)

    def __len__(self):
        return self.num_samples


class DistributedGroupSampler(Sampler):
    """Distributed: per-epoch torch generator (seed + epoch), each group permuted and padded by
    repetition to a multiple of ``samples_per_gpu * num_replicas``, chunks permuted, then rank
    ``r`` takes the ``r``-th contiguous slice."""

    def __init__(self, dataset, samples_per_gpu=1, num_replicas=None, rank=None, seed=0):
        _rank, _num_replicas = get_dist_info()
        self.dataset = dataset
        self.samples_per_gpu = samples_per_gpu
        self.num_replicas = _num_replicas if num_replicas is None else num_replicas
        self.rank = _rank if rank is None else rank
        self.epoch = 0
        self.seed = seed if seed is not None else 0
        assert hasattr(self.dataset, 'flag')
        self.flag = self.dataset.flag
        self.group_sizes = np.bincount(self.flag)
        self.num_samples = sum(
            int(math.ceil(size * 1.0 / samples_per_gpu / self.num_replicas)) * samples_per_gpu
            for size in self.group_sizes)
        self.total_size = self.num_samples * self.num_replicas

    def __iter__(self):
        g = torch.Generator()
        g.manual_seed(self.epoch + self.seed)
        order = []
        for flag, size in enumerate(self.group_sizes):
            if size <= 0:
                continue
            members = np.where(self.flag == flag)[0]
            assert len(members) == size
            members = members[list(torch.randperm(int(size), generator=g).numpy())].tolist()
            extra = int(math.ceil(size * 1.0 / self.samples_per_gpu / self.num_replicas)) \
                * self.samples_per_gpu * self.num_replicas - len(members)
            base = members.copy()
            for _ in range(extra // size):
                members.extend(base)
            members.extend(base[:extra % size])
            order.extend(members)
        assert len(order) == self.total_size
        per = self.samples_per_gpu
        order = [order[j] for i in list(torch.randperm(len(order) // per, generator=g))
                 for j in range(i * per, (i + 1) * per)]
        offset = self.num_samples * self.rank
        order = order[offset:offset + self.num_samples]
        assert len(order) == self.num_samples
        return iter(order)

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        self.epoch = epoch


class DistributedSampler(_TorchDistributedSampler):
    """torch's DistributedSampler with a seed synchronised from rank 0 (on ``get_device()``)
    and padding by repeating the whole index list."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0):
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=shuffle)
        self.seed = sync_random_seed(seed, get_device())

    def __iter__(self):
        if self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.epoch + self.seed)
            order = torch.randperm(len(self.dataset), generator=g).tolist()
        else:
            order = torch.arange(len(self.dataset)).tolist()
        order = (order * math.ceil(self.total_size / len(order)))[:self.total_size]
        assert len(order) == self.total_size
        order = order[self.rank:self.total_size:self.num_replicas]
        assert len(order) == self.num_samples
        return iter(order)


class _InfiniteIndices:
    """The endless index stream of MMDet's infinite batch samplers, sliced by rank."""

    def _setup(self, dataset, batch_size, world_size, rank, seed, shuffle):
        _rank, _world_size = get_dist_info()
        self.world_size = _world_size if world_size is None else world_size
        self.rank = _rank if rank is None else rank
        self.dataset = dataset
        self.batch_size = batch_size
        self.seed = sync_random_seed(seed)
        self.shuffle = shuffle
        self.size = len(dataset)

    def _infinite_indices(self):
        g = torch.Generator()
        g.manual_seed(self.seed)
        while True:
            if self.shuffle:
                yield from torch.randperm(self.size, generator=g).tolist()
            else:
                yield from torch.arange(self.size).tolist()

    def _indices_of_rank(self):
        yield from itertools.islice(self._infinite_indices(), self.rank, None, self.world_size)

    def __len__(self):
        return self.size

    def set_epoch(self, epoch):
        raise NotImplementedError


class InfiniteGroupBatchSampler(_InfiniteIndices, Sampler):
    """Iteration runners: batches filled per flag group from the endless stream."""

    def __init__(self, dataset, batch_size=1, world_size=None, rank=None, seed=0, shuffle=True):
        self._setup(dataset, batch_size, world_size, rank, seed, shuffle)
        assert hasattr(self.dataset, 'flag')
        self.flag = self.dataset.flag
        self.group_sizes = np.bincount(self.flag)
        self.buffer_per_group = {k: [] for k in range(len(self.group_sizes))}
        self.indices = self._indices_of_rank()

    def __iter__(self):
        for idx in self.indices:
            buffer = self.buffer_per_group[self.flag[idx]]
            buffer.append(idx)
            if len(buffer) == self.batch_size:
                yield buffer[:]
                del buffer[:]


class InfiniteBatchSampler(_InfiniteIndices, Sampler):
    """Iteration runners: consecutive batches of the endless stream."""

    def __init__(self, dataset, batch_size=1, world_size=None, rank=None, seed=0, shuffle=True):
        self._setup(dataset, batch_size, world_size, rank, seed, shuffle)
        self.indices = self._indices_of_rank()

    def __iter__(self):
        batch = []
        for idx in self.indices:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []


def worker_init_fn(worker_id, num_workers, rank, seed):
    """Worker seed = num_workers * rank + worker_id + seed, for numpy, random and torch."""
    worker_seed = num_workers * rank + worker_id + seed
    np.random.seed(worker_seed)
    random.seed(worker_seed)
    torch.manual_seed(worker_seed)


def build_dataloader(dataset, samples_per_gpu, workers_per_gpu, num_gpus=1, dist=True,
                     shuffle=True, seed=None, runner_type='EpochBasedRunner',
                     persistent_workers=False, class_aware_sampler=None, **kwargs):
    """``mmdet.datasets.build_dataloader`` (MMCV ``collate``; group samplers by default)."""
    if class_aware_sampler is not None:
        raise NotImplementedError('ClassAwareSampler (data.train_dataloader.class_aware_sampler)'
                                  ' needs get_cat2imgs, which the toy dataset lacks')
    rank, world_size = get_dist_info()
    if dist:
        batch_size, num_workers = samples_per_gpu, workers_per_gpu
    else:
        batch_size, num_workers = num_gpus * samples_per_gpu, num_gpus * workers_per_gpu
    if runner_type == 'IterBasedRunner':
        if shuffle:
            batch_sampler = InfiniteGroupBatchSampler(dataset, batch_size, world_size, rank,
                                                      seed=seed)
        else:
            batch_sampler = InfiniteBatchSampler(dataset, batch_size, world_size, rank,
                                                 seed=seed, shuffle=False)
        batch_size, sampler = 1, None
    else:
        if dist:
            sampler = (DistributedGroupSampler(dataset, samples_per_gpu, world_size, rank,
                                               seed=seed) if shuffle else
                       DistributedSampler(dataset, world_size, rank, shuffle=False, seed=seed))
        else:
            sampler = GroupSampler(dataset, samples_per_gpu) if shuffle else None
        batch_sampler = None
    init_fn = (partial(worker_init_fn, num_workers=num_workers, rank=rank, seed=seed)
               if seed is not None else None)
    if digit_version(TORCH_VERSION) >= digit_version('1.7.0'):
        kwargs['persistent_workers'] = persistent_workers
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler, num_workers=num_workers,
                      batch_sampler=batch_sampler,
                      collate_fn=partial(collate, samples_per_gpu=samples_per_gpu),
                      pin_memory=kwargs.pop('pin_memory', False), worker_init_fn=init_fn,
                      **kwargs)


# --------------------------------------------------------------------------------------------
# mmdet/apis/test.py
# --------------------------------------------------------------------------------------------
def _encode_masks_if_any(result):
    if isinstance(result[0], tuple):
        raise NotImplementedError('mask results (bbox, mask) tuples are not reproduced by the '
                                  'legacy-run oracle (encode_mask_results needs pycocotools)')
    return result


def single_gpu_test(model, data_loader, show=False, out_dir=None, show_score_thr=0.3):
    """Eval mode, ``model(return_loss=False, rescale=True, **data)`` per batch, results
    concatenated in loader order."""
    if show or out_dir:
        raise NotImplementedError('single_gpu_test(show/out_dir) draws images; not reproduced')
    model.eval()
    results = []
    progress = mmcv.ProgressBar(len(data_loader.dataset))
    for data in data_loader:
        with torch.no_grad():
            result = model(return_loss=False, rescale=True, **data)
        batch_size = len(result)
        results.extend(_encode_masks_if_any(result))
        for _ in range(batch_size):
            progress.update()
    return results


def multi_gpu_test(model, data_loader, tmpdir=None, gpu_collect=False):
    """Each rank tests its shard; rank 0 gets the interleaved, truncated whole."""
    model.eval()
    results = []
    dataset = data_loader.dataset
    rank, world_size = get_dist_info()
    if rank == 0:
        progress = mmcv.ProgressBar(len(dataset))
    time.sleep(2)  # MMDet's deadlock guard (a no-op under the oracle)
    for data in data_loader:
        with torch.no_grad():
            result = _encode_masks_if_any(model(return_loss=False, rescale=True, **data))
        results.extend(result)
        if rank == 0:
            for _ in range(len(result) * world_size):
                progress.update()
    if gpu_collect:
        return collect_results_gpu(results, len(dataset))
    return collect_results_cpu(results, len(dataset), tmpdir)


def collect_results_cpu(result_part, size, tmpdir=None):
    """Parts pickled to ``tmpdir/part_<rank>.pkl``, barrier, rank 0 interleaves them and
    removes ``tmpdir`` (no barrier after: the other ranks return None at once)."""
    rank, world_size = get_dist_info()
    if tmpdir is None:
        max_len = 512
        dir_tensor = torch.full((max_len, ), 32, dtype=torch.uint8, device='cuda')
        if rank == 0:
            mmcv.mkdir_or_exist('.dist_test')
            made = tempfile.mkdtemp(dir='.dist_test')
            made = torch.tensor(bytearray(made.encode()), dtype=torch.uint8, device='cuda')
            dir_tensor[:len(made)] = made
        dist.broadcast(dir_tensor, 0)
        tmpdir = dir_tensor.cpu().numpy().tobytes().decode().rstrip()
    else:
        mmcv.mkdir_or_exist(tmpdir)
    mmcv.dump(result_part, osp.join(tmpdir, f'part_{rank}.pkl'))
    dist.barrier()
    if rank != 0:
        return None
    parts = [mmcv.load(osp.join(tmpdir, f'part_{i}.pkl')) for i in range(world_size)]
    ordered = []
    for group in zip(*parts):
        ordered.extend(list(group))
    shutil.rmtree(tmpdir)
    return ordered[:size]


def collect_results_gpu(result_part, size):
    """Parts pickled into cuda byte tensors and all-gathered (needs CUDA, as in MMDet)."""
    rank, world_size = get_dist_info()
    part = torch.tensor(bytearray(pickle.dumps(result_part)), dtype=torch.uint8, device='cuda')
    shape = torch.tensor(part.shape, device='cuda')
    shapes = [shape.clone() for _ in range(world_size)]
    dist.all_gather(shapes, shape)
    longest = torch.tensor(shapes).max()
    send = torch.zeros(longest, dtype=torch.uint8, device='cuda')
    send[:shape[0]] = part
    received = [part.new_zeros(longest) for _ in range(world_size)]
    dist.all_gather(received, send)
    if rank != 0:
        return None
    parts = [pickle.loads(r[:s[0]].cpu().numpy().tobytes()) for r, s in zip(received, shapes)]
    ordered = []
    for group in zip(*parts):
        ordered.extend(list(group))
    return ordered[:size]


# --------------------------------------------------------------------------------------------
# mmdet/core/evaluation/eval_hooks.py
# --------------------------------------------------------------------------------------------
def _calc_dynamic_intervals(start_interval, dynamic_interval_list):
    assert mmcv.is_list_of(dynamic_interval_list, tuple)
    milestones = [0] + [item[0] for item in dynamic_interval_list]
    intervals = [start_interval] + [item[1] for item in dynamic_interval_list]
    return milestones, intervals


class _DynamicIntervalMixin:
    """``dynamic_intervals=[(milestone, interval), ...]``: before every train epoch/iter the
    interval becomes the one whose milestone ``progress + 1`` has reached."""

    def _setup_dynamic(self, dynamic_intervals):
        self.latest_results = None
        self.use_dynamic_intervals = dynamic_intervals is not None
        if self.use_dynamic_intervals:
            self.dynamic_milestones, self.dynamic_intervals = _calc_dynamic_intervals(
                self.interval, dynamic_intervals)

    def _decide_interval(self, runner):
        if self.use_dynamic_intervals:
            progress = runner.epoch if self.by_epoch else runner.iter
            step = bisect.bisect(self.dynamic_milestones, progress + 1)
            self.interval = self.dynamic_intervals[step - 1]

    def before_train_epoch(self, runner):
        self._decide_interval(runner)
        super().before_train_epoch(runner)

    def before_train_iter(self, runner):
        self._decide_interval(runner)
        super().before_train_iter(runner)


class EvalHook(_DynamicIntervalMixin, BaseEvalHook):
    """MMDet's EvalHook: MMCV's with dynamic intervals and MMDet's ``single_gpu_test``."""

    def __init__(self, *args, dynamic_intervals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_dynamic(dynamic_intervals)

    def _do_evaluate(self, runner):
        if not self._should_evaluate(runner):
            return
        results = single_gpu_test(runner.model, self.dataloader, show=False)
        self.latest_results = results
        runner.log_buffer.output['eval_iter_num'] = len(self.dataloader)
        key_score = self.evaluate(runner, results)
        # a falsy key score (None, or 0.0) skips the best checkpoint, as in MMDet
        if self.save_best and key_score:
            self._save_ckpt(runner, key_score)


class DistEvalHook(_DynamicIntervalMixin, BaseDistEvalHook):
    """MMDet's DistEvalHook: rank 0's BN buffers broadcast, ``multi_gpu_test`` into
    ``tmpdir`` (default ``work_dir/.eval_hook``), rank 0 evaluates."""

    def __init__(self, *args, dynamic_intervals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_dynamic(dynamic_intervals)

    def _do_evaluate(self, runner):
        if self.broadcast_bn_buffer:
            for _, module in runner.model.named_modules():
                if isinstance(module, _BatchNorm) and module.track_running_stats:
                    dist.broadcast(module.running_var, 0)
                    dist.broadcast(module.running_mean, 0)
        if not self._should_evaluate(runner):
            return
        tmpdir = self.tmpdir if self.tmpdir is not None else osp.join(runner.work_dir,
                                                                      '.eval_hook')
        results = multi_gpu_test(runner.model, self.dataloader, tmpdir=tmpdir,
                                 gpu_collect=self.gpu_collect)
        self.latest_results = results
        if runner.rank == 0:
            print('\n')
            runner.log_buffer.output['eval_iter_num'] = len(self.dataloader)
            key_score = self.evaluate(runner, results)
            if self.save_best and key_score:
                self._save_ckpt(runner, key_score)


# --------------------------------------------------------------------------------------------
# optimizers: MMDet (MMCV's builder), MMSelfSup 0.x regex paramwise_options, MMEditing dicts
# --------------------------------------------------------------------------------------------
def build_selfsup_optimizer(model, optimizer_cfg):
    """MMSelfSup 0.x: every ``paramwise_options`` regex that ``re.search``-matches a parameter
    name applies its options in order (later matches override); ``<key>_mult`` multiplies the
    optimizer's ``<key>``; frozen parameters get a plain group."""
    import re
    if hasattr(model, 'module'):
        model = model.module
    optimizer_cfg = copy.deepcopy(optimizer_cfg)
    constructor = optimizer_cfg.pop('constructor', 'DefaultOptimizerConstructor')
    if constructor != 'DefaultOptimizerConstructor':
        raise NotImplementedError(f'optimizer.constructor={constructor!r} with '
                                  'paramwise_options is not reproduced by the oracle')
    options = optimizer_cfg.pop('paramwise_options', None)
    options = {} if options is None else options
    assert isinstance(options, dict)
    groups = []
    for name, param in model.named_parameters():
        group = {'params': [param]}
        if param.requires_grad:
            for pattern, settings in options.items():
                if not re.search(pattern, name):
                    continue
                for key, value in settings.items():
                    if key.endswith('_mult'):
                        key = key[:-len('_mult')]
                        assert key in optimizer_cfg, f'{key} not in optimizer_cfg'
                        value = optimizer_cfg[key] * value
                    group[key] = value
                    if not dist.is_initialized() or dist.get_rank() == 0:
                        print_log(f'paramwise_options -- {name}: {key}={value}')
        groups.append(group)
    optimizer_cfg['params'] = groups
    return build_from_cfg(optimizer_cfg, OPTIMIZERS)


def build_optimizers(model, cfgs):
    """MMEditing/MMGeneration: a dict of optimizer dicts builds one optimizer per submodule
    named by its key; anything else is one optimizer."""
    if hasattr(model, 'module'):
        model = model.module
    if all(isinstance(cfg, dict) for cfg in cfgs.values()):
        return {key: build_optimizer(getattr(model, key), cfg.copy())
                for key, cfg in cfgs.items()}
    return build_optimizer(model, cfgs)


def build_downstream_optimizer(model, optimizer_cfg):
    """The optimizer(s) the codebase owning this config form would build."""
    if all(isinstance(v, dict) for v in optimizer_cfg.values()):
        return build_optimizers(model, optimizer_cfg)
    if 'paramwise_options' in optimizer_cfg:
        return build_selfsup_optimizer(model, optimizer_cfg)
    return build_optimizer(model, optimizer_cfg)


class DistOptimizerHook(OptimizerHook):
    """MMSelfSup 0.x's DistOptimizerHook: gradients accumulated over ``update_interval``
    iterations (the loss divided by it, by the remainder for the last partial window); steps
    at every ``update_interval``-th iteration and at the last one; optional per-layer gradient
    freezing for the first N iterations; grad_norm logged when clipping."""

    def __init__(self, update_interval=1, grad_clip=None, coalesce=True, bucket_size_mb=-1,
                 frozen_layers_cfg=dict()):
        self.grad_clip = grad_clip
        self.coalesce = coalesce
        self.bucket_size_mb = bucket_size_mb
        self.update_interval = update_interval
        self.frozen_layers_cfg = frozen_layers_cfg
        self.initialized = False

    def has_batch_norm(self, module):
        if isinstance(module, _BatchNorm):
            return True
        return any(self.has_batch_norm(child) for child in module.children())

    def _init(self, runner):
        if runner.iter % self.update_interval != 0:
            runner.logger.warning(
                'Resume iter number is not divisible by update_interval in '
                'GradientCumulativeOptimizerHook, which means the gradient of '
                'some iters is lost and the result may be influenced slightly.')
        if self.has_batch_norm(runner.model) and self.update_interval > 1:
            runner.logger.warning('GradientCumulativeOptimizerHook may slightly decrease '
                                  'performance if the model has BatchNorm layers.')
        self.divisible_iters = runner.max_iters // self.update_interval * self.update_interval
        self.remainder_iters = runner.max_iters - self.divisible_iters
        self.initialized = True

    def before_run(self, runner):
        runner.optimizer.zero_grad()

    def after_train_iter(self, runner):
        if not self.initialized:
            self._init(runner)
        factor = (self.update_interval if runner.iter < self.divisible_iters
                  else self.remainder_iters)
        runner.outputs['loss'] /= factor
        runner.outputs['loss'].backward()
        if self.every_n_iters(runner, self.update_interval) or self.is_last_iter(runner):
            for layer, until in self.frozen_layers_cfg.items():
                if runner.iter < until:
                    for name, param in runner.model.module.named_parameters():
                        if layer in name:
                            param.grad = None
            if self.grad_clip is not None:
                grad_norm = self.clip_grads(runner.model.parameters())
                if grad_norm is not None:
                    runner.log_buffer.update({'grad_norm': float(grad_norm)},
                                             runner.outputs['num_samples'])
            runner.optimizer.step()
            runner.optimizer.zero_grad()


HOOKS.register_module(name='DistOptimizerHook', module=DistOptimizerHook, force=True)


# --------------------------------------------------------------------------------------------
# mmdet/utils/compat_config.py
# --------------------------------------------------------------------------------------------
def compat_runner_args(cfg):
    if 'runner' not in cfg:
        cfg.runner = ConfigDict({'type': 'EpochBasedRunner', 'max_epochs': cfg.total_epochs})
        warnings.warn('config is now expected to have a `runner` section, '
                      'please set `runner` in your config.', UserWarning)
    elif 'total_epochs' in cfg:
        assert cfg.total_epochs == cfg.runner.max_epochs
    return cfg


def compat_imgs_per_gpu(cfg):
    cfg = copy.deepcopy(cfg)
    if 'imgs_per_gpu' in cfg.data:
        warnings.warn('"imgs_per_gpu" is deprecated in MMDet V2.0. '
                      'Please use "samples_per_gpu" instead')
        if 'samples_per_gpu' in cfg.data:
            warnings.warn(f'Got "imgs_per_gpu"={cfg.data.imgs_per_gpu} and "samples_per_gpu"='
                          f'{cfg.data.samples_per_gpu}, "imgs_per_gpu"={cfg.data.imgs_per_gpu}'
                          ' is used in this experiments')
        else:
            warnings.warn('Automatically set "samples_per_gpu"="imgs_per_gpu"='
                          f'{cfg.data.imgs_per_gpu} in this experiments')
        cfg.data.samples_per_gpu = cfg.data.imgs_per_gpu
    return cfg


def _move_to_loader(cfg, key, loader):
    warnings.warn(f'Setting `{key}` directly in the filed of data will be deprecated. Users '
                  f'should specify them in `*dataloader` field. For now, this `{key}` takes '
                  f'effect in `{loader}`.')


def compat_loader_args(cfg):
    """``data.samples_per_gpu``/``persistent_workers``/``workers_per_gpu`` and the split-level
    ``samples_per_gpu`` move into ``data.{train,val,test}_dataloader``."""
    cfg = copy.deepcopy(cfg)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if loader not in cfg.data:
            cfg.data[loader] = ConfigDict()
    for key in ('samples_per_gpu', 'persistent_workers'):
        if key in cfg.data:
            _move_to_loader(cfg, key, 'train_dataloader')
            value = cfg.data.pop(key)
            assert key not in cfg.data.train_dataloader, (
                f'`{key}` are set in `data` field and ` data.train_dataloader` at the same '
                f'time. Please only set it in `data.train_dataloader`. ')
            cfg.data.train_dataloader[key] = value
    if 'workers_per_gpu' in cfg.data:
        _move_to_loader(cfg, 'workers_per_gpu', 'train_dataloader')
        workers = cfg.data.pop('workers_per_gpu')
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            cfg.data[loader]['workers_per_gpu'] = workers
    if 'samples_per_gpu' in cfg.data.val:
        _move_to_loader(cfg, 'samples_per_gpu', 'val_dataloader')
        assert 'samples_per_gpu' not in cfg.data.val_dataloader, (
            '`samples_per_gpu` are set in `data.val` field and ` data.val_dataloader` at the '
            'same time. Please only set it in `data.val_dataloader`. ')
        cfg.data.val_dataloader['samples_per_gpu'] = cfg.data.val.pop('samples_per_gpu')
    if isinstance(cfg.data.test, dict):
        if 'samples_per_gpu' in cfg.data.test:
            _move_to_loader(cfg, 'samples_per_gpu', 'test_dataloader')
            assert 'samples_per_gpu' not in cfg.data.test_dataloader, (
                '`samples_per_gpu` are set in `data.test` field and ` data.test_dataloader` '
                'at the same time. Please only set it in `data.test_dataloader`. ')
            cfg.data.test_dataloader['samples_per_gpu'] = cfg.data.test.pop('samples_per_gpu')
    elif isinstance(cfg.data.test, list):
        for ds_cfg in cfg.data.test:
            if 'samples_per_gpu' in ds_cfg:
                _move_to_loader(cfg, 'samples_per_gpu', 'test_dataloader')
                assert 'samples_per_gpu' not in cfg.data.test_dataloader, (
                    '`samples_per_gpu` are set in `data.test` field and ` '
                    'data.test_dataloader` at the same time. Please only set it in '
                    '`data.test_dataloader`. ')
        cfg.data.test_dataloader['samples_per_gpu'] = max(
            ds_cfg.pop('samples_per_gpu', 1) for ds_cfg in cfg.data.test)
    return cfg


def compat_cfg(cfg):
    """A deep copy with the deprecated data and runner fields moved to their new places."""
    cfg = copy.deepcopy(cfg)
    cfg = compat_imgs_per_gpu(cfg)
    cfg = compat_loader_args(cfg)
    return compat_runner_args(cfg)


# --------------------------------------------------------------------------------------------
# mmdet/apis/train.py
# --------------------------------------------------------------------------------------------
def init_random_seed(seed=None, device='cuda'):
    """The given seed, else a random one from rank 0 broadcast to all ranks."""
    if seed is not None:
        return seed
    rank, world_size = get_dist_info()
    seed = np.random.randint(2**31)
    if world_size == 1:
        return seed
    value = torch.tensor(seed if rank == 0 else 0, dtype=torch.int32, device=device)
    dist.broadcast(value, src=0)
    return value.item()


def set_random_seed(seed, deterministic=False):
    """Seed random, numpy, torch (and cuda); optionally cuDNN deterministic."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False


def auto_scale_lr(cfg, distributed, logger):
    """Linear lr scaling by total batch / ``auto_scale_lr.base_batch_size`` when enabled."""
    if 'auto_scale_lr' not in cfg or not cfg.auto_scale_lr.get('enable', False):
        logger.info('Automatic scaling of learning rate (LR) has been disabled.')
        return
    base_batch_size = cfg.auto_scale_lr.get('base_batch_size', None)
    if base_batch_size is None:
        return
    num_gpus = get_dist_info()[1] if distributed else len(cfg.gpu_ids)
    samples_per_gpu = cfg.data.train_dataloader.samples_per_gpu
    batch_size = num_gpus * samples_per_gpu
    logger.info(f'Training with {num_gpus} GPU(s) with {samples_per_gpu} samples per GPU. '
                f'The total batch size is {batch_size}.')
    if batch_size != base_batch_size:
        scaled_lr = (batch_size / base_batch_size) * cfg.optimizer.lr
        logger.info(f'LR has been automatically scaled from {cfg.optimizer.lr} to {scaled_lr}')
        cfg.optimizer.lr = scaled_lr
    else:
        logger.info(f'The batch size match the base batch size: {base_batch_size}, will not '
                    f'scaling the LR ({cfg.optimizer.lr}).')


def train_detector(model, dataset, cfg, distributed=False, validate=False, timestamp=None,
                   meta=None, resume_map_location=None):
    """Loaders, parallel wrapper, optimizer, runner, optimizer/training/eval hooks, resume or
    load, run. ``resume_map_location`` (not MMDet's) is handed to ``runner.resume`` when given;
    MMDet leaves it at MMCV's 'default'."""
    cfg = compat_cfg(cfg)
    logger = get_root_logger(log_level=cfg.log_level)
    dataset = dataset if isinstance(dataset, (list, tuple)) else [dataset]
    runner_type = 'EpochBasedRunner' if 'runner' not in cfg else cfg.runner['type']
    train_loader_cfg = {
        **dict(samples_per_gpu=2, workers_per_gpu=2, num_gpus=len(cfg.gpu_ids),
               dist=distributed, seed=cfg.seed, runner_type=runner_type,
               persistent_workers=False),
        **cfg.data.get('train_dataloader', {})
    }
    data_loaders = [build_dataloader(ds, **train_loader_cfg) for ds in dataset]

    if distributed:
        model = build_ddp(model, cfg.device, device_ids=[int(os.environ['LOCAL_RANK'])],
                          broadcast_buffers=False,
                          find_unused_parameters=cfg.get('find_unused_parameters', False))
    else:
        model = build_dp(model, cfg.device, device_ids=cfg.gpu_ids)

    auto_scale_lr(cfg, distributed, logger)
    optimizer = build_downstream_optimizer(model, cfg.optimizer)
    runner = build_runner(cfg.runner, default_args=dict(
        model=model, optimizer=optimizer, work_dir=cfg.work_dir, logger=logger, meta=meta))
    runner.timestamp = timestamp

    fp16_cfg = cfg.get('fp16', None)
    if fp16_cfg is not None:
        optimizer_config = Fp16OptimizerHook(**cfg.optimizer_config, **fp16_cfg,
                                             distributed=distributed)
    elif distributed and 'type' not in cfg.optimizer_config:
        optimizer_config = OptimizerHook(**cfg.optimizer_config)
    else:
        optimizer_config = cfg.optimizer_config
    runner.register_training_hooks(cfg.lr_config, optimizer_config, cfg.checkpoint_config,
                                   cfg.log_config, cfg.get('momentum_config', None),
                                   custom_hooks_config=cfg.get('custom_hooks', None))
    if distributed and isinstance(runner, EpochBasedRunner):
        runner.register_hook(DistSamplerSeedHook())

    if validate:
        val_loader_args = {
            **dict(samples_per_gpu=1, workers_per_gpu=2, dist=distributed, shuffle=False,
                   persistent_workers=False),
            **cfg.data.get('val_dataloader', {})
        }
        if val_loader_args['samples_per_gpu'] > 1:
            cfg.data.val.pipeline = replace_ImageToTensor(cfg.data.val.pipeline)
        val_dataset = build_dataset(cfg.data.val, dict(test_mode=True))
        val_dataloader = build_dataloader(val_dataset, **val_loader_args)
        eval_cfg = cfg.get('evaluation', {})
        eval_cfg['by_epoch'] = cfg.runner['type'] != 'IterBasedRunner'
        eval_hook = DistEvalHook if distributed else EvalHook
        # MMCV's IterTimerHook moved to 'LOW' in mmcv#1193; the eval hook goes right after it
        runner.register_hook(eval_hook(val_dataloader, **eval_cfg), priority='LOW')

    resume_from = None
    if cfg.resume_from is None and cfg.get('auto_resume'):
        resume_from = find_latest_checkpoint(cfg.work_dir)
    if resume_from is not None:
        cfg.resume_from = resume_from
    if cfg.resume_from:
        if resume_map_location is None:
            runner.resume(cfg.resume_from)
        else:
            runner.resume(cfg.resume_from, map_location=resume_map_location)
    elif cfg.load_from:
        runner.load_checkpoint(cfg.load_from)
    runner.run(data_loaders, cfg.workflow)
    return runner


# --------------------------------------------------------------------------------------------
# tools/train.py
# --------------------------------------------------------------------------------------------
def _init_dist_pytorch_cpu(backend='gloo', **kwargs):
    """MMCV's ``init_dist('pytorch')`` without ``torch.cuda.set_device`` (no GPU here)."""
    if mp.get_start_method(allow_none=True) is None:
        mp.set_start_method('spawn')
    if torch.cuda.device_count():
        rank = int(os.environ['RANK'])
        torch.cuda.set_device(rank % torch.cuda.device_count())
    dist.init_process_group(backend=backend, **kwargs)


def _train_val_pipeline(train_cfg):
    # see the module docstring: 2.26-2.28.2 evaluated train_cfg.dataset eagerly
    if 'pipeline' in train_cfg:
        return train_cfg.pipeline
    return train_cfg.dataset.get('pipeline')


def train_config(config_path, work_dir, *, seed=0, deterministic=False, resume_from=None,
                 load_from=None, auto_resume=False, timestamp=harness.TIMESTAMP,
                 launcher='none', validate=True, resume_map_location=None):
    """``tools/train.py main`` on ``config_path`` with the run observer applied; returns
    ``harness.collect`` of the work dir (rank 0) or ``{'calls', 'hooks'}`` (other ranks).
    ``resume_map_location`` departs from MMDet (see :func:`train_detector`)."""
    time.sleep = lambda seconds: None
    provide_config_registration_module()
    provide_tensorboard_writer()
    probes = harness.register_probe_hooks(Hook, HOOKS)
    recorder_cls = probes['LegacyRunRecorderHook']
    first_recorder = len(recorder_cls.instances)

    cfg = Config.fromfile(config_path)
    if cfg.get('cudnn_benchmark', False):
        torch.backends.cudnn.benchmark = True
    cfg.work_dir = work_dir
    if resume_from is not None:
        cfg.resume_from = resume_from
    if load_from is not None:
        cfg.load_from = load_from
    cfg.auto_resume = auto_resume
    cfg.gpu_ids = range(1)

    if launcher == 'none':
        distributed = False
    elif launcher == 'pytorch':
        distributed = True
        _init_dist_pytorch_cpu(**cfg.dist_params)
        cfg.gpu_ids = range(get_dist_info()[1])
    else:
        raise NotImplementedError(f'launcher {launcher!r}: the oracle runs none or pytorch')

    mmcv.mkdir_or_exist(osp.abspath(cfg.work_dir))
    cfg.dump(osp.join(cfg.work_dir, osp.basename(config_path)))
    log_file = osp.join(cfg.work_dir, f'{timestamp}.log')
    logger = get_root_logger(log_file=log_file, log_level=cfg.log_level)

    meta = dict()
    env_info = '\n'.join(f'{k}: {v}' for k, v in collect_env().items())
    dash_line = '-' * 60 + '\n'
    logger.info('Environment info:\n' + dash_line + env_info + '\n' + dash_line)
    meta['env_info'] = env_info
    meta['config'] = cfg.pretty_text
    logger.info(f'Distributed training: {distributed}')
    logger.info(f'Config:\n{cfg.pretty_text}')

    cfg.device = get_device()
    seed = init_random_seed(seed, device=cfg.device)
    logger.info(f'Set random seed to {seed}, deterministic: {deterministic}')
    set_random_seed(seed, deterministic=deterministic)
    cfg.seed = seed
    meta['seed'] = seed
    meta['exp_name'] = osp.basename(config_path)

    model = build_detector(cfg.model, train_cfg=cfg.get('train_cfg'),
                           test_cfg=cfg.get('test_cfg'))
    model.init_weights()

    datasets = [build_dataset(cfg.data.train)]
    if len(cfg.workflow) == 2:
        assert 'val' in [mode for (mode, _) in cfg.workflow]
        val_dataset = copy.deepcopy(cfg.data.val)
        val_dataset.pipeline = _train_val_pipeline(cfg.data.train)
        datasets.append(build_dataset(val_dataset))
    if cfg.checkpoint_config is not None:
        cfg.checkpoint_config.meta = dict(CLASSES=datasets[0].CLASSES)
    model.CLASSES = datasets[0].CLASSES

    harness.add_recorder(cfg)
    train_detector(model, datasets, cfg, distributed=distributed, validate=validate,
                   timestamp=timestamp, meta=meta, resume_map_location=resume_map_location)

    run_recorders = recorder_cls.instances[first_recorder:]
    assert len(run_recorders) == 1, f'expected one recorder for this run, got {len(run_recorders)}'
    recorder = run_recorders[0]
    rank = get_dist_info()[0]
    if distributed:
        dist.barrier()
    if rank == 0:
        result = harness.collect(cfg.work_dir, recorder)
    else:
        result = dict(calls=recorder.calls, hooks=recorder.hooks)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()
    return result


#: exit status of a run that raised (its ``--out`` file holds ``{"error": ...}``)
ERROR_EXIT = 3


def describe_error(exc, work_dir):
    """Type, message, and the innermost MMCV frame and innermost frame of a run's exception."""
    frames = traceback.extract_tb(exc.__traceback__)

    def where(frame):
        path = frame.filename
        marker = os.sep + 'site-packages' + os.sep
        path = path.split(marker, 1)[1] if marker in path else osp.relpath(path, REPO)
        return f'{path}:{frame.name}'

    package = os.sep + 'site-packages' + os.sep + 'mmcv' + os.sep
    mmcv_frames = [f for f in frames if package in f.filename]
    message = str(exc).replace(osp.abspath(work_dir), '<work_dir>')
    return dict(type=type(exc).__name__, message=message, raised_in=where(frames[-1]),
                mmcv_frame=where(mmcv_frames[-1]) if mmcv_frames else None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--out', required=True, help='result JSON ({rank} is replaced)')
    parser.add_argument('--resume-from')
    parser.add_argument('--load-from')
    parser.add_argument('--auto-resume', action='store_true')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--deterministic', action='store_true')
    parser.add_argument('--launcher', choices=['none', 'pytorch'], default='none')
    parser.add_argument('--no-validate', action='store_true')
    parser.add_argument('--resume-map-location',
                        help='map_location for runner.resume (MMDet passes none)')
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = '0'
    out = args.out.replace('{rank}', os.environ.get('RANK', '0'))
    try:
        result = train_config(args.config, args.work_dir, seed=args.seed,
                              deterministic=args.deterministic, resume_from=args.resume_from,
                              load_from=args.load_from, auto_resume=args.auto_resume,
                              launcher=args.launcher, validate=not args.no_validate,
                              resume_map_location=args.resume_map_location)
    except Exception as exc:  # the run's failure is the observation
        with open(out, 'w') as f:
            json.dump(dict(error=describe_error(exc, args.work_dir)), f, indent=1,
                      sort_keys=True)
            f.write('\n')
        traceback.print_exc()
        return ERROR_EXIT
    work_dir = osp.abspath(args.work_dir)
    tensorboard = {osp.relpath(log_dir, work_dir): scalars
                   for log_dir, scalars in TENSORBOARD_SCALARS.items()}
    with open(out, 'w') as f:
        json.dump(dict(result=result, tensorboard=tensorboard), f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    sys.exit(main())
