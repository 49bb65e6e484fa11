"""Record the module layout and top-level names of the real MMCV 1.7.2, the surface
``compat.install_mmcv_alias()`` is checked against (tests/compat/test_mmcv_alias_layout.py).

Run with the oracle interpreter (it must not import this repository's packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_mmcv_layout.py [--check]

``modules`` comes from the package's file tree (every ``.py`` file, with whether it is a
package), not from importing it, so modules that need compiled ops or optional libraries are
listed too. ``top_level`` are the public names ``import mmcv`` gives, ``subpackage_all`` the
``__all__`` of the subpackages the top level star-imports and of ``mmcv.runner``,
``version`` what ``mmcv.version`` answers. Writes fixtures/goldens/mmcv_layout.json.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import warnings

warnings.filterwarnings('ignore')
import mmcv  # noqa: E402
from mmcv.version import parse_version_info  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures',
                   'goldens', 'mmcv_layout.json')
VERSION_CASES = ['1.7.2', '1.3.17', '2.0.0rc1', '1.8.0a2', '1.2', '1.2.3.4.5', '1.0.post1',
                 '1.0.dev1']


def module_tree() -> dict:
    root = os.path.dirname(mmcv.__file__)
    modules = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        rel = os.path.relpath(folder, os.path.dirname(root)).replace(os.sep, '.')
        if '__init__.py' not in files:
            continue
        modules[rel] = True
        for name in sorted(files):
            if name.endswith('.py') and name != '__init__.py':
                modules[f'{rel}.{name[:-3]}'] = False
    return dict(sorted(modules.items()))


def version_answers() -> dict:
    answers = {}
    for case in VERSION_CASES:
        try:
            answers[case] = {'value': list(parse_version_info(case))}
        except Exception as e:  # noqa: BLE001 - the error type is the answer
            answers[case] = {'error': type(e).__name__}
    return {'__version__': mmcv.__version__, 'version_info': list(mmcv.version_info),
            'parse_version_info': answers}


def record() -> dict:
    # before importing any subpackage: importing mmcv.runner would add `runner` to the top
    top_level = sorted(n for n in vars(mmcv) if not n.startswith('_')
                       or n in mmcv.utils.__all__)
    subpackages = {}
    for name in ('arraymisc', 'fileio', 'image', 'utils', 'video', 'visualization', 'runner',
                 'parallel', 'cnn'):
        module = importlib.import_module(f'mmcv.{name}')
        subpackages[name] = sorted(set(module.__all__))
    return {
        'modules': module_tree(),
        'top_level': top_level,
        'subpackage_all': subpackages,
        'version': version_answers(),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--check', action='store_true', help='exit 1 if the file would change')
    args = parser.parse_args()
    text = json.dumps(record(), indent=1) + '\n'
    if args.check:
        with open(OUT) as f:
            same = f.read() == text
        print('mmcv_layout.json is ' + ('up to date' if same else 'STALE'))
        return 0 if same else 1
    with open(OUT, 'w') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
