"""Hooks: the base class, priorities, and one module per hook (each registers itself)."""
from engine.hooks.checkpoint_hook import CheckpointHook
from engine.hooks.ema_hook import EMAHook
from engine.hooks.empty_cache_hook import EmptyCacheHook
from engine.hooks.hook import Hook, check_hook_signatures
from engine.hooks.iter_timer_hook import IterTimerHook
from engine.hooks.logger_hook import LoggerHook
from engine.hooks.param_scheduler_hook import ParamSchedulerHook
from engine.hooks.priority import Priority, get_priority
from engine.hooks.profiler_hook import ProfilerHook
from engine.hooks.runtime_info_hook import RuntimeInfoHook
from engine.hooks.sampler_seed_hook import DistSamplerSeedHook
from engine.hooks.sync_buffers_hook import SyncBuffersHook

__all__ = ['CheckpointHook', 'DistSamplerSeedHook', 'EMAHook', 'EmptyCacheHook', 'Hook',
           'IterTimerHook', 'LoggerHook', 'ParamSchedulerHook', 'Priority', 'ProfilerHook',
           'RuntimeInfoHook', 'SyncBuffersHook', 'check_hook_signatures', 'get_priority']
