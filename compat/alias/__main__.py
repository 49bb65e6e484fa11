"""``python -m compat.alias SCRIPT [ARGS...]``: run an unmodified legacy MMCV 1.x script (a
``tools/train.py``) on compat, as ``python SCRIPT ARGS...`` runs it on the real mmcv: the
alias is installed first, ``sys.argv`` is the script's, and the script's folder leads
``sys.path`` (so its sibling modules, e.g. a ``custom_imports`` hook module, import)."""
from __future__ import annotations

import os
import runpy
import sys
from typing import List, Optional

from compat.alias.install import install_mmcv_alias


def main(argv: Optional[List[str]] = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ('-h', '--help'):
        sys.exit('usage: python -m compat.alias SCRIPT [ARGS...]  (runs a legacy MMCV 1.x '
                 'script with `import mmcv` resolving to compat)')
    script = argv[0]
    if not os.path.isfile(script):
        sys.exit(f'python -m compat.alias: no script {script!r}')
    install_mmcv_alias()
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    main()
