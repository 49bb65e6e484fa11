"""compat.runner exports mmcv.runner's names (MMCV 1.7.2's ``__all__``), each the defining
module's own object, and compat.runner.hooks those of mmcv.runner.hooks; every hook MMCV
registers in ``HOOKS`` is registered under the same name."""
import compat.runner as runner
import compat.runner.hooks as hooks_package
from compat.alias.layout import RENAMED
from compat.checkpoint import checkpoint, checkpoint_loader
from compat.runner import (base_module, base_runner, builder, dist_utils, epoch_based_runner,
                           fp16_utils, iter_based_runner, log_buffer, optimizer, priority, utils)
from compat.runner.hooks import (checkpoint as checkpoint_hook, closure, ema, evaluation, hook,
                                 iter_timer, lr_updater, memory, momentum_updater,
                                 optimizer as optimizer_hooks, profiler, sampler_seed,
                                 sync_buffer)
from compat.runner.hooks.logger import (base as logger_base, clearml, dvclive, mlflow, neptune,
                                        pavi, segmind, tensorboard, text, wandb)

# recorded from MMCV 1.7.2: sorted(mmcv.runner.__all__)
MMCV_RUNNER_ALL = [
    'BaseModule', 'BaseRunner', 'CheckpointHook', 'CheckpointLoader', 'ClearMLLoggerHook',
    'ClosureHook', 'CosineAnnealingLrUpdaterHook', 'CosineAnnealingMomentumUpdaterHook',
    'CosineRestartLrUpdaterHook', 'CyclicLrUpdaterHook', 'CyclicMomentumUpdaterHook',
    'DefaultOptimizerConstructor', 'DefaultRunnerConstructor', 'DistEvalHook',
    'DistSamplerSeedHook', 'DvcliveLoggerHook', 'EMAHook', 'EpochBasedRunner', 'EvalHook',
    'ExpLrUpdaterHook', 'FixedLrUpdaterHook', 'FlatCosineAnnealingLrUpdaterHook',
    'Fp16OptimizerHook', 'GradientCumulativeFp16OptimizerHook',
    'GradientCumulativeOptimizerHook', 'HOOKS', 'Hook', 'InvLrUpdaterHook', 'IterBasedRunner',
    'IterLoader', 'IterTimerHook', 'LinearAnnealingLrUpdaterHook',
    'LinearAnnealingMomentumUpdaterHook', 'LogBuffer', 'LoggerHook', 'LossScaler',
    'LrUpdaterHook', 'MlflowLoggerHook', 'ModuleDict', 'ModuleList', 'MomentumUpdaterHook',
    'NeptuneLoggerHook', 'OPTIMIZERS', 'OPTIMIZER_BUILDERS', 'OneCycleLrUpdaterHook',
    'OneCycleMomentumUpdaterHook', 'OptimizerHook', 'PaviLoggerHook', 'PolyLrUpdaterHook',
    'Priority', 'RUNNERS', 'Runner', 'SegmindLoggerHook', 'Sequential', 'StepLrUpdaterHook',
    'StepMomentumUpdaterHook', 'SyncBuffersHook', 'TensorboardLoggerHook', 'TextLoggerHook',
    'WandbLoggerHook', '_load_checkpoint', '_load_checkpoint_with_prefix', 'allreduce_grads',
    'allreduce_params', 'auto_fp16', 'build_optimizer', 'build_optimizer_constructor',
    'build_runner', 'force_fp32', 'get_dist_info', 'get_host_info', 'get_priority',
    'get_time_str', 'init_dist', 'load_checkpoint', 'load_state_dict', 'master_only',
    'obj_from_dict', 'save_checkpoint', 'set_random_seed', 'weights_to_cpu', 'wrap_fp16_model',
]
# compat.runner exports these too (MMCV has them in mmcv.runner's modules, not its __all__)
COMPAT_RUNNER_EXTRA = ['get_state_dict', 'RUNNER_BUILDERS']

# recorded from MMCV 1.7.2: public names of mmcv.runner that are not in its __all__, and why
# compat.runner has no attribute of that name
DELIBERATELY_ABSENT = {
    'ipu': 'mmcv.device.ipu (Graphcore IPU runners and hooks): no IPU support in compat; '
           'MMCV registers its IPU runners only where poptorch is installed',
    'checkpoint': "a module: compat's is compat.checkpoint.checkpoint, which "
                  'install_mmcv_alias() maps mmcv.runner.checkpoint to',
    'default_constructor': "a module: DefaultRunnerConstructor lives in compat.runner.builder, "
                           'which install_mmcv_alias() maps mmcv.runner.default_constructor to',
}

# recorded from MMCV 1.7.2: sorted(mmcv.runner.hooks.__all__)
MMCV_HOOKS_ALL = sorted(set(MMCV_RUNNER_ALL) - {
    'BaseModule', 'BaseRunner', 'CheckpointLoader', 'DefaultOptimizerConstructor',
    'DefaultRunnerConstructor', 'EpochBasedRunner', 'IterBasedRunner', 'IterLoader',
    'LogBuffer', 'LossScaler', 'ModuleDict', 'ModuleList', 'OPTIMIZERS', 'OPTIMIZER_BUILDERS',
    'Priority', 'RUNNERS', 'Runner', 'Sequential', '_load_checkpoint',
    '_load_checkpoint_with_prefix', 'allreduce_grads', 'allreduce_params', 'auto_fp16',
    'build_optimizer', 'build_optimizer_constructor', 'build_runner', 'force_fp32',
    'get_dist_info', 'get_host_info', 'get_priority', 'get_time_str', 'init_dist',
    'load_checkpoint', 'load_state_dict', 'master_only', 'obj_from_dict', 'save_checkpoint',
    'set_random_seed', 'weights_to_cpu', 'wrap_fp16_model'} | {'EmptyCacheHook', 'ProfilerHook'})

# recorded from MMCV 1.7.2: sorted(mmcv.runner.HOOKS.module_dict) (EvalHook and DistEvalHook
# are not registered there; compat registers them too)
MMCV_REGISTERED_HOOKS = sorted(set(MMCV_HOOKS_ALL) - {
    'HOOKS', 'Hook', 'LoggerHook', 'LrUpdaterHook', 'MomentumUpdaterHook', 'EvalHook',
    'DistEvalHook'})

OWNERS = {
    checkpoint: ('get_state_dict', 'load_checkpoint', 'load_state_dict', 'save_checkpoint',
                 'weights_to_cpu', '_load_checkpoint', '_load_checkpoint_with_prefix'),
    checkpoint_loader: ('CheckpointLoader',),
    base_module: ('BaseModule', 'ModuleDict', 'ModuleList', 'Sequential'),
    base_runner: ('BaseRunner',),
    builder: ('RUNNER_BUILDERS', 'RUNNERS', 'DefaultRunnerConstructor', 'build_runner'),
    epoch_based_runner: ('EpochBasedRunner', 'Runner'),
    iter_based_runner: ('IterBasedRunner', 'IterLoader'),
    dist_utils: ('allreduce_grads', 'allreduce_params', 'get_dist_info', 'init_dist',
                 'master_only'),
    fp16_utils: ('LossScaler', 'auto_fp16', 'force_fp32', 'wrap_fp16_model'),
    hook: ('HOOKS', 'Hook'),
    log_buffer: ('LogBuffer',),
    optimizer: ('OPTIMIZERS', 'OPTIMIZER_BUILDERS', 'DefaultOptimizerConstructor',
                'build_optimizer', 'build_optimizer_constructor'),
    priority: ('Priority', 'get_priority'),
    utils: ('get_host_info', 'get_time_str', 'obj_from_dict', 'set_random_seed'),
    checkpoint_hook: ('CheckpointHook',),
    closure: ('ClosureHook',),
    ema: ('EMAHook',),
    evaluation: ('EvalHook', 'DistEvalHook'),
    iter_timer: ('IterTimerHook',),
    memory: ('EmptyCacheHook',),
    profiler: ('ProfilerHook',),
    sampler_seed: ('DistSamplerSeedHook',),
    sync_buffer: ('SyncBuffersHook',),
    optimizer_hooks: ('OptimizerHook', 'Fp16OptimizerHook', 'GradientCumulativeOptimizerHook',
                      'GradientCumulativeFp16OptimizerHook'),
    lr_updater: tuple(name for name in MMCV_HOOKS_ALL if name.endswith('LrUpdaterHook')),
    momentum_updater: tuple(name for name in MMCV_HOOKS_ALL
                            if name.endswith('MomentumUpdaterHook')),
    logger_base: ('LoggerHook',),
    clearml: ('ClearMLLoggerHook',),
    dvclive: ('DvcliveLoggerHook',),
    mlflow: ('MlflowLoggerHook',),
    neptune: ('NeptuneLoggerHook',),
    pavi: ('PaviLoggerHook',),
    segmind: ('SegmindLoggerHook',),
    tensorboard: ('TensorboardLoggerHook',),
    text: ('TextLoggerHook',),
    wandb: ('WandbLoggerHook',),
}


def test_runner_exports_mmcv_all_and_the_extras_once():
    assert sorted(runner.__all__) == sorted(MMCV_RUNNER_ALL + COMPAT_RUNNER_EXTRA)
    assert len(set(runner.__all__)) == len(runner.__all__)


def test_hooks_export_mmcv_hooks_all():
    assert set(MMCV_HOOKS_ALL) <= set(hooks_package.__all__)
    assert len(set(hooks_package.__all__)) == len(hooks_package.__all__)


def test_every_name_is_its_defining_modules_own():
    for module, owned in OWNERS.items():
        for name in owned:
            defined = getattr(module, name)
            if name in runner.__all__:
                assert getattr(runner, name) is defined, name
            if name in MMCV_HOOKS_ALL:
                assert getattr(hooks_package, name) is defined, name
    owned_names = {name for owned in OWNERS.values() for name in owned}
    assert set(runner.__all__) <= owned_names
    assert set(MMCV_HOOKS_ALL) <= owned_names


def test_every_mmcv_registered_hook_is_registered_under_its_name():
    for name in MMCV_REGISTERED_HOOKS:
        assert runner.HOOKS.get(name) is getattr(hooks_package, name), name


def test_deliberately_absent_names_stay_absent_with_their_reason():
    for name in DELIBERATELY_ABSENT:
        assert not hasattr(runner, name), name
    assert RENAMED['mmcv.runner.checkpoint'] == checkpoint.__name__
    assert RENAMED['mmcv.runner.default_constructor'] == builder.__name__
