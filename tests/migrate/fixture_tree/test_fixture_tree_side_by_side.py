"""The fixture tree side by side: real MMCV 1.7.2 on each legacy leaf against real MMEngine
0.10.7 on its conversion (both recorded by scripts/oracle/), plus our engine on both targets.

* ``fixtures/converted`` is what ``migrate convert fixtures/legacy -o fixtures/converted``
  writes today (so the MMEngine goldens recorded from it speak for the converter);
* every leaf of the conversion loaded in the real MMEngine ``Config`` (a golden exists, no error);
* where MMEngine's per-iteration lr/momentum differ from MMCV's by more than 1e-12, the
  conversion of that leaf (or of a base it inherits the schedule from) reports an approximation
  from the schedule rules, with its measured deviation;
* our engine's schedulers on the converted file give MMEngine's numbers (1e-12);
* ``--target engine`` with the dataloader length is exact for every leaf.
"""
import gzip
import json
import os

import pytest

from engine.config import Config
from engine.schedulers.trajectory import scheduler_trajectory
from migrate.convert.converter import Converter
from migrate.convert.driver import collect_files, convert_all

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
LEGACY = os.path.join(REPO, 'fixtures', 'legacy')
CONVERTED = os.path.join(REPO, 'fixtures', 'converted')
GOLDENS = os.path.join(REPO, 'fixtures', 'goldens')
with open(os.path.join(LEGACY, 'manifest.json')) as _f:
    MANIFEST = json.load(_f)
LEAVES = sorted(MANIFEST)
EXACT = 1e-12


def golden(kind, leaf):
    base = os.path.join(GOLDENS, kind, leaf.replace('/', '__')[:-3] + '.json')
    if os.path.exists(base + '.gz'):
        with gzip.open(base + '.gz', 'rt') as f:
            return json.load(f)
    with open(base) as f:
        return json.load(f)


def max_dev(a_rows, b_rows):
    if a_rows is None or b_rows is None:
        return 0.0 if a_rows is None and b_rows is None else float('inf')
    assert len(a_rows) == len(b_rows)
    worst = 0.0
    for a_row, b_row in zip(a_rows, b_rows):
        for a, b in zip(a_row if isinstance(a_row, list) else [a_row],
                        b_row if isinstance(b_row, list) else [b_row]):
            scale = max(abs(a), abs(b))
            worst = max(worst, 0.0 if scale == 0 else abs(a - b) / scale)
    return worst


def momentum_dev(a_rows, b_rows):
    """Deviation of two momentum trajectories, compared whenever either side has one.

    A side records no momentum (``None`` or ``[]``) only when its optimizer has none; both sides
    without momentum is the one case that compares as equal (no optimizer of the fixture tree is
    momentum-free today). One side without momentum where the other has it is a failure (inf).
    """
    return max_dev(a_rows or None, b_rows or None)


def assert_momentum_on_both_sides_or_neither(name_a, a_rows, name_b, b_rows, leaf):
    assert bool(a_rows) == bool(b_rows), (
        f'{leaf}: momentum recorded by {name_a if a_rows else name_b} only '
        f'({name_a}: {"yes" if a_rows else "none"}, {name_b}: {"yes" if b_rows else "none"})')


@pytest.fixture(scope='module')
def tree_conversion():
    converter = Converter()
    files = collect_files(LEGACY)
    results = {os.path.relpath(r.path, LEGACY): r for r in convert_all(converter, files)}
    return converter, results


def test_converted_tree_is_what_the_converter_writes(tree_conversion):
    _, results = tree_conversion
    for rel, result in sorted(results.items()):
        assert result.error is None, f'{rel}: {result.error}'
        with open(os.path.join(CONVERTED, rel), encoding='utf-8', newline='') as f:
            assert f.read() == result.text_out, f'{rel} differs: re-run migrate convert ' \
                'fixtures/legacy -o fixtures/converted and re-record the MMEngine goldens'


def _schedule_findings(converter, leaf):
    from migrate.static import load_config_tree
    tree = load_config_tree(os.path.join(LEGACY, leaf), converter.loader)
    found = []
    for f in tree.files():
        result = converter.results[os.path.abspath(f.path)]
        found += [x for x in result.findings if x.rule in ('MIG100', 'MIG101')
                  and x.severity == 'approximation']
    return found


@pytest.mark.parametrize('leaf', LEAVES)
def test_mmengine_on_conversion_matches_mmcv_or_is_reported(leaf, tree_conversion):
    converter, _ = tree_conversion
    legacy = golden('legacy_fixtures', leaf)
    converted = golden('converted_fixtures', leaf)
    assert 'error' not in converted, converted.get('error')
    assert len(converted['lr']) == len(legacy['lr'])
    assert_momentum_on_both_sides_or_neither('MMCV', legacy.get('momentum'),
                                             'MMEngine', converted.get('momentum'), leaf)
    deviation = max(max_dev(legacy['lr'], converted['lr']),
                    momentum_dev(legacy.get('momentum'), converted.get('momentum')))
    findings = _schedule_findings(converter, leaf)
    if deviation > EXACT:
        assert findings, f'{leaf}: MMEngine deviates by {deviation:.3g} but nothing is reported'
        assert all(f.deviation is not None and f.deviation > 0 for f in findings)


@pytest.mark.parametrize('leaf', LEAVES)
def test_engine_runs_the_conversion_like_mmengine(leaf):
    entry = MANIFEST[leaf]
    converted = golden('converted_fixtures', leaf)
    cfg = Config.fromfile(os.path.join(CONVERTED, leaf))
    ours = scheduler_trajectory(cfg.get('param_scheduler'), train_cfg=dict(cfg['train_cfg']),
                                epoch_len=entry['epoch_len'],
                                optimizer=dict(cfg['optim_wrapper']['optimizer']))
    assert max_dev(converted['lr'], ours['lr']) <= EXACT
    assert_momentum_on_both_sides_or_neither('MMEngine', converted.get('momentum'),
                                             'our engine', ours.get('momentum'), leaf)
    assert momentum_dev(converted.get('momentum'), ours.get('momentum')) <= EXACT


@pytest.mark.parametrize('leaf', LEAVES)
def test_engine_target_is_exact(leaf, tmp_path):
    entry = MANIFEST[leaf]
    legacy = golden('legacy_fixtures', leaf)
    converter = Converter(target='engine', epoch_len=entry['epoch_len'])
    result = converter.convert(os.path.join(LEGACY, leaf))
    assert result.error is None, result.error
    for path, res in converter.results.items():
        dst = tmp_path / os.path.relpath(path, LEGACY)
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(res.text_out, encoding='utf-8')
    cfg = Config.fromfile(str(tmp_path / leaf))
    ours = scheduler_trajectory(cfg.get('param_scheduler'), train_cfg=dict(cfg['train_cfg']),
                                epoch_len=entry['epoch_len'],
                                optimizer=dict(cfg['optim_wrapper']['optimizer']))
    assert max_dev(legacy['lr'], ours['lr']) <= EXACT
    assert_momentum_on_both_sides_or_neither('MMCV', legacy.get('momentum'),
                                             'our engine', ours.get('momentum'), leaf)
    assert momentum_dev(legacy.get('momentum'), ours.get('momentum')) <= EXACT
