"""A legacy leaf's ``{{_base_.x}}`` references after its base was converted (issue 10): moved to
the converted key that holds the same value, left alone where the key did not move, written out
with a marker where no converted key holds the value, marked inside an expression (MMCV put a
placeholder string there, not the value). The converted leaf loads in MMEngine (the real one
when .oracle is installed, else our engine) with the values MMCV gave the legacy leaf."""
import json
import os
import subprocess
import sys

from click.testing import CliRunner

from migrate.cli import main
from migrate.convert.base_refs import resolve_base_refs

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
ORACLE = {name: os.path.join(ROOT, '.oracle', name, 'bin', 'python')
          for name in ('mmcv', 'mmengine')}

BASE = (
    "model = dict(type='ImageClassifier', backbone=dict(type='ResNet', depth=18))\n"
    "data = dict(\n"
    "    samples_per_gpu=16,\n"
    "    workers_per_gpu=2,\n"
    "    train=dict(type='CIFAR10', data_prefix='data/cifar10', pipeline=[]),\n"
    "    val=dict(type='CIFAR10', data_prefix='data/cifar10', pipeline=[], test_mode=True),\n"
    "    test=dict(type='CIFAR10', data_prefix='data/cifar10', pipeline=[], test_mode=True))\n"
    "optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0001)\n"
    "optimizer_config = dict(grad_clip=None)\n"
    "lr_config = dict(policy='step', step=[100, 150])\n"
    "runner = dict(type='EpochBasedRunner', max_epochs=200)\n"
    "checkpoint_config = dict(interval=5)\n"
    "log_config = dict(interval=100, hooks=[dict(type='TextLoggerHook')])\n"
    "evaluation = dict(interval=2, metric='accuracy')\n"
    "workflow = [('train', 1)]\n")

LEAF = (
    "_base_ = ['./base.py']\n"
    "batch = {{_base_.data.samples_per_gpu}}\n"
    "workers = {{ _base_.data.workers_per_gpu }}\n"
    "train_set = {{_base_.data.train}}\n"
    "val_prefix = {{_base_.data.val.data_prefix}}\n"
    "epochs = {{_base_.runner.max_epochs}}\n"
    "base_lr = {{_base_.optimizer.lr}}\n"
    "ckpt_every = {{_base_.checkpoint_config.interval}}\n"
    "log_every = {{_base_.log_config.interval}}\n"
    "eval_every = {{_base_.evaluation.interval}}\n"
    "backbone = {{_base_.model.backbone}}\n"
    "milestones = {{_base_.lr_config.step}}\n"
    "sizes = dict(per_gpu=[{{_base_.data.samples_per_gpu}}], "
    "pair=(1, {'w': {{_base_.data.workers_per_gpu}}}))\n"
    "doubled = {{_base_.data.samples_per_gpu}} * 2\n")

WHOLE_KEYS = ('batch', 'workers', 'train_set', 'val_prefix', 'epochs', 'base_lr', 'ckpt_every',
              'log_every', 'eval_every', 'backbone', 'milestones', 'sizes')

DUMP = (
    "import json, sys\n"
    "try:\n"
    "    from mmcv import Config\n"
    "except ImportError:\n"
    "    from mmengine.config import Config\n"
    "cfg = Config.fromfile(sys.argv[1])._cfg_dict.to_dict()\n"
    "print(json.dumps({k: cfg.get(k) for k in sys.argv[2:]}))\n")


def _convert(src, dst, report):
    result = CliRunner().invoke(main, ['convert', str(src), '-o', str(dst), '--report',
                                       str(report), '-q'])
    with open(report) as f:
        entries = {e['file']: e for e in json.load(f)['files']}
    return result, entries


def _tree(tmp_path):
    src = tmp_path / 'legacy'
    src.mkdir()
    (src / 'base.py').write_text(BASE)
    (src / 'leaf.py').write_text(LEAF)
    return src


def _base_ref_findings(entry):
    return [f for f in entry['findings'] if f['kind'] == 'base reference']


def _oracle_values(which, path, keys):
    out = subprocess.run([ORACLE[which], '-c', DUMP, str(path), *keys], capture_output=True,
                         text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_leaf_references_follow_the_converted_base(tmp_path):
    src = _tree(tmp_path)
    result, report = _convert(src, tmp_path / 'out', tmp_path / 'report.json')
    assert result.exit_code == 0, result.output
    assert report['leaf.py']['errors'] == []   # the meaning check passed
    text = (tmp_path / 'out' / 'leaf.py').read_text()
    for line in ('batch = {{_base_.train_dataloader.batch_size}}',
                 'workers = {{ _base_.train_dataloader.num_workers }}',
                 'train_set = {{_base_.train_dataloader.dataset}}',
                 'val_prefix = {{_base_.val_dataloader.dataset.data_prefix}}',
                 'epochs = {{_base_.train_cfg.max_epochs}}',
                 'base_lr = {{_base_.optim_wrapper.optimizer.lr}}',
                 'ckpt_every = {{_base_.default_hooks.checkpoint.interval}}',
                 'log_every = {{_base_.default_hooks.logger.interval}}',
                 'eval_every = {{_base_.train_cfg.val_interval}}',
                 'backbone = {{_base_.model.backbone}}',   # not moved: as written
                 'milestones = [100, 150]',
                 "sizes = dict(per_gpu=[{{_base_.train_dataloader.batch_size}}], pair=(1, "
                 "{'w': {{_base_.train_dataloader.num_workers}}}))",
                 'doubled = {{_base_.train_dataloader.batch_size}} * 2'):
        assert line + '\n' in text, line
    assert '# migrate[MIG000]: the _base_.lr_config.step reference written out' in text
    assert '# migrate[MIG000]: the _base_.train_dataloader.batch_size reference is part of ' \
        'an expression' in text
    found = {(f['key'], f['severity']) for f in _base_ref_findings(report['leaf.py'])}
    assert found == {('milestones', 'note'), ('doubled', 'manual')}


def test_converted_leaf_loads_with_the_values_mmcv_gave(tmp_path):
    src = _tree(tmp_path)
    result, _ = _convert(src, tmp_path / 'out', tmp_path / 'report.json')
    assert result.exit_code == 0, result.output
    if all(os.path.exists(p) for p in ORACLE.values()):
        keys = WHOLE_KEYS + ('doubled',)
        legacy = _oracle_values('mmcv', src / 'leaf.py', keys)
        converted = _oracle_values('mmengine', tmp_path / 'out' / 'leaf.py', keys)
        # MMCV substituted only whole values: both hold a placeholder string, not 32
        assert isinstance(legacy['doubled'], str) and isinstance(converted['doubled'], str)
    else:   # no oracle here: our static MMCV reading and our engine's MMEngine loading
        from engine.config import Config
        from migrate.static import load_config_tree
        merged = load_config_tree(str(src / 'leaf.py')).merged
        legacy = json.loads(json.dumps({k: merged[k] for k in WHOLE_KEYS}))
        loaded = Config.fromfile(str(tmp_path / 'out' / 'leaf.py')).to_dict()
        converted = json.loads(json.dumps({k: loaded.get(k) for k in WHOLE_KEYS}))
    assert {k: converted[k] for k in WHOLE_KEYS} == {k: legacy[k] for k in WHOLE_KEYS}
    assert legacy['batch'] == 16 and legacy['milestones'] == [100, 150]


def test_converting_twice_changes_nothing(tmp_path):
    src = _tree(tmp_path)
    first, _ = _convert(src, tmp_path / 'once', tmp_path / 'once.json')
    assert first.exit_code == 0, first.output
    second, report = _convert(tmp_path / 'once', tmp_path / 'twice', tmp_path / 'twice.json')
    assert second.exit_code == 0, second.output
    for name in ('base.py', 'leaf.py'):
        assert (tmp_path / 'twice' / name).read_bytes() == \
            (tmp_path / 'once' / name).read_bytes()
    assert _base_ref_findings(report['leaf.py']) == []
    assert report['leaf.py']['errors'] == []


# -- the resolver on its own ---------------------------------------------------------------------
def _resolve(text, legacy, converted):
    return resolve_base_refs(text, 'leaf.py', lambda: legacy, converted)


def test_a_table_location_holding_another_value_is_not_trusted():
    text, findings = _resolve('bs = {{_base_.data.samples_per_gpu}}\n',
                              {'data': {'samples_per_gpu': 16}},
                              {'train_dataloader': {'batch_size': 8}})
    assert text.endswith('bs = 16\n')
    assert 'the _base_.data.samples_per_gpu reference written out' in text
    assert [(f.key, f.severity) for f in findings] == [('bs', 'note')]


def test_only_whole_values_are_substituted():
    legacy = {'data': {'samples_per_gpu': 16}}
    converted = {'train_dataloader': {'batch_size': 16}}
    moved = '{{_base_.train_dataloader.batch_size}}'
    for code in ('x = f({{_base_.data.samples_per_gpu}})\n',
                 'x = dict({{_base_.data.samples_per_gpu}})\n',
                 'x = -{{_base_.data.samples_per_gpu}}\n',
                 'x = [*{{_base_.data.samples_per_gpu}}]\n',
                 'x = {{{_base_.data.samples_per_gpu}}: 1}\n',
                 'x = {{{_base_.data.samples_per_gpu}}, 1}\n',
                 'x = 1\nx += {{_base_.data.samples_per_gpu}}\n'):
        text, findings = _resolve(code, legacy, converted)
        assert moved in text and 'part of an expression' in text, code
        assert [f.severity for f in findings] == ['manual'], code
    for code in ('x = {{_base_.data.samples_per_gpu}}\n',
                 'x = dict(a=[1, ({{_base_.data.samples_per_gpu}},)])\n',
                 "x = {'a': {{_base_.data.samples_per_gpu}}}\n",
                 'x: int = {{_base_.data.samples_per_gpu}}\n',
                 'if True:\n    x = {{_base_.data.samples_per_gpu}}\n'):
        text, findings = _resolve(code, legacy, converted)
        assert moved in text and findings == [], code


def test_a_value_that_cannot_be_written_out_is_marked_manual():
    from migrate.static.values import Opaque
    legacy = {'data': {'train': {'pipeline': Opaque('make_pipeline()')}}}
    text, findings = _resolve('p = {{_base_.data.train.pipeline}}\n', legacy, {})
    assert 'p = {{_base_.data.train.pipeline}}\n' in text
    assert 'cannot be written out statically' in text
    assert [(f.key, f.severity) for f in findings] == [('p', 'manual')]


def test_crlf_and_comments_are_kept():
    text = '# head\r\nbs = {{_base_.data.samples_per_gpu}}  # per gpu\r\nm = {{_base_.model}}\r\n'
    out, _ = _resolve(text, {'data': {'samples_per_gpu': 4}, 'model': {'a': 1}},
                      {'train_dataloader': {'batch_size': 4}, 'model': {'a': 1}})
    assert out == ('# head\r\nbs = {{_base_.train_dataloader.batch_size}}  # per gpu\r\n'
                   'm = {{_base_.model}}\r\n')


def test_a_file_without_references_is_returned_as_is():
    text = "x = '{{ fileDirname }}'\n"
    assert _resolve(text, {}, {}) == (text, [])
