"""How MMCV 1.7.2 and the downstream train script read a merged legacy view, one fact per
function.

Each reader takes the merged legacy view (MMCV's merge, :mod:`migrate.static`) and returns a
plain value that :mod:`.new_reading` produces in the same shape for the converted view, or
:data:`NOT_SET` when the legacy config does not decide the fact (a ``_base_`` file without a
runner has no validation schedule). The reference is MMDet 2.x ``mmdet/apis/train.py::
train_detector`` after ``mmdet/utils/compat_config.py::compat_cfg`` (reference part A).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from migrate.meaning.downstream import MMACTION, MMCLS, MMSELFSUP, MMSEG, guess_codebase
from migrate.meaning.val_points import mmcv_points
from migrate.rules._codebase import codebase_of
from migrate.rules._paramwise_options import NotExact, is_paramwise_cfg_form, to_custom_keys
from migrate.rules.runner_to_train_cfg import DOWNSTREAM_RUNNERS
from migrate.tables import (CODEBASE_READS_TOP_LEVEL_MODEL_CFG, EVAL_HOOK_ARGS,
                            LOGGER_HOOK_TO_BACKEND, MMCV_FP16_DEFAULT_LOSS_SCALE,
                            MMCV_ONLY_EVAL_KWARGS, OPTIMIZER_HOOKS, loop_name)


class _NotSet:
    def __repr__(self) -> str:
        return 'NOT_SET'


#: The config does not decide this fact (nothing to compare).
NOT_SET = _NotSet()
View = Dict[str, Any]


def loop(view: View) -> Any:
    """``(kind, length)`` of the training loop: ``runner`` or MMDet's ``total_epochs`` rule.

    >>> loop({'runner': {'type': 'IterBasedRunner', 'max_iters': 80000}})
    ('iter', 80000)
    >>> loop({'total_epochs': 12})
    ('epoch', 12)
    """
    runner = view.get('runner')
    total = view.get('total_epochs')
    if runner is None:
        # mmdet/utils/compat_config.py::compat_runner_args
        return NOT_SET if total is None else ('epoch', total)
    if not isinstance(runner, dict):
        return ('unknown', runner)
    rtype = runner.get('type', 'EpochBasedRunner')
    if isinstance(rtype, str):
        # a downstream runner that keeps an MMCV runner's loop (the Swin fork's
        # EpochBasedRunnerAmp) reads as that runner
        rtype = DOWNSTREAM_RUNNERS.get(rtype, rtype)
    if rtype == 'IterBasedRunner':
        return ('iter', runner.get('max_iters'))
    if rtype == 'EpochBasedRunner':
        return ('epoch', runner.get('max_epochs', total))
    if isinstance(rtype, str):
        # a project's own runner reads as the loop HK010 ports it to (MIG010 writes that name)
        rtype = loop_name(rtype)
    return (rtype, runner.get('max_epochs', runner.get('max_iters')))


def val_points(view: View) -> Any:
    """When ``EvalHook`` validates: ``evaluation.interval``/``start`` over the loop's length.

    >>> str(val_points({'runner': {'type': 'EpochBasedRunner', 'max_epochs': 12},
    ...                 'evaluation': {'interval': 5}, 'data': {'val': {}}}))
    'at 5, 10, ... 10 (every 5)'
    """
    kind_length = loop(view)
    evaluation = view.get('evaluation')
    data = _data(view)
    if kind_length is NOT_SET or not isinstance(evaluation, dict) or data is None \
            or 'val' not in data:
        return NOT_SET   # train_detector validates on build_dataset(cfg.data.val)
    length = kind_length[1]
    interval, start = evaluation.get('interval', 1), evaluation.get('start')
    if not all(isinstance(v, int) for v in (length, interval)) \
            or not isinstance(start, (int, type(None))):
        return ('unknown', interval, start)
    return mmcv_points(interval, start, length)


def _data(view: View) -> Optional[Dict[str, Any]]:
    data = view.get('data')
    return data if isinstance(data, dict) else None


def _override(data: Dict[str, Any], split: str) -> Dict[str, Any]:
    found = data.get(f'{split}_dataloader')
    return found if isinstance(found, dict) else {}


def _split_dataset(data: Dict[str, Any], split: str) -> Dict[str, Any]:
    found = data.get(split)
    return found if isinstance(found, dict) else {}


def loader(view: View, split: str) -> Any:
    """``(batch_size, num_workers)`` of the ``split`` loader as the codebase built it.

    MMDet 2.x (``compat_loader_args`` + ``train_detector`` + ``tools/test.py``): train
    ``data.train_dataloader`` > ``data.samples_per_gpu`` (``imgs_per_gpu`` wins, as
    ``compat_imgs_per_gpu`` copies it over) > 2; val/test ``data.<split>_dataloader`` >
    ``data.<split>.samples_per_gpu`` > 1; workers ``data.<split>_dataloader`` >
    ``data.workers_per_gpu`` > 2. MMCls/MMSelfSup 0.x validate with ``data.samples_per_gpu``;
    MMSeg 0.x with 1; MMAction2 0.x reads ``videos_per_gpu`` (default 1, workers 1) and divides
    the train batch by ``optimizer_config.update_interval``.

    >>> loader({'data': {'samples_per_gpu': 4, 'workers_per_gpu': 3, 'val': {}}}, 'val')
    (1, 3)
    >>> loader({'model': {'type': 'ImageClassifier'},
    ...         'data': {'samples_per_gpu': 4, 'workers_per_gpu': 3, 'val': {}}}, 'val')
    (4, 3)
    """
    data = _data(view)
    if data is None or split not in data:
        return NOT_SET
    codebase = guess_codebase(view)
    over = _override(data, split)
    if codebase == MMACTION:
        # mmaction/apis/train.py::train_model (0.x)
        batch = data.get('videos_per_gpu', 1)
        if split == 'train':
            update = (view.get('optimizer_config') or {}).get('update_interval', 1) \
                if isinstance(view.get('optimizer_config'), dict) else 1
            batch = batch // update if isinstance(batch, int) and isinstance(update, int) \
                else ('unknown', batch, update)
        workers = data.get('workers_per_gpu', 1)
        return (over.get('videos_per_gpu', batch), over.get('workers_per_gpu', workers))
    workers = over.get('workers_per_gpu', data.get('workers_per_gpu', 2))
    shared = data.get('imgs_per_gpu', data.get('samples_per_gpu'))
    if split == 'train' or codebase in (MMCLS, MMSELFSUP):
        # mmcls/apis/train.py::train_model: every loader starts from data's loader args
        default = shared if shared is not None else 2
        batch = over.get('samples_per_gpu', default)
    elif codebase == MMSEG:
        batch = over.get('samples_per_gpu', 1)   # mmseg/apis/train.py::train_segmentor
    else:
        batch = over.get('samples_per_gpu',
                         _split_dataset(data, split).get('samples_per_gpu', 1))
    return (batch, workers)


def dataset(view: View, split: str) -> Any:
    """The ``split`` dataset dict (a list means MMDet's ``ConcatDataset``); ``samples_per_gpu``
    inside ``data.val``/``data.test`` is a loader setting that ``compat_loader_args`` pops.

    >>> dataset({'data': {'val': {'type': 'CocoDataset', 'samples_per_gpu': 2}}}, 'val')
    {'type': 'CocoDataset'}
    """
    data = _data(view)
    if data is None or split not in data:
        return NOT_SET
    value = data[split]
    if isinstance(value, list):
        return {'type': 'ConcatDataset', 'datasets': value}
    if isinstance(value, dict) and 'samples_per_gpu' in value and split != 'train':
        value = {k: v for k, v in value.items() if k != 'samples_per_gpu'}
    return value


def model(view: View) -> Any:
    """The model dict with a top-level ``train_cfg``/``test_cfg`` moved in where the codebase
    read it: MMDet 2.x ``build_detector(cfg.model, train_cfg=cfg.get('train_cfg'), test_cfg=
    ...)`` (and MMSeg/MMAction2/MMDet3D's builders) passed them as default arguments; MMCls 0.x
    ``build_classifier(cfg.model)`` and MMSelfSup 0.x ``build_algorithm(cfg.model)`` never read
    them. The codebase is decided as rule MIG011 decides it (``rules._codebase.codebase_of``),
    so both agree; an unknown one reads the MMDet way. ``None`` entries are dropped.

    >>> model({'model': {'type': 'FasterRCNN'}, 'test_cfg': {'rcnn': 1}})
    {'type': 'FasterRCNN', 'test_cfg': {'rcnn': 1}}
    >>> model({'model': {'type': 'ImageClassifier'}, 'train_cfg': {'mixup': {}}})
    {'type': 'ImageClassifier'}
    """
    value = view.get('model', NOT_SET)
    if not isinstance(value, dict):
        return value
    out = dict(value)
    codebase, _ = codebase_of(view)
    if CODEBASE_READS_TOP_LEVEL_MODEL_CFG.get(codebase, True):
        for key in ('train_cfg', 'test_cfg'):
            outer = view.get(key)
            if out.get(key) is None and outer is not None and not _is_loop(outer):
                out[key] = outer
    return {k: v for k, v in out.items() if not (k in ('train_cfg', 'test_cfg') and v is None)}


def _is_loop(value: Any) -> bool:
    """A new-style loop config (a file converted already), not a model's train/test_cfg.

    >>> _is_loop({'type': 'EpochBasedTrainLoop', 'max_epochs': 1}), _is_loop({'rpn': {}})
    (True, False)
    """
    if not isinstance(value, dict) or not value:
        return True
    loop_type = value.get('type')
    return (isinstance(loop_type, str) and loop_type.endswith('Loop')) \
        or bool({'max_epochs', 'max_iters', 'val_interval', 'by_epoch'} & set(value))


def _optimizer(view: View) -> Any:
    return view.get('optimizer', NOT_SET)


def optimizer(view: View) -> Any:
    """The optimizer's own arguments (``build_optimizer`` pops ``constructor`` and
    ``paramwise_cfg``; MMDet 1.x's ``paramwise_options`` is that setting's old name).

    >>> optimizer({'optimizer': {'type': 'SGD', 'lr': 0.1, 'paramwise_cfg': {}}})
    {'type': 'SGD', 'lr': 0.1}
    """
    value = _optimizer(view)
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items()
            if k not in ('constructor', 'paramwise_cfg', 'paramwise_options')}


def paramwise(view: View) -> Any:
    """``optimizer.paramwise_cfg`` (or the old ``paramwise_options``) and the constructor.

    The MMSelfSup 0.x regex form of ``paramwise_options`` (``{regex: options}``, every regex
    that ``re.search``-es a name applies) reads as the ``custom_keys`` that give every
    parameter the same group, where such keys exist: the proof the converter uses
    (``rules._paramwise_options.to_custom_keys``); otherwise as written (no MMEngine form).

    >>> paramwise({'optimizer': {'type': 'SGD', 'paramwise_options': {'norm_decay_mult': 0}}})
    ({'norm_decay_mult': 0}, 'DefaultOptimizerConstructor')
    >>> paramwise({'optimizer': {'type': 'SGD', 'lr': 0.1,
    ...                          'paramwise_options': {'(a|b)\\\\.w': {'lr_mult': 2.}}}})[0]
    {'custom_keys': {'a.w': {'lr_mult': 2.0}, 'b.w': {'lr_mult': 2.0}}}
    """
    value = _optimizer(view)
    if not isinstance(value, dict):
        return NOT_SET
    constructor = value.get('constructor', 'DefaultOptimizerConstructor')
    if 'paramwise_cfg' in value or 'paramwise_options' not in value:
        return (value.get('paramwise_cfg'), constructor)
    return (_paramwise_options(value['paramwise_options'], value), constructor)


def _paramwise_options(options: Any, optimizer: Dict[str, Any]) -> Any:
    """MMDet 1.x multipliers as they are; the regex form as its exact ``custom_keys``."""
    if not isinstance(options, dict) or is_paramwise_cfg_form(options):
        return options
    try:
        return {'custom_keys': to_custom_keys(options, optimizer)}
    except NotExact:
        return options   # no custom_keys mean the same (the converter keeps it aside)


def _optimizer_hook(view: View) -> Tuple[Optional[str], Dict[str, Any]]:
    cfg = view.get('optimizer_config')
    if not isinstance(cfg, dict):
        return None, {}
    return cfg.get('type', 'OptimizerHook'), cfg


def grad_clip(view: View) -> Any:
    """``optimizer_config.grad_clip`` (norm clipping in every MMCV optimizer hook).

    >>> grad_clip({'optimizer_config': {'grad_clip': {'max_norm': 35}}})
    {'max_norm': 35}
    """
    if 'optimizer_config' not in view:
        return NOT_SET
    _, cfg = _optimizer_hook(view)
    return cfg.get('grad_clip')


def accumulation(view: View) -> Any:
    """Gradient accumulation: ``GradientCumulative(Fp16)OptimizerHook.cumulative_iters`` or
    the MMSelfSup 0.x ``DistOptimizerHook.update_interval``; 1 otherwise.

    >>> accumulation({'optimizer_config': {'type': 'GradientCumulativeOptimizerHook',
    ...                                    'cumulative_iters': 4}})
    4
    """
    if 'optimizer_config' not in view:
        return NOT_SET
    htype, cfg = _optimizer_hook(view)
    if htype in ('GradientCumulativeOptimizerHook', 'GradientCumulativeFp16OptimizerHook'):
        return cfg.get('cumulative_iters', 1)
    return cfg.get('update_interval', 1)


def amp(view: View) -> Any:
    """``('amp', loss_scale)`` when MMDet built an ``Fp16OptimizerHook`` (``fp16`` set, or an
    fp16 optimizer hook type), else None. Its default scale is 512. (static).

    >>> amp({'fp16': {'loss_scale': 'dynamic'}, 'optimizer_config': {}})
    ('amp', 'dynamic')
    """
    if 'fp16' not in view and 'optimizer_config' not in view:
        return NOT_SET
    htype, cfg = _optimizer_hook(view)
    fp16 = view.get('fp16')
    if fp16 is not None:
        # train_detector: Fp16OptimizerHook(**cfg.optimizer_config, **fp16_cfg, ...)
        scale = fp16.get('loss_scale') if isinstance(fp16, dict) else None
        return ('amp', scale if scale is not None
                else cfg.get('loss_scale', MMCV_FP16_DEFAULT_LOSS_SCALE))
    if OPTIMIZER_HOOKS.get(htype) == 'AmpOptimWrapper' or cfg.get('use_fp16'):
        return ('amp', cfg.get('loss_scale', MMCV_FP16_DEFAULT_LOSS_SCALE))
    return None


def checkpoint(view: View) -> Any:
    """``CheckpointHook`` settings (MMCV defaults filled in; ``by_epoch`` defaults to False
    under an IterBasedRunner, ``register_training_hooks``), or None for no periodic saving.

    >>> checkpoint({'checkpoint_config': {'interval': 2}})['interval']
    2
    """
    if 'checkpoint_config' not in view:
        return NOT_SET
    cfg = view.get('checkpoint_config')
    if cfg is None:
        return None
    if not isinstance(cfg, dict):
        return ('unknown', cfg)
    by_epoch = cfg.get('by_epoch', loop(view) is NOT_SET or loop(view)[0] != 'iter')
    settings = dict(interval=cfg.get('interval', -1), by_epoch=by_epoch,
                    save_optimizer=cfg.get('save_optimizer', True), out_dir=cfg.get('out_dir'),
                    max_keep_ckpts=cfg.get('max_keep_ckpts', -1),
                    save_last=cfg.get('save_last', True))
    return _periodic(settings)


def _periodic(settings: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """A hook that saves nothing periodically (interval <= 0, no last one) is no hook."""
    interval = settings['interval']
    if isinstance(interval, int) and interval <= 0 and settings['save_last'] is False:
        return None
    return settings


def save_best(view: View) -> Any:
    """``evaluation.save_best``/``rule`` (EvalHook kept the best checkpoint).

    >>> save_best({'evaluation': {'save_best': 'auto'}})
    ('auto', None)
    """
    evaluation = view.get('evaluation')
    if not isinstance(evaluation, dict):
        return NOT_SET
    best = evaluation.get('save_best')
    return None if best is None else (best, evaluation.get('rule'))


def logger_interval(view: View) -> Any:
    """``log_config.interval`` (injected into every logger hook); None: no logging at all.

    >>> logger_interval({'log_config': {'interval': 50, 'hooks': []}})
    50
    """
    if 'log_config' not in view:
        return NOT_SET
    cfg = view.get('log_config')
    if not isinstance(cfg, dict):
        return None if cfg is None else ('unknown', cfg)
    hooks = [h for h in cfg.get('hooks') or [] if isinstance(h, dict)]
    text = [h for h in hooks if h.get('type') == 'TextLoggerHook']
    return (text[0] if text else {}).get('interval', cfg.get('interval'))


def log_backends(view: View) -> Any:
    """The sorted visualizer back ends the logger hooks become (the text log always has
    ``LocalVisBackend``'s scalars beside it); None without logging.

    >>> log_backends({'log_config': {'interval': 5, 'hooks': [
    ...     {'type': 'TensorboardLoggerHook'}]}})
    ['LocalVisBackend', 'TensorboardVisBackend']
    """
    if 'log_config' not in view:
        return NOT_SET
    cfg = view.get('log_config')
    if not isinstance(cfg, dict):
        return None
    types = {'LocalVisBackend'}
    for hook in cfg.get('hooks') or []:
        htype = hook.get('type') if isinstance(hook, dict) else None
        types.add(LOGGER_HOOK_TO_BACKEND.get(htype, htype) or f'<no backend: {htype}>')
    return sorted(types, key=str)


def eval_metric(view: View) -> Any:
    """The metric options: ``evaluation`` minus EvalHook's own arguments (what MMCV passed to
    ``dataset.evaluate(**eval_kwargs)``).

    >>> eval_metric({'evaluation': {'interval': 1, 'metric': 'bbox'}})
    {'metric': 'bbox'}
    """
    evaluation = view.get('evaluation')
    if not isinstance(evaluation, dict):
        return NOT_SET
    options = {k: v for k, v in evaluation.items()
               if k not in EVAL_HOOK_ARGS and k not in MMCV_ONLY_EVAL_KWARGS}
    codebase = guess_codebase(view)
    if codebase == MMCLS:
        # mmcls/datasets/base_dataset.py::evaluate(metric='accuracy', metric_options=None)
        # (topk (1, 5) unless given)
        if options.get('metric', 'accuracy') in ('accuracy', ['accuracy']):
            options.pop('metric', None)
        topk = (options.get('metric_options') or {}).get('topk', (1, 5))
        options['metric_options'] = {**(options.get('metric_options') or {}), 'topk': topk}
    elif codebase == MMSEG:
        # mmseg/datasets/custom.py::evaluate(metric='mIoU'): a name or a list of names
        metric = options.get('metric', 'mIoU')
        options['metric'] = metric if isinstance(metric, list) else [metric]
    return options


def resume(view: View) -> Any:
    """``(mode, checkpoint)``: MMDet 2.x resumes ``resume_from``, else with ``auto_resume``
    the latest checkpoint of the work dir, else loads ``load_from`` weights.

    >>> resume({'resume_from': 'a.pth', 'load_from': 'b.pth'})
    ('resume', 'a.pth')
    """
    keys = ('resume_from', 'load_from', 'auto_resume')
    if not any(k in view for k in keys):
        return NOT_SET
    if view.get('resume_from'):
        return ('resume', view['resume_from'])
    if view.get('auto_resume'):
        return ('resume-latest', view.get('load_from'))
    if view.get('load_from'):
        return ('load', view['load_from'])
    return None
