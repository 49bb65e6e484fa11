"""``Config``: a loaded config with its file name and source text."""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, Optional, Union

from engine.errors import ConfigError

from . import dump as dumping
from . import formats, loader
from .config_dict import ConfigDict, missing_key_message
from .merge import merge_into
from .options import SOURCE as OPTIONS_SOURCE
from .options import options_to_tree, parse_cfg_options

RESERVED_KEYS = ('filename', 'text', 'pretty_text', 'env_variables')
_STATE = ('_cfg_dict', '_filename', '_text', '_env_variables', '_sources')


class ConfigKeyError(ConfigError, AttributeError):
    """A missing key read as an attribute of a :class:`Config` (also an ``AttributeError``,
    so ``hasattr`` and ``getattr(cfg, key, default)`` keep working)."""


class Config:
    """A config: a :class:`ConfigDict` plus the file it came from.

    Keys read as attributes or items (``cfg.optim_wrapper.optimizer.lr``, ``cfg['model']``);
    ``get``, ``in``, ``len``, iteration, ``keys``/``items``/``values`` work as on a dict, and
    other ``ConfigDict`` methods (``update``, ``pop``, ``setdefault``) are forwarded.

    Args:
        cfg_dict: the config values.
        cfg_text: the source text; read from ``filename`` when not given.
        filename: the file the config came from.
        env_variables: environment variables the file used (``{{$NAME:default}}``).
    """

    def __init__(self, cfg_dict: Optional[dict] = None, cfg_text: Optional[str] = None,
                 filename: Optional[Union[str, Path]] = None,
                 env_variables: Optional[Dict[str, str]] = None):
        filename = str(filename) if filename is not None else None
        if cfg_dict is None:
            cfg_dict = ConfigDict()
        elif not isinstance(cfg_dict, dict):
            raise ConfigError(f'a config must be a dict, got {type(cfg_dict).__name__}',
                              file=filename)
        for key in RESERVED_KEYS:
            if key in cfg_dict:
                raise ConfigError('is reserved by Config and cannot be a config key',
                                  file=filename, key=key, fix='rename the key')
        if not isinstance(cfg_dict, ConfigDict):
            cfg_dict = ConfigDict(cfg_dict)
        if cfg_text is None:
            cfg_text = ''
            if filename and os.path.isfile(filename):
                with open(filename, encoding='utf-8') as handle:
                    cfg_text = handle.read()
        self._set_state(cfg_dict, filename, cfg_text, dict(env_variables or {}), {})

    def _set_state(self, cfg_dict, filename, text, env_variables, sources) -> None:
        for name, value in zip(_STATE, (cfg_dict, filename, text, env_variables, sources)):
            object.__setattr__(self, name, value)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def fromfile(cls, filename: Union[str, Path],
                 cfg_options: Optional[Union[dict, Iterable[str]]] = None, *,
                 import_custom_modules: bool = True) -> 'Config':
        """Load a ``.py``, ``.yaml``/``.yml`` or ``.json`` config with its ``_base_`` tree.

        Args:
            filename: the config file.
            cfg_options: overrides, as a dict of dotted keys (``{'a.b': 1}``) or as
                ``['a.b=1', ...]`` strings (see :func:`parse_cfg_options`).
            import_custom_modules: import the modules named in ``custom_imports``.
        """
        loaded = loader.load_file(str(filename))
        cfg = cls._from_loaded(loaded, str(filename))
        if import_custom_modules:
            source = loaded.sources.get('custom_imports', os.path.abspath(str(filename)))
            loader.import_custom_modules(cfg._cfg_dict, source)
        if cfg_options:
            cfg.merge_from_dict(cfg_options)
        return cfg

    @classmethod
    def fromstring(cls, cfg_str: str, file_format: str) -> 'Config':
        """Build a config from source text; ``file_format`` is ``.py``, ``.yaml``, ``.yml`` or
        ``.json`` (the dot is optional). Relative ``_base_`` paths start from the cwd."""
        return cls._from_loaded(loader.load_text(cfg_str, file_format), None)

    @classmethod
    def _from_loaded(cls, loaded: 'loader.Loaded', filename: Optional[str]) -> 'Config':
        cfg = cls(loaded.cfg, cfg_text=loaded.text, filename=filename,
                  env_variables=loaded.env_variables)
        object.__setattr__(cfg, '_sources', dict(loaded.sources))
        return cfg

    # -- properties ---------------------------------------------------------------------------

    @property
    def filename(self) -> Optional[str]:
        """The file this config was loaded from, as given, or ``None``."""
        return self._filename

    @property
    def text(self) -> str:
        """Source text of the file and all its bases, each preceded by its path."""
        return self._text

    @property
    def env_variables(self) -> Dict[str, str]:
        """Environment variables substituted into the config."""
        return self._env_variables

    @property
    def pretty_text(self) -> str:
        """The config as Python source (``key = value`` lines) that loads back equal."""
        return dumping.python_source(self.to_dict(), strict=False, file=self._filename)

    # -- mapping interface --------------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if name.startswith('__') or name in _STATE:
            raise AttributeError(name)
        cfg_dict = self._cfg_dict
        if hasattr(ConfigDict, name):
            return getattr(cfg_dict, name)
        try:
            return cfg_dict[name]
        except KeyError:
            raise ConfigKeyError(f'the config has {missing_key_message(name, cfg_dict.keys())}',
                                 file=self._filename, key=name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        del self[name]

    def __getitem__(self, name: Any) -> Any:
        return self._cfg_dict[name]

    def __setitem__(self, name: Any, value: Any) -> None:
        if name in RESERVED_KEYS:
            raise ConfigError('is reserved by Config and cannot be a config key',
                              file=self._filename, key=str(name), fix='rename the key')
        self._cfg_dict[name] = value

    def __delitem__(self, name: Any) -> None:
        del self._cfg_dict[name]

    def __contains__(self, name: Any) -> bool:
        return name in self._cfg_dict

    def __iter__(self) -> Iterator:
        return iter(self._cfg_dict)

    def __len__(self) -> int:
        return len(self._cfg_dict)

    def get(self, key: Any, default: Any = None) -> Any:
        """``cfg[key]`` if the key exists, else ``default``."""
        return self._cfg_dict.get(key, default)

    def keys(self):
        return self._cfg_dict.keys()

    def values(self):
        return self._cfg_dict.values()

    def items(self):
        return self._cfg_dict.items()

    def __repr__(self) -> str:
        return f'Config (path: {self._filename}): {dict.__repr__(self._cfg_dict)}'

    # -- copies and pickling ------------------------------------------------------------------

    def __getstate__(self) -> dict:
        return {name: getattr(self, name) for name in _STATE}

    def __setstate__(self, state: dict) -> None:
        self._set_state(*(state[name] for name in _STATE))

    def copy(self) -> 'Config':
        """A shallow copy: a new top-level dict, nested values shared."""
        other = type(self).__new__(type(self))
        other._set_state(self._cfg_dict.copy(), self._filename, self._text,
                         dict(self._env_variables), dict(self._sources))
        return other

    __copy__ = copy

    def __deepcopy__(self, memo: dict) -> 'Config':
        other = type(self).__new__(type(self))
        memo[id(self)] = other
        other._set_state(*(copy.deepcopy(getattr(self, name), memo) for name in _STATE))
        return other

    def to_dict(self) -> dict:
        """The config as plain nested dicts, lists and tuples."""
        return self._cfg_dict.to_dict()

    # -- changing and writing -----------------------------------------------------------------

    def merge_from_dict(self, options: Union[dict, Iterable[str]],
                        allow_list_keys: bool = True) -> None:
        """Merge overrides with dotted keys, e.g. ``{'model.depth': 50, 'pipeline.0.type': 'X'}``.

        Digit parts index into lists when ``allow_list_keys``. ``options`` may also be a list of
        ``'key=value'`` strings (see :func:`parse_cfg_options`). Merging follows the rules of
        the config files: a dict value is merged into the existing dict (``_delete_`` allowed).
        """
        if not isinstance(options, dict):
            options = parse_cfg_options(options)
        tree = options_to_tree(options)
        try:
            merged = merge_into(tree, self._cfg_dict, allow_list_keys=allow_list_keys,
                                file=OPTIONS_SOURCE)
        except ConfigError as exc:
            where = f' (config {self._filename})' if self._filename else ''
            raise ConfigError(f'cannot apply the override{where}: {exc.message}',
                              file=exc.file, key=exc.key, fix=exc.fix) from None
        object.__setattr__(self, '_cfg_dict', ConfigDict(merged))

    def dump(self, file: Optional[Union[str, Path]] = None) -> Optional[str]:
        """Write the config to ``file`` (format from its extension) or return it as text.

        Without ``file`` the text has the format of :attr:`filename` (Python if unknown).
        """
        if file is None:
            ext = os.path.splitext(self._filename or '')[1].lower()
            ext = ext if ext in formats.EXTENSIONS else '.py'
            if ext in formats.PY_EXTS:
                return self.pretty_text
            return dumping.dump_text(self._cfg_dict, ext, file=self._filename)
        path = str(file)
        ext = formats.check_extension(os.path.splitext(path)[1], path)
        text = dumping.dump_text(self._cfg_dict, ext, file=path)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)
        return None
