"""Visualizer and its back ends (scalar logs to files)."""
from engine.visualization.local_backend import LocalVisBackend
from engine.visualization.visualizer import Visualizer

__all__ = ['LocalVisBackend', 'Visualizer']
