"""The fp16 loss scaler's state: MMCV's ``meta['fp16']['loss_scaler']`` <-> the engine's
``optimizer['loss_scaler']`` (AmpOptimWrapper).

MMCV 1.7.2 on torch >= 1.6 stores ``torch.cuda.amp.GradScaler.state_dict()`` (an empty dict
where the scaler is disabled, e.g. on CPU), exactly what MMEngine's AmpOptimWrapper stores: that
passes through unchanged. MMCV's own ``LossScaler`` (its torch < 1.6 / parrots path) stores
``cur_scale``, ``cur_iter``, ``last_overflow_iter``, ``scale_factor``, ``scale_window`` and
``mode``; it is mapped onto GradScaler's fields: the scale, growth by ``scale_factor`` every
``scale_window`` overflow-free steps, back-off by ``1 / scale_factor``, and the steps since the
last growth or overflow as ``_growth_tracker``.
"""
from __future__ import annotations

from typing import List, Tuple

GRAD_SCALER_KEYS = ('scale', 'growth_factor', 'backoff_factor', 'growth_interval',
                    '_growth_tracker')
MMCV_SCALER_KEYS = ('cur_scale', 'cur_iter', 'last_overflow_iter', 'scale_factor',
                    'scale_window', 'mode')


def legacy_to_engine(state: dict) -> Tuple[dict, List[str]]:
    """GradScaler state for the engine, and notes on what could not be carried."""
    if not isinstance(state, dict):
        return {}, [f'meta.fp16.loss_scaler is a {type(state).__name__}, not a dict: dropped']
    if 'cur_scale' in state:
        factor = float(state.get('scale_factor', 2.0))
        window = int(state.get('scale_window', 1000))
        since = int(state.get('cur_iter', 0)) - 1 - int(state.get('last_overflow_iter', -1))
        out = {'scale': float(state['cur_scale']), 'growth_factor': factor,
               'backoff_factor': 1.0 / factor, 'growth_interval': window,
               '_growth_tracker': since % window if window > 0 else 0}
        notes = []
        if state.get('mode', 'dynamic') != 'dynamic':
            notes.append('meta.fp16.loss_scaler is a static MMCV LossScaler: the engine keeps '
                         f'its scale ({out["scale"]}); give the converted config '
                         f'loss_scale={out["scale"]} so that it stays static')
        return out, notes
    unknown = sorted(set(state) - set(GRAD_SCALER_KEYS))
    out = {k: v for k, v in state.items() if k in GRAD_SCALER_KEYS}
    notes = [f'meta.fp16.loss_scaler keys {unknown} are neither GradScaler\'s nor MMCV '
             'LossScaler\'s: dropped'] if unknown else []
    return out, notes


def engine_to_legacy(state: dict) -> dict:
    """MMCV 1.7.2 (torch >= 1.6) loads GradScaler's state as it is."""
    return dict(state) if isinstance(state, dict) else {}
