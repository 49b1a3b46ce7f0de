"""Settings accessors, read at call time so `override_settings` works.

    LBSYNC = {
        "MODELS": "path/to/server/model-config.json",   # or a folder of model JSON, or a list of either
        "DATASOURCES": {"db": "default"},                # LoopBack datasource -> Django database alias
        "CONNECT_TIMEOUT": 10,                           # seconds to wait for a connection (default 10)
        "CHECK_DATABASES": False,                        # lbsync.W001 on every `check`, not only --database
        "ORACLE_MAX_STRING_SIZE": "STANDARD",            # or "EXTENDED" (VARCHAR2 up to 32767 bytes)
        "DDL_CONNECTIONS": 4,                            # MySQL automigrate: connections for CREATE TABLEs
        "NODE_ENV": "production",                        # which *.<env>.json overlays apply (default: $NODE_ENV
                                                         # or "development", as loopback-boot)
        "CACHE_DIR": BASE_DIR / ".lbsync-cache",          # desired schemas kept between runs (default: the user's
                                                         # cache folder; None turns it off; docs/desired-cache.md)
    }

A relative MODELS path is resolved against settings.BASE_DIR (as Django projects write paths); without
BASE_DIR it is refused, because the current directory of `manage.py` is not a stable anchor.
`settings_problems()` lists every mistake for the system checks (lbsync.E002-E005).
"""
from __future__ import annotations

import difflib
import math
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .bootconfig import checked_env, env_problem
from .exceptions import ConfigurationError

DEFAULT_DATASOURCES = {"db": "default"}
DEFAULT_CONNECT_TIMEOUT = 10.0


#: Every key LBSYNC may hold; anything else is a typo the checks name (lbsync.E002).
KNOWN_KEYS = ("MODELS", "DATASOURCES", "CONNECT_TIMEOUT", "CHECK_DATABASES", "ORACLE_MAX_STRING_SIZE",
              "ONLINE_ROW_THRESHOLD", "ONLINE_LOCK_TIMEOUT", "ONLINE_RETRIES", "TEST_CREATE_TABLES",
              "DDL_CONNECTIONS", "NODE_ENV", "CACHE_DIR")


def _lbsync() -> dict:
    value = getattr(settings, "LBSYNC", None) or {}
    if not isinstance(value, dict):
        raise ConfigurationError(f"settings.LBSYNC must be a dict, not {type(value).__name__}")
    return value


def lbsync_settings() -> dict:
    """settings.LBSYNC as a dict ({} when absent)."""
    return _lbsync()


def _source_list(sources) -> list:
    if isinstance(sources, (str, Path)):
        return [sources]
    if isinstance(sources, (list, tuple)) and all(isinstance(s, (str, Path)) for s in sources):
        return list(sources)
    raise ConfigurationError(
        'settings.LBSYNC["MODELS"] must be a path (str or Path) or a list of paths, not '
        f"{type(sources).__name__}"
    )


def resolve_path(path: str | Path, what: str = 'settings.LBSYNC["MODELS"]') -> Path:
    """An absolute path as given; a relative one against settings.BASE_DIR, or a ConfigurationError."""
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    base = getattr(settings, "BASE_DIR", None)
    if base is None:
        raise ConfigurationError(
            f'{what} path {str(path)!r} is relative and settings define no BASE_DIR: '
            "write an absolute path, e.g. BASE_DIR / " + repr(str(path))
        )
    return Path(base) / path


def model_sources() -> list[Path]:
    """Where the LoopBack definitions are: model-config.json files and/or folders of model JSON."""
    sources = _lbsync().get("MODELS")
    if not sources:
        raise ConfigurationError(
            'settings.LBSYNC["MODELS"] is not set: point it at a LoopBack model-config.json or a folder of model JSON'
        )
    return [resolve_path(s) for s in _source_list(sources)]


def datasource_map() -> dict[str, str]:
    mapping = _lbsync().get("DATASOURCES") or DEFAULT_DATASOURCES
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise ConfigurationError('settings.LBSYNC["DATASOURCES"] must map datasource names to database aliases '
                                 '(a dict of str to str, e.g. {"db": "default"})')
    return dict(mapping)


def datasources_for(alias: str) -> list[str]:
    """The LoopBack datasources whose models live in the Django database `alias`."""
    return [ds for ds, db_alias in datasource_map().items() if db_alias == alias]


def default_datasource() -> str:
    """The datasource that models loaded from plain folders attach to: the one mapped to `default`."""
    mapping = datasource_map()
    for ds, alias in mapping.items():
        if alias == "default":
            return ds
    return next(iter(mapping), "db")


def connect_timeout() -> float:
    """Seconds a django-lbsync command waits to open a connection (LBSYNC["CONNECT_TIMEOUT"], default 10)."""
    value = _lbsync().get("CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT)
    return seconds(value, 'settings.LBSYNC["CONNECT_TIMEOUT"]', allow_zero=False)


def node_env() -> str:
    """The environment whose `model-config.<env>.json` / `datasources.<env>.json` overlays apply:
    LBSYNC["NODE_ENV"], else the NODE_ENV environment variable, else "development" (loopback-boot's choice
    when neither its `env` option nor NODE_ENV is set; docs/loopback-rules/boot-config.md)."""
    raw = _lbsync()
    if "NODE_ENV" in raw:
        _env_name(raw["NODE_ENV"])
        return raw["NODE_ENV"]
    return checked_env(None)


def cache_dir() -> Path | None:
    """Where desired schemas are kept between runs (desired_cache.py): LBSYNC["CACHE_DIR"] (a relative path
    against BASE_DIR; None or False: no cache), by default `django-lbsync` in the user's cache folder
    ($XDG_CACHE_HOME, else ~/.cache); None when there is no home folder to put it in."""
    raw = _lbsync()
    if "CACHE_DIR" in raw:
        value = raw["CACHE_DIR"]
        if value is None or value is False:
            return None
        if not isinstance(value, (str, Path)) or not str(value):
            raise ConfigurationError(f'settings.LBSYNC["CACHE_DIR"] must be a folder (a str or Path), or None to keep '
                                     f"no cache, not {value!r}")
        return resolve_path(value, 'settings.LBSYNC["CACHE_DIR"]')
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        home = os.path.expanduser("~")  # left as "~" when there is no home folder (no HOME, no password entry)
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "django-lbsync"


def lbsync_setting(key: str, default):
    """settings.LBSYNC[key], or `default` when LBSYNC or the key is absent."""
    raw = getattr(settings, "LBSYNC", None)
    return raw.get(key, default) if isinstance(raw, dict) else default


def whole_number(value, what: str) -> int:
    """`value` as an integer >= 0, or a ConfigurationError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{what} must be a whole number >= 0, not {value!r}")
    return value


#: autoupdate --online (docs/online.md): each statement waits this long for its lock, then gives up and is
#: retried up to ONLINE_RETRIES times with a growing pause (writers queue behind a waiting DDL statement).
DEFAULT_ONLINE_LOCK_TIMEOUT = 2.0
DEFAULT_ONLINE_RETRIES = 5


def online_lock_timeout() -> float:
    return seconds(lbsync_setting("ONLINE_LOCK_TIMEOUT", DEFAULT_ONLINE_LOCK_TIMEOUT),
                   'settings.LBSYNC["ONLINE_LOCK_TIMEOUT"]', allow_zero=False)


def online_retries() -> int:
    return whole_number(lbsync_setting("ONLINE_RETRIES", DEFAULT_ONLINE_RETRIES), 'settings.LBSYNC["ONLINE_RETRIES"]')


#: MySQL/MariaDB automigrate sends its CREATE TABLEs on up to this many connections (fanout.py); 1 sends every
#: statement on the run's own connection.
DEFAULT_DDL_CONNECTIONS = 4
#: Each one is a server connection for the length of the run: past a handful they only crowd out the
#: application's own connections (the gain stops at 2-4 on the servers measured, bench/RESULTS.md).
MAX_DDL_CONNECTIONS = 16


def ddl_connections(value=None) -> int:
    value = lbsync_setting("DDL_CONNECTIONS", DEFAULT_DDL_CONNECTIONS) if value is None else value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f'settings.LBSYNC["DDL_CONNECTIONS"] must be a whole number, not {value!r}')
    if not 1 <= value <= MAX_DDL_CONNECTIONS:
        raise ConfigurationError(f'settings.LBSYNC["DDL_CONNECTIONS"] must be from 1 to {MAX_DDL_CONNECTIONS}, '
                                 f'not {value!r}')
    return value


def seconds(value, what: str, *, allow_zero: bool = True) -> float:
    """`value` as a finite, non-negative number of seconds, or a ConfigurationError naming `what`.

    NaN and infinity are refused: a wait bounded by NaN never ends (every comparison with it is false).
    """
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = "a number of seconds" + (" >= 0" if allow_zero else " > 0")
        raise ConfigurationError(f"{what} must be {bound}, not {value!r}")
    return number


@dataclass(frozen=True)
class SettingsProblem:
    id: str  # lbsync.E002 ... E005
    message: str
    hint: str = ""


def settings_problems() -> list[SettingsProblem]:
    """Every mistake in settings.LBSYNC, for the system checks; [] when LBSYNC is absent (the app is installed
    but not configured yet: the commands say what is missing when run).

    E002 an unknown key (with "did you mean"); E003 a value of the wrong type or out of range; E004 a
    DATASOURCES alias that DATABASES lacks; E005 a MODELS path that does not exist or cannot be anchored.
    """
    raw = getattr(settings, "LBSYNC", None)
    if raw is None:
        return []
    if not isinstance(raw, dict):
        return [SettingsProblem("lbsync.E003", f"settings.LBSYNC must be a dict, not {type(raw).__name__}",
                                'LBSYNC = {"MODELS": BASE_DIR / "server" / "model-config.json"}')]
    problems: list[SettingsProblem] = []
    for key in raw:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(str(key).upper(), KNOWN_KEYS, n=1, cutoff=0.6)
            problems.append(SettingsProblem(
                "lbsync.E002", f"settings.LBSYNC has an unknown key {key!r}",
                f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(KNOWN_KEYS)}"))
    if "MODELS" not in raw:
        problems.append(SettingsProblem("lbsync.E003", 'settings.LBSYNC has no "MODELS"',
                                        "point it at a LoopBack model-config.json or a folder of model JSON"))
    else:
        try:
            for source in _source_list(raw["MODELS"]) if raw["MODELS"] else []:
                try:
                    path = resolve_path(source)
                except ConfigurationError as exc:
                    problems.append(SettingsProblem("lbsync.E005", str(exc)))
                    continue
                if not path.exists():
                    problems.append(SettingsProblem("lbsync.E005", f'settings.LBSYNC["MODELS"]: {path} does not exist'))
        except ConfigurationError as exc:
            problems.append(SettingsProblem("lbsync.E003", str(exc)))
    try:
        mapping = datasource_map()
    except ConfigurationError as exc:
        problems.append(SettingsProblem("lbsync.E003", str(exc)))
    else:
        from django.db import connections

        for datasource, alias in mapping.items():
            if alias not in connections.settings:
                close = difflib.get_close_matches(alias, list(connections.settings), n=1, cutoff=0.6)
                problems.append(SettingsProblem(
                    "lbsync.E004",
                    f'settings.LBSYNC["DATASOURCES"] maps datasource {datasource!r} to database {alias!r}, '
                    "which DATABASES does not define",
                    f"did you mean {close[0]!r}?" if close else f"DATABASES defines: {', '.join(connections.settings)}"))
    for key, check in (("CONNECT_TIMEOUT", lambda v: seconds(v, 'settings.LBSYNC["CONNECT_TIMEOUT"]', allow_zero=False)),
                       ("CHECK_DATABASES", _boolean_named("CHECK_DATABASES")),
                       ("TEST_CREATE_TABLES", _boolean_named("TEST_CREATE_TABLES")), ("ORACLE_MAX_STRING_SIZE", _string_size),
                       ("ONLINE_ROW_THRESHOLD", lambda v: whole_number(v, 'settings.LBSYNC["ONLINE_ROW_THRESHOLD"]')),
                       ("ONLINE_LOCK_TIMEOUT", lambda v: seconds(v, 'settings.LBSYNC["ONLINE_LOCK_TIMEOUT"]',
                                                                 allow_zero=False)),
                       ("ONLINE_RETRIES", lambda v: whole_number(v, 'settings.LBSYNC["ONLINE_RETRIES"]')),
                       ("DDL_CONNECTIONS", lambda v: ddl_connections(v)),
                       ("NODE_ENV", _env_name), ("CACHE_DIR", lambda v: cache_dir())):
        if key in raw:
            try:
                check(raw[key])
            except ConfigurationError as exc:
                problems.append(SettingsProblem("lbsync.E003", str(exc)))
    if "NODE_ENV" not in raw:
        try:
            checked_env(None)  # the environment variable stands in for the setting
        except ConfigurationError as exc:
            problems.append(SettingsProblem("lbsync.E003", str(exc), 'set LBSYNC["NODE_ENV"], or fix NODE_ENV'))
    return problems


def _env_name(value) -> None:
    why = env_problem(value)
    if why:
        raise ConfigurationError(f'settings.LBSYNC["NODE_ENV"] {why}')


def _boolean_named(key: str):
    def check(value) -> None:
        if not isinstance(value, bool):
            raise ConfigurationError(f'settings.LBSYNC["{key}"] must be True or False, not {value!r}')
    return check


def _string_size(value) -> None:
    if not (isinstance(value, str) and value.upper() in ("STANDARD", "EXTENDED")):
        raise ConfigurationError(f'settings.LBSYNC["ORACLE_MAX_STRING_SIZE"] must be "STANDARD" or "EXTENDED", '
                                 f"not {value!r}")
