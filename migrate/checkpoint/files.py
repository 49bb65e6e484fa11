"""Reading and writing the files of a conversion.

Reading goes through :func:`engine.checkpoint.checkpoint_io.load_checkpoint_file`:
``torch.load(weights_only=True)`` with the allow-list of
:func:`engine.checkpoint.mmengine_checkpoint.mmengine_safe_globals` (numpy scalars, dtypes and
non-object arrays, MMEngine's history buffers through stand-ins; ``OrderedDict``, ``Counter``,
tuples, sets are weights-only types already), so a legacy ``meta`` holding numpy scores, a
``PALETTE`` array or the config text loads, and anything else is refused by name unless the
caller passes ``unsafe`` (``--unsafe-load``). Writing is atomic (a temporary file in the target
folder, renamed over the target) and never replaces the input.
"""
from __future__ import annotations

import os

from engine.checkpoint.checkpoint_io import (UNSAFE_FIX, load_checkpoint_file,
                                             save_checkpoint_file)
from engine.errors import CheckpointError


def read_checkpoint(path: str, unsafe: bool = False) -> dict:
    """The checkpoint dict in ``path``, loaded to CPU (errors name the file and the fix)."""
    try:
        # mmap=False: the input may be replaced while the converted dict is being written
        return load_checkpoint_file(path, map_location='cpu', unsafe=unsafe, mmap=False)
    except CheckpointError as e:
        if e.fix != UNSAFE_FIX:
            raise
        raise CheckpointError(e.message, file=e.file,
                              fix='if you trust the file, pass --unsafe-load to `migrate '
                                  'checkpoint` (or `migrate train`) to unpickle it without '
                                  'restrictions') from None


def _same_file(a: str, b: str) -> bool:
    if os.path.exists(b):
        return os.path.samefile(a, b)
    return os.path.realpath(a) == os.path.realpath(b)


def check_output(path: str, source: str) -> None:
    """Refuse an output that is the input, a folder, or in a folder that does not exist."""
    if _same_file(source, path):
        raise CheckpointError('the output is the input file: a conversion never overwrites '
                              'the checkpoint it reads', file=path,
                              fix='write the converted checkpoint to another path')
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CheckpointError('the output folder does not exist', file=path,
                              fix=f'create {folder} first')
    if os.path.isdir(path):
        raise CheckpointError('the output is a folder', file=path,
                              fix='give a file name, e.g. NEW.pth')


def write_checkpoint(ckpt: dict, path: str, source: str) -> None:
    """Write ``ckpt`` to ``path`` atomically (checked by :func:`check_output` again: the
    folder may have changed while converting)."""
    check_output(path, source)
    save_checkpoint_file(ckpt, path)
