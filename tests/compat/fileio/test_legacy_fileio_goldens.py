"""compat.fileio replays MMCV 1.7.2's mmcv.fileio on local files (goldens:
scripts/oracle/record_legacy_fileio_goldens.py -> fixtures/goldens/legacy_fileio.json), and
refuses every remote backend with an ImportError naming it."""
import json
import os
import sys

import pytest

import compat.fileio
from compat.fileio.file_client import (CephBackend, FileClient, HTTPBackend, LmdbBackend,
                                       MemcachedBackend, PetrelBackend, UnsupportedStorageError)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_fileio_cases import CASES, run_case  # noqa: E402

with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_fileio.json'), encoding='utf-8') as f:
    GOLDEN = json.load(f)


def test_golden_covers_every_case_group():
    assert sorted(GOLDEN) == sorted(CASES)


@pytest.mark.parametrize('group', sorted(CASES))
def test_case_group_equals_mmcv(group):
    # through JSON, as the golden was written (tuples -> lists, int keys -> str)
    ours = json.loads(json.dumps(run_case(group, compat.fileio), ensure_ascii=False))
    golden = GOLDEN[group]
    assert sorted(ours) == sorted(golden)
    for key in golden:
        assert ours[key] == golden[key], key


@pytest.mark.parametrize('backend_cls, name, says', [
    (PetrelBackend, 'petrel', 'petrel_client'), (CephBackend, 'ceph', 'ceph'),
    (MemcachedBackend, 'memcached', 'mc client'), (LmdbBackend, 'lmdb', 'lmdb'),
    (HTTPBackend, 'http', 'urllib')])
def test_remote_backend_refused_by_name(backend_cls, name, says):
    for build in (lambda: FileClient(backend=name), lambda: backend_cls(),
                  lambda: backend_cls('db_path', x=1)):
        with pytest.raises(UnsupportedStorageError) as info:
            build()
        message = str(info.value)
        assert isinstance(info.value, ImportError)
        assert repr(name) in message and backend_cls.__name__ in message
        assert 'local files only' in message and says in message and 'fix:' in message


@pytest.mark.parametrize('path', ['s3://bucket/a.json', 'cluster:s3://b/c.pkl',
                                  'http://host/x.yaml', 'https://host/y.json'])
def test_remote_paths_are_refused_not_fetched(path):
    with pytest.raises(UnsupportedStorageError, match='local files only'):
        compat.fileio.load(path)
    with pytest.raises(UnsupportedStorageError, match='local files only'):
        compat.fileio.dump({'a': 1}, path)
    with pytest.raises(UnsupportedStorageError, match='local files only'):
        compat.fileio.list_from_file(path)


def test_refused_instances_are_not_cached():
    with pytest.raises(ImportError):
        FileClient(backend='petrel')
    assert not [key for key in FileClient._instances if key.startswith('petrel')]
