"""`migrate convert --in-place` is resumable: a run stopped at any write finishes, when run
again, the same tree as one uninterrupted run; leftovers are removed; a converted tree converts
to itself. (The subprocess kill test is test_convert_in_place_kill.py.)"""
import json
import os
import shutil

import pytest

import migrate.convert.inplace as inplace
from engine.errors import ConfigError
from migrate.convert.driver import ConvertOptions, collect_files, run_convert
from migrate.rules import select_rules

HERE = os.path.dirname(os.path.abspath(__file__))
LEGACY = os.path.join(HERE, '..', '..', '..', 'fixtures', 'legacy')
MMDET = os.path.join(LEGACY, 'mmdet')   # self-contained, 28 files, bases 4 deep


class Stop(BaseException):
    """Stands for a kill: nothing after it runs (not even ``except Exception``)."""


def in_place(src, **kw):
    messages = []
    run_convert(str(src), ConvertOptions(in_place=True, progress=False, **kw),
                echo=messages.append)
    return messages


def snapshot(root):
    """Every file under ``root`` (hidden ones included) and its bytes."""
    out = {}
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, 'rb') as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def copy(src, dst):
    shutil.copytree(src, dst)
    return dst


@pytest.fixture(scope='module')
def mmdet_reference(tmp_path_factory):
    root = copy(MMDET, tmp_path_factory.mktemp('ref') / 'mmdet')
    in_place(root)
    return snapshot(root)


def stop_now(*args):
    raise Stop


def stop_at_write(monkeypatch, n):
    """The ``n``-th durable write of the run (1: the journal) never happens."""
    real = inplace.atomic_write_bytes
    count = [0]

    def write(path, data, **kw):
        count[0] += 1
        if count[0] == n:
            raise Stop
        real(path, data, **kw)
    monkeypatch.setattr(inplace, 'atomic_write_bytes', write)


def test_a_half_converted_tree_is_what_the_journal_prevents(tmp_path, mmdet_reference):
    # Without the journal a rerun reads converted bases as new-style ones and loses settings:
    # the failure this module exists for (keep it visible, so the tests below mean something).
    root = copy(MMDET, tmp_path / 'mmdet')
    results = run_convert(str(root), ConvertOptions(check=True, progress=False)).changed
    bases = [r for r in results if '_base_' in r.path]
    for r in bases:
        with open(r.path, 'w', newline='') as f:
            f.write(r.text_out)
    in_place(root)
    assert snapshot(root) != mmdet_reference


@pytest.mark.parametrize('stop', [1, 2, 3, 12, 'last', 'journal removal'])
def test_rerun_after_a_stop_finishes_the_uninterrupted_tree(tmp_path, monkeypatch, stop,
                                                            mmdet_reference):
    root = copy(MMDET, tmp_path / 'mmdet')
    changed = len(run_convert(str(root), ConvertOptions(check=True, progress=False)).changed)
    with monkeypatch.context() as m:
        if stop == 'journal removal':
            m.setattr(inplace, '_remove_journal', stop_now)
        else:
            stop_at_write(m, 1 + changed if stop == 'last' else stop)
        with pytest.raises(Stop):
            in_place(root)
    journal = root / inplace.JOURNAL_NAME
    assert journal.exists() == (stop != 1)
    if stop not in (1, 2):
        assert snapshot(root) != mmdet_reference   # some files rewritten, the rest not yet
    messages = in_place(root)
    assert snapshot(root) == mmdet_reference
    assert (stop == 1) != any('resuming an interrupted' in m for m in messages)


def test_stops_during_the_resume_itself(tmp_path, monkeypatch, mmdet_reference):
    root = copy(MMDET, tmp_path / 'mmdet')
    with monkeypatch.context() as m:
        stop_at_write(m, 10)
        with pytest.raises(Stop):
            in_place(root)
    with monkeypatch.context() as m:
        stop_at_write(m, 4)   # while putting the original texts back
        with pytest.raises(Stop):
            in_place(root)
    with monkeypatch.context() as m:
        stop_at_write(m, 20)  # while writing again
        with pytest.raises(Stop):
            in_place(root)
    # the first run wrote 8 files; the second put 3 back; the third put the other 5 back,
    # wrote its journal and 13 files, which the last run puts back before writing them again
    messages = in_place(root)
    assert any('13 file(s) put back to their original text' in m for m in messages), messages
    assert snapshot(root) == mmdet_reference


def test_leftover_partials_are_removed_and_nothing_else(tmp_path, mmdet_reference):
    root = copy(MMDET, tmp_path / 'mmdet')
    ours = [root / '_base_' / '.default_runtime.py.0a1b2c3d.partial',
            root / 'faster_rcnn' / '.faster_rcnn_r50_fpn_1x_coco.py.deadbeef.partial',
            root / f'.{inplace.JOURNAL_NAME}.12345678.partial']
    not_ours = [root / 'notes.partial',                         # not a temporary name
                root / '.data.json.0a1b2c3d.partial',           # not a config's
                root / '_base_' / f'.{inplace.JOURNAL_NAME}.12345678.partial',  # not the root
                root / '.git' / '.x.py.0a1b2c3d.partial']       # a skipped folder
    (root / '.git').mkdir()
    for path in ours + not_ours:
        path.write_text('torn')
    messages = in_place(root)
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in not_ours)
    assert 'removed 3 temporary file(s) left by an interrupted write' in messages
    for path in not_ours:
        path.unlink()
    assert snapshot(root) == mmdet_reference


def test_single_file_in_place_removes_its_own_partials_and_writes_no_journal(tmp_path):
    cfg = tmp_path / 'a.py'
    cfg.write_text("runner = dict(type='EpochBasedRunner', max_epochs=2)\n")
    mine = tmp_path / '.a.py.0a1b2c3d.partial'
    other = tmp_path / '.b.py.0a1b2c3d.partial'
    mine.write_text('torn')
    other.write_text('torn')
    in_place(cfg)
    assert 'train_cfg' in cfg.read_text()
    assert not mine.exists() and other.exists()
    assert not (tmp_path / inplace.JOURNAL_NAME).exists()


def interrupted(tmp_path, monkeypatch, at=8):
    root = copy(MMDET, tmp_path / 'mmdet')
    with monkeypatch.context() as m:
        stop_at_write(m, at)
        with pytest.raises(Stop):
            in_place(root)
    return root


def test_a_file_edited_after_the_stop_stops_the_resume(tmp_path, monkeypatch):
    root = interrupted(tmp_path, monkeypatch)
    journal = json.loads((root / inplace.JOURNAL_NAME).read_text())
    first = root / journal['files'][0]['file']     # written before the stop
    last = root / journal['files'][-1]['file']     # not written yet
    first.write_text(first.read_text() + 'extra = 1\n')
    before = snapshot(root)
    with pytest.raises(ConfigError) as err:
        in_place(root)
    text = str(err.value)
    assert str(first) in text and 'was edited' in text and inplace.JOURNAL_NAME in text
    assert snapshot(root) == before       # nothing put back, nothing written
    first.unlink()
    with pytest.raises(ConfigError, match='is missing'):
        in_place(root)
    assert last.read_text() == journal['files'][-1]['original']


def test_the_cli_names_the_edited_file_instead_of_a_traceback(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from migrate.cli import main
    root = interrupted(tmp_path, monkeypatch)
    entry = json.loads((root / inplace.JOURNAL_NAME).read_text())['files'][0]
    (root / entry['file']).write_text('edited = 1\n')
    res = CliRunner().invoke(main, ['convert', str(root), '--in-place'])
    assert res.exit_code == 2 and 'Traceback' not in res.output
    assert entry['file'] in res.output and 'fix:' in res.output


@pytest.mark.parametrize('content', ['{"version": 1, "files": [', '[]',
                                     '{"version": 1, "files": [{"file": "../x.py", '
                                     '"original": "", "converted_sha256": ""}]}',
                                     '{"version": 1, "files": [{"file": "x.py", '
                                     '"original_base64": "***", "converted_sha256": ""}]}'])
def test_a_damaged_journal_is_reported_not_followed(tmp_path, content):
    root = copy(MMDET, tmp_path / 'mmdet')
    (root / inplace.JOURNAL_NAME).write_text(content)
    before = snapshot(root)
    with pytest.raises(ConfigError, match='journal') as err:
        in_place(root)
    assert str(root / inplace.JOURNAL_NAME) in str(err.value)
    assert snapshot(root) == before


@pytest.mark.parametrize('mode', ['check', 'diff', 'output', 'report', 'file', 'in-place-check',
                                  'parent tree', 'subtree'])
def test_other_runs_refuse_a_half_converted_tree(tmp_path, monkeypatch, mode):
    root = interrupted(tmp_path, monkeypatch)
    before = snapshot(tmp_path)
    leaf = str(root / 'faster_rcnn' / 'faster_rcnn_r50_fpn_2x_coco.py')
    src, options = str(root), dict(progress=False)
    if mode in ('check', 'diff'):
        options[mode] = True
    elif mode == 'output':
        options['output'] = str(tmp_path / 'out')
    elif mode == 'report':
        options['report'] = str(tmp_path / 'report.json')
    elif mode == 'file':
        src = leaf
    elif mode == 'in-place-check':
        options.update(in_place=True, check=True)
    elif mode == 'parent tree':   # the journal is in a folder below
        src, options['in_place'] = str(tmp_path), True
    else:                          # the journal is in a folder above
        src, options['in_place'] = str(root / 'faster_rcnn'), True
    with pytest.raises(ConfigError, match='half converted') as err:
        run_convert(src, ConvertOptions(**options), echo=lambda s: None)
    assert f'migrate convert {root} --in-place' in str(err.value)
    assert snapshot(tmp_path) == before


def test_a_rerun_with_other_options_converts_the_originals_with_those(tmp_path, monkeypatch):
    root = interrupted(tmp_path, monkeypatch, at=15)
    reference = copy(MMDET, tmp_path / 'reference')
    in_place(reference, target='engine', epoch_len=50)
    messages = in_place(root, target='engine', epoch_len=50)
    assert any('with other options' in m and 'target=mmengine' in m for m in messages)
    assert snapshot(root) == snapshot(reference)


def test_a_failed_write_names_the_file_and_the_rerun_finishes(tmp_path, monkeypatch,
                                                              mmdet_reference):
    root = copy(MMDET, tmp_path / 'mmdet')
    real = inplace.atomic_write_bytes
    count = [0]

    def write(path, data, **kw):
        count[0] += 1
        if count[0] == 5:
            raise PermissionError(13, 'Permission denied', path)
        real(path, data, **kw)
    with monkeypatch.context() as m:
        m.setattr(inplace, 'atomic_write_bytes', write)
        with pytest.raises(ConfigError, match='Permission denied') as err:
            in_place(root)
    assert 'run the same command again' in str(err.value)
    assert (root / inplace.JOURNAL_NAME).exists()
    in_place(root)
    assert snapshot(root) == mmdet_reference


# -- a converted tree converts to itself ------------------------------------------------------
NEW_STYLE_BASE = """\
default_scope = None
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=2)
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=2))
"""
LEGACY_BASE = """\
optimizer = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001)
optimizer_config = dict(grad_clip=None)
lr_config = dict(policy='step', warmup='linear', warmup_iters=500, warmup_ratio=0.001,
                 step=[8, 11])
runner = dict(type='EpochBasedRunner', max_epochs=12)
"""
LEAF_ON_BOTH = """\
_base_ = ['../_base_/new_style.py', '../_base_/schedule.py']
evaluation = dict(interval=3)
"""
LEAF_ON_NEW = """\
_base_ = '../_base_/new_style.py'
log_config = dict(interval=10, hooks=[dict(type='TextLoggerHook')])
"""


def mixed_tree(root):
    """New-style files (written by hand, not by us) that legacy leaves inherit."""
    (root / '_base_').mkdir(parents=True)
    (root / 'det').mkdir()
    (root / '_base_' / 'new_style.py').write_text(NEW_STYLE_BASE)
    (root / '_base_' / 'schedule.py').write_text(LEGACY_BASE)
    (root / 'det' / 'on_both.py').write_text(LEAF_ON_BOTH)
    (root / 'det' / 'on_new.py').write_text(LEAF_ON_NEW)
    return root


def test_a_tree_with_new_style_files_resumes_to_the_uninterrupted_tree(tmp_path, monkeypatch):
    reference = mixed_tree(tmp_path / 'reference')
    in_place(reference)
    want = snapshot(reference)
    assert want['_base_/new_style.py'] == NEW_STYLE_BASE.encode()   # already new: untouched
    assert 'evaluation' not in want['det/on_both.py'].decode()
    for at in range(2, 5):   # the journal, then one file after the other
        root = mixed_tree(tmp_path / f'stopped{at}')
        with monkeypatch.context() as m:
            stop_at_write(m, at)
            with pytest.raises(Stop):
                in_place(root)
        in_place(root)
        assert snapshot(root) == want, at
    in_place(reference)
    assert snapshot(reference) == want


@pytest.fixture(scope='module')
def converted_fixture_tree(tmp_path_factory):
    root = copy(LEGACY, tmp_path_factory.mktemp('fixtures') / 'legacy')
    in_place(root)
    return root, snapshot(root)


def test_the_fixture_tree_in_place_twice_is_byte_identical(converted_fixture_tree):
    root, once = converted_fixture_tree
    assert once != snapshot(LEGACY)
    assert not any(name.endswith('.partial') or inplace.JOURNAL_NAME in name for name in once)
    in_place(root)
    assert snapshot(root) == once


def test_each_converted_fixture_file_converted_on_its_own_gives_itself(converted_fixture_tree):
    root, _ = converted_fixture_tree
    rules = select_rules([], [])
    for path in collect_files(str(root)):
        result = run_convert(path, ConvertOptions(check=True, progress=False, rules=rules),
                             echo=lambda s: None).results[0]
        assert result.error is None and not result.changed, path


def test_a_second_run_on_the_converted_tree_reports_no_error(converted_fixture_tree):
    root, _ = converted_fixture_tree
    run = run_convert(str(root), ConvertOptions(check=True, progress=False),
                      echo=lambda s: None)
    assert not run.changed
    assert [r.error_messages for r in run.errors] == []


def test_in_place_keeps_each_file_s_permissions(tmp_path):
    root = mixed_tree(tmp_path / 'cfgs')
    leaf = root / 'det' / 'on_both.py'
    os.chmod(leaf, 0o600)
    os.chmod(root / '_base_' / 'schedule.py', 0o640)
    in_place(root)
    assert 'evaluation' not in leaf.read_text()
    assert oct(leaf.stat().st_mode & 0o777) == oct(0o600)
    assert oct((root / '_base_' / 'schedule.py').stat().st_mode & 0o777) == oct(0o640)


def test_the_journal_keeps_the_bytes_on_disk_not_the_text_the_converter_read(tmp_path,
                                                                              monkeypatch):
    # the reader may normalise what it parses (a lone '\r'); what is put back is the file
    from types import SimpleNamespace
    on_disk = {'a.py': b'a = 1\r# old Mac line end\rb = 2\n',
               'b.py': 'c = 3  # caf\xe9\n'.encode('latin-1')}   # no UTF-8: kept as base64
    results = []
    for name, data in on_disk.items():
        (tmp_path / name).write_bytes(data)
        results.append(SimpleNamespace(path=str(tmp_path / name), text_in='normalised\n',
                                       text_out=f'converted = {name!r}\n'))
    options = {'target': 'mmengine', 'epoch_len': None, 'rules': []}
    with monkeypatch.context() as m:
        m.setattr(inplace, '_remove_journal', stop_now)   # stopped after both writes
        with pytest.raises(Stop):
            inplace.write_tree(str(tmp_path), results, options)
    assert (tmp_path / 'a.py').read_text() == "converted = 'a.py'\n"
    assert inplace.resume(str(tmp_path), lambda s: None, options) == 2
    assert {name: (tmp_path / name).read_bytes() for name in on_disk} == on_disk
