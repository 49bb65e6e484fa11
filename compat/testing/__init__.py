"""Test helpers for the legacy runtime (a toy legacy-protocol model and dataset)."""
