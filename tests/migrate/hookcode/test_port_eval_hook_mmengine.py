"""HK009's ports on the real MMEngine 0.10.7: the ``--target mmengine`` RecordBestEvalHook, built
from ``custom_hooks`` as ``dict(type='RecordBestEvalHook', **evaluation)`` by MMEngine's own
Runner and run with its checkpoint hook (recorded by
scripts/oracle/hookcode_port_eval_hook.py into fixtures/goldens/hookcode_mmengine_binding.json),
records the same best epoch, best score and best checkpoint after each validation as the legacy
hook on compat given the same scores (50, 75, 75 from epoch 2 on)."""
import hashlib
import json
import os
import sys
import types

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402
from _hook_cases import CONVERTED, ROOT  # noqa: E402

GOLDEN = os.path.join(ROOT, 'fixtures', 'goldens', 'hookcode_mmengine_binding.json')
SCORES = (50.0, 75.0, 75.0)   # as the oracle script's metric gives them


def _mmengine_run(module='custom_eval_hook.py', cls='RecordBestEvalHook'):
    with open(GOLDEN, encoding='utf-8') as f:
        entry = json.load(f)['modules'][module]
    with open(os.path.join(CONVERTED, 'mmengine', module), 'rb') as f:
        assert entry['sha256'] == hashlib.sha256(f.read()).hexdigest(), \
            'record again: .oracle/mmengine/bin/python ' \
            'scripts/oracle/record_hookcode_mmengine_binding.py'
    run = entry['classes'][cls]['eval_port_run']
    assert isinstance(run, dict), run   # a string is the error the oracle run hit
    return run


@pytest.fixture
def mmdet_core(monkeypatch):
    from compat.runner.hooks import DistEvalHook, EvalHook
    core = types.ModuleType('mmdet.core')
    core.EvalHook, core.DistEvalHook = EvalHook, DistEvalHook
    package = types.ModuleType('mmdet')
    package.core = core
    monkeypatch.setitem(sys.modules, 'mmdet', package)
    monkeypatch.setitem(sys.modules, 'mmdet.core', core)


def _legacy_records(tmp_path, monkeypatch):
    import compat.apis.train as legacy_train
    from compat.testing.legacy_toy import LegacyToyDataset
    legacy_cls = sbs.load_legacy('custom_eval_hook').RecordBestEvalHook
    scores = list(SCORES)

    def evaluate(self, results, metric='accuracy', logger=None, **kwargs):
        return {'accuracy': scores.pop(0)}

    class LegacyRec(legacy_cls):
        seen = []

        def _do_evaluate(self, runner):
            super()._do_evaluate(runner)
            msgs = runner.meta['hook_msgs']
            self.seen.append({'epoch': runner.epoch + 1,
                              'metrics': {'accuracy': runner.log_buffer.output['accuracy']},
                              'best_epoch': msgs.get('best_epoch'),
                              'best_score': msgs.get('best_score'),
                              'best_ckpt': os.path.basename(msgs['best_ckpt'])})

    monkeypatch.setattr(LegacyToyDataset, 'evaluate', evaluate)
    monkeypatch.setattr(legacy_train, 'EvalHook', LegacyRec)
    sbs.run_legacy('toy_eval_savebest_start', str(tmp_path), [])
    return LegacyRec.seen


def test_ported_hook_on_mmengine_records_what_the_legacy_hook_recorded(tmp_path, monkeypatch,
                                                                        mmdet_core):
    run = _mmengine_run()
    assert run['registered_priority'] == 'LOWEST'
    # it ran after MMEngine's checkpoint hook had saved the best checkpoint, as the legacy
    # code ran after _save_ckpt
    assert all(v.pop('after_checkpoint_hook') for v in run['validations'])
    # the only runtime information it set is the best epoch, at every validation
    assert [v.pop('set_by_hook') for v in run['validations']] == \
        [{'best_epoch': e} for e in (2, 3, 4)]
    legacy = _legacy_records(tmp_path, monkeypatch)
    assert [v['epoch'] for v in legacy] == [2, 3, 4]
    assert [v['best_ckpt'] for v in legacy] == ['best_accuracy_epoch_2.pth'] + \
        ['best_accuracy_epoch_3.pth'] * 2
    # MMEngine's runner.epoch after validation counts the finished epoch: the legacy side
    # records runner.epoch + 1 above
    assert run['validations'] == legacy


@pytest.mark.parametrize('cls', ['EvalCountHook', 'DistEvalCountHook'])
def test_ported_count_hooks_on_mmengine(cls):
    # fixtures/legacy_hooks/eval_hook_shapes.py on MMEngine's Runner (2 iterations an epoch,
    # 4 val samples): runner.iter after the val loop is the iterations run so far, what MMCV's
    # runner.iter was in after_train_epoch (the compat side by side shows the same on a 4-epoch
    # toy run); eval_samples is set once (the same value afterwards)
    run = _mmengine_run('eval_hook_shapes.py', cls)
    assert run['registered_priority'] == 'LOWEST'
    assert [(v['epoch'], v['set_by_hook']) for v in run['validations']] == \
        [(2, {'eval_samples': 4, 'last_eval_iter': 4}), (3, {'last_eval_iter': 6}),
         (4, {'last_eval_iter': 8})]
