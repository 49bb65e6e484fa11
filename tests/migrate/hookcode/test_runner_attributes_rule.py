"""HK004 on its own: MMCV runner attributes with no MMEngine counterpart are mapped where the
meaning is the same and marked (what, what instead) where it is not; runner.optimizer used as
a dict of optimizers becomes the OptimWrapperDict's optim wrappers' optimizers."""
import libcst as cst
import pytest

from migrate.hookcode.classes import hook_classes
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules.runner_attributes import RunnerAttributes


def _apply(text, target='mmengine'):
    ctx = HookContext(target=target)
    module = cst.parse_module(text)
    return RunnerAttributes().apply(module, ctx, hook_classes(module)).code, ctx


def _found(ctx):
    return [(f.rule, f.severity, f.key, f.message) for f in ctx.findings]


PRIVATE = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class PrivateHook(Hook):
    def before_train_epoch(self, runner):
        runner.train_dataloader.dataset.set_epoch(runner._epoch)
        x = (runner._iter, runner._hooks, runner._rank, runner._world_size)
        runner._iter -= 1
        y = runner._cache

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        runner._max_epochs += 1
        i = runner._inner_iter
'''

PRIVATE_OUT = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class PrivateHook(Hook):
    def before_train_epoch(self, runner):
        runner.train_dataloader.dataset.set_epoch(runner.epoch)
        x = (runner.iter, runner.hooks, runner.rank, runner.world_size)
        # migrate[HK004]: writing runner._iter changes MMCV's private iter counter:
        #   MMEngine's runner.iter is a read-only property of the train loop, whose
        #   counter is runner.train_loop._iter (private too; RuntimeInfoHook copies it
        #   into the message hub's 'iter' info before each train epoch/iteration, which
        #   the loggers read): port this write by hand
        runner._iter -= 1
        # migrate[HK004]: runner._cache is a private attribute of MMCV's runner that
        #   MMEngine's Runner does not have: port this by hand
        y = runner._cache

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        runner.train_loop._max_epochs += 1
        i = batch_idx
'''


@pytest.mark.parametrize('target', ['mmengine', 'engine'])
def test_private_runner_attributes(target):
    code, ctx = _apply(PRIVATE, target)
    assert code == PRIVATE_OUT
    assert [(r, s, k) for r, s, k, _ in _found(ctx)] == [
        ('HK004', 'manual', 'PrivateHook.before_train_epoch'),
        ('HK004', 'manual', 'PrivateHook.before_train_epoch'),
        ('HK004', 'note', 'PrivateHook.after_train_iter'),
        ('HK004', 'note', 'PrivateHook.after_train_iter')]
    assert _found(ctx)[2][3] == ("writing runner._max_epochs sets the train loop's length: "
                                 'runner.train_loop._max_epochs')
    assert _found(ctx)[3][3].startswith('runner._inner_iter is the batch_idx argument')


def test_private_counters_outside_an_iteration_stage_are_marked():
    text = PRIVATE.replace('def after_train_iter(self, runner, batch_idx, data_batch=None, '
                           'outputs=None)', 'def after_train_epoch(self, runner)').replace(
        'runner._max_epochs += 1', 'runner._epoch = 0')
    code, ctx = _apply(text)
    assert '''    def after_train_epoch(self, runner):
        # migrate[HK004]: writing runner._epoch changes MMCV's private epoch counter:
        #   MMEngine's runner.epoch is a read-only property of the train loop, whose
        #   counter is runner.train_loop._epoch (private too; RuntimeInfoHook copies it
        #   into the message hub's 'epoch' info before each train epoch/iteration, which
        #   the loggers read): port this write by hand
        runner._epoch = 0
        # migrate[HK004]: runner._inner_iter does not exist in MMEngine: the batch index
        #   is the batch_idx argument of the iteration stages; pass it here
        i = runner._inner_iter
''' in code


META = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class MetaHook(Hook):
    def after_train_epoch(self, runner):
        if runner.meta is not None:
            msgs = runner.meta['hook_msgs']
        best = runner.meta['hook_msgs']['best_score']
        seed = runner.meta['seed']
'''


def test_bare_meta_and_hook_msgs_alone_are_marked():
    code, ctx = _apply(META)
    assert code == '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class MetaHook(Hook):
    def after_train_epoch(self, runner):
        # migrate[HK004]: runner.meta (MMCV's run metadata dict, None unless the train
        #   script gave one) does not exist in MMEngine: seed is runner.seed, exp_name
        #   runner.experiment_name, the config runner.cfg, the hook messages (last_ckpt,
        #   best_ckpt, best_score) runner.message_hub.get_info(key)/update_info(key,
        #   value); what a checkpoint saves is checkpoint['meta'] in a
        #   before_save_checkpoint(runner, checkpoint) hook
        if runner.meta is not None:
            # migrate[HK004]: runner.meta['hook_msgs'] does not exist in MMEngine: each hook
            #   message (last_ckpt, best_ckpt, best_score) is
            #   runner.message_hub.get_info(key), written with update_info(key, value)
            msgs = runner.meta['hook_msgs']
        best = runner.message_hub.get_info('best_score')
        seed = runner.seed
'''
    assert [(r, s) for r, s, _, _ in _found(ctx)] == [('HK004', 'manual'), ('HK004', 'manual')]


OPTIMIZERS = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class GanLrLogHook(Hook):
    def before_train_epoch(self, runner):
        if isinstance(runner.optimizer, dict):
            for name, optim in runner.optimizer.items():
                runner.logger.info(f"{name}: {optim.param_groups[0]['lr']}")
            gen = runner.optimizer['generator']
            every = runner.optimizer
            for key in runner.optimizer:
                assert key in runner.optimizer and len(runner.optimizer) > 1
        else:
            runner.logger.info(str(runner.optimizer.param_groups[0]['lr']))
            state = runner.optimizer.state_dict()
        lrs = [o.defaults['lr'] for o in runner.optimizer.values()]
        first = runner.optimizer if not isinstance(runner.optimizer, dict) else None
'''

OPTIMIZERS_OUT = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class GanLrLogHook(Hook):
    def before_train_epoch(self, runner):
        if <IS_DICT>:
            for name, optim in <DICT>.items():
                runner.logger.info(f"{name}: {optim.param_groups[0]['lr']}")
            gen = runner.optim_wrapper['generator'].optimizer
            every = <DICT>
            for key in runner.optim_wrapper.keys():
                assert key in runner.optim_wrapper and len(runner.optim_wrapper) > 1
        else:
            runner.logger.info(str(runner.optim_wrapper.param_groups[0]['lr']))
            state = runner.optim_wrapper.optimizer.state_dict()
        lrs = [o.defaults['lr'] for o in <DICT>.values()]
        first = runner.optim_wrapper.optimizer if not <IS_DICT> else None
'''.replace(
    '<DICT>', '{name: w.optimizer for name, w in runner.optim_wrapper.items()}').replace(
    '<IS_DICT>', 'isinstance(runner.optim_wrapper, OptimWrapperDict)')


@pytest.mark.parametrize('target', ['mmengine', 'engine'])
def test_optimizer_dict_forms(target):
    code, ctx = _apply(OPTIMIZERS, target)
    assert code == OPTIMIZERS_OUT
    assert ctx.needed == {'OptimWrapperDict'}
    assert _found(ctx) == [(
        'HK004', 'note', 'GanLrLogHook.before_train_epoch',
        'runner.optimizer as a dict of optimizers is an OptimWrapperDict in MMEngine '
        '(isinstance(runner.optim_wrapper, OptimWrapperDict); items(), values() and [name] '
        'give optim wrappers, .optimizer of each is the torch optimizer)')]


def test_the_optimizer_dict_forms_mean_what_they_meant():
    """The converted expressions against a real OptimWrapperDict and a single OptimWrapper
    give what MMCV's dict of optimizers and single optimizer gave."""
    import torch
    from engine.optim import OptimWrapper, OptimWrapperDict
    gen, disc = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)
    optimizers = {'generator': torch.optim.SGD(gen.parameters(), lr=0.1),
                  'discriminator': torch.optim.Adam(disc.parameters(), lr=0.2)}
    many = OptimWrapperDict(**{k: OptimWrapper(o) for k, o in optimizers.items()})
    one = OptimWrapper(optimizers['generator'])

    class Runner:
        pass

    for legacy, wrapper in ((optimizers, many), (optimizers['generator'], one)):
        runner = Runner()
        runner.optim_wrapper = wrapper
        namespace = {'runner': runner, 'OptimWrapperDict': OptimWrapperDict}
        assert eval('isinstance(runner.optim_wrapper, OptimWrapperDict)', namespace) == \
            isinstance(legacy, dict)
        if isinstance(legacy, dict):
            as_dict = eval('{name: w.optimizer for name, w in runner.optim_wrapper.items()}',
                           namespace)
            assert as_dict == legacy and list(as_dict) == list(legacy)
            assert eval("runner.optim_wrapper['generator'].optimizer", namespace) is \
                legacy['generator']
            assert list(eval('runner.optim_wrapper.keys()', namespace)) == list(legacy)
            assert eval("'generator' in runner.optim_wrapper", namespace)
            assert eval('len(runner.optim_wrapper)', namespace) == len(legacy)
        else:
            assert eval('runner.optim_wrapper.optimizer', namespace) is legacy


def test_optimizer_dict_uses_that_cannot_be_mapped_are_marked():
    text = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class AliasHook(Hook):
    def before_train_epoch(self, runner):
        optimizer = runner.optimizer
        if isinstance(optimizer, dict):
            optimizer = optimizer['generator']
        runner.optimizer['discriminator'] = None
        runner.optimizer['generator'].zero_grad()
'''
    code, ctx = _apply(text)
    assert code == '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class AliasHook(Hook):
    def before_train_epoch(self, runner):
        # migrate[HK004]: runner.optimizer is used as a dict of optimizers through
        #   optimizer: runner.optimizer as a dict of optimizers is an OptimWrapperDict in
        #   MMEngine (isinstance(runner.optim_wrapper, OptimWrapperDict); items(),
        #   values() and [name] give optim wrappers, .optimizer of each is the torch
        #   optimizer), a single one is runner.optim_wrapper.optimizer; port this by hand
        optimizer = runner.optimizer
        if isinstance(optimizer, dict):
            optimizer = optimizer['generator']
        # migrate[HK004]: runner.optimizer[...] = ...: runner.optimizer as a dict of
        #   optimizers is an OptimWrapperDict in MMEngine
        #   (isinstance(runner.optim_wrapper, OptimWrapperDict); items(), values() and
        #   [name] give optim wrappers, .optimizer of each is the torch optimizer);
        #   replace the wrapper by hand
        runner.optimizer['discriminator'] = None
        # migrate[HK004]: runner.optimizer[...].zero_grad() in a hook: MMEngine steps
        #   the optimizer inside model.train_step (optim_wrapper.update_params) before any
        #   after_train_iter hook; move this into an OptimWrapper subclass
        runner.optim_wrapper['generator'].optimizer.zero_grad()
'''
    assert [s for _, s, _, _ in _found(ctx)] == ['manual', 'note', 'manual', 'manual']


def test_converted_code_is_left_as_it_is():
    for text in (PRIVATE_OUT, OPTIMIZERS_OUT):
        code, ctx = _apply(text)
        assert code == text
        assert ctx.applied == []
    plain = PRIVATE.split('    def after_train_iter')[0].replace('runner._iter -= 1\n', '')
    plain = plain.replace('        y = runner._cache\n', '')
    converted = _apply(plain)[0]
    assert _apply(converted)[0] == converted and _apply(converted)[1].findings == []


@pytest.mark.parametrize('target, home', [('mmengine', 'mmengine.optim'),
                                          ('engine', 'engine.optim')])
def test_the_converted_module_imports_optim_wrapper_dict(target, home):
    from migrate.hookcode.convert import convert_hook_text
    out = convert_hook_text(OPTIMIZERS, target)
    assert f'from {home} import OptimWrapperDict\n' in out.text_out
    compile(out.text_out, 'converted.py', 'exec')


def test_runner_methods_that_differ_are_marked_and_epoch_stages_pass():
    text = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class ExtraHook(Hook):
    def after_train_epoch(self, runner):
        runner.save_checkpoint(runner.work_dir, filename_tmpl='extra_{}.pth')
        runner.call_hook('after_iter')
        runner.call_hook('after_train_iter')
        runner.call_hook('after_train_epoch')
        out = runner.batch_processor(runner.model, None, train_mode=True)
'''
    code, ctx = _apply(text)
    assert code == '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class ExtraHook(Hook):
    def after_train_epoch(self, runner):
        # migrate[HK004]: runner.save_checkpoint(...): MMEngine's is
        #   save_checkpoint(out_dir, filename, save_optimizer=True,
        #   save_param_scheduler=True, meta=None, by_epoch=True) and takes the file name
        #   itself (MMCV: save_checkpoint(out_dir, filename_tmpl, save_optimizer, meta,
        #   create_symlink), filename_tmpl formatted with epoch + 1 or iter + 1,
        #   latest.pth linked): rewrite this call
        runner.save_checkpoint(runner.work_dir, filename_tmpl='extra_{}.pth')
        # migrate[HK004]: runner.call_hook('after_iter'): MMEngine has no after_iter
        #   stage; call the train/val stage it stands for
        runner.call_hook('after_iter')
        # migrate[HK004]: runner.call_hook('after_train_iter') passes no batch_idx:
        #   MMEngine's hooks take call_hook('after_train_iter', batch_idx=...,
        #   data_batch=..., outputs=...)
        runner.call_hook('after_train_iter')
        runner.call_hook('after_train_epoch')
        # migrate[HK004]: runner.batch_processor (MMCV's stand-in for
        #   model.train_step/val_step) does not exist in MMEngine: every iteration runs
        #   the model's train_step/val_step
        out = runner.batch_processor(runner.model, None, train_mode=True)
'''
    assert [(r, s, k) for r, s, k, _ in _found(ctx)] == \
        [('HK004', 'manual', 'ExtraHook.after_train_epoch')] * 4


@pytest.mark.parametrize('line, key', [
    ("runner.meta['hook_msgs']['seen'] += 1", "runner.meta['hook_msgs']['seen'] = ..."),
    ("runner.meta['hook_msgs']['seen'] = 1", "runner.meta['hook_msgs']['seen'] = ..."),
    ("runner.meta['seed'] = 3", "runner.meta['seed'] = ..."),
    ("runner.meta['seed'] += 3", "runner.meta['seed'] = ..."),
])
def test_writes_into_meta_are_marked_and_left_valid(line, key):
    # an augmented assignment onto a call (get_info(...) += 1) is not Python: a write stays
    # as written, marked, and the module still compiles
    text = ('from mmcv.runner import HOOKS, Hook\n\n\n@HOOKS.register_module()\n'
            'class CountHook(Hook):\n    def after_train_epoch(self, runner):\n'
            f'        {line}\n')
    code, ctx = _apply(text)
    compile(code, 'hook.py', 'exec')
    assert f'        {line}\n' in code
    assert any(f[1] == 'manual' and f[3].startswith(key) for f in _found(ctx)), _found(ctx)


def test_a_module_written_for_mmengine_keeps_its_runner_calls():
    # MMEngine's own hooks read runner._train_loop and call runner.save_checkpoint and
    # runner.call_hook with MMEngine's arguments: none of that is MMCV's
    text = ('from mmengine.hooks import Hook\n\n\nclass SaveEveryHook(Hook):\n\n'
            '    def after_train_epoch(self, runner) -> None:\n'
            '        loop = runner._train_loop\n'
            "        runner.save_checkpoint(runner.work_dir, f'e{runner.epoch}.pth')\n"
            "        runner.call_hook('after_train_iter', batch_idx=0)\n")
    code, ctx = _apply(text)
    assert code == text and ctx.findings == []
    # the same code in a legacy module is marked
    legacy, ctx = _apply(text.replace('from mmengine.hooks import Hook',
                                      'from mmcv.runner import Hook'))
    assert 'migrate[HK004]: runner._train_loop is a private attribute' in legacy
    assert 'runner.save_checkpoint(...)' in legacy
