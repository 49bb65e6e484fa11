"""BaseModule details the golden tree does not cover: error keys of nested modules, ModuleDict,
children behind a model wrapper, models without BaseModule, and the broadcast after
``init_weights`` in distributed runs."""
import json
import logging
import os

import pytest
import torch
import torch.nn as nn

from engine.errors import EngineError
from engine.model import BaseModule, ModuleDict, initialize
from engine.model.weight_init import bias_init_with_prob
from engine.testing.gloo import run_on_gloo_ranks


class Block(BaseModule):
    def __init__(self, init_cfg=None):
        super().__init__(init_cfg)
        self.fc = nn.Linear(3, 3)


class Net(BaseModule):
    def __init__(self, block_cfg=None, init_cfg=None):
        super().__init__(init_cfg)
        self.stage = ModuleDict(dict(a=Block(block_cfg), b=nn.Linear(3, 2)),
                                init_cfg=dict(type='Constant', layer='Linear', val=2))


def test_error_in_a_nested_init_cfg_names_its_module_path():
    net = Net(block_cfg=dict(type='Normal', layer='Linear', bias='1'))
    with pytest.raises(EngineError) as info:
        net.init_weights()
    assert info.value.key == 'stage.a.init_cfg.bias'
    assert isinstance(info.value, TypeError)


def test_module_dict_init_cfg_and_children_first_order():
    net = Net(block_cfg=dict(type='Constant', layer='Linear', val=7))
    net.init_weights()
    # the ModuleDict's own cfg runs first, then the child Block's, which wins for its Linear
    assert torch.all(net.stage['a'].fc.weight == 7)
    assert torch.all(net.stage['b'].weight == 2)
    assert net.is_init and net.stage.is_init and net.stage['a'].is_init


def test_child_behind_a_model_wrapper_is_initialised():
    class Wrapped(BaseModule):
        def __init__(self):
            super().__init__()
            self.inner = nn.DataParallel(Block(dict(type='Constant', layer='Linear', val=4)))

    model = Wrapped()
    model.init_weights()
    assert torch.all(model.inner.module.fc.weight == 4)


def test_user_defined_init_weights_is_credited_in_the_log(tmp_path):
    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(2))

        def init_weights(self):
            nn.init.constant_(self.w, 3.0)

    class Top(BaseModule):
        def __init__(self):
            super().__init__()
            self.custom = Custom()

    # the table goes to the file handlers of the engine logger (a run's log file)
    logger = logging.getLogger('engine')
    handler = logging.FileHandler(tmp_path / 'run.log')
    logger.addHandler(handler)
    try:
        Top().init_weights()
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert (tmp_path / 'run.log').read_text() == (
        'Name of parameter - Initialization information\n'
        '\ncustom.w - torch.Size([2]): \nInitialized by user-defined `init_weights` in '
        'Custom  \n')


def test_without_layer_or_override_nothing_is_filled():
    """MMEngine's rule: ``layer`` selects the modules; without it (and no override) no module
    is selected."""
    layer = nn.Linear(4, 2)
    before = layer.weight.detach().clone()
    initialize(layer, dict(type='Constant', val=1))
    assert torch.equal(layer.weight, before)


def test_initialize_on_a_plain_module_and_bias_prob():
    layer = nn.Linear(4, 2)
    initialize(layer, dict(type='Constant', layer='Linear', val=1, bias_prob=0.01))
    assert torch.all(layer.weight == 1)
    assert torch.allclose(layer.bias, torch.full((2,), bias_init_with_prob(0.01)))
    assert torch.sigmoid(layer.bias[0]).item() == pytest.approx(0.01)


def test_parameters_created_in_init_weights_are_refused():
    class Grows(BaseModule):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

    class Bad(nn.Module):
        def init_weights(self):
            self.extra = nn.Parameter(torch.ones(1))

    model = Grows()
    model.bad = Bad()
    with pytest.raises(EngineError, match='appeared while'):
        model.init_weights()


def _seeded_model():
    from engine.testing.toy import ToyClassifier
    model = ToyClassifier()
    model.init_cfg = dict(type='Normal', layer='Linear', std=1.0)
    return model


def _broadcast_worker(rank, out_dir):
    from engine.runner import Runner
    torch.manual_seed(rank)  # each rank draws different initial weights
    runner = Runner(_seeded_model(), os.path.join(out_dir, f'wd{rank}'))
    runner._init_model_weights()
    with open(os.path.join(out_dir, f'rank{rank}.json'), 'w') as f:
        json.dump({k: v.tolist() for k, v in runner.model.state_dict().items()}, f)


@pytest.mark.dist
def test_distributed_ranks_start_from_rank_zeros_initialisation(tmp_path):
    run_on_gloo_ranks(_broadcast_worker, 2, str(tmp_path))
    ranks = [json.loads((tmp_path / f'rank{r}.json').read_text()) for r in range(2)]
    assert ranks[0] == ranks[1]
    # rank 0's own draw (seed 0) is what both ranks hold
    torch.manual_seed(0)
    model = _seeded_model()
    model.init_weights()
    assert ranks[0] == {k: v.tolist() for k, v in model.state_dict().items()}
    torch.manual_seed(1)
    model = _seeded_model()
    model.init_weights()
    assert ranks[1] != {k: v.tolist() for k, v in model.state_dict().items()}
