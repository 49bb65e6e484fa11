"""MIG070: ``resume_from`` -> ``load_from`` + ``resume=True``; ``auto_resume`` -> ``resume``."""
from __future__ import annotations

from migrate.rules.base import APPROXIMATION, Plan, Rule


class Resume(Rule):
    id = 'MIG070'
    name = 'resume'
    summary = 'resume_from=p becomes load_from=p, resume=True; auto_resume becomes resume'
    legacy_keys = ('resume_from', 'auto_resume')
    new_keys = ('load_from', 'resume')

    def apply(self, plan: Plan) -> None:
        resume_from = plan.get('resume_from')
        auto = plan.get('auto_resume')
        plan.consume('resume_from', 'auto_resume')
        if resume_from is not None:
            plan.set(('load_from',), resume_from, origin=('resume_from',))
            plan.set(('resume',), True)
            self.report(plan, APPROXIMATION, 'resume_from',
                        'MMEngine cannot resume MMCV 1.x checkpoints (no message_hub); '
                        'resume works for checkpoints written after the migration',
                        kind='legacy-checkpoint')
        elif auto:
            plan.set(('resume',), True)
            self.report(plan, APPROXIMATION, 'auto_resume',
                        'resume=True looks for work_dir/last_checkpoint (MMCV: latest.pth)',
                        kind='auto-resume')
        elif 'resume' not in plan.values:
            plan.set(('resume',), False)
