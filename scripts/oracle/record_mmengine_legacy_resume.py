"""Record what the REAL MMEngine 0.10.7 does when asked to resume from a raw MMCV 1.7.2 checkpoint.

Run with the MMEngine oracle interpreter (imports no code of ours; the toy task comes from
scripts/oracle/record_engine_goldens.py, loaded by path):

    .oracle/mmengine/bin/python scripts/oracle/record_mmengine_legacy_resume.py [--check]

Step 1 runs the MMCV oracle interpreter (``.oracle/mmcv/bin/python``) on the snippet in
``_MMCV_WRITER``: the real ``mmcv.runner.save_checkpoint`` writes the toy classifier after one
SGD step with the meta an ``EpochBasedRunner`` gives it after epoch 1 (epoch, iter, hook_msgs,
config text, seed, exp_name). Step 2 builds a real ``mmengine.runner.Runner`` on
``fixtures/configs/engine/toy_sgd_warmup_multistep.py`` with ``resume=True`` and
``load_from=<that file>`` and calls ``train()``.

Writes ``fixtures/goldens/mmengine_legacy_resume/``: ``epoch_1_mmcv.pth`` (the legacy file, a few
KB; tests convert this very file and resume it on the engine) and ``expected.json``: the
exception type and message, the function it was raised in, the legacy file's top-level and meta
keys, and whether MMEngine had already set the loop counters from ``meta`` (it has: it fails
after them).
``--check`` re-runs both steps and exits 1 if the result differs from the stored golden.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
import warnings

warnings.filterwarnings('ignore')
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT_DIR = os.path.join(ROOT, 'fixtures', 'goldens', 'mmengine_legacy_resume')
GOLDEN = os.path.join(OUT_DIR, 'expected.json')
LEGACY_FILE = os.path.join(OUT_DIR, 'epoch_1_mmcv.pth')
MMCV_PYTHON = os.path.join(ROOT, '.oracle', 'mmcv', 'bin', 'python')
CONFIG = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')

# Runs under MMCV 1.7.2: writes the legacy checkpoint at argv[1]. The toy layers come from
# engine/testing/toy_data.py (pure torch) by path, so the weight names are MMEngine's toy's.
_MMCV_WRITER = r'''
import importlib.util, os, sys
import torch, torch.nn as nn
from mmcv.runner import save_checkpoint
root, path = sys.argv[1], sys.argv[2]
toy_file = os.path.join(root, 'engine', 'testing', 'toy_data.py')
spec = importlib.util.spec_from_file_location('toy_data', toy_file)
toy = importlib.util.module_from_spec(spec); spec.loader.exec_module(toy)
class Toy(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = toy.build_toy_layers(8, 16, 4, False)
        toy.init_toy_weights(self.net, 0)
model = Toy()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
for group in opt.param_groups:
    group.setdefault('initial_lr', group['lr'])
x = torch.linspace(-1, 1, 64).reshape(8, 8)
model.net(x).sum().backward()
opt.step()
meta = dict(epoch=1, iter=8, seed=0, exp_name='toy_legacy.py',
            config="optimizer = dict(type='SGD', lr=0.1, momentum=0.9)\ngpu_ids = range(0, 1)\n",
            hook_msgs=dict(last_ckpt='work_dirs/toy_legacy/epoch_1.pth'))
save_checkpoint(model, path, optimizer=opt, meta=meta)
'''

_spec = importlib.util.spec_from_file_location(
    'record_engine_goldens', os.path.join(ROOT, 'scripts', 'oracle', 'record_engine_goldens.py'))
engine_goldens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine_goldens)  # registers ToyDataset, ToyClassifier, Accuracy

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.runner import Runner  # noqa: E402


def write_legacy_checkpoint(path: str) -> None:
    subprocess.run([MMCV_PYTHON, '-c', _MMCV_WRITER, ROOT, path], check=True)


def record(keep: bool) -> dict:
    import mmengine
    with tempfile.TemporaryDirectory() as tmp:
        legacy = os.path.join(tmp, 'epoch_1.pth')
        write_legacy_checkpoint(legacy)
        if keep:
            os.makedirs(OUT_DIR, exist_ok=True)
            shutil.copyfile(legacy, LEGACY_FILE)
        ckpt = torch.load(legacy, map_location='cpu', weights_only=True)
        cfg = Config.fromfile(CONFIG)
        cfg.work_dir = os.path.join(tmp, 'work')
        cfg.resume = True
        cfg.load_from = legacy
        runner = Runner.from_cfg(cfg)
        error = None
        try:
            runner.train()
        except Exception as e:  # the point of the golden: which error, raised where
            frames = traceback.extract_tb(e.__traceback__)
            error = dict(type=type(e).__name__, message=str(e), args=[str(a) for a in e.args],
                         raised_in=frames[-1].name,
                         raised_in_file=os.path.basename(frames[-1].filename))
        counters = dict(epoch=runner.train_loop._epoch, iter=runner.train_loop._iter)
        MMLogger._instance_dict.clear()
    return dict(recorded_with=f'mmengine {mmengine.__version__}, torch {torch.__version__}; '
                              'legacy file written by mmcv 1.7.2 save_checkpoint',
                config=os.path.relpath(CONFIG, ROOT),
                legacy_top_level_keys=list(ckpt), legacy_meta_keys=sorted(ckpt['meta']),
                error=error, loop_counters_after=counters)


def main() -> None:
    check = '--check' in sys.argv[1:]
    result = record(keep=not check)
    if check:
        with open(GOLDEN) as f:
            stored = json.load(f)
        same = {k: v for k, v in result.items() if k != 'recorded_with'} == \
            {k: v for k, v in stored.items() if k != 'recorded_with'}
        print('golden matches' if same else 'golden DIFFERS')
        sys.exit(0 if same else 1)
    with open(GOLDEN, 'w') as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write('\n')
    print(f'wrote {GOLDEN}: {result["error"]}')


if __name__ == '__main__':
    main()
