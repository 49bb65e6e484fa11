"""LogProcessor against MMEngine 0.10.7: same tags and the same text, character for character
(fixtures/goldens/log_processor.json, recorded by scripts/oracle/record_log_goldens.py)."""
import json
import os

import pytest

from engine.logging import LogProcessor
from engine.runtime.message_hub import MessageHub

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDEN = json.load(open(os.path.join(ROOT, 'fixtures', 'goldens', 'log_processor.json')))
SCENARIOS = {s['name']: s for s in GOLDEN['scenarios']}


class _Loop:
    def __init__(self, loader_len, **state):
        self.dataloader = list(range(loader_len))
        self.__dict__.update(state)


class FakeRunner:
    """What the log processor reads from a runner, built from a golden scenario."""

    def __init__(self, spec, hub):
        self.message_hub = hub
        train = spec['train']
        self.train_loop = None
        self.epoch = self.iter = 0
        if train is not None:
            train = dict(train)
            self.train_loop = _Loop(train.pop('loader_len'), **train)
            self.max_epochs, self.max_iters = train['max_epochs'], train['max_iters']
            self.epoch, self.iter = train['epoch'], train['iter']
        self.val_loop = _Loop(spec['val_len'])
        self.test_loop = _Loop(spec['test_len'])
        self.model = None


def replay(scenario):
    hub = MessageHub()
    for key, value in scenario['scalars']:
        hub.update_scalar(key, value)
    for key, value in scenario['info'].items():
        hub.update_info(key, value)
    return FakeRunner(scenario['runner'], hub), LogProcessor(**scenario['processor'])


def _call(lp, runner, call):
    if call[0] == 'iter':
        return lp.get_log_after_iter(runner, call[1], call[2])
    return lp.get_log_after_epoch(runner, call[1], call[2], with_non_scalar=call[3])


@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_log_lines_and_tags_match_mmengine(name):
    scenario = SCENARIOS[name]
    runner, lp = replay(scenario)
    for expected in scenario['results']:
        tag, line = _call(lp, runner, expected['call'])
        assert line == expected['line'], expected['call']
        assert list(tag) == [k for k, _ in expected['tag']], expected['call']
        for key, value in expected['tag']:
            if isinstance(value, float):
                assert tag[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
            else:
                assert tag[key] == value, key


def test_goldens_cover_every_mode_and_setting():
    calls = {(r['call'][0], r['call'][2]) for s in SCENARIOS.values() for r in s['results']}
    assert calls == {('iter', 'train'), ('iter', 'val'), ('iter', 'test'), ('epoch', 'val'),
                     ('epoch', 'test')}
    lines = [r['line'] for s in SCENARIOS.values() for r in s['results']]
    assert any(line.startswith('Iter(train)') for line in lines)
    assert any('eta: 1 day, 3:46:40' in line for line in lines)
