"""What the schedule golden recorders share: the optimizers and runners their set-ups use, the
set-up tuple, and the loop that runs every set-up and error case through the real MMCV 1.7.2
(``mmcv_schedule_sim.simulate``) and writes the goldens file. Oracle interpreter only; imports
none of our packages."""
from __future__ import annotations

import json
import os

from mmcv_schedule_sim import simulate

SGD = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4)
TWO_LRS = dict(type='SGD', lr=0.1, momentum=0.9,
               paramwise_cfg=dict(custom_keys={'p1': dict(lr_mult=0.1)}))


def ebr(max_epochs):
    return dict(type='EpochBasedRunner', max_epochs=max_epochs)


def ibr(max_iters):
    return dict(type='IterBasedRunner', max_iters=max_iters)


def setup(name, lr_config, runner, epoch_len, momentum_config=None, optimizer=SGD,
          num_groups=1, **extra):
    """``(name, cfg, epoch_len, num_groups)``; ``runner=None`` leaves the key out."""
    cfg = dict(optimizer=optimizer, lr_config=lr_config, runner=runner)
    if momentum_config is not None:
        cfg['momentum_config'] = momentum_config
    cfg.update(extra)
    if runner is None:
        del cfg['runner']
    return name, cfg, epoch_len, num_groups


def record_setups(out_path, setups, error_cases, about, mmcv_version):
    """Simulate every set-up and every ``(name, cfg, key)`` error case (each must fail), and
    write them compactly to ``out_path``."""
    recorded = {}
    for name, cfg, epoch_len, num_groups in setups:
        assert name not in recorded, name
        result = simulate(cfg, epoch_len, num_groups)
        recorded[name] = dict(config=repr(cfg), epoch_len=epoch_len, num_groups=num_groups,
                              **result)
        print(f'{name}: {len(result["iter"])} iterations')
    errors = {}
    for name, cfg, key in error_cases:
        try:
            simulate(cfg, 4)
        except Exception as exc:   # noqa: BLE001 - any failure is the point
            errors[name] = dict(config=repr(cfg), epoch_len=4, key=key,
                                mmcv_error=f'{type(exc).__name__}: {exc}')
            print(f'{name}: {type(exc).__name__}')
            continue
        raise SystemExit(f'{name}: did not fail')
    payload = dict(about=about, mmcv_version=mmcv_version, setups=recorded, errors=errors)
    with open(out_path, 'w') as f:
        json.dump(payload, f, indent=None, separators=(',', ':'))
        f.write('\n')
    print(f'{len(recorded)} set-ups, {len(errors)} error cases -> {out_path} '
          f'({os.path.getsize(out_path)} bytes)')
