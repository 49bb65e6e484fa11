"""Record a checkpoint written by the REAL MMEngine 0.10.7, and what it must load as.

Run with the oracle interpreter (never imports our package; the toy task is registered by
loading scripts/oracle/record_engine_goldens.py by path, which loads engine/testing/toy_data.py
the same way):

    .oracle/mmengine/bin/python scripts/oracle/record_checkpoint_goldens.py

A real ``mmengine.runner.Runner`` trains ``toy_sgd_warmup_multistep.py`` for 2 epochs with a
checkpoint after every epoch. Writes into ``fixtures/goldens/mmengine_checkpoint/``:

* ``epoch_1.pth`` -- MMEngine's checkpoint after epoch 1 (a few KB);
* ``expected.json`` -- its top-level keys, ``meta`` epoch/iter, the globals its pickle names
  (why ``weights_only=True`` refuses it as is), the weights it holds, and, from the same
  uninterrupted run, the lr/loss of every epoch-2 iteration and the weights after epoch 2
  (what a resume from ``epoch_1.pth`` must reproduce).
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tempfile
import warnings

import torch

warnings.filterwarnings('ignore')
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT_DIR = os.path.join(ROOT, 'fixtures', 'goldens', 'mmengine_checkpoint')
CONFIG = 'toy_sgd_warmup_multistep.py'
OVERRIDES = {'train_cfg.max_epochs': 2}

_spec = importlib.util.spec_from_file_location(
    'record_engine_goldens', os.path.join(ROOT, 'scripts', 'oracle', 'record_engine_goldens.py'))
engine_goldens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine_goldens)  # registers ToyDataset, ToyClassifier, TrajectoryHook

from mmengine.config import Config  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.runner import Runner  # noqa: E402


def _weights(state_dict) -> dict:
    return {k: v.detach().double().flatten().tolist() for k, v in state_dict.items()}


def main():
    import mmengine
    os.makedirs(OUT_DIR, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config.fromfile(os.path.join(engine_goldens.CONFIGS, CONFIG))
        cfg.merge_from_dict(OVERRIDES)
        cfg.work_dir = tmp
        cfg.custom_hooks = [dict(type='TrajectoryHook')]
        cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
        runner = Runner.from_cfg(cfg)
        runner.train()
        traj = [h for h in runner.hooks if isinstance(h, engine_goldens.TrajectoryHook)][0]
        epoch_len = len(runner.train_dataloader)
        final = _weights(runner.model.state_dict())
        MMLogger._instance_dict.clear()
        src = os.path.join(tmp, 'epoch_1.pth')
        dst = os.path.join(OUT_DIR, 'epoch_1.pth')
        shutil.copyfile(src, dst)
    unsafe = sorted(torch.serialization.get_unsafe_globals_in_checkpoint(dst))
    ckpt = torch.load(dst, map_location='cpu', weights_only=False)
    expected = dict(
        recorded_with=f'mmengine {mmengine.__version__}, torch {torch.__version__}',
        config=CONFIG, overrides=OVERRIDES, epoch_length=epoch_len,
        keys=sorted(ckpt), meta_keys=sorted(ckpt['meta']),
        meta_epoch=ckpt['meta']['epoch'], meta_iter=ckpt['meta']['iter'],
        unsafe_globals=unsafe,
        message_hub_scalars=sorted(ckpt['message_hub']['log_scalars']),
        state_dict=_weights(ckpt['state_dict']),
        epoch2_lr=traj.lr[epoch_len:], epoch2_loss=traj.loss[epoch_len:],
        final_state_dict=final)
    with open(os.path.join(OUT_DIR, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    print(f'epoch_1.pth: {os.path.getsize(dst)} bytes, keys {expected["keys"]}')
    print(f'globals a weights_only load refuses: {unsafe}')


if __name__ == '__main__':
    sys.exit(main())
