"""Every user error is a ConfigError that names the file and (where there is one) the key."""
import pytest

from engine.config import Config
from engine.errors import ConfigError


def _load_error(path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        Config.fromfile(path)
    return info.value


def test_syntax_error_names_file_and_line(write):
    path = write('bad.py', 'a = 1\nb = dict(x=1\nc = 2\n')
    err = _load_error(path)
    assert err.file == str(path) and 'line 2' in str(err) and 'syntax' in str(err)


def test_missing_base_names_the_referencing_file(write):
    path = write('child.py', "_base_ = ['./nope.py']\n")
    err = _load_error(path)
    assert err.file == str(path) and err.key == '_base_' and 'nope.py' in str(err)


def test_missing_config_file(tmp_path):
    err = _load_error(tmp_path / 'absent.py')
    assert err.file.endswith('absent.py') and 'not found' in str(err)


def test_base_cycle_is_detected(write):
    a = write('a.py', "_base_ = './b.py'\nx = 1\n")
    write('b.py', "_base_ = './c.yaml'\n")
    c = write('c.yaml', '_base_: ./a.py\n')
    err = _load_error(a)
    assert err.file == str(c) and err.key == '_base_'
    assert 'circular' in str(err) and 'a.py -> ' in str(err) and 'c.yaml -> ' in str(err)


def test_self_base_is_a_cycle(write):
    path = write('self.py', "_base_ = './self.py'\n")
    assert 'circular' in str(_load_error(path))


def test_read_base_is_refused_with_a_fix(write):
    path = write('lazy.py', """
        from mmengine.config import read_base

        with read_base():
            from .base import *
    """)
    err = _load_error(path)
    assert err.file == str(path) and 'not supported' in str(err)
    assert '_base_ = ' in err.fix


def test_unknown_template_reference(write):
    write('base.py', 'model = dict(depth=50)\n')
    path = write('child.py', "_base_ = './base.py'\nd = {{_base_.model.width}}\n")
    err = _load_error(path)
    assert err.file == str(path) and err.key == '_base_.model.width' and 'line 2' in str(err)


def test_unknown_attribute_reference_names_line_and_key(write):
    write('base.py', 'model = dict(depth=50)\n')
    path = write('child.py', "_base_ = './base.py'\n\nwidth = _base_.model.width\n")
    err = _load_error(path)
    assert err.file == str(path) and err.key == 'width'
    assert 'line 3' in str(err) and "'width'" in str(err)


def test_runtime_error_in_python_config(write):
    path = write('c.py', 'a = 1\nmodel = dict(\n    lr=1 / 0,\n)\n')
    err = _load_error(path)
    assert err.file == str(path) and err.key == 'model'
    assert 'line 3' in str(err) and 'ZeroDivisionError' in str(err)


def test_dict_over_scalar_in_base(write):
    write('base.py', 'model = dict(norm=None)\n')
    path = write('child.py', "_base_ = './base.py'\nmodel = dict(norm=dict(type='BN'))\n")
    err = _load_error(path)
    assert err.file == str(path) and err.key == 'model.norm' and '_delete_' in err.fix


def test_key_defined_by_two_bases(write):
    write('a.py', 'x = 1\nlr = 0.1\n')
    write('b.yaml', 'lr: 0.2\n')
    path = write('child.py', "_base_ = ['./a.py', './b.yaml']\n")
    err = _load_error(path)
    assert err.file == str(path) and err.key == 'lr'
    assert 'a.py' in str(err) and 'b.yaml' in str(err)


def test_invalid_yaml_and_json_name_the_line(write):
    err = _load_error(write('bad.yaml', 'a: 1\nb: [1, 2\nc: 3\n'))
    assert err.file.endswith('bad.yaml') and 'line' in str(err)
    err = _load_error(write('bad.json', '{\n  "a": 1,\n  "b": \n}\n'))
    assert err.file.endswith('bad.json') and 'line 4' in str(err)


def test_top_level_must_be_a_mapping(write):
    err = _load_error(write('list.yaml', '- 1\n- 2\n'))
    assert err.file.endswith('list.yaml') and 'mapping' in str(err)


def test_unsupported_extension(write):
    err = _load_error(write('c.toml', 'a = 1\n'))
    assert err.file.endswith('c.toml') and 'unsupported' in str(err)


def test_unset_environment_variable_without_default(write, monkeypatch):
    monkeypatch.delenv('CFG_TEST_NOT_SET', raising=False)
    err = _load_error(write('c.py', "root = '{{$CFG_TEST_NOT_SET:}}'\n"))
    assert err.file.endswith('c.py') and 'CFG_TEST_NOT_SET' in str(err)


@pytest.mark.parametrize('bases, message', [
    ("'./a' + '.py'", 'literal'), ('[1]', 'file paths'), ("'mmdet::base.py'", 'package::path'),
])
def test_malformed_base_value(write, bases, message):
    err = _load_error(write('c.py', f'_base_ = {bases}\n'))
    assert err.file.endswith('c.py') and err.key == '_base_' and message in str(err)


def test_malformed_custom_imports(write):
    err = _load_error(write('c.py', 'custom_imports = dict(imports=[1])\n'))
    assert err.file.endswith('c.py') and err.key == 'custom_imports.imports'


def test_custom_import_raising_inside_the_module(write, tmp_path, monkeypatch):
    write('pkg_cfg_broken.py', 'raise RuntimeError("boom")\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    err = _load_error(write('c.py', "custom_imports = dict(imports=['pkg_cfg_broken'])\n"))
    assert 'pkg_cfg_broken' in str(err) and 'boom' in str(err)
    assert err.key == 'custom_imports.imports'


def test_reserved_key(write):
    err = _load_error(write('c.py', "filename = 'x'\n"))
    assert err.file.endswith('c.py') and err.key == 'filename'


def test_missing_config_key_is_attribute_error_naming_file_and_key(write):
    cfg = Config.fromfile(write('c.py', 'model = dict(depth=50)\n'))
    with pytest.raises(AttributeError) as info:
        cfg.modle
    err = info.value
    assert isinstance(err, ConfigError) and err.key == 'modle' and err.file.endswith('c.py')
    assert "did you mean 'model'" in str(err)
