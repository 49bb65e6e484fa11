"""``migrate train LEGACY_CFG``: a legacy config trained on the compat runtime, end to end.

Loading errors and the errors :mod:`compat.apis.errors` names come out as one
:class:`~engine.errors.ConfigError` (file, key, fix); an error in user code during training
keeps its traceback.
"""
from __future__ import annotations

import gc
from typing import Any, Dict, Optional

from engine.errors import ConfigError, EngineError

from compat.apis.launch import load_legacy_config, train_legacy_config

__all__ = ['run_legacy_training']


def _load(config: str, cfg_options: Optional[Dict[str, Any]]):
    try:
        return load_legacy_config(config, cfg_options)
    except EngineError as e:
        raise e.with_context(file=config) from e
    except (SyntaxError, ImportError, KeyError, TypeError, ValueError, OSError,
            AttributeError, NameError) as e:
        raise ConfigError(f'cannot load this legacy config: {type(e).__name__}: {e}',
                          file=config, key='custom_imports' if isinstance(e, ImportError)
                          else None,
                          fix='fix the file (it is loaded with MMCV 1.x Config semantics)'
                          ) from e


def run_legacy_training(config: str, *, work_dir: Optional[str] = None,
                        resume: Optional[str] = None,
                        cfg_options: Optional[Dict[str, Any]] = None, launcher: str = 'none',
                        unsafe_load: bool = False, seed: Optional[int] = None,
                        deterministic: bool = False, validate: bool = True) -> None:
    """Train ``config``; ``resume='auto'`` resumes from the work dir's latest checkpoint
    (``auto_resume``), another string from that checkpoint (``resume_from``)."""
    cfg = _load(config, cfg_options)
    if unsafe_load:
        cfg.load_unsafe = True
    runner = train_legacy_config(
        cfg, work_dir, resume_from=None if resume in (None, 'auto') else resume,
        auto_resume=resume == 'auto', launcher=launcher, seed=seed,
        deterministic=deterministic, validate=validate)
    del runner
    gc.collect()   # DDP wrappers must be gone before the process group they reduce over
    if launcher != 'none':
        import torch.distributed as dist
        if dist.is_initialized():
            dist.barrier()
            dist.destroy_process_group()
