"""The cases and replay helpers of record_legacy_utils_goldens.py, shared with
tests/compat/utils/ (imports no mmcv and nothing of this repository): each helper takes the
``mmcv.utils``-like module to run (the real MMCV when recording, compat.utils in tests)."""
from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import warnings

TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}', re.M)

VERSIONS = ['1.7.2', '0.10.7', '2.0.0rc4', '2.0.0rc1', '1.8.0a0', '1.8.0b1', '1.8.0alpha2',
            '1.13.1+cu117', '2.1.0.dev20230101', '2.1.0dev', '1.0.post2', '1.0-3', '1.2.3.4.5',
            '1.0', '1', 'v1.5', '2.0.0rc1.post1', '1.0rc1.dev2', '1.0.post1.dev3', '3.1.4+local.7',
            '1.4.0.dev0+abc', 'parrots', 'not-a-version', '']
VERSION_LENGTHS = [('1.2.3', 2), ('1.2.3rc1', 3), ('1.2', 6), ('1.2.3.4', 1)]

MISC = [
    "is_str('a')", "is_str(b'a')", 'is_str(1)',
    'is_seq_of([1, 2], int)', "is_seq_of([1, 'a'], int)", 'is_seq_of((1, 2), int)',
    "is_seq_of('ab', str)", 'is_seq_of({1, 2}, int)', 'is_seq_of([], int)',
    'is_seq_of([1, 2.0], (int, float))', 'is_seq_of([True], int)', 'is_seq_of((1,), int, list)',
    'is_seq_of([1], int, tuple)', 'is_seq_of([1], int, 3)',
    'is_list_of([1, 2], int)', 'is_list_of((1, 2), int)', 'is_list_of([[1]], list)',
    'is_tuple_of((1, 2), int)', 'is_tuple_of([1, 2], int)', "is_tuple_of(('a', 1), str)",
    "list_cast(['1', '2'], int)", "tuple_cast(['1', '2'], float)", "list(iter_cast('12', int))",
    "iter_cast([1], int, return_type=set)", 'iter_cast(1, int)', "iter_cast([1], 'int')",
    'list_cast([1, 2], str)',
    'slice_list([1, 2, 3, 4, 5, 6], [1, 2, 3])', 'slice_list([1, 2, 3, 4], 2)',
    'slice_list([1, 2, 3], 2)', 'slice_list([1, 2, 3], [1, 1])', 'slice_list([1, 2], (1, 1))',
    'slice_list([], [])', 'slice_list([1, 2, 3], [0, 3])',
    'concat_list([[1, 2], [3], []])', "concat_list(['ab', 'c'])", 'concat_list([])',
    'concat_list([1])',
    'is_method_overridden("step", Base, Derived)', 'is_method_overridden("run", Base, Derived)',
    'is_method_overridden("step", Base, Derived())', 'is_method_overridden("step", Base, Base)',
    'is_method_overridden("step", Base(), Derived)', 'is_method_overridden("nope", Base, Derived)',
    'is_method_overridden("step", Base, Grandchild)',
    "import_modules_from_strings('os.path').__name__",
    "[m.__name__ for m in import_modules_from_strings(['os.path', 'json'])]",
    'import_modules_from_strings(None)', 'import_modules_from_strings([])',
    "import_modules_from_strings('')",
    "import_modules_from_strings(['no_such_module_xyz'], allow_failed_imports=True)",
    "import_modules_from_strings(['no_such_module_xyz'])",
    "import_modules_from_strings(('os',))", 'import_modules_from_strings([1])',
    "import_modules_from_strings('no_such_module_xyz', allow_failed_imports=True)",
]

#: relative path -> content; folders are implied
SCAN_TREE = ['a.py', 'b.txt', 'C.PY', '.hidden.py', 'sub/c.py', 'sub/D.Py', 'sub/e.json',
             'sub/deeper/f.py', 'sub/deeper/g.txt', '.hdir/h.py', 'sub/.hid/i.py', 'x.py.bak']
SCANS = [dict(), dict(suffix='.py'), dict(suffix='.py', recursive=True),
         dict(suffix=('.py', '.txt'), recursive=True), dict(recursive=True),
         dict(suffix='.py', recursive=True, case_sensitive=False),
         dict(suffix=('.PY', '.JSON'), recursive=True, case_sensitive=False),
         dict(suffix='.PY', case_sensitive=True), dict(suffix='c.py', recursive=True),
         dict(suffix='deeper/f.py', recursive=True), dict(suffix='', recursive=True),
         dict(suffix=['.py']), dict(suffix=3)]

# steps: ["get_logger", name, kwargs] | ["print_log", msg, logger, level]
#        ["print_log_to", msg, name, level] (a Logger object) | ["log", name, level, msg]
#        ["root_stream_handler"] (a NOTSET StreamHandler on the root, as torch DDP adds)
LOGGING = {
    'console_only': [['get_logger', 'lg-a', {}], ['log', 'lg-a', 20, 'hello'],
                     ['log', 'lg-a', 10, 'hidden debug']],
    'file_write': [['get_logger', 'lg-b', {'log_file': 'b.log'}], ['log', 'lg-b', 30, 'warn'],
                   ['log', 'lg-b', 20, 'info']],
    'file_append': [['write_file', 'c.log', 'old line\n'],
                    ['get_logger', 'lg-c', {'log_file': 'c.log', 'file_mode': 'a'}],
                    ['log', 'lg-c', 20, 'new']],
    'file_truncate': [['write_file', 'd.log', 'old line\n'],
                      ['get_logger', 'lg-d', {'log_file': 'd.log'}], ['log', 'lg-d', 20, 'new']],
    'debug_level': [['get_logger', 'lg-e', {'log_level': 10}], ['log', 'lg-e', 10, 'dbg']],
    'warning_level_name': [['get_logger', 'lg-f', {'log_level': 'WARNING'}],
                           ['log', 'lg-f', 20, 'no'], ['log', 'lg-f', 30, 'yes']],
    'second_call_kept': [['get_logger', 'lg-g', {}],
                         ['get_logger', 'lg-g', {'log_file': 'g.log', 'log_level': 40}],
                         ['log', 'lg-g', 20, 'once']],
    'child_and_prefix_skipped': [['get_logger', 'lg-h', {}], ['get_logger', 'lg-h.child', {}],
                                 ['get_logger', 'lg-hx', {}], ['log', 'lg-h.child', 20, 'up']],
    'root_stream_handler_turned_down': [['root_stream_handler'], ['get_logger', 'lg-i', {}],
                                        ['log', 'lg-i', 20, 'hi']],
    'print_log_none': [['print_log', 'to stdout', None, 20]],
    'print_log_silent': [['print_log', 'nothing', 'silent', 40]],
    'print_log_name': [['print_log', 'by name', 'lg-j', 30], ['print_log', 'dbg', 'lg-j', 10]],
    'print_log_logger': [['get_logger', 'lg-k', {}], ['print_log_to', 'obj', 'lg-k', 40]],
    'print_log_bad': [['print_log', 'x', 3, 20]],
}


def misc_names(utils) -> dict:
    return dict(vars(utils), Base=Base, Derived=Derived, Grandchild=Grandchild)


def evaluate(expr: str, names: dict) -> dict:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            value = eval(expr, dict(names))
    except Exception as e:  # the type is the golden
        return {'error': type(e).__name__}
    if isinstance(value, set):
        value = sorted(value)
    return {'value': list(value) if isinstance(value, tuple) else value,
            'type': type(value).__name__}


class Base:
    def step(self):
        pass

    def run(self):
        pass


class Derived(Base):
    def step(self):
        pass


class Grandchild(Derived):
    pass


def error_of(call) -> str:
    try:
        call()
    except Exception as e:
        return type(e).__name__
    return ''


def run_logging(steps: list, folder: str, utils) -> dict:
    """Run ``steps`` with ``utils``' get_logger/print_log; return what a user could observe."""
    out, err = io.StringIO(), io.StringIO()
    added_root = []
    names, error = [], None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            for step in steps:
                kind = step[0]
                if kind == 'get_logger':
                    kwargs = dict(step[2])
                    if 'log_file' in kwargs:
                        kwargs['log_file'] = os.path.join(folder, kwargs['log_file'])
                    utils.get_logger(step[1], **kwargs)
                    names.append(step[1])
                elif kind == 'write_file':
                    with open(os.path.join(folder, step[1]), 'w') as f:
                        f.write(step[2])
                elif kind == 'print_log':
                    utils.print_log(step[1], logger=step[2], level=step[3])
                    if isinstance(step[2], str) and step[2] != 'silent':
                        names.append(step[2])
                elif kind == 'print_log_to':
                    utils.print_log(step[1], logger=logging.getLogger(step[2]), level=step[3])
                elif kind == 'log':
                    logging.getLogger(step[1]).log(step[2], step[3])
                elif kind == 'root_stream_handler':
                    handler = logging.StreamHandler(io.StringIO())
                    logging.getLogger().addHandler(handler)
                    added_root.append(handler)
        except Exception as e:
            error = type(e).__name__
    loggers = {}
    for name in dict.fromkeys(names):
        logger = logging.getLogger(name)
        loggers[name] = {'level': logger.level, 'propagate': logger.propagate,
                         'handlers': [describe(h, folder) for h in logger.handlers]}
    files = {}
    for entry in sorted(os.listdir(folder)):
        with open(os.path.join(folder, entry)) as f:
            files[entry] = TIMESTAMP.sub('<time>', f.read())
    root_levels = [h.level for h in added_root]
    for handler in added_root:
        logging.getLogger().removeHandler(handler)
    for name in names:  # close files so the folder can go
        for handler in logging.getLogger(name).handlers:
            handler.close()
    return {'stdout': out.getvalue(), 'stderr': TIMESTAMP.sub('<time>', err.getvalue()),
            'loggers': loggers, 'files': files, 'root_handler_levels': root_levels,
            'error': error}


def describe(handler: logging.Handler, folder: str) -> dict:
    return {'type': type(handler).__name__, 'level': handler.level,
            'format': handler.formatter._fmt if handler.formatter else None,
            'file': os.path.relpath(handler.baseFilename, folder)
            if isinstance(handler, logging.FileHandler) else None,
            'mode': getattr(handler, 'mode', None)}


