"""The order of every hook call in a 2-epoch run with validation equals real MMEngine's.

Golden: fixtures/goldens/hook_order.json (scripts/oracle/record_engine_goldens.py), which lists
for each fired stage the hooks whose class changes that stage, in call order, with batch_idx.
"""
import json
import os

from engine.hooks.hook import Hook
from engine.hooks.priority import get_priority
from engine.runner import Runner
from engine.runner.hook_list import HookList

from runner_support import GOLDENS, load_engine_config

with open(os.path.join(GOLDENS, 'hook_order.json')) as f:
    GOLDEN = json.load(f)


class StageRecorderHook(Hook):
    """Overrides every stage, like the oracle script's hook of the same name."""
    priority = 'NORMAL'


for _stage in Hook.stages:
    setattr(StageRecorderHook, _stage, lambda self, runner, **kw: None)


def test_hook_call_order_matches_mmengine(tmp_path, monkeypatch):
    calls = []
    original = HookList.call

    def recording_call(self, stage, runner, **kwargs):
        for fn in self._stage_calls.get(stage, []):
            calls.append([type(fn.__self__).__name__, stage, kwargs.get('batch_idx')])
        return original(self, stage, runner, **kwargs)

    monkeypatch.setattr(HookList, 'call', recording_call)
    cfg = load_engine_config(GOLDEN['config'], tmp_path,
                             {'train_cfg.max_epochs': GOLDEN['max_epochs']})
    runner = Runner.from_cfg(cfg)
    runner.register_hook(StageRecorderHook())
    runner.train()

    registered = [[type(h).__name__, get_priority(h.priority)] for h in runner.hooks]
    assert registered == [[n, get_priority(p)] for n, p in GOLDEN['hooks']]
    assert len(calls) == len(GOLDEN['calls'])
    for i, (ours, theirs) in enumerate(zip(calls, GOLDEN['calls'])):
        assert ours == theirs, f'call {i}: {ours} != {theirs}'
