"""HK008 on the shapes 1.x projects wrote for an OptimizerHook subclass: what ports (the exact
text, and the legacy hook driven the way MMCV's runner drives it beside the port driven the way
MMEngine's runner and train_step drive it: same gradient norms, same weights, bitwise) and what
is left marked (the blocking line named, in the file and in the report)."""
import os
import sys
import textwrap
import types

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402
from migrate.hookcode.convert import convert_hook_text  # noqa: E402

HEAD = 'from mmcv.runner import HOOKS, OptimizerHook\n\n\n@HOOKS.register_module()\n'


def _convert(body, target='engine', head=HEAD):
    out = convert_hook_text(head + textwrap.dedent(body).lstrip('\n'), target)
    return out.text_out, [(f.rule, f.severity, f.key, f.message) for f in out.findings]


# -- shapes that port -----------------------------------------------------------------------------
BASE_COPY = '''
class HPUOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        runner.model.zero_grad()
        runner.optimizer.zero_grad()
        runner.outputs['loss'].backward()
        torch.manual_seed(0)

        if self.grad_clip is not None:
            grad_norm = self.clip_grads(runner.model.parameters())
            if grad_norm is not None:
                # Add grad norm to the logger
                runner.log_buffer.update({'grad_norm': float(grad_norm)},
                                         runner.outputs['num_samples'])
        runner.optimizer.step()
'''

ITER_SIZE = '''
class IterSizeOptimizerHook(OptimizerHook):

    def __init__(self, grad_clip=None, iter_size=1):
        super(IterSizeOptimizerHook, self).__init__(grad_clip)
        self.iter_size = iter_size

    def after_train_iter(self, runner):
        iter_loss = runner.outputs['loss'] / self.iter_size
        iter_loss.backward()
        if (runner.iter + 1) % self.iter_size == 0:
            if self.grad_clip:
                self.clip_grads(runner.model.parameters())
            runner.optimizer.step()
            runner.optimizer.zero_grad()
'''

SUPER_THEN_MORE = '''
class ScaledOptimizerHook(OptimizerHook):

    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def after_train_iter(self, runner):
        runner.outputs['loss'] = runner.outputs['loss'] * self.scale
        super().after_train_iter(runner)
'''

SUPER_ONLY = '''
class PlainOptimizerHook(OptimizerHook):

    def after_train_iter(self, runner):
        super().after_train_iter(runner)
        if self.every_n_iters(runner, 2):
            runner.optimizer.zero_grad()
'''

# counts read before the backward (runner.iter, every_n_iters) as well as after it
BEFORE_BACKWARD = '''
class ZeroEveryOptimizerHook(OptimizerHook):

    def __init__(self, interval=2, **kwargs):
        super().__init__(**kwargs)
        self.interval = interval

    def after_train_iter(self, runner):
        if self.every_n_iters(runner, self.interval) or runner.iter % 5 == 0:
            runner.optimizer.zero_grad()
        runner.outputs['loss'].backward()
        if self.every_n_iters(runner, self.interval + 1) and runner.iter > 2:
            runner.optimizer.step()
'''


def test_counts_before_and_after_the_backward_text():
    text, _ = _convert(BEFORE_BACKWARD)
    assert textwrap.dedent('''\
            if (self._inner_count + 1) % self.interval == 0 or self._inner_count % 5 == 0:
                self.optimizer.zero_grad()
            self.backward(loss)
            if self._inner_count % (self.interval + 1) == 0 and (self._inner_count - 1) > 2:
                self.optimizer.step()
        ''') in textwrap.dedent(text.split('zero_kwargs=None):\n')[1])

# the hook's own counter, under the name the wrapper counts with
OWN_COUNTER = '''
class GradientAccumulationOptimizerHook(OptimizerHook):
    def __init__(self, cumulative_iters=1, **kwargs):
        super().__init__(**kwargs)
        self.cumulative_iters = cumulative_iters
        self._inner_count = 0

    def after_train_iter(self, runner):
        self._inner_count += 1
        loss = runner.outputs['loss']
        loss = loss / self.cumulative_iters
        loss.backward()

        if self._inner_count % self.cumulative_iters == 0:
            if self.grad_clip is not None:
                self.clip_grads(runner.model.parameters())
            runner.optimizer.step()
            runner.optimizer.zero_grad()
'''


def test_own_counter_is_renamed_text():
    text, findings = _convert(OWN_COUNTER)
    assert text.endswith(textwrap.dedent('''\
        class GradientAccumulationOptimizerHook(OptimWrapper):
            def __init__(self, cumulative_iters=1, **kwargs):
                super().__init__(**kwargs)
                self.cumulative_iters = cumulative_iters
                self._hook_inner_count = 0

            def update_params(self, loss, step_kwargs=None, zero_kwargs=None):
                self._hook_inner_count += 1
                loss = loss
                loss = loss / self.cumulative_iters
                self.backward(loss)

                if self._hook_inner_count % self.cumulative_iters == 0:
                    if self.clip_grad_kwargs is not None:
                        self._clip_grad()
                    self.optimizer.step()
                    self.optimizer.zero_grad()
        '''))
    comment = ' '.join(line.lstrip('#').strip() for line in text.splitlines()
                       if line.startswith('#'))
    assert "the hook's own self._inner_count is self._hook_inner_count" in comment
    (note,) = [f for f in findings if f[0] == 'HK008']
    assert "the hook's own self._inner_count is self._hook_inner_count" in note[3]


def test_base_copy_text():
    text, findings = _convert(BASE_COPY, head=HEAD.replace('\n\n\n', '\nimport torch\n\n\n'))
    assert text.endswith(textwrap.dedent('''\
        @OPTIM_WRAPPERS.register_module()
        class HPUOptimizerHook(OptimWrapper):
            def update_params(self, loss, step_kwargs=None, zero_kwargs=None):
                self.optimizer.zero_grad()
                self.optimizer.zero_grad()
                self.backward(loss)
                torch.manual_seed(0)

                if self.clip_grad_kwargs is not None:
                    self._clip_grad()
                self.optimizer.step()
        '''))
    assert text.startswith('from engine.registry import OPTIM_WRAPPERS\nimport torch\n'
                           'from engine.optim import OptimWrapper\n') or \
        'from engine.optim import OptimWrapper' in text
    (note,) = [f for f in findings if f[0] == 'HK008']
    assert note[1] == 'note' and 'train/grad_norm' in note[3]
    assert 'runner.model.zero_grad() is self.optimizer.zero_grad()' in note[3]


def test_iter_size_text():
    text, findings = _convert(ITER_SIZE)
    assert text.endswith(textwrap.dedent('''\
        class IterSizeOptimizerHook(OptimWrapper):

            def __init__(self, optimizer, clip_grad=None, iter_size=1):
                super(IterSizeOptimizerHook, self).__init__(optimizer, clip_grad=clip_grad)
                self.iter_size = iter_size

            def update_params(self, loss, step_kwargs=None, zero_kwargs=None):
                iter_loss = loss / self.iter_size
                self.backward(iter_loss)
                if ((self._inner_count - 1) + 1) % self.iter_size == 0:
                    if self.clip_grad_kwargs:
                        self._clip_grad()
                    self.optimizer.step()
                    self.optimizer.zero_grad()
        '''))
    (note,) = [f for f in findings if f[0] == 'HK008']
    assert 'clip_grad' in note[3] and 'optimizer first' in note[3]


def test_super_is_spelled_out():
    text, _ = _convert(SUPER_ONLY)
    assert text.endswith(textwrap.indent(textwrap.dedent('''\
        def update_params(self, loss, step_kwargs=None, zero_kwargs=None):
            self.optimizer.zero_grad()
            self.backward(loss)
            if self.clip_grad_kwargs is not None:
                self._clip_grad()
            self.optimizer.step()
            if self._inner_count % 2 == 0:
                self.optimizer.zero_grad()
        '''), '    '))


def test_mmengine_target_imports():
    text, _ = _convert(ITER_SIZE, 'mmengine')
    assert 'from mmengine.registry import OPTIM_WRAPPERS' in text
    assert 'from mmengine.optim import OptimWrapper' in text
    assert 'mmcv' not in text and 'HOOKS' not in text


# -- the shapes that port, run: legacy hook vs port -----------------------------------------------
class _Toy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.a = torch.nn.Linear(4, 8)
        self.b = torch.nn.Linear(8, 2)
        self.frozen = torch.nn.Linear(2, 2)
        self.frozen.requires_grad_(False)

    def forward(self, x):
        return self.b(torch.relu(self.a(x))).pow(2).mean() * 10


class _LogBuffer:
    def __init__(self):
        self.values = []

    def update(self, values, count):
        self.values.append(values['grad_norm'])


def _load(tmp_path, body, legacy):
    head = HEAD.replace('\n\n\n', '\nimport torch\n\n\n')
    text = head + textwrap.dedent(body).lstrip('\n') if legacy else _convert(body, head=head)[0]
    stem = f'{"legacy" if legacy else "port"}_{abs(hash(body))}'
    path = tmp_path / f'{stem}.py'
    path.write_text(text)
    if not legacy:
        return sbs._exec_module(str(path), stem)
    import compat
    installed = compat.is_mmcv_alias_installed()
    compat.install_mmcv_alias()
    try:
        return sbs._exec_module(str(path), stem)
    finally:
        if not installed:
            compat.uninstall_mmcv_alias()


def _data(iters):
    g = torch.Generator().manual_seed(1)
    return [torch.randn(3, 4, generator=g) for _ in range(iters)]


def _run_legacy(cls, kwargs, iters, start):
    model = _Toy()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    hook = cls(**kwargs)
    runner = types.SimpleNamespace(model=model, optimizer=optimizer, log_buffer=_LogBuffer())
    for i, x in enumerate(_data(iters)):
        runner.iter = start + i
        runner.outputs = {'loss': model(x), 'num_samples': 3}
        hook.after_train_iter(runner)
    return model, runner.log_buffer.values


def _run_port(cls, kwargs, iters, start):
    model = _Toy()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    wrapper = cls(optimizer=optimizer, **kwargs)
    wrapper.initialize_count_status(model, start, start + iters)
    norms = []
    for x in _data(iters):
        wrapper.update_params(model(x))
        if wrapper.last_grad_norm is not None:
            norms.append(wrapper.last_grad_norm)
        wrapper.last_grad_norm = None
    return model, norms


@pytest.mark.parametrize('body,name,legacy_kwargs,port_kwargs', [
    (BASE_COPY, 'HPUOptimizerHook', dict(grad_clip=dict(max_norm=0.5)),
     dict(clip_grad=dict(max_norm=0.5))),
    (BASE_COPY, 'HPUOptimizerHook', {}, {}),
    (ITER_SIZE, 'IterSizeOptimizerHook', dict(grad_clip=dict(max_norm=0.5), iter_size=3),
     dict(clip_grad=dict(max_norm=0.5), iter_size=3)),
    (SUPER_ONLY, 'PlainOptimizerHook', dict(grad_clip=dict(max_norm=0.5, norm_type=1)),
     dict(clip_grad=dict(max_norm=0.5, norm_type=1))),
    (BEFORE_BACKWARD, 'ZeroEveryOptimizerHook', dict(interval=2), dict(interval=2)),
    (OWN_COUNTER, 'GradientAccumulationOptimizerHook',
     dict(cumulative_iters=3, grad_clip=dict(max_norm=0.5)),
     dict(cumulative_iters=3, clip_grad=dict(max_norm=0.5))),
], ids=['base-copy-clip', 'base-copy', 'iter-size', 'super', 'before-backward', 'own-counter'])
@pytest.mark.parametrize('start', [0, 4], ids=['start0', 'resumed4'])
def test_port_runs_as_the_legacy_hook(tmp_path, body, name, legacy_kwargs, port_kwargs, start):
    legacy = getattr(_load(tmp_path, body, True), name)
    port = getattr(_load(tmp_path, body, False), name)
    old_model, old_norms = _run_legacy(legacy, legacy_kwargs, 10, start)
    new_model, new_norms = _run_port(port, port_kwargs, 10, start)
    if 'grad_clip' in legacy_kwargs and name not in ('IterSizeOptimizerHook',
                                                     'GradientAccumulationOptimizerHook'):
        assert len(new_norms) == 10 and max(new_norms) > 0.5
    if name == 'HPUOptimizerHook':
        assert new_norms == old_norms   # what the hook logged, the wrapper logs
    sbs.assert_same_weights(old_model.state_dict(), new_model.state_dict())


def test_a_wrong_count_would_show(tmp_path):
    """The run comparison sees an off-by-one step timing (the failure it guards against)."""
    legacy = _load(tmp_path, ITER_SIZE, True).IterSizeOptimizerHook
    wrong = _load(tmp_path, ITER_SIZE.replace('(runner.iter + 1)', 'runner.iter'),
                  False).IterSizeOptimizerHook
    old_model, _ = _run_legacy(legacy, dict(iter_size=3), 10, 0)
    new_model, _ = _run_port(wrong, dict(iter_size=3), 10, 0)
    with pytest.raises(AssertionError):
        sbs.assert_same_weights(old_model.state_dict(), new_model.state_dict())


# -- shapes left marked ---------------------------------------------------------------------------
BLOCKED = {
    'log_buffer': ('''
class LogOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        runner.outputs['loss'].backward()
        runner.log_buffer.update({'loss2': 1.0})
        runner.optimizer.step()
''', "runner.log_buffer.update({'loss2': 1.0})", 'reads runner.log_buffer.update'),
    'owned_method': ('''
class StepCountOptimizerHook(OptimizerHook):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.step = 0

    def after_train_iter(self, runner):
        runner.outputs['loss'].backward()
        self.step += 1
        runner.optimizer.step()
''', 'self.step = 0', 'sets self.step, which the OptimWrapper owns'),
    'several_optimizers': ('''
class GanOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        runner.outputs['loss'].backward()
        runner.optimizer['generator'].step()
''', "runner.optimizer['generator'].step()", 'several optimizers'),
    'apex_with': ('''
class ApexOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        runner.optimizer.zero_grad()
        with amp.scale_loss(runner.outputs['loss'], runner.optimizer) as scaled_loss:
            scaled_loss.backward()
        runner.optimizer.step()
''', 'def after_train_iter', 'must run exactly once'),
    'anomalous': ('''
class DebugOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        if self.detect_anomalous_params:
            self.detect_anomalous_parameters(runner.outputs['loss'], runner)
        runner.outputs['loss'].backward()
        runner.optimizer.step()
''', 'if self.detect_anomalous_params:', 'no OptimWrapper equivalent'),
    'hook_method': ('''
class EpochOptimizerHook(OptimizerHook):
    def before_run(self, runner):
        runner.optimizer.zero_grad()

    def after_train_iter(self, runner):
        runner.outputs['loss'].backward()
        runner.optimizer.step()
''', 'def before_run', 'a Hook method an OptimWrapper never calls'),
    'clip_override': ('''
class UnitClipOptimizerHook(OptimizerHook):
    def clip_grads(self, params):
        return None
''', 'def clip_grads', 'a Hook method an OptimWrapper never calls'),
    'norm_used': ('''
class NormOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        runner.outputs['loss'].backward()
        norm = self.clip_grads(runner.model.parameters())
        print(norm)
        runner.optimizer.step()
''', 'norm = self.clip_grads(runner.model.parameters())', 'its value (the norm) is used'),
    'loss_shadowed': ('''
class ShadowOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        loss = 2
        (runner.outputs['loss'] * loss).backward()
        runner.optimizer.step()
''', "(runner.outputs['loss'] * loss).backward()", 'after binding the name loss'),
    'class_attribute': ('''
class StepOptimizerHook(OptimizerHook):
    step = 2
''', 'step = 2', 'binds step, which the OptimWrapper owns'),
    'early_return': ('''
class SkipOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        if self.grad_clip is None:
            return
        runner.outputs['loss'].backward()
        runner.optimizer.step()
''', 'return', 'returns before the backward'),
    'autograd_backward': ('''
class AutogradOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        torch.autograd.backward(runner.outputs['loss'])
        runner.optimizer.step()
''', "torch.autograd.backward(runner.outputs['loss'])", 'only <loss>.backward'),
    'no_super_init': ('''
class CoteachingOptimizerHook(OptimizerHook):
    def __init__(self, grad_clip=None):
        self.grad_clip = grad_clip

    def after_train_iter(self, runner):
        runner.outputs['loss'].backward()
        runner.optimizer.step()
''', 'def __init__', 'does not call the base __init__'),
    'other_runner_read': ('''
class EpochStepOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        runner.outputs['loss'].backward()
        if runner.epoch > 2:
            runner.optimizer.step()
''', 'if runner.epoch > 2:', 'reads runner.epoch'),
}


@pytest.mark.parametrize('case', sorted(BLOCKED))
@pytest.mark.parametrize('target', ['mmengine', 'engine'])
def test_left_marked_with_the_blocking_line(case, target):
    body, line, why = BLOCKED[case]
    text, findings = _convert(body, target)
    name = body.split('class ')[1].split('(')[0]
    # the class is as written, under its marker
    assert f'class {name}(OptimizerHook):' in text and 'from mmcv.runner import OptimizerHook' \
        in text
    assert any(f[:3] == ('HK008', 'manual', name) and why in f[3] for f in findings), findings
    # the blocking line carries its own marker
    lines = text.splitlines()
    at = next(i for i, s in enumerate(lines) if s.strip().startswith(line))
    above = []
    for s in reversed(lines[:at]):
        if not s.strip().startswith('#'):
            break
        above.insert(0, s.strip())
    assert above and above[0].startswith('# migrate[HK008]: '), (case, lines[:at])
    assert why.split()[0] in ' '.join(above)
    # converting the result again changes nothing
    again = convert_hook_text(text, target)
    assert again.text_out == text and again.findings == []


@pytest.mark.parametrize('base', ['Fp16OptimizerHook', 'GradientCumulativeOptimizerHook',
                                  'GradientCumulativeFp16OptimizerHook'])
def test_stateful_bases_are_left_marked(base):
    body = f'''
class MyHook({base}):
    def after_train_iter(self, runner):
        runner.outputs['loss'].backward()
        runner.optimizer.step()
'''
    text, findings = _convert(body, head=f'from mmcv.runner import HOOKS, {base}\n\n\n'
                                          '@HOOKS.register_module()\n')
    assert f'class MyHook({base}):' in text
    (finding,) = [f for f in findings if f[0] == 'HK008']
    assert finding[1] == 'manual' and f'{base} keeps state of its own' in finding[3]


def test_backward_arguments_and_an_unregistered_class():
    text, findings = _convert('''
class RetainOptimizerHook(OptimizerHook):
    def after_train_iter(self, runner):
        (runner.outputs['loss'] * 2).backward(retain_graph=True)
        runner.optimizer.step()
''', head='from mmcv.runner import OptimizerHook\n\n\n')
    assert 'self.backward(loss * 2, retain_graph=True)' in text
    assert 'import OPTIM_WRAPPERS' not in text and 'register_module' not in text
    (note,) = [f for f in findings if f[0] == 'HK008']
    assert 'not registered in HOOKS' in note[3]


def test_a_registration_name_is_the_type_to_configure():
    text, findings = _convert(BASE_COPY, head=HEAD.replace(
        'register_module()', "register_module(name='HPUOptim')").replace(
        '\n\n\n', '\nimport torch\n\n\n'))
    assert "@OPTIM_WRAPPERS.register_module(name='HPUOptim')" in text
    (note,) = [f for f in findings if f[0] == 'HK008']
    assert "optim_wrapper=dict(type='HPUOptim'" in note[3]
