"""With --target mmengine every converted fixture module imports on the real MMEngine 0.10.7,
every hook class registers in its HOOKS, and every stage binds the keywords MMEngine's
call_hook passes (recorded by scripts/oracle/record_hookcode_mmengine_binding.py)."""
import hashlib
import json
import os

import pytest

from _hook_cases import CONVERTED, MARKED_ONLY, ROOT, modules

GOLDEN = os.path.join(ROOT, 'fixtures', 'goldens', 'hookcode_mmengine_binding.json')


def _golden():
    with open(GOLDEN, encoding='utf-8') as f:
        return json.load(f)


def test_recorded_on_mmengine_0_10_7_with_loop_keywords():
    golden = _golden()
    assert golden['mmengine'] == '0.10.7'
    for stage, info in golden['stages'].items():
        for site in info['loop_call_sites']:   # the loops pass what the base declares
            assert site == info['keywords'], stage
    assert golden['stages']['after_train_iter']['keywords'] == ['batch_idx', 'data_batch',
                                                               'outputs']
    assert golden['stages']['after_val_epoch']['keywords'] == ['metrics']


@pytest.mark.parametrize('name', modules())
def test_module_imports_registers_and_binds(name):
    entry = _golden()['modules'][name]
    with open(os.path.join(CONVERTED, 'mmengine', name), 'rb') as f:
        assert entry['sha256'] == hashlib.sha256(f.read()).hexdigest(), (
            f'{name} changed since the golden was recorded: run .oracle/mmengine/bin/python '
            'scripts/oracle/record_hookcode_mmengine_binding.py')
    assert entry['imported'], entry.get('error')
    assert entry['stubbed'] == MARKED_ONLY.get(name, [])
    hooks = {c: i for c, i in entry['classes'].items() if i['hook']}
    # HK007 ports an LR/momentum updater hook to a parameter scheduler, no hook
    schedulers = {c: i['param_scheduler'] for c, i in entry['classes'].items()
                  if 'param_scheduler' in i}
    for cls, info in schedulers.items():
        assert info['registered'], f'{name}: {cls} not in mmengine.registry.PARAM_SCHEDULERS'
    # HK008 ports an optimizer hook to an optim wrapper, no hook
    wrappers = {c: i for c, i in entry['classes'].items() if i.get('optim_wrapper')}
    for cls, info in wrappers.items():
        assert info['registered'], f'{name}: {cls} not in mmengine.registry.OPTIM_WRAPPERS'
        assert 'error' not in info, f'{name}: {cls}: {info["error"]}'
    # HK010 ports a runner to a train loop, no hook (what it did on MMEngine:
    # test_port_runner_subclass.py)
    loops = {c: i for c, i in entry['classes'].items() if i.get('loop')}
    for cls, info in loops.items():
        assert info['loop_registered'], f'{name}: {cls} not in mmengine.registry.LOOPS'
    if name not in MARKED_ONLY and name != 'not_hook_code.py' and not schedulers \
            and not wrappers and not loops:
        assert hooks, f'{name}: no MMEngine Hook subclass'
    for cls, info in hooks.items():
        assert info['registered'], f'{name}: {cls} not in mmengine.registry.HOOKS'
        assert info['stages'], f'{name}: {cls} overrides no stage'
        for stage, outcome in info['stages'].items():
            assert outcome == 'binds', f'{name}: {cls}.{stage}: {outcome}'
