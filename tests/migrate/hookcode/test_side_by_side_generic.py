"""Side by side for HK002's generic methods reached through super(): the legacy hook on compat
(workflow with val phases) beside its engine-target conversion on the engine (val loop), the
same run, model, data and seed."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402
from _text_hooks import load_text  # noqa: E402
from migrate.hookcode import convert_hook_text  # noqa: E402

EPOCH_LEN = 8

THROUGH_SUPER = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class EpochStartHook(Hook):

    def __init__(self):
        self.starts = []
        self.train_epochs = []

    def before_epoch(self, runner):
        self.starts.append(runner.epoch)

    def before_train_epoch(self, runner):
        super().before_train_epoch(runner)
        self.train_epochs.append(runner.epoch)

    def after_val_epoch(self, runner):
        self.starts.append('val done')
'''


def test_generic_method_reached_through_super_runs_in_both_phases(tmp_path):
    converted = convert_hook_text(THROUGH_SUPER, 'engine').text_out
    assert 'self.before_each_epoch(runner)' in converted
    legacy_cls = load_text(tmp_path, THROUGH_SUPER, 'through_super_legacy', True).EpochStartHook
    new_cls = load_text(tmp_path, converted, 'through_super_new', False).EpochStartHook
    legacy_hook = legacy_cls()
    legacy = sbs.run_legacy('toy_workflow_val', str(tmp_path / 'legacy'),
                            [(legacy_hook, 'NORMAL')])
    engine = sbs.run_converted('toy_workflow_val', str(tmp_path / 'engine'), [new_cls()],
                               EPOCH_LEN)
    new_hook = sbs.hook_of(engine, new_cls)
    # before_epoch: at each train epoch (through super()) and before each val phase
    assert legacy_hook.starts == [0, 1, 'val done', 1, 2, 'val done', 2, 3, 'val done']
    assert new_hook.starts == legacy_hook.starts
    assert new_hook.train_epochs == legacy_hook.train_epochs == [0, 1, 2]
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(engine.model))
