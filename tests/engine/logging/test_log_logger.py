"""The run's text logger: file on rank 0, errors only elsewhere, records reach the root logger."""
import logging

import pytest

import engine.logging.logger as logger_mod
from engine.logging import get_logger


@pytest.fixture
def fresh_name(request):
    name = f'engine_test_{request.node.name}'
    yield name
    log = logging.getLogger(name)
    for h in list(log.handlers):
        log.removeHandler(h)
        h.close()


def test_rank_zero_writes_the_log_file_and_caplog_sees_records(tmp_path, fresh_name, caplog):
    log = get_logger(fresh_name, str(tmp_path / 'run' / 'x.log'), 'INFO')
    with caplog.at_level(logging.INFO, logger=fresh_name):
        log.info('Epoch(train) [1][2/2]  loss: 0.5000')
        log.debug('hidden')
    text = (tmp_path / 'run' / 'x.log').read_text()
    assert 'INFO - Epoch(train) [1][2/2]  loss: 0.5000' in text and 'hidden' not in text
    assert 'Epoch(train) [1][2/2]' in caplog.text


def test_other_ranks_log_errors_only_and_write_no_file(tmp_path, fresh_name, monkeypatch):
    monkeypatch.setattr(logger_mod, 'get_rank', lambda: 1)
    log = get_logger(fresh_name, str(tmp_path / 'x.log'), 'INFO')
    assert log.level == logging.ERROR
    log.info('progress')
    assert not (tmp_path / 'x.log').exists()


def test_reconfiguring_replaces_our_handlers_only(tmp_path, fresh_name):
    own = logging.NullHandler()
    logging.getLogger(fresh_name).addHandler(own)
    get_logger(fresh_name, str(tmp_path / 'a.log'))
    log = get_logger(fresh_name, str(tmp_path / 'b.log'))
    files = [h.baseFilename for h in log.handlers if isinstance(h, logging.FileHandler)]
    assert files == [str(tmp_path / 'b.log')] and own in log.handlers


def test_bad_level_is_refused(fresh_name):
    with pytest.raises(ValueError, match='log_level'):
        get_logger(fresh_name, None, 'LOUD')
