"""MIG003: ``fp16 = dict(loss_scale=...)`` -> ``optim_wrapper.type='AmpOptimWrapper'``."""
from __future__ import annotations

from migrate.rules.base import APPROXIMATION, Plan, Rule
from migrate.tables import MMCV_FP16_DEFAULT_LOSS_SCALE


class Fp16ToAmpOptimWrapper(Rule):
    id = 'MIG003'
    name = 'fp16-to-amp-optim-wrapper'
    summary = ("fp16=dict(loss_scale=X) becomes optim_wrapper.type='AmpOptimWrapper' with the "
               'same loss_scale written explicitly (the default changed from 512. to dynamic)')
    legacy_keys = ('fp16',)
    new_keys = ('optim_wrapper',)

    def apply(self, plan: Plan) -> None:
        fp16 = plan.get('fp16')
        plan.consume('fp16')
        if fp16 is None:
            return
        scale = fp16.get('loss_scale', MMCV_FP16_DEFAULT_LOSS_SCALE) \
            if isinstance(fp16, dict) else MMCV_FP16_DEFAULT_LOSS_SCALE
        plan.set(('optim_wrapper', 'type'), 'AmpOptimWrapper')
        plan.set(('optim_wrapper', 'loss_scale'), scale, origin=('fp16', 'loss_scale'))
        self.report(plan, APPROXIMATION, 'fp16',
                    'AMP: autocast now covers the whole forward (MMCV: @auto_fp16 methods); '
                    'the scaler state moves from meta.fp16 to optimizer.loss_scaler',
                    kind='amp-scope')
