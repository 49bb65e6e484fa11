"""HK009's port of an EvalHook subclass, side by side: ``fixtures/legacy_hooks/
custom_eval_hook.py``'s RecordBestEvalHook on the compat runtime beside its conversion
(``fixtures/converted_hooks/engine/custom_eval_hook.py``) on the engine.

The run is ``toy_eval_savebest_start`` with ``evaluation.type='RecordBestEvalHook'``, the way a
fork selected its eval hook: its patched train flow built the hook named there with the other
``evaluation`` keys (emulated on compat by replacing the flow's EvalHook). Converted, the same
file becomes the val loop, the val evaluator, the checkpoint hook's save_best and
``custom_hooks=[dict(type='RecordBestEvalHook', **evaluation)]`` (MIG020), which builds the
ported class (registered under its name, as the converted module registers it).

The fixture imports ``mmdet.core``'s hooks; the legacy side gets compat's (MMCV's) EvalHook
under that name: the class overrides ``_do_evaluate`` whole, and what it inherits from MMDet's
EvalHook (the interval and start checks, evaluate, _save_ckpt) is MMCV's code when no
``dynamic_intervals`` is set, as here.
"""
import os
import shutil
import sys
import types

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402

EPOCH_LEN = 8
RUN = 'toy_eval_savebest_start'   # 4 epochs, evaluation from epoch 2, best by accuracy


@pytest.fixture
def mmdet_core(monkeypatch):
    from compat.runner.hooks import DistEvalHook, EvalHook
    core = types.ModuleType('mmdet.core')
    core.EvalHook, core.DistEvalHook = EvalHook, DistEvalHook
    package = types.ModuleType('mmdet')
    package.core = core
    monkeypatch.setitem(sys.modules, 'mmdet', package)
    monkeypatch.setitem(sys.modules, 'mmdet.core', core)


def _info(hub_or_msgs, key):
    value = hub_or_msgs.get(key) if isinstance(hub_or_msgs, dict) else \
        hub_or_msgs.get_info(key)
    return os.path.basename(value) if key == 'best_ckpt' and value else value


def _runs_with_hook_type(tmp_path, hook):
    """A copy of the legacy-run fixtures plus RUN with ``evaluation.type`` set."""
    runs = tmp_path / 'runs'
    shutil.copytree(sbs.RUNS, runs)
    (runs / f'{RUN}_type.py').write_text(
        f"_base_ = ['./{RUN}.py']\nevaluation = dict(type='{hook}')\n")
    return str(runs)


def _pair_by_type(tmp_path, monkeypatch, name, legacy_cls, new_cls):
    """Both runs of RUN with evaluation.type=name: ``legacy_cls`` built by the fork's train
    flow on compat, ``new_cls`` built from the converted config's custom_hooks on the engine."""
    import compat.apis.train as legacy_train
    from engine.registry import HOOKS

    def fork_eval_hook(dataloader, type, **evaluation):
        # a fork's train flow: the hook evaluation.type names, the other keys its arguments
        assert type == name
        return legacy_cls(dataloader, **evaluation)

    monkeypatch.setattr(sbs, 'RUNS', _runs_with_hook_type(tmp_path, name))
    monkeypatch.setattr(legacy_train, 'EvalHook', fork_eval_hook)
    legacy = sbs.run_legacy(f'{RUN}_type', str(tmp_path / 'legacy'), [])
    # the converted module's registration, as custom_imports would make it
    monkeypatch.setitem(HOOKS._modules, name, new_cls)
    converted = sbs.run_converted(f'{RUN}_type', str(tmp_path / 'engine'), [], EPOCH_LEN)
    entry = [h for h in converted.cfg['custom_hooks'] if h['type'] == name]
    evaluation = dict(sbs.legacy_view(f'{RUN}_type')['evaluation'])
    assert entry == [evaluation]   # MIG020: dict(type=<name>, **evaluation)
    return legacy, converted


def _record_best_pair(tmp_path, monkeypatch, converted_path=None):
    legacy_cls = sbs.load_legacy('custom_eval_hook').RecordBestEvalHook
    new_cls = sbs.load_converted('custom_eval_hook', converted_path).RecordBestEvalHook

    class LegacyRec(legacy_cls):
        seen = []

        def _do_evaluate(self, runner):
            super()._do_evaluate(runner)
            msgs = runner.meta['hook_msgs']
            self.seen.append((runner.epoch,
                              {k: runner.log_buffer.output[k] for k in ('accuracy', 'error')},
                              _info(msgs, 'best_epoch'), _info(msgs, 'best_score'),
                              _info(msgs, 'best_ckpt')))

    class NewRec(new_cls):
        seen = []

        def after_val_epoch(self, runner, metrics=None):
            super().after_val_epoch(runner, metrics)
            hub = runner.message_hub
            self.seen.append((runner.epoch, {k: metrics[k] for k in ('accuracy', 'error')},
                              _info(hub, 'best_epoch'), _info(hub, 'best_score'),
                              _info(hub, 'best_ckpt')))

    legacy, converted = _pair_by_type(tmp_path, monkeypatch, 'RecordBestEvalHook', LegacyRec,
                                      NewRec)
    return legacy, converted, LegacyRec.seen, NewRec.seen


def _state(path):
    state = torch.load(path, map_location='cpu', weights_only=False)
    weights = {k[len('module.'):] if k.startswith('module.') else k: v
               for k, v in state['state_dict'].items()}
    return state, weights


def test_record_best_eval_hook(tmp_path, monkeypatch, mmdet_core, converted_path=None):
    legacy, converted, old, new = _record_best_pair(tmp_path, monkeypatch, converted_path)
    # evaluation after epochs 2, 3 and 4 (start=2); the hook records the epoch of every
    # evaluation that gave a score (its assignment sits under the save_best guard, not under
    # "better"), so best_epoch is the last evaluated epoch, not the best one
    assert [row[0] for row in old] == [1, 2, 3]
    assert [row[2] for row in old] == [2, 3, 4]
    assert old[-1][4] == 'best_accuracy_epoch_2.pth'   # accuracy never rose after epoch 2
    # HK009, the documented timeline difference: the code runs in after_val_epoch, after the
    # val loop that follows every after_train_epoch hook, where runner.epoch already counts
    # the finished epoch (the conversion reads runner.epoch - 1); metrics, best epoch, best
    # score and best checkpoint name are the same at each evaluation
    assert [(row[0] - 1,) + row[1:] for row in new] == old
    assert converted.message_hub.get_info('best_epoch') == legacy.meta['hook_msgs'][
        'best_epoch'] == 4
    # the same best checkpoint (weights; MMEngine keeps no optimizer state in it)
    legacy_best = legacy.meta['hook_msgs']['best_ckpt']
    new_best = converted.message_hub.get_info('best_ckpt')
    assert os.path.basename(legacy_best) == os.path.basename(new_best)
    sbs.assert_same_weights(_state(legacy_best)[1], _state(new_best)[1])
    # the epoch checkpoints were saved before that epoch's evaluation on both sides: epoch 4's
    # holds the best epoch recorded after epoch 3, epoch 2's none yet
    for epoch, recorded in ((2, None), (4, 3)):
        old_meta = _state(os.path.join(legacy.work_dir, f'epoch_{epoch}.pth'))[0]['meta']
        new_hub = _state(os.path.join(converted.work_dir, f'epoch_{epoch}.pth'))[0][
            'message_hub']
        assert old_meta['hook_msgs'].get('best_epoch') == recorded
        assert new_hub['runtime_info'].get('best_epoch') == recorded
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- fixtures/legacy_hooks/eval_hook_shapes.py: MMDet's _do_evaluate copied, more after it ------
def _logged(runner, call):
    """``call()``, and what it logged through runner.logger.info."""
    said = []
    runner.logger.info = lambda msg, *a, **k: said.append(msg)
    try:
        call()
    finally:
        del runner.logger.info
    return said


def _eval_count_pair(tmp_path, monkeypatch, converted_path=None):
    legacy_cls = sbs.load_legacy('eval_hook_shapes').EvalCountHook
    new_cls = sbs.load_converted('eval_hook_shapes', converted_path).EvalCountHook

    class LegacyRec(legacy_cls):
        seen = []

        def _do_evaluate(self, runner):
            said = _logged(runner, lambda: super(LegacyRec, self)._do_evaluate(runner))
            msgs = runner.meta['hook_msgs']
            self.seen.append((runner.epoch, msgs['last_eval_iter'], msgs['eval_samples'],
                              msgs.get('best_score'), [m for m in said if 'scored' in m]))

    class NewRec(new_cls):
        seen = []

        def after_val_epoch(self, runner, metrics=None):
            said = _logged(runner, lambda: super(NewRec, self).after_val_epoch(runner, metrics))
            hub = runner.message_hub
            self.seen.append((runner.epoch, hub.get_info('last_eval_iter'),
                              hub.get_info('eval_samples'), hub.get_info('best_score'),
                              [m for m in said if 'scored' in m]))

    legacy, converted = _pair_by_type(tmp_path, monkeypatch, 'EvalCountHook', LegacyRec, NewRec)
    return legacy, converted, LegacyRec.seen, NewRec.seen


def test_eval_count_hook(tmp_path, monkeypatch, converted_path=None):
    legacy, converted, old, new = _eval_count_pair(tmp_path, monkeypatch, converted_path)
    # after epochs 2, 3, 4: the iterations run so far, the val set's size, the log line
    assert [row[:3] for row in old] == [(e, (e + 1) * EPOCH_LEN, 32) for e in (1, 2, 3)]
    assert [row[4] for row in old] == [[f'scored 32 samples after epoch {e}'] for e in (2, 3, 4)]
    # HK009: runner.iter reads the same after the val loop of an epoch-based run (no marker
    # change needed); runner.epoch is one ahead there, as the marker says (the conversion
    # reads runner.epoch - 1: the same log line)
    assert [(row[0] - 1,) + row[1:] for row in new] == old
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))
