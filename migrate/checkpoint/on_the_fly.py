"""``migrate train converted.py --resume legacy.pth``: convert the legacy checkpoint first.

The engine (like MMEngine) cannot resume an MMCV 1.x file: it has no message hub, no scheduler
states, and its lr is one iteration behind. The file is converted for the config being trained
(with its ``--cfg-options``) into a temporary file, removed when the process exits, and the
user is told on stderr, with the command that makes a permanent copy.
"""
from __future__ import annotations

import atexit
import os
import shlex
import sys
import tempfile
from typing import Optional

from migrate.checkpoint.formats import LEGACY, detect_format


def _remove(path: str) -> None:
    try:
        os.remove(path)
        os.rmdir(os.path.dirname(path))
    except OSError:
        pass


def engine_checkpoint_for(path: str, config: str, cfg_options: Optional[dict] = None,
                          unsafe: bool = False) -> str:
    """``path`` itself when the engine can resume it, else a converted temporary copy."""
    from migrate.checkpoint.config_view import read_config
    from migrate.checkpoint.convert import convert_checkpoint
    from migrate.checkpoint.files import read_checkpoint, write_checkpoint

    if not os.path.isfile(path):
        return path  # the engine's resume reports it, naming the file
    ckpt = read_checkpoint(path, unsafe=unsafe)
    if detect_format(ckpt, path) != LEGACY:
        return path
    view = read_config(config, cfg_options)
    folder = tempfile.mkdtemp(prefix='migrate-resume-')
    target = os.path.join(folder, os.path.splitext(os.path.basename(path))[0] + '.engine.pth')
    atexit.register(_remove, target)
    converted, result = convert_checkpoint(ckpt, path, view=view, dst=target)
    write_checkpoint(converted, target, path)
    command = (f'migrate checkpoint {shlex.quote(path)} NEW.pth --config '
               f'{shlex.quote(config)}')
    print(f'migrate train: {path} is an MMCV 1.x checkpoint; converted it for the engine into '
          f'{target} (removed on exit; `{command}` keeps a copy)', file=sys.stderr)
    for note in result.notes:
        print(f'migrate train: {path}: {note}', file=sys.stderr)
    return target
