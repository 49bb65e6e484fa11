"""``migrate convert --keep-legacy-models``: converted leaves that keep their legacy models.

A team can move its configs and its runtime now and port its models later: every converted
training config (a file whose merged view has ``model``, ``data`` and a ``runner`` or
``total_epochs``: base files holding only a part are left alone; a training config that is
another's base passes the bridge on, which its children need too) gets
``runner_type = 'LegacyBridgeRunner'`` and ``compat.on_engine`` in ``custom_imports``. The
runner then wraps the model in ``LegacyModelAdapter`` and the datasets, batches and sample
order in their legacy forms when the run is built (:mod:`compat.on_engine`). The legacy
values stay as they are in the file; what is added says why in a comment. MMEngine has nothing
like it; with ``compat`` installed its ``tools/train.py`` honours ``runner_type`` too.
"""
from __future__ import annotations

from typing import Any, Iterable

from migrate.convert.render import Renderer
from migrate.rules.base import Finding
from migrate.static import load_config_tree

__all__ = ['add_legacy_model_bridge', 'BRIDGE_MODULE', 'RULE_ID']

BRIDGE_MODULE = 'compat.on_engine'
RULE_ID = 'keep-legacy-models'
_COMMENT = ('# migrate --keep-legacy-models: the legacy-protocol model and datasets train on the\n'
            '# engine through compat.on_engine (LegacyModelAdapter, the legacy datasets, collate\n'
            '# and MMDet sample order), applied by LegacyBridgeRunner when the run is built\n')


def _imports(custom: Any) -> dict:
    custom = dict(custom) if isinstance(custom, dict) else {}
    names = custom.get('imports', [])
    names = [names] if isinstance(names, str) else list(names)
    if BRIDGE_MODULE not in names:
        names.append(BRIDGE_MODULE)
    custom['imports'] = names
    custom.setdefault('allow_failed_imports', False)
    return custom


def _trains(merged: dict) -> bool:
    return isinstance(merged.get('model'), dict) and isinstance(merged.get('data'), dict) and \
        ('runner' in merged or 'total_epochs' in merged)


def add_legacy_model_bridge(converter, results: Iterable[Any]) -> None:
    """Append the bridge to each converted training config of ``results``."""
    for result in results:
        if result.error or result.text_out is None:
            continue
        merged = load_config_tree(result.path, converter.loader).merged
        if not _trains(merged):
            continue
        text = result.text_out.rstrip('\n') + '\n\n' + _COMMENT
        text += "runner_type = 'LegacyBridgeRunner'\n"
        text += Renderer().statement('custom_imports', _imports(merged.get('custom_imports')))
        result.text_out = text + '\n'
        result.written += [k for k in ('runner_type', 'custom_imports')
                           if k not in result.written]
        result.findings.append(Finding(
            rule=RULE_ID, severity='info', key='model',
            message='kept as a legacy-protocol model: LegacyBridgeRunner trains it on the '
                    'engine through compat.on_engine (MMEngine itself cannot)'))
