"""A first end-to-end check of the static reader: a leaf that overrides its bases."""
from migrate.static import Opaque, load_config_tree


def test_leaf_overrides_merge_into_bases(tmp_path):
    (tmp_path / '_base_').mkdir()
    (tmp_path / '_base_' / 'sched.py').write_text(
        "optimizer = dict(type='SGD', lr=0.02, momentum=0.9)\n"
        "lr_config = dict(policy='step', warmup='linear', step=[8, 11])\n"
        "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")
    leaf = tmp_path / 'leaf.py'
    leaf.write_text("_base_ = './_base_/sched.py'\n"
                    "lr_config = dict(step=[16, 22])\n"
                    "runner = dict(max_epochs=24)\n"
                    "env = os.environ['X']\n")
    tree = load_config_tree(str(leaf))
    assert tree.merged == {
        'optimizer': {'type': 'SGD', 'lr': 0.02, 'momentum': 0.9},
        'lr_config': {'policy': 'step', 'warmup': 'linear', 'step': [16, 22]},
        'runner': {'type': 'EpochBasedRunner', 'max_epochs': 24},
        'env': Opaque("os.environ['X']"),
    }
    assert tree.base_merged['runner'] == {'type': 'EpochBasedRunner', 'max_epochs': 12}
    assert tree.file.own['lr_config'] == {'step': [16, 22]}
    assert tree.file.expr(('lr_config', 'step')).elements[1].value.value == '22'
