"""MMCV 1.7.2's legacy data path: ``DataContainer``, ``collate``, ``scatter`` and the wrappers."""
from compat.parallel.collate import collate
from compat.parallel.data_container import DataContainer
from compat.parallel.data_parallel import (MODULE_WRAPPERS, MMDataParallel,
                                           MMDistributedDataParallel, is_module_wrapper)
from compat.parallel.scatter import scatter, scatter_kwargs

__all__ = [
    'collate', 'DataContainer', 'MMDataParallel', 'MMDistributedDataParallel', 'scatter',
    'scatter_kwargs', 'is_module_wrapper', 'MODULE_WRAPPERS',
]
