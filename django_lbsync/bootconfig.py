"""loopback-boot's configuration files: a main `<name>.json` and the overlays it merges over it
(`<name>.local.json`, then `<name>.<NODE_ENV>.json`), with loopback-boot's merge rules
(docs/loopback-rules/boot-config.md).

Overlays are untrusted input like the main file: read by jsonfiles.read_json, every failure a problem
naming the overlay. A `.js` overlay is code, which django-lbsync never runs: it is named in a warning.
"""
from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import sourcefs
from .exceptions import ConfigurationError, DefinitionProblem
from .jsonfiles import read_json

#: loopback-boot's environment when neither its `env` option nor NODE_ENV is set.
DEFAULT_ENV = "development"

#: Warning code of an overlay loopback-boot applies and django-lbsync does not (docs/input-validation.md).
OVERLAY_NOT_APPLIED = "lbsync.W013"


def default_env() -> str:
    """NODE_ENV, or "development" when it is unset or empty, as loopback-boot chooses."""
    return os.environ.get("NODE_ENV") or DEFAULT_ENV


def env_problem(env: Any) -> str | None:
    """Why `env` cannot name an overlay file, or None. The overlay is `<name>.<env>.json` beside the main file,
    so a path separator or a NUL would make it a file elsewhere (or no file name at all)."""
    if not isinstance(env, str) or not env:
        return f"must be a non-empty string, not {env!r}"
    if any(char in env for char in ("/", "\\", "\0")):
        return f"must be a plain name (no '/', '\\\\' or NUL: it becomes part of a file name), not {env!r}"
    return None


def checked_env(env: str | None, what: str = "env") -> str:
    """`env`, or default_env() when None; a ConfigurationError naming `what` (or NODE_ENV) when it cannot
    name an overlay."""
    if env is None:
        env, what = default_env(), "the environment variable NODE_ENV"
    why = env_problem(env)
    if why:
        raise ConfigurationError(f"{what} {why}")
    return env


@dataclass
class BootConfig:
    """A main file merged with its overlays. `data` is None when the main file could not be read;
    `origin` says which file last wrote each top-level key (to name it in a problem); `applied` the
    overlays merged, in order."""

    main: Path
    data: Any = None
    origin: dict[str, Path] = field(default_factory=dict)
    applied: list[Path] = field(default_factory=list)
    found: bool = False  # the main file is there (`data` None: it is missing, unreadable, or JSON null)
    #: which overlay last wrote each key one level down, (top-level key, key) -> file: an overlay that merges a
    #: datasource's host did not write its connector
    inner_origin: dict[tuple[str, str], Path] = field(default_factory=dict)

    def file_of(self, key: str, inner: str | None = None) -> Path:
        """The file that last wrote `key`, or with `inner` the key `inner` inside it (the main file when no
        overlay did)."""
        if inner is not None:
            return self.inner_origin.get((key, inner), self.main)
        return self.origin.get(key, self.main)


def load_with_overlays(main: Path, env: str, problems: list[DefinitionProblem],
                       warnings: list[DefinitionProblem]) -> BootConfig:
    """The main file (`<name>.json`) with `<name>.local` and `<name>.<env>` merged over it, in that order, as
    loopback-boot's loadNamed does. When the main file is missing, loopback-boot reads none of them (it
    warns), so neither do we; an overlay left over that way is a warning."""
    config = BootConfig(main)
    name = main.name.removesuffix(".json")
    overlays = [_overlay(main.parent, name, suffix) for suffix in _suffixes(env)]
    if not _exists(main):
        for found, _shadowed in overlays:
            if found is not None:
                warnings.append(DefinitionProblem(
                    f"not applied: {main.name} is missing, and loopback-boot then reads none of its overlays "
                    "(it warns \"Main config file is missing\"); neither does django-lbsync", path=found,
                    code=OVERLAY_NOT_APPLIED))
        return config
    config.found = True
    config.data = read_json(main, problems, warnings)
    if not isinstance(config.data, dict):
        return config  # the caller names what the main file should be; nothing to merge into
    config.origin = dict.fromkeys(config.data, main)
    for found, shadowed in overlays:
        if found is None:
            continue
        if found.suffix != ".json":
            also = (f"; {shadowed.name} beside it is not applied either: loopback-boot reads the .js one instead"
                    if shadowed is not None else "")
            warnings.append(DefinitionProblem(
                f"not applied: loopback-boot merges this JavaScript file over {main.name}, but django-lbsync "
                f"does not run code, so the schema is built without it{also}", path=found,
                code=OVERLAY_NOT_APPLIED))
            continue
        known = len(problems)
        overlay = read_json(found, problems, warnings)
        if overlay is None or len(problems) > known:
            continue  # read_json named the problem; merging what is left would only add echoes of it
        if not isinstance(overlay, dict):
            problems.append(DefinitionProblem(f"an overlay of {main.name} must be a JSON object", path=found))
            continue
        merged = copy.deepcopy(config.data)  # a merge that fails part-way leaves no half-merged file behind
        failure = merge_over(merged, overlay)
        if failure:
            problems.append(DefinitionProblem(f"cannot be merged over {main.name}: {failure}; loopback-boot "
                                              "refuses to boot with it", path=found))
            continue
        config.data = merged
        config.origin.update(dict.fromkeys(overlay, found))
        for key, value in overlay.items():
            if isinstance(value, dict):
                config.inner_origin.update(dict.fromkeys(((key, inner) for inner in value), found))
        config.applied.append(found)
    return config


# ---- loopback-boot's dynamic values: `${NAME}` in a datasource --------------------------------------------

#: loopback-boot's DYNAMIC_CONFIG_PARAM: a string that ENDS in `${NAME}` stands, whole, for that variable's
#: value (the pattern is anchored at the end only, and nothing is spliced: `"x-${A}"` becomes A's value).
#: JavaScript's `\w` is ASCII.
_DYNAMIC = re.compile(r"\$\{([A-Za-z0-9_]+)\}\Z")


@dataclass(frozen=True)
class Dynamic:
    """A datasource value written as `${NAME}` and what it resolves to here (docs/loopback-rules/boot-config.md
    #dynamic-values): the environment variable NAME, else the key NAME of config.json (app.get), else nothing."""

    written: str
    variable: str
    value: Any = None  # the variable's value; None when `source` is None
    source: str | None = None  # "the environment variable", or the config file that set it; None: unresolved
    path: Path | None = None  # the config file that set it (None: the environment, or unresolved)

    @property
    def resolved(self) -> Any:
        """The value when it is one at boot: None when unresolved or JavaScript-false ("", null, false, 0), which
        loopback-boot and the juggler take as no value."""
        return self.value if self.source is not None and js_truthy(self.value) else None


def js_truthy(value: Any) -> bool:
    """JavaScript's truthiness of a JSON value: null, false, 0 and "" are false; [] and {} are true."""
    if value is None or value is False or value == "":
        return False
    return not (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)


class AppSettings:
    """What `app.get(name)` answers in a booted LoopBack app, as far as files say: the top-level keys of
    config.json beside datasources.json, with its overlays merged as loopback-boot merges them. Read when first
    asked (an app whose datasources ask for nothing is never held to its config.json); its problems are the
    caller's, as the other files' are."""

    def __init__(self, main: Path, env: str, problems: list[DefinitionProblem], warnings: list[DefinitionProblem]):
        self._main, self._env, self._problems, self._warnings = main, env, problems, warnings
        self._config: BootConfig | None = None

    def get(self, name: str) -> tuple[bool, Any, Path | None]:
        """(found, value, the file that set it)."""
        if self._config is None:
            known = len(self._problems)
            self._config = load_with_overlays(self._main, self._env, self._problems, self._warnings)
            if self._config.found and len(self._problems) == known and not isinstance(self._config.data, dict):
                # loopback-boot fails on it (it marks the loaded object with its file name), as we refuse a
                # model-config.json or datasources.json that is no object
                self._problems.append(DefinitionProblem("config must be a JSON object", path=self._main))
        data = self._config.data
        if isinstance(data, dict) and name in data:  # null too: app.get answers it (not undefined)
            return True, data[name], self._config.file_of(name)
        return False, None, None


def dynamic_value(value: Any, settings: AppSettings) -> Dynamic | None:
    """`value` resolved as loopback-boot resolves a datasource's `${NAME}` at boot (getConfigVariable, with its
    environment variables on): process.env.NAME when it is set (even empty), else app.get(NAME), else
    nothing (loopback-boot makes the value undefined, and warns). None when `value` is no such string."""
    match = _DYNAMIC.search(value) if isinstance(value, str) else None
    if match is None:
        return None
    variable = match[1]
    from_environment = sourcefs.environ(variable)
    if from_environment is not None:
        return Dynamic(value, variable, from_environment, "the environment variable")
    found, setting, where = settings.get(variable)
    if found:
        return Dynamic(value, variable, setting, where.name, where)
    return Dynamic(value, variable)


def _suffixes(env: str) -> list[str]:
    # env "local" names the same file twice; merging it a second time changes nothing, so it is read once.
    return ["local"] if env == "local" else ["local", env]


def _overlay(folder: Path, name: str, suffix: str) -> tuple[Path | None, Path | None]:
    """(the overlay loopback-boot reads, a .json it then ignores): it looks for `.js` before `.json` and
    takes the first that exists (findConfigFiles' ifExistsWithAnyExt)."""
    script, data = folder / f"{name}.{suffix}.js", folder / f"{name}.{suffix}.json"
    if _exists(script):
        return script, data if _exists(data) else None
    return (data if _exists(data) else None), None


def _exists(path: Path) -> bool:
    """Anything at `path`, as loopback-boot's fs.statSync check: a folder or a FIFO is "found" too (and then
    read_json names why it cannot be read). A name the file system refuses (too long) is not found."""
    return sourcefs.kind(path) in ("file", "folder", "other")


# ---- loopback-boot's mergeObjects, mergeSingleItemOrProperty, mergeArrays and hasCompatibleType ----

def merge_over(target: dict, overlay: dict) -> str | None:
    """Merge `overlay` into `target` in place as loopback-boot does; the reason it refuses, or None.

    Objects merge key by key, recursively; a list merges item by item and only with a list of the same
    length; anything else replaces the value. What the main file has decides what may come over it: over an
    object an object, a list or null; over a list a list; over a string, number or boolean anything but an
    object, a list or null. A key the main file lacks (or has as null, in one case) takes whatever comes.
    """
    return _merge_object(target, overlay, "")


def _merge_object(target: dict, overlay: dict | list, where: str) -> str | None:
    # A list merged into an object gives the object keys "0", "1", ... (JavaScript's for-in over an array).
    items = overlay.items() if isinstance(overlay, dict) else ((str(i), v) for i, v in enumerate(overlay))
    for key, value in items:
        failure = _merge_value(target, key, value, f"{where}.{key}" if where else key)
        if failure:
            return failure
    return None


def _merge_value(target: dict | list, key: str | int, new: Any, where: str) -> str | None:
    present = key in target if isinstance(target, dict) else True
    old = target.get(key) if isinstance(target, dict) else target[key]
    if not _compatible(old, new):
        return (f'"{where}" is {_kind(new)} in the overlay but {_kind(old)} before it (loopback-boot: "Cannot '
                'merge values of incompatible types")')
    if isinstance(old, list):
        if len(old) != len(new):
            return (f'"{where}" is a list of {len(new)} items in the overlay but of {len(old)} before it '
                    '(loopback-boot: "Cannot merge array values of different length")')
        for index in range(len(old)):
            failure = _merge_value(old, index, new[index], f"{where}[{index}]")
            if failure:
                return failure
        return None
    if present and old is None and new is not None:
        # JavaScript's typeof null is "object", so loopback-boot merges the new value *into* null: it fails
        # reading a key of null as soon as the new value has one, and otherwise leaves the null in place.
        if (isinstance(new, (dict, list, str))) and len(new):
            return (f'"{where}" is null before the overlay, and loopback-boot fails merging {_kind(new)} into '
                    "null (TypeError: Cannot read properties of null)")
        return None
    if new is not None and isinstance(old, dict):
        return _merge_object(old, new, where)
    target[key] = new
    return None


def _compatible(old: Any, new: Any) -> bool:
    """loopback-boot's hasCompatibleType, with JavaScript's `typeof null == "object"` spelled out."""
    if old is None:
        return True
    if isinstance(old, list):
        return isinstance(new, list)
    if isinstance(old, dict):
        return new is None or isinstance(new, (dict, list))
    return not (new is None or isinstance(new, (dict, list)))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"
