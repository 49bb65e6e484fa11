"""Shared helpers of the runner tests (imported by name; pytest puts this folder on sys.path)."""
import logging
import os

from engine.hooks.hook import Hook

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
ENGINE_CONFIGS = os.path.join(ROOT, 'fixtures', 'configs', 'engine')
GOLDENS = os.path.join(ROOT, 'fixtures', 'goldens')
MMENGINE_CKPT_DIR = os.path.join(GOLDENS, 'mmengine_checkpoint')


class TrajectoryHook(Hook):
    """Same recording as the oracle script's hook: lr before each iteration, loss after."""
    priority = 'LOWEST'

    def __init__(self):
        self.lr, self.loss, self.metrics = [], [], []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.lr.append([g['lr'] for g in runner.optim_wrapper.optimizer.param_groups])

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.loss.append(float(outputs['loss'].detach()))

    def after_val_epoch(self, runner, metrics=None):
        self.metrics.append({k: float(v) for k, v in (metrics or {}).items()})


def load_engine_config(name, work_dir, overrides=None):
    """A shipped toy config with ``work_dir`` set and quiet logging."""
    from engine.config import Config
    cfg = Config.fromfile(os.path.join(ENGINE_CONFIGS, name))
    if overrides:
        cfg.merge_from_dict(overrides)
    cfg['work_dir'] = str(work_dir)
    cfg['log_level'] = 'WARNING'
    return cfg
