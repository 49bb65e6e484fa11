"""Checkpoint save and load time for a ~100 MB model: our engine beside the real MMEngine 0.10.7.

What is measured (CPU, one process per framework, files in a temporary folder):

* the model: a stack of ``Linear(width, width)`` layers, ~25M float32 parameters (100.7 MB)
  with the defaults (6 layers of 2048 x 2048 + biases);
* the checkpoint: ``{'meta': {...}, 'state_dict': weights}``, the same dict for both;
* **save** -- ours: ``engine.checkpoint.checkpoint_io.save_checkpoint_file`` (``torch.save``
  streamed into a hidden temporary file, ``fsync``, rename, ``fsync`` of the folder: a crash
  never leaves a torn checkpoint); MMEngine: ``mmengine.runner.save_checkpoint`` (``torch.save``
  into a ``BytesIO``, then one write of its bytes, no fsync);
* **load** -- file to weights in the model: ours: ``load_checkpoint_file``
  (``torch.load(weights_only=True)``) + ``load_model_state``; MMEngine:
  ``mmengine.runner.load_checkpoint(model, file, map_location='cpu')``;
* **extra peak memory of a save**: growth of the process's peak RSS during its first save
  (MMEngine holds the serialised bytes in memory, twice; ours writes them straight to disk).

Each is repeated (``--repeats``, default 5) and the median is reported, with the minimum.
Loads read a file that was just written, so they come from the page cache, for both.

Usage (from the repository root)::

    python benchmarks/checkpoint_io.py                   # table, 5 repeats
    python benchmarks/checkpoint_io.py --json out.json   # also write the numbers
    python benchmarks/checkpoint_io.py --oracle-python PATH

The MMEngine interpreter defaults to ``.oracle/mmengine/bin/python``; when it is missing only
our numbers are reported. Worker mode (one framework, prints/writes one JSON object; the
``mmengine`` worker never imports our package)::

    python benchmarks/checkpoint_io.py --worker engine --layers 2 --width 64 --repeats 1
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
DEFAULT_ORACLE = os.path.join(ROOT, '.oracle', 'mmengine', 'bin', 'python')
FRAMEWORKS = ('engine', 'mmengine')


def _build_model(layers: int, width: int):
    import torch
    torch.manual_seed(0)
    return torch.nn.Sequential(*[torch.nn.Linear(width, width) for _ in range(layers)])


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _framework_io(framework: str):
    """``(save(ckpt, path), load(model, path))`` of one framework."""
    if framework == 'engine':
        sys.path.insert(0, ROOT)
        from engine.checkpoint.checkpoint_io import (load_checkpoint_file, load_model_state,
                                                 save_checkpoint_file)

        def load(model, path):
            ckpt = load_checkpoint_file(path)
            load_model_state(model, ckpt['state_dict'], strict=True)

        return save_checkpoint_file, load, 'engine'
    import mmengine
    from mmengine.logging import MMLogger
    from mmengine.runner import load_checkpoint, save_checkpoint
    MMLogger.get_instance('mmengine', log_level='ERROR')

    def load(model, path):
        load_checkpoint(model, path, map_location='cpu', strict=True, logger='silent')

    return save_checkpoint, load, mmengine.__version__


def run_worker(args) -> dict:
    import torch
    torch.set_num_threads(args.threads)
    save, load, version = _framework_io(args.worker)
    model = _build_model(args.layers, args.width)
    params = sum(p.numel() for p in model.parameters())
    ckpt = {'meta': {'epoch': 1, 'iter': 100, 'note': 'benchmark'},
            'state_dict': {k: v.detach() for k, v in model.state_dict().items()}}
    save_s, load_s = [], []
    extra_peak = None
    with tempfile.TemporaryDirectory(dir=args.tmp_dir) as tmp:
        path = os.path.join(tmp, 'ckpt.pth')
        for i in range(args.repeats):
            before = _peak_rss_mb()
            t0 = time.perf_counter()
            save(ckpt, path)
            save_s.append(time.perf_counter() - t0)
            if extra_peak is None:
                extra_peak = _peak_rss_mb() - before
            target = _build_model(args.layers, args.width) if i == 0 else target
            t0 = time.perf_counter()
            load(target, path)
            load_s.append(time.perf_counter() - t0)
        size = os.path.getsize(path)
    for a, b in zip(model.parameters(), target.parameters()):
        assert torch.equal(a, b), 'the loaded weights differ from the saved ones'
    return dict(framework=args.worker, framework_version=version, torch=torch.__version__,
                python=platform.python_version(), params=params, file_mb=size / 1e6,
                repeats=args.repeats, save_s=save_s, load_s=load_s,
                save_median_s=statistics.median(save_s), load_median_s=statistics.median(load_s),
                save_min_s=min(save_s), load_min_s=min(load_s),
                save_extra_peak_mb=extra_peak)


def _spawn(python: str, framework: str, args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'result.json')
        cmd = [python, os.path.abspath(__file__), '--worker', framework, '--layers',
               str(args.layers), '--width', str(args.width), '--repeats', str(args.repeats),
               '--threads', str(args.threads), '--worker-out', out]
        if args.tmp_dir:
            cmd += ['--tmp-dir', args.tmp_dir]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(f'{framework} worker failed:\n{proc.stderr[-3000:]}')
        with open(out) as f:
            return json.load(f)


def _table(results: list) -> str:
    first = results[0]
    lines = [f"model: {first['params'] / 1e6:.1f}M float32 parameters, file "
             f"{first['file_mb']:.1f} MB, {first['repeats']} repeats (median, min in brackets)",
             '', '| | save (s) | load (s) | extra peak memory of a save |', '|---|---|---|---|']
    for r in results:
        name = 'engine' if r['framework'] == 'engine' else f"MMEngine {r['framework_version']}"
        lines.append(f"| {name} | {r['save_median_s']:.3f} ({r['save_min_s']:.3f}) | "
                     f"{r['load_median_s']:.3f} ({r['load_min_s']:.3f}) | "
                     f"{r['save_extra_peak_mb']:.0f} MB |")
    return '\n'.join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--layers', type=int, default=6)
    parser.add_argument('--width', type=int, default=2048)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--tmp-dir', default=None, help='where the files are written')
    parser.add_argument('--oracle-python', default=DEFAULT_ORACLE)
    parser.add_argument('--json', default=None, help='also write the results here')
    parser.add_argument('--worker', choices=FRAMEWORKS, help=argparse.SUPPRESS)
    parser.add_argument('--worker-out', default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = run_worker(args)
        text = json.dumps(result)
        if args.worker_out:
            with open(args.worker_out, 'w') as f:
                f.write(text)
        else:
            print(text)
        return 0
    results = [_spawn(sys.executable, 'engine', args)]
    if os.path.isfile(args.oracle_python):
        results.append(_spawn(args.oracle_python, 'mmengine', args))
    else:
        print(f'MMEngine interpreter not found at {args.oracle_python}: reporting ours only '
              '(build it with `bash ../shared/oracle/setup.sh .oracle`)')
    print(_table(results))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
