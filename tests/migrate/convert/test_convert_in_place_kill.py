"""SIGKILL `migrate convert --in-place` on a copy of the fixture tree at random moments (start-up,
conversion, journal, writes, journal removal, and during the resume of an earlier kill): the
rerun must finish exactly the tree of one uninterrupted run, with no `.partial` or journal
left. The write phase is widened with the test-only pause of migrate/convert/inplace.py, which
sleeps inside each write while its temporary file exists. The runs use a copy of the packages
taken at the start, so that edits to the working tree during the test cannot change the
converter between the reference run and the killed ones."""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from engine.fileio import partial_target
from migrate.convert.inplace import JOURNAL_NAME, PAUSE_ENV

pytestmark = pytest.mark.slow

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
LEGACY = os.path.join(REPO, 'fixtures', 'legacy')
EPISODES = 4            # fresh copies of the legacy tree, each finished by a rerun
KILLS_PER_EPISODE = 6   # kills in a row (later ones land in the resume of earlier ones)
PAUSE = 0.004           # seconds inside each write: ~0.5 s of writes for ~115 files
PACKAGES = ('engine', 'compat', 'migrate')   # setup.cfg's packages


def freeze_code(dst):
    """A copy of our packages: `python -m` run in ``dst`` imports these before the
    editable install (the working tree)."""
    for package in PACKAGES:
        shutil.copytree(os.path.join(REPO, package), dst / package,
                        ignore=shutil.ignore_patterns('__pycache__'))
    return dst


def start(code, root, pause=PAUSE, stderr=subprocess.DEVNULL):
    env = dict(os.environ, **{PAUSE_ENV: str(pause)})
    return subprocess.Popen([sys.executable, '-m', 'migrate.cli', 'convert', str(root),
                             '--in-place', '-q'], cwd=str(code), env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr)


def snapshot(root):
    out = {}
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, 'rb') as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def leftovers(root):
    return [name for name in snapshot(root)
            if partial_target(os.path.basename(name)) or os.path.basename(name) == JOURNAL_NAME]


def kill_at_random(code, root, rng, full_run, writes):
    """Start a run and SIGKILL it: at a random moment of a whole run, or at a random moment
    after its journal appeared (the write phase). What the kill interrupted."""
    journal = os.path.join(root, JOURNAL_NAME)
    had_journal = os.path.exists(journal)   # then the run starts by resuming
    proc = start(code, root)
    began = time.monotonic()
    if rng.random() < 0.5:
        time.sleep(rng.uniform(0, full_run))
    else:
        while proc.poll() is None and (had_journal or not os.path.exists(journal)) \
                and time.monotonic() - began < 2 * full_run + 5:
            time.sleep(0.002)
            if had_journal and time.monotonic() - began > full_run / 2:
                break
        time.sleep(rng.uniform(0, writes * PAUSE))
    writing = os.path.exists(journal)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.returncode != -signal.SIGKILL:
        return 'finished'
    return 'writes' if writing else 'before writes'


def test_kills_at_random_moments_then_rerun_give_the_uninterrupted_tree(tmp_path):
    code = freeze_code(tmp_path / 'code')
    pristine = tmp_path / 'legacy'     # one copy: every episode starts from the same bytes
    shutil.copytree(LEGACY, pristine)
    reference = tmp_path / 'reference'
    shutil.copytree(pristine, reference)
    began = time.monotonic()
    ref_proc = start(code, reference)
    ref_proc.wait()
    full_run = time.monotonic() - began
    want, legacy = snapshot(reference), snapshot(pristine)
    assert want != legacy and not leftovers(reference)
    writes = sum(want[name] != legacy[name] for name in legacy)

    seed = int(os.environ.get('KILL_TEST_SEED', '20240611'))
    rng = random.Random(seed)
    outcomes, torn = [], 0
    for episode in range(EPISODES):
        root = tmp_path / f'episode{episode}'
        shutil.copytree(pristine, root)
        killed = 0
        for _ in range(2 * KILLS_PER_EPISODE):   # a run may finish before its kill
            outcome = kill_at_random(code, root, rng, full_run, writes)
            outcomes.append(outcome)
            state = snapshot(root)
            torn += any(partial_target(os.path.basename(n)) for n in state)
            # a killed run leaves every config either as it was or as converted, never torn
            for name, data in state.items():
                if name.endswith('.py'):
                    assert data in (want[name], legacy[name]), (seed, outcomes, name)
            killed += outcome != 'finished'
            if killed == KILLS_PER_EPISODE:
                break
        converted_already = snapshot(root) == want
        rerun = start(code, root, pause=0, stderr=subprocess.PIPE)
        errors = rerun.communicate()[1].decode()
        assert 'Traceback' not in errors, (seed, errors)
        # a rerun on a tree the killed run had finished converts nothing and exits 0
        expected_status = 0 if converted_already else ref_proc.returncode
        assert rerun.returncode == expected_status, (seed, errors[-3000:])
        assert not leftovers(root), (seed, leftovers(root))
        assert snapshot(root) == want, seed
    kills = len(outcomes) - outcomes.count('finished')
    assert kills >= 20, (seed, outcomes)
    assert outcomes.count('writes') >= 8, (seed, outcomes)   # the phase that matters most
    assert torn >= 1, (seed, outcomes)                        # cleanup was needed, and done
