"""MMCV 1.7.2's ``TextLoggerHook``: the console lines and the ``<timestamp>.log.json`` records."""
from __future__ import annotations

import datetime
import json
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, Optional, Union

import torch
import torch.distributed as dist

from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.local_disk import BACKEND_NAME, check_local_disk, join_work_dir_basename
from compat.runner.hooks.logger.base import LoggerHook
from compat.utils.json_handler import json_default
from compat.utils.misc import is_tuple_of
from compat.utils.path import mkdir_or_exist, scandir

# keys already rendered in a console line's head, so left out of its "name: value" tail
_HEAD_KEYS = ('mode', 'Epoch', 'iter', 'lr', 'time', 'data_time', 'memory', 'epoch')


@HOOKS.register_module()
class TextLoggerHook(LoggerHook):
    """Log to ``runner.logger`` and append one JSON record per log to
    ``work_dir/<timestamp>.log.json`` (the run's ``meta`` first). With ``out_dir``, files of
    ``work_dir`` ending with ``out_suffix`` are copied to ``out_dir/<work_dir basename>`` after
    the run (and removed locally unless ``keep_local``)."""

    def __init__(self, by_epoch: bool = True, interval: int = 10, ignore_last: bool = True,
                 reset_flag: bool = False, interval_exp_name: int = 1000,
                 out_dir: Optional[str] = None,
                 out_suffix: Union[str, tuple] = ('.log.json', '.log', '.py'),
                 keep_local: bool = True, file_client_args: Optional[Dict] = None):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.time_sec_tot = 0
        self.interval_exp_name = interval_exp_name
        if out_dir is None and file_client_args is not None:
            raise ValueError('file_client_args should be "None" when `out_dir` is not'
                             'specified.')
        if not (out_dir is None or isinstance(out_dir, str) or is_tuple_of(out_dir, str)):
            raise TypeError('out_dir should be  "None" or string or tuple of '
                            f'string, but got {out_dir}')
        check_local_disk('TextLoggerHook', file_client_args, out_dir)
        self.out_dir = out_dir
        self.out_suffix = out_suffix
        self.keep_local = keep_local
        self.file_client_args = file_client_args

    def before_run(self, runner) -> None:
        super().before_run(runner)
        if self.out_dir is not None:
            self.out_dir = join_work_dir_basename(self.out_dir, runner.work_dir)
            runner.logger.info(f'Text logs will be saved to {self.out_dir} by {BACKEND_NAME} '
                               'after the training process.')
        self.start_iter = runner.iter
        self.json_log_path = osp.join(runner.work_dir, f'{runner.timestamp}.log.json')
        if runner.meta is not None:
            self._dump_log(runner.meta, runner)

    def _get_max_memory(self, runner) -> int:
        """Peak CUDA memory in MB (the max over ranks on rank 0)."""
        device = getattr(runner.model, 'output_device', None)
        mem = torch.cuda.max_memory_allocated(device=device)
        mem_mb = torch.tensor([int(mem) // (1024 * 1024)], dtype=torch.int, device=device)
        if runner.world_size > 1:
            dist.reduce(mem_mb, 0, op=dist.ReduceOp.MAX)
        return mem_mb.item()

    def _log_info(self, log_dict: Dict, runner) -> None:
        if runner.meta is not None and 'exp_name' in runner.meta:
            if self.every_n_iters(runner, self.interval_exp_name) or (
                    self.by_epoch and self.end_of_epoch(runner)):
                runner.logger.info(f'Exp name: {runner.meta["exp_name"]}')
        if log_dict['mode'] == 'train':
            log_str = self._train_head(log_dict, runner)
        elif self.by_epoch:
            log_str = f'Epoch({log_dict["mode"]}) [{log_dict["epoch"]}][{log_dict["iter"]}]\t'
        else:
            log_str = f'Iter({log_dict["mode"]}) [{log_dict["iter"]}]\t'
        items = [f'{name}: {val:.4f}' if isinstance(val, float) else f'{name}: {val}'
                 for name, val in log_dict.items() if name not in _HEAD_KEYS]
        runner.logger.info(log_str + ', '.join(items))

    def _train_head(self, log_dict: Dict, runner) -> str:
        """``Epoch [e][i/n]\\t`` or ``Iter [i/max]\\t``, lr, then eta/time/data_time/memory."""
        if isinstance(log_dict['lr'], dict):
            lr_str = ' '.join(f'lr_{k}: {val:.3e}' for k, val in log_dict['lr'].items())
        else:
            lr_str = f'lr: {log_dict["lr"]:.3e}'
        if self.by_epoch:
            head = (f'Epoch [{log_dict["epoch"]}]'
                    f'[{log_dict["iter"]}/{len(runner.data_loader)}]\t')
        else:
            head = f'Iter [{log_dict["iter"]}/{runner.max_iters}]\t'
        head += f'{lr_str}, '
        if 'time' in log_dict:
            # MMCV's estimate: the mean time of the iterations since the run (re)started,
            # counting each log's average `interval` times
            self.time_sec_tot += log_dict['time'] * self.interval
            time_sec_avg = self.time_sec_tot / (runner.iter - self.start_iter + 1)
            eta_sec = time_sec_avg * (runner.max_iters - runner.iter - 1)
            head += f'eta: {datetime.timedelta(seconds=int(eta_sec))}, '
            head += f'time: {log_dict["time"]:.3f}, data_time: {log_dict["data_time"]:.3f}, '
            if torch.cuda.is_available():
                head += f'memory: {log_dict["memory"]}, '
        return head

    def _dump_log(self, log_dict: Dict, runner) -> None:
        """Append ``log_dict`` (floats rounded to 5 digits) as one JSON line, on rank 0."""
        json_log = OrderedDict((k, _round_float(v)) for k, v in log_dict.items())
        if runner.rank == 0:
            with open(self.json_log_path, 'a+') as f:
                json.dump(json_log, f, default=json_default)
                f.write('\n')

    def log(self, runner) -> OrderedDict:
        if 'eval_iter_num' in runner.log_buffer.output:
            # evaluation hooks report their own iteration count, whatever by_epoch is
            cur_iter = runner.log_buffer.output.pop('eval_iter_num')
        else:
            cur_iter = self.get_iter(runner, inner_iter=True)
        log_dict = OrderedDict(mode=self.get_mode(runner), epoch=self.get_epoch(runner),
                               iter=cur_iter)
        cur_lr = runner.current_lr()
        if isinstance(cur_lr, list):
            log_dict['lr'] = cur_lr[0]
        else:
            assert isinstance(cur_lr, dict)
            log_dict['lr'] = {k: lr_[0] for k, lr_ in cur_lr.items()}
        if 'time' in runner.log_buffer.output and torch.cuda.is_available():
            log_dict['memory'] = self._get_max_memory(runner)
        log_dict = dict(log_dict, **runner.log_buffer.output)
        self._log_info(log_dict, runner)
        self._dump_log(log_dict, runner)
        return log_dict

    def after_run(self, runner) -> None:
        if self.out_dir is None:
            return
        mkdir_or_exist(self.out_dir)
        for filename in scandir(runner.work_dir, self.out_suffix, True):
            local_filepath = osp.join(runner.work_dir, filename)
            out_filepath = osp.join(self.out_dir, filename)
            mkdir_or_exist(osp.dirname(out_filepath))
            with open(local_filepath) as src, open(out_filepath, 'w') as dst:
                dst.write(src.read())
            runner.logger.info(f'The file {local_filepath} has been uploaded to {out_filepath}.')
            if not self.keep_local:
                os.remove(local_filepath)
                runner.logger.info(f'{local_filepath} was removed due to the '
                                   '`self.keep_local=False`')


def _round_float(items):
    if isinstance(items, list):
        return [_round_float(item) for item in items]
    if isinstance(items, float):
        return round(items, 5)
    return items

