"""A toy classifier and a seeded synthetic dataset, registered for configs and tests."""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from engine.model.base_model import BaseModel
from engine.registry import DATASETS, MODELS
from engine.testing.toy_data import (build_toy_layers, gather_labels, init_toy_weights,
                                     make_toy_classification, stack_inputs)


@DATASETS.register_module()
class ToyDataset(Dataset):
    """``num_samples`` feature vectors in ``num_classes`` blobs; item = dict(inputs, data_samples).

    Example: ``ToyDataset(num_samples=64, seed=0)[0]['data_samples']['gt_label']`` is the label
    of sample 0, the same on every machine.
    """

    def __init__(self, num_samples: int = 64, num_features: int = 8, num_classes: int = 4,
                 seed: int = 0, sample_seed: Optional[int] = None):
        self.inputs, self.labels = make_toy_classification(num_samples, num_features,
                                                           num_classes, seed, sample_seed)
        self.metainfo = dict(classes=tuple(f'class_{i}' for i in range(num_classes)))

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, idx: int) -> dict:
        return dict(inputs=self.inputs[idx], data_samples=dict(gt_label=self.labels[idx]))


@MODELS.register_module()
class ToyClassifier(BaseModel):
    """Linear-ReLU-Linear classifier with deterministic weights (``init_seed``)."""

    def __init__(self, num_features: int = 8, hidden: int = 16, num_classes: int = 4,
                 with_bn: bool = False, init_seed: int = 0,
                 data_preprocessor: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor)
        self.net = build_toy_layers(num_features, hidden, num_classes, with_bn)
        init_toy_weights(self.net, init_seed)

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        logits = self.net(stack_inputs(inputs))
        if mode == 'tensor':
            return logits
        labels = gather_labels(data_samples).to(logits.device)
        if mode == 'loss':
            return dict(loss_cls=F.cross_entropy(logits, labels))
        if mode == 'predict':
            scores = logits.softmax(dim=1)
            return [dict(pred_score=s, pred_label=s.argmax(), gt_label=l)
                    for s, l in zip(scores, labels)]
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got {mode!r}")
