"""A tree run keeps only bases parsed: a converted leaf's parse is released, and a later file
that names it as a base has it parsed again, with the same results as when nothing is
released."""
from __future__ import annotations

import os
import pathlib

from migrate.convert.converter import Converter
from migrate.convert.driver import ConvertOptions, run_convert

ROOT = pathlib.Path(__file__).resolve().parents[3]
FASTER = ROOT / 'fixtures' / 'legacy' / 'mmdet' / 'faster_rcnn'
R50_1X = str(FASTER / 'faster_rcnn_r50_fpn_1x_coco.py')
R50_3X = str(FASTER / 'faster_rcnn_r50_fpn_mstrain_3x_coco.py')     # _base_ = r50 1x


def _outputs(converter, paths):
    return {p: (converter.results[os.path.abspath(p)].text_out,
                converter.converted_view(p)) for p in paths}


def test_a_released_leaf_used_later_as_a_base_is_parsed_again():
    kept = Converter()
    for path in (R50_1X, R50_3X):
        kept.convert(path)
    released = Converter()
    released.convert(R50_1X)
    assert released.release(R50_1X) is True
    assert os.path.abspath(R50_1X) not in released.loader._trees
    released.convert(R50_3X)           # loads r50 1x again as its base
    assert os.path.abspath(R50_1X) in released.loader._trees
    assert released.release(R50_1X) is False    # now a base: kept
    assert _outputs(released, [R50_1X, R50_3X]) == _outputs(kept, [R50_1X, R50_3X])


def test_bases_and_unconverted_files_are_not_released():
    converter = Converter()
    converter.convert(R50_1X)
    base = os.path.abspath(converter._bases_of[os.path.abspath(R50_1X)][0])
    assert converter.release(base) is False
    assert converter.release(R50_3X) is False     # not converted


def test_a_tree_run_holds_only_bases_parsed(tmp_path):
    src = ROOT / 'fixtures' / 'legacy' / 'mmdet'
    run = run_convert(str(src), ConvertOptions(output=str(tmp_path / 'out'), progress=False),
                      echo=lambda line: None)
    # every file converted (a meaning-check failure is reported, not a failed conversion)
    assert not [r for r in run.results if r.error]
    # the run's converter is gone; a fresh one shows which files are bases
    converter = Converter()
    for result in run.results:
        converter.convert(result.path)
        converter.release(result.path)
    held = set(converter.loader._trees)
    bases = {b for bs in converter._bases_of.values() for b in bs}
    assert held == bases and len(held) < len(run.results)
