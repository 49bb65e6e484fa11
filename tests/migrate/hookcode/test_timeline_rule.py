"""HK006 on its own: a legacy before_run that reads the weights or the counters becomes
before_train (MMEngine calls before_run before weight init and load_from/resume), or is marked
where moving it would not be exact; a legacy val stage says its event changed; the loss note
says what MMEngine's train_step really did to the loss."""
import libcst as cst
import pytest

from migrate.hookcode.classes import hook_classes
from migrate.hookcode.context import HookContext
from migrate.hookcode.convert import convert_hook_text
from migrate.hookcode.rules.timeline import BEFORE_RUN, LOSS, VAL_EVENT, Timeline


def _apply(text, target='mmengine'):
    ctx = HookContext(target=target)
    module = cst.parse_module(text)
    return Timeline().apply(module, ctx, hook_classes(module)).code, ctx


def _found(ctx):
    return [(f.rule, f.severity, f.key, f.message) for f in ctx.findings]


SNAPSHOT = '''import copy

from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class SnapshotHook(Hook):
    def before_run(self, runner):
        self.start_iter = runner.iter
        self.init_state = copy.deepcopy(runner.model.state_dict())

    def after_run(self, runner):
        runner.logger.info(str(runner.iter - self.start_iter))
'''


@pytest.mark.parametrize('target', ['mmengine', 'engine'])
def test_a_before_run_reading_weights_and_counters_becomes_before_train(target):
    code, ctx = _apply(SNAPSHOT, target)
    assert code == SNAPSHOT.replace('''    def before_run(self, runner):''', '''\
    # migrate[HK006]: moved from before_run, which MMEngine calls before it
    #   initialises the weights (init_cfg) and before load_from/resume (and for
    #   val/test runs too): this uses the model or the run's counters, which MMCV's
    #   train scripts had initialised, loaded or resumed before runner.run() called
    #   before_run; before_train runs after both, just before the first epoch
    def before_train(self, runner):''')
    assert _found(ctx) == [('HK006', 'note', 'SnapshotHook.before_train', BEFORE_RUN)]
    assert ctx.applied == ['HK006']


def test_the_mmengine_order_the_move_relies_on():
    """MMEngine 0.10.7 and the engine call before_run, then init the weights, then
    load/resume, then the train loop's before_train (read from their source)."""
    import inspect
    import re

    import engine.runner.loops as engine_loops
    import engine.runner.runner as engine_runner
    source = inspect.getsource(engine_runner.Runner.train)
    order = [m.start() for m in (re.search(p, source) for p in (
        r"call_hook\('before_run'\)", r'_init_model_weights\(\)', r'load_or_resume\(\)',
        r'train_loop\.run\(\)'))]
    assert order == sorted(order) and -1 not in order
    assert "call_hook('before_train')" in inspect.getsource(engine_loops)


@pytest.mark.parametrize('body, blocker', [
    ('''
class BaseSnapshotHook(Hook):
    def before_run(self, runner):
        self.w = runner.model.state_dict()


@HOOKS.register_module()
class SnapshotHook(BaseSnapshotHook):
    def before_run(self, runner):
        super().before_run(runner)
        self.i = runner.iter
''', 'a base class in this module defines before_run too'),
    ('''
@HOOKS.register_module()
class SnapshotHook(Hook):
    def before_run(self, runner):
        self.i = runner.epoch

    def before_train(self, runner):
        pass
''', 'the class has a before_train already'),
])
def test_a_before_run_that_cannot_move_exactly_is_marked(body, blocker):
    text = 'from mmcv.runner import HOOKS, Hook\n\n' + body
    code, ctx = _apply(text)
    assert 'def before_train(self, runner):\n        self.i' not in code
    message = (
        'MMEngine calls before_run before it initialises the weights (init_cfg) and before '
        'load_from/resume, so this sees the initial weights and counters 0 on resume '
        "(MMCV's train scripts had initialised, loaded or resumed before runner.run() called "
        f'before_run): move this code to before_train, which runs after both (by hand: '
        f'{blocker})')
    assert ('HK006', 'approximation', 'SnapshotHook.before_run', message) in _found(ctx)
    assert '# migrate[HK006]: MMEngine calls before_run before it initialises' in code


def test_a_before_run_reaching_the_model_through_its_own_methods_moves_too():
    text = '''from mmcv.runner import HOOKS, Hook


class ClusterBase(Hook):
    def cluster(self, runner):
        runner.model.eval()
        self.labels = self.extract(runner)


@HOOKS.register_module()
class ClusterHook(ClusterBase):
    def before_run(self, runner):
        if self.initial:
            self.cluster(runner)

    def extract(self, runner):
        return [runner.model(x) for x in self.data]
'''
    code, ctx = _apply(text)
    assert code == text.replace('    def before_run(self, runner):', '''\
    # migrate[HK006]: moved from before_run, which MMEngine calls before it
    #   initialises the weights (init_cfg) and before load_from/resume (and for
    #   val/test runs too): this uses the model or the run's counters, which MMCV's
    #   train scripts had initialised, loaded or resumed before runner.run() called
    #   before_run; before_train runs after both, just before the first epoch
    def before_train(self, runner):''')
    assert _found(ctx) == [('HK006', 'note', 'ClusterHook.before_train', BEFORE_RUN)]


def test_a_before_run_that_reads_neither_and_mmengine_code_stay():
    text = SNAPSHOT.replace('''        self.start_iter = runner.iter
        self.init_state = copy.deepcopy(runner.model.state_dict())''',
                            '''        self.out_dir = runner.work_dir''')
    assert _apply(text) == (text, _apply(text)[1]) and _apply(text)[1].findings == []
    native = SNAPSHOT.replace('from mmcv.runner import HOOKS, Hook',
                              'from mmengine.hooks import Hook\nfrom mmengine.registry import '
                              'HOOKS')
    code, ctx = _apply(native)
    assert code == native and ctx.findings == [] and ctx.applied == []


VAL = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class ValLossHook(Hook):
    def after_val_epoch(self, runner, metrics=None):
        runner.logger.info(str(runner.log_buffer.output))

    def before_val_epoch(self, runner):
        pass
'''


def test_a_legacy_val_stage_says_its_event_changed():
    code, ctx = _apply(VAL)
    assert code == VAL.replace('''    def after_val_epoch''', '''\
    # migrate[HK006]: after_val_epoch now runs in the val loop (evaluation every
    #   val_interval; after_val_epoch gets the evaluator's metrics; outputs are
    #   predictions, not losses): MMCV called it only in a ('val', n) workflow phase,
    #   which ran val_step losses over the val data loader into runner.log_buffer, and
    #   never with workflow=[('train', 1)]
    def after_val_epoch''')
    assert _found(ctx) == [('HK006', 'approximation', 'ValLossHook.after_val_epoch',
                            VAL_EVENT.format('after_val_epoch'))]


def test_whole_conversion_marks_once_and_converting_again_changes_nothing():
    for text in (SNAPSHOT, VAL.replace('(self, runner, metrics=None)', '(self, runner)')):
        out = convert_hook_text(text, 'mmengine')
        assert out.text_out.count('migrate[HK006]') == 1
        again = convert_hook_text(out.text_out, 'mmengine')
        assert again.text_out == out.text_out and again.findings == []


def test_the_loss_note_says_what_train_step_did():
    assert 'detached' not in LOSS.replace('not detached', '')
    assert 'not detached' in LOSS and 'graph is freed' in LOSS
    text = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class LossHook(Hook):
    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.last = outputs['loss']
'''
    code, ctx = _apply(text)
    assert _found(ctx) == [('HK006', 'note', 'LossHook.after_train_iter', LOSS)]


def test_a_val_stage_hook_points_made_of_a_generic_method_is_not_said_twice():
    """HK002 already reports that a generic method's val copy runs in the val loop."""
    text = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class PhaseHook(Hook):
    def after_epoch(self, runner):
        runner.logger.info(runner.mode)
'''
    out = convert_hook_text(text, 'mmengine')
    assert 'def after_val_epoch(self, runner, metrics=None):' in out.text_out
    assert 'migrate[HK006]' not in out.text_out
    assert [f.rule for f in out.findings if 'val loop' in f.message] == ['HK002']


@pytest.mark.parametrize('head, base', [
    ('import mmcv\n', 'mmcv.runner.Hook'),
    ('from mmcv import runner as mmrunner\n', 'mmrunner.Hook'),
    ('def _imports():\n    from mmcv.runner import Hook\n    return Hook\n', 'object'),
])
def test_legacy_module_styles_are_recognised(head, base):
    text = head + f'''

class SnapshotHook({base}):
    def before_run(self, runner):
        self.w = runner.model.state_dict()
'''
    ctx = HookContext(target='mmengine')
    code = Timeline().apply(cst.parse_module(text), ctx, {'SnapshotHook': 'hook'}).code
    assert 'def before_train(self, runner):' in code
    assert _found(ctx) == [('HK006', 'note', 'SnapshotHook.before_train', BEFORE_RUN)]


@pytest.mark.parametrize('imports', ['from mmengine.hooks import Hook',
                                     'from engine.hooks import Hook'])
def test_a_module_written_for_the_new_runtime_gets_no_timeline_markers(imports):
    # a mixed tree holds MMEngine-native hooks beside legacy ones: writing the lr in
    # before_train_epoch is what its author meant on MMEngine's timeline
    text = (f'{imports}\n\n\nclass FixLrHook(Hook):\n\n'
            '    def before_train_epoch(self, runner) -> None:\n'
            '        for g in runner.optim_wrapper.optimizer.param_groups:\n'
            "            g['lr'] = 0.1\n")
    code, ctx = _apply(text)
    assert code == text and ctx.findings == []
    out = convert_hook_text(text)
    assert out.text_out == text and out.findings == []
    # the same code importing mmcv.runner (at any depth) is legacy and is marked
    legacy = text.replace('    def before_train_epoch(self, runner) -> None:\n',
                          '    def before_train_epoch(self, runner) -> None:\n'
                          '        from mmcv.runner import get_dist_info\n')
    assert 'migrate[HK006]' in _apply(legacy)[0]
