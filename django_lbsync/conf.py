"""Settings accessors, read at call time so `override_settings` works.

    LBSYNC = {
        "MODELS": "path/to/server/model-config.json",   # or a folder of model JSON, or a list of either
        "DATASOURCES": {"db": "default"},                # LoopBack datasource -> Django database alias
        "CONNECT_TIMEOUT": 10,                           # seconds to wait for a connection (default 10)
    }
"""
from __future__ import annotations

import math
from pathlib import Path

from django.conf import settings

from .exceptions import ConfigurationError

DEFAULT_DATASOURCES = {"db": "default"}
DEFAULT_CONNECT_TIMEOUT = 10.0


def _lbsync() -> dict:
    value = getattr(settings, "LBSYNC", None) or {}
    if not isinstance(value, dict):
        raise ConfigurationError("settings.LBSYNC must be a dict")
    return value


def model_sources() -> list[Path]:
    """Where the LoopBack definitions are: model-config.json files and/or folders of model JSON."""
    sources = _lbsync().get("MODELS")
    if not sources:
        raise ConfigurationError(
            'settings.LBSYNC["MODELS"] is not set: point it at a LoopBack model-config.json or a folder of model JSON'
        )
    if isinstance(sources, (str, Path)):
        sources = [sources]
    return [Path(s) for s in sources]


def datasource_map() -> dict[str, str]:
    mapping = _lbsync().get("DATASOURCES") or DEFAULT_DATASOURCES
    if not isinstance(mapping, dict):
        raise ConfigurationError('settings.LBSYNC["DATASOURCES"] must map datasource names to database aliases')
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
