"""compat.runner exports what this part of mmcv.runner exported, each the module's own object."""
import compat.runner as runner
from compat.checkpoint import checkpoint, checkpoint_loader
from compat.runner import (base_module, base_runner, builder, dist_utils, epoch_based_runner,
                           fp16_utils, iter_based_runner, log_buffer, optimizer, priority, utils)
from compat.runner.hooks import hook

OWNERS = {
    checkpoint: ('get_state_dict', 'load_checkpoint', 'load_state_dict', 'save_checkpoint',
                 'weights_to_cpu'),
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
}


def test_every_name_is_exported_once_and_is_its_modules_own():
    names = [name for owned in OWNERS.values() for name in owned]
    assert sorted(runner.__all__) == sorted(names)
    for module, owned in OWNERS.items():
        for name in owned:
            assert getattr(runner, name) is getattr(module, name), name
