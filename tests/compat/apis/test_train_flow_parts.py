"""The parts of compat.apis' downstream flow: compat_cfg, the optimizer builders, the dataset
wrappers, find_latest_checkpoint (value tables; whole runs are in test_legacy_runs_vs_mmcv)."""
import os
import warnings

import pytest
import torch
from torch import nn

from compat.apis import (ConcatDataset, RepeatDataset, build_optimizer, build_optimizers,
                         compat_cfg, find_latest_checkpoint)
from compat.testing.legacy_toy import LegacyToyClassifier, LegacyToyDataset
from compat.utils.config import Config


def _cfg(**keys):
    base = dict(data=dict(samples_per_gpu=4, workers_per_gpu=1,
                          train=dict(type='T'), val=dict(type='T', samples_per_gpu=3),
                          test=dict(type='T')),
                runner=dict(type='EpochBasedRunner', max_epochs=2))
    base.update(keys)
    return Config(base)


def test_compat_cfg_moves_loader_settings_like_mmdet():
    cfg = compat_cfg(_cfg())
    assert dict(cfg.data.train_dataloader) == dict(samples_per_gpu=4, workers_per_gpu=1)
    # MMDet's val batch: data.val.samples_per_gpu (default 1), not data.samples_per_gpu
    assert dict(cfg.data.val_dataloader) == dict(samples_per_gpu=3, workers_per_gpu=1)
    assert dict(cfg.data.test_dataloader) == dict(samples_per_gpu=1, workers_per_gpu=1)
    assert 'samples_per_gpu' not in cfg.data.val   # popped before the dataset is built


def test_compat_cfg_total_epochs_becomes_a_runner_with_a_warning():
    cfg = _cfg(total_epochs=7)
    cfg.pop('runner')
    with pytest.warns(UserWarning, match='runner'):
        out = compat_cfg(cfg)
    assert dict(out.runner) == dict(type='EpochBasedRunner', max_epochs=7)
    with pytest.raises(ValueError, match='total_epochs=3 disagrees'):
        compat_cfg(_cfg(total_epochs=3))


def test_compat_cfg_refuses_a_batch_set_twice():
    cfg = _cfg()
    cfg.data.train_dataloader = dict(samples_per_gpu=2)
    with pytest.raises(ValueError, match='data.samples_per_gpu') as info:
        compat_cfg(cfg)
    assert 'keep only the data.train_dataloader one' in str(info.value)


def test_imgs_per_gpu_wins_with_a_warning():
    cfg = _cfg()
    cfg.data.imgs_per_gpu = 6
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        out = compat_cfg(cfg)
    assert out.data.train_dataloader.samples_per_gpu == 6
    assert any('imgs_per_gpu' in str(w.message) for w in caught)


def test_regex_paramwise_options_later_patterns_win_and_mult_multiplies():
    model = LegacyToyClassifier(with_bn=True)
    optimizer = build_optimizer(model, dict(
        type='SGD', lr=0.1, weight_decay=1e-4, momentum=0.9,
        paramwise_options={r'bias': dict(weight_decay=0., lr_mult=3.),
                           r'head\.bias': dict(lr_mult=10.)}))
    names = [n for n, _ in model.named_parameters()]
    table = {n: (g['lr'], g['weight_decay']) for n, g in zip(names, optimizer.param_groups)}
    assert table == {
        'backbone.0.weight': (0.1, 1e-4), 'backbone.0.bias': (pytest.approx(0.3), 0.),
        'backbone.1.weight': (0.1, 1e-4), 'backbone.1.bias': (pytest.approx(0.3), 0.),
        'head.weight': (0.1, 1e-4), 'head.bias': (pytest.approx(1.0), 0.)}


def test_regex_mult_of_an_unset_key_names_it():
    with pytest.raises(KeyError, match='weight_decay_mult multiplies optimizer.weight_decay'):
        build_optimizer(LegacyToyClassifier(), dict(
            type='SGD', lr=0.1, paramwise_options={'bias': dict(weight_decay_mult=0.)}))


def test_dict_of_optimizers_one_per_submodule():
    model = LegacyToyClassifier()
    opts = build_optimizers(model, dict(backbone=dict(type='SGD', lr=0.01),
                                        head=dict(type='Adam', lr=0.001)))
    assert isinstance(opts['backbone'], torch.optim.SGD)
    assert isinstance(opts['head'], torch.optim.Adam)
    assert opts['head'].param_groups[0]['params'][0] is model.head.weight
    with pytest.raises(KeyError, match='no submodule `neck`'):
        build_optimizers(model, dict(neck=dict(type='SGD', lr=0.01)))
    assert isinstance(build_optimizers(model, dict(type='SGD', lr=0.1)), torch.optim.SGD)


def test_dataset_wrappers_keep_classes_and_flags():
    a, b = LegacyToyDataset(num_samples=4, groups=2), LegacyToyDataset(num_samples=6)
    concat = ConcatDataset([a, b])
    assert len(concat) == 10 and concat.CLASSES == a.CLASSES
    assert concat.flag.tolist() == [0, 1, 0, 1, 0, 0, 0, 0, 0, 0]
    results = [nn.functional.one_hot(torch.tensor(int(l)), 4).float().numpy()
               for l in list(a.labels) + list(b.labels)]
    assert concat.evaluate(results) == {'0_accuracy': 100.0, '1_accuracy': 100.0}
    rep = RepeatDataset(a, 3)
    assert len(rep) == 12 and rep[5]['gt_label'] == a[1]['gt_label']
    assert rep.flag.tolist() == [0, 1] * 6


def test_find_latest_checkpoint(tmp_path):
    assert find_latest_checkpoint(str(tmp_path / 'missing')) is None
    with pytest.warns(UserWarning, match='no checkpoints'):
        assert find_latest_checkpoint(str(tmp_path)) is None
    for name in ('epoch_2.pth', 'epoch_10.pth', 'best_accuracy_epoch_3.pth', 'notes.pth'):
        (tmp_path / name).write_bytes(b'')
    assert os.path.basename(find_latest_checkpoint(str(tmp_path))) == 'epoch_10.pth'
    (tmp_path / 'latest.pth').write_bytes(b'')
    assert os.path.basename(find_latest_checkpoint(str(tmp_path))) == 'latest.pth'
