"""MMCV 1.7.2's ``EvalHook``/``DistEvalHook``: evaluate every ``interval`` epochs or iters,
write the metrics into the log buffer and keep the best checkpoint (``save_best``).

Checkpoints go to the local disk only: MMCV's ``FileClient`` backends (petrel, http, ...) are
not in compat, so a ``file_client_args`` naming another backend, or a URL ``out_dir``, is
refused with the fix instead of being written somewhere else.
"""
from __future__ import annotations

import bisect
import os
import os.path as osp
import warnings
from math import inf
from typing import Callable, List, Optional

import torch.distributed as dist
from torch.nn.modules.batchnorm import _BatchNorm
from torch.utils.data import DataLoader

from compat.runner.hooks.evaluation_tests import multi_gpu_test, single_gpu_test
from compat.runner.hooks.hook import HOOKS, Hook
from compat.runner.hooks.local_disk import check_local_disk
from compat.runner.hooks.logger.base import LoggerHook
from compat.utils.misc import is_seq_of
from engine.errors import ConfigError

__all__ = ['EvalHook', 'DistEvalHook']


@HOOKS.register_module()
class EvalHook(Hook):
    """Evaluate ``dataloader.dataset`` with ``test_fn`` (``single_gpu_test``) and
    ``dataset.evaluate(results, logger=runner.logger, **eval_kwargs)``.

    ``start`` None: every ``interval`` epochs/iters; else at ``start``, ``start+interval``...
    (1-based), and once before training when resuming at or after ``start``. ``save_best``
    names the metric to track (``'auto'``: the first one returned); its rule comes from
    ``rule`` or is inferred from ``greater_keys``/``less_keys``.

    ``dynamic_intervals`` (``[(milestone, interval), ...]``) is MMDet 2.x's extension
    (``mmdet/core/evaluation/eval_hooks.py`` ``EvalHook``, used by the YOLOX configs as
    ``[(max_epochs - num_last_epochs, 1)]``): from epoch/iter ``milestone`` (1-based) on, the
    interval is switched. MMCV itself would hand it to ``dataset.evaluate``, which no legacy
    dataset accepts, so taking it here changes no working config.
    """

    # downstream repos override these (e.g. MMDet's EvalHook keeps them as MMCV has them)
    rule_map = {'greater': lambda x, y: x > y, 'less': lambda x, y: x < y}
    init_value_map = {'greater': -inf, 'less': inf}
    _default_greater_keys = ['acc', 'top', 'AR@', 'auc', 'precision', 'mAP', 'mDice', 'mIoU',
                             'mAcc', 'aAcc']
    _default_less_keys = ['loss']

    def __init__(self, dataloader: DataLoader, start: Optional[int] = None, interval: int = 1,
                 by_epoch: bool = True, save_best: Optional[str] = None,
                 rule: Optional[str] = None, test_fn: Optional[Callable] = None,
                 greater_keys: Optional[List[str]] = None,
                 less_keys: Optional[List[str]] = None, out_dir: Optional[str] = None,
                 file_client_args: Optional[dict] = None, dynamic_intervals=None,
                 **eval_kwargs):
        if not isinstance(dataloader, DataLoader):
            raise TypeError(f'dataloader must be a pytorch DataLoader, '
                            f'but got {type(dataloader)}')
        if interval <= 0:
            raise ValueError(f'interval must be a positive number, but got {interval}')
        assert isinstance(by_epoch, bool), '``by_epoch`` should be a boolean'
        if start is not None and start < 0:
            raise ValueError(f'The evaluation start epoch {start} is smaller than 0')
        assert isinstance(save_best, str) or save_best is None, \
            f'""save_best"" should be a str or None rather than {type(save_best)}'
        check_local_disk('EvalHook', file_client_args, out_dir, key='evaluation')
        self.dataloader = dataloader
        self.interval = interval
        self.start = start
        self.by_epoch = by_epoch
        self.save_best = save_best
        self.eval_kwargs = eval_kwargs
        self.initial_flag = True
        self.test_fn = single_gpu_test if test_fn is None else test_fn
        self.greater_keys = _key_list(greater_keys, self._default_greater_keys)
        self.less_keys = _key_list(less_keys, self._default_less_keys)
        if self.save_best is not None:
            self.best_ckpt_path = None
            self._init_rule(rule, self.save_best)
        self.out_dir = out_dir
        self.file_client_args = file_client_args
        self.use_dynamic_intervals = dynamic_intervals is not None
        if self.use_dynamic_intervals:
            self.dynamic_milestones, self.dynamic_intervals = dynamic_interval_schedule(
                interval, dynamic_intervals)

    def _decide_interval(self, runner) -> None:
        # MMDet's rule: the interval of the last milestone <= the 1-based current epoch/iter
        if self.use_dynamic_intervals:
            progress = runner.epoch if self.by_epoch else runner.iter
            step = bisect.bisect(self.dynamic_milestones, progress + 1)
            self.interval = self.dynamic_intervals[step - 1]

    def _init_rule(self, rule: Optional[str], key_indicator: str) -> None:
        """Set ``rule``/``key_indicator``/``compare_func``; without ``rule``, match the key
        case-insensitively: exact greater key, exact less key, then substring of each."""
        if rule not in self.rule_map and rule is not None:
            raise KeyError(f'rule must be greater, less or None, but got {rule}.')
        if rule is None and key_indicator != 'auto':
            rule = self._infer_rule(key_indicator)
        self.rule = rule
        self.key_indicator = key_indicator
        if self.rule is not None:
            self.compare_func = self.rule_map[self.rule]

    def _infer_rule(self, key_indicator: str) -> str:
        assert isinstance(key_indicator, str)
        key = key_indicator.lower()
        greater = [k.lower() for k in self.greater_keys]
        less = [k.lower() for k in self.less_keys]
        if key in greater:
            return 'greater'
        if key in less:
            return 'less'
        if any(k in key for k in greater):
            return 'greater'
        if any(k in key for k in less):
            return 'less'
        raise ValueError(f'Cannot infer the rule for key {key_indicator}, thus a specific '
                         f'rule must be specified.')

    def before_run(self, runner) -> None:
        if not self.out_dir:
            self.out_dir = runner.work_dir
        if self.out_dir != runner.work_dir:
            # a user out_dir gets the work dir's last folder appended, as in MMCV
            basename = osp.basename(runner.work_dir.rstrip(osp.sep))
            self.out_dir = osp.join(self.out_dir, basename)
            runner.logger.info(f'The best checkpoint will be saved to {self.out_dir} by '
                               'HardDiskBackend')
        if self.save_best is not None:
            if runner.meta is None:
                warnings.warn('runner.meta is None. Creating an empty one.')
                runner.meta = dict()
            runner.meta.setdefault('hook_msgs', dict())
            self.best_ckpt_path = runner.meta['hook_msgs'].get('best_ckpt', None)

    def before_train_iter(self, runner) -> None:
        """Evaluate once before iter-based training resumed at or after ``start``."""
        self._decide_interval(runner)
        if self.by_epoch or not self.initial_flag:
            return
        if self.start is not None and runner.iter >= self.start:
            self.after_train_iter(runner)
        self.initial_flag = False

    def before_train_epoch(self, runner) -> None:
        """Evaluate once before epoch-based training resumed at or after ``start``."""
        self._decide_interval(runner)
        if not (self.by_epoch and self.initial_flag):
            return
        if self.start is not None and runner.epoch >= self.start:
            self.after_train_epoch(runner)
        self.initial_flag = False

    def after_train_iter(self, runner) -> None:
        if not self.by_epoch and self._should_evaluate(runner):
            # the logger hooks run after this one (LOW priority in downstream train scripts):
            # flush the training log first so it is not mixed into the evaluation log
            for hook in runner._hooks:
                if _is_logger_hook(hook):
                    hook.after_train_iter(runner)
            runner.log_buffer.clear()
            self._do_evaluate(runner)

    def after_train_epoch(self, runner) -> None:
        if self.by_epoch and self._should_evaluate(runner):
            self._do_evaluate(runner)

    def _do_evaluate(self, runner) -> None:
        results = self.test_fn(runner.model, self.dataloader)
        runner.log_buffer.output['eval_iter_num'] = len(self.dataloader)
        key_score = self.evaluate(runner, results)
        # MMCV skips a falsy score too (0.0 included): kept for bit-equal best checkpoints
        if self.save_best and key_score:
            self._save_ckpt(runner, key_score)

    def _should_evaluate(self, runner) -> bool:
        if self.by_epoch:
            current, check_time = runner.epoch, self.every_n_epochs
        else:
            current, check_time = runner.iter, self.every_n_iters
        if self.start is None:
            return check_time(runner, self.interval)
        if current + 1 < self.start:
            return False
        return (current + 1 - self.start) % self.interval == 0

    def _save_ckpt(self, runner, key_score) -> None:
        """Save ``best_{key}_{epoch|iter}_{n}.pth`` when ``key_score`` beats
        ``hook_msgs['best_score']``, and remove the previous best file."""
        if self.by_epoch:
            current, cur_type, cur_time = f'epoch_{runner.epoch + 1}', 'epoch', runner.epoch + 1
        else:
            current, cur_type, cur_time = f'iter_{runner.iter + 1}', 'iter', runner.iter + 1
        best_score = runner.meta['hook_msgs'].get('best_score', self.init_value_map[self.rule])
        if not self.compare_func(key_score, best_score):
            return
        best_score = key_score
        runner.meta['hook_msgs']['best_score'] = best_score
        if self.best_ckpt_path and osp.isfile(self.best_ckpt_path):
            os.remove(self.best_ckpt_path)
            runner.logger.info(f'The previous best checkpoint {self.best_ckpt_path} was removed')
        best_ckpt_name = f'best_{self.key_indicator}_{current}.pth'
        self.best_ckpt_path = osp.join(self.out_dir, best_ckpt_name)
        runner.meta['hook_msgs']['best_ckpt'] = self.best_ckpt_path
        runner.save_checkpoint(self.out_dir, filename_tmpl=best_ckpt_name, create_symlink=False)
        runner.logger.info(f'Now best checkpoint is saved as {best_ckpt_name}.')
        runner.logger.info(f'Best {self.key_indicator} is {best_score:0.4f} '
                           f'at {cur_time} {cur_type}.')

    def evaluate(self, runner, results):
        """Write ``dataset.evaluate``'s metrics into ``runner.log_buffer.output`` (marked
        ready) and return the ``save_best`` metric's value (None without ``save_best``)."""
        eval_res = self.dataloader.dataset.evaluate(results, logger=runner.logger,
                                                    **self.eval_kwargs)
        for name, val in eval_res.items():
            runner.log_buffer.output[name] = val
        runner.log_buffer.ready = True
        if self.save_best is None:
            return None
        if not eval_res:
            # e.g. MMDet returns {} when a poor model detects nothing (mmdetection#6265)
            warnings.warn('Since `eval_res` is an empty dict, the behavior to save the best '
                          'checkpoint will be skipped in this evaluation.')
            return None
        if self.key_indicator == 'auto':
            self._init_rule(self.rule, list(eval_res.keys())[0])
        return eval_res[self.key_indicator]


@HOOKS.register_module()
class DistEvalHook(EvalHook):
    """:class:`EvalHook` for distributed training: every rank tests its share with
    ``multi_gpu_test`` (results gathered through ``tmpdir``, default
    ``work_dir/.eval_hook``, or with CUDA when ``gpu_collect``); rank 0 evaluates and saves
    the best checkpoint. ``broadcast_bn_buffer`` first copies rank 0's BatchNorm running
    statistics to every rank, since DDP does not keep them in sync."""

    def __init__(self, dataloader: DataLoader, start: Optional[int] = None, interval: int = 1,
                 by_epoch: bool = True, save_best: Optional[str] = None,
                 rule: Optional[str] = None, test_fn: Optional[Callable] = None,
                 greater_keys: Optional[List[str]] = None,
                 less_keys: Optional[List[str]] = None, broadcast_bn_buffer: bool = True,
                 tmpdir: Optional[str] = None, gpu_collect: bool = False,
                 out_dir: Optional[str] = None, file_client_args: Optional[dict] = None,
                 dynamic_intervals=None, **eval_kwargs):
        super().__init__(dataloader, start=start, interval=interval, by_epoch=by_epoch,
                         save_best=save_best, rule=rule,
                         test_fn=multi_gpu_test if test_fn is None else test_fn,
                         greater_keys=greater_keys, less_keys=less_keys, out_dir=out_dir,
                         file_client_args=file_client_args,
                         dynamic_intervals=dynamic_intervals, **eval_kwargs)
        self.broadcast_bn_buffer = broadcast_bn_buffer
        self.tmpdir = tmpdir
        self.gpu_collect = gpu_collect

    def _do_evaluate(self, runner) -> None:
        if self.broadcast_bn_buffer:
            for _, module in runner.model.named_modules():
                if isinstance(module, _BatchNorm) and module.track_running_stats:
                    dist.broadcast(module.running_var, 0)
                    dist.broadcast(module.running_mean, 0)
        tmpdir = self.tmpdir
        if tmpdir is None:
            tmpdir = osp.join(runner.work_dir, '.eval_hook')
        results = self.test_fn(runner.model, self.dataloader, tmpdir=tmpdir,
                               gpu_collect=self.gpu_collect)
        if runner.rank == 0:
            runner.log_buffer.output['eval_iter_num'] = len(self.dataloader)
            key_score = self.evaluate(runner, results)
            if self.save_best and key_score:
                self._save_ckpt(runner, key_score)


def dynamic_interval_schedule(start_interval: int, dynamic_intervals):
    """MMDet 2.x's ``_calc_dynamic_intervals``: milestones ``[0, m1, ...]`` and intervals
    ``[start_interval, i1, ...]`` from ``[(m1, i1), ...]`` (a list of 2-tuples, as there)."""
    if not (isinstance(dynamic_intervals, list)
            and all(isinstance(item, tuple) and len(item) == 2 for item in dynamic_intervals)):
        raise ConfigError(
            f'EvalHook: dynamic_intervals must be a list of (milestone, interval) tuples, '
            f'got {dynamic_intervals!r}', key='evaluation.dynamic_intervals',
            fix='write it as MMDet does, e.g. dynamic_intervals=[(285, 1)]')
    return ([0] + [m for m, _ in dynamic_intervals],
            [start_interval] + [i for _, i in dynamic_intervals])


def _key_list(keys, default: List[str]):
    """MMCV's normalisation: None -> the defaults, a str -> a 1-tuple, else a str sequence."""
    if keys is None:
        return default
    if not isinstance(keys, (list, tuple)):
        # MMCV asserted on greater_keys here (a typo) and so crashed on a str less_keys
        assert isinstance(keys, str)
        keys = (keys,)
    assert is_seq_of(keys, str)
    return keys


def _is_logger_hook(hook: Hook) -> bool:
    return isinstance(hook, LoggerHook)
