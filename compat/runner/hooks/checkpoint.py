"""MMCV 1.7.2's ``CheckpointHook``: periodic saves, ``save_last``, ``max_keep_ckpts`` pruning."""
from __future__ import annotations

import os
import os.path as osp
from typing import Optional

from compat.runner.dist_utils import allreduce_params
from compat.runner.hooks.hook import HOOKS, Hook
from compat.runner.hooks.local_disk import BACKEND_NAME, check_local_disk, join_work_dir_basename
from engine.dist import master_only


@HOOKS.register_module()
class CheckpointHook(Hook):
    """Save a checkpoint every ``interval`` epochs (``by_epoch``) or iterations.

    ``out_dir`` (default: the work dir) is joined with the work dir's basename when it differs
    from the work dir; extra ``kwargs`` (``filename_tmpl``, ``create_symlink``...) go to
    ``runner.save_checkpoint``. ``max_keep_ckpts > 0`` deletes older ones as MMCV does: walking
    back ``interval`` steps from the oldest one to drop, stopping at the first missing file.
    """

    def __init__(self, interval: int = -1, by_epoch: bool = True, save_optimizer: bool = True,
                 out_dir: Optional[str] = None, max_keep_ckpts: int = -1,
                 save_last: bool = True, sync_buffer: bool = False,
                 file_client_args: Optional[dict] = None, **kwargs):
        check_local_disk('CheckpointHook', file_client_args, out_dir)
        self.interval = interval
        self.by_epoch = by_epoch
        self.save_optimizer = save_optimizer
        self.out_dir = out_dir
        self.max_keep_ckpts = max_keep_ckpts
        self.save_last = save_last
        self.args = kwargs
        self.sync_buffer = sync_buffer
        self.file_client_args = file_client_args

    def before_run(self, runner) -> None:
        if not self.out_dir:
            self.out_dir = runner.work_dir
        if self.out_dir != runner.work_dir:
            self.out_dir = join_work_dir_basename(self.out_dir, runner.work_dir)
        runner.logger.info(f'Checkpoints will be saved to {self.out_dir} by {BACKEND_NAME}.')
        # the local disk allows symlinks, so MMCV's default (allow_symlink) is True here
        self.args.setdefault('create_symlink', True)

    def after_train_epoch(self, runner) -> None:
        if not self.by_epoch:
            return
        if self.every_n_epochs(runner, self.interval) or (
                self.save_last and self.is_last_epoch(runner)):
            runner.logger.info(f'Saving checkpoint at {runner.epoch + 1} epochs')
            self._sync_and_save(runner)

    def after_train_iter(self, runner) -> None:
        if self.by_epoch:
            return
        if self.every_n_iters(runner, self.interval) or (
                self.save_last and self.is_last_iter(runner)):
            runner.logger.info(f'Saving checkpoint at {runner.iter + 1} iterations')
            self._sync_and_save(runner)

    def _sync_and_save(self, runner) -> None:
        if self.sync_buffer:
            allreduce_params(runner.model.buffers())
        self._save_checkpoint(runner)

    @master_only
    def _save_checkpoint(self, runner) -> None:
        """Save the current checkpoint, record it in ``hook_msgs`` and prune old ones."""
        runner.save_checkpoint(self.out_dir, save_optimizer=self.save_optimizer, **self.args)
        step = runner.epoch + 1 if self.by_epoch else runner.iter + 1
        default_tmpl = 'epoch_{}.pth' if self.by_epoch else 'iter_{}.pth'
        filename_tmpl = self.args.get('filename_tmpl', default_tmpl)
        if runner.meta is not None:
            runner.meta.setdefault('hook_msgs', dict())
            runner.meta['hook_msgs']['last_ckpt'] = osp.join(self.out_dir,
                                                             filename_tmpl.format(step))
        if self.max_keep_ckpts > 0:
            oldest_dropped = step - self.max_keep_ckpts * self.interval
            for old_step in range(oldest_dropped, 0, -self.interval):
                path = osp.join(self.out_dir, filename_tmpl.format(old_step))
                if not osp.isfile(path):
                    break  # MMCV stops at the first gap, leaving any older file in place
                os.remove(path)
