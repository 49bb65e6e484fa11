"""HK006 side by side: a legacy hook whose before_run snapshots the weights, started from a
checkpoint (load_from), on compat (MMCV: the train script loads before runner.run() calls
before_run) and converted on the engine (before_run comes before load_from; the conversion
moved the code to before_train): both snapshots are the checkpoint's weights. Left in
before_run, the engine's snapshot would be the initial weights."""
import glob
import os

import torch

import _side_by_side as sbs
from migrate.hookcode.convert import convert_hook_text

RUN = 'toy_sgd_step_gradclip_3e'
EPOCH_LEN = 4

LEGACY = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class WeightSnapshotHook(Hook):

    def before_run(self, runner):
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        self.snapshot = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
'''


def _modules(tmp_path):
    legacy_path = tmp_path / 'snapshot_hook.py'
    legacy_path.write_text(LEGACY)
    converted = convert_hook_text(LEGACY, 'engine').text_out
    assert 'def before_train(self, runner):' in converted
    converted_path = tmp_path / 'snapshot_hook_engine.py'
    converted_path.write_text(converted)
    unmoved_path = tmp_path / 'snapshot_hook_unmoved.py'
    unmoved_path.write_text(converted.replace('def before_train(', 'def before_run('))
    import compat
    installed = compat.is_mmcv_alias_installed()
    compat.install_mmcv_alias()
    try:
        legacy = sbs._exec_module(str(legacy_path), '_legacy_snapshot_hook')
    finally:
        if not installed:
            compat.uninstall_mmcv_alias()
    return (legacy.WeightSnapshotHook,
            sbs._exec_module(str(converted_path), '_converted_snapshot_hook').WeightSnapshotHook,
            sbs._exec_module(str(unmoved_path), '_unmoved_snapshot_hook').WeightSnapshotHook)


def _keys(snapshot):
    """The legacy model's own names (the engine's adapter adds no weights of its own)."""
    return {k.split('module.', 1)[-1]: v for k, v in snapshot.items()}


def test_before_run_snapshot_after_load_from(tmp_path):
    legacy_cls, converted_cls, unmoved_cls = _modules(tmp_path)
    first = sbs.run_legacy(RUN, str(tmp_path / 'first'), [(legacy_cls(), 'NORMAL')])
    checkpoint = sorted(glob.glob(os.path.join(str(tmp_path / 'first'), 'epoch_*.pth')))[-1]
    loaded = _keys(torch.load(checkpoint, map_location='cpu')['state_dict'])
    initial = _keys(sbs.hook_of(first, legacy_cls).snapshot)

    def load(cfg):
        cfg['load_from'] = checkpoint

    legacy = sbs.run_legacy(RUN, str(tmp_path / 'legacy'), [(legacy_cls(), 'NORMAL')],
                            edit=load)
    converted = sbs.run_converted(RUN, str(tmp_path / 'engine'), [converted_cls()], EPOCH_LEN,
                                  load_from=checkpoint)
    unmoved = sbs.run_converted(RUN, str(tmp_path / 'unmoved'), [unmoved_cls()], EPOCH_LEN,
                                load_from=checkpoint)
    legacy_seen = _keys(sbs.hook_of(legacy, legacy_cls).snapshot)
    sbs.assert_same_weights(legacy_seen, loaded)
    sbs.assert_same_weights(_keys(sbs.hook_of(converted, converted_cls).snapshot), legacy_seen)
    # the same code left in before_run sees the weights before load_from
    unmoved_seen = _keys(sbs.hook_of(unmoved, unmoved_cls).snapshot)
    assert sorted(unmoved_seen) == sorted(loaded)
    assert any(not bool((unmoved_seen[k] == loaded[k]).all()) for k in loaded
               if loaded[k].is_floating_point())
    sbs.assert_same_weights(unmoved_seen, initial)
