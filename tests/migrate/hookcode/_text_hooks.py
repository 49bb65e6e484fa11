"""Hook modules given as text for the side-by-side tests: written to a file and imported like
the fixture modules (the legacy one with ``mmcv`` aliased to compat)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402


def load_text(tmp_path, text, stem, legacy):
    path = tmp_path / f'{stem}.py'
    path.write_text(text)
    if not legacy:
        return sbs.load_converted(stem, str(path))
    import compat
    installed = compat.is_mmcv_alias_installed()
    compat.install_mmcv_alias()
    try:
        return sbs._exec_module(str(path), f'_legacy_hook_{stem}')
    finally:
        if not installed:
            compat.uninstall_mmcv_alias()
