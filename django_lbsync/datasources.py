"""Which LoopBack datasources hold SQL tables, and how a project maps them to Django databases.

LoopBack apps name their datasources freely ("db", "mysqlDs", "tenantA", ...) in server/datasources.json;
only those whose connector is a SQL one get tables (docs/loopback-rules/models.md#datasources-and-attachment).
A project maps them to Django aliases with LBSYNC["DATASOURCES"]. These helpers let a settings file build
that map from the app itself or from a short environment string, so an app runs without edits.
"""
from __future__ import annotations

from pathlib import Path

from .bootconfig import AppSettings, checked_env, dynamic_value, load_with_overlays
from .exceptions import ConfigurationError, DefinitionError
from .loader import SQL_CONNECTORS


def is_sql_connector(connector: str | None) -> bool:
    """A connector that makes tables: postgresql, mysql, oracle, mssql, sqlite3 (with or without the
    `loopback-connector-` prefix). The empty string / None (unknown) counts as SQL, as the loader reads it."""
    if not connector:
        return True
    return str(connector).removeprefix("loopback-connector-") in SQL_CONNECTORS


def sql_datasources(model_config: str | Path, env: str | None = None) -> list[str]:
    """The SQL datasources of the datasources.json beside `model_config` (a model-config.json), with the
    `datasources.local.json` and `datasources.<env>.json` overlays merged over it as loopback-boot merges
    them (env None: NODE_ENV, else "development"), in file order; [] when there is no such file. An
    unreadable file raises DefinitionError naming it."""
    path = Path(model_config)
    datasources_file = (path if path.is_dir() else path.parent) / "datasources.json"
    if not datasources_file.is_file():
        return []
    problems: list = []
    env = checked_env(env)
    data = load_with_overlays(datasources_file, env, problems, []).data
    if problems:
        raise DefinitionError(problems)
    if not isinstance(data, dict):
        raise ConfigurationError(f"{datasources_file}: datasources must be a JSON object")
    app_settings = AppSettings(datasources_file.with_name("config.json"), env, problems, [])
    found = [name for name, ds in data.items()
             if isinstance(ds, dict) and is_sql_connector(_connector(ds.get("connector"), app_settings))]
    if problems:  # config.json, read for a `${NAME}` it had to answer
        raise DefinitionError(problems)
    return found


def _connector(written, app_settings: AppSettings):
    """The connector as the loader reads it: `${NAME}` resolved (docs/loopback-rules/boot-config.md#dynamic-values);
    one that resolves to nothing is unknown, which counts as SQL."""
    dynamic = dynamic_value(written, app_settings)
    if dynamic is None:
        return written
    return dynamic.resolved


def parse_datasource_map(text: str) -> dict[str, str]:
    """`"db=default,tenantA=default"` -> {"db": "default", "tenantA": "default"}: the LBSYNC_DATASOURCES
    environment form. Spaces around names are ignored; an entry without `=` or with an empty side is refused."""
    mapping: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        datasource, sep, alias = (side.strip() for side in entry.partition("="))
        if not sep or not datasource or not alias:
            raise ConfigurationError(
                f"LBSYNC_DATASOURCES entry {entry!r} is not DATASOURCE=ALIAS (e.g. db=default,tenantA=default)"
            )
        if datasource in mapping and mapping[datasource] != alias:
            raise ConfigurationError(f"LBSYNC_DATASOURCES maps datasource {datasource!r} twice")
        mapping[datasource] = alias
    return mapping
