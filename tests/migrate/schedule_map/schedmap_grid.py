"""A broad grid of legacy set-ups, and the *form* of a mapping: what the coverage test compares
between the grid and the set-ups recorded from the real MMCV."""
from __future__ import annotations

from typing import Iterator, List, Optional, Set, Tuple

from migrate.schedule_map import MOMENTUM_RULE
from migrate.schedule_map.types import LR_RULE

from schedmap_support import Setup

EBR, IBR = 'EpochBasedRunner', 'IterBasedRunner'
# Short runs: the grid's mappings are measured (approximations), and the runs dominate.
EPOCHS, EPOCH_LEN, ITERS = 6, 5, 40
WARMUPS = (None, 'constant', 'linear', 'exp')
LR_POLICIES = ('fixed', 'step', 'exp', 'poly', 'inv', 'CosineAnnealing', 'FlatCosineAnnealing',
               'CosineRestart', 'LinearAnnealing', 'cyclic', 'OneCycle')
MOMENTUM_POLICIES = ('step', 'CosineAnnealing', 'LinearAnnealing', 'cyclic', 'OneCycle')
SGD = dict(type='SGD', lr=0.1, momentum=0.9)


def _units(runner: str, by_epoch: bool) -> int:
    if runner == EBR:
        return EPOCHS if by_epoch else EPOCHS * EPOCH_LEN
    return ITERS


def _lr_variants(policy: str, units: int) -> List[dict]:
    """Each policy with a relative and (where it has one) an absolute minimum: absolute values
    give other forms (extra entries, 'base-value-dependent')."""
    half = units // 2
    return {
        'fixed': [{}],
        'step': [dict(step=[half // 2, half]), dict(step=half, gamma=0.5, min_lr=1e-3)],
        'exp': [dict(gamma=0.9)],
        'poly': [dict(power=0.9, min_lr=1e-4)],
        'inv': [dict(gamma=0.1, power=0.5)],
        'CosineAnnealing': [dict(min_lr_ratio=0.01), dict(min_lr=1e-4)],
        'FlatCosineAnnealing': [dict(start_percent=0.5, min_lr_ratio=0.01),
                                dict(start_percent=0.5, min_lr=1e-4)],
        'CosineRestart': [dict(periods=[half, units - half], restart_weights=[1, 0.5],
                               min_lr_ratio=0.1),
                          dict(periods=[half, units - half], restart_weights=[1, 1],
                               min_lr=1e-3)],
        'LinearAnnealing': [dict(min_lr_ratio=0.05), dict(min_lr=1e-3)],
        'cyclic': [dict(target_ratio=(10, 1e-4), cyclic_times=1),
                   dict(target_ratio=(5, 0.1), cyclic_times=3, gamma=0.5,
                        anneal_strategy='linear')],
        'OneCycle': [dict(max_lr=0.5), dict(max_lr=0.5, three_phase=True,
                                            anneal_strategy='linear')],
    }[policy]


def _momentum_variants(policy: str, units: int) -> List[dict]:
    half = units // 2
    return {
        'step': [dict(step=[half // 2, half]), dict(step=half, min_momentum=0.5)],
        'CosineAnnealing': [dict(min_momentum_ratio=0.9), dict(min_momentum=0.8)],
        'LinearAnnealing': [dict(min_momentum_ratio=0.9), dict(min_momentum=0.8)],
        'cyclic': [{}],
        'OneCycle': [{}, dict(three_phase=True)],
    }[policy]


def _hooks(key: str, runner: str) -> Iterator[dict]:
    lr = key == 'lr_config'
    for policy in (LR_POLICIES if lr else MOMENTUM_POLICIES):
        for by_epoch in (True, False):
            if policy in ('cyclic', 'OneCycle') and by_epoch:
                continue   # MMCV refuses by_epoch=True for them
            variants = (_lr_variants if lr else _momentum_variants)(policy,
                                                                    _units(runner, by_epoch))
            if runner == IBR and by_epoch:
                variants = variants[:1]   # a no-op in MMCV whatever the arguments
            for params in variants:
                for warmup in WARMUPS:
                    # warmup_by_epoch: lr hooks of epoch runs only (MMCV refuses it elsewhere)
                    for by_epoch_warmup in ((False, True) if warmup and lr and runner == EBR
                                            else (False,)):
                        hook = dict(policy=policy, by_epoch=by_epoch, **params)
                        if warmup:
                            hook.update(warmup=warmup, warmup_iters=2 if by_epoch_warmup else 7,
                                        warmup_ratio=0.1)
                            if by_epoch_warmup:
                                hook['warmup_by_epoch'] = True
                        yield hook


def grid_setups() -> Iterator[Tuple[str, dict, int, int]]:
    """(name, config, epoch_len, num_groups): every lr policy and every momentum policy (with
    a fixed lr) x warmup kind or none x by_epoch x warmup_by_epoch x runner, plus a few
    optimizer and param-group shapes that change what is written."""
    for runner in (EBR, IBR):
        run = dict(type=runner, max_epochs=EPOCHS) if runner == EBR else \
            dict(type=runner, max_iters=ITERS)
        for key in ('lr_config', 'momentum_config'):
            for i, hook in enumerate(_hooks(key, runner)):
                cfg = dict(optimizer=SGD, runner=run)
                if key == 'lr_config':
                    cfg['lr_config'] = hook
                else:
                    cfg.update(lr_config=dict(policy='fixed'), momentum_config=hook)
                yield f'{runner[:-6]}-{key[:-7]}-{i}', cfg, EPOCH_LEN, 1
    adam = dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999))
    yield ('adam-momentum', dict(optimizer=adam, runner=dict(type=IBR, max_iters=ITERS),
                                 lr_config=dict(policy='poly', power=1.0, by_epoch=False),
                                 momentum_config=dict(policy='CosineAnnealing', by_epoch=False,
                                                      min_momentum_ratio=0.9)), EPOCH_LEN, 1)
    for runner in (EBR, IBR):
        run = dict(type=runner, max_epochs=EPOCHS) if runner == EBR else \
            dict(type=runner, max_iters=ITERS)
        yield (f'two-groups-one-cycle-{runner}',
               dict(optimizer=SGD, runner=run,
                    lr_config=dict(policy='OneCycle', max_lr=[0.5, 0.2]),
                    momentum_config=dict(policy='OneCycle', base_momentum=[0.8, 0.85],
                                         max_momentum=[0.95, 0.9])), EPOCH_LEN, 2)
    yield ('total-epochs', dict(optimizer=SGD, total_epochs=EPOCHS,
                                lr_config=dict(policy='step', step=[2, 4])), EPOCH_LEN, 1)


def mapping_params(setup: Setup) -> List[Tuple[str, Optional[int]]]:
    """(target, epoch_len passed) as the golden tests map a set-up: the epoch length is
    tried both known and unknown for epoch runs (it only matters there)."""
    lens = (setup.epoch_len, None) if setup.epoch_based else (setup.epoch_len,)
    return [(target, n) for target in ('engine', 'mmengine') for n in lens]


def _rule_of(scheduler: dict) -> str:
    return MOMENTUM_RULE if scheduler['type'].endswith('Momentum') else LR_RULE


def forms(mapping, target: str) -> Set[tuple]:
    """The forms a mapping claims exact: per rule without an approximation, (target, rule,
    per written entry (type, by_epoch, convert_to_iter_based, begin < 0), sorted note kinds).
    The entry flags are there because each picks another code path in the mapper (unit
    conversion, the begin=-1 shift), which goldens of the bare type would not prove."""
    out = set()
    for rule in (LR_RULE, MOMENTUM_RULE):
        if any(a.rule == rule for a in mapping.approximations):
            continue
        entries = tuple((s['type'], s.get('by_epoch', True),
                         bool(s.get('convert_to_iter_based')), s.get('begin', 0) < 0)
                        for s in mapping.schedulers if _rule_of(s) == rule)
        notes = tuple(sorted({n.kind for n in mapping.notes if n.rule == rule}))
        if entries or notes:
            out.add((target, rule, entries, notes))
    return out


def setup_forms(setup: Setup, params=None) -> Set[tuple]:
    out: Set[tuple] = set()
    for target, epoch_len in (params or mapping_params(setup)):
        out |= forms(setup.map(target, epoch_len), target)
    return out


__all__ = ['grid_setups', 'forms', 'setup_forms', 'mapping_params']
