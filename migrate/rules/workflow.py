"""MIG050: ``workflow`` is dropped; ``('val', n)`` phases (validation loss) have no
equivalent and are reported."""
from __future__ import annotations

from migrate.rules.base import DROPPED, Plan, Rule


class Workflow(Rule):
    id = 'MIG050'
    name = 'workflow'
    summary = "workflow=[('train', 1)] is dropped; ('val', n) phases are reported (no equivalent)"
    legacy_keys = ('workflow',)
    new_keys = ()

    def apply(self, plan: Plan) -> None:
        flow = plan.get('workflow')
        plan.consume('workflow')
        phases = [p for p in (flow or []) if isinstance(p, (list, tuple)) and p]
        if any(p[0] == 'val' for p in phases):
            self.report(plan, DROPPED, 'workflow',
                        "('val', n) computed a validation loss through model.val_step; MMEngine "
                        'validates with metrics only (a loss needs the model to append it, '
                        'mmengine PR #1503)')
