"""The cases of record_legacy_fileio_goldens.py, shared with tests/compat/fileio/ (imports no
mmcv and nothing of this repository): each function takes the ``mmcv.fileio``-like module to
run (the real MMCV when recording, compat.fileio in tests) and returns plain JSON data.

Answers are ``{"value": ...}`` or ``{"error": <type name>, "message": str(error)}``; bytes
are hex strings; listings are sorted (their order is ``os.scandir``'s, the file system's).
Remote storage is not local-file behaviour: for it only ``{"import_error": bool}`` is kept
(MMCV without the client libraries raises ImportError, compat refuses with one).
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

TREE = ['a.py', 'b.txt', '.hidden.py', 'sub/c.py', 'sub/d.json', 'sub/deeper/e.py',
        '.hdir/f.py', 'empty/']
LISTINGS = [dict(), dict(list_dir=False), dict(list_file=False), dict(recursive=True),
            dict(list_dir=False, recursive=True), dict(list_file=False, recursive=True),
            dict(list_dir=False, suffix='.py'), dict(list_dir=False, suffix='.py', recursive=True),
            dict(list_dir=False, suffix=('.py', '.json'), recursive=True),
            dict(list_dir=False, list_file=False, recursive=True),
            dict(suffix='.py'), dict(list_dir=False, suffix=['.py']),
            dict(list_dir=False, suffix='deeper/e.py', recursive=True)]
URIS = ['s3://bucket/a.json', 'cluster:s3://bucket/a', 'http://host/x.pth', 'https://h/y',
        '/local/path.json', 'relative/p.txt', 'a://b://c', 'x:y:s3://z', '']
OBJECTS = {
    'nested': {'a': [1, 2.5, 'x', None, True], 'b': {'c': -3}},
    'text': 'héllo\nwörld',
    'numbers': [0.1, 1e-300, -0.0, 123456789012345678],
    'empty': {},
}


def answer(call: Callable[[], Any]) -> dict:
    try:
        return {'value': call()}
    except Exception as e:  # noqa: BLE001 - the error is the answer
        return {'error': type(e).__name__, 'message': str(e)}


def _import_error(call: Callable[[], Any]) -> dict:
    try:
        call()
    except ImportError:
        return {'import_error': True}
    except Exception as e:  # noqa: BLE001
        return {'import_error': False, 'error': type(e).__name__}
    return {'import_error': False}


def _make_tree(root: str) -> None:
    for rel in TREE:
        path = os.path.join(root, rel)
        if rel.endswith('/'):
            os.makedirs(path, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(rel)


def disk_client(fileio) -> dict:
    """The disk backend's operations, instance caching, listings and URI prefixes."""
    client_cls = fileio.FileClient
    out = {}
    client = client_cls()
    out['same_instance'] = [client is client_cls(backend='disk'),
                            client is client_cls('disk'), client is client_cls(prefix=None),
                            client is client_cls(backend='disk', prefix=None)]
    out['name'] = client.name
    out['allow_symlink'] = client.allow_symlink
    with tempfile.TemporaryDirectory() as root:
        def rel(path):
            return os.path.relpath(path, root) if isinstance(path, str) else path

        binary = os.path.join(root, 'new', 'dir', 'a.bin')
        text = os.path.join(root, 'b.txt')
        out['put'] = answer(lambda: client.put(b'\x00\x01bytes\xff', binary))
        out['get'] = answer(lambda: client.get(binary).hex())
        out['put_text'] = answer(lambda: client.put_text('héllo\nwörld\r\n', text))
        out['get_text'] = answer(lambda: client.get_text(text))
        out['get_text_latin1'] = answer(lambda: client.get_text(text, encoding='latin-1'))
        out['get_raw_text'] = answer(lambda: client.get(text).hex())
        out['get_path_object'] = answer(lambda: client.get(Path(binary)).hex())
        out['put_path_object'] = answer(lambda: client.put(b'p', Path(root) / 'p' / 'q.bin'))
        out['put_text_cwd_relative'] = answer(lambda: _in_dir(
            root, lambda: client.put_text('cwd', 'here.txt') or open('here.txt').read()))
        for label, path in (('file', text), ('dir', root), ('missing', root + '/nope')):
            out[f'exists_{label}'] = client.exists(path)
            out[f'isdir_{label}'] = client.isdir(path)
            out[f'isfile_{label}'] = client.isfile(path)
        out['join_path'] = [client.join_path('a', 'b', 'c'), client.join_path('/a/', 'b'),
                            client.join_path('a', '/abs'), client.join_path('a')]
        with client.get_local_path(Path(text)) as local:
            out['get_local_path'] = [type(local).__name__, rel(local)]
        with client.get_local_path(text) as local:
            out['get_local_path_str'] = rel(local)
        out['remove'] = answer(lambda: client.remove(text))
        out['exists_removed'] = client.exists(text)
        out['get_missing'] = answer(lambda: client.get(text))
        out['get_text_missing'] = answer(lambda: client.get_text(text))
        out['remove_missing'] = answer(lambda: client.remove(text))
        tree = os.path.join(root, 'tree')
        _make_tree(tree)
        out['listings'] = [dict(kwargs=kwargs, **answer(
            lambda: sorted(client.list_dir_or_file(tree, **kwargs)))) for kwargs in LISTINGS]
        out['listing_path_object'] = sorted(client.list_dir_or_file(Path(tree), list_dir=False))
        bad = client.list_dir_or_file(tree, suffix='.py')
        out['listing_lazy'] = type(bad).__name__
        out['listing_missing_dir'] = answer(lambda: list(client.list_dir_or_file(root + '/no')))
    out['parse_uri_prefix'] = [dict(uri=uri, **answer(lambda: client_cls.parse_uri_prefix(uri)))
                               for uri in URIS]
    out['parse_uri_prefix_path'] = answer(lambda: client_cls.parse_uri_prefix(Path('a/b')))
    out['parse_uri_prefix_int'] = answer(lambda: client_cls.parse_uri_prefix(3))
    out['infer_local'] = [client_cls.infer_client(None, '/a/b.json') is client,
                          client_cls.infer_client(dict(backend='disk')) is client,
                          client_cls.infer_client(dict(backend='disk'), 's3://x') is client]
    out['infer_nothing'] = answer(lambda: client_cls.infer_client())
    out['unknown_backend'] = answer(lambda: client_cls(backend='nope'))
    out['unknown_prefix'] = answer(lambda: client_cls(prefix='ftp'))
    out['disk_with_kwargs'] = answer(lambda: client_cls(backend='disk', x=1))
    return out


def _in_dir(folder: str, call: Callable[[], Any]) -> Any:
    before = os.getcwd()
    os.chdir(folder)
    try:
        return call()
    finally:
        os.chdir(before)


def remote_backends(fileio) -> dict:
    """Only whether each remote backend is refused with an ImportError (see the module doc)."""
    client_cls = fileio.FileClient
    return {
        'petrel': _import_error(lambda: client_cls(backend='petrel')),
        'ceph': _import_error(lambda: client_cls(backend='ceph')),
        's3_prefix': _import_error(lambda: client_cls(prefix='s3')),
        'load_s3': _import_error(lambda: fileio.load('s3://bucket/a.json')),
        'backend_names': sorted(client_cls._backends),
        'prefix_names': sorted(client_cls._prefix_to_backends),
    }


def registration(fileio) -> dict:
    """``FileClient.register_backend``: a custom in-memory backend, by name and prefix."""
    client_cls = fileio.FileClient
    store = {'k': b'v'}

    class MemoryBackend(fileio.BaseStorageBackend):
        def get(self, filepath):
            return store[str(filepath).split('://')[-1]]

        def get_text(self, filepath, encoding='utf-8'):
            return self.get(filepath).decode(encoding)

    class OtherMemoryBackend(MemoryBackend):
        pass

    backends = dict(client_cls._backends)
    prefixes = dict(client_cls._prefix_to_backends)
    instances = dict(client_cls._instances)
    out = {}
    try:
        out['register'] = answer(lambda: client_cls.register_backend(
            'memtest', MemoryBackend, prefixes='memtest'))
        out['by_name'] = answer(lambda: client_cls(backend='memtest').get('k').decode())
        out['by_prefix'] = answer(lambda: client_cls.infer_client(uri='memtest://k').get_text(
            'memtest://k'))
        out['name'] = client_cls(backend='memtest').name
        out['again'] = answer(lambda: client_cls.register_backend('memtest', MemoryBackend))
        out['prefix_again'] = answer(lambda: client_cls.register_backend(
            'memtest2', MemoryBackend, prefixes=['memtest']))
        before = client_cls(backend='memtest')
        out['force'] = answer(lambda: client_cls.register_backend(
            'memtest', OtherMemoryBackend, force=True, prefixes='memtest'))
        out['force_new_instance'] = client_cls(backend='memtest') is not before
        out['force_class'] = type(client_cls(prefix='memtest').client).__name__
        out['decorator'] = answer(lambda: client_cls.register_backend('memdeco')(
            OtherMemoryBackend).__name__)
        out['bad_name'] = answer(lambda: client_cls.register_backend(3, MemoryBackend))
        out['bad_class'] = answer(lambda: client_cls.register_backend('x', 'not a class'))
        out['bad_subclass'] = answer(lambda: client_cls.register_backend('x', dict))
    finally:
        client_cls._backends.clear()
        client_cls._backends.update(backends)
        client_cls._prefix_to_backends.clear()
        client_cls._prefix_to_backends.update(prefixes)
        client_cls._instances.clear()
        client_cls._instances.update(instances)
    return out


def load_dump(fileio) -> dict:
    """``load``/``dump`` in every format, to strings, paths and file objects, and their errors."""
    out = {}
    for name, obj in OBJECTS.items():
        for fmt in ('json', 'yaml', 'yml', 'pickle', 'pkl'):
            dumped = fileio.dump(obj, file_format=fmt)
            out[f'str_{fmt}_{name}'] = dumped.hex() if isinstance(dumped, bytes) else dumped
    special = {'set': {3, 1, 2}, 'range': range(3), 'array': np.arange(4).reshape(2, 2),
               'f32': np.float32(0.1), 'i64': np.int64(7), 'tuple': (1, 2)}
    out['json_special'] = answer(lambda: fileio.dump(special, file_format='json'))
    out['json_kwargs'] = fileio.dump(OBJECTS['nested'], file_format='json', indent=2,
                                     sort_keys=True)
    out['json_unsupported'] = answer(lambda: fileio.dump({'x': object}, file_format='json'))
    out['yaml_kwargs'] = fileio.dump(OBJECTS['nested'], file_format='yaml',
                                     default_flow_style=False)
    # MMCV's full (unsafe) YAML Loader/Dumper: Python tuples survive as !!python/tuple
    out['yaml_tuple'] = fileio.dump({'t': (1, 2)}, file_format='yaml')
    out['yaml_python_tag'] = answer(lambda: type(fileio.load(
        io.StringIO('!!python/tuple [1, 2]'), file_format='yaml')).__name__)
    out['pickle_protocol'] = fileio.dump([1, 'a'], file_format='pkl', protocol=4).hex()
    with tempfile.TemporaryDirectory() as root:
        for fmt in ('json', 'yaml', 'yml', 'pickle', 'pkl'):
            path = os.path.join(root, 'deep', f'obj.{fmt}')
            out[f'dump_path_{fmt}'] = answer(lambda: fileio.dump(OBJECTS['nested'], path))
            with open(path, 'rb') as f:
                out[f'file_bytes_{fmt}'] = f.read().hex()
            out[f'load_path_{fmt}'] = answer(lambda: fileio.load(path))
            out[f'load_pathlib_{fmt}'] = answer(lambda: fileio.load(Path(path)))
            with open(path, 'rb' if fmt in ('pickle', 'pkl') else 'r') as f:
                out[f'load_fileobj_{fmt}'] = answer(lambda: fileio.load(f, file_format=fmt))
        other = os.path.join(root, 'data.txt')
        out['dump_format_override'] = answer(lambda: fileio.dump([1], other, file_format='json'))
        out['load_format_override'] = answer(lambda: fileio.load(other, file_format='json'))
        out['load_unsupported'] = answer(lambda: fileio.load(other))
        out['dump_unsupported'] = answer(lambda: fileio.dump([1], other))
        out['load_missing'] = answer(lambda: fileio.load(os.path.join(root, 'none.json')))
        upper = os.path.join(root, 'UP.JSON')
        out['dump_upper_ext'] = answer(lambda: fileio.dump([1], upper))
        out['load_upper_ext'] = answer(lambda: fileio.load(upper, file_format='json'))
        out['load_upper_ext_inferred'] = answer(lambda: fileio.load(upper))
        dotted = os.path.join(root, 'v1.2', 'a.tar.json')
        out['dump_dotted'] = answer(lambda: fileio.dump([2], dotted))
        out['load_dotted'] = answer(lambda: fileio.load(dotted))
        out['load_no_ext'] = answer(lambda: fileio.load(os.path.join(root, 'v1.2', 'noext')))
    buffer = io.StringIO()
    out['dump_fileobj'] = answer(lambda: fileio.dump({'a': 1}, buffer, file_format='yaml'))
    out['dump_fileobj_text'] = buffer.getvalue()
    binary = io.BytesIO()
    fileio.dump({'a': 1}, binary, file_format='pickle')
    out['dump_fileobj_bytes'] = binary.getvalue().hex()
    out['dump_no_format'] = answer(lambda: fileio.dump({'a': 1}))
    out['dump_fileobj_no_format'] = answer(lambda: fileio.dump({'a': 1}, io.StringIO()))
    out['dump_bad_file'] = answer(lambda: fileio.dump({'a': 1}, 3, file_format='json'))
    out['load_bad_file'] = answer(lambda: fileio.load(3, file_format='json'))
    out['load_yaml_string_stream'] = answer(lambda: fileio.load(io.StringIO('a: [1, 2]\nb: x\n'),
                                                                file_format='yaml'))
    return out


def handlers(fileio) -> dict:
    """``register_handler`` and the handler classes' own path methods."""
    out = {}
    table = _handler_table(fileio)
    saved = dict(table)
    try:
        @fileio.register_handler(['upper', 'UP'])
        class UpperHandler(fileio.BaseFileHandler):
            def load_from_fileobj(self, file, **kwargs):
                return file.read().lower()

            def dump_to_fileobj(self, obj, file, **kwargs):
                file.write(obj.upper())

            def dump_to_str(self, obj, **kwargs):
                return obj.upper()

        out['custom_str'] = fileio.dump('abc', file_format='UP')
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, 'x.upper')
            fileio.dump('hello', path)
            with open(path) as f:
                out['custom_file'] = f.read()
            out['custom_load'] = fileio.load(path)
            handler = fileio.JsonHandler()
            json_path = os.path.join(root, 'h.json')
            handler.dump_to_path({'k': [1, 2]}, json_path)
            out['handler_load_from_path'] = handler.load_from_path(json_path)
            pickle_path = os.path.join(root, 'h.pkl')
            fileio.PickleHandler().dump_to_path({'k': 1}, pickle_path)
            out['pickle_handler_path'] = fileio.PickleHandler().load_from_path(pickle_path)
        out['str_like'] = [fileio.JsonHandler.str_like, fileio.YamlHandler.str_like,
                           fileio.PickleHandler.str_like]
        out['register_not_handler'] = answer(lambda: fileio.register_handler('zz')(dict))
        out['register_bad_formats'] = answer(lambda: fileio.register_handler([1])(UpperHandler))
        out['abstract'] = answer(lambda: fileio.BaseFileHandler())
    finally:
        table.clear()
        table.update(saved)
    return out


def _handler_table(fileio) -> dict:
    import importlib
    return importlib.import_module(fileio.__name__ + '.io').file_handlers


def parse(fileio) -> dict:
    """``list_from_file``/``dict_from_file`` on small text files."""
    out = {}
    with tempfile.TemporaryDirectory() as root:
        lines = os.path.join(root, 'lines.txt')
        with open(lines, 'w', newline='') as f:
            f.write('a\nb\r\n c \n\nd\re\nlast')
        for kwargs in (dict(), dict(prefix='p/'), dict(offset=2), dict(max_num=2),
                       dict(offset=1, max_num=-1), dict(offset=10), dict(max_num=0),
                       dict(prefix='x', offset=3, max_num=2)):
            out['list_' + repr(sorted(kwargs.items()))] = answer(
                lambda: fileio.list_from_file(lines, **kwargs))
        out['list_pathlib'] = answer(lambda: fileio.list_from_file(Path(lines)))
        mapping = os.path.join(root, 'map.txt')
        with open(mapping, 'w') as f:
            f.write('1 cat\n2 dog  puppy\n3\tbird\tegg nest\n')
        out['dict'] = answer(lambda: fileio.dict_from_file(mapping))
        out['dict_int'] = answer(lambda: list(fileio.dict_from_file(mapping, key_type=int)))
        short = os.path.join(root, 'short.txt')
        with open(short, 'w') as f:
            f.write('1 a\nlonely\n')
        out['dict_short_line'] = answer(lambda: fileio.dict_from_file(short))
        out['list_missing'] = answer(lambda: fileio.list_from_file(os.path.join(root, 'no')))
    return out


CASES = {'disk_client': disk_client, 'remote_backends': remote_backends,
         'registration': registration, 'load_dump': load_dump, 'handlers': handlers,
         'parse': parse}

_TMP = re.compile(re.escape(tempfile.gettempdir()) + r'/tmp\w+')


def run_case(name: str, fileio) -> Any:
    """Case group ``name`` on ``fileio``, its temporary folders written ``<tmp>``."""
    return _masked(CASES[name](fileio))


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return _TMP.sub('<tmp>', value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value
