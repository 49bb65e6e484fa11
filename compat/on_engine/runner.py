"""``runner_type = 'LegacyBridgeRunner'``: a converted config whose model and datasets are still
legacy ones trains on the engine (``migrate convert --keep-legacy-models`` writes it).

As in MMEngine's ``tools/train.py``, a config with ``runner_type`` is built by that runner
class's ``from_cfg``; this one rewrites the config with
:func:`~compat.on_engine.bridge.bridge_legacy_parts` and builds the engine's own runner.
"""
from __future__ import annotations

from typing import Any

from engine.registry import RUNNERS
from engine.runner import Runner

from compat.on_engine.bridge import bridge_legacy_parts

__all__ = ['LegacyBridgeRunner']


@RUNNERS.register_module()
class LegacyBridgeRunner:
    """Builds an engine :class:`~engine.runner.Runner` for a config with legacy parts."""

    @classmethod
    def from_cfg(cls, cfg: Any) -> Runner:
        plain = cfg.to_dict() if hasattr(cfg, 'to_dict') else dict(cfg)
        plain.pop('runner_type', None)
        randomness = plain.get('randomness') or {}
        bridged, _ = bridge_legacy_parts(plain, seed=randomness.get('seed'))
        return Runner.from_cfg(bridged)
