"""Record MMCV 1.7.2's legacy data path: ``collate``, CPU ``scatter``/``scatter_kwargs`` and the
``MMDataParallel``/``MMDistributedDataParallel`` steps on the CPU.

Run with the oracle interpreter (it must not import this repository's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_parallel_goldens.py

Inputs are written as JSON specs (tests/compat/parallel/parallel_specs.py rebuilds them with
compat's classes); outputs are encoded the same way on both sides. Writes
fixtures/goldens/legacy_parallel.json.
"""
from __future__ import annotations

import json
import os
import warnings
from collections import OrderedDict

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn

warnings.filterwarnings('ignore')
from mmcv.parallel import (DataContainer, MMDataParallel, MMDistributedDataParallel,  # noqa: E402
                           collate, scatter, scatter_kwargs)

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'goldens',
                   'legacy_parallel.json')


# -- specs (shared in meaning with tests/compat/parallel/parallel_specs.py) -------------------
def t(shape, start=0.0, dtype='float32'):
    return {'t': list(shape), 'start': start, 'dtype': dtype}


def dc(inner, stack=False, padding_value=0, cpu_only=False, pad_dims=2):
    return {'dc': inner, 'stack': stack, 'padding_value': padding_value, 'cpu_only': cpu_only,
            'pad_dims': pad_dims}


def d(**items):
    return {'dict': [[k, v] for k, v in items.items()]}


def v(value):
    return {'v': value}


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
        return {k: build(item) for k, item in spec['dict']}
    if 'odict' in spec:
        return OrderedDict((k, build(item)) for k, item in spec['odict'])
    if 'collated' in spec:
        return collate([build(s) for s in spec['collated']], spec['spg'])
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
        return {'dict': [[k, encode(item)] for k, item in obj.items()], 'type': type(obj).__name__}
    return {'v': obj}


# -- collate -----------------------------------------------------------------------------------
def img(h, w, start=0.0, c=3):
    return dc(t([c, h, w], start), stack=True)


def meta(name, h, w):
    return dc(d(filename=v(name), ori_shape={'tuple': [v(h), v(w), v(3)]}, flip=v(False)),
              cpu_only=True)


def det_sample(i, h, w, boxes):
    return d(img=img(h, w, 10.0 * i), img_metas=meta(f'{i}.jpg', h, w),
             gt_bboxes=dc(t([boxes, 4], 100.0 * i)),
             gt_labels=dc(t([boxes], i, 'int64')))


COLLATE_CASES = {
    'images_pad2_spg2': ([img(2, 3), img(4, 2, 1), img(3, 3, 2), img(1, 5, 3)], 2),
    'images_pad2_spg1': ([img(2, 3), img(4, 2, 1)], 1),
    'images_pad2_remainder_chunk': ([img(2, 3), img(4, 2, 1), img(3, 3, 2)], 2),
    'seg_padding_value_per_sample': ([dc(t([1, 2, 2], 0, 'int64'), True, 255),
                                      dc(t([1, 3, 1], 5, 'int64'), True, 7)], 2),
    'pad_dims_1': ([dc(t([2, 3]), True, -1, pad_dims=1), dc(t([2, 5], 9), True, -1, pad_dims=1)], 2),
    'pad_dims_3': ([dc(t([1, 1, 2, 2]), True, pad_dims=3), dc(t([1, 2, 1, 3], 4), True, pad_dims=3)], 2),
    'pad_dims_none_same_sizes': ([dc(t([2, 2]), True, pad_dims=None), dc(t([2, 2], 4), True, pad_dims=None)], 2),
    'unstacked_boxes': ([dc(t([n, 4], n)) for n in (1, 3, 0)], 2),
    'cpu_only_metas': ([meta(f'{i}.jpg', i + 1, 2) for i in range(3)], 2),
    'mmdet_train_batch': ([det_sample(i, 2 + i, 3, i + 1) for i in range(2)], 2),
    'mmdet_test_dict_of_lists': ([d(img={'list': [t([3, 2, 2]), t([3, 2, 2], 1)]},
                                    img_metas={'list': [meta('a.jpg', 2, 2), meta('a_flip.jpg', 2, 2)]})], 1),
    'plain_default_collate': ([d(x=t([2]), y=v(3), z=v(0.5), arr={'a': [2], 'start': 1.0, 'dtype': 'float64'}),
                               d(x=t([2], 2), y=v(4), z=v(1.5), arr={'a': [2], 'start': 3.0, 'dtype': 'float64'})], 1),
    'tuples_transposed': ([{'tuple': [t([2]), v(1)]}, {'tuple': [t([2], 5), v(2)]}], 2),
    'empty_strings': ([v(''), v('')], 1),
}


def record_collate():
    out = {}
    for name, (samples, spg) in COLLATE_CASES.items():
        out[name] = {'samples': samples, 'samples_per_gpu': spg,
                     'output': encode(collate([build(s) for s in samples], spg))}
    return out


# -- scatter -----------------------------------------------------------------------------------
TRAIN_BATCH = {'collated': [det_sample(i, 2 + i, 3, i + 1) for i in range(2)], 'spg': 2}
TWO_CHUNKS = {'collated': [det_sample(i, 2, 2 + i, 1) for i in range(3)], 'spg': 2}

SCATTER_CASES = {
    'train_batch': TRAIN_BATCH,
    'two_chunks_keep_first': TWO_CHUNKS,
    'plain_tensor': t([2, 3]),
    'tuple_of_tensor_and_str': {'tuple': [t([2]), v('x')]},
    'empty_list': {'list': []},
    'empty_dict': {'dict': []},
    'ordered_dict': {'odict': [['b', t([1])], ['a', v(2)]]},
    'raw_tensor_container': dc(t([2, 2])),
    'raw_cpu_only_container': dc({'list': [v(1), v(2)]}, cpu_only=True),
    'nested_unstacked': {'collated': [dc(t([n, 4], n)) for n in (1, 2)], 'spg': 2},
    'test_dict_of_lists': {'collated': [d(img={'list': [t([3, 2, 2])]}, img_metas={'list': [meta('a.jpg', 2, 2)]})], 'spg': 1},
    'scalar': v(3),
}

SCATTER_KWARGS_CASES = {
    'train_step_args': ({'tuple': [TRAIN_BATCH, v('optimizer')]}, {'dict': []}),
    'kwargs_only': ({'tuple': []}, d(return_loss=v(False), img=dc(t([1, 2]), True))),
    'both': ({'tuple': [TRAIN_BATCH]}, d(flag=v(1))),
    'neither': ({'tuple': []}, {'dict': []}),
    'two_chunks_args': ({'tuple': [TWO_CHUNKS, v(None)]}, {'dict': []}),
}


def record_scatter():
    plain = {name: {'input': spec, 'output': encode(scatter(build(spec), [-1]))}
             for name, spec in SCATTER_CASES.items()}
    kw = {}
    for name, (args, kwargs) in SCATTER_KWARGS_CASES.items():
        inputs, outkw = scatter_kwargs(build(args), build(kwargs), [-1])
        kw[name] = {'inputs': args, 'kwargs': kwargs,
                    'output': {'inputs': encode(inputs), 'kwargs': encode(outkw)}}
    return plain, kw


# -- wrappers ----------------------------------------------------------------------------------
class ToyDetector(nn.Module):
    """A legacy-protocol model: forward(img, img_metas, gt_labels, return_loss) and the steps."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 1)
        self.fc = nn.Linear(2, 1)

    def forward(self, img, img_metas, gt_labels=None, return_loss=True, **ignored):
        out = self.fc(self.conv(img).mean(dim=(2, 3))).squeeze(1)
        if not return_loss:
            return out
        target = torch.stack([labels.float().sum() for labels in gt_labels])
        return {'loss': ((out - target) ** 2).mean()}

    def train_step(self, data, optimizer):
        loss = self(**data)['loss']
        names = [m['filename'] for m in data['img_metas']]
        return {'loss': loss, 'log_vars': {'loss': loss.item(), 'files': names},
                'num_samples': len(data['img_metas'])}

    def val_step(self, data, optimizer=None):
        return self.train_step(data, optimizer)


def step_record(output, model):
    return {'loss': output['loss'].item(), 'log_vars': output['log_vars'],
            'num_samples': output['num_samples'],
            'grads': {n: p.grad.flatten().tolist() for n, p in model.named_parameters()}}


def record_data_parallel():
    out = {}
    batch_spec = TRAIN_BATCH
    for method in ('train_step', 'val_step'):
        torch.manual_seed(0)
        wrapped = MMDataParallel(ToyDetector())
        assert not wrapped.device_ids
        result = getattr(wrapped, method)(build(batch_spec), None)
        result['loss'].backward()
        out[method] = step_record(result, wrapped.module)
        torch.manual_seed(0)
        plain = ToyDetector()
        direct = getattr(plain, method)(scatter(build(batch_spec), [-1])[0], None)
        direct['loss'].backward()
        out[method + '_direct'] = step_record(direct, plain)
    torch.manual_seed(0)
    wrapped = MMDataParallel(ToyDetector())
    out['forward_test'] = wrapped(**build(batch_spec), return_loss=False).tolist()
    out['batch'] = batch_spec
    return out


class ToyTensorModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 1)
        self.seen = []

    def train_step(self, data, optimizer):
        self.seen.append({k: type(item).__name__ for k, item in data.items()})
        loss = (self.fc(data['x']).squeeze(1) - data['y']).pow(2).mean()
        return {'loss': loss, 'log_vars': {'loss': loss.item()}, 'num_samples': len(data['x'])}

    def val_step(self, data, optimizer=None):
        return self.train_step(data, optimizer)


def record_distributed(tmp):
    dist.init_process_group('gloo', init_method=f'file://{tmp}', rank=0, world_size=1)
    try:
        out = {}
        batch = d(x=t([4, 3], 0.5), y=t([4], -1.0), meta=dc({'list': [v(1)]}, cpu_only=True))
        for method in ('train_step', 'val_step'):
            torch.manual_seed(0)
            wrapped = MMDistributedDataParallel(ToyTensorModel())
            result = getattr(wrapped, method)(build(batch), None)
            result['loss'].backward()
            rec = step_record(result, wrapped.module)
            rec['seen'] = wrapped.module.seen
            out[method] = rec
        out['batch'] = batch
        return out
    finally:
        dist.destroy_process_group()


def main():
    import tempfile
    scatter_plain, scatter_kw = record_scatter()
    with tempfile.TemporaryDirectory() as tmp:
        distributed = record_distributed(os.path.join(tmp, 'store'))
    goldens = {
        'torch': torch.__version__,
        'collate': record_collate(),
        'scatter': scatter_plain,
        'scatter_kwargs': scatter_kw,
        'data_parallel': record_data_parallel(),
        'distributed': distributed,
    }
    with open(OUT, 'w') as f:
        json.dump(goldens, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
