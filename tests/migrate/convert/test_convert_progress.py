"""Progress lines on stderr name the pass they count: reading, converting, writing."""
import os
import re

from migrate.convert.driver import ConvertOptions, run_convert

LEGACY = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'fixtures', 'legacy')


def _lines(src, **options):
    lines = []
    run_convert(src, ConvertOptions(**options), echo=lines.append)
    return [re.sub(r', \d+\.\d s$', ', <t> s', line) for line in lines]


def test_each_pass_says_what_it_counts(tmp_path):
    out = str(tmp_path / 'out')
    assert _lines(LEGACY, output=out) == [
        'reading 100/137, <t> s', 'reading 137/137, <t> s',
        'converting 100/137, <t> s', 'converting 137/137, <t> s',
        # two sibling bases of the tree both lead to a key: their children write it instead
        'converting again (sibling bases collided) 100/137, <t> s',
        'converting again (sibling bases collided) 137/137, <t> s',
        f'writing {out}', f'wrote {out}']


def test_check_writes_nothing_and_says_no_writing():
    assert _lines(LEGACY, check=True)[-1] == \
        'converting again (sibling bases collided) 137/137, <t> s'


def test_small_runs_and_quiet_runs_print_no_progress(tmp_path):
    (tmp_path / 'a.py').write_text("workflow = [('train', 1)]\n")
    assert _lines(str(tmp_path), check=True) == []
    assert _lines(LEGACY, check=True, progress=False) == []
