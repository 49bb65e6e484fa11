"""Register the toy legacy model and dataset in ``compat.apis``'s registries.

Importing the module registers them, so a legacy config names it in ``custom_imports`` as it
would name its own codebase's modules."""
from __future__ import annotations

from compat.apis.builder import DATASETS, MODELS
from compat.parallel import DataContainer
from compat.testing.legacy_toy import LegacyToyClassifier, LegacyToyDataset


class _ToyDataset(LegacyToyDataset):
    container = DataContainer


def register_legacy_toy() -> None:
    """Idempotent: (re)register ``LegacyToyClassifier`` and ``LegacyToyDataset``."""
    MODELS.register_module(name='LegacyToyClassifier', module=LegacyToyClassifier, force=True)
    DATASETS.register_module(name='LegacyToyDataset', module=_ToyDataset, force=True)


register_legacy_toy()
