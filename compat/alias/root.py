"""The ``mmcv`` module under ``install_mmcv_alias()``: what ``import mmcv`` gave MMCV 1.7.2's
runtime users (``mmcv.Config``, ``mmcv.load``/``mmcv.dump``, ``mmcv.mkdir_or_exist``,
``mmcv.is_str``, ``mmcv.__version__``...), from ``compat.utils``, ``compat.fileio`` and
:mod:`compat.alias.version`.

MMCV's other top-level names (image, video, visualisation and array helpers, and the
``mmcv.utils`` test/progress helpers compat leaves out) raise an ``ImportError`` that names
them; any other missing name is an ``AttributeError``, as for a real module.
"""
# the star imports are the point: mmcv's top level is its subpackages' __all__, as in MMCV
from compat import fileio, utils  # noqa: F401
from compat.alias import version  # noqa: F401
from compat.alias.outside import outside_name_error
from compat.alias.version import __version__, parse_version_info, version_info  # noqa: F401
from compat.fileio import *  # noqa: F401,F403
from compat.utils import *  # noqa: F401,F403

# a package for the import system, so `import mmcv.runner` asks the alias finder; nothing is
# ever searched on disk under this path
__path__: list = []


def __getattr__(name: str):
    raise outside_name_error(name)
