"""The runner, its loops and the config -> runner builder."""
from engine.runner.loops import (EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop,
                                 calc_dynamic_intervals)
from engine.runner.runner import Runner, build_runner, find_latest_checkpoint

__all__ = ['EpochBasedTrainLoop', 'IterBasedTrainLoop', 'Runner', 'TestLoop', 'ValLoop',
           'build_runner', 'calc_dynamic_intervals', 'find_latest_checkpoint']
