"""TensorBoard event files and the JSON-lines scalars file of a real run, read back from disk."""
import glob
import json
import os

import pytest

from engine.config import Config
from engine.runner import Runner

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
CFG = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')
EPOCHS, INTERVAL, EPOCH_LEN = 2, 3, 8  # 64 samples / batch 8


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    cfg = Config.fromfile(CFG)
    cfg['work_dir'] = str(tmp_path_factory.mktemp('wd'))
    cfg['log_level'] = 'WARNING'
    cfg.merge_from_dict({
        'train_cfg.max_epochs': EPOCHS, 'default_hooks.checkpoint': None,
        'default_hooks.logger': dict(type='LoggerHook', interval=INTERVAL),
        'visualizer': dict(type='Visualizer', vis_backends=[dict(type='LocalVisBackend'),
                                                            dict(type='TensorboardVisBackend')])})
    runner = Runner.from_cfg(cfg)
    runner.train()
    vis_dir = os.path.join(runner.log_dir, 'vis_data')
    records = [json.loads(line) for line in open(os.path.join(vis_dir, 'scalars.json'))]
    return runner, vis_dir, records


def _expected_train_steps():
    # ignore_last: the partial window at the end of an 8-iteration epoch is not logged
    return [e * EPOCH_LEN + i + 1 for e in range(EPOCHS) for i in range(EPOCH_LEN)
            if (i + 1) % INTERVAL == 0]


def test_scalars_json_has_one_record_per_logging_step(run):
    _, _, records = run
    train = [r for r in records if 'lr' in r]
    val = [r for r in records if 'accuracy/top1' in r]
    assert len(records) == len(train) + len(val)
    assert [r['step'] for r in train] == _expected_train_steps() == [3, 6, 11, 14]
    assert [r['iter'] for r in train] == [r['step'] for r in train]
    assert [r['epoch'] for r in train] == [1, 1, 2, 2]
    assert [r['step'] for r in val] == list(range(1, EPOCHS + 1))
    for r in train:
        assert list(r) == ['lr', 'data_time', 'loss', 'loss_cls', 'time', 'epoch', 'iter', 'step']
        assert r['loss'] == r['loss_cls'] and 0 < r['loss'] < 10 and 0 < r['lr'] <= 0.1 + 1e-12
    assert os.path.isfile(os.path.join(run[1], 'config.py'))


def test_tensorboard_event_files_hold_the_same_scalars(run):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    _, vis_dir, records = run
    events = glob.glob(os.path.join(vis_dir, 'events.out.tfevents.*'))
    assert len(events) == 1
    acc = EventAccumulator(vis_dir)
    acc.Reload()
    tags = set(acc.Tags()['scalars'])
    assert {'lr', 'loss', 'loss_cls', 'time', 'data_time', 'epoch', 'iter',
            'accuracy/top1'} <= tags
    assert 'step' not in tags
    for tag in ('lr', 'loss', 'accuracy/top1', 'epoch', 'iter'):
        expected = [(r['step'], r[tag]) for r in records if tag in r]
        got = [(e.step, e.value) for e in acc.Scalars(tag)]
        assert [s for s, _ in got] == [s for s, _ in expected], tag
        # event files store float32
        assert [v for _, v in got] == pytest.approx([v for _, v in expected], rel=1e-6), tag
    assert 'config/text_summary' in acc.Tags()['tensors']


def test_tensorboard_backend_skips_non_numbers_and_rejects_step_key(tmp_path):
    from engine.visualization import TensorboardVisBackend
    backend = TensorboardVisBackend(save_dir=str(tmp_path / 'tb'))
    assert not (tmp_path / 'tb').exists()  # nothing is created before the first write
    with pytest.warns(UserWarning, match="skips 'name'"):
        backend.add_scalars({'name': 'abc', 'x': 1.5}, step=3)
    with pytest.raises(ValueError, match='step'):
        backend.add_scalars({'step': 1})
    backend.close()
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(str(tmp_path / 'tb'))
    acc.Reload()
    assert acc.Tags()['scalars'] == ['x']
    assert [(e.step, e.value) for e in acc.Scalars('x')] == [(3, 1.5)]


def test_local_backend_record_format(tmp_path):
    import torch
    from engine.visualization import LocalVisBackend
    backend = LocalVisBackend(save_dir=str(tmp_path))
    backend.add_scalars({'loss': torch.tensor(0.5), 'epoch': 1}, step=7, file_path='run.json')
    backend.add_scalar('acc', 0.25, step=8)
    lines = (tmp_path / 'scalars.json').read_text().splitlines()
    assert lines == ['{"loss": 0.5, "epoch": 1, "step": 7}', '{"acc": 0.25, "step": 8}']
    assert (tmp_path / 'run.json').read_text().splitlines() == lines[:1]
    with pytest.raises(ValueError, match='scalars.json'):
        backend.add_scalars({'a': 1}, file_path='scalars.json')
