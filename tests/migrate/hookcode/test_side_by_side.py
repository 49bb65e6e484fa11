"""Side by side: each legacy hook module of ``fixtures/legacy_hooks`` on the compat runtime
beside its engine-target conversion (``fixtures/converted_hooks/engine``) on the engine, the
same legacy-run fixture, model, data and seed. Each test records what the hook reads or does
at each call and asserts the same record and the same final weights, or, where the conversion
documents a timeline change (its ``migrate[HK...]`` comment), exactly that difference.

Elsewhere: the framework subclasses the conversion ports, selected by config keys rather than
added as hooks: LR/momentum updaters (custom_lr_updater, custom_lr_updater_shapes:
test_port_lr_updater.py), optimizer hooks (grad_accum_optimizer, loss_weight_optimizer:
test_side_by_side_optimizer_hook.py), eval hooks (custom_eval_hook, eval_hook_shapes:
test_port_eval_hook.py), runners (runner_subclass, runner_subclass_extras:
test_port_runner_subclass.py); the generic hook through super() and module-style imports
(test_side_by_side_generic.py, test_side_by_side_imports.py). Not run: not_hook_code (left as
it is), curve_logger (a LoggerHook subclass left for a manual port, HK011) and
log_buffer_reader's IntervalLossLoggerHook, whose LogBuffer calls have no message-hub
equivalent and stay as written, marked (HK005)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402

EPOCH_LEN = 8   # the toy training set: 64 samples, 8 a batch


def _pair(tmp_path, run, legacy_hook, legacy_priority, converted_hooks, edit_legacy=None,
          edit_converted=None):
    legacy = sbs.run_legacy(run, str(tmp_path / 'legacy'), [(legacy_hook, legacy_priority)],
                            edit=edit_legacy)
    converted = sbs.run_converted(run, str(tmp_path / 'engine'), converted_hooks, EPOCH_LEN,
                                  edit=edit_converted)
    return legacy, converted


# -- loss-weight warmup ---------------------------------------------------------------------------
def _warmup_pair(tmp_path, converted_path=None):
    legacy_cls = sbs.load_legacy('loss_weight_warmup').LossWeightWarmupHook
    new_cls = sbs.load_converted('loss_weight_warmup', converted_path).LossWeightWarmupHook

    class LegacyRec(legacy_cls):
        seen = []

        def before_train_iter(self, runner):
            super().before_train_iter(runner)
            self.seen.append((runner.iter, runner.model.module.aux_loss_weight))

    class NewRec(new_cls):
        seen = []

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            super().before_train_iter(runner, batch_idx, data_batch)
            self.seen.append((runner.iter, runner.model.aux_loss_weight))

    args = dict(attr='aux_loss_weight', final=0.5, warmup_iters=12)
    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(**args), 'NORMAL',
                              [NewRec(**args)])
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_loss_weight_warmup(tmp_path, converted_path=None):
    legacy, converted, old, new = _warmup_pair(tmp_path, converted_path)
    assert len(old) == 3 * EPOCH_LEN
    assert old[0] == (0, 0.5 / 12) and old[-1] == (23, 0.5)
    assert new == old
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- early stopping -------------------------------------------------------------------------------
def _early_stop_pair(tmp_path, converted_path=None):
    legacy_cls = sbs.load_legacy('early_stopping').MetricEarlyStopHook
    new_cls = sbs.load_converted('early_stopping', converted_path).MetricEarlyStopHook

    class LegacyRec(legacy_cls):
        seen = []

        def after_train_epoch(self, runner):
            score = runner.log_buffer.output.get(self.monitor)
            super().after_train_epoch(runner)
            self.seen.append((runner.epoch, score, self.best, self.wait, runner._max_epochs))

    class NewRec(new_cls):
        seen = []

        def after_val_epoch(self, runner, metrics=None):
            score = (metrics or {}).get(self.monitor)
            super().after_val_epoch(runner, metrics)
            self.seen.append((runner.epoch, score, self.best, self.wait,
                              runner.train_loop.max_epochs))

    # 'less' with patience 1: accuracy rises after epoch 1, so the run stops after epoch 2 of 3
    args = dict(monitor='accuracy', patience=1, rule='less')
    # 75: below EvalHook (LOW, 70), which writes the metric, above the logger hooks (VERY_LOW)
    # that clear the log buffer's output
    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(**args), 75,
                              [NewRec(**args)])
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_early_stopping(tmp_path, converted_path=None):
    legacy, converted, old, new = _early_stop_pair(tmp_path, converted_path)
    assert [row[0] for row in old] == [0, 1] and old[-1][4] == 2 and legacy.epoch == 2
    assert old[0][1] is not None and old[1][1] > old[0][1]
    # HK005, the documented difference: the hook now runs after the val loop, when runner.epoch
    # already counts the finished epoch (the conversion reads runner.epoch - 1); the rest is equal
    assert [(row[0] - 1,) + row[1:] for row in new] == old
    assert converted.epoch == legacy.epoch == 2
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- layer freezing -------------------------------------------------------------------------------
def _requires_grad(runner):
    model = runner.model.module if hasattr(runner.model, 'module') else runner.model
    return tuple(p.requires_grad for p in model.backbone.parameters())


def _freeze_pair(tmp_path, converted_path=None):
    legacy_cls = sbs.load_legacy('freeze_layers').FreezeBackboneHook
    new_cls = sbs.load_converted('freeze_layers', converted_path).FreezeBackboneHook

    class LegacyRec(legacy_cls):
        seen = []

        def before_run(self, runner):
            super().before_run(runner)
            self.seen.append(('before_run', _requires_grad(runner)))

        def before_train_epoch(self, runner):
            super().before_train_epoch(runner)
            self.seen.append((runner.epoch, _requires_grad(runner)))

    class NewRec(new_cls):
        seen = []

        # HK006 moved the freezing to before_train: after weight init and load/resume, as
        # MMCV's before_run ran, and still before the first epoch
        def before_train(self, runner):
            super().before_train(runner)
            self.seen.append(('before_run', _requires_grad(runner)))

        def before_train_epoch(self, runner):
            super().before_train_epoch(runner)
            self.seen.append((runner.epoch, _requires_grad(runner)))

    args = dict(unfreeze_epoch=2, module_name='backbone')
    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(**args), 'NORMAL',
                              [NewRec(**args)])
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_freeze_layers(tmp_path, converted_path=None):
    legacy, converted, old, new = _freeze_pair(tmp_path, converted_path)
    assert [(where, all(flags)) for where, flags in old] == \
        [('before_run', False), (0, False), (1, False), (2, True)]
    assert new == old
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- a log-buffer user ----------------------------------------------------------------------------
def _norm_logger_pair(tmp_path, converted_path=None):
    legacy_cls = sbs.load_legacy('log_buffer_hook').NormLoggerHook
    new_cls = sbs.load_converted('log_buffer_hook', converted_path).NormLoggerHook

    class LegacyRec(legacy_cls):
        seen = []

        def after_train_iter(self, runner):
            super().after_train_iter(runner)
            history = runner.log_buffer.val_history
            self.seen.append((runner.iter, {k: history[k][-1] for k in
                                            ('grad_norm', 'weight_norm', 'loss_cls', 'acc',
                                             'loss')}))

    class NewRec(new_cls):
        seen = []

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            super().after_train_iter(runner, batch_idx, data_batch, outputs)
            hub = runner.message_hub
            self.seen.append((runner.iter, {k: float(hub.get_scalar(f'train/{k}').current())
                                            for k in ('grad_norm', 'weight_norm', 'loss_cls',
                                                      'acc', 'loss')}))

    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(), 'NORMAL',
                              [NewRec()])
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_log_buffer_user(tmp_path, converted_path=None):
    legacy, converted, old, new = _norm_logger_pair(tmp_path, converted_path)
    assert len(old) == 3 * EPOCH_LEN and all(row['grad_norm'] > 0 for _, row in old)
    # HK006, the documented difference: backward, step and zero_grad all happen in train_step
    # before every after_train_iter hook, so the gradients the hook reads are gone and the norm
    # it logs is 0; MMCV's OptimizerHook (ABOVE_NORMAL) had left this step's gradients. The
    # weight norm (after the step on both sides), the losses and accuracy (outputs argument vs
    # runner.outputs['log_vars']) are the same values, now message-hub scalars.
    assert all(row['grad_norm'] == 0.0 for _, row in new)
    assert [(i, dict(row, grad_norm=None)) for i, row in new] == \
        [(i, dict(row, grad_norm=None)) for i, row in old]
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- log-buffer readers (HK005: val_history[key][-1] is the hub scalar's current()) --------------
def _latest_loss_pair(tmp_path, converted_path=None):
    legacy_hook = sbs.load_legacy('log_buffer_reader').LatestLossHook()
    new_cls = sbs.load_converted('log_buffer_reader', converted_path).LatestLossHook
    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', legacy_hook, 'NORMAL',
                              [new_cls()])
    return legacy, converted, legacy_hook, sbs.hook_of(converted, new_cls)


def test_log_buffer_latest_values(tmp_path, converted_path=None):
    legacy, converted, old, new = _latest_loss_pair(tmp_path, converted_path)
    # the value each key last got, at every iteration and at each epoch end
    assert len(old.latest) == 3 * EPOCH_LEN and len(old.epoch_ends) == 3
    assert len({row['loss'] for row in old.latest}) == len(old.latest)
    assert [{k: float(v) for k, v in row.items()} for row in new.latest] == old.latest
    assert [float(v) for v in new.epoch_ends] == old.epoch_ends
    assert old.epoch_ends == [old.latest[i]['loss'] for i in (7, 15, 23)]
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- generic before_epoch / after_iter ------------------------------------------------------------
def _phase_timer_pair(tmp_path, converted_path=None):
    legacy_cls = sbs.load_legacy('generic_hook').PhaseTimerHook
    new_cls = sbs.load_converted('generic_hook', converted_path).PhaseTimerHook

    def started(hook):
        # which before_*_epoch call set the start the hook times this iteration from
        return hook.starts.get(hook.t0)

    class LegacyRec(legacy_cls):
        seen = []
        starts = {}

        def before_epoch(self, runner):
            super().before_epoch(runner)
            self.starts.setdefault(self.t0, (runner.mode, runner.epoch))

        def after_iter(self, runner):
            super().after_iter(runner)
            self.seen.append((runner.mode, runner.epoch, runner.inner_iter, started(self),
                              {k: len(v) for k, v in self.times.items()}))

    class NewRec(new_cls):
        seen = []
        starts = {}

        def before_train_epoch(self, runner):
            super().before_train_epoch(runner)
            self.starts.setdefault(self.t0, ('train', runner.epoch))

        def before_val_epoch(self, runner):
            super().before_val_epoch(runner)
            # a start the hook did not reset keeps the epoch that set it
            self.starts.setdefault(self.t0, ('val', runner.epoch))

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            super().after_train_iter(runner, batch_idx, data_batch, outputs)
            self.seen.append(('train', runner.epoch, batch_idx, started(self),
                              {k: len(v) for k, v in self.times.items()}))

        def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            super().after_val_iter(runner, batch_idx, data_batch, outputs)
            self.seen.append(('val', runner.epoch, batch_idx, started(self),
                              {k: len(v) for k, v in self.times.items()}))

    legacy, converted = _pair(tmp_path, 'toy_workflow_val', LegacyRec(), 'NORMAL', [NewRec()])
    return legacy, converted, LegacyRec.seen, NewRec.seen


def _train_rows(rows):
    return [row[:4] + (row[4].get('train'),) for row in rows if row[0] == 'train']


def test_generic_stages_train_phase(tmp_path, converted_path=None):
    legacy, converted, old, new = _phase_timer_pair(tmp_path, converted_path)
    # every training iteration: the same epoch, batch index, start of timing and count
    assert len(_train_rows(old)) == 3 * EPOCH_LEN
    assert _train_rows(new) == _train_rows(old)
    assert all(row[3] == ('train', row[1]) for row in old if row[0] == 'train')
    # the legacy after_iter also ran in the workflow's val phases (val_step, 4 batches of 8);
    # its conversion's after_val_iter runs in the engine's val loop (the evaluation, which
    # MMCV's EvalHook ran without calling hooks: 32 batches of 1), the documented whole-run
    # difference of a workflow val phase
    assert [(r[1], r[2]) for r in old if r[0] == 'val'] == \
        [(e, i) for e in (1, 2, 3) for i in range(4)]
    assert [(r[1], r[2]) for r in new if r[0] == 'val'] == \
        [(e, i) for e in (1, 2, 3) for i in range(32)]
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


def test_generic_stages_val_iterations_timed_from_the_val_epoch(tmp_path, converted_path=None):
    _legacy, _converted, old, new = _phase_timer_pair(tmp_path, converted_path)
    assert all(row[3] == ('val', row[1]) for row in old if row[0] == 'val')
    assert all(row[3] == ('val', row[1]) for row in new if row[0] == 'val')


# -- runner.data_batch / inner_iter / current_lr / optimizer --------------------------------------
def _iter_info_pair(tmp_path, converted_path=None):
    legacy_hook = sbs.load_legacy('iter_info_hook').IterInfoHook()
    new_cls = sbs.load_converted('iter_info_hook', converted_path).IterInfoHook
    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', legacy_hook, 'NORMAL',
                              [new_cls()])
    return legacy, converted, legacy_hook.seen, sbs.hook_of(converted, new_cls).seen


def _close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(abs(a), abs(b))


def test_iter_info_and_lr_written_after_the_epoch(tmp_path, converted_path=None):
    legacy, converted, old, new = _iter_info_pair(tmp_path, converted_path)
    assert len(old) == len(new) == 3 * EPOCH_LEN
    # runner.iter, inner_iter -> batch_idx, the batch -> data_batch: the same at every call
    assert [(r['iter'], r['inner_iter'], r['size']) for r in new] == \
        [(r['iter'], r['inner_iter'], r['size']) for r in old]
    assert [r['inner_iter'] for r in old] == list(range(EPOCH_LEN)) * 3
    # HK006, the documented difference: the hook halves the lr after each epoch. MMCV's
    # LrUpdaterHook set the lr again from the base lr before the next epoch, so the halving
    # never reached an iteration; the engine's schedulers start their next step from the value
    # written, so every epoch's lr is the legacy one times 0.5 ** epoch
    for r_old, r_new in zip(old, new):
        epoch = r_old['iter'] // EPOCH_LEN
        assert _close(r_new['lr'], r_old['lr'] * 0.5 ** epoch), (r_old, r_new)
    assert old[EPOCH_LEN]['lr'] == 0.02 and old[-1]['lr'] == 0.002
    # ... which trains other weights
    a, b = sbs.weights(legacy.model), sbs.weights(converted.model)
    assert any(not bool((a[k] == b[k]).all()) for k in a)


# -- momentum teacher -----------------------------------------------------------------------------
def _teacher_model(**kwargs):
    import copy as _copy

    from compat.testing.legacy_toy import LegacyToyClassifier

    class TeacherToyClassifier(LegacyToyClassifier):
        """The toy classifier with a BYOL-style target copy of its backbone."""

        def __init__(self, base_momentum=0.9, **kw):
            super().__init__(**kw)
            self.base_momentum = self.momentum = base_momentum
            self.target = _copy.deepcopy(self.backbone)
            for p in self.target.parameters():
                p.requires_grad = False

        def momentum_update(self):
            for t, o in zip(self.target.parameters(), self.backbone.parameters()):
                t.data.mul_(self.momentum).add_(o.data, alpha=1. - self.momentum)

    return TeacherToyClassifier


@pytest.fixture
def teacher_model_type():
    from compat.apis import MODELS
    name = 'SideBySideTeacherToyClassifier'
    saved = dict(MODELS._modules)
    MODELS.register_module(name=name, module=_teacher_model())
    yield name
    MODELS._modules.clear()
    MODELS._modules.update(saved)


def _teacher_pair(tmp_path, model_type, converted_path=None):
    legacy_cls = sbs.load_legacy('momentum_teacher').TeacherMomentumHook
    new_cls = sbs.load_converted('momentum_teacher', converted_path).TeacherMomentumHook

    def target_sum(model):
        return float(sum(p.double().sum() for p in model.target.parameters()))

    class LegacyRec(legacy_cls):
        seen = []

        def before_train_iter(self, runner):
            super().before_train_iter(runner)
            self.seen.append(('before', runner.iter, runner.model.module.momentum))

        def after_train_iter(self, runner):
            super().after_train_iter(runner)
            self.seen.append(('after', runner.iter, target_sum(runner.model.module)))

    class NewRec(new_cls):
        seen = []

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            super().before_train_iter(runner, batch_idx, data_batch)
            self.seen.append(('before', runner.iter, runner.model.momentum))

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            super().after_train_iter(runner, batch_idx, data_batch, outputs)
            self.seen.append(('after', runner.iter, target_sum(runner.model)))

    def edit(cfg):
        cfg['model']['type'] = model_type
        cfg['model']['base_momentum'] = 0.9

    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(update_interval=2),
                              'NORMAL', [NewRec(update_interval=2)], edit_legacy=edit,
                              edit_converted=edit)
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_momentum_teacher(tmp_path, teacher_model_type, converted_path=None):
    legacy, converted, old, new = _teacher_pair(tmp_path, teacher_model_type, converted_path)
    assert len(old) == 2 * 3 * EPOCH_LEN
    assert old[0] == ('before', 0, 0.9) and old[-2][2] > 0.999
    assert old[1][2] != old[3][2] == old[5][2]   # the target moves every second iteration
    assert new == old
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- model wrapper access -------------------------------------------------------------------------
class _EpochLog:
    calls = []


def _epoch_aware_model():
    from compat.testing.legacy_toy import LegacyToyClassifier

    class EpochAwareToyClassifier(LegacyToyClassifier):
        """The toy classifier told the epoch (as curriculum and augmentation-schedule models
        were), writing down what it was told."""

        def __init__(self, **kw):
            super().__init__(**kw)
            self.epochs_seen = 0

        def set_epoch(self, epoch):
            _EpochLog.calls.append(('set_epoch', epoch))

    return EpochAwareToyClassifier


@pytest.fixture
def epoch_aware_model_type():
    from compat.apis import MODELS
    name = 'SideBySideEpochAwareToyClassifier'
    saved = dict(MODELS._modules)
    MODELS.register_module(name=name, module=_epoch_aware_model())
    yield name
    MODELS._modules.clear()
    MODELS._modules.update(saved)


def test_model_wrapper_access(tmp_path, epoch_aware_model_type, converted_path=None):
    legacy_cls = sbs.load_legacy('wrapper_hook').SetEpochInfoHook
    new_cls = sbs.load_converted('wrapper_hook', converted_path).SetEpochInfoHook
    records = {}

    class LegacyRec(legacy_cls):
        def after_train_epoch(self, runner):
            super().after_train_epoch(runner)
            _EpochLog.calls.append(('epochs_seen', runner.model.module.epochs_seen))

    class NewRec(new_cls):
        def after_train_epoch(self, runner):
            super().after_train_epoch(runner)
            _EpochLog.calls.append(('epochs_seen', runner.model.module.epochs_seen))

    def edit(cfg):
        cfg['model']['type'] = epoch_aware_model_type

    _EpochLog.calls = []
    legacy = sbs.run_legacy('toy_sgd_step_gradclip_3e', str(tmp_path / 'legacy'),
                            [(LegacyRec(), 'NORMAL')], edit=edit)
    records['legacy'], _EpochLog.calls = _EpochLog.calls, []
    converted = sbs.run_converted('toy_sgd_step_gradclip_3e', str(tmp_path / 'engine'),
                                  [NewRec()], EPOCH_LEN, edit=edit)
    records['engine'] = _EpochLog.calls
    assert records['legacy'] == [('set_epoch', 0), ('epochs_seen', 1), ('set_epoch', 1),
                                 ('epochs_seen', 2), ('set_epoch', 2), ('epochs_seen', 3)]
    assert records['engine'] == records['legacy']
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- a module mixing a hook with other code -------------------------------------------------------
def test_mixed_module(tmp_path, converted_path=None):
    import torch

    legacy_mod = sbs.load_legacy('mixed_module')
    new_mod = sbs.load_converted('mixed_module', converted_path)
    # the code that is not a hook is the same code
    pred, target = torch.linspace(-2, 2, 9), torch.zeros(9)
    assert new_mod.SmoothL1(0.5)(pred, target).item() == \
        legacy_mod.SmoothL1(0.5)(pred, target).item()
    labels = torch.tensor([3, 1, 1, 0, 3, 3])
    assert new_mod.count_labels(labels) == legacy_mod.count_labels(labels) == {0: 1, 1: 2, 3: 3}

    class LegacyRec(legacy_mod.LossScaleHook):
        seen = []

        def before_iter(self, runner):
            super().before_iter(runner)
            self.seen.append((runner.mode, runner.iter, runner.model.module.aux_loss_weight))

    class NewRec(new_mod.LossScaleHook):
        seen = []

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            super().before_train_iter(runner, batch_idx, data_batch)
            self.seen.append(('train', runner.iter, runner.model.aux_loss_weight))

    args = dict(attr='aux_loss_weight', value=0.3)
    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(**args), 'NORMAL',
                              [NewRec(**args)])
    assert LegacyRec.seen == [('train', i, 0.3) for i in range(3 * EPOCH_LEN)]
    assert NewRec.seen == LegacyRec.seen
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- precise BN -----------------------------------------------------------------------------------
def _bn_stats(model):
    from torch.nn.modules.batchnorm import _BatchNorm
    model = model.module if hasattr(model, 'module') else model
    return [(bn.running_mean.tolist(), bn.running_var.tolist(), int(bn.num_batches_tracked),
             bn.momentum) for bn in model.modules() if isinstance(bn, _BatchNorm)]


def _precise_bn_pair(tmp_path, converted_path=None):
    legacy_cls = sbs.load_legacy('precise_bn').PreciseBNStatsHook
    new_cls = sbs.load_converted('precise_bn', converted_path).PreciseBNStatsHook

    class LegacyRec(legacy_cls):
        seen = []

        def after_train_epoch(self, runner):
            super().after_train_epoch(runner)
            self.seen.append((runner.epoch, _bn_stats(runner.model)))

    class NewRec(new_cls):
        seen = []

        def after_train_epoch(self, runner):
            super().after_train_epoch(runner)
            self.seen.append((runner.epoch, _bn_stats(runner.model)))

    def edit(cfg):
        cfg['model']['with_bn'] = True

    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(num_iters=3),
                              'NORMAL', [NewRec(num_iters=3)], edit_legacy=edit,
                              edit_converted=edit)
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_precise_bn(tmp_path, converted_path=None):
    legacy, converted, old, new = _precise_bn_pair(tmp_path, converted_path)
    # recomputed over 3 training batches after each epoch, momentum restored
    assert [(epoch, [s[2:] for s in stats]) for epoch, stats in old] == \
        [(e, [(3, 0.1)]) for e in range(3)]
    assert new == old
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- a mode switch near the end of training (YOLOX) -----------------------------------------------
def _switchable_parts():
    from types import SimpleNamespace

    from compat.testing.legacy_toy import LegacyToyClassifier
    from compat.testing.registration import _ToyDataset

    class SwitchableToyDataset(_ToyDataset):
        """The toy dataset with YOLOX's ``update_skip_type_keys``."""
        skip_type_keys = ()

        def update_skip_type_keys(self, keys):
            self.skip_type_keys = tuple(keys)

    class HeadedToyClassifier(LegacyToyClassifier):
        """The toy classifier with a ``bbox_head.use_l1`` switch, as YOLOX's head had."""

        def __init__(self, **kw):
            super().__init__(**kw)
            self.bbox_head = SimpleNamespace(use_l1=False)

    return SwitchableToyDataset, HeadedToyClassifier


@pytest.fixture
def switchable_types():
    from compat.apis import DATASETS, MODELS
    saved = [(r, dict(r._modules)) for r in (DATASETS, MODELS)]
    dataset, model = _switchable_parts()
    DATASETS.register_module(name='SideBySideSwitchableToyDataset', module=dataset)
    MODELS.register_module(name='SideBySideHeadedToyClassifier', module=model)
    yield 'SideBySideSwitchableToyDataset', 'SideBySideHeadedToyClassifier'
    for registry, modules in saved:
        registry._modules.clear()
        registry._modules.update(modules)


def _switch_state(dataset, model):
    model = model.module if hasattr(model, 'module') else model
    return dataset.skip_type_keys, model.bbox_head.use_l1


def _mode_switch_pair(tmp_path, types, converted_path=None):
    legacy_cls = sbs.load_legacy('mode_switch').NoAugModeSwitchHook
    new_cls = sbs.load_converted('mode_switch', converted_path).NoAugModeSwitchHook

    class LegacyRec(legacy_cls):
        seen = []

        def before_train_epoch(self, runner):
            super().before_train_epoch(runner)
            self.seen.append((runner.epoch, runner.max_epochs) +
                             _switch_state(runner.data_loader.dataset, runner.model))

    class NewRec(new_cls):
        seen = []

        def before_train_epoch(self, runner):
            super().before_train_epoch(runner)
            self.seen.append((runner.epoch, runner.max_epochs) +
                             _switch_state(runner.train_dataloader.dataset, runner.model))

    def edit(cfg):
        cfg['model']['type'] = types[1]
        if 'data' in cfg:
            cfg['data']['train']['type'] = types[0]
        else:
            cfg['train_dataloader']['dataset']['type'] = types[0]

    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(), 'NORMAL',
                              [NewRec()], edit_legacy=edit, edit_converted=edit)
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_mode_switch(tmp_path, switchable_types, converted_path=None):
    legacy, converted, old, new = _mode_switch_pair(tmp_path, switchable_types, converted_path)
    keys = ('Mosaic', 'RandomAffine')
    assert old == [(0, 3, (), False), (1, 3, keys, True), (2, 3, keys, True)]
    assert new == old
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- per-epoch clustering (DeepCluster/ODC) -------------------------------------------------------
def _clustering_parts():
    import torch

    from compat.testing.legacy_toy import LegacyToyClassifier
    from compat.testing.registration import _ToyDataset

    class ClusteredToyDataset(_ToyDataset):
        """The toy dataset taking pseudo labels, as DeepCluster's dataset did."""

        def assign_labels(self, labels):
            self.labels = torch.from_numpy(labels.astype('int64'))

    class ExtractingToyClassifier(LegacyToyClassifier):
        """The toy classifier with a feature-extraction mode."""

        def forward(self, img, *args, mode=None, **kwargs):
            if mode == 'extract':
                return self.backbone(img)
            return super().forward(img, *args, **kwargs)

    return ClusteredToyDataset, ExtractingToyClassifier


@pytest.fixture
def clustering_types():
    from compat.apis import DATASETS, MODELS
    saved = [(r, dict(r._modules)) for r in (DATASETS, MODELS)]
    dataset, model = _clustering_parts()
    DATASETS.register_module(name='SideBySideClusteredToyDataset', module=dataset)
    MODELS.register_module(name='SideBySideExtractingToyClassifier', module=model)
    yield 'SideBySideClusteredToyDataset', 'SideBySideExtractingToyClassifier'
    for registry, modules in saved:
        registry._modules.clear()
        registry._modules.update(modules)


def _cluster_pair(tmp_path, types, converted_path=None):
    legacy_cls = sbs.load_legacy('deep_cluster').PerEpochClusterHook
    new_cls = sbs.load_converted('deep_cluster', converted_path).PerEpochClusterHook

    class LegacyRec(legacy_cls):
        seen = []

        def deepcluster(self, runner, data_loader):
            super().deepcluster(runner, data_loader)
            self.seen.append((runner.epoch, runner.model.training,
                              data_loader.dataset.labels.tolist()))

    class NewRec(new_cls):
        seen = []

        def deepcluster(self, runner, data_loader):
            super().deepcluster(runner, data_loader)
            self.seen.append((runner.epoch, runner.model.training,
                              data_loader.dataset.labels.tolist()))

    def edit(cfg):
        cfg['model']['type'] = types[1]
        if 'data' in cfg:
            cfg['data']['train']['type'] = types[0]
        else:
            cfg['train_dataloader']['dataset']['type'] = types[0]

    legacy, converted = _pair(tmp_path, 'toy_sgd_step_gradclip_3e', LegacyRec(), 'NORMAL',
                              [NewRec()], edit_legacy=edit, edit_converted=edit)
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_per_epoch_clustering(tmp_path, clustering_types, converted_path=None):
    legacy, converted, old, new = _cluster_pair(tmp_path, clustering_types, converted_path)
    # before the first epoch, then after each: on the training set, the model back in training
    assert [(epoch, training) for epoch, training, _ in old] == \
        [(0, True), (0, True), (1, True), (2, True)]
    assert len(old[0][2]) == 64 and old[0][2] != old[1][2]
    assert new == old
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))
