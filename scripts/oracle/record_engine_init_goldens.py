"""Record MMEngine 0.10.7's ``init_cfg`` weight initialisation as goldens for the engine.

Run with the MMEngine oracle interpreter (never imports our packages; the module tree comes from
scripts/oracle/init_cfg_tree.py, loaded by path, the same tree the MMCV goldens use)::

    .oracle/mmengine/bin/python scripts/oracle/record_engine_init_goldens.py          # write
    .oracle/mmengine/bin/python scripts/oracle/record_engine_init_goldens.py --check  # compare

Writes ``fixtures/goldens/engine_init_pretrained.pth`` (``{'state_dict': ...}`` of the tree
built at seed 7), ``fixtures/goldens/engine_init_pretrained_ddp.pth`` (a bare state dict of
the tree at seed 8 with ``module.`` key prefixes, an extra key and a wrong-shaped tensor) and
``fixtures/goldens/engine_init_cfg.json``:

- ``cases``: per case its ``init_cfgs`` (per part of the tree; ``<CKPT>``/``<CKPT_DDP>`` stand for
  the two files), the seed, every parameter and buffer after ``torch.manual_seed(seed)`` + build
  + ``torch.manual_seed(seed + 1000)`` + ``init_weights()`` as ``float.hex`` (bitwise), the text
  a file handler of the current MMLogger received (formatted ``LEVEL - message``; the raw init
  info table included), what went to stdout, each module's ``is_init`` and the log lines of a
  second ``init_weights()``.
- ``errors``: per wrong ``init_cfg``, the exception class MMEngine raised and its message.

``--check`` records into a temporary folder and exits 1 if the JSON differs from the stored one.
"""
import contextlib
import importlib.util
import io
import json
import logging
import os
import shutil
import sys
import tempfile
from collections import OrderedDict

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
GOLDENS = os.path.join(ROOT, 'fixtures', 'goldens')
JSON_NAME = 'engine_init_cfg.json'
CKPT_NAME = 'engine_init_pretrained.pth'
CKPT_DDP_NAME = 'engine_init_pretrained_ddp.pth'
CKPT, CKPT_DDP = '<CKPT>', '<CKPT_DDP>'

_spec = importlib.util.spec_from_file_location(
    'init_cfg_tree', os.path.join(ROOT, 'scripts', 'oracle', 'init_cfg_tree.py'))
tree = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tree)

from mmengine.logging import MMLogger  # noqa: E402
from mmengine.model import BaseModule, ModuleList, Sequential  # noqa: E402

# the MMCV cases of the shared tree, plus what MMEngine does differently or in addition
CASES = dict(tree.CASES)
CASES.update({
    # MMEngine loads Pretrained after the other entries and after the children
    'pretrained_after_other_entries': dict(
        net=[dict(type='Pretrained', checkpoint=CKPT),
             dict(type='Constant', layer=['Conv2d', 'Linear'], val=3)],
        head=dict(type='Normal', layer='Linear', std=0.5)),
    'pretrained_prefix_without_dot': dict(
        head=dict(type='Pretrained', checkpoint=CKPT, prefix='head')),
    'pretrained_prefix_map_location': dict(
        neck=dict(type='Pretrained', checkpoint=CKPT, prefix='neck.', map_location='cpu')),
    'pretrained_module_prefixed_mismatch': dict(
        net=dict(type='Pretrained', checkpoint=CKPT_DDP)),
    'kaiming_fan_in_leaky_uniform_bias_prob': dict(
        net=dict(type='Kaiming', layer=['Conv2d', 'Linear'], a=0.1, mode='fan_in',
                 nonlinearity='leaky_relu', distribution='uniform', bias_prob=0.2)),
    'xavier_normal_gain_override_list': dict(
        net=dict(type='Xavier', layer='Linear', gain=0.5,
                 override=[dict(type='Constant', name='neck', val=-1, bias=0.25),
                           dict(type='TruncNormal', name='backbone', std=0.2, a=-0.1,
                                b=0.3)])),
    'uniform_bn_by_base_name': dict(
        net=dict(type='Uniform', layer='_BatchNorm', a=0.5, b=0.75, bias=-0.5)),
    'constant_whole_tree_no_layer': dict(net=dict(type='Constant', val=2)),
})

# wrong init_cfgs: what MMEngine raises (built on the tree as the `net` entry)
ERROR_CASES = {
    'bias_not_a_number': dict(type='Constant', layer='Linear', val=1, bias='1'),
    'bias_prob_not_a_float': dict(type='Normal', layer='Linear', bias_prob=1),
    'layer_not_str_or_list': dict(type='Normal', layer=3),
    'override_without_name': dict(type='Normal', layer='Linear',
                                  override=dict(type='Constant', val=1)),
    'override_args_without_type': dict(type='Normal', layer='Linear',
                                       override=dict(name='head', val=1)),
    'override_unknown_attribute': dict(type='Normal', layer='Linear',
                                       override=dict(type='Constant', name='nope', val=1)),
    'override_not_dict': dict(type='Normal', layer='Linear', override='head'),
    'unknown_type': dict(type='Gaussian', layer='Linear'),
    'no_type': dict(layer='Linear', val=1),
    'unknown_argument': dict(type='Constant', layer='Linear', val=1, scale=2),
    'bad_distribution': dict(type='Xavier', layer='Linear', distribution='gauss'),
    'init_cfg_is_a_string': 'Normal',
    'pretrained_prefix_not_found': dict(type='Pretrained', checkpoint=CKPT, prefix='trunk.'),
    'pretrained_missing_file': dict(type='Pretrained', checkpoint='<MISSING>/none.pth'),
}


def build(cfgs):
    return tree.build_tree(BaseModule, Sequential, ModuleList, cfgs)


def with_paths(obj, paths):
    if isinstance(obj, dict):
        return {k: with_paths(v, paths) for k, v in obj.items()}
    if isinstance(obj, list):
        return [with_paths(v, paths) for v in obj]
    if isinstance(obj, str):
        for mark, path in paths.items():
            obj = obj.replace(mark, path)
    return obj


def hide_paths(text, paths):
    for mark, path in paths.items():
        text = text.replace(path, mark)
    return text


def write_checkpoints(folder):
    torch.manual_seed(7)
    torch.save({'state_dict': build({}).state_dict()}, os.path.join(folder, CKPT_NAME))
    torch.manual_seed(8)
    state = OrderedDict(('module.' + k, v) for k, v in build({}).state_dict().items())
    state['module.extra.weight'] = torch.ones(2)
    state['module.head.fc.weight'] = torch.zeros(3, 3)  # the tree's is 6x4
    torch.save(state, os.path.join(folder, CKPT_DDP_NAME))


@contextlib.contextmanager
def captured_log(folder):
    """A file handler on the current MMLogger; yields a function returning its text."""
    logger = MMLogger.get_current_instance()
    path = os.path.join(folder, 'init.log')
    handler = logging.FileHandler(path, mode='w')
    handler.setFormatter(logging.Formatter('%(levelname)s - %(message)s'))
    handler.setLevel(logging.INFO)  # a run's log file at the default log_level
    logger.addHandler(handler)
    try:
        yield lambda: open(path).read()
    finally:
        logger.removeHandler(handler)
        handler.close()


def state_hex(model):
    return [[k, [float(x).hex() for x in v.detach().double().flatten().tolist()]]
            for k, v in model.state_dict().items()]


def run_case(index, cfgs, folder, paths):
    seed = 100 + index
    torch.manual_seed(seed)
    model = build(with_paths(cfgs, paths))
    out = io.StringIO()
    with captured_log(folder) as text, contextlib.redirect_stdout(out):
        torch.manual_seed(seed + 1000)
        model.init_weights()
        log_text = text()
    with captured_log(folder) as text:
        model.init_weights()
        second = text()
    return dict(
        init_cfgs=cfgs, seed=seed, state=state_hex(model),
        log_text=hide_paths(log_text, paths), stdout=hide_paths(out.getvalue(), paths),
        is_init={n or '<top>': m.is_init for n, m in model.named_modules()
                 if hasattr(m, 'is_init')},
        second_call_log=second)


def run_error(cfg, paths):
    torch.manual_seed(0)
    model = build(dict(net=with_paths(cfg, paths)))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            model.init_weights()
    except Exception as e:  # noqa: BLE001 - recording what MMEngine raises
        return dict(init_cfg=cfg, raised=type(e).__name__,
                    builtin=[c.__name__ for c in type(e).__mro__
                             if c.__module__ == 'builtins' and c not in (object, BaseException)],
                    message=hide_paths(str(e), paths))
    return dict(init_cfg=cfg, raised=None)


def record(folder):
    import mmengine
    write_checkpoints(folder)
    paths = {CKPT_DDP: os.path.join(folder, CKPT_DDP_NAME), CKPT: os.path.join(folder, CKPT_NAME),
             '<MISSING>': os.path.join(folder, 'missing')}
    MMLogger.get_instance('engine_init_goldens', log_level='INFO')
    cases = {name: run_case(i, cfgs, folder, paths) for i, (name, cfgs) in enumerate(CASES.items())}
    errors = {name: run_error(cfg, paths) for name, cfg in ERROR_CASES.items()}
    return dict(recorded_with=f'mmengine {mmengine.__version__}, torch {torch.__version__}',
                cases=cases, errors=errors)


def dumps(golden):
    return json.dumps(golden, indent=1) + '\n'


def main(argv):
    check = '--check' in argv
    with tempfile.TemporaryDirectory() as tmp:
        golden = record(tmp)
        if check:
            with open(os.path.join(GOLDENS, JSON_NAME)) as f:
                same = f.read() == dumps(golden)
            print('engine_init_cfg.json is ' + ('up to date' if same else 'STALE'))
            return 0 if same else 1
        for name in (CKPT_NAME, CKPT_DDP_NAME):
            shutil.copyfile(os.path.join(tmp, name), os.path.join(GOLDENS, name))
    with open(os.path.join(GOLDENS, JSON_NAME), 'w') as f:
        f.write(dumps(golden))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
