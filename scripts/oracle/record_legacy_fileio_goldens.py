"""Record MMCV 1.7.2's ``mmcv.fileio`` on local files for compat/fileio.

Run with the oracle interpreter (it must not import this repository's packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_fileio_goldens.py [--check]

Runs every case group of ``legacy_fileio_cases.py`` on ``mmcv.fileio`` (FileClient's disk
backend, URI prefixes, backend registration, load/dump in json/yaml/pickle, handlers,
list_from_file/dict_from_file) and writes fixtures/goldens/legacy_fileio.json, which
tests/compat/fileio/ replays on compat.fileio.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

warnings.filterwarnings('ignore')
import mmcv.fileio  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_fileio_cases import CASES, run_case  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures',
                   'goldens', 'legacy_fileio.json')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--check', action='store_true', help='exit 1 if the file would change')
    args = parser.parse_args()
    text = json.dumps({name: run_case(name, mmcv.fileio) for name in CASES},
                      indent=1, ensure_ascii=False) + '\n'
    if args.check:
        with open(OUT, encoding='utf-8') as f:
            same = f.read() == text
        print('legacy_fileio.json is ' + ('up to date' if same else 'STALE'))
        return 0 if same else 1
    with open(OUT, 'w', encoding='utf-8') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
