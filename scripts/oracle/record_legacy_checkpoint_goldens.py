"""Record checkpoints written by the REAL MMCV 1.7.2 and what its load_checkpoint does.

Run with the oracle interpreter (imports no code of ours; the toy model comes from
scripts/oracle/legacy_checkpoint_model.py, torch only):

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_checkpoint_goldens.py

Writes into ``fixtures/goldens/legacy_checkpoint/``:

* ``mmcv_written.pth`` -- ``mmcv.runner.save_checkpoint`` of the toy model wrapped in
  ``DataParallel``, SGD with momentum state, and a meta with ``fp16.loss_scaler`` and
  ``hook_msgs``; ``mmcv_two_optimizers.pth`` -- the same model with a dict of two optimizers;
* the scenario files of ``legacy_checkpoint_model.scenario_state_dicts`` (plain torch.save);
* ``expected.json`` -- the layout of both MMCV files field by field (keys in order, meta,
  ``_metadata``, tensors, optimizer state), and for each of ``LOAD_CASES`` what
  ``mmcv.runner.load_checkpoint`` printed / logged / raised and the model weights after it.
"""
from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import os
import sys
import warnings

warnings.filterwarnings('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
OUT_DIR = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_checkpoint')
sys.path.insert(0, HERE)

import torch  # noqa: E402
from torch.nn import DataParallel  # noqa: E402

import legacy_checkpoint_model as toy  # noqa: E402
from mmcv.runner import load_checkpoint, save_checkpoint  # noqa: E402

DIR_TOKEN = '<DIR>'


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append([record.levelname, record.getMessage()])


def run_case(case) -> dict:
    file, strict, revise, with_logger = case
    path = os.path.join(OUT_DIR, file)
    model = toy.make_model(seed=7)
    logger, handler = None, None
    if with_logger:
        logger = logging.getLogger('legacy_checkpoint_golden')
        logger.handlers[:] = []
        logger.propagate = False
        logger.setLevel(logging.INFO)
        handler = ListHandler()
        logger.addHandler(handler)
    kwargs = {} if revise is None else {'revise_keys': [tuple(p) for p in revise]}
    out, error, top_keys = io.StringIO(), None, None
    with contextlib.redirect_stdout(out):
        try:
            ckpt = load_checkpoint(model, path, strict=strict, logger=logger, **kwargs)
            top_keys = list(ckpt)
        except Exception as e:  # noqa: BLE001 - recording what MMCV raises
            error = [type(e).__name__, str(e)]
    return {'stdout': out.getvalue().replace(OUT_DIR, DIR_TOKEN),
            'log': [[lvl, msg.replace(OUT_DIR, DIR_TOKEN)] for lvl, msg in handler.records]
            if handler else [],
            'error': error, 'top_keys': top_keys,
            'weights_after': toy.tensors(model.state_dict())}


def main():
    import mmcv
    os.makedirs(OUT_DIR, exist_ok=True)
    model, sgd, optimizers = toy.trained_model_and_optimizers()
    save_checkpoint(DataParallel(model), os.path.join(OUT_DIR, 'mmcv_written.pth'),
                    optimizer=sgd, meta=copy.deepcopy(toy.META))
    save_checkpoint(model, os.path.join(OUT_DIR, 'mmcv_two_optimizers.pth'),
                    optimizer=optimizers)
    for name, obj in toy.scenario_state_dicts(model.state_dict()).items():
        torch.save(obj, os.path.join(OUT_DIR, name))
    expected = {
        'mmcv_version': mmcv.__version__, 'torch_version': torch.__version__,
        'dir_token': DIR_TOKEN,
        'files': {name: toy.file_layout(os.path.join(OUT_DIR, name))
                  for name in ('mmcv_written.pth', 'mmcv_two_optimizers.pth')},
        'loads': {toy.case_name(case): run_case(case) for case in toy.LOAD_CASES},
    }
    with open(os.path.join(OUT_DIR, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=False)
        f.write('\n')
    print(f'wrote {OUT_DIR}: {len(expected["loads"])} load cases')


if __name__ == '__main__':
    main()
