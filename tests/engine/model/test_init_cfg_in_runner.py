"""init_cfg in engine runs: applied once before training, logged per parameter in the run's log
file, overwritten by ``load_from`` and ``resume`` (MMEngine's order: ``init_weights`` then
``load_or_resume``), Pretrained files loaded with ``weights_only=True`` unless the run opts out,
errors naming the model key."""
import copy
import os
import re

import pytest
import torch

from engine.config import Config
from engine.errors import CheckpointError, EngineError
from engine.registry import MODELS
from engine.runner import Runner
from engine.testing.toy import ToyClassifier


@MODELS.register_module(force=True)
class InitCfgToy(ToyClassifier):
    """The toy classifier with an ``init_cfg`` (the toy fixes its own weights otherwise)."""

    def __init__(self, init_cfg=None, **kwargs):
        super().__init__(**kwargs)
        self.init_cfg = copy.deepcopy(init_cfg)


class NotAWeight:
    """A pickled object ``weights_only=True`` refuses."""

    def __init__(self, note):
        self.note = note


CONSTANT = dict(type='Constant', layer='Linear', val=0.5, bias=0.25)


def make_cfg(work_dir, init_cfg=CONSTANT, **extra):
    cfg = dict(
        model=dict(type='InitCfgToy', init_cfg=init_cfg),
        work_dir=str(work_dir),
        train_dataloader=dict(batch_size=8, num_workers=0,
                              sampler=dict(type='DefaultSampler', shuffle=False),
                              collate_fn=dict(type='default_collate'),
                              dataset=dict(type='ToyDataset', num_samples=16, seed=0)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        # lr 0: the weights after training are the weights training started from
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.0)),
        default_hooks=dict(checkpoint=None),
        log_level='INFO')
    cfg.update(extra)
    return Config(cfg)


def linear_state(model):
    return {k: v for k, v in model.state_dict().items() if 'net.' in k}


def test_init_cfg_is_applied_before_training(tmp_path):
    runner = Runner.from_cfg(make_cfg(tmp_path))
    before = {k: v.clone() for k, v in linear_state(runner.model).items()}
    runner.train()
    after = linear_state(runner.model)
    for key, value in after.items():
        assert torch.all(value == (0.5 if key.endswith('weight') else 0.25)), key
        assert not torch.equal(value, before[key])


def test_init_info_table_goes_to_the_run_log_file(tmp_path):
    runner = Runner.from_cfg(make_cfg(tmp_path))
    runner.train()
    text = open(os.path.join(runner.log_dir, f'{runner.timestamp}.log')).read()
    assert 'Name of parameter - Initialization information\n' in text
    assert ('\nnet.0.weight - torch.Size([16, 8]): \nConstantInit: val=0.5, bias=0.25 \n'
            in text)
    assert ('\nnet.2.bias - torch.Size([4]): \nConstantInit: val=0.5, bias=0.25 \n' in text)


def _save_weights(path, model_cfg_seed=3, extra=None):
    torch.manual_seed(model_cfg_seed)
    model = ToyClassifier(init_seed=model_cfg_seed)
    ckpt = {'state_dict': model.state_dict(), 'meta': {'note': 'weights'}}
    ckpt.update(extra or {})
    torch.save(ckpt, path)
    return model.state_dict()


def test_load_from_wins_over_init_cfg(tmp_path):
    expected = _save_weights(tmp_path / 'w.pth')
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd', load_from=str(tmp_path / 'w.pth')))
    runner.train()
    for key, value in linear_state(runner.model).items():
        assert torch.equal(value, expected[key]), key


def test_resume_wins_over_init_cfg(tmp_path):
    first = Runner.from_cfg(make_cfg(tmp_path / 'wd', default_hooks=dict(
        checkpoint=dict(type='CheckpointHook', interval=1))))
    first.train()
    saved = {k: v.clone() for k, v in linear_state(first.model).items()}
    other = dict(type='Normal', layer='Linear', std=3.0)
    second = Runner.from_cfg(make_cfg(tmp_path / 'wd', init_cfg=other, resume=True,
                                      train_cfg=dict(by_epoch=True, max_epochs=2)))
    second.train()
    assert second.epoch == 2
    for key, value in linear_state(second.model).items():
        assert torch.equal(value, saved[key]), key


def test_pretrained_with_prefix_in_a_run_takes_only_that_sub_tree(tmp_path):
    """A detector-style checkpoint: ``prefix='backbone.'`` loads the weights under it (prefix
    removed) and nothing else, even keys that would match the model as they are."""
    torch.manual_seed(3)
    source = ToyClassifier(init_seed=3).state_dict()
    state = {f'backbone.{k}': v for k, v in source.items() if k.startswith('net.0.')}
    state['net.2.weight'] = torch.full((4, 16), 9.0)  # outside the prefix: must stay unread
    state['neck.net.2.bias'] = torch.full((4,), 9.0)
    torch.save({'state_dict': state}, tmp_path / 'det.pth')
    init_cfg = [dict(type='Pretrained', checkpoint=str(tmp_path / 'det.pth'), prefix='backbone.'),
                CONSTANT]
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd', init_cfg=init_cfg))
    runner.train()
    got = linear_state(runner.model)
    assert torch.equal(got['net.0.weight'], source['net.0.weight'])
    assert torch.equal(got['net.0.bias'], source['net.0.bias'])
    assert torch.all(got['net.2.weight'] == 0.5) and torch.all(got['net.2.bias'] == 0.25)


def test_pretrained_refuses_pickled_objects_unless_the_run_is_unsafe(tmp_path):
    path = tmp_path / 'pickled.pth'
    expected = _save_weights(path, extra={'meta': {'note': NotAWeight('x')}})
    init_cfg = dict(type='Pretrained', checkpoint=str(path))
    runner = Runner.from_cfg(make_cfg(tmp_path / 'a', init_cfg=init_cfg))
    with pytest.raises(CheckpointError) as info:
        runner.train()
    assert info.value.file == str(path)
    assert info.value.key == 'model.init_cfg'
    assert 'NotAWeight' in info.value.message and '--unsafe-load' in info.value.fix

    runner = Runner.from_cfg(make_cfg(tmp_path / 'b', init_cfg=init_cfg, load_unsafe=True))
    runner.train()
    for key, value in linear_state(runner.model).items():
        assert torch.equal(value, expected[key]), key


def test_unsafe_opt_in_does_not_outlive_the_run(tmp_path):
    from engine.checkpoint import pretrained_init
    path = tmp_path / 'pickled.pth'
    _save_weights(path, extra={'meta': {'note': NotAWeight('x')}})
    Runner.from_cfg(make_cfg(tmp_path / 'b', init_cfg=dict(type='Pretrained', checkpoint=str(path)),
                             load_unsafe=True)).train()
    assert pretrained_init._unsafe_loads is False
    with pytest.raises(CheckpointError):
        pretrained_init.PretrainedInit(str(path))(torch.nn.Linear(8, 16))


def test_pretrained_url_is_refused_naming_the_fix(tmp_path):
    init_cfg = dict(type='Pretrained', checkpoint='https://example.invalid/r50.pth')
    runner = Runner.from_cfg(make_cfg(tmp_path, init_cfg=init_cfg))
    with pytest.raises(CheckpointError) as info:
        runner.train()
    assert info.value.key == 'model.init_cfg.checkpoint'
    assert 'local path' in info.value.fix


def test_wrong_init_cfg_error_names_the_model_key(tmp_path):
    runner = Runner.from_cfg(make_cfg(tmp_path, init_cfg=dict(type='Normal', layer='Linear',
                                                              bias='0')))
    with pytest.raises(EngineError) as info:
        runner.train()
    assert isinstance(info.value, TypeError)  # what MMEngine raises for it
    assert info.value.key == 'model.init_cfg.bias'
    assert re.search(r'bias must be a number', str(info.value))


def test_weights_loaded_by_an_earlier_val_are_not_reinitialised(tmp_path):
    expected = _save_weights(tmp_path / 'w.pth')
    cfg = make_cfg(tmp_path / 'wd', load_from=str(tmp_path / 'w.pth'),
                   val_dataloader=dict(batch_size=8, num_workers=0,
                                       sampler=dict(type='DefaultSampler', shuffle=False),
                                       collate_fn=dict(type='default_collate'),
                                       dataset=dict(type='ToyDataset', num_samples=8, seed=0)),
                   val_cfg=dict(type='ValLoop'), val_evaluator=dict(type='Accuracy'))
    runner = Runner.from_cfg(cfg)
    runner.val()
    runner.train()
    for key, value in linear_state(runner.model).items():
        assert torch.equal(value, expected[key]), key
