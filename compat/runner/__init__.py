"""``mmcv.runner``'s training API under MMCV's own names, on the engine."""
from compat.runner.checkpoint import (get_state_dict, load_checkpoint, load_state_dict,
                                      save_checkpoint, weights_to_cpu)
from compat.runner.checkpoint_loader import CheckpointLoader
from compat.runner.hooks import HOOKS, Hook
from compat.runner.log_buffer import LogBuffer
from compat.runner.priority import Priority, get_priority

__all__ = ['CheckpointLoader', 'HOOKS', 'Hook', 'LogBuffer', 'Priority', 'get_priority',
           'get_state_dict', 'load_checkpoint', 'load_state_dict', 'save_checkpoint',
           'weights_to_cpu']
