"""``mmcv.runner``'s training API under MMCV's own names, on the engine."""
from compat.runner.hooks import HOOKS, Hook
from compat.runner.log_buffer import LogBuffer
from compat.runner.priority import Priority, get_priority

__all__ = ['HOOKS', 'Hook', 'LogBuffer', 'Priority', 'get_priority']
