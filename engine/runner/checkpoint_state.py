"""What a checkpoint holds, and putting a runner back into the state it describes.

Layout (top-level keys; ``meta['fields']`` lists the ones present)::

    meta              epoch, iter (completed counts, MMEngine's meaning), cfg (config text),
                      seed, experiment_name, time, engine_version, torch_version,
                      python_version, dataset_meta (when the train set has metainfo),
                      format='engine-checkpoint', format_version, fields
    state_dict        model weights (unwrapped, on CPU); EMAHook swaps in the averaged ones
    message_hub       scalar histories and runtime info (best score, kept checkpoints...)
    optimizer         optimizer wrapper state (an AmpOptimWrapper adds 'loss_scaler')
    accumulated_grads gradients of an unfinished accumulation window (only then; 1 process)
    param_schedulers  one state per scheduler (a dict of lists for several optimizers)
    train_loop        epoch, iter, pass, batches_in_pass, pass_rng: the position in the data
    rng_state         one entry per rank: python / numpy / torch / cuda generator states
    ema_state_dict    added by EMAHook

Everything is plain data (containers, numbers, strings, tensors), so ``torch.load`` with
``weights_only=True`` reads it. MMEngine 0.10.7's ``load_checkpoint`` reads the weights (checked
by hand; its message hub skips our scalar histories with a warning: they are plain dicts here,
``HistoryBuffer`` objects there).
"""
from __future__ import annotations

import platform
import time
from typing import Any, Dict, List, Optional, Union

import torch

import engine
from engine.dist.utils import all_gather_object, get_rank, get_world_size, is_distributed
from engine.errors import CheckpointError
from engine.model.wrappers import unwrap_model
from engine.checkpoint.checkpoint_io import model_state_dict
from engine.checkpoint.mmengine_checkpoint import is_mmengine_checkpoint
from engine.runner.rng_state import get_rng_state

FORMAT = 'engine-checkpoint'
FORMAT_VERSION = 1


def _train_rng_state(runner) -> Dict[str, Any]:
    loop = runner.train_loop
    return loop.training_rng_state() if loop is not None else get_rng_state()


def build_checkpoint(runner, meta: dict, save_optimizer: bool = True,
                     save_param_scheduler: bool = True) -> Dict[str, Any]:
    """The checkpoint dict of ``runner`` now (before the ``before_save_checkpoint`` hooks).

    Collective in distributed runs (every rank's RNG state is gathered): call it on all ranks.
    """
    cfg = runner.cfg
    meta = dict(meta)
    meta.update(cfg=getattr(cfg, 'pretty_text', '') if cfg is not None else '',
                seed=runner.seed, experiment_name=runner.experiment_name,
                time=time.strftime('%Y%m%d_%H%M%S', time.localtime()),
                engine_version=str(engine.__version__), torch_version=str(torch.__version__),
                python_version=platform.python_version(),
                format=FORMAT, format_version=FORMAT_VERSION)
    dataset = getattr(runner.train_dataloader, 'dataset', None)
    if getattr(dataset, 'metainfo', None) is not None:
        meta['dataset_meta'] = dataset.metainfo
    rng = _train_rng_state(runner)
    ckpt: Dict[str, Any] = {
        'meta': meta,
        'state_dict': model_state_dict(runner.model),
        'message_hub': runner.message_hub.state_dict(),
        'rng_state': all_gather_object(rng),
    }
    if runner.train_loop is not None:
        ckpt['train_loop'] = runner.train_loop.state_dict()
    if save_optimizer and runner.optim_wrapper is not None:
        ckpt['optimizer'] = runner.optim_wrapper.state_dict()
    if save_param_scheduler and runner.param_schedulers:
        ckpt['param_schedulers'] = scheduler_states(runner.param_schedulers)
    grads = _window_gradients(runner) if save_optimizer else None
    if grads:
        ckpt['accumulated_grads'] = grads
    return ckpt


def _mid_accumulation(optim_wrapper) -> bool:
    wrappers = ([w for _, w in optim_wrapper.items()] if hasattr(optim_wrapper, 'items')
                else [optim_wrapper])
    return any(getattr(w, 'inner_count', 0) % getattr(w, 'accumulative_counts', 1)
               for w in wrappers)


def _window_gradients(runner) -> Optional[Dict[str, torch.Tensor]]:
    """The gradients summed so far in an unfinished accumulation window (checkpoint saved at
    iteration 10 with ``accumulative_counts=3``): without them a resumed run would step with
    two thirds of the window. Single-process only: under DDP each rank holds its own."""
    if runner.optim_wrapper is None or is_distributed() or not _mid_accumulation(
            runner.optim_wrapper):
        return None
    return {name: p.grad.detach().cpu().clone()
            for name, p in unwrap_model(runner.model).named_parameters() if p.grad is not None}


def _restore_window_gradients(runner, grads: Dict[str, torch.Tensor], filename: str) -> None:
    params = dict(unwrap_model(runner.model).named_parameters())
    unknown = sorted(set(grads) - set(params))
    if unknown:
        raise CheckpointError(f'accumulated gradients for parameters the model does not have: '
                              f'{unknown[:5]}', file=filename,
                              fix='resume with the model that wrote the checkpoint')
    for name, grad in grads.items():
        params[name].grad = grad.to(device=params[name].device, dtype=params[name].dtype)


def finalize_fields(ckpt: Dict[str, Any]) -> None:
    """Record which top-level fields the checkpoint holds (after hooks added theirs)."""
    ckpt['meta']['fields'] = sorted(k for k in ckpt if k != 'meta')


def scheduler_states(schedulers) -> Union[list, dict]:
    if isinstance(schedulers, dict):
        return {k: [s.state_dict() for s in v] for k, v in schedulers.items()}
    return [s.state_dict() for s in schedulers]


def load_scheduler_states(schedulers, states, filename: str) -> None:
    if isinstance(schedulers, dict) != isinstance(states, dict):
        raise CheckpointError('the checkpoint and the config disagree on whether there are '
                              'several optimizers (param_scheduler per optimizer)',
                              file=filename, key='param_scheduler',
                              fix='resume with the config that wrote the checkpoint')
    pairs = ([(schedulers[k], states.get(k, [])) for k in schedulers]
             if isinstance(schedulers, dict) else [(schedulers, states)])
    for scheds, sts in pairs:
        if len(scheds) != len(sts):
            raise CheckpointError(f'the checkpoint holds {len(sts)} param scheduler states but '
                                  f'the config builds {len(scheds)}', file=filename,
                                  key='param_scheduler',
                                  fix='resume with the config that wrote the checkpoint')
        for s, st in zip(scheds, sts):
            s.load_state_dict(st)


def _rank_rng_state(states: Optional[List[dict]], logger) -> Optional[dict]:
    if not states:
        return None
    if isinstance(states, dict):
        states = [states]
    rank, world = get_rank(), get_world_size()
    if len(states) != world:
        logger.warning('the checkpoint holds RNG states of %d processes, this run has %d: '
                       'every process continues with rank 0\'s state (not bit-exact)',
                       len(states), world)
        return states[0]
    return states[rank]


def check_resumable(ckpt: dict, filename: str) -> None:
    """Refuse what cannot be resumed, with the way out."""
    meta = ckpt.get('meta')
    if not isinstance(meta, dict) or 'epoch' not in meta or 'iter' not in meta:
        raise CheckpointError('cannot resume: the checkpoint has no meta.epoch/meta.iter '
                              '(it holds weights only)', file=filename,
                              fix='use load_from without resume=True to start from its weights')
    version = meta.get('format_version')
    if version is not None and int(version) > FORMAT_VERSION:
        raise CheckpointError(f'checkpoint format version {version} is newer than this engine '
                              f'reads ({FORMAT_VERSION})', file=filename,
                              fix='upgrade the engine, or load_from (weights only)')


def apply_resume(runner, ckpt: dict, filename: str, resume_optimizer: bool = True,
                 resume_param_scheduler: bool = True) -> None:
    """Put the runner (weights already loaded) back into the checkpoint's training state."""
    check_resumable(ckpt, filename)
    meta = ckpt['meta']
    if is_mmengine_checkpoint(ckpt):
        runner.logger.warning('%s was written by MMEngine %s: resuming its weights, '
                              'optimizer, schedulers, message hub and epoch/iter',
                              filename, meta.get('mmengine_version'))
    if meta.get('seed') is not None and runner.seed is not None and meta['seed'] != runner.seed:
        runner.logger.warning('the checkpoint was trained with seed %s, this run has seed %s',
                              meta['seed'], runner.seed)
    if runner.train_loop is not None:
        runner.train_loop.load_state_dict(meta, ckpt.get('train_loop'),
                                          _rank_rng_state(ckpt.get('rng_state'), runner.logger))
    if 'message_hub' in ckpt:
        runner.message_hub.load_state_dict(ckpt['message_hub'])
    if resume_optimizer and runner.optim_wrapper is not None:
        if 'optimizer' not in ckpt:
            raise CheckpointError('cannot resume the optimizer: the checkpoint has no optimizer '
                                  'state (saved with save_optimizer=False?)', file=filename,
                                  fix='resume from a periodic checkpoint, or load_from it')
        runner.optim_wrapper.load_state_dict(ckpt['optimizer'])
        if ckpt.get('accumulated_grads'):
            _restore_window_gradients(runner, ckpt['accumulated_grads'], filename)
    if resume_param_scheduler and runner.param_schedulers:
        if 'param_schedulers' not in ckpt:
            raise CheckpointError('cannot resume the param schedulers: the checkpoint has no '
                                  'scheduler state', file=filename,
                                  fix='resume from a checkpoint saved with '
                                      'save_param_scheduler=True, or load_from it')
        load_scheduler_states(runner.param_schedulers, ckpt['param_schedulers'], filename)
