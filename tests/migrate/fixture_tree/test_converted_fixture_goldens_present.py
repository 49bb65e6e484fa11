"""Every converted fixture leaf has an MMEngine 0.10.7 golden of the same run as its MMCV golden.

The goldens come from scripts/oracle/record_converted_fixture_goldens.py (real mmengine.Config
and schedulers on fixtures/converted). Here: presence, no MMEngine error, and the same run
length and loop kind as the legacy golden; the values themselves are compared side by side
elsewhere.
"""
import gzip
import json
import os

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDENS = os.path.join(REPO, 'fixtures', 'goldens')

with open(os.path.join(REPO, 'fixtures', 'legacy', 'manifest.json')) as _f:
    MANIFEST = json.load(_f)
LOOP_OF_RUNNER = {'EpochBasedRunner': 'EpochBasedTrainLoop', 'IterBasedRunner': 'IterBasedTrainLoop'}


def load(kind, leaf):
    base = os.path.join(GOLDENS, kind, leaf[:-len('.py')].replace('/', '__') + '.json')
    if os.path.exists(base + '.gz'):
        with gzip.open(base + '.gz', 'rt') as f:
            return json.load(f)
    with open(base) as f:
        return json.load(f)


def test_no_stale_converted_goldens():
    names = {leaf[:-len('.py')].replace('/', '__') + '.json' for leaf in MANIFEST}
    found = [n[:-len('.gz')] if n.endswith('.gz') else n
             for n in os.listdir(os.path.join(GOLDENS, 'converted_fixtures'))]
    assert sorted(found) == sorted(names)


@pytest.mark.parametrize('leaf', sorted(MANIFEST))
def test_converted_golden_runs_as_long_as_the_legacy_one(leaf):
    new, old = load('converted_fixtures', leaf), load('legacy_fixtures', leaf)
    assert 'error' not in new, new.get('error')
    assert new['leaf'] == leaf and new['epoch_len'] == MANIFEST[leaf]['epoch_len']
    assert new['loop']['type'] == LOOP_OF_RUNNER[old['runner']['type']]
    assert new['loop']['max_iters'] == old['runner']['max_iters'] == new['num_iters']
    assert new['iter'] == list(range(new['num_iters']))
    assert len(new['lr']) == new['num_iters']
    assert (new['momentum'] is None) == (old['momentum'] is None)
