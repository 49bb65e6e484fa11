"""The converted tree as verify reads it: static files merged the MMEngine way, equal to what
the engine's (MMEngine-compatible) Config gets by executing the same files."""
import json
import os
import textwrap

import pytest

from engine.config import Config
from engine.errors import ConfigError
from migrate.static import Opaque
from migrate.verify.computable import require_computable
from migrate.verify.converted_view import load_converted_view

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
CONVERTED = os.path.join(REPO, 'fixtures', 'converted')


def _leaves():
    out = []
    for root, dirs, files in os.walk(CONVERTED):
        if '_base_' not in os.path.relpath(root, CONVERTED).split(os.sep):
            out += [os.path.join(root, f) for f in files if f.endswith('.py')]
    return sorted(out)


def _write(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return str(tmp_path / 'leaf.py')


def test_the_converted_fixture_tree_reads_as_the_engine_executes_it():
    leaves = _leaves()
    with open(os.path.join(CONVERTED, '..', 'legacy', 'manifest.json'), encoding='utf-8') as f:
        assert len(leaves) == len(json.load(f))   # every leaf of the tree, none skipped
    for leaf in leaves:
        # == keeps tuples apart from lists, as a config does
        assert load_converted_view(leaf) == Config.fromfile(leaf).to_dict(), leaf


def test_references_and_delete_are_resolved_as_mmengine_does(tmp_path):
    leaf = _write(tmp_path, {
        '_base_/schedule.py': """\
            base_lr = 0.01
            optim_wrapper = dict(type='OptimWrapper',
                                 optimizer=dict(type='SGD', lr=base_lr, momentum=0.9))
            param_scheduler = [dict(type='MultiStepLR', milestones=[8, 11], by_epoch=True)]
            train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)
            """,
        'leaf.py': """\
            _base_ = ['./_base_/schedule.py']
            optim_wrapper = dict(optimizer=dict(lr=_base_.base_lr * 2))
            param_scheduler = [dict(type='CosineAnnealingLR', T_max=24, by_epoch=True)]
            train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop', max_epochs=24)
            max_epochs = {{_base_.train_cfg.max_epochs}}
            """})
    view = load_converted_view(leaf)
    assert view == Config.fromfile(leaf).to_dict()
    assert view['optim_wrapper']['optimizer'] == dict(type='SGD', lr=0.02, momentum=0.9)
    assert view['train_cfg'] == dict(type='EpochBasedTrainLoop', max_epochs=24)
    assert view['max_epochs'] == 12


def test_a_merge_over_an_unknown_base_value_is_unknown_and_refused_by_key(tmp_path):
    leaf = _write(tmp_path, {
        '_base_/schedule.py': """\
            import os
            param_scheduler = dict(type='MultiStepLR', milestones=os.environ['STEPS'])
            train_cfg = os.environ['TRAIN_CFG']
            """,
        'leaf.py': """\
            _base_ = ['./_base_/schedule.py']
            train_cfg = dict(max_epochs=24)
            param_scheduler = dict(gamma=0.5)
            """})
    view = load_converted_view(leaf)
    assert isinstance(view['train_cfg'], Opaque)
    assert isinstance(view['param_scheduler']['milestones'], Opaque)
    with pytest.raises(ConfigError) as err:
        require_computable(view, [('param_scheduler',)], file=leaf, side='converted')
    assert err.value.key == 'param_scheduler.milestones'
    assert "os.environ['STEPS']" in err.value.message
    with pytest.raises(ConfigError) as err:
        require_computable(view, [('train_cfg', 'max_epochs')], file=leaf, side='converted')
    assert err.value.key == 'train_cfg'
    assert 'merged over a base value that is not known' in err.value.message


def test_a_dict_over_a_plain_base_value_is_refused_as_mmengine_refuses_it(tmp_path):
    leaf = _write(tmp_path, {
        '_base_/schedule.py': "train_cfg = None\n",
        'leaf.py': "_base_ = ['./_base_/schedule.py']\ntrain_cfg = dict(max_epochs=2)\n"})
    with pytest.raises(ConfigError) as err:
        load_converted_view(leaf)
    assert err.value.key == 'train_cfg' and err.value.file.endswith('leaf.py')
    assert '_delete_' in err.value.fix
