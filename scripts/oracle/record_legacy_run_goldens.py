"""Record whole legacy training runs of ``fixtures/legacy_runs/*.py`` on the real MMCV 1.7.2.

Run with the oracle interpreter (it never imports this repository's packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_run_goldens.py [--check] [--only NAME]

Every run is one ``scripts/oracle/legacy_downstream_flow.py`` process (MMDet 2.x's
``tools/train.py`` flow; see its docstring for what it reproduces and where it departs), as a
user ran ``tools/train.py`` once per training: MMCV's loggers, registries and global RNG states
start fresh each time. Scenarios (``--only`` matches a golden name or a config stem):

* ``<stem>``: every config, from scratch in an empty work dir;
* ``<stem>__resume_<ckpt>``: the full run's work dir copied (symlinks kept), then the same
  config run again there with ``resume_from=<copy>/<ckpt>``; ``...__map_location_cpu``: the
  same with ``runner.resume(map_location='cpu')`` (IterBasedRunner.resume needs CUDA otherwise);
* ``<stem>__load_from_<ckpt>``: a fresh work dir with ``load_from=<full run>/<ckpt>``;
* ``<stem>__torchrun_2proc``: ``torchrun --nproc_per_node 2`` with ``launcher='pytorch'``
  (gloo on the CPU): rank 0's observation, plus rank 1's hook calls.

Writes ``fixtures/goldens/legacy_runs/<scenario>.json`` (``indent=1``, sorted keys)::

    {"scenario": {config, resume_from, load_from, launcher, nproc, seed, validate,
                  resume_map_location},
     "result": <legacy_run_harness.collect>,
     "tensorboard": {<log dir>: [[tag, step, float32 hex], ...]},
     "rank1": {"calls": [...], "hooks": [...]}}            # torchrun only

or, for a run that raised on MMCV, ``{"scenario": ..., "error": {type, message, raised_in,
mmcv_frame}}``.

Paths inside the work dir read ``<work_dir>``, the full run's dir (a resumed copy's checkpoint
meta still names it) ``<full_run>``. ``--check`` records into a temp dir and compares with the
stored goldens without writing; it exits 1 on a difference.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLOW = os.path.join(ROOT, 'scripts', 'oracle', 'legacy_downstream_flow.py')
CONFIGS = os.path.join(ROOT, 'fixtures', 'legacy_runs')
OUT_DIR = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_runs')
TORCHRUN = os.path.join(os.path.dirname(sys.executable), 'torchrun')
#: legacy_downstream_flow.py's exit status for a run that raised (its error is the golden)
ERROR_EXIT = 3

#: resumed runs: config stem -> checkpoint of the full run to resume from. The brief named
#: epoch_1.pth for toy_sgd_step_gradclip_3e, but its max_keep_ckpts=2 removes epoch_1.pth by
#: the end of the full run (MMCV prunes at every save), so the oldest kept one is used.
RESUMES = {
    'toy_sgd_step_gradclip_3e': 'epoch_2.pth',
    'toy_iter_runner_eval': 'iter_20.pth',
    'toy_cumulative_remainder': 'epoch_2.pth',
}
#: resumed runs also recorded with runner.resume(map_location='cpu'): MMCV 1.7.2's
#: IterBasedRunner.resume needs CUDA with its default map_location (the literal flow's golden
#: holds that error), so the resumed iteration run itself is observed this way
RESUME_MAP_LOCATION_CPU = ('toy_iter_runner_eval', )
#: runs with load_from: config stem -> checkpoint of the full run
LOAD_FROMS = {'toy_workflow_val': 'epoch_3.pth'}
#: 2-process torchrun runs (launcher='pytorch', gloo on the CPU)
TORCHRUNS = ('toy_sgd_step_gradclip_3e', )


def _stem_scenarios(stem):
    """(golden name, kind, checkpoint, resume map_location) of every scenario of ``stem``."""
    out = [(stem, 'full', None, None)]
    if stem in RESUMES:
        ckpt = RESUMES[stem]
        out.append((f'{stem}__resume_{ckpt[:-len(".pth")]}', 'resume', ckpt, None))
        if stem in RESUME_MAP_LOCATION_CPU:
            out.append((f'{stem}__resume_{ckpt[:-len(".pth")]}__map_location_cpu', 'resume',
                        ckpt, 'cpu'))
    if stem in LOAD_FROMS:
        ckpt = LOAD_FROMS[stem]
        out.append((f'{stem}__load_from_{ckpt[:-len(".pth")]}', 'load_from', ckpt, None))
    if stem in TORCHRUNS:
        out.append((f'{stem}__torchrun_2proc', 'torchrun', None, None))
    return out


def config_stems():
    return sorted(name[:-len('.py')] for name in os.listdir(CONFIGS)
                  if name.endswith('.py') and not name.startswith('_'))


def scenario_names(stems):
    return [name for stem in stems for name, *_ in _stem_scenarios(stem)]


def _replace_paths(value, replacements):
    if isinstance(value, str):
        for path, token in replacements:
            value = value.replace(path, token)
        return value
    if isinstance(value, dict):
        return {k: _replace_paths(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_paths(v, replacements) for v in value]
    return value


def _run(cmd, log_path, outs, env=None):
    """Run ``cmd``; the JSON files ``outs`` it wrote (a run that raised wrote its error)."""
    with open(log_path, 'w') as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
                              timeout=900)
    if proc.returncode not in (0, ERROR_EXIT) or not all(os.path.exists(o) for o in outs):
        with open(log_path) as f:
            tail = ''.join(f.readlines()[-40:])
        raise RuntimeError(f'{" ".join(cmd)} failed ({proc.returncode}):\n{tail}')
    results = []
    for out in outs:
        with open(out) as f:
            results.append(json.load(f))
    return results


def record_stem(stem, tmp, wanted):
    """The goldens of ``stem``'s scenarios that ``wanted`` selects, by name."""
    config = os.path.join(CONFIGS, f'{stem}.py')
    rel_config = os.path.relpath(config, ROOT)
    full_dir = os.path.join(tmp, 'full')
    goldens = {}
    for index, (name, kind, ckpt, map_location) in enumerate(_stem_scenarios(stem)):
        if kind != 'full' and name not in wanted:
            continue
        scenario = dict(config=rel_config, resume_from=None, load_from=None, launcher='none',
                        nproc=1, seed=0, validate=True, resume_map_location=map_location)
        work_dir = full_dir if kind == 'full' else os.path.join(tmp, f'run{index}')
        out = os.path.join(tmp, f'run{index}.json')
        cmd = [sys.executable, FLOW, config, '--work-dir', work_dir, '--out', out]
        env, outs = None, [out]
        if kind == 'resume':
            shutil.copytree(full_dir, work_dir, symlinks=True)
            cmd += ['--resume-from', os.path.join(work_dir, ckpt)]
            if map_location:
                cmd += ['--resume-map-location', map_location]
            scenario['resume_from'] = f'<work_dir>/{ckpt}'
        elif kind == 'load_from':
            cmd += ['--load-from', os.path.join(full_dir, ckpt)]
            scenario['load_from'] = f'<full_run>/{ckpt}'
        elif kind == 'torchrun':
            out = os.path.join(tmp, f'run{index}.{{rank}}.json')
            cmd = [TORCHRUN, '--standalone', '--nproc_per_node', '2', FLOW, config,
                   '--work-dir', work_dir, '--out', out, '--launcher', 'pytorch']
            env = dict(os.environ, OMP_NUM_THREADS='1')
            outs = [out.replace('{rank}', str(rank)) for rank in (0, 1)]
            scenario.update(launcher='pytorch', nproc=2)
        results = _run(cmd, os.path.join(tmp, f'run{index}.log'), outs, env=env)
        paths = [(os.path.abspath(work_dir), '<work_dir>'),
                 (os.path.abspath(full_dir), '<full_run>')]
        golden = dict(scenario=scenario, **_replace_paths(results[0], paths))
        if kind == 'torchrun':
            golden['rank1'] = _replace_paths(results[1].get('result', results[1]), paths)
        if name in wanted:
            goldens[name] = golden
    return goldens


def _dumps(golden):
    return json.dumps(golden, indent=1, sort_keys=True) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--check', action='store_true',
                        help='compare with the stored goldens, write nothing')
    parser.add_argument('--only', action='append',
                        help='a scenario name or config stem (repeatable)')
    args = parser.parse_args(argv)

    stems = config_stems()
    names = scenario_names(stems)
    if args.only:
        wanted = {n for n in names
                  if any(n == o or n.split('__')[0] == o for o in args.only)}
        unknown = [o for o in args.only if not any(n == o or n.split('__')[0] == o
                                                  for n in names)]
        if unknown:
            parser.error(f'unknown scenario(s) {unknown}; known: {names}')
    else:
        wanted = set(names)

    started = time.time()
    recorded = {}
    for stem in stems:
        if not any(n.split('__')[0] == stem for n in wanted):
            continue
        with tempfile.TemporaryDirectory(prefix=f'legacy_run_{stem}_') as tmp:
            recorded.update(record_stem(stem, tmp, wanted))
        print(f'{stem}: {time.time() - started:.1f}s', flush=True)

    differences = []
    os.makedirs(OUT_DIR, exist_ok=True)
    for name in sorted(recorded):
        path = os.path.join(OUT_DIR, f'{name}.json')
        text = _dumps(recorded[name])
        if args.check:
            stored = open(path).read() if os.path.exists(path) else None
            if stored != text:
                differences.append(name)
        else:
            with open(path, 'w') as f:
                f.write(text)
    verb = 'checked' if args.check else 'wrote'
    print(f'{verb} {len(recorded)} goldens in {time.time() - started:.1f}s')
    if differences:
        print('differ from the stored goldens:', ', '.join(differences))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
