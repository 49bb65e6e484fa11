"""Evaluation: ``BaseMetric``, the multi-metric ``Evaluator``, ``Accuracy``, ``build_evaluator``."""
from engine.evaluator.accuracy import Accuracy
from engine.evaluator.evaluator import Evaluator, build_evaluator
from engine.evaluator.metric import BaseMetric

__all__ = ['Accuracy', 'BaseMetric', 'Evaluator', 'build_evaluator']
