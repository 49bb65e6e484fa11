"""MIG020: ``evaluation`` -> ``val_cfg``/``test_cfg``, ``val_evaluator``/``test_evaluator``,
``train_cfg.val_interval``/``val_begin``/``dynamic_intervals`` and the checkpoint hook's
``save_best``.

``evaluation.type`` was read only by a fork's train flow that built its own eval hook by name
(MMDet 2.x's passed it on to ``EvalHook``, which failed on it): ``EvalHook``/``DistEvalHook`` is
the val loop itself; another name is the custom hook, which ``migrate convert`` on its hooks
module ports (HK009) to a plain hook of the same name taking the ``evaluation`` keywords, so
``custom_hooks`` gets ``dict(type=<name>, **evaluation)``.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from migrate.rules import _custom_hook_list as hook_list
from migrate.rules.base import APPROXIMATION, DROPPED, MANUAL, NOTE, Plan, Rule
from migrate.tables import (DATASET_TO_METRIC, EVAL_HOOK_ARGS, MMCV_ONLY_EVAL_KWARGS,
                            SAVE_BEST_ARGS)


class EvaluationToValCfg(Rule):
    id = 'MIG020'
    name = 'evaluation-to-val-cfg'
    summary = ('evaluation=dict(interval, start, save_best, metric, ...) becomes '
               'train_cfg.val_interval/val_begin, val_cfg, val_evaluator and '
               'default_hooks.checkpoint.save_best')
    legacy_keys = ('evaluation',)
    new_keys = ('train_cfg', 'val_cfg', 'test_cfg', 'val_evaluator', 'test_evaluator',
                'default_hooks', 'custom_hooks')

    def apply(self, plan: Plan) -> None:
        cfg = plan.get('evaluation')
        plan.consume('evaluation')
        if not isinstance(cfg, dict):
            if cfg is not None:
                self.report(plan, MANUAL, 'evaluation', f'{cfg!r} is not a dict')
            return
        hook_type = cfg.pop('type', None)
        interval = cfg.get('interval', 1)
        self._loop(plan, cfg, interval)
        self._save_best(plan, cfg)
        self._evaluator(plan, cfg)
        plan.set(('val_cfg',), dict(type='ValLoop'))
        data = plan.legacy.get('data')
        if isinstance(data, dict) and 'test' in data:
            plan.set(('test_cfg',), dict(type='TestLoop'))
            plan.set(('test_evaluator',), plan.lookup(('val_evaluator',)))
        for key in ('gpu_collect', 'tmpdir'):
            if key in cfg:
                self.report(plan, APPROXIMATION, f'evaluation.{key}',
                            'result collection is set on the metric now '
                            "(collect_device='gpu'|'cpu', collect_dir)", kind='collect')
        if 'broadcast_bn_buffer' in cfg:
            self.report(plan, DROPPED, 'evaluation.broadcast_bn_buffer',
                        'use custom_hooks=[dict(type="SyncBuffersHook")] (all-reduce mean)')
        if 'test_fn' in cfg:
            self.report(plan, DROPPED, 'evaluation.test_fn', 'the ValLoop runs the model')
        if hook_type is not None:
            self._custom_hook(plan, hook_type, cfg)

    def _custom_hook(self, plan: Plan, hook_type: Any, cfg: Dict[str, Any]) -> None:
        if hook_type in ('EvalHook', 'DistEvalHook'):
            self.report(plan, NOTE, 'evaluation.type', f'{hook_type} is the val loop, '
                        'val_evaluator and default_hooks.checkpoint now')
            return
        entry = {'type': hook_type, **cfg}
        if hook_list.legacy_hooks(plan):
            hook_list.take_over(plan).append(entry)
        else:
            plan.set(('custom_hooks',), [entry])
        where = ('the config imports its modules (custom_imports): convert the one defining '
                 'it with migrate convert, which keeps the name'
                 if plan.legacy.get('custom_imports') else
                 'add the converted hooks module to custom_imports')
        self.report(plan, NOTE if plan.legacy.get('custom_imports') else MANUAL,
                    'evaluation.type',
                    f'{hook_type!r} is a custom eval hook: migrate convert ports a hooks module\'s '
                    f'EvalHook subclass (HK009) to a plain hook of the same name taking these '
                    f'evaluation keywords, now in custom_hooks (drop the entry where HK009 '
                    f'removed the class: it did nothing of its own); {where}',
                    path=('custom_hooks',), marked=True)

    def _loop(self, plan: Plan, cfg: Dict[str, Any], interval: int) -> None:
        if 'runner_type' not in plan.facts:
            self.report(plan, NOTE, 'evaluation.interval', 'no runner in this file or its '
                        'bases: val_interval is written by the configs that inherit it')
            return
        plan.set(('train_cfg', 'val_interval'), interval, origin=('evaluation', 'interval'))
        length = plan.facts.get('max_epochs') or plan.facts.get('max_iters')
        if isinstance(length, int) and isinstance(interval, int) and interval > 0 \
                and length % interval:
            self.report(plan, APPROXIMATION, 'evaluation.interval',
                        f'MMEngine also validates after the last '
                        f"{'epoch' if plan.facts.get('by_epoch') else 'iteration'} ({length}); "
                        f'MMCV stopped at the last multiple of {interval}', kind='last-val',
                        # a leaf that only moves max_epochs under an inherited interval
                        # reports it too (the converter keeps findings on keys it writes)
                        path=('train_cfg', 'val_interval'))
        start = cfg.get('start')
        if start is not None:
            plan.set(('train_cfg', 'val_begin'), start, origin=('evaluation', 'start'))
            if isinstance(start, int) and isinstance(interval, int) and interval > 1 \
                    and start % interval:
                self.report(plan, APPROXIMATION, 'evaluation.start',
                            f'MMCV validated at {start}, {start}+{interval}, ...; MMEngine '
                            f'validates at multiples of {interval} from {start}',
                            kind='val-begin')
            self.report(plan, NOTE, 'evaluation.start',
                        'MMCV also evaluated before training when resuming past start; '
                        'MMEngine does not')
        dynamic = cfg.get('dynamic_intervals')
        if dynamic:
            # MMEngine looks the milestone up after the epoch counter moved on: shift by one
            # to keep MMCV's epochs (reference C.5, YOLOX [(285, 1)]).
            plan.set(('train_cfg', 'dynamic_intervals'),
                     [(m + 1, i) for m, i in dynamic])
            self.report(plan, NOTE, 'evaluation.dynamic_intervals',
                        'milestones shifted by +1: MMEngine decides the interval one epoch '
                        'earlier than MMDet 2.x did')

    def _save_best(self, plan: Plan, cfg: Dict[str, Any]) -> None:
        if cfg.get('save_best') is None:
            return
        hook = ('default_hooks', 'checkpoint')
        if plan.legacy.get('checkpoint_config') is None:
            # No checkpoint hook in MMCV, but EvalHook still kept the best one. MMEngine
            # replaces a default hook wholesale, so the entry must be complete.
            plan.set(hook, dict(type='CheckpointHook', interval=-1, save_last=False))
        for key in SAVE_BEST_ARGS:
            if cfg.get(key) is not None:
                plan.set(hook + (key,), cfg[key], origin=('evaluation', key))
        best = cfg['save_best']
        if best != 'auto':
            self.report(plan, APPROXIMATION, 'evaluation.save_best',
                        f'MMEngine metrics may name {best!r} differently (CocoMetric reports '
                        'coco/bbox_mAP, Accuracy accuracy/top1): check it against the '
                        "evaluator's metric names", kind='metric-prefix',
                        path=hook + ('save_best',))
        self.report(plan, NOTE, 'evaluation.save_best',
                    'best checkpoints are saved without optimizer state in MMEngine')
        if cfg.get('out_dir') is not None:
            self.report(plan, DROPPED, 'evaluation.out_dir',
                        "the best checkpoint goes to the checkpoint hook's out_dir")

    def _evaluator(self, plan: Plan, cfg: Dict[str, Any]) -> None:
        kwargs = {k: v for k, v in cfg.items() if k not in EVAL_HOOK_ARGS}
        for key in MMCV_ONLY_EVAL_KWARGS:
            if kwargs.pop(key, None) is not None:
                self.report(plan, NOTE, f'evaluation.{key}', 'dropped: MMEngine metrics always '
                            'evaluate per batch')
        dataset = _val_dataset(plan.legacy.get('data'))
        metric_type = DATASET_TO_METRIC.get(dataset.get('type')) if dataset else None
        evaluator: Dict[str, Any] = {}
        if metric_type is not None:
            evaluator['type'] = metric_type
        if metric_type == 'CocoMetric' or metric_type == 'LVISMetric':
            if 'ann_file' in dataset:
                evaluator['ann_file'] = dataset['ann_file']
                plan.origins[('val_evaluator', 'ann_file')] = ('data', 'val', 'ann_file')
            evaluator.update(kwargs)
        elif metric_type == 'IoUMetric':
            metric = kwargs.pop('metric', 'mIoU')
            evaluator['iou_metrics'] = metric if isinstance(metric, list) else [metric]
            evaluator.update(kwargs)
        elif metric_type == 'Accuracy':
            options = kwargs.pop('metric_options', {}) or {}
            kwargs.pop('metric', None)
            evaluator['topk'] = options.get('topk', (1, 5))
            evaluator.update(kwargs)
        else:
            evaluator.update(kwargs)
        plan.set(('val_evaluator',), evaluator)
        if metric_type is None:
            self.report(plan, MANUAL, 'evaluation.metric',
                        'set val_evaluator.type to the task metric (MMCV called '
                        'dataset.evaluate(**kwargs); MMEngine builds a Metric)',
                        path=('val_evaluator',))
        else:
            self.report(plan, NOTE, 'evaluation.metric',
                        f'{metric_type} chosen from the val dataset type {dataset["type"]}')


def _val_dataset(data: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get('val'), dict):
        return None
    val = data['val']
    while isinstance(val.get('dataset'), dict) and 'ann_file' not in val:
        val = val['dataset']   # wrappers (RepeatDataset, ...) hold the real dataset
    return val
