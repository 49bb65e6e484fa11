"""HK010: legacy runner subclasses on compat beside the train loops they were ported to on the
engine (fixtures/legacy_hooks/runner_subclass*.py), the same legacy-run fixture, model, data
and seed: the same loss at every iteration, the same weights after every iteration, the same
extras at the same points (the epoch told to the training set, the messages logged); and the
port's refusals, which leave the class marked with the reason."""
import logging
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402
from migrate.hookcode.convert import convert_hook_text  # noqa: E402
from migrate.tables import loop_name  # noqa: E402

EPOCH_LEN = 8            # the toy training set: 64 samples, 8 a batch
NAN_AT = 5               # the 6th training forward's loss is NaN
RUNNERS = ('NanSkipEpochBasedRunner', 'EpochAwareEpochBasedRunner', 'ProgressIterBasedRunner')
MESSAGES = ('non-finite', 'epoch %d done', 'iteration %d of')


@pytest.fixture
def registries():
    """compat's RUNNERS and the engine's LOOPS as they were, after the test."""
    import engine.runner  # noqa: F401  (its loops registered before the snapshot)
    from compat.runner import RUNNERS as LEGACY_RUNNERS
    from engine.registry import LOOPS
    saved = [(r, dict(r._modules)) for r in (LEGACY_RUNNERS, LOOPS)]
    yield
    for registry, before in saved:
        registry._modules.clear()
        registry._modules.update(before)


def _free_names():
    from compat.runner import RUNNERS as LEGACY_RUNNERS
    from engine.registry import LOOPS
    for name in RUNNERS:
        LEGACY_RUNNERS._modules.pop(name, None)
        LOOPS._modules.pop(loop_name(name), None)


def _load(stem, converted_path=None):
    """The legacy fixture module and its engine conversion, their names free to register."""
    _free_names()
    return sbs.load_legacy(stem), sbs.load_converted(stem, converted_path)


class Probe:
    """What one run did: the loss of each training forward (the one at ``nan_at`` made NaN),
    the weights after each training iteration, the epochs told to the training set, the
    messages the extras logged."""

    def __init__(self, monkeypatch, nan_at=None):
        from compat.testing.legacy_toy import LegacyToyClassifier, LegacyToyDataset
        self.losses, self.weights, self.epochs, self.logged = [], [], [], []
        self.evaluations = 0
        self.model = None
        forward = LegacyToyClassifier.forward
        evaluate = LegacyToyDataset.evaluate
        probe = self

        def patched(model, img, gt_label=None, img_metas=None, return_loss=True, **kwargs):
            out = forward(model, img, gt_label, img_metas, return_loss, **kwargs)
            if return_loss and model.training:
                if len(probe.losses) == nan_at:
                    out['loss_cls'] = out['loss_cls'] * float('nan')
                probe.losses.append(float(out['loss_cls'].detach()))
                probe.model = model
            return out

        def log(method):
            original = getattr(logging.Logger, method)

            def record(logger, msg, *args, **kwargs):
                if isinstance(msg, str) and msg.startswith(MESSAGES):
                    probe.logged.append((method, msg % args))
                return original(logger, msg, *args, **kwargs)
            return record

        def evaluated(dataset, *args, **kwargs):
            self.evaluations += 1
            return evaluate(dataset, *args, **kwargs)

        monkeypatch.setattr(LegacyToyClassifier, 'forward', patched)
        monkeypatch.setattr(LegacyToyDataset, 'evaluate', evaluated)
        monkeypatch.setattr(LegacyToyDataset, 'set_epoch', lambda ds, e: self.epochs.append(e),
                            raising=False)
        for method in ('info', 'warning'):
            monkeypatch.setattr(logging.Logger, method, log(method))

    def legacy_hook(self):
        from compat.runner import Hook

        probe = self

        class LegacyWeights(Hook):
            def after_train_iter(self, runner):
                probe.weights.append(sbs.weights(runner.model))
        return LegacyWeights(), 'LOWEST'

    def engine_hook(self):
        from engine.hooks import Hook

        probe = self

        class EngineWeights(Hook):
            def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
                probe.weights.append(sbs.weights(runner.model))
        return EngineWeights()


def _run(run, tmp_path, runner_type, length_key, monkeypatch, nan_at=None):
    """(legacy probe, engine probe): ``run`` trained with the legacy ``runner_type`` on compat
    and with the loop it was ported to on the engine."""
    legacy = Probe(monkeypatch, nan_at)
    legacy_error = engine_error = None
    try:
        sbs.run_legacy(run, str(tmp_path / 'legacy'), [legacy.legacy_hook()],
                       edit=lambda cfg: cfg['runner'].update(type=runner_type))
    except RuntimeError as e:
        legacy_error = e
    monkeypatch.undo()   # the engine run's probe patches the originals
    engine = Probe(monkeypatch, nan_at)

    def select_loop(cfg):
        assert cfg['train_cfg']['type'] == ('EpochBasedTrainLoop' if length_key == 'max_epochs'
                                            else 'IterBasedTrainLoop')
        cfg['train_cfg']['type'] = loop_name(runner_type)
    try:
        sbs.run_converted(run, str(tmp_path / 'engine'), [engine.engine_hook()], EPOCH_LEN,
                          edit=select_loop)
    except RuntimeError as e:
        engine_error = e
    return legacy, engine, legacy_error, engine_error


def _same_each_iteration(legacy, engine, iterations):
    assert len(legacy.losses) == iterations
    assert list(map(repr, engine.losses)) == list(map(repr, legacy.losses))   # nan == nan
    assert len(engine.weights) == len(legacy.weights)
    for old, new in zip(legacy.weights, engine.weights):
        sbs.assert_same_weights(old, new)


# -- side by side ---------------------------------------------------------------------------------
def test_nan_zeroing_raises_at_the_same_iteration(tmp_path, monkeypatch, registries,
                                                  converted_path=None):
    """runner_subclass.py: ``loss.new_zeros(())`` has no grad_fn, so on MMCV the
    OptimizerHook's backward() raises at the NaN iteration; the port edits the loss before
    ``update_params`` and raises there too, with the same weights."""
    _load('runner_subclass', converted_path)
    legacy, engine, legacy_error, engine_error = _run(
        'toy_sgd_step_gradclip_3e', tmp_path, 'NanSkipEpochBasedRunner', 'max_epochs',
        monkeypatch, nan_at=NAN_AT)
    for error in (legacy_error, engine_error):
        assert error is not None and 'does not require grad' in str(error)
    assert len(legacy.weights) == NAN_AT   # the iterations before the NaN one finished
    _same_each_iteration(legacy, engine, NAN_AT + 1)
    assert legacy.logged == engine.logged == [('warning', 'non-finite loss, update skipped')]
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(engine.model))


def test_epoch_extras_and_nan_skip(tmp_path, monkeypatch, registries, converted_path=None):
    """runner_subclass_extras.py, the epoch runner: the epoch told to the training set before
    each epoch, the message after it, the NaN iteration updating nothing."""
    _load('runner_subclass_extras', converted_path)
    legacy, engine, legacy_error, engine_error = _run(
        'toy_sgd_step_gradclip_3e', tmp_path, 'EpochAwareEpochBasedRunner', 'max_epochs',
        monkeypatch, nan_at=NAN_AT)
    assert legacy_error is None and engine_error is None
    _same_each_iteration(legacy, engine, 3 * EPOCH_LEN)
    assert legacy.epochs == engine.epochs == [0, 1, 2]
    assert legacy.evaluations == engine.evaluations == 3
    assert legacy.logged == engine.logged == [
        ('warning', 'non-finite loss at iteration 5: no update'),
        ('info', 'epoch 1 done at iteration 8'), ('info', 'epoch 2 done at iteration 16'),
        ('info', 'epoch 3 done at iteration 24')]
    skipped = legacy.weights[NAN_AT]
    sbs.assert_same_weights(legacy.weights[NAN_AT - 1], skipped)   # nothing stepped
    assert not any(torch.isnan(v).any() for v in legacy.weights[-1].values())
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(engine.model))


def test_iter_runner_extras(tmp_path, monkeypatch, registries, converted_path=None):
    """runner_subclass_extras.py, the iteration runner: the progress message after every
    fourth iteration, the same weights after each. Validation differs as MIG010 reports: the
    MMDet-style flow made evaluation by-epoch for any runner type but 'IterBasedRunner', which
    never fires under an iteration runner; the converted run validates at 10, 20, 30, 35, 40."""
    _load('runner_subclass_extras', converted_path)
    legacy, engine, legacy_error, engine_error = _run(
        'toy_iter_runner_eval', tmp_path, 'ProgressIterBasedRunner', 'max_iters', monkeypatch)
    assert legacy_error is None and engine_error is None
    _same_each_iteration(legacy, engine, 40)
    assert legacy.logged == engine.logged == [('info', f'iteration {i} of 40')
                                              for i in range(4, 41, 4)]
    assert (legacy.evaluations, engine.evaluations) == (0, 5)


# -- the port's shapes ----------------------------------------------------------------------------
def _convert(text, target='engine'):
    out = convert_hook_text(text, target)
    return out.text_out, [(f.rule, f.severity, f.key) for f in out.findings], out.findings


HEAD = 'from mmcv.runner import RUNNERS, EpochBasedRunner\n\n\n'


def test_loop_name():
    assert loop_name('NanSkipEpochBasedRunner') == 'NanSkipEpochBasedTrainLoop'
    assert loop_name('EpochBasedRunnerAmp') == 'EpochBasedTrainLoopAmp'
    assert loop_name('MyLoopish') == 'MyLoopishTrainLoop'


@pytest.mark.parametrize('method, why', [
    ('    def save_checkpoint(self, out_dir, **kwargs):\n'
     '        super().save_checkpoint(out_dir, **kwargs)\n', 'before_save_checkpoint'),
    ('    def train(self, data_loader, **kwargs):\n'
     '        for i, data_batch in enumerate(data_loader):\n'
     '            self.run_iter(data_batch, train_mode=True)\n',
     'does not call super().train(...) once'),
    ('    def train(self, data_loader, **kwargs):\n'
     '        self.log_buffer.clear()\n'
     '        super().train(data_loader, **kwargs)\n', 'uses self.log_buffer'),
    ('    def run_iter(self, data_batch, train_mode, **kwargs):\n'
     '        kwargs.update(epoch=self.epoch)\n'
     '        super().run_iter(data_batch, train_mode, **kwargs)\n', 'uses its **kwargs'),
    ('    def run_iter(self, data_batch, train_mode, **kwargs):\n'
     '        if self.epoch < 1:\n'
     '            return\n'
     '        super().run_iter(data_batch, train_mode, **kwargs)\n', 'returns early'),
    ('    def run_iter(self, data_batch, train_mode, **kwargs):\n'
     '        super().run_iter(data_batch, train_mode, **kwargs)\n'
     "        self.seen += self.outputs['num_samples']\n", "outputs['num_samples']"),
    ('    def __init__(self, *args, extra=None, **kwargs):\n'
     '        super().__init__(*args, **kwargs)\n', 'loop arguments'),
])
def test_what_does_not_port_stays_marked(method, why):
    text = HEAD + '@RUNNERS.register_module()\nclass MyRunner(EpochBasedRunner):\n\n' + method
    out, found, findings = _convert(text)
    assert ('HK010', 'manual', 'MyRunner') in found
    assert why in findings[0].message and "as 'MyTrainLoop'" in findings[0].message
    assert 'class MyRunner(EpochBasedRunner):' in out and '# migrate[HK010]: MyRunner' in out
    assert 'from mmcv.runner import RUNNERS, EpochBasedRunner' in out


def test_an_iteration_runner_reading_its_epoch_stays_marked():
    text = ('from mmcv.runner import IterBasedRunner\n\n\n'
            'class EpochLoggingRunner(IterBasedRunner):\n\n'
            '    def train(self, data_loader, **kwargs):\n'
            '        super().train(data_loader, **kwargs)\n'
            '        self.logger.info(self.epoch)\n')
    out, found, findings = _convert(text)
    assert found[0] == ('HK010', 'manual', 'EpochLoggingRunner')
    assert 'train uses self.epoch' in findings[0].message
    assert 'class EpochLoggingRunner(IterBasedRunner):' in out


def test_registration_name_and_a_runner_built_on_a_ported_one():
    text = HEAD + ("@RUNNERS.register_module(name='Base')\n"
                   'class BaseRunnerX(EpochBasedRunner):\n'
                   '    """kept"""\n\n'
                   '    def train(self, data_loader, **kwargs):\n'
                   '        super(BaseRunnerX, self).train(data_loader, **kwargs)\n'
                   '        self.logger.info(self.optimizer)\n\n\n'
                   'class Derived(BaseRunnerX):\n'
                   '    pass\n')
    out, found, _ = _convert(text, 'mmengine')
    assert "@LOOPS.register_module(name='BaseTrainLoop')\nclass BaseTrainLoopX(" \
           'EpochBasedTrainLoop):\n    """kept"""' in out
    assert 'self.runner.logger.info(self.runner.optim_wrapper.optimizer)' in out
    assert '@LOOPS.register_module()\nclass DerivedTrainLoop(BaseTrainLoopX):\n    pass' in out
    assert 'from mmengine.runner import EpochBasedTrainLoop\n' in out
    assert 'mmcv' not in out and 'is_model_wrapper' not in out
    assert ('HK010', 'note', 'Derived') in found


def test_unguarded_run_iter_code_names_the_val_phase():
    text = HEAD + ('class CountingRunner(EpochBasedRunner):\n\n'
                   '    def run_iter(self, data_batch, train_mode, **kwargs):\n'
                   '        super().run_iter(data_batch, train_mode, **kwargs)\n'
                   '        self.logger.info(train_mode)\n')
    out, found, findings = _convert(text)
    assert ('HK010', 'approximation', 'CountingTrainLoop.run_iter') in found
    assert '        train_mode = True\n' in out
    # nothing edits the outputs: the model's own train_step updates
    assert 'self.runner.model.train_step(' in out and 'update_params' not in out



# -- on the real MMEngine -------------------------------------------------------------------------
def _mmengine_runs():
    """What each ported loop did under MMEngine 0.10.7's own Runner
    (scripts/oracle/hookcode_port_runner_subclass.py, in the binding golden): a toy model whose
    training forward at iteration 5 gives a NaN loss (epoch loops)."""
    import json
    path = os.path.join(sbs.ROOT, 'fixtures', 'goldens', 'hookcode_mmengine_binding.json')
    with open(path, encoding='utf-8') as f:
        modules = json.load(f)['modules']
    return {cls: info for name in ('runner_subclass.py', 'runner_subclass_extras.py')
            for cls, info in modules[name]['classes'].items()}


def test_mmengine_runs_the_ports_as_the_legacy_runners_ran():
    runs = _mmengine_runs()
    assert sorted(runs) == sorted(loop_name(r) for r in RUNNERS)
    for cls, info in runs.items():
        assert info['loop'] and info['loop_registered'], cls
    nan_skip = runs['NanSkipEpochBasedTrainLoop']['loop_run']
    assert 'does not require grad' in nan_skip['error']
    assert [r['stepped'] for r in nan_skip['iterations']] == [True] * NAN_AT
    assert nan_skip['logged'] == [['warning', 'non-finite loss, update skipped']]
    aware = runs['EpochAwareEpochBasedTrainLoop']['loop_run']
    assert aware['error'] is None and aware['epochs_told'] == [0, 1, 2]
    assert [r['iter'] for r in aware['iterations'] if not r['stepped']] == [NAN_AT]
    assert aware['iterations'][NAN_AT]['loss'] == 'nan'
    assert aware['logged'] == [['info', 'epoch 1 done at iteration 4'],
                               ['warning', 'non-finite loss at iteration 5: no update'],
                               ['info', 'epoch 2 done at iteration 8'],
                               ['info', 'epoch 3 done at iteration 12']]
    progress = runs['ProgressIterBasedTrainLoop']['loop_run']
    assert progress['error'] is None and len(progress['iterations']) == 12
    assert progress['logged'] == [['info', f'iteration {i} of 12'] for i in (4, 8, 12)]


class _ToySet(torch.utils.data.Dataset):
    """The oracle script's toy data (8 samples, features 4, targets 2), told its epochs."""

    def __init__(self):
        g = torch.Generator().manual_seed(1)
        self.x = torch.randn(8, 4, generator=g)
        self.y = torch.randn(8, 2, generator=g)
        self.epochs = []

    def set_epoch(self, epoch):
        self.epochs.append(epoch)

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return dict(inputs=self.x[i], targets=self.y[i])


def _engine_run(loop, iter_based, monkeypatch, tmp_path):
    """The oracle script's scenario with the engine conversion on our engine's Runner."""
    from engine.hooks import Hook
    from engine.model import BaseModel
    from engine.registry import MODELS
    from engine.runner import Runner

    class ToyModel(BaseModel):
        def __init__(self, nan_at):
            super().__init__()
            self.nan_at = nan_at
            torch.manual_seed(0)
            self.fc = torch.nn.Linear(4, 2)
            self.forwards = 0

        def forward(self, inputs, targets=None, mode='tensor'):
            out = self.fc(inputs)
            if mode != 'loss':
                return out
            loss = (out - targets).pow(2).mean()
            if self.forwards == self.nan_at:
                loss = loss * float('nan')
            self.forwards += 1
            return {'loss': loss}

    rows, logged = [], []

    class Record(Hook):
        def before_train_iter(self, runner, batch_idx, data_batch=None):
            self.before = [p.detach().clone() for p in runner.model.parameters()]

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            stepped = any(not torch.equal(a, p)
                          for a, p in zip(self.before, runner.model.parameters()))
            rows.append({'iter': runner.iter, 'loss': repr(float(outputs['loss'].detach())),
                         'stepped': stepped})

    for method in ('info', 'warning'):
        original = getattr(logging.Logger, method)

        def record(logger, msg, *args, _method=method, _original=original, **kwargs):
            if isinstance(msg, str) and msg.startswith(MESSAGES):
                logged.append([_method, msg % args])
            return _original(logger, msg, *args, **kwargs)
        monkeypatch.setattr(logging.Logger, method, record)
    monkeypatch.setitem(MODELS._modules, 'HK010ToyModel', ToyModel)
    length = dict(max_iters=12) if iter_based else dict(max_epochs=3)
    runner = Runner.from_cfg(dict(
        model=dict(type='HK010ToyModel', nan_at=None if iter_based else NAN_AT),
        work_dir=str(tmp_path / loop),
        train_dataloader=dict(dataset=_ToySet(), batch_size=2,
                              sampler=dict(type='DefaultSampler', shuffle=False),
                              collate_fn=dict(type='default_collate')),
        train_cfg=dict(type=loop, **length),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
        custom_hooks=[Record()], default_hooks=dict(checkpoint=None), randomness=dict(seed=0)))
    error = None
    try:
        runner.train()
    except RuntimeError as e:
        error = f'{type(e).__name__}: {e}'
    weights = {k: [round(v, 6) for v in t.flatten().tolist()]
               for k, t in runner.model.state_dict().items()}
    return {'train_cfg': dict(type=loop, **length), 'iterations': rows,
            'epochs_told': runner.train_loop.dataloader.dataset.epochs, 'logged': logged,
            'error': error, 'weights': weights}


def test_engine_runs_the_ports_as_mmengine_does(tmp_path, monkeypatch, registries):
    """The engine conversions in the oracle's scenario give MMEngine's record exactly: the
    same loss and update at each iteration, epochs told, messages, error and weights."""
    _free_names()
    for stem in ('runner_subclass', 'runner_subclass_extras'):
        sbs.load_converted(stem)
    for loop, info in _mmengine_runs().items():
        iter_based = 'max_iters' in info['loop_run']['train_cfg']
        assert _engine_run(loop, iter_based, monkeypatch, tmp_path) == info['loop_run'], loop
