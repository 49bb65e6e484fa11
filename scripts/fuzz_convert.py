"""The longer fuzz run of `migrate convert`: N seeded mutated copies of fixtures/legacy
codebase folders, each converted and checked as tests/migrate/fuzz/test_convert_fuzz.py does.

    python scripts/fuzz_convert.py --examples 300 --seed 1 [--start 0] [--keep DIR]

Prints each failing example (seed, index, mutations, what broke) and a summary line; exit 1
when any example failed. ``--keep`` leaves every failing example's tree under DIR.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tests' / 'migrate' / 'fuzz'))
from convert_fuzzing import run_example  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--examples', type=int, default=100)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--start', type=int, default=0, help='first example index')
    parser.add_argument('--keep', type=Path, help='keep failing examples under this folder')
    args = parser.parse_args()
    start, failed = time.perf_counter(), 0
    for index in range(args.start, args.start + args.examples):
        with tempfile.TemporaryDirectory(prefix='fuzz-convert-') as tmp:
            example, failures, seconds = run_example(args.seed, index, Path(tmp))
            if failures:
                failed += 1
                print(f'FAIL seed={args.seed} index={index} codebase={example.codebase} '
                      f'({seconds:.1f} s)')
                for line in example.mutations:
                    print(f'  mutated {line}')
                for line in failures:
                    print(f'  -> {line}')
                if args.keep:
                    shutil.copytree(tmp, args.keep / f'{args.seed}-{index}')
            else:
                print(f'ok   seed={args.seed} index={index} codebase={example.codebase} '
                      f'({seconds:.1f} s, {len(example.mutations)} mutation(s))', flush=True)
    print(f'{args.examples} example(s), {failed} failing, '
          f'{time.perf_counter() - start:.0f} s')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
