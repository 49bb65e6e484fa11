"""Data loading: MMEngine-order samplers, collate functions and ``build_dataloader``."""
from engine.dataset.builder import build_dataloader
from engine.dataset.collate import default_collate, pseudo_collate, worker_init_fn
from engine.dataset.sampler import DefaultSampler, InfiniteSampler

__all__ = ['DefaultSampler', 'InfiniteSampler', 'build_dataloader', 'default_collate',
           'pseudo_collate', 'worker_init_fn']
