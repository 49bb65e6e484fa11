"""HK009's port of an EvalHook subclass, side by side: ``fixtures/legacy_hooks/
custom_eval_hook.py``'s RecordBestEvalHook on the compat runtime (built by MMDet 2.x's train
flow in place of EvalHook, as a fork's patched ``train_detector`` did) beside its conversion
(``fixtures/converted_hooks/engine/custom_eval_hook.py``) on the engine, with the converted
``toy_eval_savebest_start`` run (val loop, val evaluator, checkpoint hook's save_best) and the
ported hook in ``custom_hooks`` as ``dict(type='RecordBestEvalHook', **evaluation)``.

The fixture imports ``mmdet.core``'s hooks; the legacy side gets compat's (MMCV's) EvalHook
under that name: the class overrides ``_do_evaluate`` whole, and what it inherits from MMDet's
EvalHook (the interval and start checks, evaluate, _save_ckpt) is MMCV's code when no
``dynamic_intervals`` is set, as here.
"""
import os
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


def _record_best_pair(tmp_path, monkeypatch, converted_path=None):
    import compat.apis.train as legacy_train
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

    # MMDet 2.x's train flow builds the eval hook by name: a fork put its own there
    monkeypatch.setattr(legacy_train, 'EvalHook', LegacyRec)
    legacy = sbs.run_legacy(RUN, str(tmp_path / 'legacy'), [])
    evaluation = sbs.legacy_view(RUN)['evaluation']
    converted = sbs.run_converted(RUN, str(tmp_path / 'engine'), [NewRec(**evaluation)],
                                  EPOCH_LEN)
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
