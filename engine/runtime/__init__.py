"""Run-time state shared by hooks: the message hub and its history buffers."""
from engine.runtime.message_hub import HistoryBuffer, MessageHub

__all__ = ['HistoryBuffer', 'MessageHub']
