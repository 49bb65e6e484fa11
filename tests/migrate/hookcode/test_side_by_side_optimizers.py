"""HK004 side by side: a legacy hook that reads runner.optimizer as a dict of optimizers (and
as one) on compat, and converted on the engine, where the dict is an OptimWrapperDict: the
same branch is taken and the same optimizers, names and learning rates are read at every
epoch, for a run with several optimizers and a run with one."""
import pytest

import _side_by_side as sbs
from migrate.hookcode.convert import convert_hook_text

EPOCH_LEN = 4

LEGACY = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class OptimizerReadHook(Hook):

    def __init__(self):
        self.seen = []

    def before_train_epoch(self, runner):
        if isinstance(runner.optimizer, dict):
            lrs = {name: optim.param_groups[0]['lr'] for name, optim in runner.optimizer.items()}
            kinds = [type(o).__name__ for o in runner.optimizer.values()]
            head = runner.optimizer['head']
            self.seen.append(('dict', lrs, kinds, sorted(runner.optimizer.keys()),
                              'head' in runner.optimizer, len(runner.optimizer),
                              type(head).__name__, [name for name in runner.optimizer]))
        else:
            # the base lr: the warm-up's current lr is set at other times (HK006's LR note)
            self.seen.append(('one', runner.optimizer.defaults['lr'],
                              type(runner.optimizer).__name__))
'''


def _classes(tmp_path):
    (tmp_path / 'legacy_read.py').write_text(LEGACY)
    converted = convert_hook_text(LEGACY, 'engine').text_out
    assert 'isinstance(runner.optim_wrapper, OptimWrapperDict)' in converted
    (tmp_path / 'converted_read.py').write_text(converted)
    import compat
    installed = compat.is_mmcv_alias_installed()
    compat.install_mmcv_alias()
    try:
        legacy = sbs._exec_module(str(tmp_path / 'legacy_read.py'), '_legacy_optimizer_read')
    finally:
        if not installed:
            compat.uninstall_mmcv_alias()
    new = sbs._exec_module(str(tmp_path / 'converted_read.py'), '_converted_optimizer_read')
    return legacy.OptimizerReadHook, new.OptimizerReadHook


@pytest.mark.parametrize('run, kind', [('toy_multi_optimizers', 'dict'),
                                       ('toy_sgd_step_gradclip_3e', 'one')])
def test_optimizer_reads_match(tmp_path, run, kind):
    legacy_cls, new_cls = _classes(tmp_path)
    legacy = sbs.run_legacy(run, str(tmp_path / 'legacy'), [(legacy_cls(), 'NORMAL')])
    converted = sbs.run_converted(run, str(tmp_path / 'engine'), [new_cls()], EPOCH_LEN)
    old = sbs.hook_of(legacy, legacy_cls).seen
    new = sbs.hook_of(converted, new_cls).seen
    assert len(old) == 3 and {row[0] for row in old} == {kind}
    assert new == old
