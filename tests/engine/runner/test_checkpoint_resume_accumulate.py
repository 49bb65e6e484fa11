"""Resume in the same process after an exception: iteration loop with an InfiniteSampler
(one endless index stream, no passes) and gradient accumulation over 3 iterations, resumed
from iter_10.pth in the middle of an accumulation window (10 = 3 * 3 + 1)."""
import pytest
import torch

from engine.hooks.hook import Hook
from engine.runner import Runner

from runner_support import load_engine_config


class Crash(Exception):
    pass


class Recorder(Hook):
    priority = 'LOWEST'

    def __init__(self, crash_at=None):
        self.crash_at = crash_at
        self.lr, self.loss = {}, {}

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == self.crash_at:
            raise Crash
        self.lr[runner.iter] = [g['lr'] for g in runner.optim_wrapper.optimizer.param_groups]

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.loss[runner.iter] = float(outputs['loss'].detach())


def run(work_dir, crash_at=None, resume=False):
    cfg = load_engine_config('toy_iter_accumulate.py', work_dir)
    cfg['resume'] = resume
    runner = Runner.from_cfg(cfg)
    rec = runner.register_hook(Recorder(crash_at))
    if crash_at is None:
        runner.train()
    else:
        with pytest.raises(Crash):
            runner.train()
    return runner, rec


def test_infinite_sampler_and_accumulation_resume_exactly(tmp_path):
    ref, ref_rec = run(tmp_path / 'ref')
    run(tmp_path / 'wd', crash_at=13)
    resumed, rec = run(tmp_path / 'wd', resume=True)
    assert sorted(rec.lr) == list(range(10, 20))
    for i in rec.lr:
        assert (rec.lr[i], rec.loss[i]) == (ref_rec.lr[i], ref_rec.loss[i]), i
    for k, v in ref.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[k], v), k
    ref_state = ref.optim_wrapper.state_dict()['state']
    for idx, st in resumed.optim_wrapper.state_dict()['state'].items():
        assert torch.equal(st['momentum_buffer'], ref_state[idx]['momentum_buffer'])
