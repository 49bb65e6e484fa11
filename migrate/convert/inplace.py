"""Resumable ``migrate convert --in-place``: a journal of the original texts, then the writes.

The converter decides every file from the merged *legacy* view of its bases, so a tree that a
killed run left half rewritten cannot be converted again as it stands: a legacy leaf over a
base converted already loses what the base's legacy keys meant (``val_interval``, default
hooks). So before the first write of a tree, the original text of every file about to change
(and the hash of its planned output) goes into a hidden journal in the tree root
(:data:`JOURNAL_NAME`), written atomically and durably, and the journal is removed after the
last write. A run that finds the journal first puts the original texts back (each file must
still hold its original text or its planned output; anything else was edited since, and stops
the run), then converts the whole tree again: a rerun after a kill at any moment finishes the
same tree as one uninterrupted run. Leftover ``.partial`` files of killed atomic writes are
removed first. A single file is one atomic write and needs no journal. The journal holds the
bytes on disk (base64 where they are not UTF-8), not the text the converter read, which may
normalise line ends.

For tests only: ``MIGRATE_TEST_IN_PLACE_WRITE_PAUSE=<seconds>`` pauses inside every in-place
write (while its temporary file exists), so that a test can kill the process during the write
phase (tests/migrate/convert/test_convert_in_place_kill.py).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

from engine.errors import ConfigError
from engine.fileio import atomic_write, atomic_write_bytes, fsync_dir, partial_target

JOURNAL_NAME = '.migrate-convert-in-place.json'
JOURNAL_VERSION = 1
PAUSE_ENV = 'MIGRATE_TEST_IN_PLACE_WRITE_PAUSE'


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_root(src: str) -> str:
    """The folder whose journal covers ``src``: the tree itself, or a file's folder."""
    src = os.path.abspath(src)
    return src if os.path.isdir(src) else os.path.dirname(src)


# -- journals of other runs --------------------------------------------------------------------
def interrupted_journals(src: str, skip_dirs: Sequence[str]) -> List[str]:
    """Journals of interrupted in-place runs that cover ``src``: in its folder or any folder
    above, and (for a tree) in any folder below."""
    root = tree_root(src)
    found = []
    folder = root
    while True:
        journal = os.path.join(folder, JOURNAL_NAME)
        if os.path.isfile(journal):
            found.append(journal)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    if os.path.isdir(src):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
            if dirpath != root and JOURNAL_NAME in filenames:
                found.append(os.path.join(dirpath, JOURNAL_NAME))
    return found


def refuse_interrupted(src: str, skip_dirs: Sequence[str], resumable: Optional[str] = None
                       ) -> None:
    """Stop when an interrupted in-place run left part of ``src`` half converted (its bases
    would be read half legacy, half new), except the journal ``resumable`` this run resumes."""
    for journal in interrupted_journals(src, skip_dirs):
        if journal == resumable:
            continue
        tree = os.path.dirname(journal)
        raise ConfigError(
            f'an interrupted `migrate convert --in-place` of {tree} left it half converted '
            f'(journal {journal})', file=src,
            fix=f'finish that run first: migrate convert {tree} --in-place')


# -- leftovers ---------------------------------------------------------------------------------
def remove_partials(src: str, skip_dirs: Sequence[str]) -> List[str]:
    """Delete the temporary files that killed in-place writes left: beside a config file of
    ``src`` or the journal, never anything else."""
    root = tree_root(src)
    only = None if os.path.isdir(src) else os.path.basename(src)
    removed = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
        if only is not None:
            dirnames[:] = []   # a single file: its own folder only
        for name in filenames:
            target = partial_target(name)
            if target is None or not _ours(target, dirpath == root, only):
                continue
            path = os.path.join(dirpath, name)
            os.remove(path)
            removed.append(path)
    return removed


def _ours(target: str, in_root: bool, only: Optional[str]) -> bool:
    if only is not None:
        return target in (only, JOURNAL_NAME)
    return target.endswith('.py') or (in_root and target == JOURNAL_NAME)


# -- the run ---------------------------------------------------------------------------------
def prepare(src: str, skip_dirs: Sequence[str], options: Any,
            echo: Callable[[str], None]) -> None:
    """Before converting ``src`` in place: refuse a tree that another interrupted run covers,
    remove leftover temporary files, put back the original texts of an interrupted run."""
    journal = os.path.join(tree_root(src), JOURNAL_NAME) if os.path.isdir(src) else None
    refuse_interrupted(src, skip_dirs, resumable=journal)
    removed = remove_partials(src, skip_dirs)
    if removed:
        echo(f'removed {len(removed)} temporary file(s) left by an interrupted write')
    resume(src, echo, recorded_options(options))


def write(src: str, outputs: Sequence[Any], options: Any) -> None:
    """Write the changed results (``path``, ``text_in``, ``text_out``) over their files."""
    if os.path.isdir(src):
        write_tree(src, outputs, recorded_options(options))
    else:
        for result in outputs:
            _write(result.path, result.text_out.encode('utf-8'))


def recorded_options(options: Any) -> Dict[str, Any]:
    """What of the run's options the journal records (a rerun with others is noted)."""
    return {'target': options.target, 'epoch_len': options.epoch_len,
            'rules': [rule.id for rule in options.rules]}


# -- the journal -------------------------------------------------------------------------------
def resume(src: str, echo: Callable[[str], None], options: Dict[str, Any]) -> int:
    """Put back the original texts an interrupted run of ``src`` recorded (the journal stays
    until this run's own writes are done). The number of files put back."""
    journal_path = os.path.join(tree_root(src), JOURNAL_NAME)
    if not os.path.isdir(src) or not os.path.isfile(journal_path):
        return 0
    journal = _read_journal(journal_path)
    root = tree_root(src)
    plan = []
    for entry in journal['files']:
        path = os.path.join(root, entry['file'])
        original = _original_bytes(entry)
        current = _read_bytes(path)
        if current == original:
            continue
        if current is None or sha256(current) != entry['converted_sha256']:
            state = 'is missing' if current is None else 'was edited'
            raise ConfigError(
                f'{state} after an interrupted `migrate convert --in-place` (it holds neither '
                f'its original text nor its conversion), so the run cannot be resumed',
                file=path, fix=f'put back its original text (the "original" of its entry in '
                f'{journal_path}) and run again; or delete {journal_path} to convert the tree '
                'as it is now, where files converted already count as new-style files')
        plan.append((path, original))
    if journal.get('options') != options:
        echo(f'note: {journal_path} was written with other options '
             f'({_describe(journal.get("options"))}); the tree is converted from its original '
             f'texts with the options given now ({_describe(options)})')
    for path, original in plan:
        _write(path, original)
    echo(f'resuming an interrupted in-place run of {root}: {len(plan)} file(s) put back to '
         'their original text, converting again')
    return len(plan)


def write_tree(src: str, outputs: Sequence[Any], options: Dict[str, Any]) -> None:
    """Write ``outputs`` (results with ``path``, ``text_in``, ``text_out``) over their files,
    journaled so that a killed run can be finished."""
    root = tree_root(src)
    journal_path = os.path.join(root, JOURNAL_NAME)
    if not outputs:
        _remove_journal(journal_path)
        return
    # the bytes on disk, not the text the converter read (which may normalise line ends)
    entries = [{'file': os.path.relpath(r.path, root), **_original_entry(r.path),
                'converted_sha256': sha256(r.text_out.encode('utf-8'))} for r in outputs]
    journal = {'tool': 'migrate convert --in-place', 'version': JOURNAL_VERSION,
               'about': 'original texts of an in-place conversion in progress: run the same '
                        'command again to finish it',
               'options': options, 'files': entries}
    _write(journal_path, (json.dumps(journal, indent=1) + '\n').encode('utf-8'))
    for result in outputs:
        _write(result.path, result.text_out.encode('utf-8'))
    _remove_journal(journal_path)


def _read_journal(path: str) -> Dict[str, Any]:
    fix = (f'{path} is the journal of an interrupted `migrate convert --in-place`: if it was '
           'not edited, report this; otherwise restore the tree from version control and '
           'delete the journal')
    try:
        with open(path, encoding='utf-8') as f:
            journal = json.load(f)
    except (OSError, ValueError) as e:
        raise ConfigError(f'cannot read the journal: {e}', file=path, fix=fix) from None
    if not isinstance(journal, dict) or journal.get('version') != JOURNAL_VERSION:
        raise ConfigError('not a journal of this version of migrate convert', file=path,
                          fix=fix)
    files = journal.get('files')
    if not isinstance(files, list) or not all(_valid_entry(e) for e in files):
        raise ConfigError('the journal\'s file list is malformed', file=path, fix=fix)
    return journal


def _original_entry(path: str) -> Dict[str, str]:
    data = _read_bytes(path)
    if data is None:
        raise ConfigError('the file disappeared while it was being converted', file=path,
                          fix='put it back and run the same command again')
    try:
        return {'original': data.decode('utf-8')}
    except UnicodeDecodeError:
        return {'original_base64': base64.b64encode(data).decode('ascii')}


def _original_bytes(entry: Dict[str, Any]) -> bytes:
    if 'original' in entry:
        return entry['original'].encode('utf-8')
    return base64.b64decode(entry['original_base64'], validate=True)


def _valid_entry(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if not isinstance(entry.get('original', entry.get('original_base64')), str):
        return False
    if 'original' not in entry:
        try:
            _original_bytes(entry)
        except ValueError:
            return False
    name = entry.get('file')
    # a journal names files inside its own tree, never outside
    return (isinstance(name, str) and isinstance(entry.get('converted_sha256'), str)
            and not os.path.isabs(name) and '..' not in name.replace('\\', '/').split('/'))


def _read_bytes(path: str) -> Optional[bytes]:
    try:
        with open(path, 'rb') as f:
            return f.read()
    except FileNotFoundError:
        return None


def _describe(options: Any) -> str:
    if not isinstance(options, dict):
        return 'unknown'
    return ', '.join(f'{k}={v}' for k, v in options.items())


def _remove_journal(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        return
    fsync_dir(os.path.dirname(path))


def _write(path: str, data: bytes) -> None:
    """A durable atomic write that keeps the file's permissions (the new file would get the
    umask's); a failure names the file and leaves the journal for the rerun."""
    pause = _test_pause()
    try:
        mode = _mode_of(path)
        if pause:
            atomic_write(path, lambda f: _paused_write(f, data, pause))
        else:
            atomic_write_bytes(path, data)
        if mode is not None:
            os.chmod(path, mode)
    except OSError as e:
        raise ConfigError(f'cannot write the file: {e.strerror or e}', file=path,
                          fix='make the file and its folder writable and run the same command '
                          'again (it finishes the interrupted conversion)') from None


def _mode_of(path: str) -> Optional[int]:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def _paused_write(f: Any, data: bytes, pause: float) -> None:
    f.write(data)
    f.flush()
    time.sleep(pause)


def _test_pause() -> float:
    """Seconds to pause inside each write (tests only, see the module docstring)."""
    value = os.environ.get(PAUSE_ENV)
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0
