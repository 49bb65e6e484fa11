"""MMCV 1.7.2 checkpoint -> the engine's (MMEngine 0.10.7's layout), ready for ``resume``.

Field by field:

* ``meta.epoch``/``meta.iter``: an epoch-based MMCV checkpoint stores completed epochs and
  iterations, as the engine does. MMCV's ``IterBasedRunner`` saves from ``after_train_iter``
  before counting the iteration (``iter_8.pth`` holds ``iter=7``, and MMCV's own resume trains
  iteration 8 twice); the engine gets ``iter=8``, and ``epoch=0`` as its iteration loop keeps.
* ``state_dict``: the weights, ``module.`` prefixes removed as MMCV's loader removes them.
* ``optimizer``: the state as it is (momentum buffers, Adam moments: bitwise); with several
  optimizers the dict by name is the engine's ``OptimWrapperDict`` state. The param groups'
  lr/momentum become the values of the *next* iteration and ``param_schedulers`` the scheduler
  states, both from replaying the converted config's schedule
  (:mod:`migrate.checkpoint.schedule_state`); the fp16 loss scaler moves to
  ``optimizer['loss_scaler']``.
* ``message_hub``: the runtime info the engine's hooks read back on resume: ``last_ckpt``, the
  best score and checkpoint of ``save_best`` (MMCV's ``hook_msgs``), ``keep_ckpt_ids`` for
  ``max_keep_ckpts``, and the counters.
* no ``train_loop``: an epoch-based resume starts at the epoch boundary; an iteration-based one
  skips the batches already trained on (MMEngine's behaviour). No ``rng_state``: MMCV saved
  none.
"""
from __future__ import annotations

import copy
import re
import time
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple

import engine
from engine.errors import CheckpointError
from migrate.checkpoint.config_view import SINGLE, ConfigView
from migrate.checkpoint.formats import ENGINE_SIDE_KEY, LEGACY_SIDE_KEY
from migrate.checkpoint.loss_scaler import legacy_to_engine as scaler_to_engine
from migrate.checkpoint.plain import drop_unsafe
from migrate.checkpoint.schedule_state import Position, replay_schedule, schedule_mismatches

_ITER_RUNNER = re.compile(r"""runner\s*=\s*dict\([^)]*type\s*=\s*['"]IterBasedRunner['"]""")


def _is_optimizer_state(value: Any) -> bool:
    return isinstance(value, dict) and 'param_groups' in value and 'state' in value


def legacy_optimizer_groups(optimizer: Any, path: str) -> Dict[str, dict]:
    """Optimizer name ('' for one optimizer) -> its state dict, checked."""
    if _is_optimizer_state(optimizer):
        return {SINGLE: optimizer}
    if isinstance(optimizer, dict) and optimizer and \
            all(_is_optimizer_state(v) for v in optimizer.values()):
        return dict(optimizer)
    raise CheckpointError('"optimizer" is neither an optimizer state dict (state, '
                          'param_groups) nor a dict of them by name', file=path,
                          key='optimizer', fix='the file was not written by an MMCV runner')


def _by_epoch(meta: dict, view: Optional[ConfigView], notes: List[str]) -> bool:
    if view is not None:
        return view.by_epoch
    config = meta.get('config')
    if isinstance(config, str) and _ITER_RUNNER.search(config):
        return False
    notes.append('no --config: the checkpoint is taken as written by an EpochBasedRunner'
                 + ('' if isinstance(config, str) else ' (its meta holds no config text)'))
    return True


def _position(meta: dict, by_epoch: bool, epoch_len: Optional[int], path: str) -> Position:
    try:
        epoch, iteration = int(meta['epoch']), int(meta['iter'])
    except (KeyError, TypeError, ValueError):
        raise CheckpointError(f'meta.epoch/meta.iter are missing or not integers '
                              f'({meta.get("epoch")!r}, {meta.get("iter")!r})', file=path,
                              key='meta.iter', fix='convert a checkpoint written by a runner')
    if not by_epoch:
        return Position(by_epoch=False, epoch=0, iter=iteration + 1, epoch_len=epoch_len)
    if epoch_len is None and epoch > 0 and iteration % epoch == 0 and iteration > 0:
        epoch_len = iteration // epoch
    return Position(by_epoch=True, epoch=epoch, iter=iteration, epoch_len=epoch_len)


def _strip_module(state_dict: Any, notes: List[str]) -> Any:
    if not isinstance(state_dict, dict):
        return state_dict
    keys = list(state_dict)
    if not keys or not all(isinstance(k, str) and k.startswith('module.') for k in keys):
        return state_dict
    out = OrderedDict((k[len('module.'):], v) for k, v in state_dict.items())
    metadata = getattr(state_dict, '_metadata', None)
    if metadata is not None:
        out._metadata = OrderedDict(
            (('' if k == 'module' else k[len('module.'):] if k.startswith('module.') else k), v)
            for k, v in metadata.items())
    notes.append('state_dict: the "module." prefix of every key removed (as MMCV\'s and the '
                 'engine\'s loaders remove it)')
    return out


def _check_fit(view: ConfigView, states: Dict[str, dict], path: str) -> None:
    if set(states) != set(view.optimizers):
        have = 'one optimizer' if SINGLE in states else f'optimizers {sorted(states)}'
        want = 'one optimizer' if SINGLE in view.optimizers else \
            f'optimizers {sorted(view.optimizers)}'
        raise CheckpointError(f'the checkpoint holds {have}, the config builds {want}',
                              file=path, key='optim_wrapper',
                              fix=f'convert with the config of this run ({view.path} does '
                                  'not fit the checkpoint)')
    for name, state in states.items():
        cfg = view.optimizers[name]
        key = 'optim_wrapper' + (f'.{name}' if name else '') + '.optimizer'
        for index, group in enumerate(state['param_groups']):
            missing = [k for k in cfg if k not in ('type', 'lr') and k not in group]
            if missing:
                raise CheckpointError(
                    f'the config\'s {cfg["type"]} has {missing} but the checkpoint\'s param '
                    f'group {index} has no such field (its fields: '
                    f'{sorted(k for k in group if k != "params")})', file=view.path,
                    key=f'{key}.{missing[0]}',
                    fix='convert with the config of this run: its optimizer type differs')


def _message_hub(meta: dict, position: Position, view: Optional[ConfigView],
                 dst: Optional[str]) -> dict:
    hook_msgs = meta.get('hook_msgs') or {}
    info: Dict[str, Any] = {'loop_stage': 'train',
                            'epoch': max(position.epoch - 1, 0) if position.by_epoch else 0,
                            'iter': max(position.iter - 1, 0)}
    if meta.get('seed') is not None:
        info['seed'] = meta['seed']
    if meta.get('exp_name') is not None:
        info['experiment_name'] = meta['exp_name']
    if view is not None:
        info['max_epochs'] = view.max_epochs if view.by_epoch else 1
        info['max_iters'] = (view.max_epochs * position.epoch_len
                             if view.by_epoch and position.epoch_len else view.max_iters)
        keep = _kept_checkpoints(view, position)
        if keep:
            info['keep_ckpt_ids'] = keep
    if meta.get('CLASSES') is not None:
        info['dataset_meta'] = {'classes': meta['CLASSES']}
    if dst is not None:
        # the engine records a checkpoint's own path before writing it
        info['last_ckpt'] = dst
    for key in ('best_score', 'best_ckpt'):
        if hook_msgs.get(key) is not None:
            info[key] = hook_msgs[key]
    return {'log_scalars': {}, 'runtime_info': info,
            'resumed_keys': {k: True for k in info}}


def _kept_checkpoints(view: ConfigView, position: Position) -> List[int]:
    """The periodic checkpoints MMCV's ``max_keep_ckpts`` left on disk, so the engine's hook
    goes on deleting the oldest (it counts them in the message hub; MMCV derived them)."""
    hook = view.checkpoint_hook
    keep = hook.get('max_keep_ckpts', -1)
    interval = hook.get('interval', 1)
    if not isinstance(keep, int) or keep <= 0 or not isinstance(interval, int) or interval <= 0:
        return []
    current = position.epoch if hook.get('by_epoch', view.by_epoch) else position.iter
    if current <= 0:
        return []
    return [step for step in range(current - (keep - 1) * interval, current + 1, interval)
            if step > 0]


def _engine_meta(meta: dict, position: Position, view: Optional[ConfigView], src: str) -> dict:
    from engine.runner.checkpoint_state import FORMAT, FORMAT_VERSION
    out: Dict[str, Any] = {'epoch': position.epoch, 'iter': position.iter}
    if view is not None:
        out['cfg'] = view.text
    if meta.get('seed') is not None:
        out['seed'] = meta['seed']
    if meta.get('exp_name') is not None:
        out['experiment_name'] = meta['exp_name']
    if meta.get('CLASSES') is not None:
        out['dataset_meta'] = {'classes': meta['CLASSES']}
    out.update(time=time.strftime('%Y%m%d_%H%M%S', time.localtime()),
               engine_version=str(engine.__version__),
               converted_from=f'MMCV {meta.get("mmcv_version", "1.x")} checkpoint {src}',
               format=FORMAT, format_version=FORMAT_VERSION)
    return out


def _restore_side(ckpt: dict, meta: dict) -> Optional[dict]:
    """An engine checkpoint converted to legacy and not re-saved by MMCV since: exact."""
    side = ckpt.get(ENGINE_SIDE_KEY)
    if not isinstance(side, dict) or not isinstance(side.get('meta'), dict):
        return None
    if side.get('legacy_position') != [meta.get('epoch'), meta.get('iter')]:
        return None
    out = {k: copy.deepcopy(v) for k, v in side.items()
           if k not in ('optimizer_extras', 'legacy_position')}
    out['state_dict'] = ckpt['state_dict']
    if 'optimizer' in ckpt:
        extras = side.get('optimizer_extras') or {}
        states = legacy_optimizer_groups(ckpt['optimizer'], '')
        merged = {name: {**state, **extras.get(name, {})} for name, state in states.items()}
        out['optimizer'] = merged[SINGLE] if SINGLE in merged else merged
    return out


def legacy_to_engine(ckpt: dict, src: str, *, view: Optional[ConfigView] = None,
                     epoch_len: Optional[int] = None, dst: Optional[str] = None
                     ) -> Tuple[dict, List[str]]:
    """The engine checkpoint for legacy ``ckpt`` (read from ``src``), and notes for the user.

    ``view``: the converted config the run resumes with (without it there are no scheduler
    states and the lr in the param groups is the last trained iteration's).
    ``epoch_len``: iterations per epoch when the meta does not tell it.
    """
    notes: List[str] = []
    meta = drop_unsafe(ckpt['meta'], 'meta keys', notes)
    restored = _restore_side(ckpt, meta)
    if restored is not None:
        notes.append(f'{src} was converted from an engine checkpoint and not trained on since: '
                     'its engine state is restored exactly')
        return restored, notes
    if 'state_dict' not in ckpt:
        raise CheckpointError('no "state_dict" (model weights)', file=src, key='state_dict',
                              fix='convert a checkpoint written by a training run')
    by_epoch = _by_epoch(meta, view, notes)
    position = _position(meta, by_epoch, epoch_len, src)
    if not by_epoch:
        notes.append(f'MMCV\'s IterBasedRunner stored iter={meta["iter"]} for '
                     f'{position.iter} completed iterations (its own resume repeats one): the '
                     f'engine resumes after iteration {position.iter}')
    if position.by_epoch and position.epoch_len and position.iter % position.epoch_len:
        notes.append(f'a mid-epoch checkpoint (iter {position.iter}): like MMCV\'s resume, the '
                     f'engine starts epoch {position.epoch + 1} from its first batch')
    out: Dict[str, Any] = {'meta': _engine_meta(meta, position, view, src),
                           'state_dict': _strip_module(ckpt['state_dict'], notes)}
    out['message_hub'] = _message_hub(meta, position, view, dst)
    legacy_side: Dict[str, Any] = {'meta': copy.deepcopy(meta),
                                   'engine_position': [position.epoch, position.iter]}
    if 'optimizer' in ckpt:
        states = legacy_optimizer_groups(ckpt['optimizer'], src)
        legacy_side['param_groups'] = {name: copy.deepcopy(s['param_groups'])
                                       for name, s in states.items()}
        optimizer, schedulers = _optimizer_state(states, meta, position, view, src, notes)
        out['optimizer'] = optimizer
        if schedulers is not None:
            out['param_schedulers'] = schedulers
    else:
        notes.append('the checkpoint holds no optimizer state: resume needs one (the engine '
                     'refuses it); use it as load_from instead')
    if view is None:
        notes.append('no --config: no param_schedulers written, and the param groups keep the '
                     'lr of the last trained iteration; a config with param_scheduler cannot '
                     'resume from this file (pass --config CONVERTED_CFG)')
    notes.append('MMCV saved no RNG state: random augmentation or dropout after the resume '
                 'differ from an uninterrupted run (as with MMCV\'s own resume)')
    out[LEGACY_SIDE_KEY] = legacy_side
    from engine.runner.checkpoint_state import finalize_fields
    finalize_fields(out)
    return out, notes


def _optimizer_state(states: Dict[str, dict], meta: dict, position: Position,
                     view: Optional[ConfigView], src: str, notes: List[str]):
    out = {name: {**state, 'param_groups': [dict(g) for g in state['param_groups']]}
           for name, state in states.items()}
    schedulers = None
    if view is not None:
        _check_fit(view, states, src)
        replayed = replay_schedule(
            view, {name: s['param_groups'] for name, s in states.items()}, position)
        for name, state in out.items():
            for group, values in zip(state['param_groups'], replayed.groups[name]):
                group.update(copy.deepcopy(values))
            if replayed.base_param_settings.get(name) is not None:
                state['base_param_settings'] = replayed.base_param_settings[name]
        if view.param_scheduler:
            schedulers = replayed.scheduler_states
        for name, index, quantity, old, new in schedule_mismatches(
                replayed, {n: s['param_groups'] for n, s in states.items()}):
            label = f'optimizer {name!r} ' if name else ''
            notes.append(f'warning: {label}param group {index}: MMCV ran iteration '
                         f'{position.iter - 1} with {quantity} {old!r}, the converted schedule '
                         f'gives {new!r}: the conversion of the schedule is not exact here '
                         f'(check it with `migrate verify`)')
    fp16 = (meta.get('fp16') or {}) if isinstance(meta.get('fp16'), dict) else {}
    if 'loss_scaler' in fp16:
        scaler, scaler_notes = scaler_to_engine(fp16['loss_scaler'])
        notes.extend(scaler_notes)
        targets = [n for n in out if view is None or view.amp.get(n)]
        if not targets:
            notes.append('the legacy run used fp16 but the config\'s optim_wrapper is not an '
                         'AmpOptimWrapper: the loss scaler state is dropped')
        for name in targets[:1]:
            out[name]['loss_scaler'] = scaler
    return (out[SINGLE] if SINGLE in out else out), schedulers
