"""Which ``mmcv`` module is which compat module: the rules of ``install_mmcv_alias()``.

``mmcv.<path>`` is ``compat.<path>`` under the runtime packages (``runner``, ``parallel``,
``fileio``, ``utils``), so a module compat gains later (a new hook under
``compat/runner/hooks/``) is found without editing this file. :data:`RENAMED` lists the modules
compat keeps under another name; everything else MMCV 1.7.2 has (``mmcv.ops``, ``mmcv.image``,
``mmcv.cnn.bricks``...) is outside the runtime and refused with :class:`MmcvAliasError`.
compat's own helper modules under those packages (``compat.runner.hooks.local_disk``) resolve
too: MMCV has no such names, so no legacy code asks for them.
"""
from __future__ import annotations

import importlib.util
from typing import Optional

from engine.errors import EngineError

__all__ = ['ALIAS', 'MmcvAliasError', 'RENAMED', 'RUNTIME_PACKAGES', 'compat_name']

ALIAS = 'mmcv'

#: ``mmcv.<package>`` whose modules are compat's modules at the same path
RUNTIME_PACKAGES = ('runner', 'parallel', 'fileio', 'utils')

#: MMCV module -> the compat module that holds the same API under another path
RENAMED = {
    'mmcv': 'compat.alias.root',
    'mmcv.version': 'compat.alias.version',
    'mmcv.runner.checkpoint': 'compat.checkpoint.checkpoint',
    'mmcv.runner.default_constructor': 'compat.runner.builder',
    'mmcv.parallel.distributed': 'compat.parallel.data_parallel',
    'mmcv.parallel.registry': 'compat.parallel.data_parallel',
    'mmcv.parallel.utils': 'compat.parallel.data_parallel',
    'mmcv.parallel.scatter_gather': 'compat.parallel.scatter',
    # mmcv.cnn is models (bricks, backbones); only the weight initialisers are runtime
    'mmcv.cnn': 'compat.cnn',
    'mmcv.cnn.utils': 'compat.cnn',
    'mmcv.cnn.utils.weight_init': 'compat.cnn.weight_init',
}

_RUNTIME = ('mmcv.runner, the runtime part of mmcv.utils, mmcv.parallel, mmcv.fileio (local '
            'files) and the weight initialisers of mmcv.cnn')

#: MMCV modules whose absence answers a question legacy code asks (why, what to do)
_ABSENT = {
    'mmcv.utils.ext_loader': (
        'it loads the compiled ops (mmcv._ext), and the compat runtime ships none',
        'guard the import (try/except ImportError) or install mmcv-full 1.7.2 for the ops'),
    'mmcv.ops': (
        'the compiled CUDA/C++ ops are not part of the compat runtime',
        'run code that needs mmcv.ops with mmcv-full 1.7.2, or port it to MMCV 2.x (mmcv.ops '
        'there) with the converted config'),
    'mmcv.engine': (
        "its test loops (single_gpu_test, multi_gpu_test, collect_results_cpu/gpu) are not "
        'aliased: compat keeps them in compat.runner.hooks.evaluation_tests, a module, where '
        'MMCV has the package mmcv.engine',
        'from compat.runner.hooks.evaluation_tests import single_gpu_test, multi_gpu_test'),
    'mmcv.cnn.bricks': (
        'model building blocks (ConvModule, build_norm_layer...) are models, not runtime',
        'install mmcv 1.7.2 (or MMCV 2.x, whose mmcv.cnn keeps them) for model code'),
}


class MmcvAliasError(EngineError, ModuleNotFoundError):
    """An ``mmcv`` module the alias does not provide (a ``ModuleNotFoundError``, as for any
    missing module, so ``try: import mmcv.ops except ImportError`` guards keep working)."""


def compat_name(alias: str) -> str:
    """The compat module ``import <alias>`` gives; raises :class:`MmcvAliasError` naming
    ``alias`` when it is outside the runtime or compat does not have it (yet)."""
    target = RENAMED.get(alias) or _same_path(alias)
    if target is None or _absent(alias) is not None:
        raise _outside(alias)
    if not _exists(target):
        raise _error(
            alias, f'No module named {alias!r} under install_mmcv_alias(): it is part of the '
            f'MMCV 1.7.2 runtime the alias maps onto compat, but compat has no {target} (yet)',
            fix=f'import the names from {alias.rpartition(".")[0]} if compat exports them '
                'there, or run this code with the real mmcv 1.7.2')
    return target


def _error(alias: str, message: str, fix: str) -> MmcvAliasError:
    err = MmcvAliasError(message, fix=fix)
    err.name = alias  # what ImportError.name says for any missing module
    return err


def _same_path(alias: str) -> Optional[str]:
    parts = alias.split('.')
    if parts[0] != ALIAS or len(parts) < 2 or parts[1] not in RUNTIME_PACKAGES:
        return None
    return 'compat.' + '.'.join(parts[1:])


def _absent(alias: str):
    for name, why in _ABSENT.items():
        if alias == name or alias.startswith(name + '.'):
            return why
    return None


def _outside(alias: str) -> MmcvAliasError:
    why, fix = _absent(alias) or (
        'it is outside the runtime (images, video, visualisation, models, ONNX/TensorRT, '
        'devices and compiled ops are not included)',
        'install the real mmcv 1.7.2 for it, or import only the runtime in code that runs '
        'on compat')
    return _error(alias, f'No module named {alias!r} under install_mmcv_alias(): the alias '
                         f'covers the runtime only ({_RUNTIME}); {why}', fix=fix)


def _exists(target: str) -> bool:
    try:
        return importlib.util.find_spec(target) is not None
    except ModuleNotFoundError:  # a parent is a plain module or missing
        return False
