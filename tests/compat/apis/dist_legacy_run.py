"""Worker for the 2-process legacy run: ``torchrun --nproc_per_node 2 dist_legacy_run.py STEM
WORK_DIR OUT_PREFIX`` trains ``fixtures/legacy_runs/<STEM>.py`` with ``launcher='pytorch'``
(gloo) and writes each rank's observed run to ``<OUT_PREFIX>.rank<r>.json``."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from legacy_run_support import run_fixture  # noqa: E402


def main() -> None:
    stem, work_dir, out_prefix = sys.argv[1:4]
    result = run_fixture(stem, work_dir, launcher='pytorch')
    import torch.distributed as dist
    rank = dist.get_rank()
    with open(f'{out_prefix}.rank{rank}.json', 'w') as f:
        json.dump(result, f)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
