"""Progress lines on stderr name the pass they count: reading, converting, writing."""
import os
import re

from migrate.convert.driver import ConvertOptions, run_convert

LEGACY = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'fixtures', 'legacy')


def _count(tree):
    return sum(name.endswith('.py') for _, _, names in os.walk(tree) for name in names)


TOTAL = _count(LEGACY)


def _lines(src, **options):
    lines = []
    run_convert(src, ConvertOptions(**options), echo=lines.append)
    return [re.sub(r', \d+\.\d s$', ', <t> s', line) for line in lines]


def test_each_pass_says_what_it_counts(tmp_path):
    out = str(tmp_path / 'out')
    hundreds = [f'{n}/{TOTAL}' for n in range(100, TOTAL, 100)] + [f'{TOTAL}/{TOTAL}']
    assert TOTAL > 100
    assert _lines(LEGACY, output=out) == (
        [f'reading {n}, <t> s' for n in hundreds] + [f'converting {n}, <t> s' for n in hundreds]
        # two sibling bases of the tree both lead to a key: their children write it instead
        + [f'converting again (sibling bases collided) {n}, <t> s' for n in hundreds]
        + [f'writing {out}', f'wrote {out}'])


def test_check_writes_nothing_and_says_no_writing():
    assert _lines(LEGACY, check=True)[-1] == \
        f'converting again (sibling bases collided) {TOTAL}/{TOTAL}, <t> s'


def test_small_runs_and_quiet_runs_print_no_progress(tmp_path):
    (tmp_path / 'a.py').write_text("workflow = [('train', 1)]\n")
    assert _lines(str(tmp_path), check=True) == []
    assert _lines(LEGACY, check=True, progress=False) == []
