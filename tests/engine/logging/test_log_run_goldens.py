"""Real toy runs log what MMEngine 0.10.7 logs on the same configs (epoch-based SGD + test,
iteration-based with accumulation, AdamW with grad clipping and a custom_cfg): the scalars.json
records, the test-metrics JSON and the console lines, wall-clock fields aside."""
import json
import logging
import os
import re

import pytest

from engine.config import Config
from engine.runner import Runner

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
RUNS = json.load(open(os.path.join(ROOT, 'fixtures', 'goldens', 'log_processor.json')))['runs']
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


@pytest.fixture(scope='module', params=sorted(RUNS))
def toy_run(request, tmp_path_factory):
    golden = RUNS[request.param]
    cfg = Config.fromfile(os.path.join(ROOT, 'fixtures', 'configs', 'engine', golden['config']))
    cfg['work_dir'] = str(tmp_path_factory.mktemp('wd'))
    cfg.merge_from_dict(dict(golden['overrides'], **{'default_hooks.checkpoint': None}))
    runner = Runner.from_cfg(cfg)
    handler = _Lines()
    runner.logger.addHandler(handler)
    try:
        runner.train()
        if golden['with_test']:
            runner.test()
    finally:
        runner.logger.removeHandler(handler)
    return runner, handler.lines, golden


def test_scalars_json_records_match_mmengine(toy_run):
    runner, _, golden = toy_run
    path = os.path.join(runner.log_dir, 'vis_data', 'scalars.json')
    records = [json.loads(line) for line in open(path)]
    assert len(records) == len(golden['scalars'])
    for got, expected in zip(records, golden['scalars']):
        _assert_record(got, expected)
    # the <timestamp>.json copy under vis_data holds the same lines
    copy = os.path.join(runner.log_dir, 'vis_data', f'{runner.timestamp}.json')
    assert [json.loads(line) for line in open(copy)] == records


def test_test_metrics_json_matches_mmengine(toy_run):
    runner, _, golden = toy_run
    path = os.path.join(runner.log_dir, f'{runner.timestamp}.json')
    if not golden['with_test']:
        assert not os.path.exists(path)
        return
    _assert_record(json.load(open(path)), golden['test_json'])


def test_console_lines_match_mmengine(toy_run):
    _, lines, golden = toy_run
    progress = [_strip_timed(line) for line in lines
                if re.match(r'(Epoch|Iter)\((train|val|test)\)', line)]
    assert len(progress) == len(golden['lines'])
    number = r'\d+\.\d+(?:e[-+]\d+)?'
    for got, expected in zip(progress, golden['lines']):
        assert re.sub(number, '#', got) == re.sub(number, '#', expected)
        # printed with 4 digits: float noise may flip the last one
        assert [float(x) for x in re.findall(number, got)] == pytest.approx(
            [float(x) for x in re.findall(number, expected)], rel=1e-3, abs=1.5e-4)


def test_text_log_file_holds_the_console_lines(toy_run):
    runner, lines, _ = toy_run
    text = open(os.path.join(runner.log_dir, f'{runner.timestamp}.log')).read()
    for line in lines:
        assert line in text
