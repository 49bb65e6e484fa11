"""Seconds and peak memory of `migrate convert` on hostile single files, one fresh process each.

    python benchmarks/pathological_inputs.py [--only NAME ...]

Each case is written to a temporary folder and converted in a subprocess (``migrate.convert``
imported first, so the numbers are the conversion's, not the imports'); the subprocess reports
its wall time and its peak RSS (``resource.getrusage``). Target: every case under 2 s and
300 MB, ending with a converted file or an error that names the limit.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CASES = {
    '1 MB one-line list': 'a = [' + ','.join(['1'] * 500_000) + ']\n',
    '2,000-deep nesting': 'a = ' + '[' * 2000 + ']' * 2000 + '\n',
    '20,000-term 1+1+... chain': 'a = ' + '+'.join(['1'] * 20000) + '\n',
    'a**b**c chain (50)': 'a = ' + '**'.join(['2'] * 50) + '\n',
    'nested comprehensions 1000^4': 'a = [[[[i for i in range(1000)] for j in range(1000)] '
                                    'for k in range(1000)] for m in range(1000)]\n',
    'list DAG a=[0]*10; b=[a]*10 ... (30)': 'a0 = [0] * 10\n' + ''.join(
        f'a{i} = [a{i - 1}] * 10\n' for i in range(1, 30)),
    'list DAG by literals (30)': 'a0 = [0]\n' + ''.join(
        f'a{i} = [{", ".join([f"a{i - 1}"] * 10)}]\n' for i in range(1, 30)),
    'int squaring loop': 'x = 3\nfor i in range(64):\n    x = x * x\n',
    'string doubling loop': "s = 'ab'\nfor i in range(64):\n    s += s\n",
    '3 MB of comments': '#' * (3 * 2 ** 20) + '\n',
    '49,000-token config': 'a = [' + ', '.join(['1'] * 24_000) + ']\n',
}

_CHILD = r'''
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
from migrate.convert.driver import ConvertOptions, run_convert
start = time.perf_counter()
run = run_convert(sys.argv[2], ConvertOptions(output=sys.argv[3], progress=False),
                  echo=lambda line: None)
seconds = time.perf_counter() - start
error = run.results[0].error
print(json.dumps({'seconds': seconds,
                  'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  'result': 'error: ' + error.splitlines()[0].split(': ', 1)[1] if error
                  else 'converted'}))
'''


def measure(text: str, folder: str) -> dict:
    src = os.path.join(folder, 'case.py')
    with open(src, 'w', newline='') as f:
        f.write(text)
    proc = subprocess.run([sys.executable, '-c', _CHILD, ROOT, src,
                           os.path.join(folder, 'out.py')],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        return {'seconds': float('nan'), 'rss_mb': float('nan'),
                'result': f'exit {proc.returncode}: {proc.stderr.strip()[-200:]}'}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', nargs='*', help='case names containing these words')
    args = parser.parse_args()
    print(f'| case | seconds | peak RSS (MB) | result |\n|---|---|---|---|')
    for name, text in CASES.items():
        if args.only and not any(word in name for word in args.only):
            continue
        with tempfile.TemporaryDirectory() as folder:
            m = measure(text, folder)
        print(f"| {name} | {m['seconds']:.2f} | {m['rss_mb']:.0f} | {m['result'][:90]} |",
              flush=True)


if __name__ == '__main__':
    main()
