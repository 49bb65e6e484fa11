"""A legacy-protocol model trains on the engine (LegacyModelAdapter + the legacy data bridge)
to the weights the real MMCV 1.7.2 reached on the legacy config (goldens of
scripts/oracle/record_legacy_run_goldens.py): SGD+momentum with gradient clipping, and AdamW
with paramwise_cfg on a BN model. Tolerance 1e-6 relative; on CPU they are equal bit for bit."""
import json
import os

import pytest
import torch

from compat.on_engine import LegacyModelAdapter, bridge_legacy_parts
from compat.testing.legacy_toy import LegacyToyClassifier
from engine.config import Config
from engine.runner import Runner
from migrate.convert.driver import ConvertOptions
from migrate.convert.several import run_convert_files

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
RUNS = os.path.join(ROOT, 'fixtures', 'legacy_runs')
GOLDENS = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_runs')


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp('converted')
    run = run_convert_files([RUNS], ConvertOptions(target='engine', epoch_len=8, output=str(out),
                                                   progress=False),
                            echo=lambda s: None)
    assert not run.errors
    return out


def _engine_run(path, work_dir):
    cfg, changes = bridge_legacy_parts(Config.fromfile(path).to_dict(), seed=0)
    cfg.update(work_dir=work_dir, randomness=dict(seed=0))
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner.model, changes


@pytest.mark.parametrize('stem', ['toy_sgd_step_gradclip_3e', 'toy_adamw_paramwise_cosine_bn'])
def test_adapter_reaches_mmcv_weights(stem, converted, tmp_path):
    model, changes = _engine_run(str(converted / f'{stem}.py'), str(tmp_path / 'work'))
    assert isinstance(model, LegacyModelAdapter)
    assert [key for key, _ in changes][:2] == ['model', 'train_dataloader.dataset']
    with open(os.path.join(GOLDENS, f'{stem}.json')) as f:
        golden = json.load(f)['result']['weights']
    state = model.module.state_dict()
    assert sorted(state) == sorted(golden)
    worst, bitwise = 0.0, True
    for key, values in golden.items():
        ours = state[key].double().flatten().tolist()
        for a, b in zip(ours, (float.fromhex(v) for v in values)):
            worst = max(worst, abs(a - b) / max(abs(b), 1e-12))
            bitwise &= a == b
    assert worst <= 1e-6, worst
    assert bitwise   # CPU, same torch: the same operations in the same order


def test_adapter_refuses_a_model_without_train_step():
    from engine.errors import ConfigError
    with pytest.raises(ConfigError, match='not a legacy-protocol model'):
        LegacyModelAdapter(torch.nn.Linear(2, 2))


def test_adapter_scatters_data_containers_like_mmdataparallel():
    from compat.parallel import DataContainer, collate
    batch = collate([dict(img=torch.ones(8), img_metas=DataContainer({'i': i}, cpu_only=True))
                     for i in range(2)], samples_per_gpu=2)
    plain = LegacyModelAdapter.legacy_batch(batch)
    assert plain['img'].shape == (2, 8)
    assert plain['img_metas'] == [{'i': 0}, {'i': 1}]
    adapter = LegacyModelAdapter(LegacyToyClassifier())
    predictions = adapter.val_step(collate([dict(img=torch.zeros(8))] * 3, samples_per_gpu=3))
    assert len(predictions) == 3 and predictions[0].shape == (4, )


def test_checkpoints_carry_the_legacy_parameter_names_both_ways(tmp_path):
    # a legacy checkpoint loads into the adapter as it is, and one the adapter wrote loads
    # through the engine's loader (which strips a leading 'module.', as MMEngine's does)
    from engine.checkpoint.checkpoint_io import load_model_state

    def load_checkpoint(model, path):
        load_model_state(model, torch.load(path, weights_only=True)['state_dict'])
    legacy = LegacyToyClassifier(init_seed=3)
    adapter = LegacyModelAdapter(LegacyToyClassifier(init_seed=0))
    assert sorted(adapter.state_dict()) == sorted(legacy.state_dict())
    torch.save({'state_dict': legacy.state_dict()}, tmp_path / 'legacy.pth')
    load_checkpoint(adapter, str(tmp_path / 'legacy.pth'))
    for a, b in zip(adapter.module.parameters(), legacy.parameters()):
        assert torch.equal(a, b)
    torch.save({'state_dict': {f'module.{k}': v for k, v in adapter.state_dict().items()}},
               tmp_path / 'wrapped.pth')
    fresh = LegacyModelAdapter(LegacyToyClassifier(init_seed=7))
    load_checkpoint(fresh, str(tmp_path / 'wrapped.pth'))
    for a, b in zip(fresh.module.parameters(), legacy.parameters()):
        assert torch.equal(a, b)


def test_attributes_the_adapter_lacks_come_from_the_legacy_model():
    legacy = LegacyToyClassifier()
    legacy.use_l1 = False
    adapter = LegacyModelAdapter(legacy)
    assert adapter.head is legacy.head and adapter.use_l1 is False
    assert adapter.aux_loss_weight == 0.0
    with pytest.raises(AttributeError):
        adapter.no_such_attribute
