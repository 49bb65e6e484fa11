"""Loading config trees: merging, base references, errors, encodings, caching, CST access."""
import os

import libcst as cst
import pytest

from migrate.static import ConfigLoader, Opaque, StaticConfigError, load_config_tree

SCHEDULE = ("optimizer = dict(type='SGD', lr=0.02, momentum=0.9)\n"
            "lr_config = dict(policy='step', warmup='linear', warmup_iters=500, step=[8, 11])\n"
            "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")


def write(root, rel, text, mode='w'):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def load(path):
    return ConfigLoader().load(path)


def test_leaf_that_only_overrides_gets_the_full_merged_view(tmp_path):
    write(tmp_path, '_base_/schedule.py', SCHEDULE)
    leaf = write(tmp_path, 'leaf.py', "_base_ = './_base_/schedule.py'\n"
                 "lr_config = dict(step=[16, 22])\nrunner = dict(max_epochs=24)\n")
    tree = load(leaf)
    assert tree.merged['lr_config'] == dict(policy='step', warmup='linear', warmup_iters=500,
                                            step=[16, 22])
    assert tree.merged['runner'] == dict(type='EpochBasedRunner', max_epochs=24)
    assert tree.base_merged['lr_config']['step'] == [8, 11]
    assert tree.file.own == dict(lr_config=dict(step=[16, 22]), runner=dict(max_epochs=24))
    assert tree.file.base_paths == [str(tmp_path / '_base_' / 'schedule.py')]
    assert [b.file.path for b in tree.bases] == tree.file.base_paths
    assert '_base_' not in tree.merged and '_base_' in tree.file.statements


def test_delete_replaces_and_is_dropped_only_where_the_base_has_the_key(tmp_path):
    write(tmp_path, 'base.py', SCHEDULE + "model = dict(neck=dict(a=1, b=2), head=1)\n")
    leaf = write(tmp_path, 'leaf.py', "_base_ = 'base.py'\n"
                 "lr_config = dict(_delete_=True, policy='CosineAnnealing', min_lr=0)\n"
                 "model = dict(neck=dict(_delete_=True, c=3), extra=dict(_delete_=True, d=4))\n"
                 "optimizer = dict(_delete_=False, lr=0.1)\n")
    tree = load(leaf)
    assert tree.merged['lr_config'] == dict(policy='CosineAnnealing', min_lr=0)
    assert tree.merged['model'] == dict(neck=dict(c=3), head=1, extra=dict(_delete_=True, d=4))
    assert tree.merged['optimizer'] == dict(type='SGD', lr=0.1, momentum=0.9)
    # the file's own view keeps _delete_: the converter needs to see it
    assert tree.file.own['lr_config']['_delete_'] is True


def test_dict_over_a_non_dict_base_value_is_an_error(tmp_path):
    write(tmp_path, 'base.py', "optimizer_config = dict(grad_clip=None)\n")
    leaf = write(tmp_path, 'leaf.py', "_base_ = 'base.py'\n"
                 "optimizer_config = dict(grad_clip=dict(max_norm=35))\n")
    with pytest.raises(StaticConfigError) as info:
        load(leaf)
    assert info.value.key == 'optimizer_config.grad_clip'
    assert '_delete_=True' in info.value.fix


def test_base_references_both_styles(tmp_path):
    write(tmp_path, 'base.py', SCHEDULE + "model = dict(backbone=dict(depth=50))\n")
    leaf = write(tmp_path, 'leaf.py', "_base_ = ['base.py']\n"
                 "depth = {{_base_.model.backbone.depth}}\n"
                 "steps = [{{ _base_.lr_config.step }}, ({{_base_.runner}},)]\n"
                 "double = _base_.optimizer.lr * 2\n"
                 "lr_config = dict(step=[s * 2 for s in _base_.lr_config.step])\n"
                 "odd = {{_base_.runner.max_epochs}} * 2\n")
    tree = load(leaf)
    assert tree.merged['depth'] == 50
    assert tree.merged['steps'] == [[8, 11], (dict(type='EpochBasedRunner', max_epochs=12),)]
    assert tree.merged['double'] == 0.04
    assert tree.merged['lr_config']['step'] == [16, 22]
    # MMCV replaces {{_base_.x}} by a placeholder string before running the file: no maths
    assert tree.merged['odd'] == Opaque('{{_base_.runner.max_epochs}} * 2')
    # a copy: editing the leaf's value never changes the cached base
    assert tree.bases[0].merged['lr_config']['step'] == [8, 11]


@pytest.mark.parametrize('line,key', [
    ('x = {{_base_.model.neck}}', 'model.neck'),
    ('x = _base_.model.neck', 'model.neck'),
    ('x = _base_.nothing + 1', 'nothing'),
])
def test_base_reference_to_a_missing_key_is_an_error(tmp_path, line, key):
    write(tmp_path, 'base.py', "model = dict(backbone=dict(depth=50))\n")
    leaf = write(tmp_path, 'leaf.py', f"_base_ = 'base.py'\n\n{line}\n")
    with pytest.raises(StaticConfigError) as info:
        load(leaf)
    assert info.value.key == key
    assert info.value.file.startswith(leaf)


def test_attribute_base_reference_without_base_is_an_error(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "a = 1\nx = _base_.model\n")
    with pytest.raises(StaticConfigError) as info:
        load(leaf)
    assert info.value.file == f'{leaf}:2' and info.value.line == 2


def test_nested_chain_and_sibling_bases_keep_mmcv_key_order(tmp_path):
    write(tmp_path, 'a/_base_/model.py', "model = dict(depth=50)\nnorm = 'BN'\n")
    write(tmp_path, 'a/_base_/data.py', "data = dict(samples_per_gpu=2)\n")
    write(tmp_path, 'a/mid.py', "_base_ = ['./_base_/model.py', './_base_/data.py']\n"
          "mid_only = 1\ndata = dict(workers_per_gpu=4)\n")
    leaf = write(tmp_path, 'b/leaf.py', "_base_ = '../a/mid.py'\nnew = 2\n"
                 "model = dict(depth=101)\n")
    tree = load(leaf)
    assert list(tree.merged) == ['model', 'norm', 'data', 'mid_only', 'new']
    assert tree.merged['data'] == dict(samples_per_gpu=2, workers_per_gpu=4)
    assert tree.merged['model'] == dict(depth=101)
    assert [f.path.split(os.sep)[-1] for f in tree.files()] == [
        'leaf.py', 'mid.py', 'model.py', 'data.py']


def test_variables_resolve_in_file_order(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "data_root = 'data/coco/'\n"
                 "train = dict(ann=data_root + 'train.json')\ndata_root = 'other/'\n")
    tree = load(leaf)
    assert tree.merged == dict(data_root='other/', train=dict(ann='data/coco/train.json'))


def test_duplicate_key_among_sibling_bases_is_an_error(tmp_path):
    write(tmp_path, 'a.py', "optimizer = dict(lr=0.1)\n")
    write(tmp_path, 'b.py', "optimizer = dict(lr=0.2)\nx = 1\n")
    leaf = write(tmp_path, 'leaf.py', "_base_ = ['a.py', 'b.py']\n")
    with pytest.raises(StaticConfigError) as info:
        load(leaf)
    message = str(info.value)
    assert "'optimizer'" in message and 'a.py' in message and 'b.py' in message
    assert info.value.file == leaf and info.value.key == '_base_'


def test_missing_base_names_file_line_and_path(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "x = 1\n_base_ = ['./nope/missing.py']\n")
    with pytest.raises(StaticConfigError) as info:
        load(leaf)
    assert info.value.file == f'{leaf}:2'
    assert './nope/missing.py' in info.value.message
    assert str(tmp_path / 'nope' / 'missing.py') in info.value.message
    assert 'relative to the file' in info.value.fix


def test_cyclic_bases_are_an_error(tmp_path):
    write(tmp_path, 'a.py', "_base_ = 'b.py'\n")
    b = write(tmp_path, 'b.py', "_base_ = 'a.py'\n")
    with pytest.raises(StaticConfigError, match='cycle'):
        load(b)


def test_unknown_base_list_is_an_error(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "import os\n_base_ = os.environ['BASE']\n")
    with pytest.raises(StaticConfigError, match='_base_ cannot be read statically'):
        load(leaf)


def test_computed_base_list_works(tmp_path):
    write(tmp_path, '_base_/coco.py', "data = 1\n")
    leaf = write(tmp_path, 'leaf.py', "name = 'coco'\n_base_ = [f'./_base_/{name}.py']\n")
    assert load(leaf).merged == dict(data=1, name='coco')


def test_not_utf8_is_an_error_with_a_fix(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "a = 1\nname = 'caf\xe9'\n".encode('latin-1'))
    with pytest.raises(StaticConfigError) as info:
        load(leaf)
    assert 'not UTF-8' in info.value.message and info.value.line == 2
    assert info.value.fix == 'save it as UTF-8'


def test_byte_order_mark_is_an_error(tmp_path):
    leaf = write(tmp_path, 'leaf.py', b'\xef\xbb\xbfa = 1\n')
    with pytest.raises(StaticConfigError, match='byte-order mark'):
        load(leaf)


def test_crlf_file_is_read_and_its_newline_recorded(tmp_path):
    write(tmp_path, 'base.py', b"lr_config = dict(\r\n    policy='step',\r\n    step=[8, 11])\r\n")
    leaf = write(tmp_path, 'leaf.py', b"_base_ = 'base.py'\r\nlr_config = dict(step=[1])\r\n")
    tree = load(leaf)
    assert tree.merged == dict(lr_config=dict(policy='step', step=[1]))
    assert tree.file.newline == '\r\n' and tree.bases[0].file.newline == '\r\n'
    text = "_base_ = 'base.py'\r\nlr_config = dict(step=[1])\r\n"
    assert tree.file.module.code == tree.file.text == text
    assert load(write(tmp_path, 'lf.py', 'a = 1\n')).file.newline == '\n'


def test_syntax_error_names_file_line_and_column(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "a = 1\nb = dict(x=1\nc = 2\n")
    with pytest.raises(StaticConfigError) as info:
        load(leaf)
    assert info.value.line == 2 and info.value.column == 9
    assert info.value.file == f'{leaf}:2:9'
    assert info.value.message.startswith('syntax error')


def test_non_python_config_is_an_error(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "_base_ = 'base.json'\n")
    write(tmp_path, 'base.json', '{}')
    with pytest.raises(StaticConfigError, match=r'only Python \(\.py\)'):
        load(leaf)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(StaticConfigError, match='not found'):
        load(str(tmp_path / 'nothing.py'))


def test_expr_finds_literal_entries_of_the_last_assignment(tmp_path):
    leaf = write(tmp_path, 'leaf.py',
                 "optimizer = dict(type='SGD', lr=0.01)\n"
                 "optimizer = dict(type='SGD', lr=0.02, nested={'a': [1, dict(b=2)]})  # last\n"
                 "data = dict(train=dict(pipeline=[dict(type='A')]))\n"
                 "steps = [8]\nsteps += [11]\na = b = dict(x=1)\nc: dict = {'y': 2}\n")
    f = load(leaf).file
    assert f.expr(('optimizer', 'lr')).value == '0.02'
    assert f.expr(('optimizer', 'nested', 'a', 1, 'b')).value == '2'
    assert isinstance(f.expr(('data', 'train', 'pipeline')), cst.List)
    assert f.expr(('data', 'train', 'pipeline', 0, 'type')).value == "'A'"
    assert f.expr(('optimizer', 'momentum')) is None
    assert f.expr(('steps',)) is None  # last written by `+=`
    assert f.expr(('a', 'x')).value == '1' and f.expr(('b', 'x')).value == '1'
    assert f.expr(('c', 'y')).value == '2'
    assert f.expr(('nothing',)) is None
    stmt = f.statements['optimizer']
    assert isinstance(stmt, cst.SimpleStatementLine) and f.line_of(stmt) == 2
    assert f.module.code_for_node(stmt).endswith('# last\n')


def test_statements_and_in_place_edits_are_recorded(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "p = [dict(type='A')]\np.append(dict(type='B'))\n"
                 "p[0]['k'] = 1\nq = 1\nif q:\n    r = 2\n")
    f = load(leaf).file
    assert [f.line_of(s) for s in f.mutations['p']] == [2, 3]
    assert f.own['p'] == [dict(type='A', k=1), dict(type='B')]
    assert isinstance(f.statements['r'], cst.If) and 'q' not in f.mutations


def test_each_file_is_parsed_once_and_trees_are_cached(tmp_path, monkeypatch):
    write(tmp_path, '_base_/schedule.py', SCHEDULE)
    leaves = [write(tmp_path, f'leaf{i}.py', f"_base_ = './_base_/schedule.py'\nx = {i}\n")
              for i in range(5)]
    parsed = []
    real_parse = cst.parse_module
    monkeypatch.setattr(cst, 'parse_module', lambda text: parsed.append(text) or real_parse(text))
    loader = ConfigLoader()
    trees = [loader.load(p) for p in leaves]
    assert len(parsed) == 6
    assert loader.load(leaves[0]) is trees[0]
    assert all(t.bases[0] is trees[0].bases[0] for t in trees)
    # a changed base is read again, and the trees that use it are rebuilt
    base = tmp_path / '_base_' / 'schedule.py'
    base.write_text(SCHEDULE.replace('max_epochs=12', 'max_epochs=36'))
    os.utime(base, ns=(1, 1))
    again = loader.load(leaves[0])
    assert again is not trees[0] and again.merged['runner']['max_epochs'] == 36
    assert len(parsed) == 7


def test_default_loader_accepts_relative_paths(tmp_path, monkeypatch):
    write(tmp_path, 'cfg.py', "a = 1\n")
    monkeypatch.chdir(tmp_path)
    tree = load_config_tree('cfg.py')
    assert tree.file.path == str(tmp_path / 'cfg.py') and tree.merged == {'a': 1}


def test_unknown_base_value_makes_the_merge_opaque(tmp_path):
    write(tmp_path, 'base.py', "model = build()\nother = dict(a=1)\n")
    leaf = write(tmp_path, 'leaf.py', "_base_ = 'base.py'\nmodel = dict(depth=101)\n"
                 "other = dict(b=dict(c=1))\n")
    assert load(leaf).merged == dict(model=Opaque('model'), other=dict(a=1, b=dict(c=1)))


def test_reserved_key_is_an_error(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "filename = 'x'\n")
    with pytest.raises(StaticConfigError, match='reserved') as info:
        load(leaf)
    assert info.value.key == 'filename'


def test_values_handed_out_are_copies(tmp_path):
    write(tmp_path, 'base.py', SCHEDULE)
    leaf = write(tmp_path, 'leaf.py', "_base_ = 'base.py'\nrunner = dict(max_epochs=24)\n")
    loader = ConfigLoader()
    tree = loader.load(leaf)
    tree.merged['lr_config']['step'].append(99)
    tree.file.own['runner']['max_epochs'] = 1
    tree.base_merged['optimizer']['lr'] = 5
    other = write(tmp_path, 'other.py', "_base_ = 'base.py'\n")
    assert loader.load(other).merged['lr_config']['step'] == [8, 11]
    assert loader.load(other).merged['optimizer']['lr'] == 0.02
    assert tree.bases[0].merged['lr_config']['step'] == [8, 11]


def test_iterators_and_builtins_bound_to_names_are_opaque(tmp_path):
    leaf = write(tmp_path, 'leaf.py', "g = (i for i in range(3))\nf = len\nn = f([1])\n")
    assert load(leaf).merged == dict(g=Opaque('g'), f=Opaque('len'), n=1)
