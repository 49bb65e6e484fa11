"""The golden file of MMCV 1.7.2's data path, and its specs rebuilt with compat's classes.

The spec and encoding formats are those of scripts/oracle/record_parallel_goldens.py.
"""
from __future__ import annotations

import json
import types
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
import torch

from compat.parallel import DataContainer, collate

GOLDEN = Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' / 'legacy_parallel.json'


def load_goldens() -> dict:
    return json.loads(GOLDEN.read_text())


def build(spec):
    if 't' in spec or 'a' in spec:
        shape = spec.get('t', spec.get('a'))
        numel = int(np.prod(shape)) if shape else 1
        tensor = (torch.arange(numel, dtype=torch.float64) + spec['start']).to(
            getattr(torch, spec['dtype'])).reshape(shape)
        return tensor if 't' in spec else tensor.numpy()
    if 'dc' in spec:
        return DataContainer(build(spec['dc']), spec['stack'], spec['padding_value'],
                             spec['cpu_only'], spec['pad_dims'])
    if 'list' in spec:
        return [build(item) for item in spec['list']]
    if 'tuple' in spec:
        return tuple(build(item) for item in spec['tuple'])
    if 'dict' in spec:
        return {key: build(item) for key, item in spec['dict']}
    if 'odict' in spec:
        return OrderedDict((key, build(item)) for key, item in spec['odict'])
    if 'collated' in spec:
        return collate([build(sample) for sample in spec['collated']], spec['spg'])
    return spec['v']


def encode(obj):
    if isinstance(obj, torch.Tensor):
        return {'tensor': {'dtype': str(obj.dtype), 'shape': list(obj.shape),
                           'values': obj.flatten().tolist(), 'contiguous': obj.is_contiguous()}}
    if isinstance(obj, DataContainer):
        return {'dc': {'stack': obj.stack, 'padding_value': obj.padding_value,
                       'cpu_only': obj.cpu_only, 'pad_dims': obj.pad_dims,
                       'data': encode(obj.data)}}
    if isinstance(obj, list):
        return {'list': [encode(item) for item in obj]}
    if isinstance(obj, tuple):
        return {'tuple': [encode(item) for item in obj]}
    if isinstance(obj, dict):
        return {'dict': [[key, encode(item)] for key, item in obj.items()],
                'type': type(obj).__name__}
    return {'v': obj}


@pytest.fixture(scope='session')
def goldens() -> dict:
    return load_goldens()


@pytest.fixture(scope='session')
def specs() -> types.SimpleNamespace:
    return types.SimpleNamespace(build=build, encode=encode)
