"""The engine's BaseModule + initialisers against MMEngine 0.10.7 (fixtures/goldens/
engine_init_cfg.json, recorded by scripts/oracle/record_engine_init_goldens.py on the tree of
scripts/oracle/init_cfg_tree.py): bitwise the same weights for the same seed, the same log text
(the per-parameter init info table included), stdout, ``is_init`` flags and second-call warning;
wrong init_cfgs raise an engine error naming the key that is also the exception MMEngine raised,
except where the table below says why not."""
import builtins
import contextlib
import importlib.util
import io
import json
import logging
from pathlib import Path

import pytest
import torch

from engine.errors import EngineError
from engine.model import BaseModule, ModuleList, Sequential

REPO = Path(__file__).resolve().parents[3]
GOLDENS = REPO / 'fixtures' / 'goldens'
GOLDEN = json.loads((GOLDENS / 'engine_init_cfg.json').read_text())
CASES, ERRORS = GOLDEN['cases'], GOLDEN['errors']
PATHS = {'<CKPT_DDP>': str(GOLDENS / 'engine_init_pretrained_ddp.pth'),
         '<CKPT>': str(GOLDENS / 'engine_init_pretrained.pth')}

_spec = importlib.util.spec_from_file_location(
    'init_cfg_tree', REPO / 'scripts' / 'oracle' / 'init_cfg_tree.py')
tree = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tree)

# error cases where ours is an engine error but not MMEngine's exception class, and why
NOT_MMENGINE_CLASS = {
    'unknown_type': 'the registry error names close names (a BuildError, not a KeyError)',
    'no_type': "MMEngine's KeyError('type') says nothing; ours is a ConfigError naming the entry",
    'pretrained_missing_file': 'checkpoint reads fail as CheckpointError, as load_from does',
}
# the key path each error names (the wrong entry is the top-level module's init_cfg)
ERROR_KEYS = {
    'bias_not_a_number': 'init_cfg.bias', 'bias_prob_not_a_float': 'init_cfg.bias_prob',
    'layer_not_str_or_list': 'init_cfg.layer', 'override_without_name': 'init_cfg.override',
    'override_args_without_type': 'init_cfg.override',
    'override_unknown_attribute': 'init_cfg.override.name',
    'override_not_dict': 'init_cfg.override', 'unknown_type': 'init_cfg',
    'no_type': 'init_cfg', 'unknown_argument': 'init_cfg',
    'bad_distribution': 'init_cfg.distribution', 'init_cfg_is_a_string': 'init_cfg',
    'pretrained_prefix_not_found': 'init_cfg.prefix', 'pretrained_missing_file': 'init_cfg',
}


def with_paths(obj, paths):
    if isinstance(obj, dict):
        return {k: with_paths(v, paths) for k, v in obj.items()}
    if isinstance(obj, list):
        return [with_paths(v, paths) for v in obj]
    if isinstance(obj, str):
        for mark, path in paths.items():
            obj = obj.replace(mark, path)
    return obj


def hide_paths(text, paths):
    for mark, path in paths.items():
        text = text.replace(path, mark)
    return text


@contextlib.contextmanager
def captured_log(tmp_path):
    logger = logging.getLogger('engine')
    path = tmp_path / 'init.log'
    handler = logging.FileHandler(path, mode='w')
    handler.setFormatter(logging.Formatter('%(levelname)s - %(message)s'))
    handler.setLevel(logging.INFO)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield path.read_text
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        handler.close()


def build(cfgs):
    return tree.build_tree(BaseModule, Sequential, ModuleList, with_paths(cfgs, PATHS))


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    """Every case run once on the engine: (model, log text, stdout, second-call log)."""
    out = {}
    for name, golden in CASES.items():
        tmp = tmp_path_factory.mktemp(name)
        torch.manual_seed(golden['seed'])
        model = build(golden['init_cfgs'])
        stdout = io.StringIO()
        with captured_log(tmp) as text, contextlib.redirect_stdout(stdout):
            torch.manual_seed(golden['seed'] + 1000)
            model.init_weights()
            log_text = text()
        with captured_log(tmp) as text:
            model.init_weights()
            second = text()
        out[name] = (model, hide_paths(log_text, PATHS), hide_paths(stdout.getvalue(), PATHS),
                     second)
    return out


def test_recorded_on_the_same_torch():
    # bitwise equality needs the same RNG streams and kernels
    assert GOLDEN['recorded_with'].endswith(f'torch {torch.__version__}')


def test_every_mmcv_case_of_the_shared_tree_is_recorded_for_mmengine():
    assert set(tree.CASES) <= set(CASES)


@pytest.mark.parametrize('name', sorted(CASES))
def test_weights_equal_mmengine_bitwise(name, runs):
    state = runs[name][0].state_dict()
    expected = CASES[name]['state']
    assert [k for k, _ in expected] == list(state)
    for key, values in expected:
        got = [float(x).hex() for x in state[key].detach().double().flatten().tolist()]
        assert got == values, f'{name}: {key}'


@pytest.mark.parametrize('name', sorted(CASES))
def test_log_text_and_init_info_table_equal_mmengine(name, runs):
    _, log_text, stdout, _ = runs[name]
    assert log_text == CASES[name]['log_text']
    assert stdout == CASES[name]['stdout']


@pytest.mark.parametrize('name', sorted(CASES))
def test_is_init_and_second_call_equal_mmengine(name, runs):
    model, _, _, second = runs[name]
    assert {n or '<top>': m.is_init for n, m in model.named_modules()
            if hasattr(m, 'is_init')} == CASES[name]['is_init']
    assert second == CASES[name]['second_call_log']
    # the shared bookkeeping is gone after the top-level call
    assert not any('_params_init_info' in m.__dict__ for m in model.modules())


def test_prefix_takes_only_that_sub_tree(runs):
    """``prefix='backbone.'`` loads exactly the checkpoint's backbone weights; the rest keep
    what the other initialisers gave them."""
    ckpt = torch.load(PATHS['<CKPT>'], weights_only=True)['state_dict']
    model = runs['pretrained_prefix_backbone'][0]
    for key, value in model.state_dict().items():
        if key.startswith('backbone.'):
            assert torch.equal(value, ckpt[key]), key
        elif key.endswith('weight') and 'bn' not in key:
            assert not torch.equal(value, ckpt[key]), key


@pytest.mark.parametrize('name', sorted(ERRORS))
def test_wrong_init_cfg_raises_like_mmengine_naming_the_key(name, tmp_path):
    golden = ERRORS[name]
    assert golden['raised'] is not None
    torch.manual_seed(0)
    paths = dict(PATHS, **{'<MISSING>': str(tmp_path / 'missing')})
    model = tree.build_tree(BaseModule, Sequential, ModuleList,
                            dict(net=with_paths(golden['init_cfg'], paths)))
    with pytest.raises(EngineError) as info:
        model.init_weights()
    err = info.value
    mmengine_class = getattr(builtins, golden['raised'])
    # documented differences must stay true, or the table above is stale
    assert isinstance(err, mmengine_class) != (name in NOT_MMENGINE_CLASS), str(err)
    assert err.key == ERROR_KEYS[name]
    assert err.fix
    # a failed call leaves no half-shared state behind
    assert not any('_params_init_info' in m.__dict__ for m in model.modules())
