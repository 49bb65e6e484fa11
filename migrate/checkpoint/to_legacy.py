"""Engine checkpoint -> MMCV 1.7.2's layout (``meta``, ``state_dict``, ``optimizer``), for a run
that goes back to the legacy runtime (compat or MMCV itself).

* ``meta``: ``epoch``/``iter`` (an iteration-based run stores ``iter - 1``, as MMCV's
  ``IterBasedRunner`` does when it saves), ``hook_msgs`` from the message hub (``last_ckpt``,
  ``best_score``, ``best_ckpt``), ``fp16.loss_scaler`` from the AmpOptimWrapper state, ``seed``,
  ``exp_name``, ``CLASSES`` from ``dataset_meta``, ``mmcv_version``, ``time``;
* ``optimizer``: the torch state (dict by name for several optimizers), without the engine's
  ``base_param_settings``/``loss_scaler``. MMCV recomputes the lr from ``initial_lr`` before
  every iteration, so the schedule needs no state of its own there.

What MMCV has no place for -- the message hub, scheduler states, loop position, RNG states,
accumulated gradients, the EMA weights, any hook's extra field -- is kept under
``engine_state``: MMCV ignores that key, and converting the file back restores it exactly as
long as no legacy run has saved over it (MMCV does not write the key again).
"""
from __future__ import annotations

import copy
import re
import time
from typing import Any, Dict, List, Optional, Tuple

from compat.checkpoint.checkpoint import MMCV_VERSION
from engine.errors import CheckpointError
from migrate.checkpoint.config_view import SINGLE, ConfigView
from migrate.checkpoint.formats import ENGINE_SIDE_KEY, LEGACY_SIDE_KEY
from migrate.checkpoint.loss_scaler import engine_to_legacy as scaler_to_legacy
from migrate.checkpoint.plain import drop_unsafe

_ENGINE_OPTIMIZER_EXTRAS = ('base_param_settings', 'loss_scaler')
_TRAIN_CFG = re.compile(r'train_cfg\s*=\s*dict\(([^)]*)\)')


def _by_epoch(ckpt: dict, view: Optional[ConfigView]) -> bool:
    if view is not None:
        return view.by_epoch
    cfg = ckpt['meta'].get('cfg')
    found = _TRAIN_CFG.search(cfg) if isinstance(cfg, str) else None
    if found:
        body = found.group(1)
        return not ('IterBasedTrainLoop' in body or re.search(r'by_epoch\s*=\s*False', body))
    return True


def _optimizer_states(optimizer: Any, path: str) -> Dict[str, dict]:
    if isinstance(optimizer, dict) and 'param_groups' in optimizer:
        return {SINGLE: optimizer}
    if isinstance(optimizer, dict) and optimizer and \
            all(isinstance(v, dict) and 'param_groups' in v for v in optimizer.values()):
        return dict(optimizer)
    raise CheckpointError('"optimizer" is neither an optimizer wrapper state nor a dict of them '
                          'by name', file=path, key='optimizer',
                          fix='the file was not written by the engine')


def _hook_msgs(info: dict, notes: List[str]) -> dict:
    msgs = {k: info[k] for k in ('last_ckpt', 'best_score', 'best_ckpt')
            if info.get(k) is not None}
    several = sorted(k for k in info if k.startswith('best_score_'))
    if several:
        notes.append(f'save_best with several keys ({", ".join(k[11:] for k in several)}): '
                     'MMCV\'s EvalHook keeps one best score; none is carried into hook_msgs')
    return msgs


def engine_to_legacy(ckpt: dict, src: str, *, view: Optional[ConfigView] = None
                     ) -> Tuple[dict, List[str]]:
    """The MMCV 1.7.2 checkpoint for engine ``ckpt`` (read from ``src``), and notes."""
    notes: List[str] = []
    meta = drop_unsafe(ckpt['meta'], 'meta keys', notes)
    if 'epoch' not in meta or 'iter' not in meta:
        raise CheckpointError('meta has no epoch/iter: not a training checkpoint', file=src,
                              key='meta.iter', fix='convert a checkpoint written by a run')
    if 'state_dict' not in ckpt:
        raise CheckpointError('no "state_dict" (model weights)', file=src, key='state_dict',
                              fix='convert a checkpoint written by a training run')
    by_epoch = _by_epoch(ckpt, view)
    epoch, iteration = int(meta['epoch']), int(meta['iter'])
    if not by_epoch:
        data_pass = (ckpt.get('train_loop') or {}).get('pass', 0)
        epoch, iteration = int(data_pass) + 1, max(iteration - 1, 0)
    hub = ckpt.get('message_hub') or {}
    info = hub.get('runtime_info') or {}
    side_legacy = ckpt.get(LEGACY_SIDE_KEY)
    if isinstance(side_legacy, dict) and isinstance(side_legacy.get('meta'), dict) and \
            side_legacy.get('engine_position') == [meta['epoch'], meta['iter']]:
        # converted from MMCV and not trained on since (the engine does not save the key)
        legacy_meta = copy.deepcopy(side_legacy['meta'])
        notes.append(f'{src} was converted from an MMCV checkpoint: its legacy meta is restored')
    else:
        side_legacy = None
        legacy_meta = {'epoch': epoch, 'iter': iteration}
        if meta.get('seed') is not None:
            legacy_meta['seed'] = meta['seed']
        if meta.get('experiment_name') is not None:
            legacy_meta['exp_name'] = meta['experiment_name']
        msgs = _hook_msgs(info, notes)
        if msgs:
            legacy_meta['hook_msgs'] = msgs
        classes = (meta.get('dataset_meta') or {}).get('classes')
        legacy_meta.update(mmcv_version=MMCV_VERSION, time=time.asctime())
        if classes is not None:
            legacy_meta['CLASSES'] = classes
    out: Dict[str, Any] = {'meta': legacy_meta, 'state_dict': ckpt['state_dict']}
    extras: Dict[str, dict] = {}
    if 'optimizer' in ckpt:
        states = _optimizer_states(ckpt['optimizer'], src)
        legacy_states = {}
        for name, state in states.items():
            extras[name] = {k: state[k] for k in _ENGINE_OPTIMIZER_EXTRAS if k in state}
            plain = {k: v for k, v in state.items() if k not in _ENGINE_OPTIMIZER_EXTRAS}
            if side_legacy is not None and name in (side_legacy.get('param_groups') or {}):
                plain['param_groups'] = copy.deepcopy(side_legacy['param_groups'][name])
            legacy_states[name] = plain
        out['optimizer'] = legacy_states[SINGLE] if SINGLE in legacy_states else legacy_states
        scalers = [e['loss_scaler'] for e in extras.values() if 'loss_scaler' in e]
        if scalers and side_legacy is None:
            legacy_meta.setdefault('fp16', {})['loss_scaler'] = scaler_to_legacy(scalers[0])
    dropped = [k for k in ('ema_state_dict', 'accumulated_grads') if k in ckpt]
    if dropped:
        notes.append(f'{", ".join(dropped)}: MMCV has no such field (its EMAHook keeps the '
                     'average in model buffers); kept under engine_state for converting back')
    if ckpt.get('rng_state'):
        notes.append('the RNG states and the data position have no MMCV field: a legacy '
                     'resume starts the next epoch with fresh random streams')
    side = {k: v for k, v in ckpt.items() if k not in ('state_dict', 'optimizer')}
    side['optimizer_extras'] = extras
    side['legacy_position'] = [legacy_meta['epoch'], legacy_meta['iter']]
    out[ENGINE_SIDE_KEY] = side
    return out, notes
