"""HK002 on the generic methods (before/after_epoch/iter): MMCV 1.7.2's Hook called each from
its train and its val stage; the conversion gives a generic method the stages it ran from, the
val one for every generic method of a class that shows it ran in val phases, and keeps it as
a method where the class reached it through super() or calls it itself."""
import libcst as cst
import pytest

from migrate.hookcode.classes import hook_classes
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules.hook_points import HookPoints

HEAD = 'from mmcv.runner import Hook\n\n\nclass A(Hook):\n'
IT = 'batch_idx, data_batch=None, outputs=None'


def _hook_points(text, target='mmengine'):
    """HK002 alone (the whole conversion has its golden pairs in the fixtures)."""
    module = cst.parse_module(text)
    ctx = HookContext(target=target)
    return HookPoints().apply(module, ctx, hook_classes(module)).code, ctx.findings


def _convert(body, target='mmengine'):
    text, findings = _hook_points(HEAD + body, target)
    assert text.startswith(HEAD)
    return text[len(HEAD):], {f.key: f.message for f in findings}, findings


CASES = {
    # nothing says the class ran in val phases: the train stage only, and the note says why
    'train_only': ('''
    def before_iter(self, runner):
        self.n = 0
''', '''
    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.n = 0
'''),
    # one generic method reads runner.mode: all of them ran in val phases, so all get the
    # val stage (the epoch start the val iterations are timed from is the val epoch's)
    'mode_read_in_one': ('''
    def before_epoch(self, runner):
        self.t = 0

    def after_iter(self, runner):
        self.seen = (runner.mode, self.t)
''', f'''
    def before_train_epoch(self, runner):
        self.t = 0

    def before_val_epoch(self, runner):
        self.t = 0

    def after_train_iter(self, runner, {IT}):
        self.seen = (runner.mode, self.t)

    def after_val_iter(self, runner, {IT}):
        self.seen = (runner.mode, self.t)
'''),
    # after_train_iter overridden without super(): after_iter ran only in val phases, so the
    # class ran there and before_epoch gets its val stage too
    'train_stage_overridden': ('''
    def before_epoch(self, runner):
        self.t = 0

    def after_train_iter(self, runner):
        self.n = 1

    def after_iter(self, runner):
        self.t += 1
''', f'''
    def before_train_epoch(self, runner):
        self.t = 0

    def before_val_epoch(self, runner):
        self.t = 0

    def after_train_iter(self, runner, {IT}):
        self.n = 1

    def after_val_iter(self, runner, {IT}):
        self.t += 1
'''),
    # a val stage of its own: the class ran in val phases
    'defines_a_val_stage': ('''
    def after_epoch(self, runner):
        self.t = 0

    def after_val_iter(self, runner):
        self.t += 1
''', f'''
    def after_train_epoch(self, runner):
        self.t = 0

    def after_val_epoch(self, runner, metrics=None):
        self.t = 0

    def after_val_iter(self, runner, {IT}):
        self.t += 1
'''),
    # a helper (not a stage) reads runner.mode
    'mode_read_in_a_helper': ('''
    def after_epoch(self, runner):
        self.log(runner)

    def log(self, runner):
        print(runner.mode)
''', '''
    def after_train_epoch(self, runner):
        self.log(runner)

    def after_val_epoch(self, runner, metrics=None):
        self.log(runner)

    def log(self, runner):
        print(runner.mode)
'''),
    # reached through super() (MMCV's Hook.before_train_epoch called self.before_epoch) and
    # from the base's val stage: a plain method under a name the engine accepts, both stages
    # call it; Hook.<stage>(self, runner) gets the stage's arguments
    'through_super': ('''
    def before_epoch(self, runner):
        self.t = 0

    def before_train_epoch(self, runner):
        super().before_train_epoch(runner)
        self.train = True

    def after_val_iter(self, runner):
        Hook.after_val_iter(self, runner)
''', f'''
    def before_each_epoch(self, runner):
        self.t = 0

    def before_val_epoch(self, runner):
        self.before_each_epoch(runner)

    def before_train_epoch(self, runner):
        self.before_each_epoch(runner)
        self.train = True

    def after_val_iter(self, runner, {IT}):
        Hook.after_val_iter(self, runner, {IT.replace("=None", "")})
'''),
    # only the class calls it: the same method under a name the engine accepts
    'called_by_the_class': ('''
    def before_train_epoch(self, runner):
        self.before_epoch(runner)

    def before_val_epoch(self, runner):
        pass

    def before_epoch(self, runner):
        self.s = 1
''', '''
    def before_train_epoch(self, runner):
        self.before_each_epoch(runner)

    def before_val_epoch(self, runner):
        pass

    def before_each_epoch(self, runner):
        self.s = 1
'''),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_generic_methods_become_the_stages_they_ran_from(case):
    legacy, expected = CASES[case]
    text, _, _ = _convert(legacy)
    assert text == expected
    assert _hook_points(HEAD + text) == (HEAD + text, [])


def test_the_notes_say_what_became_what():
    _, said, _ = _convert(CASES['train_only'][0])
    assert said == {'A.before_iter': (
        'before_iter ran in MMCV from Hook.before_train_iter and Hook.before_val_iter; MMEngine '
        'never calls before_iter: it is now before_train_iter; not before_val_iter: MMCV ran '
        "it in a workflow's val phases too, but nothing in A reads runner.mode or handles a "
        'val phase, so it is taken as train-only: add before_val_iter if it must also run in '
        'the val loop')}
    _, said, _ = _convert(CASES['mode_read_in_one'][0])
    assert said['A.before_epoch'] == (
        'before_epoch ran in MMCV from Hook.before_train_epoch and Hook.before_val_epoch; '
        'MMEngine never calls before_epoch: it is now before_train_epoch and before_val_epoch; '
        'it ran in val phases too (after_iter reads runner.mode): MMEngine calls '
        'before_val_epoch in the val loop (evaluation), MMCV in workflow val phases')
    _, said, _ = _convert(CASES['train_stage_overridden'][0])
    assert said['A.after_iter'].startswith(
        'after_iter ran in MMCV from Hook.after_val_iter; MMEngine never calls after_iter: it '
        'is now after_val_iter; it ran in val phases too (it overrides after_train_iter, so '
        'after_iter ran only in val phases)')
    _, said, _ = _convert(CASES['through_super'][0])
    assert said['A.before_epoch'].startswith(
        'before_epoch ran in MMCV from Hook.before_val_epoch and its before_train_epoch (which '
        'called Hook.before_train_epoch); MMEngine never calls before_epoch: it is now '
        'before_each_epoch, a plain method; before_train_epoch calls '
        "self.before_each_epoch(runner) where it called the base's before_train_epoch; a new "
        "before_val_epoch calls it as MMCV's Hook did; it ran in val phases too (the class "
        'defines after_val_iter)')
    _, said, _ = _convert(CASES['called_by_the_class'][0])
    assert said == {'A.before_epoch': (
        "before_epoch ran in MMCV from the class's own self.before_epoch(...) calls; MMEngine "
        'never calls before_epoch: it is now before_each_epoch, a plain method the class calls '
        'as self.before_each_epoch(...)')}


def test_a_generic_method_nothing_called_is_marked():
    body = '''
    def after_train_iter(self, runner):
        pass

    def after_val_iter(self, runner):
        pass

    def after_iter(self, runner):
        self.x = 1
'''
    text, said, findings = _convert(body)
    message = ('after_iter was never called (the class overrides after_train_iter and '
               'after_val_iter without calling super()): left as written, delete it if unused')
    assert said['A.after_iter'] == message
    assert [(f.severity, f.key) for f in findings if f.message == message] == \
        [('manual', 'A.after_iter')]
    assert _convert(body, 'engine')[1]['A.after_iter'] == \
        message + ' (the engine refuses a hook that defines it)'
    assert text.endswith('''
    # migrate[HK002]: after_iter was never called (the class overrides
    #   after_train_iter and after_val_iter without calling super()): left as written,
    #   delete it if unused
    def after_iter(self, runner):
        self.x = 1
''')
    assert _hook_points(HEAD + text) == (HEAD + text, [])
