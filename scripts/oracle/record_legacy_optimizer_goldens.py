"""Record MMCV 1.7.2's optimizer builder: ``OPTIMIZERS``' names, the param groups
``build_optimizer`` makes for every case in legacy_optimizer_model.CASES (and the warnings it
gives), and the exception each of ERROR_CASES raises.

Run with the oracle interpreter (it must not import this repository's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_optimizer_goldens.py

The oracle has no compiled ops, so MMCV would never see a deformable conv; as in an mmcv-full
install, the recorder lets ``add_params`` find the model's stand-ins as ``mmcv.ops``'
``DeformConv2d``/``ModulatedDeformConv2d``. Writes fixtures/goldens/legacy_optimizer.json.
"""
from __future__ import annotations

import json
import os
import sys
import types
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings('ignore')
import legacy_optimizer_model as toy  # noqa: E402
import mmcv.runner.optimizer.default_constructor as mmcv_default_constructor  # noqa: E402
from mmcv.runner import (OPTIMIZER_BUILDERS, OPTIMIZERS, DefaultOptimizerConstructor,  # noqa: E402
                         build_optimizer)

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'goldens',
                   'legacy_optimizer.json')


def install_fake_ops() -> None:
    ops = types.ModuleType('mmcv.ops')
    ops.DeformConv2d = toy.DeformConv2d
    ops.ModulatedDeformConv2d = toy.ModulatedDeformConv2d
    sys.modules['mmcv.ops'] = ops
    mmcv_default_constructor.check_ops_exist = lambda: True


def record_case(spec, cfg):
    model = toy.make_model(spec)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        optimizer = build_optimizer(model, cfg)
    out = toy.describe(optimizer, toy.param_names(model))
    out['warnings'] = [str(w.message) for w in caught]
    return out


def record_error(spec, cfg):
    model = toy.make_model(spec)
    try:
        build_optimizer(model, cfg)
    except Exception as e:  # noqa: BLE001 - recording whatever MMCV raises
        return {'exception': type(e).__name__, 'message': str(e)}
    raise SystemExit(f'MMCV accepted an error case: {cfg}')


def main() -> None:
    install_fake_ops()
    OPTIMIZER_BUILDERS.register_module()(toy.make_head_only_constructor(
        DefaultOptimizerConstructor))
    golden = {
        'optimizers': sorted(OPTIMIZERS.module_dict),
        'cases': {name: record_case(*case) for name, case in toy.CASES.items()},
        'errors': {name: record_error(*case) for name, case in toy.ERROR_CASES.items()},
    }
    with open(OUT, 'w') as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write('\n')
    print(f'wrote {os.path.normpath(OUT)}: {len(golden["cases"])} cases, '
          f'{len(golden["errors"])} error cases')


if __name__ == '__main__':
    main()
