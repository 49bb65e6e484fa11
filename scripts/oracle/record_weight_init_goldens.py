"""Record MMCV 1.7.2's weight initialisation of a small module tree for each init_cfg case.

Run with the oracle interpreter (never imports our packages; the tree and the cases come from
scripts/oracle/init_cfg_tree.py, loaded by path):

    .oracle/mmcv/bin/python scripts/oracle/record_weight_init_goldens.py

Writes ``fixtures/goldens/legacy_weight_init_pretrained.pth`` (the checkpoint the Pretrained
cases load: ``{'state_dict': ...}`` of the tree built at seed 7) and
``fixtures/goldens/legacy_weight_init.json``: per case, the seed, every parameter and buffer
after ``torch.manual_seed(seed)`` + build + ``torch.manual_seed(seed + 1000)`` +
``init_weights()``, the text the ``mmcv`` logger's file handler received (the checkpoint path
written as ``<CKPT>``), each module's ``is_init``, whether ``_params_init_info`` was left
behind, and the warnings of a second ``init_weights()`` call.
"""
import importlib.util
import json
import logging
import os
import tempfile
import warnings

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
GOLDENS = os.path.join(ROOT, 'fixtures', 'goldens')
CKPT_PATH = os.path.join(GOLDENS, 'legacy_weight_init_pretrained.pth')

_spec = importlib.util.spec_from_file_location(
    'init_cfg_tree', os.path.join(ROOT, 'scripts', 'oracle', 'init_cfg_tree.py'))
tree = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tree)

from mmcv.runner import BaseModule, ModuleList, Sequential  # noqa: E402
from mmcv.utils import get_logger  # noqa: E402


def build(cfgs):
    return tree.build_tree(BaseModule, Sequential, ModuleList, cfgs)


def run_case(index, name, cfgs):
    seed = 100 + index
    torch.manual_seed(seed)
    model = build(tree.with_checkpoint(cfgs, CKPT_PATH))
    logger = get_logger('mmcv')
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, 'init.log')
        handler = logging.FileHandler(log_path)
        logger.addHandler(handler)
        try:
            torch.manual_seed(seed + 1000)
            model.init_weights()
        finally:
            logger.removeHandler(handler)
            handler.close()
        with open(log_path) as f:
            log_text = f.read().replace(CKPT_PATH, tree.CKPT)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        model.init_weights()
    return dict(
        seed=seed,
        state=[[k, v.detach().double().flatten().tolist()]
               for k, v in model.state_dict().items()],
        log_text=log_text,
        is_init={n or '<top>': m.is_init for n, m in model.named_modules()
                 if hasattr(m, 'is_init')},
        left_init_info=hasattr(model, '_params_init_info'),
        second_call_warnings=[str(w.message) for w in caught])


def main():
    import mmcv
    torch.manual_seed(7)
    torch.save({'state_dict': build({}).state_dict()}, CKPT_PATH)
    cases = {name: run_case(i, name, cfgs) for i, (name, cfgs) in enumerate(tree.CASES.items())}
    out = dict(recorded_with=f'mmcv {mmcv.__version__}, torch {torch.__version__}', cases=cases)
    with open(os.path.join(GOLDENS, 'legacy_weight_init.json'), 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
