"""The converter runs with the cycle collector off (``run_convert``): that is only safe while
converting leaves no cyclic garbage behind, which this checks on the whole fixture tree (all
rules, every schedule kind, bases shared by many leaves) and on files that fail. The one
exception is the standard library's ``ast.literal_eval`` (a few small closures per call,
for unusual string literals), which does not grow with the size of the files."""
from __future__ import annotations

import gc
import pathlib

from migrate.convert.driver import ConvertOptions, run_convert
from migrate.schedule_map.memo import clear_schedule_memos

ROOT = pathlib.Path(__file__).resolve().parents[3]


def _garbage_cycles_of(run) -> list:
    """What the cycle collector would free after ``run()`` (types of the objects, except
    ``ast.literal_eval``'s own closures and their cells and tuples)."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = run()
        gc.collect()
        found = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert result is not None
    # literal_eval's nested functions refer to each other through closure cells
    ast_functions = {id(o) for o in found
                     if type(o).__name__ == 'function' and o.__module__ == 'ast'}
    ast_cells = {id(o) for o in found
                 if type(o).__name__ == 'cell' and id(o.cell_contents) in ast_functions}
    closures = {id(o) for o in found
                if isinstance(o, tuple) and o and all(id(c) in ast_cells for c in o)}
    ignored = ast_functions | ast_cells | closures
    kept = [f'{type(o).__module__}.{type(o).__qualname__}' for o in found
            if id(o) not in ignored]
    return kept


def test_converting_the_fixture_tree_leaves_no_cyclic_garbage(tmp_path):
    clear_schedule_memos()
    found = _garbage_cycles_of(lambda: run_convert(
        str(ROOT / 'fixtures' / 'legacy'), ConvertOptions(output=str(tmp_path / 'out'),
                                                          progress=False),
        echo=lambda line: None))
    assert found == []


def test_files_that_fail_leave_no_cyclic_garbage(tmp_path):
    tree = tmp_path / 'tree'
    tree.mkdir()
    (tree / 'broken.py').write_text('lr_config = dict(policy=\n')
    (tree / 'missing_base.py').write_text("_base_ = './nowhere.py'\nlr_config = dict(step=[8])\n")
    (tree / 'bad_policy.py').write_text("lr_config = dict(policy='nonsense')\n"
                                        "runner = dict(type='EpochBasedRunner', max_epochs=2)\n")
    run = None

    def convert():
        nonlocal run
        run = run_convert(str(tree), ConvertOptions(output=str(tmp_path / 'out'),
                                                    progress=False), echo=lambda line: None)
        return run

    assert _garbage_cycles_of(convert) == []
    assert len(run.errors) >= 2


def test_the_collector_is_back_on_afterwards(tmp_path):
    assert gc.isenabled()
    run_convert(str(ROOT / 'fixtures' / 'legacy' / 'mmdet' / '_base_'),
                ConvertOptions(output=str(tmp_path / 'out'), progress=False),
                echo=lambda line: None)
    assert gc.isenabled()
