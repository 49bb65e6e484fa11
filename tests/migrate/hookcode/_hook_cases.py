"""Shared by the hook-code tests: the fixture modules and converting them as the CLI does."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List

from migrate.convert.driver import ConvertOptions, run_convert

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
LEGACY = os.path.join(ROOT, 'fixtures', 'legacy_hooks')
CONVERTED = os.path.join(ROOT, 'fixtures', 'converted_hooks')
TARGETS = ('mmengine', 'engine')
#: modules that keep legacy/downstream imports (classes left marked for a manual port)
MARKED_ONLY: Dict[str, List[str]] = {'custom_lr_updater_shapes.py': ['mmcv', 'mmcv.runner'],
                                     'curve_logger.py': ['mmcv', 'mmcv.runner']}


def modules() -> List[str]:
    return sorted(n for n in os.listdir(LEGACY) if n.endswith('.py'))


def read(path: str) -> str:
    with open(path, encoding='utf-8') as f:
        return f.read()


def convert(path: str, target: str = 'mmengine') -> Dict[str, Any]:
    """``migrate convert --check --target TARGET PATH``: text out and the report entry."""
    options = ConvertOptions(check=True, progress=False, target=target)
    run = run_convert(path, options, echo=lambda s: None)
    entry = json.loads(json.dumps(run.report(options)['files'][0]))
    return {'text_in': run.results[0].text_in, 'text_out': run.results[0].text_out,
            'report': entry}


def findings(entry: Dict[str, Any]) -> List[tuple]:
    return [(f['rule'], f['severity'], f['key']) for f in entry['findings']]
