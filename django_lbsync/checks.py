"""System checks: lbsync.E001 invalid definitions (no database needed); lbsync.E002-E005 mistakes in
settings.LBSYNC (unknown key, wrong type, unknown alias, missing path); lbsync.W001 a database not in sync;
lbsync.W004-W014 definitions LoopBack accepts that are probably mistakes (docs/input-validation.md).

W001 runs for the aliases given to `manage.py check --database ALIAS` (and to migrate), or for every
mapped alias on every check when LBSYNC["CHECK_DATABASES"] is true. It stays a Warning: `migrate`
and the test runner run checks too, and a drifted schema must not stop them.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.checks.database import check_database_backends
from django.core.checks.registry import registry
from django.db import Error as DriverError, connections

from . import conf
from .exceptions import ConfigurationError, DefinitionError, DefinitionProblem, LbsyncError
from .sqlrules import printable


def _configured() -> bool:
    """LBSYNC is set well enough to load definitions (its own mistakes are lbsync.E002-E005)."""
    return not conf.settings_problems() and bool((getattr(settings, "LBSYNC", None) or {}).get("MODELS"))


@register()
def check_settings(app_configs=None, **kwargs):
    """Settings mistakes that would otherwise pass silently: a mistyped key or alias leaves no model attached,
    and isactual would then call an empty database "in sync"."""
    return [Error(p.message, hint=p.hint or None, id=p.id) for p in conf.settings_problems()]


@register(Tags.models)
def check_definitions(app_configs=None, **kwargs):
    if not _configured():
        return []
    from .api import loader_warnings

    try:
        warnings = loader_warnings()
        problems, schema_warnings = _schema_problems()
        warnings = warnings + [w for w in schema_warnings if w not in warnings]
    except DefinitionError as exc:
        problems, warnings = exc.problems, exc.warnings
    except ConfigurationError as exc:
        return [Error(str(exc), id="lbsync.E001")]
    # Shown escaped, as the commands show them: a name from the JSON cannot break a line of the output.
    return [Error(printable(str(problem)), hint="Fix the LoopBack model JSON.",
                  obj=printable(problem.model or str(problem.path)), id="lbsync.E001") for problem in problems] + [
        Warning(printable(str(warning)), hint=WARNING_HINTS.get(warning.code),
                obj=printable(warning.model or str(warning.path)), id=warning.code) for warning in warnings]


#: What to do about each definition warning (docs/input-validation.md).
WARNING_HINTS = {
    "lbsync.W004": "Remove the earlier copies of the key; only the last one counts.",
    "lbsync.W005": "List the model in model-config.json (dataSource null for none), or remove the file.",
    "lbsync.W006": "Define the datasource in datasources.json, or fix the dataSource name.",
    "lbsync.W007": "Name a model in \"entity\", or remove the foreign key.",
    "lbsync.W008": "Write the item type, e.g. [\"string\"].",
    "lbsync.W009": "Give the file a \"name\", or move it out of the model folder.",
    "lbsync.W010": "Use \"primaryKey\" and \"foreignKey\".",
    "lbsync.W011": "Remove the index kind for this database, or map the model to a database that has it.",
    "lbsync.W012": "Remove the setting; to use that database, map the datasource to a Django "
                   "database that connects to it (LBSYNC[\"DATASOURCES\"]).",
    "lbsync.W013": "Write the overlay as JSON, or put its settings in the main file; a leftover overlay "
                   "beside a missing main file can be removed.",
    "lbsync.W014": "Set the variable where manage.py runs, as the LoopBack app's environment sets it (or write "
                   "the connector's name in datasources.json).",
}


@register(Tags.models)
def check_django_owned_tables(app_configs=None, **kwargs):
    """lbsync.W003: a LoopBack model maps to a table a Django model (or the migration recorder) owns, so
    automigrate would drop it and its rows. No database is contacted."""
    if not _configured():
        return []
    from .api import desired_schema
    from .django_owned import django_owned_tables, is_django_owned
    from .vendors import vendor_for

    warnings = []
    for alias in sorted(set(conf.datasource_map().values())):
        if alias not in connections.settings:
            continue
        try:
            with _definition_warnings_quiet():
                desired = desired_schema(using=alias)
        except LbsyncError:
            continue  # lbsync.E001 names the definitions' problems
        owned = django_owned_tables(connections[alias])
        own_schema = (None, vendor_for(connections[alias]).default_schema)
        for table in desired.tables.values():
            if table.schema in own_schema and is_django_owned(table.name, owned):
                warnings.append(Warning(
                    f"LoopBack model {table.model!r} maps to table {printable(table.name)!s} on database {alias!r}, "
                    "which a Django model (or django_migrations) owns: automigrate would drop it and its rows",
                    hint="Map the model to another table, or remove it from LBSYNC (a discovery of the whole "
                         "database includes Django's tables only with --include-django).",
                    obj=table.model, id="lbsync.W003"))
    return warnings


@contextmanager
def _definition_warnings_quiet():
    """Definition warnings are check_definitions' to show (lbsync.W004 and up); the other checks that load
    the definitions do not log them a second time."""
    def drop(record: logging.LogRecord) -> bool:
        return not getattr(record, "lbsync_warning", None)

    logger = logging.getLogger("django_lbsync")
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def _schema_problems() -> tuple[list, list]:
    """What only the target database's rules reveal (names, types, defaults: docs/sql-safety.md),
    for every mapped database. Builds the desired schema; connects to nothing."""
    from django.db import connections

    from .api import desired_schema

    problems: list = []
    warnings: list = []

    def collect(record: logging.LogRecord) -> bool:
        """Warnings the schema builder logs (lbsync.W011, W012) become DefinitionProblems with their code,
        file and model."""
        code = getattr(record, "lbsync_warning", None)
        if not code:
            return True
        if code not in LOADER_CODES:
            found = getattr(record, "lbsync_problem", None) or DefinitionProblem(
                record.getMessage().removesuffix(f" ({code})"), code=code)
            if found not in warnings:
                warnings.append(found)
        return False  # shown by the check, not logged too

    logger = logging.getLogger("django_lbsync")
    logger.addFilter(collect)
    try:
        for alias in sorted(set(conf.datasource_map().values())):
            if alias not in connections.settings:
                continue
            try:
                desired_schema(using=alias)
            except DefinitionError as exc:
                problems.extend(p for p in exc.problems if p not in problems)
    finally:
        logger.removeFilter(collect)
    return problems, warnings


#: The codes the loader returns itself (check_definitions has them from load_definitions).
LOADER_CODES = {"lbsync.W004", "lbsync.W005", "lbsync.W006", "lbsync.W007", "lbsync.W008", "lbsync.W009",
                "lbsync.W010", "lbsync.W013"}


@register(Tags.database)
def check_databases_in_sync(app_configs=None, databases=None, **kwargs):
    if not _configured():
        return []
    if databases is None:
        if not (getattr(settings, "LBSYNC", None) or {}).get("CHECK_DATABASES"):
            return []
        databases = sorted(set(conf.datasource_map().values()))
    from .api import get_plan

    mapped = set(conf.datasource_map().values())
    warnings = []
    for alias in databases:
        if alias not in mapped:
            continue
        try:
            with _definition_warnings_quiet():
                plan = get_plan(using=alias)
        except DefinitionError:
            continue  # reported by lbsync.E001
        except (LbsyncError, DriverError) as exc:  # InterfaceError too: a connection that is gone
            warnings.append(Warning(f"could not compare database {alias!r} with the models: {exc}",
                                    id="lbsync.W002"))
            continue
        if not plan.in_sync:
            lines = [printable(line) for line in  # live names may hold anything: shown escaped
                     plan.describe() + [f"{n.table}: {n.message}" for n in plan.notes if n.blocks_sync]]
            warnings.append(Warning(
                f"database {alias!r} is not in sync with the LoopBack models:\n  " + "\n  ".join(lines),
                hint=f"Run `manage.py autoupdate --database {alias}`.",
                id="lbsync.W001",
            ))
    return warnings


def _backend_checks_with_bounded_connect(app_configs=None, databases=None, **kwargs):
    """Django's own `check_database_backends`, run with django-lbsync's connect timeout on the aliases
    it compares. On MySQL that check reads sql_mode from the server, so a database that is down would
    crash `check --database` (refused) or hang it (a server that never answers) before lbsync.W002 can
    say so. Other aliases, and reachable ones, get Django's check unchanged."""
    if databases is None:
        return []
    from .connecting import DatabaseUnreachable, reachable  # imported here: see __init__.py on start-up time

    try:
        mapped = set(conf.datasource_map().values()) if _configured() else set()
    except ConfigurationError:
        mapped = set()
    issues = []
    for alias in databases:
        if alias not in mapped:
            issues.extend(check_database_backends(databases=[alias], **kwargs))
            continue
        try:
            with reachable(connections[alias]):
                issues.extend(check_database_backends(databases=[alias], **kwargs))
        except DatabaseUnreachable:
            pass  # lbsync.W002 names it
    return issues


if check_database_backends in registry.registered_checks:
    registry.registered_checks.discard(check_database_backends)
    register(Tags.database)(_backend_checks_with_bounded_connect)
