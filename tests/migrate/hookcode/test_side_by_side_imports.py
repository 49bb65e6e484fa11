"""Side by side for HK001's module-style and nested imports: a hook that reaches MMCV through
``import mmcv.runner`` (attribute uses, a decorator, a base class) and a function-level import,
on compat beside its engine-target conversion on the engine: the same values at every call."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402
from _text_hooks import load_text  # noqa: E402
from migrate.hookcode import convert_hook_text  # noqa: E402

EPOCH_LEN = 8

MODULE_STYLE = '''import mmcv.runner


@mmcv.runner.HOOKS.register_module()
class RankRecordHook(mmcv.runner.Hook):

    def __init__(self):
        self.seen = []

    def before_run(self, runner):
        from mmcv.runner import get_priority
        self.seen.append(('run', mmcv.runner.get_dist_info(), get_priority('LOW'),
                          mmcv.runner.Priority.HIGH.value))

    @mmcv.runner.master_only
    def after_train_epoch(self, runner):
        self.seen.append(('epoch', runner.epoch))
'''


def test_module_style_hook_records_the_same(tmp_path):
    converted = convert_hook_text(MODULE_STYLE, 'engine').text_out
    assert 'mmcv' not in converted
    legacy_cls = load_text(tmp_path, MODULE_STYLE, 'module_style_legacy', True).RankRecordHook
    new_cls = load_text(tmp_path, converted, 'module_style_new', False).RankRecordHook
    legacy_hook = legacy_cls()
    import compat
    installed = compat.is_mmcv_alias_installed()
    compat.install_mmcv_alias()   # the legacy hook imports mmcv.runner when it runs
    try:
        legacy = sbs.run_legacy('toy_sgd_step_gradclip_3e', str(tmp_path / 'legacy'),
                                [(legacy_hook, 'NORMAL')])
    finally:
        if not installed:
            compat.uninstall_mmcv_alias()
    engine = sbs.run_converted('toy_sgd_step_gradclip_3e', str(tmp_path / 'engine'),
                               [new_cls()], EPOCH_LEN)
    new_hook = sbs.hook_of(engine, new_cls)
    assert legacy_hook.seen == [('run', (0, 1), 70, 30), ('epoch', 0), ('epoch', 1),
                                ('epoch', 2)]
    assert new_hook.seen == legacy_hook.seen
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(engine.model))
