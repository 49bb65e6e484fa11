"""File names and (gzipped) JSON writing for the fixture-tree goldens, and the small helpers
both schedule recorders use; shared by the MMCV and the MMEngine recorders (no third-party
imports, so it runs in both oracle venvs).

``mmdet/yolo/x.py`` -> ``mmdet__yolo__x.json``; a golden larger than 200 KB is written as
``.json.gz`` with mtime 0, so re-recording the same numbers gives the same bytes.
"""
from __future__ import annotations

import gzip
import io
import json
import os
from typing import Any, Dict, Iterable, List, Optional

GZIP_ABOVE = 200 * 1024
REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
FIXTURES = os.path.join(REPO, 'fixtures', 'legacy')
GOLDENS = os.path.join(REPO, 'fixtures', 'goldens')


def golden_name(leaf: str) -> str:
    """``mmdet/yolo/x.py`` -> ``mmdet__yolo__x.json``."""
    return leaf[:-len('.py')].replace('/', '__') + '.json'


def load_manifest() -> Dict[str, dict]:
    with open(os.path.join(FIXTURES, 'manifest.json')) as f:
        return json.load(f)


def select(manifest: Dict[str, dict], only: Optional[List[str]]) -> List[str]:
    """The manifest's leaves whose path contains one of ``only`` (all when None)."""
    return [leaf for leaf in manifest if only is None or any(s in leaf for s in only)]


def write_golden(golden: dict, out_dir: str) -> str:
    """Write ``golden`` (its ``leaf`` names the file); remove the other-format twin."""
    data = (json.dumps(golden, separators=(',', ':')) + '\n').encode()
    base = os.path.join(out_dir, golden_name(golden['leaf']))
    if len(data) > GZIP_ABOVE:
        path, stale = base + '.gz', base
        buf = io.BytesIO()
        with gzip.GzipFile(filename='', mode='wb', fileobj=buf, mtime=0) as gz:
            gz.write(data)
        data = buf.getvalue()
    else:
        path, stale = base, base + '.gz'
    with open(path, 'wb') as f:
        f.write(data)
    if os.path.exists(stale):
        os.remove(stale)
    return path


def read_golden(out_dir: str, leaf: str) -> Optional[dict]:
    """The golden of ``leaf`` in ``out_dir`` (plain or gzipped), or None."""
    base = os.path.join(out_dir, golden_name(leaf))
    if os.path.exists(base + '.gz'):
        with gzip.open(base + '.gz', 'rt') as f:
            return json.load(f)
    if os.path.exists(base):
        with open(base) as f:
            return json.load(f)
    return None


def remove_stale(out_dir: str, leaves: Iterable[str]) -> List[str]:
    """Delete goldens in ``out_dir`` of leaves not in ``leaves``; returns the removed names."""
    keep = {golden_name(leaf) for leaf in leaves}
    removed = []
    for name in sorted(os.listdir(out_dir)):
        if name.endswith(('.json', '.json.gz')) and name.removesuffix('.gz') not in keep:
            os.remove(os.path.join(out_dir, name))
            removed.append(name)
    return removed


def encode(value: Any) -> Any:
    """A config value as JSON that keeps tuples apart from lists (``{'__tuple__': [...]}``)
    and key order; dict keys become strings."""
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {'__tuple__': [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


def jsonable(obj: Any) -> Any:
    """Config values as JSON: tuples become lists, anything else unknown becomes its repr."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    return repr(obj)


def momentum_of(group: dict) -> Optional[float]:
    """A param group's momentum: ``momentum``, else ``betas[0]`` (Adam family), else None."""
    if 'momentum' in group:
        return float(group['momentum'])
    if 'betas' in group:
        return float(group['betas'][0])
    return None
