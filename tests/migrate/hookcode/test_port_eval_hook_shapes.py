"""HK009 on the shapes real MMCV 1.x codebases gave their EvalHook subclasses: which are
ported (the standard evaluation plus code of its own after it; nothing of its own) and which
stay marked with the method that blocks the port (an evaluate override, scheduling overrides,
a test function with options of its own, code reading the predictions or MMCV-only state)."""
import textwrap

import pytest

from migrate.hookcode.convert import convert_hook_text

HEAD = 'import os.path as osp\n\nfrom mmcv.runner import DistEvalHook, EvalHook\n\n\n'


def _convert(body, target='engine'):
    out = convert_hook_text(HEAD + textwrap.dedent(body).lstrip('\n'), target)
    return out.text_out, [(f.rule, f.severity, f.key, f.message) for f in out.findings]


STOCK_DIST = '''
class LoggingDistEvalHook(DistEvalHook):

    def _do_evaluate(self, runner):
        if self.broadcast_bn_buffer:
            model = runner.model
        tmpdir = self.tmpdir
        if tmpdir is None:
            tmpdir = osp.join(runner.work_dir, '.eval_hook')
        results = self.test_fn(runner.model, self.dataloader, tmpdir=tmpdir,
                               gpu_collect=self.gpu_collect)
        if runner.rank == 0:
            print('\\n')
            runner.log_buffer.output['eval_iter_num'] = len(self.dataloader)
            key_score = self.evaluate(runner, results)
            if self.save_best and key_score:
                self._save_ckpt(runner, key_score)
            runner.meta['hook_msgs']['last_eval_iter'] = runner.iter
            runner.logger.info(f'{len(self.dataloader.dataset)} evaluated, best '
                               f"{runner.meta['hook_msgs']['best_score']}")
'''

STOCK_DIST_PORTED = '''\
# migrate[HK009]: LoggingDistEvalHook was a DistEvalHook (_do_evaluate): the val
#   loop (train_cfg val_interval/val_begin), val_evaluator and
#   default_hooks.checkpoint (save_best) evaluate and keep the best checkpoint
#   now; what _do_evaluate added runs in after_val_epoch at LOWEST, after the
#   checkpoint hook, as after _save_ckpt. MMEngine validates after every
#   after_train_epoch hook (MMCV: EvalHook at LOW inside after_train_epoch), hence
#   runner.epoch - 1 (epoch-based runs). Add dict(type='LoggingDistEvalHook',
#   **evaluation) to custom_hooks and this module to custom_imports
# migrate[HK009]: BatchNorm buffers were broadcast from rank 0 before
#   evaluating: add custom_hooks=[dict(type='SyncBuffersHook')] (it all-reduces
#   their mean instead)
# migrate[HK009]: runner.log_buffer.output['eval_iter_num'] dropped: MMEngine's
#   log processor counts the val iterations itself
# migrate[HK009]: a save_best score of 0 skipped _save_ckpt in MMCV (if
#   key_score:); MMEngine's checkpoint hook compares it like any other score
@HOOKS.register_module()
class LoggingDistEvalHook(Hook):

    priority = 'LOWEST'

    def __init__(self, **eval_kwargs):
        # the evaluation settings are the val loop's, the val evaluator's and the
        # checkpoint hook's now
        pass

    def after_val_epoch(self, runner, metrics=None):
        if runner.rank == 0:
            # migrate[HK009]: runner.iter is the same here in an epoch-based run; an
            #   iteration-based val loop runs after the iteration counter moved on (MMCV
            #   evaluated in after_train_iter before it), so read runner.iter - 1 there
            runner.message_hub.update_info('last_eval_iter', runner.iter)
            runner.logger.info(f'{len(runner.val_dataloader.dataset)} evaluated, best '
                               f"{runner.message_hub.get_info('best_score')}")
'''


def test_stock_dist_shape_with_code_of_its_own_is_ported():
    text, found = _convert(STOCK_DIST)
    assert text == 'import os.path as osp\n\nfrom engine.hooks import Hook\n' \
        'from engine.registry import HOOKS\n\n\n' + STOCK_DIST_PORTED
    keys = [(rule, severity, key) for rule, severity, key, _ in found]
    assert ('HK009', 'note', 'LoggingDistEvalHook') in keys
    # the standard steps the port recognised and what they mean now
    messages = {m for rule, _, _, m in found if rule == 'HK009'}
    assert any('SyncBuffersHook' in m for m in messages)            # BN buffers broadcast
    assert any("'eval_iter_num'" in m for m in messages)
    assert any('a save_best score of 0' in m for m in messages)      # `if ... and key_score:`
    assert ('HK001', 'note', 'mmcv.runner') in keys                   # the base import dropped
    assert convert_hook_text(text, 'engine').text_out == text


def test_mmengine_target_imports_mmengine():
    text, _ = _convert(STOCK_DIST, 'mmengine')
    assert 'from mmengine.hooks import Hook\nfrom mmengine.registry import HOOKS\n' in text
    assert 'mmcv' not in text


def test_no_code_of_its_own_removes_the_class():
    text, found = _convert('''
        class MMDetEvalHook(EvalHook):

            def _do_evaluate(self, runner):
                if not self._should_evaluate(runner):
                    return
                from mmdet.apis import single_gpu_test
                results = single_gpu_test(runner.model, self.dataloader, show=False)
                key_score = self.evaluate(runner, results)
                if self.save_best and key_score:
                    self._save_ckpt(runner, key_score)


        class PlainEvalHook(EvalHook):
            """Nothing of its own."""
        ''')
    assert 'class ' not in text and 'mmcv' not in text
    assert '# migrate[HK009]: MMDetEvalHook (an EvalHook) is removed: it runs the' in text
    assert '# migrate[HK009]: PlainEvalHook (an EvalHook) is removed: it overrides' in text
    assert [k for r, s, k, _ in found if r == 'HK009' and s == 'note'] == \
        ['MMDetEvalHook', 'PlainEvalHook']
    compile(text, 'x', 'exec')


def test_hook_message_updates_go_to_the_message_hub():
    text, found = _convert('''
        class CountingEvalHook(EvalHook):

            def _do_evaluate(self, runner):
                results = self.test_fn(runner.model, self.dataloader)
                self.evaluate(runner, results)
                runner.meta['hook_msgs']['evals'] += 1
                runner.meta['hook_msgs']['scale'] *= 2 + runner.epoch
        ''')
    assert "        runner.message_hub.update_info('evals', " \
        "runner.message_hub.get_info('evals') + 1)\n" \
        "        runner.message_hub.update_info('scale', " \
        "runner.message_hub.get_info('scale') * (2 + (runner.epoch - 1)))\n" in text
    assert not [f for f in found if f[1] == 'manual']


@pytest.mark.parametrize('body, why', [
    ('''
     class PostEvalHook(EvalHook):

         def evaluate(self, runner, results):
             results = [r[:100] for r in results]
             return super().evaluate(runner, results)
     ''', 'evaluate() changes how the predictions are scored'),
    ('''
     class DynamicEvalHook(EvalHook):

         def before_train_epoch(self, runner):
             self.interval = 1 if runner.epoch > 10 else 5
             super().before_train_epoch(runner)
     ''', 'before_train_epoch() changes when evaluation runs'),
    ('''
     class EfficientEvalHook(EvalHook):

         def _do_evaluate(self, runner):
             results = self.test_fn(runner.model, self.dataloader, efficient_test=True)
             key_score = self.evaluate(runner, results)
             if self.save_best and key_score:
                 self._save_ckpt(runner, key_score)
     ''', 'the predictions come from `self.test_fn(runner.model, self.dataloader, '
          'efficient_test=True)`'),
    ('''
     class DumpEvalHook(EvalHook):

         def _do_evaluate(self, runner):
             results = self.test_fn(runner.model, self.dataloader)
             key_score = self.evaluate(runner, results)
             runner.logger.info(len(results))
     ''', 'uses the predictions (results)'),
    ('''
     class EarlyEvalHook(EvalHook):

         def _do_evaluate(self, runner):
             results = self.test_fn(runner.model, self.dataloader)
             results = [r * 2 for r in results]
             self.evaluate(runner, results)
     ''', 'runs before self.evaluate'),
    ('''
     class RuleEvalHook(EvalHook):

         def _do_evaluate(self, runner):
             results = self.test_fn(runner.model, self.dataloader)
             key_score = self.evaluate(runner, results)
             runner.logger.info(self.compare_func(key_score, 0))
     ''', 'uses self.compare_func'),
    ('''
     class LoggedEvalHook(EvalHook):

         def _do_evaluate(self, runner):
             results = self.test_fn(runner.model, self.dataloader)
             self.evaluate(runner, results)
             runner.log_buffer.output['n'] = 1
     ''', 'uses runner.log_buffer after the evaluation'),
    ('''
     class AsyncEvalHook(EvalHook):

         async def _do_evaluate(self, runner):
             results = self.test_fn(runner.model, self.dataloader)
             self.evaluate(runner, results)
     ''', 'a coroutine MMCV never awaited'),
    ('''
     class ArgsEvalHook(EvalHook):

         def _do_evaluate(self, runner, *args):
             pass
     ''', 'a signature of its own'),
    ('''
     class NoTestEvalHook(EvalHook):

         def _do_evaluate(self, runner): pass
     ''', 'written on one line'),
    ('''
     class OwnInitEvalHook(EvalHook):

         def __init__(self, *args, extra=1, **kwargs):
             super().__init__(*args, **kwargs)
     ''', '__init__ of its own'),
    ('''
     class BaseOwn(EvalHook):
         """Nothing of its own."""


     class Derived(BaseOwn):
         """Nothing either."""
     ''', 'it is built on BaseOwn of this module'),
])
def test_other_shapes_stay_marked(body, why):
    text, found = _convert(body)
    name = textwrap.dedent(body).split('class ')[-1].split('(')[0]
    manual = [m for rule, severity, key, m in found
              if rule == 'HK009' and severity == 'manual' and key == name]
    assert len(manual) == 1 and why in manual[0], found
    assert f'# migrate[HK009]: {name} subclasses' in text
    assert 'from mmcv.runner import' in text   # the base stays importable as written
    compile(text, 'x', 'exec')


@pytest.mark.parametrize('base, kept', [
    ('EvalHook', ('metric', 'broadcast_bn_buffer', 'tmpdir', 'gpu_collect')),
    ('DistEvalHook', ('metric',))])
def test_ported_constructor_and_score_match_the_legacy_hook(base, kept):
    text, _ = _convert(f'''
        class KwEvalHook({base}):

            def _do_evaluate(self, runner):
                results = self.test_fn(runner.model, self.dataloader)
                key_score = self.evaluate(runner, results)
                self.seen = (self.eval_kwargs, self.interval, self.start, key_score)
        ''')
    namespace = {}
    exec(compile(text.replace('@HOOKS.register_module()\n', ''), 'x', 'exec'), namespace)
    cls = namespace['KwEvalHook']
    evaluation = dict(interval=2, start=3, save_best='auto', rule='greater', metric='acc',
                      by_epoch=False, greater_keys=['a'], less_keys=['b'], out_dir='o',
                      file_client_args={}, test_fn=None, dynamic_intervals=[(3, 1)],
                      broadcast_bn_buffer=True, tmpdir='t', gpu_collect=True)
    hook = cls(**evaluation)
    hook.after_val_epoch(object(), {'acc': 0.5, 'loss': 1.0})
    # what MMCV's EvalHook kept in eval_kwargs (the keywords it did not name) and the score
    # its evaluate returned: save_best='auto' is the first metric, from then on
    assert hook.seen == ({k: evaluation[k] for k in kept}, 2, 3, 0.5)
    assert hook.key_indicator == 'acc'
    hook.after_val_epoch(object(), {'loss': 1.0, 'acc': 0.7})
    assert hook.seen[-1] == 0.7
    hook.save_best = None
    hook.after_val_epoch(object(), {'acc': 0.9})
    assert hook.seen[-1] is None
