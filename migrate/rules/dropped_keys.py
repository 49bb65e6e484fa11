"""MIG090: ``gpu_ids`` and ``device`` are dropped (the launcher and the model decide)."""
from __future__ import annotations

from migrate.rules.base import NOTE, Plan, Rule


class DroppedKeys(Rule):
    id = 'MIG090'
    name = 'dropped-keys'
    summary = 'gpu_ids and device are dropped: the launcher decides the devices'
    legacy_keys = ('gpu_ids', 'device')
    new_keys = ()

    def apply(self, plan: Plan) -> None:
        for key in self.legacy_keys:
            if plan.has(key):
                self.report(plan, NOTE, key, f'{key} dropped: MMEngine takes devices from the '
                            'launcher')
        plan.consume(*self.legacy_keys)
