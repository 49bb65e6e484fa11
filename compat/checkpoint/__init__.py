"""MMCV 1.7.2's checkpoint files (``mmcv.runner.checkpoint``): written and read exactly as
MMCV did, local files only. Below both the runner (saves, resume) and the weight initialisers
(``Pretrained``), so neither imports the other; ``compat.runner`` re-exports the API."""
