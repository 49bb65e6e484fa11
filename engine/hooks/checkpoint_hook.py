"""``CheckpointHook``: periodic checkpoints, the last one, the best one, pruning, publishing."""
from __future__ import annotations

import hashlib
import os
from typing import Dict, List, Optional, Sequence, Union

from engine.hooks.best_checkpoint import BestTracker
from engine.hooks.hook import DATA_BATCH, Hook
from engine.registry import HOOKS
from engine.checkpoint.checkpoint_io import (load_checkpoint_file, remove_stale_partials,
                                         save_checkpoint_file, write_pointer)


@HOOKS.register_module()
class CheckpointHook(Hook):
    """Save ``epoch_{N}.pth`` / ``iter_{N}.pth`` every ``interval`` epochs or iterations.

    Args:
        interval: save period (-1: never, except the last when ``save_last``).
        by_epoch: count epochs (True) or iterations.
        save_optimizer / save_param_scheduler: include those states.
        out_dir: where to write (default: the work dir).
        max_keep_ckpts: keep only the newest N periodic checkpoints (-1: all).
        save_last: always save after the last epoch/iteration.
        filename_tmpl: e.g. ``'epoch_{}.pth'``.
        save_begin: first epoch/iteration that may be saved.
        save_best: metric name(s) or ``'auto'``: keep ``best_<key>_epoch_N.pth`` (weights and
            message hub only), replacing the previous best when the metric improves.
        rule: ``'greater'``/``'less'`` (inferred from ``greater_keys``/``less_keys``).
        published_keys: after training, write ``<ckpt>-<sha256[:8]>.pth`` copies of the last
            and best checkpoints holding only these keys.

    Example: ``interval=2, max_keep_ckpts=1`` over 5 epochs leaves ``epoch_5.pth`` only
    (epoch 2 and 4 were removed when newer ones arrived).
    """

    priority = 'VERY_LOW'

    def __init__(self, interval: int = -1, by_epoch: bool = True, save_optimizer: bool = True,
                 save_param_scheduler: bool = True, out_dir: Optional[str] = None,
                 max_keep_ckpts: int = -1, save_last: bool = True,
                 filename_tmpl: Optional[str] = None, save_begin: int = 0,
                 save_best: Union[str, List[str], None] = None,
                 rule: Union[str, List[str], None] = None,
                 greater_keys: Optional[Sequence[str]] = None,
                 less_keys: Optional[Sequence[str]] = None,
                 file_client_args: Optional[dict] = None, backend_args: Optional[dict] = None,
                 published_keys: Union[str, List[str], None] = None, **kwargs):
        if 'create_symlink' in kwargs:
            raise ValueError('CheckpointHook create_symlink is an MMCV 1.x option; MMEngine '
                             'writes work_dir/last_checkpoint instead: remove it')
        if kwargs:
            raise ValueError(f'CheckpointHook got unknown arguments {sorted(kwargs)}')
        if save_begin < 0:
            raise ValueError(f'save_begin must be >= 0, got {save_begin}')
        self.interval = interval
        self.by_epoch = by_epoch
        self.save_optimizer = save_optimizer
        self.save_param_scheduler = save_param_scheduler
        self.out_dir = out_dir
        self.max_keep_ckpts = max_keep_ckpts
        self.save_last = save_last
        self.filename_tmpl = filename_tmpl or ('epoch_{}.pth' if by_epoch else 'iter_{}.pth')
        self.save_begin = save_begin
        self.keep_ckpt_ids: list = []
        self.best = (BestTracker(save_best, rule, greater_keys, less_keys)
                     if save_best is not None else None)
        if isinstance(published_keys, str):
            published_keys = [published_keys]
        if published_keys is not None and not {'meta', 'state_dict'} <= set(published_keys):
            raise ValueError("published_keys must include 'meta' and 'state_dict'")
        self.published_keys = published_keys
        self.last_ckpt: Optional[str] = None
        self.best_ckpt_paths: Dict[str, Optional[str]] = {}

    def before_train(self, runner) -> None:
        if self.out_dir is None:
            self.out_dir = runner.work_dir
        elif os.path.abspath(self.out_dir) != os.path.abspath(runner.work_dir):
            # one sub-folder per experiment inside a shared out_dir (MMEngine's layout)
            self.out_dir = os.path.join(self.out_dir,
                                        os.path.basename(runner.work_dir.rstrip(os.sep)))
        runner.logger.info(f'Checkpoints will be saved to {self.out_dir}.')
        if runner.rank == 0:
            stale = remove_stale_partials(self.out_dir)
            if os.path.abspath(self.out_dir) != os.path.abspath(runner.work_dir):
                stale += remove_stale_partials(runner.work_dir)  # the pointer's
            if stale:
                runner.logger.warning(f'removed {len(stale)} partial checkpoint file(s) left by '
                                      f'an interrupted save: {stale}')
        self.keep_ckpt_ids = list(runner.message_hub.get_info('keep_ckpt_ids', []))
        self.last_ckpt = runner.message_hub.get_info('last_ckpt')
        if self.best is not None:
            for key in self.best.keys:
                self.best_ckpt_paths[key] = runner.message_hub.get_info(
                    self.best.info_keys(key)[1])

    def after_val_epoch(self, runner, metrics=None) -> None:
        if self.best is None or not metrics:
            return
        self.best.resolve_auto(metrics)
        step = runner.epoch if self.by_epoch else runner.iter
        filename = self.filename_tmpl.format(step)
        updated = False
        for key, rule in zip(self.best.keys, self.best.rules):
            if key not in metrics:
                raise KeyError(f'save_best key {key!r} is not among the metrics '
                               f'{sorted(metrics)}; fix default_hooks.checkpoint.save_best')
            score_key, ckpt_key = self.best.info_keys(key)
            score = float(metrics[key])
            if not self.best.is_better(rule, score, runner.message_hub.get_info(score_key)):
                continue
            updated = True
            runner.message_hub.update_info(score_key, score)
            old = self.best_ckpt_paths.get(key)
            if old and runner.rank == 0 and os.path.isfile(old):
                os.remove(old)
                runner.logger.info(f'The previous best checkpoint {old} is removed')
            name = f'best_{key}_{filename}'.replace('/', '_')
            path = os.path.join(self.out_dir, name)
            self.best_ckpt_paths[key] = path
            runner.message_hub.update_info(ckpt_key, path)
            runner.save_checkpoint(self.out_dir, name, save_optimizer=False,
                                   save_param_scheduler=False,
                                   meta=dict(epoch=runner.epoch, iter=runner.iter),
                                   by_epoch=False)
            runner.logger.info(f'The best checkpoint with {score:0.4f} {key} at {step} '
                               f'{"epoch" if self.by_epoch else "iter"} is saved to {name}.')
        if updated and self.last_ckpt is not None:
            # the last checkpoint must know the new best, or a resume would forget it
            self._save(runner, step, meta=dict(epoch=runner.epoch, iter=runner.iter))

    def after_train(self, runner) -> None:
        if self.published_keys is None or runner.rank != 0:
            return
        for path in [self.last_ckpt] + list(self.best_ckpt_paths.values()):
            if path and os.path.isfile(path):
                self._publish(runner, path)

    def _publish(self, runner, path: str) -> None:
        ckpt = load_checkpoint_file(path, unsafe=runner.load_unsafe)
        removed = [k for k in ckpt if k not in self.published_keys]
        for k in removed:
            ckpt.pop(k)
        if removed:
            runner.logger.info(f'publishing {path} without {removed}')
        tmp = path[:-4] + '.publish.tmp'
        save_checkpoint_file(ckpt, tmp)
        with open(tmp, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:8]
        final = f'{path[:-4]}-{digest}.pth'
        os.replace(tmp, final)
        runner.logger.info(f'published checkpoint: {final}')

    def after_train_epoch(self, runner) -> None:
        if not self.by_epoch:
            return
        if (self.every_n_epochs(runner, self.interval, self.save_begin)
                or (self.save_last and self.is_last_train_epoch(runner))):
            self._save(runner, runner.epoch + 1)

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs=None) -> None:
        if self.by_epoch:
            return
        if (self.every_n_train_iters(runner, self.interval, self.save_begin)
                or (self.save_last and self.is_last_train_iter(runner))):
            self._save(runner, runner.iter + 1)

    def _save(self, runner, step: int, meta: Optional[dict] = None) -> None:
        if self.max_keep_ckpts > 0 and step not in self.keep_ckpt_ids:
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        filename = self.filename_tmpl.format(step)
        # recorded before saving (as MMEngine does) so the checkpoint knows its own path
        self.last_ckpt = os.path.join(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        path = runner.save_checkpoint(self.out_dir, filename,
                                      save_optimizer=self.save_optimizer,
                                      save_param_scheduler=self.save_param_scheduler,
                                      meta=meta, by_epoch=self.by_epoch)
        if runner.rank == 0:
            # after the checkpoint is complete, so it never names a torn file
            write_pointer(runner.work_dir, path)
        if self.max_keep_ckpts > 0:
            # only now that the new checkpoint is complete (MMEngine removes first)
            while len(self.keep_ckpt_ids) > self.max_keep_ckpts:
                old = self.keep_ckpt_ids.pop(0)
                old_path = os.path.join(self.out_dir, self.filename_tmpl.format(old))
                if runner.rank == 0 and os.path.isfile(old_path):
                    os.remove(old_path)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
