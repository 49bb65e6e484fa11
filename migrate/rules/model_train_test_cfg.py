"""MIG011: a top-level ``train_cfg``/``test_cfg`` that belongs to the *model* (MMCV 1.x era)
goes where its codebase read it, so that MMEngine's loop keys of the same names are free.

Which codebase: decided from the config itself, ``model.type`` first (``tables.
MODEL_TYPE_CODEBASE``), then the train dataset type (``tables.DATASET_TYPE_CODEBASE``, said
in a note); nothing else is guessed. Then:

* MMDet 2.x, MMSeg 0.x, MMAction2 0.x recognizers, MMDet3D 0.x handed them to the model
  builder as default arguments (MMDet ``tools/train.py``: ``build_detector(cfg.model,
  train_cfg=cfg.get('train_cfg'), test_cfg=cfg.get('test_cfg'))``, which ``setdefault``\\s
  them): they move into ``model.train_cfg``/``model.test_cfg``, as MMDet 2.4+ configs wrote
  them. An explicit ``model.train_cfg = None`` kept the top-level one out (note); both set
  and not None failed the builder's assertion (error).
* MMCls 0.x (``build_classifier(cfg.model)``) and MMSelfSup 0.x (``build_algorithm
  (cfg.model)``) never read them: they are removed with a 'dropped' finding (the setting
  had no effect, but its author may have believed it had). Keeping dead settings under a
  new name would suggest they do something (``train_cfg = dict(mixup=...)`` never mixed).
* An unknown codebase: the value is kept aside as ``legacy_train_cfg``/``legacy_test_cfg``
  (no effect in MMEngine) with a ``# migrate[MIG011]`` comment and a manual finding: the user
  moves it into the model or deletes it.

A ``train_cfg`` is MMEngine's loop when it has ``type``/``by_epoch``/``max_epochs``/
``max_iters`` (``tables.LOOP_CFG_KEYS``), a ``test_cfg`` when it has ``type`` or only
``fp16``; ``{}``/``None`` count as model settings in a config with legacy runtime keys (a
loop ``train_cfg`` cannot be empty). Runs before the runner and evaluation rules, which then
write the loops into free keys.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from engine.errors import ConfigError
from migrate.rules._codebase import codebase_of
from migrate.rules.base import DROPPED, MANUAL, NOTE, Plan, Rule
from migrate.static.values import detached_copy
from migrate.tables import CODEBASE_READS_TOP_LEVEL_MODEL_CFG, LEGACY_RUNTIME_KEYS, LOOP_CFG_KEYS

KEYS = ('train_cfg', 'test_cfg')
ASIDE = {key: f'legacy_{key}' for key in KEYS}


def is_loop_cfg(key: str, value: Any) -> bool:
    """True when ``value`` is MMEngine's loop setting for ``key`` (not a model setting)."""
    if not isinstance(value, dict):
        return False
    if key == 'test_cfg':
        return 'type' in value or (bool(value) and set(value) <= {'fp16'})
    return any(k in value for k in LOOP_CFG_KEYS[key])


def model_owned(plan: Plan) -> Dict[str, Any]:
    """The top-level train_cfg/test_cfg of the legacy view that are model settings."""
    legacy_view = any(k in plan.legacy for k in LEGACY_RUNTIME_KEYS)
    found = {}
    for key in KEYS:
        if key not in plan.legacy:
            continue
        value = plan.legacy[key]
        if is_loop_cfg(key, value) or not (value is None or isinstance(value, dict)):
            continue
        if value or legacy_view or (key == 'train_cfg' and value == {}):
            found[key] = value
    if 'test_cfg' not in found and 'train_cfg' in found and plan.legacy.get('test_cfg') in \
            ({}, None) and 'test_cfg' in plan.legacy:
        found['test_cfg'] = plan.legacy['test_cfg']   # the empty sibling of a model train_cfg
    return found


class ModelTrainTestCfg(Rule):
    id = 'MIG011'
    name = 'model-train-test-cfg'
    summary = ('a top-level model train_cfg/test_cfg moves into model (MMDet/MMSeg/MMAction2/'
               'MMDet3D read it there), is removed where the codebase never read it '
               '(MMCls/MMSelfSup), or is kept aside and reported when the codebase is unknown')
    legacy_keys = KEYS
    new_keys = ('model',) + tuple(ASIDE.values())

    def applies(self, plan: Plan) -> bool:
        return bool(model_owned(plan))

    def apply(self, plan: Plan) -> None:
        owned = model_owned(plan)
        codebase, evidence = codebase_of(plan.legacy)
        for key in owned:
            plan.values.pop(key, None)
        plan.consume(*owned)
        reads = CODEBASE_READS_TOP_LEVEL_MODEL_CFG.get(codebase) if codebase else None
        model = plan.values.get('model')
        for key, value in owned.items():
            if reads is None or (reads and not isinstance(model, dict)):
                self._aside(plan, key, value, codebase, evidence)
            elif reads:
                self._into_model(plan, key, value, codebase, evidence)
            elif value not in (None, {}):
                # dropped, not a note: the user may have believed it active
                self.report(plan, DROPPED, key,
                            f'{key} removed: {codebase} ({evidence}) never read a top-level '
                            f'{key} (its train script builds the model from cfg.model alone); '
                            f'a model setting belongs in model.{key}')

    def _into_model(self, plan: Plan, key: str, value: Any, codebase: str,
                    evidence: str) -> None:
        model = plan.values['model']
        if value is None:
            return   # a None default argument changed nothing
        if key in model:
            if model[key] is None:
                self.report(plan, NOTE, key, f'{key} removed: model.{key} = None kept the '
                            f'top-level one out ({codebase} passed it as a default argument)')
                return
            raise ConfigError(f'{key} is set both at the top level and in model ({codebase} '
                              "asserted 'specified in both outer field and model field')",
                              file=plan.source, key=key,
                              fix=f'keep only model.{key} and delete the top-level {key}')
        if plan.lookup(('model',)) is plan.legacy.get('model'):
            # the view shares the model with the bases' views: edit a copy
            plan.values['model'] = model = detached_copy(model)
            for item in model:
                plan.origins[('model', item)] = ('model', item)
        # rendered afresh, not from the top-level text: that text is indented one level less
        model[key] = detached_copy(value)
        self.report(plan, NOTE, key, f'moved into model.{key}: {codebase} ({evidence}) '
                    'handed the top-level one to the model builder')

    def _aside(self, plan: Plan, key: str, value: Any, codebase: Optional[str],
               evidence: str) -> None:
        aside = ASIDE[key]
        plan.set((aside,), detached_copy(value), origin=(key,))
        why = (f'{codebase}, but there is no model dict to put it in' if codebase else
               f'the codebase is not recognised ({evidence})')
        self.report(plan, MANUAL, key,
                    f'top-level {key} kept aside as {aside} (no effect in MMEngine): {why}; '
                    f'MMDet/MMSeg/MMAction2 0.x gave it to the model builder (move it into '
                    f'model.{key}), MMCls/MMSelfSup 0.x never read it (delete it)',
                    path=(aside,), marked=True)
