"""MIG041: the logger hooks of ``log_config.hooks`` -> ``visualizer.vis_backends``, every
argument with a counterpart carried, the rest reported (MIG040 consumes ``log_config``)."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from migrate.rules._logger_settings import (DEFAULT_INTERVAL, LoggerSettings, default_by_epoch,
                                            logger_settings)
from migrate.rules.base import APPROXIMATION, DROPPED, MANUAL, NOTE, Plan, Rule
from migrate.tables import (BACKEND_ARGS, LOGGER_BASE_ARGS, LOGGER_HOOK_TO_BACKEND,
                            LOGGER_RESET_FLAG_DEFAULTS)

VIS = ('visualizer',)


class LoggerHooksToVisBackends(Rule):
    id = 'MIG041'
    name = 'logger-hooks-to-vis-backends'
    summary = ('log_config.hooks become visualizer.vis_backends (TextLoggerHook: '
               'LocalVisBackend; Tensorboard, Wandb, Mlflow, Neptune, Dvclive, ClearML: their '
               'back ends with every argument that has a counterpart); the rest is reported')
    legacy_keys = ('log_config',)
    new_keys = ('visualizer',)

    def applies(self, plan: Plan) -> bool:
        return isinstance(plan.legacy.get('log_config'), dict)

    def apply(self, plan: Plan) -> None:
        cfg = plan.get('log_config')
        iter_runner = plan.facts.get('runner_type') == 'IterBasedRunner'
        settings = logger_settings(cfg, iter_runner)
        backends: List[Dict[str, Any]] = [{'type': 'LocalVisBackend'}]
        others = False
        for i, hook in enumerate(cfg.get('hooks') or []):
            if not isinstance(hook, dict) or i == settings.text_index:
                continue
            new = self._backend(plan, i, hook, settings, cfg.get('interval', DEFAULT_INTERVAL),
                                iter_runner, len(backends))
            if new is None:
                continue
            others = True
            same = [j for j, b in enumerate(backends) if b['type'] == new['type']]
            if any(backends[j] == new for j in same):
                self.report(plan, NOTE, f'log_config.hooks[{i}]',
                            f'the same {new["type"]} as an earlier hook: written once')
                continue
            if same:
                # the visualizer names back ends by type: a second one needs its own name
                new['name'] = f'{new["type"]}_{i}'
            backends.append(new)
        if settings.text_index is None:
            self.report(plan, NOTE, 'log_config.hooks',
                        'no TextLoggerHook: MMCV wrote no text log nor .log.json; MMEngine '
                        "always writes the text log, and LocalVisBackend's scalars.json",
                        path=VIS, marked=True)
        if others:
            self.report(plan, NOTE, 'log_config.hooks',
                        "scalar names change: MMCV's logger hooks logged 'train/<loss>', "
                        "'learning_rate' and 'momentum'; MMEngine's back ends get '<loss>', "
                        "'lr', 'time', 'data_time' (log_processor.log_with_hierarchy=True "
                        "gives 'train/<loss>')", path=VIS, marked=True)
        plan.set(VIS, dict(type='Visualizer', vis_backends=backends, name='visualizer'))

    def _backend(self, plan: Plan, i: int, hook: Dict[str, Any], settings: LoggerSettings,
                 cfg_interval: Any, iter_runner: bool, at: int) -> Any:
        key, htype = f'log_config.hooks[{i}]', hook.get('type')
        path = VIS + ('vis_backends', at)
        if htype not in LOGGER_HOOK_TO_BACKEND:
            self.report(plan, MANUAL, f'{key}.type',
                        f'unknown logger hook {htype!r}: write a VisBackend for it (not '
                        'carried over)', path=VIS, marked=True)
            return None
        backend = LOGGER_HOOK_TO_BACKEND[htype]
        if backend is None:
            self.report(plan, DROPPED, key, f'{htype} has no MMEngine back end: its '
                        'logging is gone', path=VIS, marked=True)
            return None
        new: Dict[str, Any] = {'type': backend}
        mapping = BACKEND_ARGS.get(htype, {})
        rest = {}
        for arg, value in hook.items():
            if arg in mapping:
                new[mapping[arg]] = value
                plan.origins[path + (mapping[arg],)] = ('log_config', 'hooks', i, arg)
            elif arg != 'type' and arg not in LOGGER_BASE_ARGS:
                rest[arg] = value
        self._base_args(plan, key, htype, hook, settings, cfg_interval, iter_runner, path)
        special = getattr(self, '_' + htype, None)
        if special is not None:
            special(plan, key, hook, new, rest, path)
        for arg in rest:
            self.report(plan, DROPPED, f'{key}.{arg}',
                        f'{htype}.{arg} has no counterpart in {backend}: not carried over',
                        kind='logger-args', path=path, marked=True)
        return new

    def _base_args(self, plan: Plan, key: str, htype: str, hook: Dict[str, Any],
                   settings: LoggerSettings, cfg_interval: Any, iter_runner: bool,
                   path: Tuple) -> None:
        """MMEngine's back ends log when the one LoggerHook does."""
        differs = []
        # log_config.interval is every hook's default; the text logger may have its own
        interval = hook.get('interval', cfg_interval)
        if interval != settings.interval:
            differs.append(f'every {settings.interval} iterations (MMCV: {interval})')
        by_epoch = hook.get('by_epoch', default_by_epoch(iter_runner))
        if by_epoch != settings.by_epoch and htype != 'DvcliveLoggerHook':
            differs.append('counting ' + ('in the epoch' if settings.by_epoch else 'from the start')
                           + ' (MMCV: ' + ('in the epoch' if by_epoch else 'from the start') + ')')
        ignore_last = hook.get('ignore_last', True)
        if ignore_last != settings.ignore_last:
            differs.append(f'ignore_last={settings.ignore_last} (MMCV: {ignore_last})')
        if differs:
            self.report(plan, APPROXIMATION, key,
                        f'MMEngine logs to {LOGGER_HOOK_TO_BACKEND[htype]} when the LoggerHook '
                        f'logs: {", ".join(differs)}', kind='logger-timing', path=path)
        if 'reset_flag' in hook and hook['reset_flag'] != LOGGER_RESET_FLAG_DEFAULTS.get(
                htype, False):
            self.report(plan, DROPPED, f'{key}.reset_flag',
                        f"reset_flag={hook['reset_flag']}: no equivalent (MMEngine keeps no "
                        'shared log buffer to clear; every back end gets every logged value)',
                        path=path, marked=True)

    # -- per hook: what MMCV did beyond the shared arguments --------------------------------
    def _TensorboardLoggerHook(self, plan: Plan, key: str, hook: Dict[str, Any],
                               new: Dict[str, Any], rest: Dict[str, Any], path: Tuple) -> None:
        if hook.get('log_dir') is None:
            new.pop('save_dir', None)
            self.report(plan, NOTE, key, 'TensorBoard events go to '
                        '<work_dir>/<timestamp>/vis_data (MMCV: <work_dir>/tf_logs)',
                        path=path, marked=True)

    def _WandbLoggerHook(self, plan: Plan, key: str, hook: Dict[str, Any],
                         new: Dict[str, Any], rest: Dict[str, Any], path: Tuple) -> None:
        with_step = rest.pop('with_step', True)
        self.report(plan, APPROXIMATION, f'{key}.with_step',
                    "W&B's step counts log calls (MMCV: "
                    + ('the iteration, with_step=True' if with_step else
                       "a 'global_step' metric, with_step=False")
                    + "); the iteration is logged as 'iter': define_metric_cfg=[dict("
                    "name='*', step_metric='iter')] plots against it", kind='logger-step',
                    path=path)
        log_artifact = rest.pop('log_artifact', True)
        suffix = rest.pop('out_suffix', ('.log.json', '.log', '.py'))
        if log_artifact:
            self.report(plan, DROPPED, f'{key}.log_artifact',
                        f'MMCV uploaded the work_dir files ending in {tuple(suffix)} as a W&B '
                        'artifact after the run; WandbVisBackend uploads none', path=path,
                        marked=True)
        if 'dir' not in (hook.get('init_kwargs') or {}):
            self.report(plan, NOTE, key, "wandb's files go to <work_dir>/<timestamp>/vis_data "
                        '(MMCV: ./wandb) unless init_kwargs sets dir', path=path, marked=True)

    _MMDetWandbHook = _WandbLoggerHook

    def _MlflowLoggerHook(self, plan: Plan, key: str, hook: Dict[str, Any],
                          new: Dict[str, Any], rest: Dict[str, Any], path: Tuple) -> None:
        if rest.pop('log_model', True):
            self.report(plan, DROPPED, f'{key}.log_model',
                        'MMCV logged the trained model with mlflow.pytorch.log_model after the '
                        'run; MLflowVisBackend logs no model', path=path, marked=True)
        self.report(plan, NOTE, key,
                    "runs go to a file store in <work_dir>/<timestamp>/vis_data (MMCV: mlflow's "
                    'default, MLFLOW_TRACKING_URI or ./mlruns): set tracking_uri to keep '
                    'them where they were; MMEngine also logs the config and uploads the '
                    'work_dir files ending in artifact_suffix', path=path, marked=True)

    def _NeptuneLoggerHook(self, plan: Plan, key: str, hook: Dict[str, Any],
                           new: Dict[str, Any], rest: Dict[str, Any], path: Tuple) -> None:
        if not hook.get('init_kwargs'):
            # None would make MMEngine run offline; MMCV called neptune's init() plainly
            new['init_kwargs'] = {}
        if not rest.pop('with_step', True):
            self.report(plan, APPROXIMATION, f'{key}.with_step',
                        'Neptune values are logged at the iteration (MMCV, with_step=False: '
                        'all tags at once without a step)', kind='logger-step', path=path)

    def _DvcliveLoggerHook(self, plan: Plan, key: str, hook: Dict[str, Any],
                           new: Dict[str, Any], rest: Dict[str, Any], path: Tuple) -> None:
        if rest.pop('model_file', None) is not None:
            self.report(plan, DROPPED, f'{key}.model_file',
                        'MMCV saved a checkpoint to model_file after every train epoch; '
                        'DVCLiveVisBackend saves none', path=path, marked=True)
        if 'dvclive' in rest:
            self.report(plan, MANUAL, f'{key}.dvclive', 'a dvclive.Live object cannot be '
                        'carried over: give its arguments as init_kwargs', path=path,
                        marked=True)
            rest.pop('dvclive')
        if rest:
            # DvcliveLoggerHook passed its other keyword arguments to dvclive.Live
            new['init_kwargs'] = dict(rest)
            rest.clear()
        by_epoch = hook.get('by_epoch', default_by_epoch(
            plan.facts.get('runner_type') == 'IterBasedRunner'))
        if by_epoch:
            self.report(plan, APPROXIMATION, f'{key}.by_epoch',
                        'MMCV logged to DVCLive once per epoch, at the epoch number (by_epoch='
                        'True); DVCLiveVisBackend gets every logged interval at the iteration',
                        kind='logger-step', path=path)
        self.report(plan, NOTE, key, 'DVCLive writes to <work_dir>/<timestamp>/vis_data '
                    "(MMCV: dvclive's default ./dvclive) unless init_kwargs sets dir; MMEngine "
                    'also sets save_dvc_exp=True and cache_images=True', path=path, marked=True)

    def _ClearMLLoggerHook(self, plan: Plan, key: str, hook: Dict[str, Any],
                           new: Dict[str, Any], rest: Dict[str, Any], path: Tuple) -> None:
        self.report(plan, NOTE, key, 'MMEngine also connects the config to the ClearML task '
                    'and uploads the work_dir files ending in artifact_suffix (.py, .pth)',
                    path=path, marked=True)
