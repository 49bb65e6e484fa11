"""What MMEngine's one ``LoggerHook`` takes from a legacy ``log_config``: the text logger's
interval, counting and ``ignore_last``. Shared by MIG040 (which writes them) and MIG041
(which compares every other logger hook with them: MMEngine's back ends log when the text
logger does)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

#: register_logger_hooks reads log_config['interval']; LoggerHook's own default otherwise
DEFAULT_INTERVAL = 10


@dataclass(frozen=True)
class LoggerSettings:
    interval: Any
    by_epoch: Any
    ignore_last: Any
    text_index: Optional[int]   # the TextLoggerHook's place in log_config.hooks


def text_hook_index(cfg: Dict[str, Any]) -> Optional[int]:
    for i, hook in enumerate(cfg.get('hooks') or []):
        if isinstance(hook, dict) and hook.get('type') == 'TextLoggerHook':
            return i
    return None


def default_by_epoch(iter_runner: bool) -> bool:
    """A logger hook's ``by_epoch`` when not given: IterBasedRunner sets False on every one."""
    return not iter_runner


def logger_settings(cfg: Dict[str, Any], iter_runner: bool) -> LoggerSettings:
    """``interval`` is injected into every hook as a default, so the text hook's own wins."""
    index = text_hook_index(cfg)
    text = cfg['hooks'][index] if index is not None else {}
    return LoggerSettings(interval=text.get('interval', cfg.get('interval', DEFAULT_INTERVAL)),
                          by_epoch=text.get('by_epoch', default_by_epoch(iter_runner)),
                          ignore_last=text.get('ignore_last', True), text_index=index)
