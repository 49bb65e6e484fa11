"""``migrate verify LEGACY_CFG``: train the legacy config on compat and its conversion on the
engine, side by side, and compare what they computed.

Neither config file is executed: both are read by the static evaluator (the legacy tree merged
the MMCV way, the converted tree the MMEngine way) and the runtimes train from those values.
The modules the configs name in ``custom_imports`` (the user's models, datasets and hooks) are
imported: there is no training without them. A module that is legacy hook code runs as it is
in the legacy run and converted in the converted run (:mod:`migrate.verify.custom_modules`).

The order of work: the legacy run first (it tells how long an epoch is), then the conversion
with that epoch length (so epoch-based schedules are converted exactly), then the converted
run. A converted model or dataset that is a legacy one (registered in ``compat.apis``) runs on
the engine through :mod:`compat.on_engine` (the adapter, MMDet's sample order), which the
report says. Compared, per iteration: lr and momentum of every param group (1e-12 relative),
the loss and, when clipping, the gradient norm (1e-6); at the end: the weights (1e-6), the
checkpoints written and the evaluations (when, and their values, 1e-6); the custom hooks of
those modules: their order and priorities, the calls of each stage, what they kept
(:mod:`migrate.verify.custom_hooks`). Differences the new timeline makes unavoidable are
reported as expected, with the reason, not as failures.
"""
from __future__ import annotations

import copy
import math
import os
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from engine.errors import ConfigError
from migrate.convert.converter import Converter
from migrate.verify.custom_hooks import (HookWatch, compare_custom_hooks, engine_watch, finish,
                                         hook_errors_named, legacy_watch, observed)
from migrate.verify.custom_modules import (convert_hook_modules, converted_modules_imported,
                                           import_custom, import_legacy_modules,
                                           legacy_hook_code, mmcv_is_compat)
from migrate.verify.new_style import refuse_new_style
from migrate.verify.run_recorders import RunSeries, StopRun, engine_recorder, legacy_recorder
from migrate.verify.schedule import TOLERANCE, write_converted_tree

__all__ = ['RunComparison', 'compare_runs', 'LOSS_TOLERANCE']

#: relative tolerance for losses, gradient norms, weights and metrics (CPU, float32 maths)
LOSS_TOLERANCE = 1e-6
TIMESTAMP = '19700101_000000'


def rel_dev(a: float, b: float) -> float:
    if a == b or (math.isnan(a) and math.isnan(b)):
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


@dataclass
class RunComparison:
    config: str
    target: str
    legacy: RunSeries
    converted: RunSeries
    #: (iteration index, quantity) of the first per-iteration difference beyond tolerance
    first_divergence: Optional[Tuple[int, str]] = None
    #: end-of-run differences beyond tolerance (weights, checkpoints, evaluations)
    failures: List[str] = field(default_factory=list)
    #: differences the new timeline makes unavoidable: (what, why)
    expected: List[Tuple[str, str]] = field(default_factory=list)
    #: what verify changed in the converted config to run it (legacy parts on the engine)
    bridged: List[Tuple[str, str]] = field(default_factory=list)
    weights_max_dev: float = 0.0
    weights_bitwise: bool = False
    stopped_at: Optional[int] = None

    @property
    def equal(self) -> bool:
        return self.first_divergence is None and not self.failures

    def as_json(self) -> Dict[str, Any]:
        def side(s: RunSeries) -> Dict[str, Any]:
            return dict(epoch=s.epoch, iter=s.iter, lr=s.lr, momentum=s.momentum, loss=s.loss,
                        grad_norm=s.grad_norm, evals=[[d, m] for d, m in s.evals],
                        checkpoints=s.checkpoints, epoch_len=s.epoch_len,
                        custom_hooks=s.custom_hooks.as_json() if s.custom_hooks else None)
        return dict(config=self.config, target=self.target, equal=self.equal,
                    first_divergence=list(self.first_divergence)
                    if self.first_divergence else None,
                    failures=self.failures, expected=[list(e) for e in self.expected],
                    bridged=[list(b) for b in self.bridged],
                    weights_max_dev=self.weights_max_dev, weights_bitwise=self.weights_bitwise,
                    tolerances=dict(lr=TOLERANCE, momentum=TOLERANCE, loss=LOSS_TOLERANCE,
                                    weights=LOSS_TOLERANCE),
                    legacy=side(self.legacy), converted=side(self.converted))


# -- options --------------------------------------------------------------------------------------
def _apply_options(cfg: Dict[str, Any], options: Dict[str, Any], side: str) -> List[str]:
    """Apply dotted ``options`` whose first key ``cfg`` has; returns the ones it lacks."""
    skipped = []
    for dotted, value in options.items():
        parts = dotted.split('.')
        if parts[0] not in cfg:
            skipped.append(dotted)
            continue
        node = cfg
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f'--cfg-options {dotted}: {part} is not a dict on the {side} '
                                  'side', key=dotted, fix='name a key inside a dict')
        node[parts[-1]] = value
    return skipped


# -- the two runs ---------------------------------------------------------------------------------
def _checkpoints(work_dir: str) -> List[str]:
    return sorted(name for name in os.listdir(work_dir) if name.endswith('.pth')
                  and name != 'latest.pth' and not os.path.islink(os.path.join(work_dir, name)))


def _state(model) -> Dict[str, Any]:
    module = model.module if hasattr(model, 'module') else model
    return {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}


def run_legacy(legacy: Dict[str, Any], *, file: str, work_dir: str, seed: int,
               iters: Optional[int], watch: Optional[HookWatch] = None) -> RunSeries:
    """Train the legacy view on compat (MMDet 2.x's train flow); the recorded series (with
    what ``watch``'s custom hooks did)."""
    from compat.apis import train_legacy_config
    from compat.runner import Hook
    from compat.utils.config import Config

    series = RunSeries()
    recorder = legacy_recorder(Hook, series, iters)
    import_legacy_modules(legacy, file)
    cfg = Config(copy.deepcopy(legacy), filename=file)
    with observed(watch) as hooks_seen, mmcv_is_compat(file):
        try:
            # priority 75: after the eval hook (LOW) wrote its results, before the loggers
            train_legacy_config(cfg, work_dir, seed=seed, timestamp=TIMESTAMP,
                                extra_hooks=[(recorder, 75)])
        except StopRun:
            pass
    finish(hooks_seen, recorder.runner.hooks)
    series.custom_hooks = hooks_seen
    series.weights = _state(recorder.runner.model)
    series.checkpoints = _checkpoints(work_dir)
    return series


def _require_registered(model: Dict[str, Any], file: str) -> None:
    from compat.apis import MODELS as LEGACY_MODELS
    from engine.registry import MODELS
    kind = model.get('type')
    if isinstance(kind, str) and kind not in LEGACY_MODELS and kind not in MODELS:
        raise ConfigError(f'model type {kind!r} is not registered: verify builds the model to '
                          'train it', file=file, key='model.type',
                          fix='name the module that registers it in custom_imports=dict('
                              "imports=['your.models']) (in compat.apis.MODELS for a legacy "
                              'model), or use --schedule-only')


def _is_legacy_model(model: Any) -> bool:
    from compat.apis import MODELS as LEGACY_MODELS
    from engine.registry import MODELS
    kind = model.get('type') if isinstance(model, dict) else None
    return isinstance(kind, str) and kind in LEGACY_MODELS and kind not in MODELS


def _amp_without_cuda(cfg: Dict[str, Any], bridged: List[Tuple[str, str]]) -> None:
    import torch
    wrapper = cfg.get('optim_wrapper')
    if isinstance(wrapper, dict) and wrapper.get('type') == 'AmpOptimWrapper' and \
            not torch.cuda.is_available():
        cfg['optim_wrapper'] = {k: v for k, v in wrapper.items()
                                if k not in ('loss_scale', 'dtype', 'use_fsdp')}
        cfg['optim_wrapper']['type'] = 'OptimWrapper'
        bridged.append(('optim_wrapper.type', 'AmpOptimWrapper -> OptimWrapper: without CUDA, '
                        'MMCV 1.7.2 trained fp16 configs in fp32 unscaled (its GradScaler '
                        'disables itself) and MMEngine 0.10.7 refuses AmpOptimWrapper; the '
                        'fp16 arithmetic itself is compared only on a CUDA machine'))


def _legacy_val_phases(legacy: Dict[str, Any]) -> int:
    workflow = legacy.get('workflow') or []
    return sum(int(p[1]) for p in workflow
               if isinstance(p, (list, tuple)) and len(p) == 2 and p[0] == 'val')


def run_converted(view: Dict[str, Any], *, file: str, work_dir: str, seed: int,
                  iters: Optional[int], legacy: Optional[Dict[str, Any]] = None,
                  watch: Optional[HookWatch] = None
                  ) -> Tuple[RunSeries, List[Tuple[str, str]]]:
    """Train the converted view on the engine; the series (with what ``watch``'s custom
    hooks did) and what was bridged."""
    from engine.hooks.hook import Hook
    from engine.runner import Runner

    cfg = copy.deepcopy(view)
    import_custom(cfg, file)
    bridged: List[Tuple[str, str]] = []
    extra_hooks: List[Any] = []
    if _is_legacy_model(cfg.get('model')):
        from compat.on_engine import bridge_legacy_parts
        cfg, bridged = bridge_legacy_parts(cfg, seed=seed)
        phases = _legacy_val_phases(legacy or {})
        if phases:
            from compat.on_engine.workflow_draws import LegacyValPhaseDraws
            extra_hooks.append(LegacyValPhaseDraws(legacy, phases))
            bridged.append(('workflow', f'the legacy val phase ({phases} epoch(s) after each '
                            'training epoch) drew a shuffled order from numpy\'s stream; the '
                            'converted run makes the same draws so that the next epochs see '
                            'the legacy order too'))
    _amp_without_cuda(cfg, bridged)
    series = RunSeries()
    recorder = engine_recorder(Hook, series, iters)
    cfg['custom_hooks'] = list(cfg.get('custom_hooks') or []) + extra_hooks + [recorder]
    cfg['work_dir'] = work_dir
    randomness = dict(cfg.get('randomness') or {})
    randomness['seed'] = seed   # the converted config's own seed, else --seed
    cfg['randomness'] = randomness
    cfg.pop('load_from', None)
    cfg['resume'] = False
    with observed(watch) as hooks_seen:
        runner = Runner.from_cfg(cfg)
        try:
            runner.train()
        except StopRun:
            pass
    finish(hooks_seen, runner.hooks)
    series.custom_hooks = hooks_seen
    series.weights = _state(runner.model)
    series.checkpoints = _checkpoints(work_dir)
    return series, bridged


# -- comparison -----------------------------------------------------------------------------------
_SERIES = (('lr', TOLERANCE), ('momentum', TOLERANCE), ('loss', LOSS_TOLERANCE),
           ('grad_norm', LOSS_TOLERANCE))


def _row_dev(left: Any, right: Any) -> float:
    if left is None or right is None:
        return 0.0 if left is None and right is None else math.inf
    if isinstance(left, list):
        if len(left) != len(right):
            return math.inf
        return max((rel_dev(a, b) for a, b in zip(left, right)), default=0.0)
    return rel_dev(left, right)


def _compare_series(c: RunComparison) -> None:
    a, b = c.legacy, c.converted
    n = min(len(a.loss), len(b.loss))
    if len(a.loss) != len(b.loss):
        c.failures.append(f'iterations: legacy trained {len(a.loss)}, converted '
                          f'{len(b.loss)}')
    series = _SERIES
    if all(g is None for g in a.grad_norm) and any(g is not None for g in b.grad_norm):
        # a project optimizer hook that clips without logging the norm: its port clips
        # through OptimWrapper._clip_grad, which logs train/grad_norm on every clipping
        series = tuple(s for s in _SERIES if s[0] != 'grad_norm')
        c.expected.append(('grad_norm: logged by the converted run only',
                           'the legacy optimizer hook logged no gradient norm; the converted '
                           "optim wrapper's clipping logs train/grad_norm (not compared: the "
                           'weights show whether the clipping is the same)'))
    for i in range(n):
        for name, tol in series:
            if _row_dev(getattr(a, name)[i], getattr(b, name)[i]) > tol:
                c.first_divergence = (i, name)
                return


def _compare_end(c: RunComparison, max_epochs: Optional[int], by_epoch: bool) -> None:
    a, b = c.legacy, c.converted
    keys = sorted(set(a.weights) | set(b.weights))
    worst, bitwise = 0.0, True
    for key in keys:
        if key not in a.weights or key not in b.weights:
            c.failures.append(f'weights: {key} only in the '
                              f'{"legacy" if key in a.weights else "converted"} model')
            continue
        x, y = a.weights[key].double().flatten(), b.weights[key].double().flatten()
        if x.shape != y.shape:
            c.failures.append(f'weights: {key} has shape {tuple(x.shape)} vs {tuple(y.shape)}')
            continue
        bitwise &= bool((x == y).all())
        if x.numel():
            dev = ((x - y).abs() / x.abs().maximum(y.abs()).clamp_min(1e-12)).max().item()
            worst = max(worst, dev)
    c.weights_max_dev, c.weights_bitwise = worst, bitwise
    if worst > LOSS_TOLERANCE:
        c.failures.append(f'final weights differ: max relative deviation {worst:.3g} '
                          f'(tolerance {LOSS_TOLERANCE:g})')
    legacy_ckpts, new_ckpts = set(a.checkpoints), set(b.checkpoints)
    if legacy_ckpts != new_ckpts:
        c.failures.append(f'checkpoints: only legacy {sorted(legacy_ckpts - new_ckpts)}, '
                          f'only converted {sorted(new_ckpts - legacy_ckpts)}')
    legacy_evals = dict(a.evals)
    new_evals = dict(b.evals)
    unit = 'epoch' if by_epoch else 'iteration'
    for done in sorted(set(new_evals) - set(legacy_evals)):
        if by_epoch and done == max_epochs and c.stopped_at is None:
            c.expected.append((f'evaluation after {unit} {done}',
                               'MMEngine validates after the last epoch too; MMCV\'s EvalHook '
                               'only on its interval'))
        else:
            c.failures.append(f'evaluation after {unit} {done}: only the converted run')
    for done in sorted(set(legacy_evals) - set(new_evals)):
        c.failures.append(f'evaluation after {unit} {done}: only the legacy run')
    for done in sorted(set(legacy_evals) & set(new_evals)):
        left, right = legacy_evals[done], new_evals[done]
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                c.failures.append(f'evaluation after {unit} {done}: metric {key} only in the '
                                  f'{"legacy" if key in left else "converted"} run')
            elif rel_dev(left[key], right[key]) > LOSS_TOLERANCE:
                c.failures.append(f'evaluation after {unit} {done}: {key} {left[key]:.6g} vs '
                                  f'{right[key]:.6g}')


def _expected_from_config(c: RunComparison, legacy: Dict[str, Any]) -> None:
    workflow = legacy.get('workflow') or []
    if any(isinstance(p, (list, tuple)) and p and p[0] == 'val' for p in workflow):
        c.expected.append(('workflow val phase', 'MMCV computed validation losses with '
                           'val_step; MMEngine validates with metrics only (not compared)'))
    for key, why in c.bridged:
        if key.endswith('.sampler'):
            c.expected.append((key, 'the converted DefaultSampler draws another sample '
                               'order than MMDet\'s samplers: verify ran the converted config '
                               'with the legacy order to compare the training maths'))


def _tree_root(legacy_leaf: str, converted_leaf: str, tree: str) -> str:
    """The legacy folder that ``tree`` (a converted tree holding ``converted_leaf``) mirrors."""
    depth = len(os.path.relpath(converted_leaf, tree).split(os.sep))
    root = os.path.abspath(legacy_leaf)
    for _ in range(depth):
        root = os.path.dirname(root)
    return root


def _module_note(module) -> Tuple[str, str]:
    said = f'; the converter says: {len(module.findings)} note(s)' if module.findings else ''
    rules = f' ({", ".join(module.rules)})' if module.rules else ''
    return (f'custom_imports {module.name}',
            f'legacy hook code: the converted run imports {module.source}{rules}, '
            f'{module.converted_path}{said}')


def _own_seed(configured: Any, given: Optional[int]) -> int:
    """``--seed`` when given (as ``tools/train.py --seed`` did), else the config's own seed,
    else 0: without ``--seed`` a conversion that loses the legacy ``seed`` shows as a
    different run, as it would train differently."""
    if given is not None:
        return given
    return configured if isinstance(configured, int) and not isinstance(configured, bool) \
        else 0


def compare_runs(path: str, *, target: str = 'mmengine', epoch_len: Optional[int] = None,
                 iters: Optional[int] = None, seed: Optional[int] = None,
                 cfg_options: Optional[Dict[str, Any]] = None,
                 keep_dir: Optional[str] = None,
                 converted: Optional[str] = None) -> RunComparison:
    """Train ``path`` on compat and its conversion on the engine; compare (module docstring).
    ``converted`` names a converted config to use instead of converting ``path`` (a hand-edited
    conversion, say)."""
    from migrate.static import load_config_tree
    from migrate.verify.converted_view import load_converted_view
    from migrate.static.values import contains_unknown

    converter = Converter(target=target, epoch_len=epoch_len)
    legacy = load_config_tree(path, converter.loader).merged
    refuse_new_style(legacy, file=path)
    if contains_unknown(legacy):
        raise ConfigError('the legacy config holds values the static reader cannot compute; '
                          'a whole run needs every value', file=path,
                          fix='use --schedule-only, or write those values as literals')
    for key in ('model', 'data'):
        if not isinstance(legacy.get(key), dict):
            raise ConfigError(f'a whole run needs the config\'s `{key}`, which this one does '
                              'not define (with its bases)', file=path, key=key,
                              fix='verify a complete training config, or compare the '
                                  'schedules alone with --schedule-only')
    import_legacy_modules(legacy, path)
    _require_registered(legacy['model'], path)
    hook_code = legacy_hook_code(legacy)
    options = dict(cfg_options or {})
    legacy = copy.deepcopy(legacy)
    skipped_legacy = _apply_options(legacy, options, 'legacy')
    work = keep_dir or tempfile.mkdtemp(prefix='migrate-verify-run-')
    os.makedirs(work, exist_ok=True)
    legacy_seed = _own_seed(legacy.get('seed'), seed)
    watch = legacy_watch([sys.modules[m.name] for m in hook_code], legacy)
    with hook_errors_named(watch, side='legacy', file=path,
                           modules=', '.join(m.legacy_path for m in hook_code)):
        legacy_series = run_legacy(legacy, file=path,
                                   work_dir=os.path.join(work, 'legacy_run'), seed=legacy_seed,
                                   iters=iters, watch=watch)
    if converted is not None:
        converted_path = converted
        tree_root, tree = os.path.dirname(os.path.abspath(path)), \
            os.path.join(work, 'converted_modules')
    else:
        if epoch_len is None and legacy_series.epoch_len:
            converter = Converter(target=target, epoch_len=legacy_series.epoch_len)
        tree = os.path.join(work, 'converted')
        converted_path = write_converted_tree(path, converter, tree)
        tree_root = _tree_root(path, converted_path, tree)
    view = load_converted_view(converted_path)
    modules = convert_hook_modules(hook_code, view, target=target, tree_root=tree_root,
                                   workdir=tree, legacy_leaf=path, converted_leaf=converted)
    if contains_unknown(view):
        raise ConfigError('the converted config holds values the static reader cannot '
                          'compute', file=path, fix='use --schedule-only')
    skipped_new = _apply_options(view, options, 'converted')
    randomness = view.get('randomness')
    converted_seed = _own_seed(randomness.get('seed') if isinstance(randomness, dict) else None,
                               seed)
    has_val_phase = _legacy_val_phases(legacy) > 0
    with converted_modules_imported(modules, path):
        watch = engine_watch([sys.modules[m.name] for m in modules], view,
                             separate_val=not has_val_phase)
        with hook_errors_named(watch, side='converted', file=path,
                               modules=', '.join(m.converted_path for m in modules)):
            converted_series, bridged = run_converted(
                view, file=path, work_dir=os.path.join(work, 'converted_run'),
                seed=converted_seed, iters=iters, legacy=legacy, watch=watch)
    bridged = [_module_note(m) for m in modules] + bridged
    c = RunComparison(config=path, target=target, legacy=legacy_series,
                      converted=converted_series, bridged=bridged, stopped_at=iters)
    for dotted in skipped_legacy:
        c.expected.append((f'--cfg-options {dotted}', 'no such key on the legacy side'))
    for dotted in skipped_new:
        c.expected.append((f'--cfg-options {dotted}', 'no such key on the converted side'))
    runner = legacy.get('runner') or {}
    by_epoch = runner.get('type', 'EpochBasedRunner') != 'IterBasedRunner'
    max_epochs = runner.get('max_epochs', legacy.get('total_epochs'))
    _compare_series(c)
    _compare_end(c, max_epochs, by_epoch)
    hook_failures, hook_expected = compare_custom_hooks(
        legacy_series.custom_hooks, converted_series.custom_hooks,
        legacy_has_val_phase=has_val_phase)
    c.failures += hook_failures
    c.expected += hook_expected
    _expected_from_config(c, legacy)
    if not keep_dir:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    return c
