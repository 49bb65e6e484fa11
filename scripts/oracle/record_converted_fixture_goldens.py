"""Record the real MMEngine 0.10.7 lr/momentum trajectory of every converted fixture leaf.

Run with the MMEngine oracle interpreter (it never imports this project's packages):

    migrate convert fixtures/legacy -o fixtures/converted
    .oracle/mmengine/bin/python scripts/oracle/record_converted_fixture_goldens.py \\
        fixtures/converted [--only SUBSTR ...] [--summary deviations.json]

SRC_DIR mirrors fixtures/legacy: for every leaf of fixtures/legacy/manifest.json,
``SRC_DIR/<leaf>`` is loaded by ``mmengine_schedule_sim.simulate_config`` (the real
``mmengine.Config.fromfile`` and the real schedulers, stepped like ``ParamSchedulerHook`` in the
train loop) with the manifest's ``epoch_len``, and written to
``fixtures/goldens/converted_fixtures/<leaf path, '/' -> '__', '.py' -> '.json'>`` (``.json.gz``
above 200 KB). A leaf MMEngine rejects is recorded as ``{"error": ...}``; a missing file is
reported. Each recorded leaf is compared with its MMCV golden (fixtures/goldens/legacy_fixtures):
the progress line and the summary give the largest relative deviation of lr and momentum and
the first iteration where it exceeds 1e-12 (the equivalence contract's bound).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mmengine  # noqa: E402
import torch  # noqa: E402

import mmengine_schedule_sim  # noqa: E402
from fixture_golden_io import (GOLDENS, load_manifest, read_golden,  # noqa: E402
                               remove_stale, select, write_golden)

OUT_DIR = os.path.join(GOLDENS, 'converted_fixtures')
LEGACY_DIR = os.path.join(GOLDENS, 'legacy_fixtures')
EXACT = 1e-12


def series_deviation(got, want):
    """Largest relative deviation of two per-iteration [[group 0], ...] series, and the first
    iteration beyond ``EXACT`` (None if none). Absolute deviation where the expected value is 0."""
    if got is None or want is None:
        return dict(max_rel=None if got is want else float('inf'), first_iter=None,
                    note=None if got is want else 'momentum on one side only')
    worst, first = 0.0, None
    for i, (g, w) in enumerate(zip(got, want)):
        a, b = g[0], w[0]
        dev = abs(a - b) / abs(b) if b else abs(a - b)
        if dev > EXACT and first is None:
            first = i
        worst = max(worst, dev)
    return dict(max_rel=worst, first_iter=first, note=None)


def deviation(golden: dict, legacy: dict) -> dict:
    """lr/momentum deviation of a converted golden from the MMCV golden of the same leaf."""
    if legacy is None or 'error' in legacy:
        return dict(status='no legacy golden')
    if len(golden['lr']) != len(legacy['lr']):
        return dict(status='length differs', converted=len(golden['lr']),
                    legacy=len(legacy['lr']))
    lr = series_deviation(golden['lr'], legacy['lr'])
    mom = series_deviation(golden['momentum'], legacy['momentum'])
    exact = all(d['max_rel'] is not None and d['max_rel'] <= EXACT or
                d['max_rel'] is None and d['note'] is None for d in (lr, mom))
    return dict(status='exact' if exact else 'deviates', lr=lr, momentum=mom)


def record_leaf(src_dir: str, leaf: str, entry: dict) -> dict:
    golden = dict(generator='scripts/oracle/record_converted_fixture_goldens.py',
                  mmengine=mmengine.__version__, torch=torch.__version__, leaf=leaf,
                  codebase=entry['codebase'], epoch_len=entry['epoch_len'])
    try:
        out = mmengine_schedule_sim.simulate_config(os.path.join(src_dir, leaf),
                                                     entry['epoch_len'])
    except Exception as exc:  # recorded: a converted leaf MMEngine rejects is a finding
        golden['error'] = f'{type(exc).__name__}: {exc}'
        return golden
    golden['num_iters'] = len(out['lr'])
    golden.update(out)
    return golden


def describe(dev: dict) -> str:
    if dev['status'] in ('exact', 'deviates'):
        parts = []
        for key in ('lr', 'momentum'):
            d = dev[key]
            if d['max_rel'] is None:
                parts.append(f'{key} none')
            else:
                at = '' if d['first_iter'] is None else f' from iter {d["first_iter"]}'
                parts.append(f'{key} {d["max_rel"]:.3g}{at}')
        return f'{dev["status"]} ({", ".join(parts)})'
    return dev['status'] + (f' ({dev["converted"]} vs {dev["legacy"]})'
                            if 'converted' in dev else '')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src_dir', help='the converted tree (same layout as fixtures/legacy)')
    parser.add_argument('--only', nargs='*', default=None,
                        help='record only the leaves whose path contains one of these strings')
    parser.add_argument('-o', '--out-dir', default=OUT_DIR)
    parser.add_argument('--summary', help='also write the per-leaf deviations to this JSON file')
    args = parser.parse_args(argv)
    warnings.simplefilter('ignore')
    manifest = load_manifest()
    leaves = select(manifest, args.only)
    os.makedirs(args.out_dir, exist_ok=True)
    missing, errors, summary, start = [], [], {}, time.time()
    for n, leaf in enumerate(leaves, 1):
        prefix = f'[{n}/{len(leaves)}] {leaf}'
        if not os.path.exists(os.path.join(args.src_dir, leaf)):
            missing.append(leaf)
            print(f'{prefix}: MISSING in {args.src_dir}')
            continue
        golden = record_leaf(args.src_dir, leaf, manifest[leaf])
        path = write_golden(golden, args.out_dir)
        if 'error' in golden:
            errors.append(leaf)
            summary[leaf] = dict(status='error', error=golden['error'])
            print(f'{prefix}: ERROR {golden["error"]}')
            continue
        summary[leaf] = deviation(golden, read_golden(LEGACY_DIR, leaf))
        print(f'{prefix}: {golden["loop"]["type"]} {golden["num_iters"]} iters, '
              f'{describe(summary[leaf])} -> {os.path.basename(path)}')
    if args.only is None and not missing:
        for name in remove_stale(args.out_dir, manifest):
            print(f'removed stale {name}')
    statuses = [d['status'] for d in summary.values()]
    print(f'\nrecorded {len(summary) - len(errors)} of {len(leaves)} leaves in '
          f'{time.time() - start:.1f} s: {statuses.count("exact")} exact (<= {EXACT:g}), '
          f'{statuses.count("deviates")} deviate, '
          f'{statuses.count("length differs")} differ in length, {len(errors)} rejected by '
          f'MMEngine, {len(missing)} missing')
    for leaf, dev in summary.items():
        if dev['status'] not in ('exact',):
            print(f'  {leaf}: {dev.get("error") or describe(dev)}')
    for leaf in missing:
        print(f'  {leaf}: missing')
    if args.summary:
        with open(args.summary, 'w') as f:
            json.dump(dict(summary, **{leaf: dict(status='missing') for leaf in missing}),
                      f, indent=1)
            f.write('\n')
    return 1 if errors or missing else 0


if __name__ == '__main__':
    sys.exit(main())
