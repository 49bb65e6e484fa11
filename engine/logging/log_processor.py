"""Turns message-hub history into log lines and scalar tags (MMEngine's ``LogProcessor``)."""
from __future__ import annotations

import datetime
import re
from collections import OrderedDict
from typing import List, Optional, Tuple, Union

from engine.registry import LOG_PROCESSORS


@LOG_PROCESSORS.register_module()
class LogProcessor:
    """Smooths scalars over ``window_size`` iterations and formats them.

    Args:
        window_size: iterations to average over, or ``'epoch'`` / ``'global'``.
        by_epoch: format as ``Epoch(train) [e][i/n]`` instead of ``Iter(train) [i/n]``.
        custom_cfg: ``[dict(data_src='loss', method_name='mean', window_size=..., log_name=...)]``.
        num_digits: digits after the point in the log line.
        log_with_hierarchy: keep ``train/``/``val/`` prefixes in the scalar tags.
        mean_pattern: keys matching it are averaged over the window; others use their last value.

    Example: with ``window_size=10`` the logged ``loss`` at iteration 20 is the mean of the
    losses of iterations 11..20.
    """

    def __init__(self, window_size: Union[int, str] = 10, by_epoch: bool = True,
                 custom_cfg: Optional[List[dict]] = None, num_digits: int = 4,
                 log_with_hierarchy: bool = False,
                 mean_pattern: str = r'.*(loss|time|data_time|grad_norm).*'):
        self.window_size = window_size
        self.by_epoch = by_epoch
        self.custom_cfg = list(custom_cfg or [])
        self.num_digits = num_digits
        self.log_with_hierarchy = log_with_hierarchy
        self.mean_pattern = re.compile(mean_pattern)
        for cfg in self.custom_cfg:
            if 'data_src' not in cfg:
                raise ValueError('each log_processor.custom_cfg entry needs data_src')
            if cfg.get('method_name', 'mean') not in ('mean', 'current', 'max', 'min'):
                raise ValueError(f"log_processor.custom_cfg method_name must be mean, current, "
                                 f"max or min, got {cfg['method_name']!r}")

    # -- statistics ----------------------------------------------------------------------------
    def _window(self, window, batch_idx: int, runner) -> Optional[int]:
        if window == 'epoch':
            return batch_idx + 1
        if window == 'global':
            return runner.iter + 1
        return int(window)

    def _collect_scalars(self, runner, mode: str, batch_idx: int) -> OrderedDict:
        hub = runner.message_hub
        prefix = f'{mode}/'
        tag = OrderedDict()
        custom = {c['data_src']: c for c in self.custom_cfg}
        for key, buf in hub.log_scalars.items():
            if not key.startswith(prefix):
                continue
            name = key if self.log_with_hierarchy else key[len(prefix):]
            if key[len(prefix):] in custom:
                continue
            if self.mean_pattern.match(name):
                tag[name] = buf.mean(self._window(self.window_size, batch_idx, runner))
            else:
                tag[name] = buf.current()
        for src, cfg in custom.items():
            key = prefix + src
            if key not in hub.log_scalars:
                continue
            buf = hub.log_scalars[key]
            method = cfg.get('method_name', 'mean')
            name = cfg.get('log_name', src)
            if method in ('mean', 'max', 'min'):
                window = self._window(cfg.get('window_size', self.window_size), batch_idx, runner)
                tag[name] = buf.statistics(method, window)
            else:
                tag[name] = buf.current()
        return tag

    def _fmt(self, value) -> str:
        if isinstance(value, float):
            return f'{value:.{self.num_digits}f}'
        return str(value)

    # -- train / val / test lines --------------------------------------------------------------
    def get_log_after_iter(self, runner, batch_idx: int, mode: str) -> Tuple[dict, str]:
        """(scalar tag, log line) after iteration ``batch_idx`` of ``mode``."""
        tag = self._collect_scalars(runner, mode, batch_idx)
        if mode == 'train':
            dataloader = runner.train_dataloader
            if self.by_epoch:
                head = (f'Epoch({mode}) [{runner.epoch + 1}][{batch_idx + 1:>{_w(dataloader)}}'
                        f'/{len(dataloader)}]')
            else:
                head = f'Iter({mode}) [{runner.iter + 1:>{len(str(runner.max_iters))}}' \
                       f'/{runner.max_iters}]'
        else:
            dataloader = runner.val_dataloader if mode == 'val' else runner.test_dataloader
            head = f'Epoch({mode}) [{batch_idx + 1:>{_w(dataloader)}}/{len(dataloader)}]'
        parts = [head]
        if mode != 'train':  # metrics belong to the epoch line, not the progress line
            tag = OrderedDict((k, v) for k, v in tag.items() if k in ('time', 'data_time'))
        lr_keys = [k for k in tag if k.endswith('lr')]
        for k in lr_keys:
            parts.append(f'{k}: {tag[k]:.{self.num_digits}e}')
        eta = runner.message_hub.get_info('eta')
        if mode == 'train' and eta is not None:
            parts.append(f'eta: {datetime.timedelta(seconds=int(eta))}')
        for k in ('time', 'data_time'):
            if k in tag:
                parts.append(f'{k}: {self._fmt(tag[k])}')
        for k, v in tag.items():
            if k in lr_keys or k in ('time', 'data_time'):
                continue
            parts.append(f'{k}: {self._fmt(v)}')
        return dict(tag), '  '.join(parts)

    def get_log_after_epoch(self, runner, batch_idx: int, mode: str,
                            with_non_scalar: bool = False) -> Tuple[dict, str]:
        """(metrics tag, log line) after a validation or test epoch."""
        hub = runner.message_hub
        prefix = f'{mode}/'
        tag = OrderedDict()
        for key, buf in hub.log_scalars.items():
            if key.startswith(prefix):
                name = key if self.log_with_hierarchy else key[len(prefix):]
                if name in ('time', 'data_time'):
                    tag[name] = buf.mean(batch_idx)
                else:
                    tag[name] = buf.current()
        if with_non_scalar:
            for key, value in hub.runtime_info.items():
                if key.startswith(prefix):
                    tag[key if self.log_with_hierarchy else key[len(prefix):]] = value
        dataloader = runner.val_dataloader if mode == 'val' else runner.test_dataloader
        if self.by_epoch and mode == 'val' and runner.train_loop is not None:
            head = f'Epoch({mode}) [{runner.epoch}][{len(dataloader)}/{len(dataloader)}]'
        elif mode == 'val' and runner.train_loop is not None:
            head = f'Iter({mode}) [{len(dataloader)}/{len(dataloader)}]'
        else:
            head = f'Epoch({mode}) [{len(dataloader)}/{len(dataloader)}]'
        body = [f'{k}: {self._fmt(v)}' for k, v in tag.items() if k not in ('time', 'data_time')]
        return dict(tag), '  '.join([head] + body)


def _w(dataloader) -> int:
    return len(str(len(dataloader)))
