"""Checkpoint files: atomic, durable saves; ``weights_only=True`` loads (memory-mapped), the
latest-checkpoint pointer, stale partial files, and MMEngine 0.10.7's own checkpoint layout.

Below both the runner (resume) and the checkpoint hook (saves), so neither imports the other.
"""
