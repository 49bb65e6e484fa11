"""Text-only guesses of ``_base_`` files: the tree converter keeps these parsed."""
from __future__ import annotations

import os
import pathlib

import libcst

from migrate.convert.driver import ConvertOptions, run_convert
from migrate.static.base_hints import base_paths_in, likely_bases

ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_single_string_list_across_lines_and_double_quotes():
    assert base_paths_in("_base_ = './a.py'\n", '/r/x/f.py') == ['/r/x/a.py']
    text = '_base_ = [\n    "../_base_/m.py",  # model\n    \'./d.py\',\n]\nlr = 1\n'
    assert base_paths_in(text, '/r/x/f.py') == ['/r/_base_/m.py', '/r/x/d.py']
    assert base_paths_in("_base_ = ('./a.py', './b.py')\n", '/r/f.py') == ['/r/a.py', '/r/b.py']


def test_no_base_assignment_and_indented_or_other_names_are_ignored():
    assert base_paths_in("x = '_base_'\n", '/r/f.py') == []
    assert base_paths_in("if True:\n    _base_ = './a.py'\n", '/r/f.py') == []
    assert base_paths_in("my_base_ = './a.py'\n", '/r/f.py') == []


def test_likely_bases_of_the_fixture_tree_are_its_bases(tmp_path):
    files = sorted(str(p) for p in (ROOT / 'fixtures' / 'legacy').rglob('*.py'))
    hinted = likely_bases(files + [str(tmp_path / 'missing.py')])
    assert os.path.abspath(ROOT / 'fixtures/legacy/mmdet/faster_rcnn/'
                           'faster_rcnn_r50_fpn_1x_coco.py') in hinted
    assert all(os.path.isfile(p) for p in hinted)
    assert not any(p.endswith('faster_rcnn_r101_fpn_mstrain_3x_coco.py') for p in hinted)


def test_a_tree_run_parses_each_file_once(tmp_path, monkeypatch):
    parsed = []
    real = libcst.parse_module
    monkeypatch.setattr(libcst, 'parse_module', lambda text, *a, **k: parsed.append(1) or
                        real(text, *a, **k))
    src = ROOT / 'fixtures' / 'legacy' / 'mmdet'
    run = run_convert(str(src), ConvertOptions(output=str(tmp_path / 'out'), progress=False),
                      echo=lambda line: None)
    assert not run.errors
    assert len(parsed) == len(run.results)
