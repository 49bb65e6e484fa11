"""MIG002: ``optimizer_config`` -> ``optim_wrapper`` (``clip_grad``, ``accumulative_counts``,
``AmpOptimWrapper``)."""
from __future__ import annotations

from migrate.rules.base import APPROXIMATION, DROPPED, MANUAL, NOTE, Plan, Rule
from migrate.tables import (MMCV_FP16_DEFAULT_LOSS_SCALE, OPTIMIZER_HOOK_OBSOLETE_ARGS,
                            OPTIMIZER_HOOKS)


class OptimizerConfigToOptimWrapper(Rule):
    id = 'MIG002'
    name = 'optimizer-config-to-optim-wrapper'
    summary = ('optimizer_config: grad_clip -> optim_wrapper.clip_grad; cumulative_iters / '
               'update_interval -> accumulative_counts; Fp16OptimizerHook -> AmpOptimWrapper')
    legacy_keys = ('optimizer_config',)
    new_keys = ('optim_wrapper',)

    def apply(self, plan: Plan) -> None:
        cfg = plan.get('optimizer_config')
        if cfg is not None and not isinstance(cfg, dict):
            # Left in place (not consumed): nothing is lost, the report says what to do.
            self.report(plan, MANUAL, 'optimizer_config',
                        f'{cfg!r} is not a dict: convert the optimizer hook by hand',
                        path=('optimizer_config',))
            return
        htype = (cfg or {}).get('type', 'OptimizerHook')
        if htype not in OPTIMIZER_HOOKS:
            self._custom(plan, htype, cfg)
            return
        plan.consume('optimizer_config')
        if cfg is None:
            return
        cfg.pop('type', None)
        wrapper = ('optim_wrapper',)
        if plan.lookup(wrapper + ('type',)) is None:
            plan.set(wrapper + ('type',), 'OptimWrapper')
        grad_clip = cfg.pop('grad_clip', None)
        if grad_clip is not None:
            plan.set(wrapper + ('clip_grad',), grad_clip, origin=('optimizer_config', 'grad_clip'))
        counts = cfg.pop('cumulative_iters', None)
        interval = cfg.pop('update_interval', None)
        if counts is not None and counts != 1:
            plan.set(wrapper + ('accumulative_counts',), counts,
                     origin=('optimizer_config', 'cumulative_iters'))
        if interval is not None and interval != 1:
            plan.set(wrapper + ('accumulative_counts',), interval,
                     origin=('optimizer_config', 'update_interval'))
            self.report(plan, NOTE, 'optimizer_config.update_interval',
                        'update_interval became accumulative_counts (exact for mmselfsup 0.x; '
                        'OpenSelfSup never stepped a trailing partial window)')
        # use_fp16 is the apex flag of the 0.x self-supervised codebases' and the Swin
        # fork's DistOptimizerHook: apex.amp scaled the loss dynamically (its default), not
        # with MMCV's static 512 of Fp16OptimizerHook.
        apex = bool(cfg.pop('use_fp16', False))
        if OPTIMIZER_HOOKS[htype] == 'AmpOptimWrapper' or apex:
            default = MMCV_FP16_DEFAULT_LOSS_SCALE \
                if OPTIMIZER_HOOKS[htype] == 'AmpOptimWrapper' else 'dynamic'
            scale = cfg.pop('loss_scale', default)
            plan.set(wrapper + ('type',), 'AmpOptimWrapper')
            plan.set(wrapper + ('loss_scale',), scale, origin=('optimizer_config', 'loss_scale'))
            self.report(plan, APPROXIMATION, 'optimizer_config.type',
                        'AMP: autocast now covers the whole forward (MMCV: @auto_fp16 methods)',
                        kind='amp-scope')
        if cfg.pop('detect_anomalous_params', False):
            self.report(plan, DROPPED, 'optimizer_config.detect_anomalous_params',
                        'no equivalent (closest: find_unused_parameters=True in DDP)')
        if cfg.pop('frozen_layers_cfg', None) is not None:
            self.report(plan, DROPPED, 'optimizer_config.frozen_layers_cfg',
                        'no equivalent in MMEngine core (mmselfsup 1.x moved it into SwAVHook)')
        obsolete = [k for k in OPTIMIZER_HOOK_OBSOLETE_ARGS if k in cfg]
        for key in obsolete:
            cfg.pop(key)
        if obsolete:
            self.report(plan, NOTE, 'optimizer_config', f'obsolete arguments dropped: {obsolete}')
        if cfg:
            self.report(plan, DROPPED, 'optimizer_config',
                        f'arguments not converted: {sorted(cfg)}')

    def _custom(self, plan: Plan, htype, cfg: dict) -> None:
        """A project's own optimizer hook: ``migrate convert`` ports the hook class (HK008) to
        the OptimWrapper subclass of the same name, registered in OPTIM_WRAPPERS, whose
        ``__init__`` takes the hook's arguments, ``clip_grad`` for ``grad_clip``."""
        if not isinstance(htype, str):
            self.report(plan, MANUAL, 'optimizer_config.type',
                        f'optimizer hook type {htype!r} is not a registered name: convert the '
                        'optimizer hook by hand', path=('optimizer_config',))
            return
        written = plan.get('optim_wrapper')
        if plan.get('fp16') is not None or isinstance(written, dict) \
                and written.get('type') == 'AmpOptimWrapper':
            # Left in place (not consumed): what ran depended on the train flow; converting
            # again, fp16 is the AmpOptimWrapper the first pass wrote.
            self.report(plan, MANUAL, 'optimizer_config.type',
                        f'custom optimizer hook {htype!r} beside fp16: MMDet/MMCls 2.x train '
                        'flows built Fp16OptimizerHook(**optimizer_config, **fp16), which '
                        'rejects the type key; flows that ignore fp16 built the custom hook. '
                        'Keep one: drop fp16 (the port is then optim_wrapper type '
                        f'{htype!r}) or the type (AmpOptimWrapper)',
                        path=('optimizer_config',))
            return
        plan.consume('optimizer_config')
        args = dict(cfg)
        args.pop('type')
        wrapper = ('optim_wrapper',)
        plan.set(wrapper + ('type',), htype, origin=('optimizer_config', 'type'))
        if 'grad_clip' in args:
            grad_clip = args.pop('grad_clip')
            if grad_clip is not None:
                plan.set(wrapper + ('clip_grad',), grad_clip,
                         origin=('optimizer_config', 'grad_clip'))
        if args.pop('detect_anomalous_params', False):
            self.report(plan, DROPPED, 'optimizer_config.detect_anomalous_params',
                        'no equivalent (closest: find_unused_parameters=True in DDP)')
        for key, value in args.items():
            plan.set(wrapper + (key,), value, origin=('optimizer_config', key))
        imports = plan.legacy.get('custom_imports')
        self.report(plan, NOTE if imports else MANUAL, 'optimizer_config.type',
                    f"custom optimizer hook {htype!r}: written as optim_wrapper type {htype!r}, "
                    'the OptimWrapper subclass HK008 ports that hook class to (same name, in '
                    'OPTIM_WRAPPERS; its own arguments as they were, grad_clip as clip_grad); '
                    'the converted module that defines it must be imported where the hook '
                    'module was (custom_imports'
                    f'{" lists modules: keep it there" if imports else ""}); if HK008 left '
                    f'the class marked, write {htype} by hand',
                    kind='custom-optimizer-hook', path=wrapper + ('type',), marked=True)
