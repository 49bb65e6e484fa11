"""The merged view of a converted (new-style) config tree, read statically: what MMEngine's
``Config.fromfile`` would hold, without executing a line of it.

Each file is read by the static evaluator (``migrate.static``: values, names, arithmetic,
``_base_.x`` and ``{{_base_.x}}`` references); the files are then merged over their bases with
MMEngine's rules (:func:`engine.config.merge.merge_mmengine`), not MMCV's, because a converted
tree is loaded by MMEngine. ``custom_imports`` stays a plain key: nothing is imported.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from engine.config.merge import merge_mmengine
from engine.merge_keys import DELETE_KEY
from migrate.static import ConfigLoader, ConfigTree, Opaque, load_config_tree
from migrate.static.merge import combine_bases
from migrate.static.values import detached_copy


def load_converted_view(path: str, loader: Optional[ConfigLoader] = None) -> Dict[str, Any]:
    """``path``'s keys after MMEngine merges its ``_base_`` chain (a fresh dict)."""
    tree = load_config_tree(path, loader or ConfigLoader())
    return detached_copy(_merged(tree, {}))


def _merged(tree: ConfigTree, done: Dict[str, dict]) -> dict:
    path = tree.file.path
    if path not in done:
        bases = [_merged(base, done) for base in tree.bases]
        combined = combine_bases(bases, tree.file.base_paths, path) if bases else {}
        done[path] = _merge_file(tree.file.own, combined, path)
    return done[path]


def _merge_file(own: dict, base: dict, path: str) -> dict:
    # A key whose merge meets a value the evaluator could not compute is unknown as a whole:
    # MMEngine would merge or refuse it depending on that value.
    unknown = [key for key, value in own.items() if _meets_unknown(value, base.get(key))]
    known = {key: value for key, value in own.items() if key not in unknown}
    merged = merge_mmengine(known, base, adopt_dict=detached_copy, adopt=detached_copy,
                            file=path)
    for key in unknown:
        merged[key] = Opaque(f'{key} merged over a base value that is not known')
    return merged


def _meets_unknown(child: Any, base: Any) -> bool:
    """True when merging ``child`` into ``base`` depends on a value that is not known."""
    if not isinstance(child, dict) or base is None:
        return False
    flag = child.get(DELETE_KEY, False)
    if isinstance(flag, Opaque):
        return True
    if flag:
        return False
    if isinstance(base, Opaque):
        return True
    if not isinstance(base, dict):
        return False   # MMEngine refuses it; merge_mmengine says so with the key
    return any(_meets_unknown(v, base.get(k)) for k, v in child.items() if k != DELETE_KEY)

