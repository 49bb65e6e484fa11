"""collect_env answers truly for the compat runtime; get_logger on a non-zero rank."""
from __future__ import annotations

import logging
import sys

import torch

from compat.utils import TORCH_VERSION, collect_env, get_logger
from compat.utils import logging as compat_logging


def test_collect_env_describes_compat_without_compiled_ops():
    env = collect_env()
    assert env['sys.platform'] == sys.platform
    assert env['Python'] == sys.version.replace('\n', '')
    assert env['CUDA available'] is torch.cuda.is_available()
    assert env['PyTorch'] == torch.__version__ == TORCH_VERSION
    assert 'compat runtime' in env['MMCV'] and 'no compiled ops' in env['MMCV']
    assert env['MMCV Compiler'] == env['MMCV CUDA Compiler'] == 'n/a'
    try:
        import torchvision
    except ImportError:
        assert 'TorchVision' not in env
    else:
        assert env['TorchVision'] == torchvision.__version__


def test_other_ranks_log_errors_only_and_write_no_file(monkeypatch, tmp_path):
    monkeypatch.setattr(compat_logging, 'get_rank', lambda: 1)
    name = 'rank-one-logger'
    try:
        logger = get_logger(name, log_file=str(tmp_path / 'x.log'))
        assert logger.level == logging.ERROR
        assert [type(h) for h in logger.handlers] == [logging.StreamHandler]
        assert not (tmp_path / 'x.log').exists()
    finally:
        compat_logging.logger_initialized.pop(name, None)
        for handler in list(logging.getLogger(name).handlers):
            logging.getLogger(name).removeHandler(handler)
