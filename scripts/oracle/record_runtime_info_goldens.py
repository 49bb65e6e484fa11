"""Record what MMEngine 0.10.7's ``RuntimeInfoHook`` writes to the message hub, stage by stage.

Run with the oracle interpreter (it must not import our ``engine`` package)::

    .oracle/mmengine/bin/python scripts/oracle/record_runtime_info_goldens.py

Writes ``fixtures/goldens/runtime_info.json``: the scripted ``STEPS`` (runner state set before a
stage, the stage called with its arguments) and, after each step, the message hub's runtime info
and scalar histories. ``tests/engine/hooks/test_runtime_info_hook.py`` replays the same steps on
our hook with our message hub and optim wrappers and compares every snapshot.

Typed values (tensors, numpy values, bools) are written as ``{"__kind__": ..., "value": ...}``
so that the test can rebuild exactly what was passed.
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'runtime_info.json')


def T(kind, value):
    return {'__kind__': kind, 'value': value}


# Stages in the order the loops call them: a 2-epoch x 2-iteration train with a validation
# after each epoch, then a test, then a stand-alone validation. 'set' is applied to the runner
# first ('lr' sets every param group's lr of that optimizer, as a scheduler would).
_TRAIN = []
for _epoch in range(2):
    _TRAIN.append(dict(set=dict(epoch=_epoch), stage='before_train_epoch', kwargs={}))
    for _i in range(2):
        _it = _epoch * 2 + _i
        _TRAIN += [
            dict(set=dict(iter=_it, lr=dict(generator=0.1 / (1 + _it), discriminator=0.01 * _it)),
                 stage='before_train_iter', kwargs=dict(batch_idx=_i, data_batch=None)),
            dict(set={}, stage='after_train_iter', kwargs=dict(
                batch_idx=_i, data_batch=None,
                outputs=dict(loss=T('tensor', 1.0 / (1 + _it)), loss_cls=0.25 * _it,
                             acc=T('np_float64', 0.5 + 0.1 * _it), count=T('tensor_int', _it)))),
        ]
    _TRAIN += [
        dict(set=dict(epoch=_epoch + 1), stage='after_train_epoch', kwargs={}),
        dict(set={}, stage='before_val', kwargs={}),
        dict(set={}, stage='before_val_epoch', kwargs={}),
        dict(set={}, stage='after_val_epoch', kwargs=dict(metrics={
            'accuracy/top1': 60.0 + _epoch, 'np32': T('np_float32', 0.5),
            'tensor0d': T('tensor', 2.5), 'np_int': T('np_int64', 3),
            'per_class': [1.0, 2.0], 'name': 'best', 'table': {'a': 1}})),
        dict(set={}, stage='after_val', kwargs={}),
    ]

STEPS = [
    dict(set=dict(epoch=0, iter=0, max_epochs=2, max_iters=4), stage='before_run', kwargs={}),
    dict(set={}, stage='before_train', kwargs={}),
    *_TRAIN,
    dict(set={}, stage='after_train', kwargs={}),
    dict(set={}, stage='before_test', kwargs={}),
    dict(set={}, stage='after_test_epoch', kwargs=dict(metrics={
        'accuracy/top1': 70.0, 'tensor_vec': T('tensor', [1.0, 2.0]), 'np_vec': T('np_array', [4.0, 5.0])})),
    dict(set={}, stage='after_test', kwargs={}),
    dict(set={}, stage='before_val', kwargs={}),       # stand-alone validation: no train stage
    dict(set={}, stage='after_val_epoch', kwargs=dict(metrics=None)),
    dict(set={}, stage='after_val', kwargs={}),
]

# One metric each, passed alone to after_val_epoch on a fresh message hub: is it a scalar
# (``val/<name>`` history) or run-time info?
EDGE_METRICS = {
    'float': 1.5, 'int': 7, 'bool': True, 'str': 'x', 'list_1': [2.0],
    'tensor_0d': T('tensor', 2.0), 'tensor_1d_1': T('tensor', [2.0]),
    'tensor_2': T('tensor', [1.0, 2.0]), 'np_float32': T('np_float32', 0.25),
    'np_int64': T('np_int64', 3), 'np_0d': T('np_array', 1.5), 'np_1d_1': T('np_array', [3.0]),
    'np_2': T('np_array', [3.0, 4.0]),
}

# the runner's fixed attributes
RUNNER = dict(cfg_text="model = dict(type='Toy')\n", seed=1234, experiment_name='toy_run',
              dataset_meta=dict(classes=['cat', 'dog'], palette=[[1, 2, 3], [4, 5, 6]]),
              optimizers=dict(generator=dict(lr=0.1, momentum=0.9),
                              discriminator=dict(lr=0.01, momentum=0.8)))


def build(value):
    """A typed value of the steps as the object passed to the hook (MMEngine side)."""
    if isinstance(value, dict) and '__kind__' in value:
        kind, v = value['__kind__'], value['value']
        return {'tensor': lambda: torch.tensor(v), 'tensor_int': lambda: torch.tensor(v),
                'np_float64': lambda: np.float64(v), 'np_float32': lambda: np.float32(v),
                'np_int64': lambda: np.int64(v), 'np_array': lambda: np.array(v)}[kind]()
    if isinstance(value, dict):
        return {k: build(v) for k, v in value.items()}
    if isinstance(value, list):
        return [build(v) for v in value]
    return value


def jsonable(value):
    if isinstance(value, torch.Tensor):
        return jsonable(value.tolist())
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def snapshot(hub, version_key):
    info = {k: jsonable(v) for k, v in hub.runtime_info.items() if k != version_key}
    scalars = {}
    for key, buf in hub.log_scalars.items():
        values, counts = buf.data
        scalars[key] = dict(values=[float(v) for v in values], counts=[int(c) for c in counts])
    return dict(info=info, scalars=scalars)


def main():
    import mmengine
    from mmengine.hooks import RuntimeInfoHook
    from mmengine.logging import MessageHub
    from mmengine.optim import OptimWrapper, OptimWrapperDict

    assert mmengine.__version__ == '0.10.7', mmengine.__version__

    class Dataset:
        metainfo = RUNNER['dataset_meta']

    class Loader:
        dataset = Dataset()

    class Cfg:
        pretty_text = RUNNER['cfg_text']

    class Runner:
        pass

    runner = Runner()
    runner.cfg = Cfg()
    runner.seed = RUNNER['seed']
    runner.experiment_name = RUNNER['experiment_name']
    runner.train_dataloader = Loader()
    runner.message_hub = MessageHub.get_instance('runtime_info_golden')
    wrappers = {}
    for name, kw in RUNNER['optimizers'].items():
        params = [torch.nn.Parameter(torch.zeros(2))]
        wrappers[name] = OptimWrapper(torch.optim.SGD(params, **kw))
    runner.optim_wrapper = OptimWrapperDict(**wrappers)
    hook = RuntimeInfoHook()
    records = []
    for step in STEPS:
        for key, value in step['set'].items():
            if key == 'lr':
                for name, lr in value.items():
                    for g in wrappers[name].optimizer.param_groups:
                        g['lr'] = lr
            else:
                setattr(runner, key, value)
        kwargs = {k: build(v) for k, v in step['kwargs'].items()}
        getattr(hook, step['stage'])(runner, **kwargs)
        if step['stage'] == 'before_run':   # the version string is the library's own
            assert 'mmengine_version' in runner.message_hub.runtime_info
        records.append(snapshot(runner.message_hub, 'mmengine_version'))
    edges = {}
    for name, value in EDGE_METRICS.items():
        runner.message_hub = MessageHub.get_instance(f'runtime_info_edge_{name}')
        hook.after_val_epoch(runner, metrics={name: build(value)})
        edges[name] = dict(metric=value, snapshot=snapshot(runner.message_hub, None))
    out = dict(mmengine=mmengine.__version__, torch=torch.__version__, runner=RUNNER,
               steps=STEPS, snapshots=records, edge_metrics=edges)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write('\n')
    print(f'wrote {OUT}: {len(STEPS)} steps')


if __name__ == '__main__':
    sys.exit(main())
