"""MIG080: ``dist_params``, ``mp_start_method``, ``opencv_num_threads`` and
``cudnn_benchmark`` -> ``env_cfg``."""
from __future__ import annotations

from migrate.rules.base import NOTE, Plan, Rule


class EnvCfg(Rule):
    id = 'MIG080'
    name = 'env-cfg'
    summary = ('dist_params -> env_cfg.dist_cfg; mp_start_method and opencv_num_threads -> '
               'env_cfg.mp_cfg; cudnn_benchmark -> env_cfg.cudnn_benchmark')
    legacy_keys = ('dist_params', 'mp_start_method', 'opencv_num_threads', 'cudnn_benchmark')
    new_keys = ('env_cfg',)

    def apply(self, plan: Plan) -> None:
        for key in ('cudnn_benchmark',):
            if plan.has(key):
                plan.set(('env_cfg', key), plan.get(key), origin=(key,))
        for key in ('mp_start_method', 'opencv_num_threads'):
            if plan.has(key):
                plan.set(('env_cfg', 'mp_cfg', key), plan.get(key), origin=(key,))
        if plan.has('dist_params'):
            plan.set(('env_cfg', 'dist_cfg'), plan.get('dist_params'), origin=('dist_params',))
        if plan.has('mp_start_method') or plan.has('opencv_num_threads'):
            self.report(plan, NOTE, 'mp_start_method', 'MMEngine sets OMP/MKL_NUM_THREADS=1 '
                        'only when distributed (MMDet 2.x: when workers_per_gpu > 1)')
        plan.consume(*self.legacy_keys)
