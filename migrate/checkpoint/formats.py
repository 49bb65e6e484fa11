"""Which side of the boundary a loaded checkpoint dict comes from."""
from __future__ import annotations

from engine.checkpoint.mmengine_checkpoint import is_mmengine_checkpoint
from engine.errors import CheckpointError

LEGACY = 'legacy'
ENGINE = 'engine'

#: top-level key of a legacy file converted from the engine: what MMCV has no place for (the
#: message hub, scheduler states, loop position, RNG states...). MMCV ignores unknown top-level
#: keys and drops them when it saves again, so a stale copy never survives a legacy run.
ENGINE_SIDE_KEY = 'engine_state'
#: top-level key of an engine file converted from a legacy one: the legacy meta, so that
#: converting back gives MMCV's meta as it was (the engine drops it when it saves again).
LEGACY_SIDE_KEY = 'legacy_meta'

#: what the engine writes besides ``meta``/``state_dict``/``optimizer``
ENGINE_ONLY_KEYS = ('message_hub', 'param_schedulers', 'train_loop', 'rng_state',
                    'accumulated_grads', 'ema_state_dict')


def detect_format(ckpt: dict, path: str) -> str:
    """``'legacy'`` or ``'engine'`` (MMEngine-written files count as engine); a file that is
    neither is an error naming what it holds."""
    meta = ckpt.get('meta')
    keys = sorted(map(str, ckpt))[:10]
    if not isinstance(meta, dict):
        raise CheckpointError(
            f'neither an MMCV 1.x nor an engine training checkpoint: no "meta" dict '
            f'(top-level keys: {keys})', file=path, key='meta',
            fix='a weights-only file needs no conversion: give it to load_from as it is')
    if meta.get('format') == 'engine-checkpoint' or is_mmengine_checkpoint(ckpt) or \
            'message_hub' in ckpt:
        return ENGINE
    if 'mmcv_version' in meta or ('epoch' in meta and 'iter' in meta):
        return LEGACY
    raise CheckpointError(
        f'neither an MMCV 1.x nor an engine training checkpoint: meta has no epoch/iter, '
        f'mmcv_version or engine format (meta keys: {sorted(map(str, meta))[:10]})',
        file=path, key='meta', fix='convert a checkpoint written by a training run')
