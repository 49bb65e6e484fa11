"""Resume the REAL MMEngine 0.10.7 from a checkpoint FILE and print how the run ended, as JSON.

    .oracle/mmengine/bin/python scripts/oracle/mmengine_resume_converted.py FILE [MAX_EPOCHS]

Used by tests/migrate/checkpoint/test_mmengine_resume.py to show that a legacy checkpoint
converted by ``migrate checkpoint`` resumes in MMEngine itself (where the raw legacy file fails
with ``KeyError: 'message_hub'``, fixtures/goldens/mmengine_legacy_resume/). The toy task comes
from scripts/oracle/record_engine_goldens.py (by path); imports no code of ours. Prints the loop
counters after the resume and after training, the lr of every trained iteration and the final
weights.
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import warnings

warnings.filterwarnings('ignore')
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CONFIG = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')

_spec = importlib.util.spec_from_file_location(
    'record_engine_goldens', os.path.join(ROOT, 'scripts', 'oracle', 'record_engine_goldens.py'))
engine_goldens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine_goldens)  # registers ToyDataset, ToyClassifier, TrajectoryHook

from mmengine.config import Config  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.runner import Runner  # noqa: E402


def main(path: str, max_epochs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config.fromfile(CONFIG)
        cfg.train_cfg.max_epochs = max_epochs
        cfg.work_dir = tmp
        cfg.resume = True
        cfg.load_from = path
        cfg.custom_hooks = [dict(type='TrajectoryHook')]
        runner = Runner.from_cfg(cfg)
        runner.train()
        traj = [h for h in runner.hooks if isinstance(h, engine_goldens.TrajectoryHook)][0]
        out = dict(epoch=runner.epoch, iter=runner.iter, lr=traj.lr,
                   weights={k: v.detach().double().flatten().tolist()
                            for k, v in runner.model.state_dict().items()})
        MMLogger._instance_dict.clear()
    print('JSON:' + json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2)
