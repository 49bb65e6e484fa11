"""Visualizer and its back ends: JSON-lines scalar files and TensorBoard event files."""
from engine.visualization.base_backend import BaseVisBackend
from engine.visualization.local_backend import LocalVisBackend
from engine.visualization.tensorboard_backend import TensorboardVisBackend
from engine.visualization.visualizer import Visualizer

__all__ = ['BaseVisBackend', 'LocalVisBackend', 'TensorboardVisBackend', 'Visualizer']
