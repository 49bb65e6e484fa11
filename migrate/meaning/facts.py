"""The facts the meaning check compares: each with its legacy reading, its new reading, the
legacy keys whose findings excuse a difference, and the fix to print.

A difference is excused only when the converter said so itself: a finding of severity
approximation, dropped or manual on one of ``finding_keys`` or a key above one (``key*``: or
inside it), shown in the report of the file or of one of its bases.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Dict, Tuple

from migrate.meaning import legacy_reading as legacy
from migrate.meaning import new_reading as new

REPORT = 'report this conversion as a converter bug (the converted file means something else)'


@dataclass(frozen=True)
class Fact:
    """One thing a legacy config means, read on both sides."""

    name: str
    new_key: str                       # where the new reading lives, for the error message
    read_legacy: Callable[[Dict[str, Any]], Any]
    read_new: Callable[[Dict[str, Any]], Any]
    finding_keys: Tuple[str, ...]      # legacy keys whose findings excuse a difference
    fix: str = REPORT


def _split_facts(split: str) -> Tuple[Fact, ...]:
    keys = ('data', f'data.{split}', f'data.{split}_dataloader*', 'data.samples_per_gpu',
            'data.workers_per_gpu', 'data.videos_per_gpu', 'data.imgs_per_gpu')
    return (
        Fact(f'{split} batch size and workers', f'{split}_dataloader',
             partial(legacy.loader, split=split), partial(new.loader, split=split),
             keys, REPORT),
        Fact(f'{split} dataset', f'{split}_dataloader.dataset',
             partial(legacy.dataset, split=split), partial(new.dataset, split=split),
             (f'data.{split}*',)),
    )


FACTS: Tuple[Fact, ...] = (
    Fact('loop kind and length', 'train_cfg', legacy.loop, new.loop,
         ('runner', 'total_epochs')),
    Fact('validation points', 'train_cfg.val_interval/val_begin', legacy.val_points,
         new.val_points, ('evaluation.interval', 'evaluation.start',
                          'evaluation.dynamic_intervals')),
    *_split_facts('train'), *_split_facts('val'), *_split_facts('test'),
    Fact('model', 'model', legacy.model, new.model, ('model*', 'train_cfg*', 'test_cfg*')),
    Fact('optimizer', 'optim_wrapper.optimizer', legacy.optimizer, new.optimizer,
         ('optimizer',)),
    Fact('paramwise settings', 'optim_wrapper.paramwise_cfg/constructor', legacy.paramwise,
         new.paramwise, ('optimizer.paramwise_cfg', 'optimizer.paramwise_options',
                         'optimizer.constructor')),
    Fact('gradient clipping', 'optim_wrapper.clip_grad', legacy.grad_clip, new.grad_clip,
         ('optimizer_config.type', 'optimizer_config.grad_clip*')),
    Fact('gradient accumulation', 'optim_wrapper.accumulative_counts', legacy.accumulation,
         new.accumulation, ('optimizer_config.type', 'optimizer_config.cumulative_iters',
                            'optimizer_config.update_interval')),
    Fact('AMP', 'optim_wrapper.type/loss_scale', legacy.amp, new.amp,
         ('fp16', 'optimizer_config.type', 'optimizer_config.loss_scale')),
    Fact('checkpoint settings', 'default_hooks.checkpoint', legacy.checkpoint, new.checkpoint,
         ('checkpoint_config', 'checkpoint_config.interval', 'checkpoint_config.by_epoch',
          'checkpoint_config.max_keep_ckpts', 'checkpoint_config.save_optimizer',
          'checkpoint_config.out_dir', 'checkpoint_config.save_last')),
    Fact('best checkpoint', 'default_hooks.checkpoint.save_best/rule', legacy.save_best,
         new.save_best, ('evaluation.save_best', 'evaluation.rule')),
    Fact('logger interval', 'default_hooks.logger.interval', legacy.logger_interval,
         new.logger_interval, ('log_config.interval',)),
    Fact('logger back ends', 'visualizer.vis_backends', legacy.log_backends, new.log_backends,
         ('log_config.hooks*',)),
    Fact('evaluation metric options', 'val_evaluator', legacy.eval_metric, new.eval_metric,
         ('evaluation.metric*', 'evaluation.metric_options*', 'evaluation.gpu_collect',
          'evaluation.tmpdir')),
    Fact('resume/load', 'resume/load_from', legacy.resume, new.resume,
         ('resume_from', 'auto_resume', 'load_from')),
)
