"""Shared helpers of the checkpoint tests (imported by name; pytest puts this folder on
sys.path)."""
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
ENGINE_CONFIGS = os.path.join(ROOT, 'fixtures', 'configs', 'engine')
MMENGINE_CKPT_DIR = os.path.join(ROOT, 'fixtures', 'goldens', 'mmengine_checkpoint')


def load_engine_config(name, work_dir, overrides=None):
    """A shipped toy config with ``work_dir`` set and quiet logging."""
    from engine.config import Config
    cfg = Config.fromfile(os.path.join(ENGINE_CONFIGS, name))
    if overrides:
        cfg.merge_from_dict(overrides)
    cfg['work_dir'] = str(work_dir)
    cfg['log_level'] = 'WARNING'
    return cfg
