"""Record what the real MMEngine 0.10.7 makes of the config trees in
fixtures/configs/config_system/, for tests/engine/config/test_config_goldens.py.

Run with the oracle interpreter from the repository root:

    .oracle/mmengine/bin/python scripts/oracle/record_config_goldens.py

It writes fixtures/goldens/config_system.json with, per config file, the merged ``to_dict()``;
per override case, the options parsed by ``DictAction`` and the config after
``merge_from_dict``; and a table of single values parsed by ``DictAction``. Tuples are stored
as ``{"__tuple__": [...]}`` so that they survive JSON.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_golden_io import encode  # noqa: E402

import mmengine
from mmengine.config import Config, DictAction

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREES = os.path.join(ROOT, 'fixtures', 'configs', 'config_system')
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'config_system.json')

# Config files whose merged result is recorded (the others are only bases).
CONFIGS = [
    'py_chain/mid.py',
    'py_chain/leaf.py',
    'py_chain/nested/deep.py',
    'yaml_tree/child.yaml',
    'yaml_tree/grandchild.yml',
    'json_tree/child.json',
    'mixed/child.py',
    'mixed/child.yaml',
]

# --cfg-options cases, written so that MMEngine and our parser read them alike (no spaces,
# no quotes: there the two differ on purpose).
OVERRIDES = [
    ('py_chain/leaf.py', [
        'model.backbone.depth=152', 'param_scheduler.0.T_max=7',
        'optim_wrapper.optimizer.betas=(0.8,0.95)', 'train_cfg.val_interval=3',
        'new_key=[1,2,(3,4)]', 'default_hooks.logger.interval=5', 'flag=true',
        'load_from=None', 'names=a,b,c', 'model.neck.in_channels=[256,512]',
    ]),
    ('yaml_tree/grandchild.yml', [
        'train_dataloader.dataset.pipeline.0.type=LoadImageFromNDArray',
        'train_dataloader.batch_size=16', 'val_evaluator.iou_thrs=[0.5,0.75]',
    ]),
    ('json_tree/child.json', ['workflow=[(train,2),(val,1)]', 'optimizer.lr=1e-3']),
]

VALUES = [
    '1', '-3', '1.5', '1e-4', 'inf', 'true', 'False', 'TRUE', 'None', 'none', 'abc',
    'a.b', '[1,2]', '(1,2)', '[]', '()', '(1,)', '[1,]', '1,2,3', 'x,y',
    '[(1,2),[a,b]]', '[1,[2,[3,(4,)]]]', '((1,2),(3,4))', '[True,None,0.5,x]', '1,',
]


def main():
    os.chdir(TREES)  # keeps absolute paths out of the recorded values
    golden = {'mmengine_version': mmengine.__version__, 'configs': {}, 'overrides': [],
              'values': {}}
    for name in CONFIGS:
        golden['configs'][name] = encode(Config.fromfile(name).to_dict())
    for name, items in OVERRIDES:
        options = {}
        for item in items:
            key, value = item.split('=', 1)
            options[key] = DictAction._parse_iterable(value)
        cfg = Config.fromfile(name)
        cfg.merge_from_dict(options)
        golden['overrides'].append({'config': name, 'items': items, 'parsed': encode(options),
                                    'merged': encode(cfg.to_dict())})
    for text in VALUES:
        golden['values'][text] = encode(DictAction._parse_iterable(text))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as handle:
        json.dump(golden, handle, indent=1, allow_nan=True)
        handle.write('\n')
    print(f'wrote {OUT}: {len(CONFIGS)} configs, {len(OVERRIDES)} override cases, '
          f'{len(VALUES)} values', file=sys.stderr)


if __name__ == '__main__':
    main()
