"""Turns message-hub history into log lines and scalar tags (MMEngine's ``LogProcessor``).

The text is MMEngine 0.10.7's, character for character (fixtures/goldens/log_processor.json):

    Epoch(train) [2][ 7/10]  lr: 2.6000e-02  eta: 1:02:03  time: 0.2200  data_time: 0.0540  ...
    Epoch(val) [1][3/5]    eta: 0:00:01  time: 0.1200  data_time: 0.0260
    Epoch(val) [1][5/5]    accuracy/top1: 62.5000  data_time: 0.0260  time: 0.1200
    Epoch(test) [7/7]    accuracy/top1: 75.0000  data_time: 0.0251  time: 0.1171
"""
from __future__ import annotations

import copy
import datetime
import re
from collections import OrderedDict
from typing import List, Optional, Tuple, Union

import numpy as np
import torch

from engine.registry import LOG_PROCESSORS

METHODS = ('mean', 'min', 'max', 'current')
WindowSize = Union[int, str]


@LOG_PROCESSORS.register_module()
class LogProcessor:
    """Smooths the scalars of the message hub and formats them.

    Args:
        window_size: iterations to average the scalars matching ``mean_pattern`` over; also
            ``'epoch'`` (since the start of the epoch) or ``'global'`` (since the start of
            training) -- an engine extension, MMEngine accepts these only in ``custom_cfg``.
        by_epoch: ``Epoch(train) [e][i/n]`` headers, else ``Iter(train) [i/N]``.
        custom_cfg: extra statistics, e.g.
            ``[dict(data_src='loss', method_name='mean', window_size='global',
            log_name='loss_global')]``; without ``log_name`` the entry replaces ``data_src``.
            ``method_name`` is ``mean``, ``min``, ``max`` or ``current``.
        num_digits: digits after the point (``lr`` is printed as ``{:.{num_digits}e}``).
        log_with_hierarchy: scalar tags keep their ``train/``, ``val/`` prefixes.
        mean_pattern: scalars whose name matches (``re.search``) are window means; the others
            are their latest value.

    Example: ``window_size=10`` logs at iteration 20 the mean loss of iterations 11..20.
    """

    def __init__(self, window_size: WindowSize = 10, by_epoch: bool = True,
                 custom_cfg: Optional[List[dict]] = None, num_digits: int = 4,
                 log_with_hierarchy: bool = False,
                 mean_pattern: str = r'.*(loss|time|data_time|grad_norm).*'):
        _check_window(window_size, 'log_processor.window_size')
        self.window_size = window_size
        self.by_epoch = by_epoch
        self.custom_cfg = [dict(c) for c in custom_cfg or []]
        self.num_digits = num_digits
        self.log_with_hierarchy = log_with_hierarchy
        self.mean_pattern = re.compile(mean_pattern)
        self._check_custom_cfg()

    def _check_custom_cfg(self) -> None:
        names = set()
        for i, cfg in enumerate(self.custom_cfg):
            where = f'log_processor.custom_cfg[{i}]'
            if 'data_src' not in cfg:
                raise ValueError(f'{where} needs data_src (the scalar to summarise)')
            method = cfg.get('method_name', 'mean')
            if method not in METHODS:
                raise ValueError(f'{where}.method_name must be one of {METHODS}, got {method!r}')
            window = cfg.get('window_size')
            if window is not None:
                _check_window(window, f'{where}.window_size')
            if window == 'epoch' and not self.by_epoch:
                raise ValueError(f"{where}.window_size='epoch' needs by_epoch=True")
            name = cfg.get('log_name', cfg['data_src'])
            if name in names:
                raise ValueError(f'{where} writes {name!r} a second time; give it another '
                                 'log_name')
            names.add(name)

    # -- statistics ----------------------------------------------------------------------------
    @staticmethod
    def _resolve(window: Optional[WindowSize], runner, batch_idx: int) -> Optional[int]:
        if window == 'epoch':
            return batch_idx + 1
        if window == 'global':
            return runner.iter + 1
        return window

    def _collect_scalars(self, custom_cfg: List[dict], runner, mode: str, batch_idx: int,
                         keep_prefix: bool = False) -> 'OrderedDict[str, object]':
        prefix = f'{mode}/'
        scalars = OrderedDict()
        for key, buf in runner.message_hub.log_scalars.items():
            if key.startswith(prefix):
                scalars[key if keep_prefix else key[len(prefix):]] = buf
        window = self._resolve(self.window_size, runner, batch_idx)
        tag = OrderedDict()
        for key, buf in scalars.items():
            tag[key] = buf.mean(window) if self.mean_pattern.search(key) else buf.current()
        for cfg in custom_cfg:
            src = cfg['data_src']
            name = cfg.get('log_name', src)
            if keep_prefix:
                src, name = prefix + src, prefix + name
            if src not in scalars:
                continue
            method = cfg.get('method_name', 'mean')
            buf = scalars[src]
            if method == 'current':
                tag[name] = buf.current()
            else:
                tag[name] = getattr(buf, method)(
                    self._resolve(cfg.get('window_size'), runner, batch_idx))
        return tag

    @staticmethod
    def _non_scalars(runner, mode: str, keep_prefix: bool) -> 'OrderedDict[str, object]':
        prefix = f'{mode}/'
        return OrderedDict((k if keep_prefix else k[len(prefix):], v)
                           for k, v in runner.message_hub.runtime_info.items()
                           if k.startswith(prefix))

    def _fmt(self, value) -> str:
        if isinstance(value, float):
            return f'{value:.{self.num_digits}f}'
        if isinstance(value, (torch.Tensor, np.ndarray)):
            return f'\n{value}\n'
        return str(value)

    # -- iteration lines -----------------------------------------------------------------------
    def get_log_after_iter(self, runner, batch_idx: int, mode: str) -> Tuple[dict, str]:
        """(scalar tag, log line) after iteration ``batch_idx`` of ``mode`` (train/val/test).

        The tag also carries ``epoch`` (by-epoch train/val) and ``iter`` (the global
        iteration, 0 outside training), and ``memory`` (MB) on CUDA.
        """
        if mode not in ('train', 'val', 'test'):
            raise ValueError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
        log_tag = self._collect_scalars(self.custom_cfg, runner, mode, batch_idx)
        tag = (self._collect_scalars(self.custom_cfg, runner, mode, batch_idx, True)
               if self.log_with_hierarchy else OrderedDict(log_tag))
        lr_parts = []
        for key, value in tag.items():
            if key.endswith('lr'):
                short = key[len(mode) + 1:] if key.startswith(f'{mode}/') else key
                log_tag.pop(short)
                lr_parts.append(f'{short}: {value:.{self.num_digits}e}')
        line = self._iter_header(runner, batch_idx, mode, tag) + ' '.join(lr_parts) + '  '
        trained = runner.train_loop is not None
        tag['iter'] = runner.iter + 1 if trained else 0
        if ('time' in log_tag and 'data_time' in log_tag
                and 'eta' in runner.message_hub.runtime_info):
            eta = datetime.timedelta(seconds=int(runner.message_hub.get_info('eta')))
            line += (f'eta: {eta}  time: {log_tag.pop("time"):.{self.num_digits}f}  '
                     f'data_time: {log_tag.pop("data_time"):.{self.num_digits}f}  ')
        if torch.cuda.is_available():
            memory = _max_cuda_memory_mb(runner)
            line += f'memory: {memory}  '
            tag['memory'] = memory
        if mode in ('train', 'val'):
            # validation progress shows only losses logged with their val/ prefix
            items = [f'{k}: {self._fmt(v)}' for k, v in log_tag.items()
                     if mode == 'train' or k.startswith('val/loss')]
            line += '  '.join(items)
        return dict(tag), line

    def _iter_header(self, runner, batch_idx: int, mode: str, tag: dict) -> str:
        trained = runner.train_loop is not None
        if not self.by_epoch:
            if mode == 'train':
                return f'Iter(train) [{runner.iter + 1:>{len(str(runner.max_iters))}}' \
                       f'/{runner.max_iters}]  '
            n = len(self._loop(runner, mode).dataloader)
            return f'Iter({mode}) [{batch_idx + 1:>{len(str(n))}}/{n}]  '
        n = len(self._loop(runner, mode).dataloader)
        progress = f'[{batch_idx + 1:>{len(str(n))}}/{n}]'
        if mode == 'test':
            return f'Epoch(test) {progress}  '
        epoch = runner.epoch + 1 if mode == 'train' else (runner.epoch if trained else 0)
        tag['epoch'] = epoch
        # right-align the epoch to the width of max_epochs; MMEngine drops the space entirely
        # when there is no train loop ("Epoch(val)[0][...]"), kept for log parsers
        epoch_str = f'[{epoch}]'.rjust(len(str(runner.max_epochs)) + 3) if trained \
            else f'[{epoch}]'
        return f'Epoch({mode}){epoch_str}{progress}  '

    @staticmethod
    def _loop(runner, mode: str):
        return {'train': runner.train_loop, 'val': runner.val_loop, 'test': runner.test_loop}[mode]

    # -- epoch lines ---------------------------------------------------------------------------
    def get_log_after_epoch(self, runner, batch_idx: int, mode: str,
                            with_non_scalar: bool = False) -> Tuple[dict, str]:
        """(metrics tag, log line) after a validation or test epoch; ``time`` and
        ``data_time`` are their means over the epoch and come last."""
        if mode not in ('val', 'test'):
            raise ValueError(f"get_log_after_epoch takes mode 'val' or 'test', got {mode!r}")
        n = len(self._loop(runner, mode).dataloader)
        if not self.by_epoch:
            line = f'Iter({mode}) [{n}/{n}]    '
        elif mode == 'val':
            epoch = runner.epoch if runner.train_loop is not None else 0
            line = f'Epoch(val) [{epoch}][{n}/{n}]    '
        else:
            line = f'Epoch(test) [{n}/{n}]    '
        custom = copy.deepcopy(self.custom_cfg)
        sources = {c['data_src'][len(mode) + 1:] if c['data_src'].startswith(f'{mode}/')
                   else c['data_src'] for c in custom}
        for key in ('time', 'data_time'):
            if key not in sources:
                custom.append(dict(data_src=key, window_size='epoch', method_name='mean'))
        scalars = self._collect_scalars(custom, runner, mode, batch_idx, self.log_with_hierarchy)
        non_scalars = self._non_scalars(runner, mode, self.log_with_hierarchy)
        timed = (f'{mode}/time', f'{mode}/data_time', 'time', 'data_time')
        tag = OrderedDict((k, v) for k, v in scalars.items() if k not in timed)
        time_tag = OrderedDict((k, v) for k, v in scalars.items() if k in timed)
        items = list(tag.items()) + list(non_scalars.items()) + list(time_tag.items())
        line += '  '.join(f'{k}: {self._fmt(v)}' for k, v in items)
        if with_non_scalar:
            tag.update(non_scalars)
        tag.update(time_tag)
        return dict(tag), line


def _check_window(window, where: str) -> None:
    if isinstance(window, bool) or not (isinstance(window, int) or window in ('epoch',
                                                                               'global')):
        raise TypeError(f"{where} must be an int, 'epoch' or 'global', got {window!r}")


def _max_cuda_memory_mb(runner) -> int:
    """Peak CUDA memory of this process in MB since the last call (then the peak is reset)."""
    device = getattr(runner.model, 'output_device', None)
    mem = torch.cuda.max_memory_allocated(device=device)
    torch.cuda.reset_peak_memory_stats(device=device)
    return int(mem / (1024 * 1024))
