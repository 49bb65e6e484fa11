"""Record MMCV 1.7.2's runtime ``mmcv.utils`` behaviour for compat/utils.

Run with the oracle interpreter (it must not import this repository's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_utils_goldens.py

Each case stores its input next to MMCV's answer so tests/compat/utils/ replays the same input
on compat.utils: ``expressions`` (misc helpers, ``digit_version``) are evaluated with the
``mmcv.utils`` names in scope, giving ``{"value": ...}`` or ``{"error": <type name>}``;
``scandir`` runs over the tree ``SCAN_TREE`` (sorted results: the order itself is
``os.scandir``'s, which depends on the file system); ``logging`` runs step lists (get_logger,
print_log, logger.log, a plain StreamHandler on the root) with stdout/stderr captured, and
records the handlers, levels and the messages written (timestamps masked).
Writes fixtures/goldens/legacy_utils.json.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings

warnings.filterwarnings('ignore')
import mmcv.utils as mmcv_utils  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_utils_cases import (LOGGING, MISC, SCAN_TREE, SCANS, VERSION_LENGTHS,  # noqa: E402
                                VERSIONS, error_of, evaluate, misc_names, run_logging)

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'goldens',
                   'legacy_utils.json')

def record_scans() -> list:
    with tempfile.TemporaryDirectory() as root:
        for rel in SCAN_TREE:
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(rel)
        results = []
        for kwargs in SCANS:
            try:
                value = sorted(mmcv_utils.scandir(root, **kwargs))
                results.append({'kwargs': kwargs, 'value': value})
            except Exception as e:
                results.append({'kwargs': kwargs, 'error': type(e).__name__})
        results.append({'kwargs': {'dir_path': 3}, 'error': error_of(
            lambda: mmcv_utils.scandir(3))})
    return results


def main() -> None:
    names = misc_names(mmcv_utils)
    goldens = {
        'digit_version': {v: evaluate(f'digit_version({v!r})', names) for v in VERSIONS},
        'digit_version_length': [[v, n, evaluate(f'digit_version({v!r}, {n})', names)]
                                 for v, n in VERSION_LENGTHS],
        'misc': {expr: evaluate(expr, names) for expr in MISC},
        'scan_tree': SCAN_TREE,
        'scandir': record_scans(),
        'logging': {},
        'logging_steps': LOGGING,
        'torch_version': {'type_is_str': isinstance(mmcv_utils.TORCH_VERSION, str)},
        'check_file_exist': error_of(lambda: mmcv_utils.check_file_exist('/no/such/file')),
    }
    for case, steps in LOGGING.items():
        with tempfile.TemporaryDirectory() as folder:
            goldens['logging'][case] = run_logging(steps, folder, mmcv_utils)
    with open(OUT, 'w') as f:
        json.dump(goldens, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote', os.path.normpath(OUT), file=sys.stderr)


if __name__ == '__main__':
    main()
