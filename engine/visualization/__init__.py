"""Visualizer and its back ends: JSON-lines scalar files, TensorBoard event files, and
Weights & Biases and MLflow runs (their packages are optional, imported when a back end is
built)."""
from engine.visualization.base_backend import BaseVisBackend
from engine.visualization.local_backend import LocalVisBackend
from engine.visualization.mlflow_backend import MLflowVisBackend
from engine.visualization.tensorboard_backend import TensorboardVisBackend
from engine.visualization.visualizer import Visualizer
from engine.visualization.wandb_backend import WandbVisBackend

__all__ = ['BaseVisBackend', 'LocalVisBackend', 'MLflowVisBackend', 'TensorboardVisBackend',
           'Visualizer', 'WandbVisBackend']
