"""RuntimeInfoHook: what it writes to the message hub at each stage (epoch, iter, max_epochs,
max_iters, loop_stage, the lr of each optimizer, losses, val/test metrics, dataset meta, cfg,
seed, experiment name) against real MMEngine 0.10.7.

Golden: fixtures/goldens/runtime_info.json, recorded by
``.oracle/mmengine/bin/python scripts/oracle/record_runtime_info_goldens.py``: its scripted steps
(runner state, then a stage with its arguments) are replayed here on our hook, message hub and
optim wrappers, and the message hub is compared after every step.
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

import engine
from engine.hooks.hook import check_hook_signatures
from engine.hooks.priority import get_priority
from engine.hooks.runtime_info_hook import RuntimeInfoHook
from engine.optim import OptimWrapper, OptimWrapperDict
from engine.registry import HOOKS
from engine.runtime.message_hub import MessageHub

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDEN = json.load(open(os.path.join(ROOT, 'fixtures', 'goldens', 'runtime_info.json')))
VERSION_KEY = 'engine_version'     # MMEngine writes mmengine_version: each its own library


def build(value):
    """A typed value of the golden's steps as the object passed to the hook."""
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
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def snapshot(hub):
    info = {k: jsonable(v) for k, v in hub.runtime_info.items() if k != VERSION_KEY}
    scalars = {}
    for key, buf in hub.log_scalars.items():
        values, counts = buf.data
        scalars[key] = dict(values=[float(v) for v in values], counts=[int(c) for c in counts])
    return dict(info=info, scalars=scalars)


class Dataset:
    metainfo = GOLDEN['runner']['dataset_meta']


class Loader:
    dataset = Dataset()


class Cfg:
    pretty_text = GOLDEN['runner']['cfg_text']


class Runner:
    """The attributes RuntimeInfoHook reads, as in the recording script."""

    def __init__(self):
        spec = GOLDEN['runner']
        self.cfg = Cfg()
        self.seed = spec['seed']
        self.experiment_name = spec['experiment_name']
        self.train_dataloader = Loader()
        self.message_hub = MessageHub('runtime_info_test')
        self.wrappers = {name: OptimWrapper(torch.optim.SGD(
            [torch.nn.Parameter(torch.zeros(2))], **kw)) for name, kw in spec['optimizers'].items()}
        self.optim_wrapper = OptimWrapperDict(**self.wrappers)


def replay():
    runner, hook = Runner(), RuntimeInfoHook()
    for step in GOLDEN['steps']:
        for key, value in step['set'].items():
            if key == 'lr':
                for name, lr in value.items():
                    for group in runner.wrappers[name].optimizer.param_groups:
                        group['lr'] = lr
            else:
                setattr(runner, key, value)
        getattr(hook, step['stage'])(runner, **build(step['kwargs']))
        yield step, runner, snapshot(runner.message_hub)


def test_golden_is_from_mmengine_0_10_7():
    assert GOLDEN['mmengine'] == '0.10.7'
    stages = [s['stage'] for s in GOLDEN['steps']]
    for stage in ('before_run', 'before_train', 'before_train_epoch', 'before_train_iter',
                  'after_train_iter', 'before_val', 'after_val_epoch', 'after_val', 'after_train',
                  'before_test', 'after_test_epoch', 'after_test'):
        assert stage in stages, stage


def test_registered_with_very_high_priority():
    assert HOOKS.get('RuntimeInfoHook') is RuntimeInfoHook
    assert get_priority(RuntimeInfoHook.priority) == 10
    check_hook_signatures(RuntimeInfoHook())


@pytest.mark.parametrize('index', range(len(GOLDEN['steps'])),
                         ids=[f'{i:02d}-{s["stage"]}' for i, s in enumerate(GOLDEN['steps'])])
def test_message_hub_after_each_stage_equals_mmengine(index):
    for i, (step, _, ours) in enumerate(replay()):
        if i == index:
            break
    expected = GOLDEN['snapshots'][index]
    assert ours['info'] == expected['info']
    assert list(ours['info']) == list(expected['info']), 'info key order'
    assert ours['scalars'] == expected['scalars']
    assert list(ours['scalars']) == list(expected['scalars']), 'scalar key order (log order)'


def test_before_run_writes_our_version_in_place_of_mmengines():
    step, runner, _ = next(replay())
    assert step['stage'] == 'before_run'
    assert runner.message_hub.get_info(VERSION_KEY) == engine.__version__
    assert 'mmengine_version' not in runner.message_hub.runtime_info


def test_stages_in_words():
    """The same facts as the goldens, spelled out for the reader."""
    seen = {}
    for step, runner, snap in replay():
        seen.setdefault(step['stage'], []).append(snap)
    first_train = seen['before_train'][0]['info']
    assert (first_train['loop_stage'], first_train['epoch'], first_train['iter'],
            first_train['max_epochs'], first_train['max_iters']) == ('train', 0, 0, 2, 4)
    assert first_train['dataset_meta'] == GOLDEN['runner']['dataset_meta']
    # the lr of every optimizer, before every iteration, under train/<name>.lr
    lrs = seen['after_train'][0]['scalars']
    assert lrs['train/generator.lr']['values'] == pytest.approx([0.1, 0.05, 0.1 / 3, 0.025])
    assert lrs['train/discriminator.lr']['values'] == pytest.approx([0.0, 0.01, 0.02, 0.03])
    # validation inside training: loop_stage val, then train again; popped after training
    assert seen['before_val'][0]['info']['loop_stage'] == 'val'
    assert seen['after_val'][0]['info']['loop_stage'] == 'train'
    assert 'loop_stage' not in seen['after_train'][0]['info']
    # stand-alone validation (last step): loop_stage popped, not set back to train
    assert 'loop_stage' not in seen['after_val'][-1]['info']


def test_grad_norm_from_the_optim_wrapper_is_recorded_before_the_losses():
    """MMEngine's OptimWrapper writes train/grad_norm into the message hub while stepping; ours
    keeps it in ``last_grad_norm`` and the hook records it before the losses."""
    runner, hook = Runner(), RuntimeInfoHook()
    runner.optim_wrapper = runner.wrappers['generator']
    runner.optim_wrapper.last_grad_norm = 1.25
    hook.after_train_iter(runner, batch_idx=0, outputs={'loss': torch.tensor(0.5)})
    assert list(runner.message_hub.log_scalars) == ['train/grad_norm', 'train/loss']
    assert runner.message_hub.get_scalar('train/grad_norm').current() == 1.25


def test_get_lr_not_a_dict_is_a_clear_error():
    class Wrapper:
        def get_lr(self):
            return [0.1]

    runner = Runner()
    runner.optim_wrapper = Wrapper()
    runner.iter = 0
    with pytest.raises(TypeError, match='get_lr'):
        RuntimeInfoHook().before_train_iter(runner, batch_idx=0)


_EDGE_BUGS: dict = {}   # metric kinds we record differently from MMEngine (none)


@pytest.mark.parametrize('name', [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=_EDGE_BUGS[n]))
    if n in _EDGE_BUGS else n for n in GOLDEN['edge_metrics']])
def test_metric_is_scalar_or_info_as_in_mmengine(name):
    edge = GOLDEN['edge_metrics'][name]
    runner = Runner()
    RuntimeInfoHook().after_val_epoch(runner, metrics={name: build(edge['metric'])})
    assert snapshot(runner.message_hub) == edge['snapshot']


def test_losses_sharing_one_tensor_and_distinct_ones_are_each_recorded():
    """A loss tensor that several outputs share is read out once; every key still gets the
    value of its own tensor (ints and floats pass through as they are)."""
    runner, hook = Runner(), RuntimeInfoHook()
    runner.optim_wrapper = runner.wrappers['generator']
    shared = torch.tensor(0.25)
    outputs = {'loss': shared, 'loss_cls': shared, 'loss_bbox': torch.tensor(0.5),
               'acc': torch.tensor(0.75, dtype=torch.float64), 'loss_again': shared, 'n': 3}
    hook.after_train_iter(runner, batch_idx=0, outputs=outputs)
    hub = runner.message_hub
    assert {k: hub.get_scalar(f'train/{k}').current() for k in outputs} == {
        'loss': 0.25, 'loss_cls': 0.25, 'loss_bbox': 0.5, 'acc': 0.75, 'loss_again': 0.25,
        'n': 3.0}
    assert all(type(hub.get_scalar(f'train/{k}').current()) is float for k in outputs)
