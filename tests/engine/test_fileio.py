"""Atomic writes: the file appears whole, nothing partial stays, fsync only when durable."""
import os

import pytest

import engine.fileio as fileio


@pytest.fixture
def fsyncs(monkeypatch):
    calls = []
    real = os.fsync
    monkeypatch.setattr(fileio.os, 'fsync', lambda fd: (calls.append(fd), real(fd)))
    return calls


@pytest.mark.parametrize('durable, expected_fsyncs', [(True, 2), (False, 0)])
def test_write_replaces_whole_and_fsyncs_only_when_durable(tmp_path, fsyncs, durable,
                                                            expected_fsyncs):
    path = tmp_path / 'out' / 'cfg.py'
    fileio.atomic_write_text(str(path), 'a = 1\r\n', durable=durable)
    fileio.atomic_write_text(str(path), 'b = 2\r\n', durable=durable)
    assert path.read_bytes() == b'b = 2\r\n'
    assert os.listdir(path.parent) == ['cfg.py']
    assert len(fsyncs) == 2 * expected_fsyncs


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text('old\n')

    def explode(f):
        f.write(b'half')
        raise OSError('disk full')

    with pytest.raises(OSError, match='disk full'):
        fileio.atomic_write(str(path), explode)
    assert path.read_text() == 'old\n' and os.listdir(tmp_path) == ['cfg.py']


def test_partial_target_names_only_the_temporary_files_atomic_write_makes(tmp_path):
    path = tmp_path / 'cfg.py'
    seen = []

    def peek(f):
        seen.extend(os.listdir(tmp_path))   # the temporary file, while it exists

    fileio.atomic_write(str(path), peek)
    assert len(seen) == 1 and fileio.partial_target(seen[0]) == 'cfg.py'
    for name in ('cfg.py', 'notes.partial', '.cfg.py.partial', '.cfg.py.0a1b2c3.partial',
                 '.cfg.py.0A1B2C3D.partial', 'cfg.py.0a1b2c3d.partial'):
        assert fileio.partial_target(name) is None, name
