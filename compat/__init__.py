"""MMCV 1.x compatible runtime (legacy configs and hooks on the engine)."""
