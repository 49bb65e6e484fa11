"""Shared toy dataset and golden loading for the data/evaluator tests."""
import json
import pathlib

import pytest
import torch
from torch.utils.data import Dataset

from engine.registry import DATASETS

GOLDENS = pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' / 'samplers.json'


@DATASETS.register_module(force=True)
class DataEvalToyDataset(Dataset):
    """Sample i is ``dict(inputs=tensor([i, i]), index=i)``: the batches reveal the index order."""

    def __init__(self, size=10, meta=None):
        self.size = size
        self.metainfo = meta or {}
        self.full_init_called = False

    def full_init(self):
        self.full_init_called = True

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        return dict(inputs=torch.tensor([i, i], dtype=torch.float32), index=i)


@pytest.fixture(scope='session')
def goldens():
    with open(GOLDENS) as f:
        return json.load(f)
