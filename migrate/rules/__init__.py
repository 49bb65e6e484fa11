"""The converter's rules, one per module, in the order they run.

The order matters only where a rule reads what an earlier one decided: the model-cfg rule moves
a model's top-level train_cfg/test_cfg out of the loop keys first; the runner rule records
the loop kind and length first (schedules, evaluation, checkpoint and logging depend on it);
custom hooks run before the checkpoint rule, which may add a SyncBuffersHook. The logger
rules share ``log_config`` (MIG040 consumes it) and the custom-hook rules share the
``custom_hooks`` list (``_custom_hook_list``), so any selection of them works.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

from migrate.rules.base import Rule
from migrate.rules.checkpoint_config_to_hook import CheckpointConfigToHook
from migrate.rules.custom_hooks import CustomHooks
from migrate.rules.custom_imports_hook_code import CustomImportsHookCode
from migrate.rules.data_to_dataloaders import DataToDataloaders
from migrate.rules.dropped_keys import DroppedKeys
from migrate.rules.legacy_ema_hook import EMAHookRule
from migrate.rules.env_cfg import EnvCfg
from migrate.rules.evaluation_to_val_cfg import EvaluationToValCfg
from migrate.rules.fp16_to_amp import Fp16ToAmpOptimWrapper
from migrate.rules.log_config_to_logger import LogConfigToLogger
from migrate.rules.logger_hooks_to_vis_backends import LoggerHooksToVisBackends
from migrate.rules.model_train_test_cfg import ModelTrainTestCfg
from migrate.rules.lr_config_to_param_scheduler import LrConfigToParamScheduler
from migrate.rules.momentum_config_to_param_scheduler import MomentumConfigToParamScheduler
from migrate.rules.optimizer_config_to_optim_wrapper import OptimizerConfigToOptimWrapper
from migrate.rules.optimizer_to_optim_wrapper import OptimizerToOptimWrapper
from migrate.rules.legacy_profiler_hook import ProfilerHookRule
from migrate.rules.randomness import Randomness
from migrate.rules.resume import Resume
from migrate.rules.runner_to_train_cfg import RunnerToTrainCfg
from migrate.rules.workflow import Workflow

#: Every rule, in running order. Ids are stable: never renumber, never reuse.
RULES: Tuple[Rule, ...] = (
    ModelTrainTestCfg(),
    RunnerToTrainCfg(),
    OptimizerToOptimWrapper(),
    OptimizerConfigToOptimWrapper(),
    Fp16ToAmpOptimWrapper(),
    LrConfigToParamScheduler(),
    MomentumConfigToParamScheduler(),
    EvaluationToValCfg(),
    CustomHooks(),
    EMAHookRule(),
    ProfilerHookRule(),
    CustomImportsHookCode(),
    CheckpointConfigToHook(),
    LogConfigToLogger(),
    LoggerHooksToVisBackends(),
    Workflow(),
    Resume(),
    EnvCfg(),
    Randomness(),
    DataToDataloaders(),
    DroppedKeys(),
)

RULES_BY_ID: Dict[str, Rule] = {r.id: r for r in RULES}
RULES_BY_NAME: Dict[str, Rule] = {r.name: r for r in RULES}


def select_rules(select: List[str] = (), ignore: List[str] = ()) -> Tuple[Rule, ...]:
    """The rules to run: ``select`` (ids or names; empty = all) minus ``ignore``."""
    from engine.errors import ConfigError

    def resolve(token: str) -> Rule:
        rule = RULES_BY_ID.get(token.upper()) or RULES_BY_NAME.get(token)
        if rule is None:
            known = ', '.join(f'{r.id} ({r.name})' for r in RULES)
            raise ConfigError(f'unknown rule {token!r}', key='--select/--ignore',
                              fix=f'use one of: {known}; see migrate convert --list-rules')
        return rule

    chosen = [resolve(t) for t in select] if select else list(RULES)
    dropped = {resolve(t).id for t in ignore}
    return tuple(r for r in RULES if r in chosen and r.id not in dropped)
