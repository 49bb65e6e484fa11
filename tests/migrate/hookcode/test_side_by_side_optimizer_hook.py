"""Side by side for HK008: the legacy optimizer hooks of fixtures/legacy_hooks/
grad_accum_optimizer.py and loss_weight_optimizer.py named by ``optimizer_config`` on the
compat runtime, beside their engine-target ports (OptimWrapper subclasses) named by the
``optim_wrapper`` that MIG002 writes for that ``optimizer_config``, on the engine: same
legacy-run fixture, model, data and seed.

At every iteration both record the loss the hook/wrapper receives, the learning rate, whether
the optimizer stepped and the gradient norm the clipping computed; the records and the final
weights are equal, bitwise: on CPU the two sides run the same torch operations in the same
order (the loss divided by ``cumulative_iters``, one backward, ``clip_grad_norm_`` over the
same parameters in the same order, the same SGD step), so no tolerance is needed. The one
exception is the learning rate, equal to 1e-12 relative: it comes from the schedule conversion
(MMCV's closed-form linear warmup against MMEngine's chained LinearLR factors), not from this
port, and rounds to the same float32 step (the weights are equal bitwise)."""
import contextlib
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402

EPOCH_LEN = 8   # the toy training set: 64 samples, 8 a batch


@contextlib.contextmanager
def _registered(registry, name, cls):
    """``cls`` registered as ``name`` for the duration of a run, the registry restored after."""
    before = dict(registry._modules)
    registry._modules[name] = cls
    try:
        yield
    finally:
        registry._modules.clear()
        registry._modules.update(before)


def _converted_optim_wrapper(tmp_path, optimizer, optimizer_config):
    """What ``migrate convert`` (MIG002) writes for this legacy optimizer/optimizer_config."""
    from migrate.convert.driver import ConvertOptions, run_convert
    path = tmp_path / 'optimizer_part.py'
    path.write_text(f'custom_imports = dict(imports=["my_hooks"])\n'
                    f'optimizer = {optimizer!r}\noptimizer_config = {optimizer_config!r}\n')
    run = run_convert(str(path), ConvertOptions(check=True, progress=False, target='engine'),
                      echo=lambda s: None)
    (result,) = run.results
    assert not result.error_messages
    assert [(f.rule, f.severity, f.kind) for f in result.findings] == [
        ('MIG002', 'note', 'custom-optimizer-hook')]
    scope = {}
    exec(compile(result.text_out, str(path), 'exec'), {'dict': dict}, scope)
    return scope['optim_wrapper']


def _same_records(new, old):
    assert len(new) == len(old)
    for a, b in zip(new, old):
        assert a[:2] + a[3:] == b[:2] + b[3:], (a, b)
        assert abs(a[2] - b[2]) <= 1e-12 * max(abs(a[2]), abs(b[2])), (a, b)


def _legacy_logged():
    from compat.runner import Hook

    class LegacyLogged(Hook):
        """After the optimizer hook (NORMAL < ABOVE_NORMAL): the grad_norm in the log buffer."""

        seen = []

        def after_train_iter(self, runner):
            history = runner.log_buffer.val_history.get('grad_norm')
            LegacyLogged.seen.append(history[-1] if history else None)

    return LegacyLogged


def _new_logged():
    from engine.hooks import Hook

    class NewLogged(Hook):
        """After RuntimeInfoHook (VERY_HIGH): the train/grad_norm in the message hub."""

        seen = []
        counts = []

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            scalar = runner.message_hub.log_scalars.get('train/grad_norm')
            NewLogged.seen.append(float(scalar.data[0][-1]) if scalar is not None else None)
            NewLogged.counts.append(len(scalar.data[0]) if scalar is not None else 0)

    return NewLogged


def _pair(tmp_path, run, stem, name, hook_args):
    legacy_cls = getattr(sbs.load_legacy(stem), name)
    new_cls = getattr(sbs.load_converted(stem), name)

    class LegacyRec(legacy_cls):
        seen = []

        def after_train_iter(self, runner):
            row = [runner.iter, runner.outputs['loss'].item(),
                   runner.optimizer.param_groups[0]['lr']]
            self._norm, before = None, [p.detach().clone() for p in runner.model.parameters()]
            super().after_train_iter(runner)
            stepped = any(not torch.equal(a, p) for a, p in zip(before,
                                                                 runner.model.parameters()))
            LegacyRec.seen.append(tuple(row + [stepped, self._norm]))

        def clip_grads(self, params):
            norm = super().clip_grads(params)
            self._norm = float(norm)
            return norm

    class NewRec(new_cls):
        seen = []

        def update_params(self, loss, step_kwargs=None, zero_kwargs=None):
            params = [p for g in self.optimizer.param_groups for p in g['params']]
            row = [self._inner_count, loss.item(), self.optimizer.param_groups[0]['lr']]
            self._norm, before = None, [p.detach().clone() for p in params]
            super().update_params(loss, step_kwargs, zero_kwargs)
            stepped = any(not torch.equal(a, p) for a, p in zip(before, params))
            NewRec.seen.append(tuple(row + [stepped, self._norm]))

        def _clip_grad(self):
            super()._clip_grad()
            self._norm = self.last_grad_norm

    from compat.runner import HOOKS as LEGACY_HOOKS
    from engine.registry import OPTIM_WRAPPERS

    optimizer_config = dict(type=name, **hook_args)
    legacy_optimizer = sbs.legacy_view(run)['optimizer']
    optim_wrapper = _converted_optim_wrapper(tmp_path, legacy_optimizer, optimizer_config)
    expected = dict(type=name, optimizer=legacy_optimizer,
                    **{k: v for k, v in hook_args.items() if k != 'grad_clip'})
    if hook_args.get('grad_clip') is not None:
        expected['clip_grad'] = hook_args['grad_clip']
    assert optim_wrapper == expected

    def edit_legacy(cfg):
        cfg['optimizer_config'] = optimizer_config

    def edit_converted(cfg):
        cfg['optim_wrapper'] = optim_wrapper

    legacy_logged, new_logged = _legacy_logged(), _new_logged()
    with _registered(LEGACY_HOOKS, name, LegacyRec):
        legacy = sbs.run_legacy(run, str(tmp_path / 'legacy'), [(legacy_logged(), 'NORMAL')],
                                edit=edit_legacy)
    with _registered(OPTIM_WRAPPERS, name, NewRec):
        converted = sbs.run_converted(run, str(tmp_path / 'engine'), [new_logged()],
                                      EPOCH_LEN, edit=edit_converted)
    assert type(converted.optim_wrapper) is NewRec
    return (legacy, converted, LegacyRec.seen, NewRec.seen, legacy_logged.seen,
            new_logged)


def test_accumulate_with_clipping_across_epochs(tmp_path):
    """3 iterations a window over 8-iteration epochs: windows cross the epoch ends (the legacy
    hook counted runner.iter, the port the wrapper's count, which the runner sets from it)."""
    legacy, converted, old, new, _, new_logged = _pair(
        tmp_path, 'toy_sgd_step_gradclip_3e', 'grad_accum_optimizer', 'AccumulateOptimizerHook',
        dict(cumulative_iters=3, grad_clip=dict(max_norm=1.0, norm_type=2)))
    assert [row[0] for row in old] == list(range(3 * EPOCH_LEN))
    assert [row[3] for row in old] == [i % 3 == 2 for i in range(3 * EPOCH_LEN)]
    assert all(row[4] is not None for row in old if row[3])
    assert any(row[4] > 1.0 for row in old if row[3])   # the clipping did clip
    assert len({row[2] for row in old}) > 2             # warmup and a step decay
    _same_records(new, old)
    # the message hub holds one train/grad_norm per clipping, as on MMEngine (the last one
    # is not recorded again on the iterations that do not clip)
    assert new_logged.counts == [sum(row[3] for row in old[:i + 1]) for i in range(len(old))]
    assert new_logged.seen == [None, None] + [
        next(row[4] for row in reversed(old[:i + 1]) if row[3]) for i in range(2, len(old))]
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


def test_accumulate_without_clipping_leaves_the_tail_unstepped(tmp_path):
    """No grad_clip (no clipping either side), 5 a window over 24 iterations: the last 4
    iterations' gradients are never stepped by the legacy hook, nor by the port (unlike
    GradientCumulativeOptimizerHook / accumulative_counts, which step a trailing window)."""
    legacy, converted, old, new, _, _ = _pair(
        tmp_path, 'toy_cumulative_remainder', 'grad_accum_optimizer', 'AccumulateOptimizerHook',
        dict(cumulative_iters=5, grad_clip=None))
    assert [row[3] for row in old] == [i % 5 == 4 for i in range(3 * EPOCH_LEN)]
    assert not any(row[3] for row in old[-4:])
    assert all(row[4] is None for row in old)
    _same_records(new, old)
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


def test_weighted_loss_logs_the_same_grad_norm(tmp_path):
    """A copy of OptimizerHook.after_train_iter with the loss weighted, its grad_clip an
    explicit argument (clip_grad on the port): the same steps, the same clipped norms, and the
    grad_norm MMCV's hook put in the log buffer is the train/grad_norm the wrapper puts in the
    message hub, at every iteration."""
    legacy, converted, old, new, old_logged, new_logged = _pair(
        tmp_path, 'toy_sgd_step_gradclip_3e', 'loss_weight_optimizer', 'LossWeightOptimizerHook',
        dict(grad_clip=dict(max_norm=1.0, norm_type=2), loss_weight=0.5))
    assert all(row[3] for row in old) and all(row[4] > 0 for row in old)
    assert any(row[4] > 1.0 for row in old)
    _same_records(new, old)
    assert old_logged == [row[4] for row in old]
    assert new_logged.seen == old_logged
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


@pytest.mark.parametrize('name', ['grad_accum_optimizer.py', 'loss_weight_optimizer.py'])
def test_the_port_is_what_convert_writes(name):
    """The modules the runs use are the ones ``migrate convert --target engine`` writes."""
    from _hook_cases import CONVERTED, LEGACY, convert, read
    out = convert(os.path.join(LEGACY, name), 'engine')
    assert out['text_out'] == read(os.path.join(CONVERTED, 'engine', name))
