"""A small fake runner with the attributes the engine's runner exposes to hooks."""
from __future__ import annotations

import logging

import pytest
import torch.nn as nn

from engine.runtime.message_hub import MessageHub


class FakeLoop:
    def __init__(self, dataloader=None, max_epochs=3, max_iters=30):
        self.dataloader = dataloader
        self.max_epochs = max_epochs
        self.max_iters = max_iters


class FakeRunner:
    """Plain attributes only, so a hook reading something unexpected fails loudly."""

    def __init__(self, model=None, *, epoch=0, iter=0, max_epochs=3, max_iters=30,
                 train_dataloader=None, val_dataloader=None, test_dataloader=None,
                 distributed=False, resume=False, work_dir='work_dirs/fake'):
        self.model = model if model is not None else nn.Linear(2, 2)
        self.epoch = epoch
        self.iter = iter
        self.max_epochs = max_epochs
        self.max_iters = max_iters
        self.train_dataloader = train_dataloader
        self.val_dataloader = val_dataloader
        self.test_dataloader = test_dataloader
        self.train_loop = FakeLoop(train_dataloader, max_epochs, max_iters)
        self.message_hub = MessageHub()
        self.optim_wrapper = None
        self.distributed = distributed
        self._resume = resume
        self.logger = logging.getLogger('engine.tests.hooks')
        self.work_dir = work_dir


@pytest.fixture
def make_runner():
    return FakeRunner
