"""The meaning check on every leaf of the fixture tree, and our static readings of both sides
against the facts recorded from the real MMCV 1.7.2 / MMEngine 0.10.7
(scripts/oracle/record_meaning_goldens.py -> fixtures/goldens/meaning/)."""
import json
import os

import pytest

from migrate.convert.converter import Converter
from migrate.convert.driver import collect_files, convert_all
from migrate.meaning import legacy_reading, new_reading
from migrate.meaning.legacy_reading import NOT_SET
from migrate.meaning.val_points import ValPoints
from migrate.rules._paramwise_options import NotExact, is_paramwise_cfg_form, to_custom_keys
from migrate.static import ConfigLoader, load_config_tree

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
LEGACY = os.path.join(ROOT, 'fixtures', 'legacy')
GOLDENS = os.path.join(ROOT, 'fixtures', 'goldens', 'meaning')
with open(os.path.join(LEGACY, 'manifest.json')) as _f:
    MANIFEST = json.load(_f)

#: Leaves the meaning check fails today: leaf -> (golden facts that fail, reason). Only real
#: limitations belong here (a converter bug is fixed, not listed); the strict xfail fails when
#: a listed leaf starts to pass. Empty: every leaf of fixtures/legacy passes.
KNOWN_FAILING = {}
#: golden fact name -> the meaning check's fact name
_FACT_NAMES = {'loop': 'loop kind and length', 'val_points': 'validation points',
               'checkpoint': 'checkpoint settings', 'save_best': 'best checkpoint',
               'amp': 'AMP', 'resume': 'resume/load', 'val_loader': 'val batch size and workers',
               'test_loader': 'test batch size and workers', 'paramwise': 'paramwise settings'}


def _marked(leaves):
    return [pytest.param(leaf, marks=pytest.mark.xfail(reason=KNOWN_FAILING[leaf][1], strict=True))
            if leaf in KNOWN_FAILING else leaf for leaf in sorted(leaves)]


@pytest.fixture(scope='module')
def converter():
    converter = Converter()
    convert_all(converter, collect_files(LEGACY))
    return converter


@pytest.mark.parametrize('leaf', _marked(MANIFEST))
def test_meaning_check_passes_on_leaf(converter, leaf):
    result = converter.results[os.path.join(LEGACY, leaf)]
    assert result.error is None
    assert result.meaning_errors == []


def test_known_failing_leaves_fail_on_the_named_facts_only(converter):
    for leaf, (facts, _) in KNOWN_FAILING.items():
        errors = converter.results[os.path.join(LEGACY, leaf)].meaning_errors
        named = {_FACT_NAMES[f] for f in facts}
        failed = {e.split('meaning check: ')[1].split(' differs')[0] for e in errors}
        assert failed == named, leaf


# -- goldens -----------------------------------------------------------------------------------
def _golden(side, leaf):
    name = leaf[:-len('.py')].replace('/', '__') + '.json'
    with open(os.path.join(GOLDENS, side, name)) as f:
        facts = _decode(json.load(f)['facts'])
    return _regex_form_as_custom_keys(leaf, facts) if side == 'legacy' else facts


def _regex_form_as_custom_keys(leaf, facts):
    """The oracle records an MMSelfSup 0.x ``paramwise_options`` regex dict as MMCV merged
    it; the check reads it through the converter's exactness proof (the custom_keys giving
    every parameter the same group), so compare in those terms where the proof holds."""
    optimizer = load_config_tree(os.path.join(LEGACY, leaf), ConfigLoader()).merged.get(
        'optimizer')
    if not isinstance(optimizer, dict) or 'paramwise_cfg' in optimizer \
            or 'paramwise_options' not in optimizer:
        return facts
    options, constructor = facts['paramwise']
    if not isinstance(options, dict) or is_paramwise_cfg_form(options):
        return facts
    try:
        custom = to_custom_keys(options, facts['optimizer'])
    except NotExact:
        return facts
    return {**facts, 'paramwise': [{'custom_keys': custom}, constructor]}


def _decode(value):
    if isinstance(value, dict):
        if set(value) == {'__tuple__'}:
            return tuple(_decode(v) for v in value['__tuple__'])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _expand(points):
    """A ValPoints as the full list the oracle enumerated."""
    if not isinstance(points, ValPoints):
        return points
    out = [] if points.first is None else list(
        range(points.first, points.last + 1, points.step or 1))
    return out + ([points.extra] if points.extra is not None else [])


def _plain(value):
    """Our readings in the golden's JSON shapes: a ValPoints as its list, a reading's own
    tuple (``(kind, length)``, ``(save_best, rule)``, ...) as a list."""
    if isinstance(value, ValPoints):
        return _expand(value)
    return list(value) if isinstance(value, tuple) else value


def _readings(module, view):
    out = {name: _plain(getattr(module, name)(view))
           for name in ('loop', 'val_points', 'model', 'optimizer', 'paramwise', 'grad_clip',
                        'accumulation', 'amp', 'checkpoint', 'save_best', 'logger_interval',
                        'log_backends', 'resume')}
    for split in ('train', 'val', 'test'):
        out[f'{split}_loader'] = _plain(module.loader(view, split))
        out[f'{split}_dataset'] = module.dataset(view, split)
    return out


@pytest.mark.parametrize('leaf', sorted(MANIFEST))
def test_static_legacy_readings_equal_the_mmcv_goldens(leaf):
    view = load_config_tree(os.path.join(LEGACY, leaf), ConfigLoader()).merged
    ours = _readings(legacy_reading, view)
    golden = _golden('legacy', leaf)
    for fact, want in golden.items():
        assert ours[fact] == want, fact
    # what the oracle did not record, we do not decide either
    assert all(ours[f] is NOT_SET for f in ours if f not in golden)


@pytest.mark.parametrize('leaf', sorted(MANIFEST))
def test_static_converted_readings_equal_the_mmengine_goldens(converter, leaf):
    view = converter.converted_view(os.path.join(LEGACY, leaf))
    ours = _readings(new_reading, view)
    for fact, want in _golden('converted', leaf).items():
        assert ours[fact] == want, fact


def _tree_findings(converter, path):
    """The findings of ``path`` and of every base it inherits (a base's approximation is
    reported on the base, where its marker comment is)."""
    findings, stack, seen = [], [path], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        findings += converter.results[current].findings
        stack.extend(converter._bases_of.get(current, ()))
    return findings


@pytest.mark.parametrize('leaf', sorted(MANIFEST))
def test_mmcv_and_mmengine_goldens_agree_or_the_converter_said_why(converter, leaf):
    """Where the real libraries read the two files differently, the converter reported a
    finding on that setting (and the check carried it as that finding), or the leaf is a
    known failure on that fact."""
    from migrate.meaning import compare
    legacy, converted = _golden('legacy', leaf), _golden('converted', leaf)
    differ = sorted(f for f in legacy if legacy[f] != converted.get(f))
    path = os.path.join(LEGACY, leaf)
    view = load_config_tree(path, ConfigLoader()).merged
    carried = {m.fact for m in compare(view, converter.converted_view(path),
                                       _tree_findings(converter, path)) if not m.failed}
    allowed = set(KNOWN_FAILING[leaf][0]) if leaf in KNOWN_FAILING else set()
    unexplained = [f for f in differ
                   if f not in allowed and _FACT_NAMES.get(f, f) not in carried]
    assert not unexplained
