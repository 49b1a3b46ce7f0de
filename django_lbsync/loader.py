"""LoopBack model JSON -> resolved ModelDefinitions (docs/loopback-rules/models.md).

Sources are a LoopBack `model-config.json` (with `_meta.sources` and `dataSource` per model, plus
`datasources.json` beside it when present, each with the `.local` / `.<env>` overlays loopback-boot merges
over it: bootconfig.py), or folders / files of model JSON. Every problem is
collected and raised together as one DefinitionError, before anything touches a database.
"""
from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterable, Mapping  # not typing's: isinstance on typing.Mapping takes a slow detour
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .definitions import CONNECTOR_KEYS, KNOWN_TYPES, ModelDefinition, PropertyDefinition, RelationDefinition
from . import sourcefs
from .bootconfig import AppSettings, Dynamic, checked_env, dynamic_value, js_truthy, load_with_overlays
from .exceptions import DefinitionError, DefinitionProblem
from .jsonfiles import read_json

BUILTIN_DIR = Path(__file__).with_name("builtin_models")


# The roots of every LoopBack model chain. Both carry an injected `id`: the root Model is itself defined
# with idInjection on, so `idInjection: false` on a child does not remove it (docs/loopback-rules/models.md#idinjection).
ROOT_MODELS = ("Model", "PersistedModel")

# loopback-boot's default when model-config.json has no `_meta.sources`.
DEFAULT_SOURCES = ("loopback/common/models", "loopback/server/models", "../common/models", "./models")

# Datasource connectors that get tables. Anything else (memory, mail, rest, mongodb ...) gets none.
SQL_CONNECTORS = {"postgresql", "mysql", "oracle", "mssql", "sqlite3", "sqlite"}

# Files in a model folder that are configuration, not model definitions (loopback-boot's names).
NOT_MODEL_FILES = ("model-config", "datasources", "config", "component-config", "middleware")

# Warning codes (checks.py shows them, the commands print them; docs/input-validation.md). W004, a key written
# twice in one JSON object, is jsonfiles.DUPLICATE_KEY.
UNLISTED_MODEL_FILE = "lbsync.W005"
UNKNOWN_DATASOURCE = "lbsync.W006"
UNKNOWN_FK_ENTITY = "lbsync.W007"
ARRAY_OF_ANY = "lbsync.W008"
FILE_NOT_A_MODEL = "lbsync.W009"
IGNORED_RELATION_KEY = "lbsync.W010"
# W013, an overlay of model-config.json or datasources.json that is not applied, is bootconfig.OVERLAY_NOT_APPLIED.
DYNAMIC_CONNECTOR_UNSET = "lbsync.W014"

# Settings that are not copied from the top level of the JSON
# (docs/loopback-rules/models.md#settings-top-level-and-options).
NOT_SETTINGS = {"name", "properties", "options"}


@dataclass
class RawModel:
    name: str
    data: dict
    path: Path | str


@dataclass
class LoadedDefinitions:
    """What the loader hands on: attached models in attach order, per datasource."""

    models: dict[str, ModelDefinition] = field(default_factory=dict)
    # datasource name -> connector name ("postgresql", "memory", ...) or None when unknown
    datasources: dict[str, str | None] = field(default_factory=dict)
    # what LoopBack accepts but is probably a mistake, each with its code (lbsync.W004 and up)
    warnings: list[DefinitionProblem] = field(default_factory=list)

    def for_datasources(self, names: Iterable[str]) -> list[ModelDefinition]:
        wanted = set(names)
        return [m for m in self.models.values() if m.datasource in wanted]


def load_definitions(sources: str | Path | Iterable[str | Path], *, default_datasource: str = "db",
                     env: str | None = None) -> LoadedDefinitions:
    """Load and resolve model definitions from a model-config.json, folders or files.

    `env` picks the `model-config.<env>.json` / `datasources.<env>.json` overlays, as NODE_ENV does for
    loopback-boot; None: NODE_ENV, else "development" (conf.node_env() reads LBSYNC["NODE_ENV"])."""
    env = checked_env(env)
    if isinstance(sources, (str, Path)):
        sources = [sources]
    problems: list[DefinitionProblem] = []
    warnings: list[DefinitionProblem] = []
    registry = _Registry(problems, warnings)
    registry.add_folder(BUILTIN_DIR, builtin=True)
    attach: dict[str, str | None] = {}
    attach_paths: dict[str, Path] = {}
    datasources: dict[str, str | None] = {}
    for source in sources:
        path = Path(source)
        found = sourcefs.kind(path)
        if found == "file" and path.name.startswith("model-config"):
            _read_model_config(path, registry, attach, attach_paths, datasources, problems, warnings, env)
        elif found == "folder":
            for name in registry.add_folder(path):
                attach.setdefault(name, default_datasource)
        elif found == "file":
            registry.add_folder(path.parent)  # its siblings can be bases, but only this file is attached
            name = registry.add_file(path)
            if name:
                attach.setdefault(name, default_datasource)
        else:
            problems.append(DefinitionProblem(f"cannot be read: {found.removeprefix('unreadable: ')}"
                                              if found.startswith("unreadable") else "no such file or folder",
                                              path=path))
    resolver = _Resolver(registry, problems, warnings)
    loaded = LoadedDefinitions(datasources=datasources, warnings=warnings)
    for name, datasource in attach.items():
        if name not in registry.models:
            problems.append(
                DefinitionProblem(
                    "model is configured but no model definition file defines it",
                    path=attach_paths.get(name),
                    model=name,
                )
            )
            continue
        if datasource is None or not _is_sql(datasources.get(datasource, "")):
            # `dataSource: null` or a non-SQL connector: no table (Email on `mail`;
            # docs/loopback-rules/models.md#datasources-and-attachment)
            continue
        model = resolver.resolve(name)
        if model is not None:
            loaded.models[name] = _with_datasource(model, datasource)
    attached = [name for name, datasource in attach.items() if datasource is not None and name in registry.models]
    _add_relation_properties(loaded, resolver, problems, attached)
    known = set(registry.models) | set(loaded.models)  # once: per model it made the loader quadratic in N
    for model in loaded.models.values():
        _validate_references(model, problems, warnings, known)
    if problems:
        raise DefinitionError(problems, _unique(warnings))
    loaded.warnings = _unique(warnings)
    return loaded


def _unique(items: list[DefinitionProblem]) -> list[DefinitionProblem]:
    """In order, each once (a model resolved for two datasources warns once)."""
    return list(dict.fromkeys(items))


def _is_sql(connector: str | None) -> bool:
    """Unknown connector (no datasources.json) counts as SQL: the Django alias decides the database."""
    if connector is None or connector == "":
        return True
    return connector.removeprefix("loopback-connector-") in SQL_CONNECTORS


def _with_datasource(model: ModelDefinition, datasource: str) -> ModelDefinition:
    return ModelDefinition(model.name, model.properties, model.settings, model.source, datasource)


def _read_model_config(path, registry, attach, attach_paths, datasources, problems, warnings, env) -> None:
    """model-config.json and datasources.json beside it, each with the overlays loopback-boot merges over it
    (docs/loopback-rules/boot-config.md)."""
    model_config = load_with_overlays(path, env, problems, warnings)
    config = model_config.data
    if config is None:
        return
    if not isinstance(config, dict):
        problems.append(DefinitionProblem("model-config must be a JSON object", path=path))
        return
    meta = config.get("_meta") or {}
    sources = meta.get("sources") if isinstance(meta, dict) else None
    if not isinstance(meta, dict) or not (sources is None or _is_list_of_strings(sources)):
        problems.append(DefinitionProblem('"_meta.sources" must be a list of folder names',
                                          path=model_config.file_of("_meta")))
        sources = None
    in_folders: list[str] = []
    read: set[Path] = set()
    for source in sources or DEFAULT_SOURCES:
        if source.startswith("loopback/"):
            continue  # the built-ins, which ship with this package
        folder = _source_folder(path, source, problems)
        if folder is not None and folder not in read:  # a folder listed twice is read once
            read.add(folder)
            in_folders += registry.add_folder(folder)
    configured: list[str] = []
    for name, entry in config.items():
        if name == "_meta":
            continue
        written_in = model_config.file_of(name)
        refused = _model_config_entry_problem(entry)
        if refused:
            problems.append(DefinitionProblem(refused, path=written_in, model=name))
            continue
        datasource = entry.get("dataSource") if isinstance(entry, dict) else None
        if not js_truthy(datasource):
            # LoopBack attaches a model whose dataSource is null, false, 0 or "" to nothing ("Use `null` or
            # `false` to mark models not attached to any data source"); an entry that is not an object
            # has no dataSource, and LoopBack attaches it to nothing too.
            datasource = None
        elif not isinstance(datasource, str):
            problems.append(DefinitionProblem('"dataSource" must be a datasource name, null or false',
                                              path=written_in, model=name))
            continue
        attach[name] = datasource
        attach_paths[name] = written_in
        configured.append(name)
    datasources_config = load_with_overlays(path.with_name("datasources.json"), env, problems, warnings)
    if datasources_config.data is not None:
        data = datasources_config.data
        if not isinstance(data, dict):
            problems.append(DefinitionProblem("datasources must be a JSON object", path=datasources_config.main))
            data = {}
        app_settings = AppSettings(path.with_name("config.json"), env, problems, warnings)
        for ds_name, ds in data.items():
            connector = ds.get("connector") if isinstance(ds, dict) else None
            connector_in = datasources_config.file_of(ds_name, "connector")
            dynamic = dynamic_value(connector, app_settings)  # None for anything but a string ending in ${NAME}
            if dynamic is not None:
                connector = _dynamic_connector(ds_name, dynamic, connector_in, problems, warnings)
            if isinstance(ds, dict) and connector is not None and not isinstance(connector, str):
                # A list, a number or an object: LoopBack's boot fails on it (only a string names a connector;
                # juggler takes an object as the connector module itself). Read as text it silently attached
                # the datasource's models to nothing.
                problems.append(DefinitionProblem(
                    f'datasource "{ds_name}": "connector" must be a connector name (a string), got '
                    f"{_json_kind(connector)}; LoopBack fails to boot on it", path=connector_in))
            elif isinstance(ds, dict):
                datasources[ds_name] = connector or ""
            else:
                problems.append(DefinitionProblem(f'datasource "{ds_name}" must be a JSON object',
                                                  path=datasources_config.file_of(ds_name)))
        read_files = " or ".join(f.name for f in [datasources_config.main, *datasources_config.applied])
        for name in configured:
            datasource = attach[name]
            if datasource is not None and datasource not in data:
                # loopback-boot refuses to boot unless a file we do not read (a .js overlay, the
                # datasources.<env>.json of another environment) defines it: a warning
                # (docs/input-validation.md).
                warnings.append(DefinitionProblem(
                    f'dataSource "{datasource}" is not defined in {read_files}; LoopBack refuses to boot unless '
                    "another datasources file defines it", path=attach_paths[name], model=name,
                    code=UNKNOWN_DATASOURCE))
    registry.unlisted(path, [name for name in in_folders if name not in attach])


def _dynamic_connector(ds_name: str, dynamic: Dynamic, written_in: Path, problems: list[DefinitionProblem],
                       warnings: list[DefinitionProblem]) -> str:
    """The connector a datasource's `"connector": "${NAME}"` names at boot (docs/loopback-rules/boot-config.md
    #dynamic-values). Unresolved here (no such environment variable, no such key in config.json), or resolved
    to nothing: the connector is unknown, which counts as SQL (the Django database the datasource is mapped to
    decides), with lbsync.W014; LoopBack would boot that datasource with no connector. Resolved to something
    else than a string (from config.json): refused as a connector written so is, naming the file that set it
    (datasources.json holds a string there)."""
    if isinstance(dynamic.resolved, str):
        return dynamic.resolved
    if dynamic.resolved is not None:
        problems.append(DefinitionProblem(
            f'datasource "{ds_name}": "connector" is {_shown(dynamic.written)} in {written_in.name}, and '
            f'{dynamic.source} sets {_shown(dynamic.variable)} to a JSON {_json_kind(dynamic.resolved)}: "connector" must '
            "be a connector name (a string); LoopBack fails to boot on it", path=dynamic.path or written_in))
        return ""
    if dynamic.source is None:
        why = (f"neither the environment variable {_shown(dynamic.variable, quoted=False)} nor a "
               f"{_shown(dynamic.variable)} in config.json is set")
    else:
        why = f"{dynamic.source} {_shown(dynamic.variable, quoted=False)} is {_shown(dynamic.value)}"
    warnings.append(DefinitionProblem(
        f'datasource "{ds_name}": "connector" is {_shown(dynamic.written)}, and {why} here, so which connector '
        "LoopBack boots it with is not known (loopback-boot makes the value undefined, and LoopBack then finds no "
        "connector); its models are taken as SQL, in the Django database it is mapped to",
        path=written_in, code=DYNAMIC_CONNECTOR_UNSET))
    return ""


def _shown(value: Any, quoted: bool = True) -> str:
    """A value from a file or the environment in a message: as JSON (control characters escaped), cut at 80."""
    text = json.dumps(value) if quoted else str(value)
    return text if len(text) <= 80 else text[:80] + "..."


#: Keys of a LoopBack 1.x model-config entry (the model defined in model-config.json itself), which
#: loopback-boot refuses: "The data in model-config.json is in the unsupported 1.x format."
_ONE_X_KEYS = ("properties", "base", "plural")


def _model_config_entry_problem(entry: Any) -> str | None:
    """Why loopback-boot refuses to boot with this model-config entry, or None.

    It reads each entry's `options` (so `null` fails with a TypeError) and refuses the 1.x format, where
    an entry defines the model (`properties`, `base`, `plural`, `options.base`, `options.plural`): going on
    would silently drop what was written there."""
    if entry is None:
        return "a model-config entry must be an object (or false), not null: LoopBack does not boot with it"
    if not isinstance(entry, dict):
        return None  # LoopBack boots and attaches the model to no datasource (it warns), as we do
    options = entry.get("options") if isinstance(entry.get("options"), dict) else {}
    old = [key for key in _ONE_X_KEYS if js_truthy(entry.get(key))]
    old += [f"options.{key}" for key in ("base", "plural") if js_truthy(options.get(key))]
    if old:
        return (f"{', '.join(old)} in a model-config entry is LoopBack 1.x's format, which loopback-boot refuses; "
                "define the model in its own model JSON file")
    return None


def _source_folder(config: Path, source: str, problems: list[DefinitionProblem]) -> Path | None:
    """The folder a `_meta.sources` entry names, resolved against the model-config's folder, as
    loopback-boot resolves it (`~` and `${VAR}` are not expanded there either); None when it names no
    folder (loopback-boot skips those too). A path no file system can hold (a NUL, a name too long) or a
    symlink loop is a problem naming the entry: loopback-boot would not find models there either, and
    Python would raise."""
    shown_source = _shown(source, quoted=False)

    def cannot(why: str) -> None:
        problems.append(DefinitionProblem(f'"_meta.sources" entry {shown_source!r} cannot be read as a folder: '
                                          f"{why}", path=config))

    if "\x00" in source:  # each Python version words this differently (or not at all): said here, once
        cannot("embedded null byte")
        return None
    try:
        # strict: a symlink loop raises on every Python version (a lenient resolve stopped raising in 3.13).
        folder = sourcefs.resolve(config.parent / source)
    except (FileNotFoundError, NotADirectoryError):
        return None  # names nothing: skipped, as loopback-boot skips it
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a symlink loop on older versions
        cannot(exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc))
        return None
    return folder if sourcefs.kind(folder) == "folder" else None


def _is_list_of_strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


class _Registry:
    """Every model definition by name, with the file it came from. User files shadow built-ins."""

    def __init__(self, problems: list[DefinitionProblem], warnings: list[DefinitionProblem]):
        self.models: dict[str, RawModel] = {}
        self._builtin: set[str] = set()
        self._derived: set[str] = set()  # named after their file (no "name" in the JSON)
        self._problems = problems
        self._warnings = warnings

    def warn(self, code: str, message: str, path: Path, model: str | None = None) -> None:
        self._warnings.append(DefinitionProblem(message, path=path, model=model, code=code))

    def unlisted(self, config: Path, names: list[str]) -> None:
        """lbsync.W005: model files of the config's source folders that it does not list. A model another one
        extends (`base`) is listed through it, so only the ones nothing uses are named."""
        # Only a string names a base (anything else is refused later, with its own message).
        used = {raw.data.get("base") for raw in self.models.values() if isinstance(raw.data.get("base"), str)}
        used |= {raw.data["options"]["base"] for raw in self.models.values()
                 if isinstance(raw.data.get("options"), dict) and isinstance(raw.data["options"].get("base"), str)}
        for name in names:
            if name not in used and name not in self._builtin:
                self.warn(UNLISTED_MODEL_FILE, f"model file is not listed in {config.name}: LoopBack defines the "
                          "model but attaches it to no datasource, so it gets no table", self.models[name].path,
                          name)

    def add_folder(self, folder: Path, builtin: bool = False) -> list[str]:
        """Every model file of a source folder; loopback-boot skips files whose name starts with `_`."""
        names = []
        for path in sourcefs.json_files(folder):
            if path.name.startswith(NOT_MODEL_FILES) or path.name.startswith("_"):
                continue
            name = self.add_file(path, builtin=builtin, in_folder=True)
            if name:
                names.append(name)
        return names

    def add_file(self, path: Path, builtin: bool = False, in_folder: bool = False) -> str | None:
        """Register one model file; the model's name, or None when the file is no model.

        loopback-boot names a definition without `name` after its file (`order-item.json` ->
        `Orderitem`, docs/loopback-rules/models.md#model-files-without-a-name). Such a file in a model
        folder is often a data or seed file, so it is registered (a model-config entry or a `base` may
        name it) but only attached from a folder when it declares `properties`; a file that is not a
        JSON object is skipped with a warning: LoopBack boots the app all the same.
        """
        data = read_json(path, self._problems, self._warnings)
        if data is None:
            return None
        if not isinstance(data, dict):
            self.warn(FILE_NOT_A_MODEL, f"not a model definition (a JSON {_json_kind(data)}, not an object); "
                      "skipped", path)
            return None
        name = data.get("name")
        if name is None or name == "":
            name = boot_model_name(path)
            if not name:
                self.warn(FILE_NOT_A_MODEL, 'no "name", and none can be made from the file name; skipped', path)
                return None
            looks_like_model = isinstance(data.get("properties"), dict)
            self.warn(FILE_NOT_A_MODEL, f'no "name"; named "{name}" from the file name, as loopback-boot does'
                      + ("" if looks_like_model or not in_folder else " (no properties: not attached)"), path, name)
            if name in self.models:
                # A derived name never shadows a named model, nor makes a duplicate-name error.
                self.warn(FILE_NOT_A_MODEL, f"model {name} is already defined in {self.models[name].path}; this "
                          "file is skipped", path, name)
                return None
            self._derived.add(name)
            data = {**data, "name": name}
            self._register(name, data, path, builtin)
            return name if looks_like_model or not in_folder else None
        if not isinstance(name, str):
            self._problems.append(DefinitionProblem('a model definition needs a string "name"', path=path))
            return None
        return self._register(name, data, path, builtin)

    def _register(self, name: str, data: dict, path: Path, builtin: bool) -> str | None:
        known = self.models.get(name)
        if name in self._derived and known is not None and Path(known.path) != path:
            self._derived.discard(name)  # a named model replaces one named after its file
            known = None
        if known is not None and name not in self._builtin and Path(known.path) != path:
            self._problems.append(
                DefinitionProblem(f"duplicate model name, also defined in {known.path}", path=path, model=name)
            )
            return None
        self.models[name] = RawModel(name, data, path)
        if builtin:
            self._builtin.add(name)
        else:
            self._builtin.discard(name)
        return name


def _json_kind(value: Any) -> str:
    return {list: "array", dict: "object", str: "string", bool: "boolean", type(None): "null"}.get(type(value),
                                                                                                    "number")


def boot_model_name(path: Path) -> str:
    """loopback-boot's name for a definition without one: lodash `capitalize(camelCase(basename))`.

    camelCase drops every separator (and apostrophes); capitalize then upper-cases the first character
    and lower-cases the rest, so `order-item.json` and `orderItem.json` both give `Orderitem`.
    """
    letters = "".join(ch for ch in path.stem if ch.isalnum())
    return letters[:1].upper() + letters[1:].lower()


def _model_settings(data: dict) -> dict:
    """Top-level keys become settings; `options` wins over the top level
    (docs/loopback-rules/models.md#settings-top-level-and-options)."""
    settings = {k: copy.deepcopy(v) for k, v in data.items() if k not in NOT_SETTINGS}
    options = data.get("options")
    if isinstance(options, dict):
        settings.update(copy.deepcopy(options))
    return settings


def _merge_settings(base: Mapping, child: Mapping) -> dict:
    """loopback's merge policy for a child's settings over its base's
    (docs/loopback-rules/models.md#base-chains-and-property-deletion)."""
    merged = copy.deepcopy(dict(base))
    for key, value in child.items():
        if key in ("hidden", "protected") and isinstance(value, list) and isinstance(merged.get(key), (list, type(None))):
            merged[key] = list(merged.get(key) or []) + list(value)
        elif key == "description":
            merged[key] = copy.deepcopy(value)
        else:
            merged[key] = _deep_merge(merged.get(key), value)
    return merged


def _deep_merge(base: Any, child: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(child, Mapping):
        out = dict(base)
        for key, value in child.items():
            out[key] = _deep_merge(base.get(key), value)
        return out
    return copy.deepcopy(child)


# Keys that mark a dict as a property definition rather than an anonymous object's sub-properties.
PROPERTY_KEYS = {"required", "id", "generated", "default", "defaultFn", "index", "length", "precision", "scale",
                 "description", "postgresql", "mysql", "oracle", "mssql", "sqlite3", "dataType", "nullable"}

_INJECTED_ID = {"type": "number", "id": 1, "generated": True}


class _Resolver:
    """Resolves `base` chains, property deletion, idInjection and the generated-id type
    (docs/loopback-rules/models.md)."""

    def __init__(self, registry: _Registry, problems: list[DefinitionProblem],
                 warnings: list[DefinitionProblem] | None = None):
        self.registry = registry
        self.problems = problems
        self.warnings = warnings if warnings is not None else []
        self._done: dict[str, ModelDefinition | None] = {}

    def resolve(self, name: str) -> ModelDefinition | None:
        """Resolved from the root of the chain down, without recursion: a chain may be thousands deep."""
        if name in self._done:
            return self._done[name]
        chain = [name]
        while True:
            base = _base_name(self.registry.models[chain[-1]].data)
            if not isinstance(base, str) or base in ROOT_MODELS or base not in self.registry.models \
                    or base in self._done:
                break
            if base in chain:
                # One problem per cycle, on the model that closes it; the models in it and those that
                # extend it resolve to nothing (more problems would say the same).
                cycle = chain[chain.index(base):] + [base]
                shown = cycle if len(cycle) <= 12 else cycle[:5] + [f"... ({len(cycle) - 10} more)"] + cycle[-5:]
                raw = self.registry.models[base]
                self.problems.append(DefinitionProblem(
                    f"circular base chain of {len(cycle) - 1} model{'s' if len(cycle) > 2 else ''}: "
                    + " -> ".join(shown), path=raw.path, model=base))
                for member in chain:
                    self._done[member] = None
                return None
            chain.append(base)
        for member in reversed(chain):
            self._done[member] = self._resolve(self.registry.models[member])
        return self._done[name]

    def _base(self, raw: RawModel) -> tuple[tuple[PropertyDefinition, ...], dict] | None:
        base_name = _base_name(raw.data)
        if not isinstance(base_name, str):
            self.problems.append(DefinitionProblem('"base" must be a model name', path=raw.path, model=raw.name))
            return None
        if base_name in ROOT_MODELS:
            return (self._property(raw, "id", dict(_INJECTED_ID)),), {}
        if base_name not in self.registry.models:
            self.problems.append(DefinitionProblem(f'unknown base model "{base_name}"', path=raw.path, model=raw.name))
            return None
        base = self.resolve(base_name)
        if base is None:
            return None
        return base.properties, dict(base.settings)

    def _resolve(self, raw: RawModel) -> ModelDefinition | None:
        data = raw.data
        shape_problems = [DefinitionProblem(message, raw.path, raw.name, prop)
                          for message, prop in _shape_problems(data)]
        self.problems.extend(shape_problems)
        base = self._base(raw)
        properties_json = data.get("properties") or {}
        if not isinstance(properties_json, dict):
            self.problems.append(DefinitionProblem('"properties" must be an object', path=raw.path, model=raw.name))
            return None
        own: list[PropertyDefinition] = []
        deleted: set[str] = set()
        for prop_name, prop_json in properties_json.items():
            if prop_json is False or prop_json is None:
                # `"realm": false` removes an inherited property
                # (docs/loopback-rules/models.md#base-chains-and-property-deletion)
                deleted.add(prop_name)
                continue
            prop = self._property(raw, prop_name, prop_json)
            if prop is not None:
                own.append(prop)
        if base is None:
            return None
        base_properties, base_settings = base
        settings = _merge_settings(base_settings, _model_settings(data))
        settings.pop("base", None)
        own_names = {p.name for p in own} | deleted
        child_has_id = any(p.id for p in own)
        properties = list(own)
        for prop in base_properties:
            if prop.name in own_names or (child_has_id and prop.id):
                continue
            properties.append(_retarget(prop, raw.name))
        excluded = settings.get("excludeBaseProperties")
        if isinstance(excluded, (list, str)):
            # The juggler drops every property listed, own or inherited (`indexOf`, so a string
            # excludes the names it contains as substrings; a list, its items).
            properties = [p for p in properties if not _listed(p.name, excluded)]
        if not any(p.id for p in properties) and settings.get("idInjection") is not False:
            # The juggler's defineProperty('id', ...) replaces a plain `id` property in place.
            injected = self._property(raw, "id", dict(_INJECTED_ID))
            if any(p.name == "id" for p in properties):
                properties = [injected if p.name == "id" else p for p in properties]
            else:
                properties.append(injected)
        properties = _force_generated_id_type(properties)
        if shape_problems:
            return None
        return ModelDefinition(raw.name, tuple(properties), settings, raw.path)

    def _property(self, raw: RawModel, name: str, value: Any) -> PropertyDefinition | None:
        origin = f"{raw.name}.{name}"
        if "." in name:
            self.problems.append(DefinitionProblem("property names cannot contain '.'", raw.path, raw.name, name))
            return None
        if not isinstance(value, dict):
            value = {"type": value}  # shorthand: `"age": "number"`, `"tags": ["string"]`
        elif "type" not in value:
            # A definition without a type is Any; an object of sub-properties is an anonymous model.
            value = {**value, "type": None} if value.keys() & PROPERTY_KEYS else {"type": "object", "anonymous": value}
        type_name = self._type_name(raw, name, value.get("type"))
        if type_name is None:
            return None
        key_position = id_position(value.get("id"))
        generated = value.get("generated")
        return PropertyDefinition.of(
            name=name,
            type=type_name,
            id=key_position,
            generated=None if generated is None else bool(generated),
            required=bool(value.get("required")),
            default=value.get("default"),
            has_default="default" in value,
            index=value.get("index"),
            settings=value,
            origin=origin,
        )

    def _type_name(self, raw: RawModel, prop: str, declared: Any) -> str | None:
        """Known names are case-insensitive; arrays and anonymous objects are allowed
        (docs/loopback-rules/models.md#property-types)."""
        if type(declared) is str:  # nearly every property: a known name, looked up first
            known = KNOWN_TYPES.get(declared.lower())
            if known:
                return known
        if isinstance(declared, list):
            if not declared:
                self.warnings.append(DefinitionProblem(
                    '"type": [] is an array of any values; write the item type (["string"]) if one is meant',
                    raw.path, raw.name, prop, code=ARRAY_OF_ANY))
            return "Array"
        if isinstance(declared, dict):
            return "Object"
        if declared is None:
            return "Any"
        if not isinstance(declared, str):
            self.problems.append(DefinitionProblem(f"type must be a string, got {declared!r}", raw.path, raw.name, prop))
            return None
        known = KNOWN_TYPES.get(declared.lower())
        if known:
            return known
        if declared in self.registry.models or declared in ROOT_MODELS:
            return "Object"  # an embedded model: stored as JSON text, like any object
        self.problems.append(
            DefinitionProblem(
                f'unknown type "{declared}" (LoopBack knows {", ".join(sorted(set(KNOWN_TYPES.values())))} '
                "and model names)",
                raw.path,
                raw.name,
                prop,
            )
        )
        return None


#: The juggler's relation types (DataSource.relationTypes); any other `type` fails its assertion at boot.
RELATION_TYPES = ("belongsTo", "hasMany", "hasAndBelongsToMany", "hasOne", "embedsOne", "embedsMany",
                  "referencesMany")


_CONNECTOR_KEY_SET = frozenset(CONNECTOR_KEYS)


def _shape_problems(data: dict) -> list[tuple[str, str | None]]:
    """Blocks that must be JSON objects but are something else: (message, property or relation name).

    LoopBack reads a list or a number in these places as an empty block and goes on, so the columnName,
    table or option written there is lost without a word; that is always a mistake, and refused
    (docs/input-validation.md). `null` stays the same as absent, as in LoopBack."""
    found: list[tuple[str, str | None]] = []

    def must_be_object(value: Any, what: str, prop: str | None = None) -> None:
        if value is not None and not isinstance(value, dict):
            found.append((f'"{what}" must be a JSON object, got {_json_kind(value)}', prop))

    must_be_object(data.get("options"), "options")
    options = data.get("options") if isinstance(data.get("options"), dict) else {}
    for key in CONNECTOR_KEYS:
        must_be_object(data.get(key), key)
        must_be_object(options.get(key), f"options.{key}")
    properties = data.get("properties")
    if isinstance(properties, dict):
        for name, prop in properties.items():
            if not isinstance(prop, dict):
                if isinstance(prop, list) and prop and not isinstance(prop[0], (str, dict, list)):
                    found.append((f"an array type's item must be a type name or an object, got "
                                  f"{_json_kind(prop[0])}", name))
                continue
            if not _CONNECTOR_KEY_SET.isdisjoint(prop):  # most properties have no connector block
                for key in CONNECTOR_KEYS:
                    must_be_object(prop.get(key), key, name)
            declared = prop.get("type")
            if isinstance(declared, list) and declared and not isinstance(declared[0], (str, dict, list)):
                found.append((f"an array type's item must be a type name or an object, got "
                              f"{_json_kind(declared[0])}", name))
    for where in (data, options):
        relations = where.get("relations")
        if not isinstance(relations, dict):
            continue
        for name, rel in relations.items():
            if not isinstance(rel, dict):
                found.append((f'relation "{name}" must be a JSON object, got {_json_kind(rel)}', name))
            elif rel.get("type") not in RELATION_TYPES:
                found.append((f'relation "{name}": type {json.dumps(rel.get("type"))} is none of LoopBack\'s '
                              f'relation types ({", ".join(RELATION_TYPES)})', name))
    for where in (data, options):
        indexes = where.get("indexes")
        if isinstance(indexes, dict):
            for name, spec in indexes.items():
                if isinstance(spec, dict):
                    must_be_object(spec.get("options"), f"indexes.{name}.options")
    return found


def _base_name(data: dict) -> Any:
    """`base` at the top level, else in `options`; PersistedModel when neither names one."""
    options = data.get("options")
    return data.get("base") or (options.get("base") if isinstance(options, dict) else None) or "PersistedModel"


def id_position(value: Any) -> float:
    """The juggler's reading of a property's `id` (model-definition.js ids()): any truthy value makes an
    id; a number is its position in the key, anything else counts as 1. So `"id": "true"`, `"id": "2"`
    and `"id": {}` are ids at position 1, `"id": 2` is second, `"id": 0` and `""` are no id
    (docs/loopback-rules/models.md#ids-and-key-order). 0 means "not an id"."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return 0  # JSON has no Infinity/NaN: LoopBack never boots such a file (refused elsewhere)
        return value if value else 0
    if isinstance(value, (str, list, dict)):
        # JS truthiness: every object and array is truthy, a string when not empty.
        return 1 if (value or isinstance(value, (list, dict))) else 0
    return 0


def _retarget(prop: PropertyDefinition, model_name: str) -> PropertyDefinition:
    """An inherited property, named after the model that now carries it (for messages)."""
    return PropertyDefinition(**{**prop.__dict__, "origin": f"{model_name}.{prop.name}"})


def _listed(name: str, excluded: list | str) -> bool:
    return name in excluded if isinstance(excluded, str) else any(name == item for item in excluded)


def _id_name(properties: list[PropertyDefinition]) -> str | None:
    """JUG idName(): the property literally named `id` if it is an id, else the first id."""
    ids = sorted((p for p in properties if p.id), key=lambda p: p.id)
    if not ids:
        return None
    return "id" if any(p.name == "id" for p in ids) else ids[0].name


def _force_generated_id_type(properties: list[PropertyDefinition]) -> list[PropertyDefinition]:
    """A generated id becomes the connector's default id type, Number, for every SQL connector
    (docs/loopback-rules/models.md#generated-id-typing).

    juggler >= 4 honours `useDefaultIdType: false`; we do too (it is current LoopBack).
    """
    id_name = _id_name(properties)
    out = []
    for prop in properties:
        if prop.name == id_name and prop.generated and prop.get("useDefaultIdType") is not False:
            prop = PropertyDefinition(**{**prop.__dict__, "type": "Number"})
        out.append(prop)
    return out


def _relations(model: ModelDefinition, problems: list[DefinitionProblem]) -> list[RelationDefinition]:
    relations = model.settings.get("relations") or {}
    out = []
    if not isinstance(relations, dict):
        problems.append(DefinitionProblem('"relations" must be an object', model.source, model.name))
        return out
    for name, rel in relations.items():
        if not isinstance(rel, dict):
            continue  # LoopBack ignores what it cannot read as a relation; so do we
        problem = _relation_shape_problem(rel)
        if problem:
            problems.append(DefinitionProblem(f'relation "{name}": {problem}', model.source, model.name, name))
            continue
        out.append(RelationDefinition(name, str(rel.get("type") or ""), rel.get("model"), rel.get("foreignKey"), rel))
    return out


def _relation_shape_problem(rel: dict) -> str | None:
    """The relation keys that name models or properties must be names (strings), when given."""
    for key in ("model", "foreignKey", "through"):
        if rel.get(key) is not None and not isinstance(rel[key], str):
            return f'"{key}" must be a string'
    polymorphic = rel.get("polymorphic")
    if isinstance(polymorphic, dict):
        for key in ("as", "selector", "foreignKey", "discriminator", "idType"):
            if polymorphic.get(key) is not None and not isinstance(polymorphic[key], str):
                return f'"polymorphic.{key}" must be a string'
    elif polymorphic is not None and not isinstance(polymorphic, (str, bool)):
        return '"polymorphic" must be a string or an object'
    return None


def camelize(text: str, low_first_letter: bool = True) -> str:
    """inflection's `camelize(text, true)`, which the juggler uses for key names: `_`-separated parts
    joined, each later part lower-cased then capitalised, the very first letter lower-cased
    (`CustomerTest_id` -> `customerTestId`, `my_BigThing_id` -> `myBigthingId`)."""
    parts = text.split("_")
    out = []
    for k, part in enumerate(parts):
        if k:
            part = part.lower()
        first = part[:1].lower() if (k == 0 and low_first_letter) else part[:1].upper()
        out.append(first + part[1:])
    return "".join(out)


def _camel_id(model_name: str) -> str:
    """juggler's `camelize(Model + '_id', true)`: `CustomerTest` -> `customerTestId`."""
    return camelize(model_name + "_id")


def _add_relation_properties(loaded: LoadedDefinitions, resolver: _Resolver, problems: list,
                             attached: list[str]) -> None:
    """Relations add foreign-key properties at attach time, after all other properties
    (docs/loopback-rules/models.md#relations-add-foreign-key-properties).

    As in the juggler, a relation is set up when its declaring model is attached, if its target (and
    `through`) model is attached by then, to any datasource; otherwise it waits until they are, and a
    relation whose target is never attached adds nothing. So with `"User": {"dataSource": null}` and a
    User subclass attached, AccessToken.userId is made by the subclass's `hasMany accessTokens`, with the
    subclass's id type (and its connector dataType/dataLength).
    """
    sql_names = set(loaded.models)
    # Models without a table (memory, mongodb, mail ... datasources) take part in relations, but what is
    # wrong in them is not ours to refuse: their problems go to a scratch list.
    ignored: list[DefinitionProblem] = []
    other_resolver = _Resolver(resolver.registry, ignored)
    models: dict[str, ModelDefinition] = {}
    for name in attached:
        model = loaded.models.get(name) or other_resolver.resolve(name)
        if model is not None:
            models[name] = model
    up: set[str] = set()
    waiting: list[tuple[str, RelationDefinition]] = []

    def set_up(declarer: str, rel: RelationDefinition) -> None:
        sink = problems if declarer in sql_names else ignored
        _set_up_relation(models, declarer, rel, resolver, sink, sql_names)

    for name in attached:
        if name not in models:
            continue
        up.add(name)
        for rel in _relations(models[name], problems if name in sql_names else ignored):
            if _needs(rel) <= up:
                set_up(name, rel)
            else:
                waiting.append((name, rel))
        still = []
        for declarer, rel in waiting:
            if _needs(rel) <= up:
                set_up(declarer, rel)
            else:
                still.append((declarer, rel))
        waiting = still
    for name in models:
        if name in sql_names:
            loaded.models[name] = models[name]


def _needs(rel: RelationDefinition) -> set[str]:
    """The models that must be attached before the juggler sets the relation up (deferRelationSetup)."""
    if rel.type == "belongsTo" and rel.settings.get("polymorphic"):
        return set()  # the target is looked up per row
    return {name for name in (rel.model, rel.settings.get("through")) if isinstance(name, str) and name}


def _set_up_relation(models: dict, name: str, rel: RelationDefinition, resolver, problems, sql_names) -> None:
    model = models[name]
    polymorphic = rel.settings.get("polymorphic")
    if rel.type in ("embedsOne", "embedsMany", "referencesMany"):
        return  # these store JSON in a property the model declares; no FK column is derived here
    for ignored in ("keyFrom", "keyTo"):
        if ignored in rel.settings and name in sql_names:
            # The juggler computes keyFrom/keyTo from primaryKey/foreignKey; it never reads them from JSON.
            resolver.warnings.append(DefinitionProblem(
                f'relation "{rel.name}": "{ignored}" is not read by LoopBack (use "primaryKey"/"foreignKey"); '
                "ignored", model.source, name, rel.name, code=IGNORED_RELATION_KEY))
    if not rel.model and not polymorphic:
        problems.append(DefinitionProblem(f'relation "{rel.name}" names no model', model.source, model.name, rel.name))
        return
    target = _definition(rel.model, models, resolver) if rel.model else None
    if rel.model and target is None:
        problems.append(DefinitionProblem(f'relation "{rel.name}" names unknown model "{rel.model}"', model.source,
                                          model.name, rel.name))
        return
    primary_key = rel.settings.get("primaryKey")
    if primary_key is not None and not isinstance(primary_key, str):
        problems.append(DefinitionProblem(f'relation "{rel.name}": "primaryKey" must be a string', model.source,
                                          model.name, rel.name))
        return
    if rel.type == "belongsTo" and polymorphic:
        # The key type comes from `idType`, else from the declaring model's own key
        # (juggler: defineForeignKey(modelFrom, fk, modelFrom, primaryKey || idName || "id")).
        selector, fk, discriminator = _polymorphic_names(polymorphic, rel.name)
        id_type = polymorphic.get("idType") if isinstance(polymorphic, dict) else None
        if id_type is not None:
            _define_property(models, name, fk, {"type": id_type, "index": True}, problems, rel)
        else:
            key = primary_key or rel.settings.get("idName") or "id"
            _add_fk_property(models, name, fk, models[name], key, problems, rel, missing_ok=True)
        _define_property(models, name, discriminator, {"type": "string", "index": True}, problems, rel)
    elif rel.type == "belongsTo":
        fk = rel.foreign_key or f"{rel.name}Id"
        _add_fk_property(models, name, fk, target, primary_key, problems, rel)
    elif rel.type in ("hasMany", "hasOne") and not rel.settings.get("through"):
        if rel.model not in sql_names and rel.model not in models:
            return
        fk = rel.foreign_key or _camel_id(name)
        if polymorphic:
            _selector, poly_fk, discriminator = _polymorphic_names(polymorphic, rel.name)
            if not rel.settings.get("invert"):
                fk = poly_fk
            _define_property(models, rel.model, discriminator, {"type": "string", "index": True}, problems, rel)
        _add_fk_property(models, rel.model, fk, models[name], primary_key, problems, rel)
    elif rel.type == "hasAndBelongsToMany" and target is not None:
        _add_through_model(models, models[name], target, rel, resolver, problems, sql_names)


def _polymorphic_names(polymorphic: Any, relation_name: str) -> tuple[str, str, str]:
    """The juggler's normalizePolymorphic: (selector, foreignKey, discriminator).

    `true` -> the relation name; a string -> that name; an object -> its `selector` or `as`; the
    foreign key and discriminator default to `<selector>Id` and `<selector>Type`."""
    selector = None
    if isinstance(polymorphic, str):
        selector = polymorphic
    elif polymorphic is True:
        selector = relation_name
    elif isinstance(polymorphic, dict):
        selector = polymorphic.get("selector") or polymorphic.get("as")
    selector = selector or relation_name or "reference"
    given = polymorphic if isinstance(polymorphic, dict) else {}
    fk = given.get("foreignKey") or camelize(selector + "_id")
    discriminator = given.get("discriminator") or camelize(selector + "_type")
    return selector, fk, discriminator


def _definition(name: str, models: dict, resolver: _Resolver) -> ModelDefinition | None:
    if name in models:
        return models[name]
    if name in resolver.registry.models:
        return resolver.resolve(name)
    return None


def _add_fk_property(models: dict, model_name: str, fk: str, target: ModelDefinition | None,
                     primary_key: str | None, problems: list, rel: RelationDefinition,
                     missing_ok: bool = False) -> None:
    """juggler defineForeignKey: `fk` typed like the target's key (`primaryKey`, else its id name),
    copying that key's connector dataType/dataLength; an existing property only gets the type
    (docs/loopback-rules/models.md#relations-add-foreign-key-properties)."""
    key_prop = None
    if target is not None:
        key_name = primary_key or _id_name(list(target.properties))
        key_prop = target.property(key_name) if key_name else None
        if key_name and key_prop is None and not missing_ok:
            model = models[model_name]
            problems.append(DefinitionProblem(
                f'relation "{rel.name}": primaryKey "{key_name}" is no property of {target.name}', model.source,
                model.name, rel.name))
            return
    fk_type = key_prop.type if key_prop is not None else "Number"
    model = models[model_name]
    existing = model.property(fk)
    if existing is not None:
        if key_prop is not None:
            _replace_property(models, model_name, PropertyDefinition(**{**existing.__dict__, "type": fk_type}))
        return
    settings: dict[str, Any] = {"type": fk_type.lower()}
    if key_prop is not None:
        for key, block in key_prop.settings.items():
            if key in CONNECTOR_KEYS and isinstance(block, dict) and (block.get("dataType") or block.get("dataLength")):
                settings[key] = {k: block[k] for k in ("dataType", "dataLength") if block.get(k)}
    _put_property(models, model_name, PropertyDefinition(name=fk, type=fk_type, settings=settings,
                                                        origin=f"{model_name}.{fk}"))


def _define_property(models: dict, model_name: str, name: str, settings: dict, problems: list,
                     rel: RelationDefinition) -> None:
    """juggler defineProperty: the definition replaces any property of that name, in its place."""
    declared = settings["type"]
    type_name = KNOWN_TYPES.get(declared.lower()) if isinstance(declared, str) else None
    if type_name is None:
        model = models[model_name]
        problems.append(DefinitionProblem(f'relation "{rel.name}": type {declared!r} is no LoopBack type',
                                          model.source, model.name, rel.name))
        return
    _put_property(models, model_name, PropertyDefinition(name=name, type=type_name, index=settings.get("index"),
                                                        settings=settings, origin=f"{model_name}.{name}"))


def _put_property(models: dict, model_name: str, prop: PropertyDefinition) -> None:
    model = models[model_name]
    if model.property(prop.name) is not None:
        _replace_property(models, model_name, prop)
        return
    models[model_name] = ModelDefinition(model.name, model.properties + (prop,), model.settings, model.source,
                                         model.datasource)


def _replace_property(models: dict, model_name: str, prop: PropertyDefinition) -> None:
    model = models[model_name]
    properties = tuple(prop if p.name == prop.name else p for p in model.properties)
    models[model_name] = ModelDefinition(model.name, properties, model.settings, model.source, model.datasource)


def _add_through_model(models: dict, source: ModelDefinition, target: ModelDefinition, rel, resolver, problems,
                       sql_names: set) -> None:
    """hasAndBelongsToMany without `through` defines `<From><To>` with two belongsTo FKs
    (docs/loopback-rules/models.md#relations-add-foreign-key-properties)."""
    through_name = rel.settings.get("through")
    if not through_name:
        through_name = source.name + target.name
        if target.name + source.name in models:
            through_name = target.name + source.name
        if through_name not in models:
            injected = PropertyDefinition("id", "Number", id=1, generated=True, settings=dict(_INJECTED_ID),
                                          origin=f"{through_name}.id")
            models[through_name] = ModelDefinition(through_name, (injected,), {}, source.source, source.datasource)
            if source.name in sql_names:
                sql_names.add(through_name)
    if through_name not in models:
        return
    _add_fk_property(models, through_name, _camel_id(source.name), source, None, problems, rel)
    _add_fk_property(models, through_name, _camel_id(target.name), target, None, problems, rel)


_NAME_RE = re.compile(r"[\w$]+")


def _names_a_property(model: ModelDefinition, key: str) -> bool:
    """Whether `key` can name a property on some database: by property name, by a column name the
    model gives it, or either in another case (docs/loopback-rules/indexes-and-keys.md#property-references).
    Which property, exactly, depends on the database (desired.resolve_reference)."""
    folded = key.casefold()
    if any(prop.name.casefold() == folded for prop in model.properties):
        return True  # the usual case, checked first: the column keys below are read only when it fails
    for prop in model.properties:
        for block in (prop.settings, *(prop.connector(k) for k in CONNECTOR_KEYS)):
            for column_key in ("column", "columnName", "field", "fieldName", "name"):
                value = block.get(column_key)
                if isinstance(value, str) and value.casefold() == folded:
                    return True
    return False


def _validate_references(model: ModelDefinition, problems: list[DefinitionProblem],
                         warnings: list[DefinitionProblem], known_models: set[str]) -> None:
    """Indexes and foreign keys must name properties the model has. A foreign key to a model that exists
    nowhere is a warning: the connectors skip a foreign key whose entity is not on their datasource
    (docs/loopback-rules/indexes-and-keys.md#foreign-keys), so LoopBack boots and migrates without it."""
    for key in ("indexes", "foreignKeys"):
        if not isinstance(model.settings.get(key) or {}, dict):
            problems.append(DefinitionProblem(f'"{key}" must be an object', model.source, model.name))
    indexes = model.settings.get("indexes") or {}
    if isinstance(indexes, dict):
        for index_name, spec in indexes.items():
            try:
                keys = index_keys(spec)
            except ValueError as exc:
                problems.append(DefinitionProblem(f'index "{index_name}": {exc}', model.source, model.name))
                continue
            for key, _order in keys:
                if not _names_a_property(model, key):
                    problems.append(
                        DefinitionProblem(
                            f'index "{index_name}" names a property the model does not have', model.source,
                            model.name, key,
                        )
                    )
    foreign_keys = model.settings.get("foreignKeys") or {}
    if isinstance(foreign_keys, dict):
        for fk_name, spec in foreign_keys.items():
            if not isinstance(spec, dict) or not spec.get("foreignKey") or not spec.get("entity"):
                problems.append(
                    DefinitionProblem(f'foreign key "{fk_name}" needs "entity" and "foreignKey"', model.source,
                                      model.name)
                )
                continue
            wrong = [k for k in ("foreignKey", "entity", "entityKey", "name")
                     if spec.get(k) is not None and not isinstance(spec[k], str)]
            if wrong:
                problems.append(DefinitionProblem(f'foreign key "{fk_name}": "{wrong[0]}" must be a string',
                                                  model.source, model.name))
                continue
            if spec["entity"] not in known_models:
                warnings.append(DefinitionProblem(
                    f'foreign key "{fk_name}" names entity "{spec["entity"]}", which no model definition defines; '
                    "LoopBack's connectors skip it, and so does django-lbsync", model.source, model.name,
                    spec["foreignKey"], code=UNKNOWN_FK_ENTITY))
            if not _names_a_property(model, spec["foreignKey"]):
                problems.append(
                    DefinitionProblem(
                        f'foreign key "{fk_name}" names a property the model does not have', model.source, model.name,
                        spec["foreignKey"],
                    )
                )


INDEX_OPTION_KEYS = {"keys", "options", "columns", "kind", "type", "unique", "name", "mysql", "postgresql",
                     "mssql", "oracle", "sqlite3", "mongodb"}


def index_keys(spec: Any) -> list[tuple[str, str]]:
    """The (property, "ASC"|"DESC") pairs of a model-level index in any of its forms
    (docs/loopback-rules/indexes-and-keys.md#index-definitions).

    keys+options: `{"keys": {"a": 1, "b": -1}}`, `{"keys": "a DESC, b"}`, `{"keys": ["a DESC", "b"]}`;
    shorthand: `{"a": 1, "b": -1}`; MySQL style: `{"columns": "a,b", "kind": "unique"}`.
    """
    if isinstance(spec, str):
        spec = {"columns": spec}  # string form: `"name_idx": "name"`, `"city_zip": "city,zip"`
    if not isinstance(spec, dict):
        raise ValueError("an index must be an object or a string of column names")
    if "keys" in spec:
        keys = spec["keys"]
    elif "columns" in spec:
        keys = spec["columns"]
    else:
        # Shorthand: every key that is not an option word; an option word whose value is a direction
        # (`{"name": 1}`, `{"type": -1}`) is a column too.
        keys = {k: v for k, v in spec.items() if k not in INDEX_OPTION_KEYS or _is_direction(v)}
    if isinstance(keys, str):
        keys = [part for part in keys.split(",") if part.strip()]
    pairs: list[tuple[str, str]] = []
    if isinstance(keys, dict):
        for key, direction in keys.items():
            pairs.append((key, "DESC" if direction in (-1, "-1", "desc", "DESC") else "ASC"))
    elif isinstance(keys, list):
        for part in keys:
            if not isinstance(part, str):
                raise ValueError(f"an index key must be a property name (a string), got {_json_kind(part)}")
            words = part.split()
            if not words:
                continue
            order = words[1].upper() if len(words) > 1 else "ASC"
            pairs.append((words[0].strip("`\"[]"), "DESC" if order == "DESC" else "ASC"))
    if not pairs:
        raise ValueError("the index names no keys")
    return pairs


def _is_direction(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value in (1, -1)) or (
        isinstance(value, str) and value.strip().lower() in ("1", "-1", "asc", "desc"))


def index_is_unique(spec: Any) -> bool:
    if not isinstance(spec, Mapping):
        return False  # the string form is a plain index
    options = spec.get("options") if isinstance(spec.get("options"), dict) else {}
    return bool(options.get("unique")) or bool(spec.get("unique") is True) or index_kind(spec) == "UNIQUE"


#: `kind` words that make a special index (MySQL's FULLTEXT and SPATIAL); UNIQUE is a plain unique index.
SPECIAL_INDEX_KINDS = ("FULLTEXT", "SPATIAL")


def index_kind(spec: Any) -> str | None:
    """The index `kind` (top level or in `options`), upper-cased: UNIQUE, FULLTEXT, SPATIAL, or None."""
    if not isinstance(spec, Mapping):
        return None
    options = spec.get("options") if isinstance(spec.get("options"), dict) else {}
    kind = spec.get("kind") or options.get("kind")
    return kind.strip().upper() if isinstance(kind, str) and kind.strip() else None
