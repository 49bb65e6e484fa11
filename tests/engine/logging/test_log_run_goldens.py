"""A real toy run logs what MMEngine 0.10.7 logs on the same config: the scalars.json records,
the test-metrics JSON and the console lines, wall-clock fields aside."""
import json
import logging
import os
import re

import pytest

from engine.config import Config
from engine.runner import Runner

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDEN = json.load(open(os.path.join(ROOT, 'fixtures', 'goldens', 'log_processor.json')))['run']
TIMED = ('time', 'data_time', 'eta')


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def _strip_timed(line):
    for key in TIMED:
        line = re.sub(rf'(?<![\w/]){key}: [^ ]+', f'{key}: <t>', line)
    return line


def _assert_record(got, expected):
    assert list(got) == list(expected)
    for key, value in expected.items():
        if value == '<t>':
            assert isinstance(got[key], float) and got[key] >= 0
        elif isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=1e-6), key
        else:
            assert got[key] == value, key


@pytest.fixture(scope='module')
def toy_run(tmp_path_factory):
    cfg = Config.fromfile(os.path.join(ROOT, 'fixtures', 'configs', 'engine', GOLDEN['config']))
    cfg['work_dir'] = str(tmp_path_factory.mktemp('wd'))
    cfg.merge_from_dict({'train_cfg.max_epochs': GOLDEN['max_epochs'],
                         'default_hooks.checkpoint': None,
                         'default_hooks.logger': dict(type='LoggerHook',
                                                      interval=GOLDEN['logger_interval'])})
    runner = Runner.from_cfg(cfg)
    handler = _Lines()
    runner.logger.addHandler(handler)
    try:
        runner.train()
        runner.test()
    finally:
        runner.logger.removeHandler(handler)
    return runner, handler.lines


def test_scalars_json_records_match_mmengine(toy_run):
    runner, _ = toy_run
    path = os.path.join(runner.log_dir, 'vis_data', 'scalars.json')
    records = [json.loads(line) for line in open(path)]
    assert len(records) == len(GOLDEN['scalars'])
    for got, expected in zip(records, GOLDEN['scalars']):
        _assert_record(got, expected)
    # the <timestamp>.json copy under vis_data holds the same lines
    copy = os.path.join(runner.log_dir, 'vis_data', f'{runner.timestamp}.json')
    assert [json.loads(line) for line in open(copy)] == records


def test_test_metrics_json_matches_mmengine(toy_run):
    runner, _ = toy_run
    got = json.load(open(os.path.join(runner.log_dir, f'{runner.timestamp}.json')))
    _assert_record(got, GOLDEN['test_json'])


def test_console_lines_match_mmengine(toy_run):
    _, lines = toy_run
    progress = [_strip_timed(line) for line in lines
                if re.match(r'(Epoch|Iter)\((train|val|test)\)', line)]
    assert len(progress) == len(GOLDEN['lines'])
    number = r'\d+\.\d+(?:e[-+]\d+)?'
    for got, expected in zip(progress, GOLDEN['lines']):
        assert re.sub(number, '#', got) == re.sub(number, '#', expected)
        # printed with 4 digits: float noise may flip the last one
        assert [float(x) for x in re.findall(number, got)] == pytest.approx(
            [float(x) for x in re.findall(number, expected)], rel=1e-3, abs=1.5e-4)


def test_text_log_file_holds_the_console_lines(toy_run):
    runner, lines = toy_run
    text = open(os.path.join(runner.log_dir, f'{runner.timestamp}.log')).read()
    for line in lines:
        assert line in text
