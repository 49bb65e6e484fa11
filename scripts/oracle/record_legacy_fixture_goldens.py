"""Record the real MMCV 1.7.2 lr/momentum trajectory of every leaf in fixtures/legacy/manifest.json.

Run with the MMCV oracle interpreter (it never imports this project's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_fixture_goldens.py [--only SUBSTR ...]

For each leaf: ``mmcv.Config.fromfile(leaf)`` (the real MMCV 1.x loader: ``_base_`` merging,
``_delete_``, ``{{_base_.x}}``, predefined variables), then ``mmcv_schedule_sim.simulate(cfg,
epoch_len)`` (the real runner and lr/momentum hooks, one dummy param group), written to
``fixtures/goldens/legacy_fixtures/<leaf path, '/' -> '__', '.py' -> '.json'>``; files larger
than 200 KB are gzipped (``.json.gz``, mtime 0, so re-recording gives the same bytes).

Each golden: ``leaf``, ``codebase``, ``epoch_len``, ``runner`` (type, max_epochs, max_iters as the
runner ran: for an EpochBasedRunner ``max_iters = max_epochs * epoch_len``), ``num_iters``,
``optimizer_type``, ``base_lrs``, ``base_momentums``, ``legacy_keys`` (``optimizer``,
``lr_config``, ``momentum_config``, ``runner``, ``total_epochs`` as MMCV merged them),
``runtime_keys`` (``checkpoint_config``, ``evaluation`` as MMCV merged them), and one
entry per training iteration in ``epoch``, ``iter``, ``lr`` and ``momentum`` (``lr[i][g]``: the
value param group ``g`` trains with at iteration ``i``; ``momentum`` is ``momentum`` or
``betas[0]``, None when the optimizer has neither). ``epoch`` is ``runner.epoch`` at that
iteration: for an IterBasedRunner the passes over the data loader, which MMCV updates one
iteration late. A leaf that MMCV rejects is recorded as ``{"error": "..."}`` and reported.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mmcv  # noqa: E402
import torch  # noqa: E402

import mmcv_schedule_sim  # noqa: E402
from fixture_golden_io import (FIXTURES, GOLDENS, jsonable, load_manifest,  # noqa: E402
                               remove_stale, select, write_golden)

OUT_DIR = os.path.join(GOLDENS, 'legacy_fixtures')
SCHEDULE_KEYS = ('optimizer', 'lr_config', 'momentum_config', 'runner', 'total_epochs')
RUNTIME_KEYS = ('checkpoint_config', 'evaluation')


def record_leaf(leaf: str, entry: dict) -> dict:
    path = os.path.join(FIXTURES, leaf)
    epoch_len = entry['epoch_len']
    golden = dict(generator='scripts/oracle/record_legacy_fixture_goldens.py',
                  mmcv=mmcv.__version__, torch=torch.__version__, leaf=leaf,
                  codebase=entry['codebase'], epoch_len=epoch_len)
    try:
        cfg = mmcv.Config.fromfile(path)
        runner = mmcv_schedule_sim.runner_config(cfg._cfg_dict.to_dict())
        traj = mmcv_schedule_sim.simulate(cfg, epoch_len)
    except Exception as exc:  # recorded, so that a rejected leaf is visible in the goldens
        golden['error'] = f'{type(exc).__name__}: {exc}'
        return golden
    by_epoch = runner['type'] == 'EpochBasedRunner'
    golden['runner'] = dict(
        type=runner['type'],
        max_epochs=runner.get('max_epochs') if by_epoch else None,
        max_iters=runner['max_epochs'] * epoch_len if by_epoch else runner['max_iters'])
    golden['num_iters'] = len(traj['lr'])
    golden['optimizer_type'] = traj['optimizer_type']
    golden['base_lrs'] = traj['base_lrs']
    golden['base_momentums'] = traj['base_momentums']
    # the schedule keys exactly as MMCV's loader merged them (tuples become lists)
    golden['legacy_keys'] = {key: jsonable(cfg.get(key)) for key in SCHEDULE_KEYS}
    # the checkpoint and evaluation hooks' settings, for the runtime-key conversion checks
    golden['runtime_keys'] = {key: jsonable(cfg.get(key)) for key in RUNTIME_KEYS}
    for key in ('epoch', 'iter', 'lr', 'momentum'):
        golden[key] = traj[key]
    return golden


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', nargs='*', default=None,
                        help='record only the leaves whose path contains one of these strings')
    parser.add_argument('-o', '--out-dir', default=OUT_DIR)
    args = parser.parse_args(argv)
    warnings.simplefilter('ignore')
    manifest = load_manifest()
    leaves = select(manifest, args.only)
    os.makedirs(args.out_dir, exist_ok=True)
    errors, total_bytes, start = [], 0, time.time()
    for n, leaf in enumerate(leaves, 1):
        golden = record_leaf(leaf, manifest[leaf])
        path = write_golden(golden, args.out_dir)
        total_bytes += os.path.getsize(path)
        if 'error' in golden:
            errors.append(leaf)
            print(f'[{n}/{len(leaves)}] ERROR {leaf}: {golden["error"]}')
        else:
            r = golden['runner']
            print(f'[{n}/{len(leaves)}] {leaf}: {r["type"]} {golden["num_iters"]} iters, '
                  f'lr {golden["lr"][0][0]:.6g} -> {golden["lr"][-1][0]:.6g} '
                  f'-> {os.path.basename(path)}')
    if args.only is None:   # a full run also removes goldens of leaves no longer listed
        for name in remove_stale(args.out_dir, manifest):
            print(f'removed stale {name}')
    print(f'recorded {len(leaves) - len(errors)} of {len(leaves)} leaves '
          f'({total_bytes / 1e6:.2f} MB) in {time.time() - start:.1f} s; '
          f'{len(errors)} rejected by MMCV{": " + ", ".join(errors) if errors else ""}')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
