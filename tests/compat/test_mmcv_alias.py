"""compat.install_mmcv_alias(): `import mmcv` gives compat's own module objects, refuses what is
outside the runtime with an ImportError naming it, installs only when asked, and backs out."""
import importlib
import os
import subprocess
import sys
import types
import warnings

import pytest

import compat
import compat.cnn
import compat.parallel
import compat.runner
import compat.runner.hooks
import compat.utils
from compat.alias import MmcvAliasError, MmcvAlreadyImportedError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def mmcv_alias():
    assert 'mmcv' not in sys.modules, 'a previous test left mmcv imported'
    compat.install_mmcv_alias()
    try:
        yield
    finally:
        compat.uninstall_mmcv_alias()


def _run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_importing_compat_installs_nothing():
    # a fresh interpreter: importing every compat package must not make `import mmcv` work
    result = _run_python(
        'import sys, compat, compat.runner, compat.utils, compat.fileio, compat.parallel, '
        'compat.cnn, compat.alias\n'
        'assert "mmcv" not in sys.modules, "mmcv in sys.modules"\n'
        'assert not compat.is_mmcv_alias_installed()\n'
        'try:\n    import mmcv\nexcept ModuleNotFoundError:\n    print("absent")\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'absent'


def test_alias_modules_are_the_compat_modules(mmcv_alias):
    import mmcv
    import mmcv.cnn.utils.weight_init
    import mmcv.parallel
    import mmcv.runner
    import mmcv.runner.checkpoint
    import mmcv.runner.hooks.hook
    import mmcv.runner.hooks.lr_updater
    import mmcv.utils.config
    from mmcv.runner import HOOKS, Hook
    assert mmcv.runner is compat.runner
    assert mmcv.runner.hooks is compat.runner.hooks
    assert mmcv.runner.hooks.lr_updater is importlib.import_module('compat.runner.hooks.lr_updater')
    assert mmcv.runner.checkpoint is importlib.import_module('compat.checkpoint.checkpoint')
    assert mmcv.cnn.utils.weight_init is importlib.import_module('compat.cnn.weight_init')
    assert mmcv.utils is compat.utils and mmcv.utils.config.Config is compat.utils.Config
    assert mmcv.parallel.MODULE_WRAPPERS is compat.parallel.MODULE_WRAPPERS
    assert HOOKS is compat.runner.HOOKS and Hook is compat.runner.Hook
    assert mmcv.Config is compat.utils.Config and mmcv.load is importlib.import_module(
        'compat.fileio').load
    # the compat modules keep their own identity for reload, pickling and runpy
    assert mmcv.runner.__spec__.name == 'compat.runner'
    assert mmcv.runner.__name__ == 'compat.runner'


def test_hook_registered_through_mmcv_is_seen_by_compat(mmcv_alias):
    from mmcv.runner import HOOKS, Hook

    @HOOKS.register_module()
    class AliasRegisteredProbeHook(Hook):
        pass

    try:
        assert compat.runner.HOOKS.get('AliasRegisteredProbeHook') is AliasRegisteredProbeHook
        built = compat.utils.build_from_cfg(dict(type='AliasRegisteredProbeHook'),
                                            compat.runner.HOOKS)
        assert isinstance(built, compat.runner.Hook)
    finally:
        compat.runner.HOOKS.module_dict.pop('AliasRegisteredProbeHook')


def test_version_is_the_emulated_release_and_env_says_compat(mmcv_alias):
    import mmcv
    from mmcv.utils import collect_env, digit_version, get_build_config
    assert mmcv.__version__ == '1.7.2'
    # the range MMDet 2.x checks at import
    assert digit_version('1.3.17') <= digit_version(mmcv.__version__) < digit_version('1.8.0')
    env = collect_env()
    assert env['MMCV Compiler'] == 'n/a' and env['MMCV CUDA Compiler'] == 'n/a'
    assert 'compat' in env['MMCV']
    import torch
    assert get_build_config() == torch.__config__.show()
    assert mmcv.utils.IS_MLU_AVAILABLE is False and mmcv.utils.IS_NPU_AVAILABLE is False


@pytest.mark.parametrize('name, refused, says', [
    ('mmcv.ops', 'mmcv.ops', 'compiled'),
    ('mmcv.ops.nms', 'mmcv.ops', 'compiled'),  # the parent is imported, and refused, first
    ('mmcv.cnn.bricks', 'mmcv.cnn.bricks', 'model building blocks'),
    ('mmcv.cnn.bricks.conv_module', 'mmcv.cnn.bricks', 'model building blocks'),
    ('mmcv.utils.ext_loader', 'mmcv.utils.ext_loader', 'compiled ops'),
    ('mmcv.image', 'mmcv.image', 'outside the runtime'),
    ('mmcv.device.mlu', 'mmcv.device', 'outside the runtime'),
    ('mmcv.cnn.resnet', 'mmcv.cnn.resnet', 'outside the runtime'),
])
def test_outside_the_runtime_is_an_import_error_naming_it(mmcv_alias, name, refused, says):
    with pytest.raises(ImportError) as info:
        importlib.import_module(name)
    assert isinstance(info.value, MmcvAliasError)
    assert isinstance(info.value, ModuleNotFoundError)
    message = str(info.value)
    assert repr(refused) in message and 'runtime only' in message and says in message
    assert 'fix:' in message
    assert info.value.name == refused


def test_guarded_import_of_the_ops_takes_the_fallback(mmcv_alias):
    try:
        from mmcv.ops import nms  # noqa: F401
        has_ops = True
    except ImportError:
        has_ops = False
    assert has_ops is False


def test_top_level_names_outside_the_runtime(mmcv_alias):
    import mmcv
    with pytest.raises(ImportError, match=r'mmcv\.imread \(from mmcv\.image\).*runtime only'):
        from mmcv import imread  # noqa: F401
    with pytest.raises(ImportError, match='mmcv.ProgressBar'):
        mmcv.ProgressBar
    # a name MMCV never had stays an AttributeError, so hasattr/getattr(default) still work
    assert not hasattr(mmcv, 'no_such_name')
    assert getattr(mmcv, '__no_such_dunder__', 'default') == 'default'


def test_module_compat_lacks_is_named_with_the_package_to_use(mmcv_alias, monkeypatch):
    # a runtime path compat does not have (yet): the error says so, not "outside the runtime"
    monkeypatch.setitem(
        __import__('compat.alias.layout', fromlist=['RENAMED']).RENAMED,
        'mmcv.runner.no_such_part', 'compat.runner.no_such_part')
    with pytest.raises(ImportError, match=r"'mmcv.runner.no_such_part'.*compat has no "
                                          r'compat.runner.no_such_part \(yet\)'):
        import mmcv.runner.no_such_part  # noqa: F401


def test_uninstall_restores_sys_modules_meta_path_and_compat(mmcv_alias):
    meta_path_before = list(sys.meta_path)
    import mmcv.cnn.utils  # binds compat.cnn.utils -> compat.cnn while installed
    import mmcv.runner.checkpoint  # binds compat.runner.checkpoint
    assert compat.runner.checkpoint is importlib.import_module('compat.checkpoint.checkpoint')
    compat.uninstall_mmcv_alias()
    assert not [name for name in sys.modules if name == 'mmcv' or name.startswith('mmcv.')]
    assert len(sys.meta_path) == len(meta_path_before) - 1
    assert not hasattr(compat.runner, 'checkpoint') and not hasattr(compat.cnn, 'utils')
    assert compat.runner.hooks is importlib.import_module('compat.runner.hooks')
    with pytest.raises(ModuleNotFoundError):
        import mmcv  # noqa: F401
    compat.uninstall_mmcv_alias()  # a no-op now
    compat.install_mmcv_alias()  # the fixture's teardown uninstalls this one


def test_install_is_idempotent(mmcv_alias):
    finders = [f for f in sys.meta_path if type(f).__name__ == 'MmcvAliasFinder']
    compat.install_mmcv_alias()
    import mmcv
    compat.install_mmcv_alias()
    assert [f for f in sys.meta_path if type(f).__name__ == 'MmcvAliasFinder'] == finders
    assert sys.modules['mmcv'] is mmcv and compat.is_mmcv_alias_installed()


def test_refuses_when_a_real_mmcv_is_already_imported(monkeypatch):
    fake = types.ModuleType('mmcv')
    fake.__file__ = '/site-packages/mmcv/__init__.py'
    monkeypatch.setitem(sys.modules, 'mmcv', fake)
    with pytest.raises(MmcvAlreadyImportedError,
                       match=r'(?s)already imported.*/site-packages/mmcv/__init__.py.*fix: call '
                             r'compat.install_mmcv_alias\(\) before'):
        compat.install_mmcv_alias()
    assert not compat.is_mmcv_alias_installed()


def test_warns_and_shadows_an_installed_real_mmcv(tmp_path, monkeypatch):
    (tmp_path / 'mmcv').mkdir()
    (tmp_path / 'mmcv' / '__init__.py').write_text('REAL = True\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        compat.install_mmcv_alias()
    try:
        assert any('a real mmcv is installed' in str(w.message) and str(tmp_path) in
                   str(w.message) for w in caught)
        import mmcv
        assert not hasattr(mmcv, 'REAL') and mmcv.Config is compat.utils.Config
    finally:
        compat.uninstall_mmcv_alias()
    import mmcv
    try:
        assert mmcv.REAL is True  # the real one again once the alias is gone
    finally:
        del sys.modules['mmcv']


def test_legacy_hook_module_imports_unchanged(mmcv_alias, tmp_path, monkeypatch):
    # fixtures/legacy_scripts/my_hooks.py is written against MMCV 1.x and imports as is
    monkeypatch.syspath_prepend(os.path.join(ROOT, 'fixtures', 'legacy_scripts'))
    module = importlib.import_module('my_hooks')
    try:
        assert issubclass(module.RecordingHook, compat.runner.Hook)
        assert compat.runner.HOOKS.get('RecordingHook') is module.RecordingHook
    finally:
        compat.runner.HOOKS.module_dict.pop('RecordingHook', None)
        sys.modules.pop('my_hooks')
