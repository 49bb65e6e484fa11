"""Toy model and data for configs, tests and benchmarks."""
from engine.testing.toy import ToyClassifier, ToyDataset

__all__ = ['ToyClassifier', 'ToyDataset']
