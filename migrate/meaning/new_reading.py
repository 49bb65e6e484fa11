"""How MMEngine 0.10.7's ``Runner`` reads a converted (MMEngine-merged) view, one fact per
function, in the shapes :mod:`.legacy_reading` gives.

Defaults are the Runner's (``mmengine/runner/runner.py``): a default hook entry is replaced
wholesale by the config's (``register_default_hooks``), the checkpoint hook defaults to
``interval=1``, the logger to ``LoggerHook()`` (interval 10), the visualizer to one
``LocalVisBackend``; a dataloader dict goes to ``torch.utils.data.DataLoader`` (batch 1,
no workers, unless set).
"""
from __future__ import annotations

from typing import Any, Dict

from migrate.meaning.legacy_reading import NOT_SET, _periodic
from migrate.meaning.val_points import mmengine_points

View = Dict[str, Any]


def _dict(view: View, key: str) -> Dict[str, Any]:
    value = view.get(key)
    return value if isinstance(value, dict) else {}


def loop(view: View) -> Any:
    """``(kind, length)`` from ``train_cfg`` (``type`` or ``by_epoch``, ``build_train_loop``).

    >>> loop({'train_cfg': {'type': 'IterBasedTrainLoop', 'max_iters': 80000}})
    ('iter', 80000)
    >>> loop({'train_cfg': {'by_epoch': True, 'max_epochs': 12}})
    ('epoch', 12)
    """
    cfg = view.get('train_cfg')
    if cfg is None:
        return None
    if not isinstance(cfg, dict):
        return ('unknown', cfg)
    ltype = cfg.get('type')
    if ltype is None:
        ltype = 'EpochBasedTrainLoop' if cfg.get('by_epoch') else \
            ('IterBasedTrainLoop' if 'by_epoch' in cfg else None)
    if ltype == 'EpochBasedTrainLoop':
        return ('epoch', cfg.get('max_epochs'))
    if ltype == 'IterBasedTrainLoop':
        return ('iter', cfg.get('max_iters'))
    return (ltype, cfg.get('max_epochs', cfg.get('max_iters')))


def val_points(view: View) -> Any:
    """When the train loop validates (needs ``val_cfg`` and ``val_dataloader`` to validate at
    all); ``val_interval`` defaults to 1 (epochs) or 1000 (iterations), ``val_begin`` to 1.

    >>> str(val_points({'train_cfg': {'type': 'EpochBasedTrainLoop', 'max_epochs': 12,
    ...     'val_interval': 5}, 'val_cfg': {}, 'val_dataloader': {}}))
    'at 5, 10, ... 10 (every 5) and at 12'
    """
    kind_length = loop(view)
    if kind_length is None or view.get('val_cfg') is None or view.get('val_dataloader') is None:
        return None
    cfg = _dict(view, 'train_cfg')
    interval = cfg.get('val_interval', 1 if kind_length[0] == 'epoch' else 1000)
    begin, length = cfg.get('val_begin', 1), kind_length[1]
    if not all(isinstance(v, int) for v in (interval, begin, length)):
        return ('unknown', interval, begin)
    return mmengine_points(interval, begin, length)


def loader(view: View, split: str) -> Any:
    """``(batch_size, num_workers)`` of ``<split>_dataloader`` (torch defaults 1 and 0).

    >>> loader({'val_dataloader': {'batch_size': 2}}, 'val')
    (2, 0)
    """
    cfg = view.get(f'{split}_dataloader')
    if not isinstance(cfg, dict):
        return cfg
    return (cfg.get('batch_size', 1), cfg.get('num_workers', 0))


def dataset(view: View, split: str) -> Any:
    """``<split>_dataloader.dataset``.

    >>> dataset({'train_dataloader': {'dataset': {'type': 'CocoDataset'}}}, 'train')
    {'type': 'CocoDataset'}
    """
    cfg = view.get(f'{split}_dataloader')
    return cfg.get('dataset') if isinstance(cfg, dict) else cfg


def model(view: View) -> Any:
    """``model`` without ``None`` train_cfg/test_cfg entries.

    >>> model({'model': {'type': 'FasterRCNN', 'train_cfg': None}})
    {'type': 'FasterRCNN'}
    """
    value = view.get('model')
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items()
            if not (k in ('train_cfg', 'test_cfg') and v is None)}


def optimizer(view: View) -> Any:
    """``optim_wrapper.optimizer``.

    >>> optimizer({'optim_wrapper': {'optimizer': {'type': 'SGD', 'lr': 0.1}}})
    {'type': 'SGD', 'lr': 0.1}
    """
    wrapper = view.get('optim_wrapper')
    return wrapper.get('optimizer') if isinstance(wrapper, dict) else wrapper


def paramwise(view: View) -> Any:
    """``(paramwise_cfg, constructor)`` at the wrapper level, where ``build_optim_wrapper``
    pops them; the default constructor counts as MMCV's default.

    >>> paramwise({'optim_wrapper': {'paramwise_cfg': {'norm_decay_mult': 0}}})
    ({'norm_decay_mult': 0}, 'DefaultOptimizerConstructor')
    """
    wrapper = _dict(view, 'optim_wrapper')
    constructor = wrapper.get('constructor', 'DefaultOptimWrapperConstructor')
    if constructor == 'DefaultOptimWrapperConstructor':
        constructor = 'DefaultOptimizerConstructor'
    return (wrapper.get('paramwise_cfg'), constructor)


def grad_clip(view: View) -> Any:
    """``optim_wrapper.clip_grad``.

    >>> grad_clip({'optim_wrapper': {'clip_grad': {'max_norm': 35}}})
    {'max_norm': 35}
    """
    return _dict(view, 'optim_wrapper').get('clip_grad')


def accumulation(view: View) -> Any:
    """``optim_wrapper.accumulative_counts`` (default 1).

    >>> accumulation({'optim_wrapper': {'accumulative_counts': 4}})
    4
    """
    return _dict(view, 'optim_wrapper').get('accumulative_counts', 1)


def amp(view: View) -> Any:
    """``('amp', loss_scale)`` for an ``AmpOptimWrapper`` (default scale ``'dynamic'``).

    >>> amp({'optim_wrapper': {'type': 'AmpOptimWrapper'}})
    ('amp', 'dynamic')
    """
    wrapper = _dict(view, 'optim_wrapper')
    if wrapper.get('type') != 'AmpOptimWrapper':
        return None
    return ('amp', wrapper.get('loss_scale', 'dynamic'))


def _checkpoint_hook(view: View) -> Any:
    hooks = _dict(view, 'default_hooks')
    return hooks.get('checkpoint', {'type': 'CheckpointHook', 'interval': 1})


def checkpoint(view: View) -> Any:
    """The checkpoint hook's periodic settings (``CheckpointHook`` defaults), or None.

    >>> checkpoint({})['interval']
    1
    >>> checkpoint({'default_hooks': {'checkpoint': None}}) is None
    True
    """
    hook = _checkpoint_hook(view)
    if not isinstance(hook, dict):
        return hook
    settings = dict(interval=hook.get('interval', -1), by_epoch=hook.get('by_epoch', True),
                    save_optimizer=hook.get('save_optimizer', True), out_dir=hook.get('out_dir'),
                    max_keep_ckpts=hook.get('max_keep_ckpts', -1),
                    save_last=hook.get('save_last', True))
    return _periodic(settings)


def save_best(view: View) -> Any:
    """``(save_best, rule)`` of the checkpoint hook; None when it keeps no best checkpoint.

    >>> save_best({'default_hooks': {'checkpoint': {'save_best': 'auto'}}})
    ('auto', None)
    """
    hook = _checkpoint_hook(view)
    if not isinstance(hook, dict) or hook.get('save_best') is None:
        return None
    return (hook['save_best'], hook.get('rule'))


def logger_interval(view: View) -> Any:
    """``default_hooks.logger.interval`` (``LoggerHook`` default 10); None: no logger hook.

    >>> logger_interval({'default_hooks': {'logger': {'type': 'LoggerHook', 'interval': 50}}})
    50
    """
    hook = _dict(view, 'default_hooks').get('logger', {'type': 'LoggerHook'})
    if not isinstance(hook, dict):
        return hook
    return hook.get('interval', 10)


def log_backends(view: View) -> Any:
    """The sorted back-end types of the visualizer (default: ``LocalVisBackend``); None when
    the logger hook is off.

    >>> log_backends({'visualizer': {'vis_backends': [{'type': 'WandbVisBackend'}]}})
    ['WandbVisBackend']
    """
    if logger_interval(view) is None:
        return None
    backends = _dict(view, 'visualizer').get('vis_backends', [{'type': 'LocalVisBackend'}])
    return sorted({b.get('type') if isinstance(b, dict) else b for b in backends or []}, key=str)


def eval_metric(view: View) -> Any:
    """The evaluator's options in the legacy ``evaluation`` kwargs' terms: ``Accuracy.topk``
    is ``metric_options.topk`` and its metric ``accuracy``; ``IoUMetric.iou_metrics`` is
    ``metric``; the evaluator's ``type``/``ann_file`` come from the dataset, not from here.

    >>> eval_metric({'val_evaluator': {'type': 'IoUMetric', 'iou_metrics': ['mIoU']}})
    {'metric': ['mIoU']}
    """
    evaluator = view.get('val_evaluator')
    if not isinstance(evaluator, dict):
        return evaluator
    out = {k: v for k, v in evaluator.items() if k not in ('type', 'ann_file')}
    etype = evaluator.get('type')
    if etype == 'IoUMetric' and 'iou_metrics' in out:
        out['metric'] = out.pop('iou_metrics')
    if etype == 'Accuracy' and 'topk' in out:
        out['metric_options'] = {'topk': out.pop('topk')}
    return out


def resume(view: View) -> Any:
    """``(mode, checkpoint)`` as ``Runner.load_or_resume`` decides from ``resume``/``load_from``.

    >>> resume({'resume': True, 'load_from': None})
    ('resume-latest', None)
    """
    load_from, wants = view.get('load_from'), view.get('resume', False)
    if wants and load_from is None:
        return ('resume-latest', None)
    if wants:
        return ('resume', load_from)
    return ('load', load_from) if load_from else None


def legacy_keys_left(view: View, legacy_keys: frozenset) -> Any:
    """Legacy runtime keys still in the converted view (MMEngine ignores them silently).

    >>> legacy_keys_left({'lr_config': {}, 'model': {}}, frozenset({'lr_config'}))
    ['lr_config']
    """
    return sorted(k for k in view if k in legacy_keys)


__all__ = ['NOT_SET']
