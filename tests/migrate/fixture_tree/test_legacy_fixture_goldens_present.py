"""The legacy fixture tree, its manifest and its MMCV 1.7.2 goldens agree with each other.

The goldens come from the real MMCV (scripts/oracle/record_legacy_fixture_goldens.py); here we
check that every leaf has one, that its length is the one the config asks for, and that our
static reader merges the schedule keys of every leaf exactly as MMCV's loader did.
"""
import glob
import gzip
import json
import os

import pytest

from migrate.static import load_config_tree

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
FIXTURES = os.path.join(REPO, 'fixtures', 'legacy')
GOLDENS = os.path.join(REPO, 'fixtures', 'goldens', 'legacy_fixtures')
GZIP_ABOVE = 200 * 1024

with open(os.path.join(FIXTURES, 'manifest.json')) as _f:
    MANIFEST = json.load(_f)
LEAVES = sorted(MANIFEST)


def golden_base(leaf):
    return os.path.join(GOLDENS, leaf[:-len('.py')].replace('/', '__') + '.json')


def load_golden(leaf):
    base = golden_base(leaf)
    if os.path.exists(base + '.gz'):
        with gzip.open(base + '.gz', 'rt') as f:
            return json.load(f)
    with open(base) as f:
        return json.load(f)


def as_lists(value):
    """Static values use tuples where JSON has lists."""
    if isinstance(value, dict):
        return {k: as_lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_lists(v) for v in value]
    return value


def test_manifest_lists_every_leaf_and_only_leaves():
    on_disk = sorted(
        os.path.relpath(p, FIXTURES).replace(os.sep, '/')
        for p in glob.glob(os.path.join(FIXTURES, '**', '*.py'), recursive=True)
        if '_base_' not in os.path.relpath(p, FIXTURES).split(os.sep))
    assert on_disk == LEAVES
    assert len(LEAVES) >= 30
    codebases = {entry['codebase'] for entry in MANIFEST.values()}
    assert {'mmdet', 'mmcls', 'mmseg', 'mmselfsup'} <= codebases
    for leaf, entry in MANIFEST.items():
        assert entry['codebase'] == leaf.split('/')[0]
        assert isinstance(entry['epoch_len'], int) and entry['epoch_len'] > 0
        assert entry['about'].strip()


def test_one_crlf_file_everything_else_lf():
    crlf = []
    for path in glob.glob(os.path.join(FIXTURES, '**', '*.py'), recursive=True):
        with open(path, 'rb') as f:
            data = f.read()
        if b'\r\n' in data:
            assert data.count(b'\r\n') == data.count(b'\n'), f'mixed line endings in {path}'
            crlf.append(os.path.relpath(path, FIXTURES).replace(os.sep, '/'))
        else:
            assert b'\r' not in data
    assert crlf == ['mmcls/resnet/resnet18_8xb16_cifar10.py']


def test_no_stale_goldens():
    expected = {os.path.basename(golden_base(leaf)) for leaf in LEAVES}
    found = {name[:-len('.gz')] if name.endswith('.gz') else name
             for name in os.listdir(GOLDENS)}
    assert found == expected
    assert len(os.listdir(GOLDENS)) == len(expected)   # never both .json and .json.gz


@pytest.mark.parametrize('leaf', LEAVES)
def test_golden_matches_its_leaf(leaf):
    golden = load_golden(leaf)
    assert 'error' not in golden, golden.get('error')
    assert golden['leaf'] == leaf
    assert golden['epoch_len'] == MANIFEST[leaf]['epoch_len']
    gzipped = os.path.exists(golden_base(leaf) + '.gz')
    raw_size = len((json.dumps(golden, separators=(',', ':')) + '\n').encode())
    assert gzipped == (raw_size > GZIP_ABOVE)

    n = golden['num_iters']
    runner = golden['runner']
    epoch_len = golden['epoch_len']
    assert golden['iter'] == list(range(n))
    if runner['type'] == 'EpochBasedRunner':
        assert n == runner['max_epochs'] * epoch_len
        assert golden['epoch'] == [i // epoch_len for i in range(n)]
    else:
        assert runner['type'] == 'IterBasedRunner'
        assert n == runner['max_iters']
        # passes over the data loader; IterBasedRunner.train copies the loader's epoch
        # before fetching the batch, so the count moves one iteration late
        assert golden['epoch'] == [max(i - 1, 0) // epoch_len for i in range(n)]
    assert len(golden['lr']) == n and all(len(row) == 1 for row in golden['lr'])
    if golden['momentum'] is None:
        assert golden['base_momentums'] is None
    else:
        assert len(golden['momentum']) == n and all(len(row) == 1 for row in golden['momentum'])


@pytest.mark.parametrize('leaf', LEAVES)
def test_static_reader_merges_schedule_keys_like_mmcv(leaf):
    """The merged legacy view of our static reader has MMCV's schedule keys and run length."""
    golden = load_golden(leaf)
    merged = load_config_tree(os.path.join(FIXTURES, leaf)).merged
    for key, mmcv_value in golden['legacy_keys'].items():
        assert as_lists(merged.get(key)) == mmcv_value, key
    runner = merged.get('runner') or dict(type='EpochBasedRunner',
                                           max_epochs=merged['total_epochs'])
    if runner['type'] == 'EpochBasedRunner':
        expected = runner['max_epochs'] * MANIFEST[leaf]['epoch_len']
    else:
        expected = runner['max_iters']
    assert golden['num_iters'] == expected
