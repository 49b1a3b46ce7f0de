"""The public functions. Orchestration only: load -> build -> (introspect) -> apply.

This is the only module that opens a schema editor. It never prints: progress goes to a callback,
everything else to the `django_lbsync` logger.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections

from . import conf
from .apply import apply
from .bridge import add_foreign_key_sql, oracle_drop_sequence_sql, oracle_sequence_sql, render_models
from .changes import Change
from .definitions import ModelDefinition
from .desired import build_schema
from .diff import diff
from .exceptions import ChangesRefused, LbsyncError, UnknownModel
from .introspect import existing_tables, introspect, row_counts
from .loader import load_definitions
from .locking import database_lock
from .plan import Plan
from .preflight import assess
from .schema import Schema, Table
from .vendors import vendor_for

logger = logging.getLogger("django_lbsync")

#: progress(action, table) is called with action "drop", "create" before each step, and
#: "dropped", "created" after it.
Progress = Callable[[str, Table], None]
#: confirm(tables_with_rows: {table key: rows}) -> bool, asked before dropping tables that hold rows.
Confirm = Callable[[dict[str, int]], bool]


class Cancelled(LbsyncError):
    """The user answered no."""


@dataclass
class AutomigrateResult:
    database: str
    dropped: list[Table] = field(default_factory=list)
    created: list[Table] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    sql: list[str] = field(default_factory=list)  # only with dry_run


def attached_models(models: Sequence[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> list[ModelDefinition]:
    """The resolved definitions of the models attached to the database `using` (§1.8).

    With `models`, exactly those, in attach order; a name that is not attached is an error.
    """
    return _select(_all_attached(using), models, using)


def _select(attached: list[ModelDefinition], models: Sequence[str] | None, using: str) -> list[ModelDefinition]:
    if not models:
        return attached
    datasources = conf.datasources_for(using)
    by_name = {m.name: m for m in attached}
    missing = [name for name in models if name not in by_name]
    if missing:
        raise UnknownModel(
            f"Cannot migrate models not attached to database {using!r} "
            f"(datasources {', '.join(datasources) or 'none'}): {', '.join(missing)}"
        )
    wanted = set(models)
    return [m for m in attached if m.name in wanted]


def _all_attached(using: str) -> list[ModelDefinition]:
    loaded = load_definitions(conf.model_sources(), default_datasource=conf.default_datasource())
    return loaded.for_datasources(conf.datasources_for(using))


def desired_schema(models: Sequence[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> Schema:
    """The schema LoopBack would create for these models on database `using`."""
    connection = connections[using]
    attached = _all_attached(using)
    selected = _select(attached, models, using)
    return build_schema(
        selected,
        vendor_for(connection),
        max_name_length=connection.ops.max_name_length(),
        attached=attached,
    )


def automigrate(
    models: Sequence[str] | None = None,
    *,
    using: str = DEFAULT_DB_ALIAS,
    dry_run: bool = False,
    assume_empty: bool = False,
    confirm: Confirm | None = None,
    progress: Progress | None = None,
) -> AutomigrateResult:
    """Drop and re-create the tables of `models` (default: every model attached to `using`).

    Foreign keys are added after all tables exist; tables are dropped in reverse dependency
    order. On PostgreSQL and SQLite the whole run is one transaction. `dry_run` collects the SQL
    and changes nothing; `assume_empty` renders it without connecting (offline DDL).
    """
    connection = connections[using]
    schema = desired_schema(models, using=using)
    tables = schema.in_dependency_order()
    if assume_empty:
        return _automigrate(connection, using, tables, dry_run, True, confirm, progress)
    with database_lock(connection):
        return _automigrate(connection, using, tables, dry_run, False, confirm, progress)


def _automigrate(connection, using, tables, dry_run, assume_empty, confirm, progress) -> AutomigrateResult:
    result = AutomigrateResult(database=using)
    if not assume_empty:
        result.dropped = existing_tables(connection, reversed(tables))
        result.row_counts = row_counts(connection, result.dropped)
    holding_rows = {key: n for key, n in result.row_counts.items() if n}
    if holding_rows and not dry_run and confirm is not None and not confirm(holding_rows):
        raise Cancelled("Automigrate cancelled; nothing was changed.")
    result.created = tables
    report = progress or (lambda action, table: None)
    vendor = connection.vendor
    model_classes = render_models(vendor, tables)
    atomic = not dry_run and connection.features.can_rollback_ddl
    with connection.schema_editor(collect_sql=dry_run, atomic=atomic) as editor:
        for table in result.dropped:
            report("drop", table)
            editor.delete_model(model_classes[table.key])
            if table.sequence:
                editor.execute(oracle_drop_sequence_sql(table))
            logger.info("dropped table %s", table.key)
            report("dropped", table)
        for schema_name in sorted({t.schema for t in tables if t.schema}) if vendor == "postgresql" else ():
            editor.execute(f"CREATE SCHEMA IF NOT EXISTS {editor.quote_name(schema_name)}")
        for table in tables:
            report("create", table)
            editor.create_model(model_classes[table.key])
            if table.sequence:
                for sql in oracle_sequence_sql(editor, table):
                    editor.execute(sql)
            logger.info("created table %s", table.key)
            report("created", table)
        if vendor != "sqlite":  # SQLite's FKs are part of CREATE TABLE (bridge.model_state)
            for table in tables:
                for fk in table.foreign_keys:
                    # Deferred, so they run after every table and index exists, like Django's own FKs.
                    editor.deferred_sql.append(add_foreign_key_sql(editor, table, fk))
    if dry_run:
        result.sql = list(editor.collected_sql)
    return result


@dataclass
class AutoupdateResult:
    plan: Plan
    applied: list[Change] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)  # only with dry_run


def _live_and_plan(models, using: str, prune: bool) -> tuple[Schema, Plan]:
    connection = connections[using]
    desired = desired_schema(models, using=using)
    live = introspect(connection, schemas={t.schema for t in desired.tables.values() if t.schema})
    plan = diff(live, desired, vendor_for(connection), database=using, prune=prune)
    return live, assess(plan, connection, live)


def get_plan(models: Sequence[str] | None = None, *, using: str = DEFAULT_DB_ALIAS, prune: bool = False) -> Plan:
    """What autoupdate would do: the typed, ordered changes with their risk, and notes."""
    return _live_and_plan(models, using, prune)[1]


def is_actual(models: Sequence[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when the database holds exactly the tables the models describe (LoopBack's isActual)."""
    return get_plan(models, using=using).in_sync


def autoupdate(
    models: Sequence[str] | None = None,
    *,
    using: str = DEFAULT_DB_ALIAS,
    allow_destructive: bool = False,
    dry_run: bool = False,
    prune: bool = False,
    confirm: Callable[[Plan], bool] | None = None,
    progress: Callable[[str, Change], None] | None = None,
    lock_timeout: float = 60.0,
    on_wait: Callable[[], None] | None = None,
) -> AutoupdateResult:
    """Bring the tables of `models` (default: all attached) in line with their definitions.

    Changes that lose or rewrite data need `allow_destructive` or a yes from `confirm(plan)`;
    changes the data makes impossible are always refused. Either way nothing is applied then
    (ChangesRefused). One transaction on PostgreSQL and SQLite; on MySQL a failure raises
    ApplyFailed naming the steps applied. Concurrent runs on one database wait for each other.
    """
    connection = connections[using]
    with database_lock(connection, timeout=lock_timeout, on_wait=on_wait):
        live, plan = _live_and_plan(models, using, prune)
        result = AutoupdateResult(plan)
        if not dry_run:
            if plan.impossible:
                raise ChangesRefused(plan, plan.impossible, impossible=True)
            risky = plan.needs_confirmation
            if risky and not allow_destructive and not (confirm is not None and confirm(plan)):
                raise ChangesRefused(plan, risky, impossible=False)
        if plan.is_empty:
            return result
        atomic = not dry_run and connection.features.can_rollback_ddl
        with connection.schema_editor(collect_sql=dry_run, atomic=atomic) as editor:
            result.applied = apply(plan, editor, live, progress=progress)
        if dry_run:
            result.sql = list(editor.collected_sql)
            result.applied = []
        return result
