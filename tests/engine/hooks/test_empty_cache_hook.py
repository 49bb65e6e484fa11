"""EmptyCacheHook: empty_cache at the configured points, only when CUDA is available."""
from __future__ import annotations

import pytest
import torch

from engine.hooks.empty_cache_hook import EmptyCacheHook
from engine.hooks.hook import check_hook_signatures
from engine.registry import HOOKS


@pytest.fixture
def calls(monkeypatch):
    record = []
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'empty_cache', lambda: record.append(1))
    return record


def run_all_stages(hook, runner):
    for mode in ('train', 'val', 'test'):
        getattr(hook, f'before_{mode}_epoch')(runner)
        getattr(hook, f'before_{mode}_iter')(runner, batch_idx=0, data_batch=None)
        getattr(hook, f'after_{mode}_iter')(runner, batch_idx=0, data_batch=None, outputs=None)
        if mode == 'train':
            hook.after_train_epoch(runner)
        else:
            getattr(hook, f'after_{mode}_epoch')(runner, metrics={})


def test_registered_with_normal_priority():
    assert HOOKS.get('EmptyCacheHook') is EmptyCacheHook
    assert EmptyCacheHook.priority == 'NORMAL'
    check_hook_signatures(EmptyCacheHook())


@pytest.mark.parametrize('kwargs,expected', [
    ({}, 3),                                   # after each of the 3 epochs
    (dict(before_epoch=True), 6),
    (dict(after_epoch=False), 0),
    (dict(after_epoch=False, after_iter=True), 3),
    (dict(before_epoch=True, after_iter=True), 9),
])
def test_calls_per_stage(calls, make_runner, kwargs, expected):
    run_all_stages(EmptyCacheHook(**kwargs), make_runner())
    assert len(calls) == expected


def test_no_cuda_no_call(monkeypatch, make_runner):
    record = []
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr(torch.cuda, 'empty_cache', lambda: record.append(1))
    run_all_stages(EmptyCacheHook(before_epoch=True, after_iter=True), make_runner())
    assert record == []
