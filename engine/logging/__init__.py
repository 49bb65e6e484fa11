"""Loggers and the log processor (what gets printed and written each logging step)."""
from engine.logging.log_processor import LogProcessor
from engine.logging.logger import get_logger

__all__ = ['LogProcessor', 'get_logger']
