"""The MMCV 1.x -> MMEngine key map, as data (read by the converter's rules).

The lists of legacy and new top-level runtime keys live in :mod:`engine.runtime_keys`, the
one module every layer can import; this module re-exports the two the converter reads and
adds what the converter alone needs. Sources: ``shared/reference/mmcv1-to-mmengine-keys.md``
(A.x = legacy semantics, B.x = new keys, C.5 = the consolidated map).
"""
from __future__ import annotations

from typing import Dict, Tuple

from engine.runtime_keys import LEGACY_RUNTIME_KEYS, NEW_RUNTIME_KEYS  # noqa: F401

#: What each of ``LEGACY_RUNTIME_KEYS`` becomes (C.5); tests hold its keys to that list.
LEGACY_KEY_MAP: Dict[str, str] = {
    'optimizer': 'optim_wrapper.optimizer (+ paramwise_cfg, constructor)',
    'optimizer_config': 'optim_wrapper (clip_grad, accumulative_counts, AmpOptimWrapper)',
    'fp16': "optim_wrapper.type='AmpOptimWrapper', loss_scale",
    'lr_config': 'param_scheduler (LR schedulers)',
    'momentum_config': 'param_scheduler (momentum schedulers)',
    'runner': 'train_cfg (loop type, max_epochs/max_iters)',
    'total_epochs': 'train_cfg.max_epochs',
    'workflow': '- (val phases have no equivalent)',
    'evaluation': 'val_cfg/test_cfg, val_evaluator/test_evaluator, train_cfg.val_interval, '
                  'default_hooks.checkpoint.save_best',
    'checkpoint_config': 'default_hooks.checkpoint',
    'log_config': 'default_hooks.logger, log_processor, visualizer.vis_backends',
    'resume_from': 'load_from + resume=True',
    'auto_resume': 'resume=True',
    'dist_params': 'env_cfg.dist_cfg',
    'mp_start_method': 'env_cfg.mp_cfg.mp_start_method',
    'opencv_num_threads': 'env_cfg.mp_cfg.opencv_num_threads',
    'cudnn_benchmark': 'env_cfg.cudnn_benchmark',
    'seed': 'randomness.seed',
    'deterministic': 'randomness.deterministic',
    'diff_seed': 'randomness.diff_rank_seed',
    'gpu_ids': '- (dropped: the launcher decides)',
    'device': '- (dropped)',
    'data': 'train_dataloader/val_dataloader/test_dataloader',
}

#: runner.type -> (train loop type, the length key).
RUNNER_TO_LOOP: Dict[str, Tuple[str, str]] = {
    'EpochBasedRunner': ('EpochBasedTrainLoop', 'max_epochs'),
    'IterBasedRunner': ('IterBasedTrainLoop', 'max_iters'),
}


def loop_name(runner: str) -> str:
    """The registration name of the train loop a project's own runner class is ported to
    (HK010) and its config selects (MIG010): the last ``Runner`` of the name becomes
    ``TrainLoop`` (``NanSkipEpochBasedRunner`` -> ``NanSkipEpochBasedTrainLoop``), or
    ``TrainLoop`` is appended when there is none.

    >>> loop_name('NanSkipEpochBasedRunner')
    'NanSkipEpochBasedTrainLoop'
    """
    at = runner.rfind('Runner')
    if at < 0:
        return runner + 'TrainLoop'
    return runner[:at] + 'TrainLoop' + runner[at + len('Runner'):]

#: Optimizer hook types (A.6) -> what they become.
OPTIMIZER_HOOKS = {
    'OptimizerHook': 'OptimWrapper',
    'GradientCumulativeOptimizerHook': 'OptimWrapper',
    'Fp16OptimizerHook': 'AmpOptimWrapper',
    'GradientCumulativeFp16OptimizerHook': 'AmpOptimWrapper',
    'DistOptimizerHook': 'OptimWrapper',  # mmselfsup 0.x / OpenSelfSup
}
#: Optimizer-hook arguments with no role any more (A.6: unused on torch >= 1.6).
OPTIMIZER_HOOK_OBSOLETE_ARGS = ('coalesce', 'bucket_size_mb', 'distributed')
#: Fp16OptimizerHook's default loss scale (MMEngine's AmpOptimWrapper defaults to 'dynamic').
MMCV_FP16_DEFAULT_LOSS_SCALE = 512.

#: CheckpointHook arguments kept under the same name (A.8 -> B.4).
CHECKPOINT_SAME_ARGS = ('interval', 'by_epoch', 'save_optimizer', 'out_dir', 'max_keep_ckpts',
                        'save_last', 'file_client_args', 'filename_tmpl', 'save_param_scheduler',
                        'published_keys', 'save_begin', 'backend_args')

#: EvalHook arguments with a runtime meaning (A.10); the rest are metric arguments.
EVAL_HOOK_ARGS = ('interval', 'start', 'by_epoch', 'save_best', 'rule', 'greater_keys',
                  'less_keys', 'out_dir', 'file_client_args', 'gpu_collect', 'tmpdir',
                  'broadcast_bn_buffer', 'dynamic_intervals', 'test_fn')
SAVE_BEST_ARGS = ('save_best', 'rule', 'greater_keys', 'less_keys')
#: Evaluation kwargs that only steered MMCV-era dataset.evaluate (mmseg 0.x).
MMCV_ONLY_EVAL_KWARGS = ('pre_eval', 'efficient_test')

#: Dataset type -> (metric type, how eval kwargs map), for the evaluator rule. Only datasets
#: whose metric is unambiguous are listed; others get a comment asking for the metric type.
DATASET_TO_METRIC: Dict[str, str] = {
    'CocoDataset': 'CocoMetric',
    'LVISV1Dataset': 'LVISMetric',
    'LVISV05Dataset': 'LVISMetric',
    'VOCDataset': 'VOCMetric',
    'CityscapesDataset': 'IoUMetric',
    'ADE20KDataset': 'IoUMetric',
    'PascalVOCDataset': 'IoUMetric',
    'PascalContextDataset': 'IoUMetric',
    'ImageNet': 'Accuracy',
    'CIFAR10': 'Accuracy',
    'CIFAR100': 'Accuracy',
}

#: log_config.hooks[i].type -> visualizer back end (A.9 -> B.5). None: no equivalent.
LOGGER_HOOK_TO_BACKEND: Dict[str, str] = {
    'TextLoggerHook': 'LocalVisBackend',
    'TensorboardLoggerHook': 'TensorboardVisBackend',
    'WandbLoggerHook': 'WandbVisBackend',
    'MMDetWandbHook': 'WandbVisBackend',
    'MlflowLoggerHook': 'MLflowVisBackend',
    'NeptuneLoggerHook': 'NeptuneVisBackend',
    'DvcliveLoggerHook': 'DVCLiveVisBackend',
    'ClearMLLoggerHook': 'ClearMLVisBackend',
    'PaviLoggerHook': None,
    'SegmindLoggerHook': None,
}
#: Arguments every legacy logger hook takes (LoggerHook base, A.9).
LOGGER_BASE_ARGS = ('interval', 'ignore_last', 'reset_flag', 'by_epoch')
#: TextLoggerHook arguments that LoggerHook keeps under the same name.
TEXT_LOGGER_SAME_ARGS = ('interval_exp_name', 'out_dir', 'out_suffix', 'keep_local',
                         'file_client_args', 'ignore_last')
#: Per logger hook: legacy argument -> back-end argument of the same meaning (A.9 -> B.5).
#: Arguments not listed here nor in LOGGER_BASE_ARGS are reported by the back-end rule.
BACKEND_ARGS: Dict[str, Dict[str, str]] = {
    'TensorboardLoggerHook': {'log_dir': 'save_dir'},
    'WandbLoggerHook': {'init_kwargs': 'init_kwargs', 'commit': 'commit',
                        'define_metric_cfg': 'define_metric_cfg'},
    'MMDetWandbHook': {'init_kwargs': 'init_kwargs', 'commit': 'commit',
                       'define_metric_cfg': 'define_metric_cfg'},
    'MlflowLoggerHook': {'exp_name': 'exp_name', 'tags': 'tags', 'params': 'params'},
    'NeptuneLoggerHook': {'init_kwargs': 'init_kwargs'},
    'ClearMLLoggerHook': {'init_kwargs': 'init_kwargs'},
    'DvcliveLoggerHook': {},   # its **kwargs went to dvclive.Live: init_kwargs
}
#: reset_flag defaults that are not LoggerHook's False.
LOGGER_RESET_FLAG_DEFAULTS: Dict[str, bool] = {'NeptuneLoggerHook': True}

#: Custom hooks whose MMCV form a rule rewrites -> the arguments only MMEngine's form takes
#: (an entry with one of them is MMEngine's and left alone; B.4).
NEW_FORM_ONLY_ARGS: Dict[str, Tuple[str, ...]] = {
    'EMAHook': ('ema_type', 'strict_load', 'begin_iter', 'begin_epoch', 'update_buffers',
                'gamma', 'device'),
    'ProfilerHook': ('profile_times', 'activity_with_cpu', 'activity_with_cuda'),
}
#: MMCV 1.7.2 EMAHook arguments and defaults (A.11).
MMCV_EMA_DEFAULTS = dict(momentum=0.0002, interval=1, warm_up=100, resume_from=None)
#: MMCV 1.7.2 ProfilerHook arguments and defaults (A.11); every one but profile_iters and
#: activities has the same name and meaning in MMEngine's ProfilerHook (B.4).
MMCV_PROFILER_DEFAULTS = dict(by_epoch=True, profile_iters=1, activities=['cpu', 'cuda'],
                              schedule=None, on_trace_ready=None, record_shapes=False,
                              profile_memory=False, with_stack=False, with_flops=False,
                              json_trace_path=None)
#: Hooks without an MMEngine counterpart.
CUSTOM_HOOKS_WITHOUT_EQUIVALENT = ('ClosureHook',)


def is_legacy_form(hook: object, htype: str) -> bool:
    """Is ``hook`` MMCV's form of ``htype`` (so a rule rewrites it)? An entry with an argument
    only MMEngine's form has is MMEngine's; one with neither kind is MMCV's, as the file's
    other legacy keys say."""
    if not isinstance(hook, dict) or hook.get('type') != htype:
        return False
    return not any(arg in hook for arg in NEW_FORM_ONLY_ARGS[htype])


def is_legacy_custom_hook(hook: object) -> bool:
    """Does an entry of ``custom_hooks`` need one of the custom-hook rules?"""
    return (isinstance(hook, dict) and hook.get('type') in CUSTOM_HOOKS_WITHOUT_EQUIVALENT) \
        or any(is_legacy_form(hook, htype) for htype in NEW_FORM_ONLY_ARGS)


#: Hook priorities that changed between MMCV 1.x and MMEngine (A.3 vs B.4), for the report.
PRIORITY_CHANGES = {
    'IterTimerHook': ('LOW', 'NORMAL'),
    'CheckpointHook': ('NORMAL', 'VERY_LOW'),
    'LoggerHook': ('VERY_LOW', 'BELOW_NORMAL'),
    'LrUpdaterHook': ('VERY_HIGH (before_train_iter)', 'LOW (ParamSchedulerHook, after_train_iter)'),
}

#: Codebases that handed a top-level ``train_cfg``/``test_cfg`` to the model builder as default
#: arguments (``setdefault``: an explicit ``model.train_cfg`` wins, and both set non-None
#: fails their assertion): MMDet 2.x ``tools/train.py`` ``build_detector(cfg.model,
#: train_cfg=cfg.get('train_cfg'), test_cfg=cfg.get('test_cfg'))``, MMSeg 0.x
#: ``build_segmentor``, MMAction2 0.x ``build_model`` (recognizers), MMDet3D 0.x
#: ``build_model``. MMCls 0.x (``build_classifier(cfg.model)``) and MMSelfSup 0.x
#: (``build_algorithm(cfg.model)``) never read them.
CODEBASE_READS_TOP_LEVEL_MODEL_CFG: Dict[str, bool] = {
    'mmdet': True, 'mmseg': True, 'mmaction2': True, 'mmdet3d': True,
    'mmcls': False, 'mmselfsup': False,
}

#: model.type -> codebase, for the model types each codebase registered (the evidence the
#: model-cfg rule decides on; an unknown type is reported, not guessed).
MODEL_TYPE_CODEBASE: Dict[str, str] = {
    **{t: 'mmdet' for t in (
        'FasterRCNN', 'MaskRCNN', 'CascadeRCNN', 'FastRCNN', 'RPN', 'RetinaNet', 'FCOS',
        'FSAF', 'ATSS', 'FOVEA', 'GFL', 'PAA', 'VFNet', 'NASFCOS', 'AutoAssign', 'CenterNet',
        'CornerNet', 'YOLOV3', 'YOLOF', 'YOLOX', 'SingleStageDetector', 'TwoStageDetector',
        'RepPointsDetector', 'GridRCNN', 'HybridTaskCascade', 'MaskScoringRCNN', 'PointRend',
        'SCNet', 'SparseRCNN', 'QueryInst', 'TridentFasterRCNN', 'DETR', 'DeformableDETR',
        'SOLO', 'SOLOv2', 'TOOD', 'DDOD', 'LAD', 'MaskFormer', 'Mask2Former',
        'KnowledgeDistillationSingleStageDetector')},
    **{t: 'mmseg' for t in ('EncoderDecoder', 'CascadeEncoderDecoder')},
    # MMAction2 0.x build_model passes them to recognizers only (localizers are built
    # without them), so BMN/BSN are left out: reported, not guessed.
    **{t: 'mmaction2' for t in ('Recognizer2D', 'Recognizer3D', 'AudioRecognizer')},
    **{t: 'mmdet3d' for t in (
        'VoxelNet', 'DynamicVoxelNet', 'MVXFasterRCNN', 'MVXTwoStageDetector',
        'DynamicMVXFasterRCNN', 'PartA2', 'VoteNet', 'H3DNet', 'ImVoteNet', 'CenterPoint',
        'SSD3DNet', 'GroupFree3DNet', 'FCOSMono3D', 'ImVoxelNet', 'PointRCNN',
        'SMOKEMono3D')},
    'ImageClassifier': 'mmcls',
    **{t: 'mmselfsup' for t in (
        'MoCo', 'MoCoV3', 'SimCLR', 'BYOL', 'SimSiam', 'SwAV', 'DenseCL', 'NPID', 'ODC',
        'DeepCluster', 'RelativeLoc', 'RotationPred', 'MAE', 'SimMIM', 'BarlowTwins', 'CAE',
        'MaskFeat', 'InterCLRMoCo', 'Classification')},
}

#: Dataset type -> codebase: the fallback evidence when the model type is not known.
DATASET_TYPE_CODEBASE: Dict[str, str] = {
    **{t: 'mmdet' for t in ('CocoDataset', 'VOCDataset', 'LVISV1Dataset', 'LVISV05Dataset',
                            'WIDERFaceDataset', 'DeepFashionDataset',
                            'OpenImagesDataset', 'CocoPanopticDataset')},
    **{t: 'mmaction2' for t in ('RawframeDataset', 'VideoDataset', 'RawVideoDataset',
                                'AudioDataset', 'PoseDataset')},
    **{t: 'mmcls' for t in ('ImageNet', 'CIFAR10', 'CIFAR100', 'MNIST', 'FashionMNIST',
                            'ImageNet21k', 'CUB', 'StanfordCars')},
    # MMSelfSup 0.x datasets (dataset-only _base_ files have no model to go by)
    **{t: 'mmselfsup' for t in ('MultiViewDataset', 'SingleViewDataset', 'RelativeLocDataset',
                                'RotationPredDataset', 'DeepClusterDataset')},
    # CityscapesDataset is left out: MMDet and MMSeg both registered one
    **{t: 'mmseg' for t in ('ADE20KDataset', 'PascalVOCDataset', 'PascalContextDataset',
                            'PascalContextDataset59', 'COCOStuffDataset')},
}

#: Keys that make a top-level train_cfg/test_cfg MMEngine's loop settings (B.1); anything
#: else there is a model setting of the MMCV 1.x era.
LOOP_CFG_KEYS: Dict[str, Tuple[str, ...]] = {
    'train_cfg': ('type', 'by_epoch', 'max_epochs', 'max_iters', 'val_interval', 'val_begin',
                  'dynamic_intervals'),
    'test_cfg': ('type', 'fp16'),
}


#: an MMCV updater hook's class-name suffix -> the suffix of the scheduler it is ported to
UPDATER_TO_SCHEDULER: Dict[str, Tuple[str, str]] = {
    'lr': ('LrUpdaterHook', 'LR'), 'momentum': ('MomentumUpdaterHook', 'Momentum')}


#: the parameter schedulers MMEngine 0.10.7 registers (the binding golden records them)
MMENGINE_SCHEDULERS = frozenset({
    'ConstantLR', 'ConstantMomentum', 'ConstantParamScheduler', 'CosineAnnealingLR',
    'CosineAnnealingMomentum', 'CosineAnnealingParamScheduler', 'CosineRestartLR',
    'CosineRestartMomentum', 'CosineRestartParamScheduler', 'ExponentialLR',
    'ExponentialMomentum', 'ExponentialParamScheduler', 'LinearLR', 'LinearMomentum',
    'LinearParamScheduler', 'MultiStepLR', 'MultiStepMomentum', 'MultiStepParamScheduler',
    'OneCycleLR', 'OneCycleParamScheduler', 'PolyLR', 'PolyMomentum', 'PolyParamScheduler',
    'ReduceOnPlateauLR', 'ReduceOnPlateauMomentum', 'ReduceOnPlateauParamScheduler', 'StepLR',
    'StepMomentum', 'StepParamScheduler'})
#: the engine's own schedulers besides those (tests hold both lists to the registries)
ENGINE_ONLY_SCHEDULERS = frozenset({
    'ClippedStepLR', 'ClippedStepMomentum', 'ClippedStepParamScheduler', 'CosineCooldownLR',
    'CyclicLR', 'CyclicMomentum', 'CyclicParamScheduler', 'InvLR', 'InvParamScheduler',
    'OneCycleMomentum', 'RelativeCosineAnnealingLR', 'RelativeCosineAnnealingMomentum',
    'RelativeCosineAnnealingParamScheduler', 'RelativeCosineRestartLR',
    'RelativeCosineRestartParamScheduler', 'RelativeFlatCosineAnnealingLR',
    'RelativeFlatCosineAnnealingParamScheduler', 'RelativeLinearAnnealingLR',
    'RelativeLinearAnnealingMomentum', 'RelativeLinearAnnealingParamScheduler',
    'RelativeOneCycleLR', 'RelativePolyLR', 'RelativePolyParamScheduler', 'SiameseRPNLR',
    'StepFixCosineAnnealingLR', 'WarmupLR', 'WarmupMomentum', 'WarmupParamScheduler',
    'YOLOXLR'})


def scheduler_name(hook_name: str, kind: str) -> str:
    """The registration name of the parameter scheduler a project's own updater hook class
    is ported to (HK007) and its config selects (MIG100/MIG101): ``StepDecayLrUpdaterHook`` ->
    ``StepDecayLR``, ``RampMomentumUpdaterHook`` -> ``RampMomentum``; another name gets the
    suffix (``kind`` is 'lr' or 'momentum'). A name MMEngine or the engine registers already
    gets ``Updater`` before the suffix (``PolyLrUpdaterHook`` -> ``PolyUpdaterLR``): the same
    name for both targets, and no clash with the scheduler of that name.

    >>> scheduler_name('StepDecayLrUpdaterHook', 'lr'), scheduler_name('Ramp', 'momentum')
    ('StepDecayLR', 'RampMomentum')
    >>> scheduler_name('PolyLrUpdaterHook', 'lr')
    'PolyUpdaterLR'
    """
    hook_suffix, suffix = UPDATER_TO_SCHEDULER[kind]
    stem = hook_name[:-len(hook_suffix)] if hook_name.endswith(hook_suffix) \
        and hook_name != hook_suffix else hook_name
    if stem + suffix in MMENGINE_SCHEDULERS | ENGINE_ONLY_SCHEDULERS:
        return stem + 'Updater' + suffix
    return stem + suffix


def policy_scheduler_name(policy: str, kind: str) -> str:
    """The scheduler a config's ``policy`` names once its hook is ported: MMCV looks up
    ``<policy>LrUpdaterHook``, the policy title-cased if it is all lower case.

    >>> policy_scheduler_name('StepDecay', 'lr'), policy_scheduler_name('ramp', 'momentum')
    ('StepDecayLR', 'RampMomentum')
    """
    prefix = policy.title() if policy == policy.lower() else policy
    return scheduler_name(prefix + UPDATER_TO_SCHEDULER[kind][0], kind)
