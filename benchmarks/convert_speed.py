"""Conversion throughput: ``migrate convert`` on a generated tree of 1,000+ legacy configs,
beside bare libcst parse-and-print of the same files (the floor any libcst tool pays).

The tree is generated from the shipped fixture tree (``fixtures/legacy``): every leaf is
copied N times under ``variant_<k>/`` with its numbers varied (lr, epochs, steps, intervals),
so bases are shared the way real codebases share them. Both measurements run in this process,
on one core, after one untimed warm-up; each conversion is timed between two libcst passes and
the median ratio of these neighbours is reported (with its range: shared machines drift).

    python benchmarks/convert_speed.py [--copies 14] [--repeats 5] [--json OUT]

``converted files/s`` counts every config file of the tree (bases included) converted and
written to a fresh output tree, with the converter's schedule memos cleared before each timed
run (a cold process but for imports); ``libcst files/s`` is ``libcst.parse_module(text).code``
on each file. Target: converter >= 0.5 x libcst.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, ROOT)
FIXTURES = os.path.join(ROOT, 'fixtures', 'legacy')


def generate_tree(dst: str, copies: int, seed: int = 0) -> int:
    """Copy the fixture tree, then ``copies`` varied copies of every leaf; return file count."""
    rng = random.Random(seed)
    shutil.copytree(FIXTURES, dst)
    leaves = []
    for dirpath, dirnames, filenames in os.walk(FIXTURES):
        dirnames[:] = [d for d in dirnames if d != '_base_']
        leaves.extend(os.path.join(dirpath, f) for f in filenames if f.endswith('.py'))
    for k in range(copies):
        for leaf in leaves:
            rel = os.path.relpath(leaf, FIXTURES)
            folder = os.path.join(dst, os.path.dirname(rel), f'variant_{k}')
            os.makedirs(folder, exist_ok=True)
            with open(leaf, encoding='utf-8', newline='') as f:
                text = f.read()
            text = _rebase(text)
            newline = '\r\n' if '\r\n' in text else '\n'
            text += _variation(rng, text).replace('\n', newline)
            with open(os.path.join(folder, os.path.basename(rel)), 'w', encoding='utf-8',
                      newline='') as f:
                f.write(text)
    return sum(len([f for f in fs if f.endswith('.py')]) for _, _, fs in os.walk(dst))


def _rebase(text: str) -> str:
    """One folder deeper: './x' becomes '../x' and '../x' becomes '../../x' in strings."""
    return re.sub(r"(['\"])(\.\.?/)",
                  lambda m: m.group(1) + ('../' if m.group(2) == './' else '../../'), text)


def _variation(rng: random.Random, text: str) -> str:
    """A leaf-level override, as users write them (a new lr re-derives the schedule check).
    A leaf that writes its own optimizer gets the other kind: a second ``optimizer = dict(lr=
    ...)`` in the same file would replace it whole, not merge into it."""
    if rng.random() < 0.5 or re.search(r'^optimizer\s*=', text, re.M):
        return (f'\n# generated variation\nlog_config = dict(interval={rng.choice([10, 20])})\n'
                f'checkpoint_config = dict(interval={rng.choice([1, 2, 5])})\n')
    return f'\n# generated variation\noptimizer = dict(lr={rng.choice([0.01, 0.02, 0.04])})\n'


def files_of(tree: str):
    out = []
    for dirpath, _, filenames in os.walk(tree):
        out.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith('.py'))
    return sorted(out)


def time_libcst(files) -> float:
    import libcst as cst
    start = time.perf_counter()
    for path in files:
        with open(path, encoding='utf-8', newline='') as f:
            text = f.read()
        cst.parse_module(text).code
    return time.perf_counter() - start


def time_convert(tree: str, out: str) -> tuple:
    from migrate.convert.driver import ConvertOptions, run_convert
    from migrate.schedule_map.memo import clear_schedule_memos
    if os.path.exists(out):
        raise ValueError(f'{out} exists: each timed run writes a new tree')
    clear_schedule_memos()   # as cold as a new process, imports aside
    start = time.perf_counter()
    run = run_convert(tree, ConvertOptions(output=out, progress=False), echo=lambda s: None)
    return time.perf_counter() - start, run


def _convert_once(tree: str, out: str) -> tuple:
    """Seconds and error count; the run's results are dropped here, as a process ends, so the
    next timed run does not carry the previous one's heap (its GC passes would scan it)."""
    seconds, run = time_convert(tree, out)
    return seconds, len(run.errors)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--copies', type=int, default=14,
                        help='varied copies of every leaf (default 14: 1,343 files today)')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--json', help='write the results here')
    args = parser.parse_args(argv)
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    with tempfile.TemporaryDirectory(prefix='convert-speed-') as tmp:
        tree = os.path.join(tmp, 'legacy')
        n_files = generate_tree(tree, args.copies)
        files = files_of(tree)
        time_libcst(files[:50])
        _convert_once(tree, os.path.join(tmp, 'warm'))
        libcst_s, convert_s, ratios, errors = [], [], [], 0
        for k in range(args.repeats):
            # libcst before and after each conversion: a shared machine drifts, and the ratio
            # of neighbouring runs is steadier than the ratio of separate medians
            before = time_libcst(files)
            # a new output folder each time: deleting the last tree right before writing
            # the next one made the file system (ext4 here) several times slower to create
            # files, which no user converting a tree meets
            seconds, errors = _convert_once(tree, os.path.join(tmp, f'out_{k}'))
            after = time_libcst(files)
            libcst_s += [before, after]
            convert_s.append(seconds)
            ratios.append((before + after) / 2 / seconds)
    result = {
        'files': n_files,
        'libcst_files_per_s': n_files / statistics.median(libcst_s),
        'convert_files_per_s': n_files / statistics.median(convert_s),
        'ratio': statistics.median(ratios),
        'ratios': ratios,
        'conversion_errors': errors,
        'python': sys.version.split()[0],
    }
    print(f"{n_files} files: migrate convert {result['convert_files_per_s']:.0f} files/s, "
          f"libcst parse+print {result['libcst_files_per_s']:.0f} files/s, "
          f"ratio {result['ratio']:.2f} (median of {len(ratios)}: "
          f"{min(ratios):.2f}-{max(ratios):.2f}; target >= 0.5); conversion errors: {errors}")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(result, f, indent=2)
    return result


if __name__ == '__main__':
    main()
