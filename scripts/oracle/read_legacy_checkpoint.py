"""Load a checkpoint file with the REAL MMCV 1.7.2 and print what it got, as JSON.

    .oracle/mmcv/bin/python scripts/oracle/read_legacy_checkpoint.py FILE

Used by tests/compat/runner/test_legacy_checkpoint.py to prove that a file our
``compat.checkpoint.checkpoint.save_checkpoint`` wrote loads in MMCV: ``mmcv.runner.load_checkpoint``
into the toy model (legacy_checkpoint_model.py), then the optimizer state into a fresh SGD over
its parameters, as ``BaseRunner.resume`` does. Imports no code of ours.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import warnings

warnings.filterwarnings('ignore')
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import legacy_checkpoint_model as toy  # noqa: E402
from mmcv.runner import load_checkpoint  # noqa: E402


def main(path: str) -> None:
    model = toy.make_model(seed=7)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ckpt = load_checkpoint(model, path, map_location='cpu')
    sgd = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9, weight_decay=1e-4)
    sgd.load_state_dict(ckpt['optimizer'])
    meta = {k: list(v) if isinstance(v, tuple) else v for k, v in ckpt['meta'].items()}
    print(json.dumps({'stdout': out.getvalue(), 'top_keys': list(ckpt), 'meta': meta,
                      'weights_after': toy.tensors(model.state_dict()),
                      'optimizer_after': toy.optimizer_layout(sgd.state_dict())}))


if __name__ == '__main__':
    main(sys.argv[1])
