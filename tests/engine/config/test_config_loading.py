"""Loading config files: bases, _delete_, references, Python execution, custom imports."""
import sys

import pytest

from engine.config import Config, ConfigDict
from engine.errors import ConfigError


def test_three_level_chain_with_list_of_bases_and_subdirectories(write):
    write('_base_/model.py', "model = dict(type='R', depth=50, neck=dict(c=1))\n")
    write('_base_/sched.yaml', 'optimizer:\n  type: SGD\n  lr: 0.1\nepochs: 12\n')
    write('mid.py', """
        _base_ = ['./_base_/model.py', './_base_/sched.yaml']
        model = dict(depth=101)
    """)
    leaf = write('exp/leaf.py', """
        _base_ = '../mid.py'
        optimizer = dict(lr=0.01)
        model = dict(neck=dict(d=2))
    """)
    cfg = Config.fromfile(leaf)
    assert cfg.to_dict() == {
        'model': {'type': 'R', 'depth': 101, 'neck': {'c': 1, 'd': 2}},
        'optimizer': {'type': 'SGD', 'lr': 0.01}, 'epochs': 12}
    assert cfg.filename == str(leaf)
    # text holds every file, each after its path, bases first.
    assert cfg.text.index('model.py\n') < cfg.text.index('mid.py\n') < \
        cfg.text.index('leaf.py\n')
    assert "optimizer = dict(lr=0.01)" in cfg.text


def test_delete_replaces_base_dict(write):
    write('base.py', "optimizer = dict(type='SGD', lr=0.1, momentum=0.9)\n")
    child = write('child.py', """
        _base_ = './base.py'
        optimizer = dict(_delete_=True, type='Adam', lr=0.001)
    """)
    assert Config.fromfile(child).optimizer == {'type': 'Adam', 'lr': 0.001}


def test_template_and_attribute_references_to_base(write):
    write('base.py', """
        lr = 0.1
        names = ['a', 'b']
        model = dict(depth=50, stages=(1, 2))
        sched = [dict(end=500)]
    """)
    child = write('child.py', """
        _base_ = './base.py'
        lr_copy = {{_base_.lr}}
        nested = dict(vals=[{{_base_.lr}}, {{ _base_.model.depth }}], names={{_base_.names}})
        tag = 'depth{{_base_.model.depth}}_lr{{_base_.lr}}'
        quoted = '{{_base_.model.stages}}'
        first_end = {{_base_.sched.0.end}}
        half = _base_.lr / 2
        depth = _base_.model.depth
        model = dict(depth=_base_.model.depth * 2)
    """)
    cfg = Config.fromfile(child)
    assert cfg.lr_copy == 0.1
    assert cfg.nested.vals == [0.1, 50] and cfg.nested.names == ['a', 'b']
    assert cfg.tag == 'depth50_lr0.1'
    assert cfg.quoted == (1, 2)
    assert cfg.first_end == 500
    assert cfg.half == 0.05 and cfg.depth == 50 and cfg.model.depth == 100
    # The reference is a copy: changing it leaves the base value alone.
    cfg.nested.names.append('c')
    assert cfg.names == ['a', 'b']


def test_base_references_in_yaml_and_json(write):
    write('base.py', "root = 'data/'\nbatch = 4\nscale = (1, 2)\n")
    yml = write('c.yaml', """
        _base_: ./base.py
        a: {{_base_.batch}}
        b: "{{_base_.scale}}"
        c: 'x/{{_base_.root}}y'
        d: [{{_base_.batch}}, 1]
    """)
    assert Config.fromfile(yml).to_dict() == {
        'root': 'data/', 'batch': 4, 'scale': (1, 2), 'a': 4, 'b': (1, 2), 'c': 'x/data/y',
        'd': [4, 1]}
    js = write('c.json', '{"_base_": ["./base.py"], "a": {{_base_.batch}}, '
                         '"c": "x/{{_base_.root}}", "d": [{{_base_.scale}}]}')
    assert Config.fromfile(js).to_dict() == {
        'root': 'data/', 'batch': 4, 'scale': (1, 2), 'a': 4, 'c': 'x/data/', 'd': [(1, 2)]}


def test_python_config_keeps_only_plain_top_level_names(write):
    path = write('c.py', """
        import os
        import os.path as osp
        from collections import OrderedDict
        from math import sqrt


        def double(x):
            return x * 2


        class Helper:
            pass


        value = double(sqrt(4))
        name = osp.basename('/a/b.txt')
        _single = 1
        __hidden = 2
        lam = lambda: 1
        mapping = OrderedDict(a=1)
    """)
    cfg = Config.fromfile(path)
    assert list(cfg.keys()) == ['value', 'name', '_single', 'mapping']
    assert cfg.value == 4.0 and cfg.name == 'b.txt'
    assert isinstance(cfg.mapping, ConfigDict)


def test_predefined_and_environment_variables(write, monkeypatch):
    monkeypatch.setenv('CFG_TEST_ROOT', '/datasets')
    monkeypatch.delenv('CFG_TEST_UNSET', raising=False)
    path = write('my_exp.py', """
        work_dir = './work_dirs/{{ fileBasenameNoExtension }}'
        ext = '{{fileExtname}}'
        root = '{{$CFG_TEST_ROOT:/default}}/coco'
        classes = {{'$CFG_TEST_UNSET:80'}}
    """)
    cfg = Config.fromfile(path)
    assert cfg.work_dir == './work_dirs/my_exp' and cfg.ext == '.py'
    assert cfg.root == '/datasets/coco' and cfg.classes == 80
    assert cfg.env_variables == {'CFG_TEST_ROOT': '/datasets'}


def test_custom_imports_success(write, tmp_path, monkeypatch):
    write('pkg_cfg_ok/__init__.py', 'LOADED = True\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, 'pkg_cfg_ok', raising=False)
    path = write('c.py', "custom_imports = dict(imports=['pkg_cfg_ok'], "
                         "allow_failed_imports=False)\n")
    Config.fromfile(path)
    assert sys.modules['pkg_cfg_ok'].LOADED
    monkeypatch.delitem(sys.modules, 'pkg_cfg_ok')
    Config.fromfile(path, import_custom_modules=False)
    assert 'pkg_cfg_ok' not in sys.modules


def test_custom_imports_failure_names_module_and_defining_file(write):
    base = write('base.py', "custom_imports = dict(imports=['no_such_module_xyz'])\n")
    child = write('child.py', "_base_ = './base.py'\nx = 1\n")
    with pytest.raises(ConfigError) as info:
        Config.fromfile(child)
    assert "no_such_module_xyz" in str(info.value)
    assert info.value.file == str(base) and info.value.key == 'custom_imports.imports'


def test_custom_imports_allow_failed_imports_warns(write):
    path = write('c.py', "custom_imports = dict(imports='no_such_module_xyz', "
                         "allow_failed_imports=True)\n")
    with pytest.warns(UserWarning, match='no_such_module_xyz'):
        cfg = Config.fromfile(path)
    assert cfg.custom_imports.allow_failed_imports is True


def test_fromstring_and_constructor(write, monkeypatch, tmp_path):
    cfg = Config.fromstring("a = dict(b=1)\nc = [1, (2, 3)]\n", '.py')
    assert cfg.a.b == 1 and cfg.c == [1, (2, 3)] and cfg.filename is None
    assert Config.fromstring('a: 1\n', 'yaml').a == 1
    assert Config.fromstring('{"a": [1]}', '.json').a == [1]
    write('base.py', 'x = 1\n')
    monkeypatch.chdir(tmp_path)
    assert Config.fromstring("_base_ = './base.py'\ny = 2\n", '.py').to_dict() == \
        {'x': 1, 'y': 2}
    cfg = Config(dict(model=dict(a=1)))
    assert isinstance(cfg.model, ConfigDict) and cfg.text == ''


def test_deprecation_key_warns_and_is_removed(write):
    path = write('old.py', "_deprecation_ = dict(expected='new.py')\na = 1\n")
    with pytest.warns(DeprecationWarning, match='new.py'):
        cfg = Config.fromfile(path)
    assert cfg.to_dict() == {'a': 1}
