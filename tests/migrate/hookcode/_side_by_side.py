"""Running a legacy hook module on compat beside its converted module on the engine: the same
legacy-run fixture trained by ``train_legacy_config`` (legacy hook added as an extra hook) and,
converted, by the engine's ``Runner`` with the legacy model bridged (as ``migrate verify``
does), the converted hook object added to ``custom_hooks``."""
from __future__ import annotations

import copy
import importlib.util
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
LEGACY_HOOKS = os.path.join(ROOT, 'fixtures', 'legacy_hooks')
CONVERTED_HOOKS = os.path.join(ROOT, 'fixtures', 'converted_hooks', 'engine')
RUNS = os.path.join(ROOT, 'fixtures', 'legacy_runs')
TIMESTAMP = '19700101_000000'


def _registries():
    from compat.runner import HOOKS as LEGACY_HOOKS_REGISTRY
    from engine.registry import HOOKS, OPTIM_WRAPPERS
    # OPTIM_WRAPPERS: HK008 ports an optimizer hook to an optim wrapper
    return [LEGACY_HOOKS_REGISTRY, HOOKS, OPTIM_WRAPPERS]


def _exec_module(path: str, name: str):
    # The module's registrations are forced and then taken back: its class names are taken
    # already when another test (or a broken copy in a failure proof) loaded the same fixture,
    # and the registries are left as they were, plus whatever else an import registered.
    registries = _registries()
    saved = [dict(r._modules) for r in registries]
    for registry in registries:
        registry.register_module = _forcing(registry)
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        finally:
            sys.modules.pop(name, None)
        return module
    finally:
        for registry, before in zip(registries, saved):
            del registry.register_module
            others = {k: v for k, v in registry._modules.items()
                      if getattr(v, '__module__', None) != name}
            registry._modules.clear()
            registry._modules.update(others)
            registry._modules.update(before)


def _forcing(registry):
    method = type(registry).register_module

    def register_module(name=None, force=False, module=None):
        return method(registry, name, True, module)

    return register_module


def load_legacy(stem: str):
    """``fixtures/legacy_hooks/<stem>.py`` imported unchanged, ``mmcv`` aliased to compat for
    that import only."""
    import compat
    installed = compat.is_mmcv_alias_installed()
    compat.install_mmcv_alias()
    try:
        return _exec_module(os.path.join(LEGACY_HOOKS, f'{stem}.py'), f'_legacy_hook_{stem}')
    finally:
        if not installed:
            compat.uninstall_mmcv_alias()


def load_converted(stem: str, path: Optional[str] = None):
    """The engine-target conversion of ``stem`` (or the module at ``path``)."""
    return _exec_module(path or os.path.join(CONVERTED_HOOKS, f'{stem}.py'),
                        f'_converted_hook_{stem}')


def legacy_view(run: str) -> Dict[str, Any]:
    from migrate.convert.converter import Converter
    from migrate.static import load_config_tree
    return copy.deepcopy(load_config_tree(os.path.join(RUNS, f'{run}.py'),
                                          Converter(target='engine').loader).merged)


def run_legacy(run: str, work_dir: str, hooks: Sequence[Tuple[Any, Any]], seed: int = 0,
               edit=None):
    """Train ``fixtures/legacy_runs/<run>.py`` on compat with ``hooks`` (hook, priority)
    added; the runner after training. ``edit(cfg_dict)`` may change the config first."""
    from compat.apis import train_legacy_config
    from compat.utils.config import Config
    from migrate.verify.custom_modules import import_custom as _import_custom

    legacy = legacy_view(run)
    if edit is not None:
        edit(legacy)
    _import_custom(legacy, run)
    cfg = Config(legacy, filename=os.path.join(RUNS, f'{run}.py'))
    return train_legacy_config(cfg, work_dir, seed=seed, timestamp=TIMESTAMP,
                               extra_hooks=list(hooks))


def run_converted(run: str, work_dir: str, hooks: Sequence[Any], epoch_len: int,
                  seed: int = 0, edit=None, load_from: Optional[str] = None):
    """Convert ``<run>.py`` for the engine and train it with the legacy model bridged and
    ``hooks`` (hook objects) in ``custom_hooks``; the runner after training. ``load_from``:
    a checkpoint to start from (the run's own load_from and resume are dropped)."""
    from compat.on_engine import bridge_legacy_parts
    from engine.runner import Runner
    from migrate.convert.converter import Converter
    from migrate.verify.converted_view import load_converted_view
    from migrate.verify.schedule import write_converted_tree
    from migrate.verify.custom_modules import import_custom as _import_custom
    from migrate.verify.whole_run import _legacy_val_phases

    path = write_converted_tree(os.path.join(RUNS, f'{run}.py'),
                                Converter(target='engine', epoch_len=epoch_len),
                                os.path.join(work_dir, 'converted'))
    cfg = copy.deepcopy(load_converted_view(path))
    if edit is not None:
        edit(cfg)
    _import_custom(cfg, run)
    cfg, _bridged = bridge_legacy_parts(cfg, seed=seed)
    assert cfg['model']['type'] == 'LegacyModelAdapter'
    cfg['model']['type'] = _transparent_adapter()
    extra: List[Any] = []
    phases = _legacy_val_phases(legacy_view(run))
    if phases:
        from compat.on_engine.workflow_draws import LegacyValPhaseDraws
        extra.append(LegacyValPhaseDraws(legacy_view(run), phases))
    cfg['custom_hooks'] = list(cfg.get('custom_hooks') or []) + extra + list(hooks)
    cfg['work_dir'] = os.path.join(work_dir, 'run')
    cfg['randomness'] = dict(cfg.get('randomness') or {}, seed=seed)
    cfg.pop('load_from', None)
    cfg['resume'] = False
    if load_from is not None:
        cfg['load_from'] = load_from
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def weights(model) -> Dict[str, Any]:
    module = model.module if hasattr(model, 'module') else model
    return {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}


def assert_same_weights(a: Dict[str, Any], b: Dict[str, Any]) -> None:
    assert sorted(a) == sorted(b)
    for key in a:
        assert a[key].shape == b[key].shape, key
        assert bool((a[key] == b[key]).all()), f'{key} differs'


def hook_of(runner, cls):
    """The one hook of type ``cls`` the engine runner holds (the runner builds from a deep copy
    of the config, so a hook object put in ``custom_hooks`` is not the one that ran)."""
    found = [h for h in runner.hooks if isinstance(h, cls)]
    assert len(found) == 1, found
    return found[0]


def _transparent_adapter():
    from compat.on_engine.adapter import LegacyModelAdapter

    class TransparentAdapter(LegacyModelAdapter):
        """The bridge's adapter, see-through for attributes of the legacy model inside. The
        adapter is not a model wrapper, so a converted hook that reads or sets an attribute of
        "the model" (``unwrap_model(runner.model).momentum``) would meet the adapter, where in
        a real MMEngine project it meets the user's model; reads it lacks and writes to names
        the legacy model has go to that model, and so does a call with a mode of its own."""

        def forward(self, *args, mode='tensor', **kwargs):
            # a mode of the user's own (mode='extract') reaches the model, as on MMEngine
            if mode in ('loss', 'predict', 'tensor'):
                return super().forward(*args, mode=mode, **kwargs)
            return self._modules['module'](*args, mode=mode, **kwargs)

        def __getattr__(self, name):
            try:
                return super().__getattr__(name)
            except AttributeError:
                return getattr(self._modules['module'], name)

        def __setattr__(self, name, value):
            inner = self.__dict__.get('_modules', {}).get('module')
            if inner is not None and name not in self.__dict__ and hasattr(inner, name) \
                    and not hasattr(type(self), name):
                setattr(inner, name, value)
            else:
                super().__setattr__(name, value)

    return TransparentAdapter
