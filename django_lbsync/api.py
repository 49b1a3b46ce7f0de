"""The public functions. Orchestration only: load -> build -> (introspect) -> apply.

This is the only module that opens a schema editor. It never prints: progress goes to a callback,
everything else to the `django_lbsync` logger.
"""
from __future__ import annotations

import difflib
import logging
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, NamedTuple, Sequence, Union

from django.db import DEFAULT_DB_ALIAS, DatabaseError, Error, connections
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from . import conf, desired_cache, extensions, sourcefs
from .apply import apply, apply_in_batches, strict_session
from .gcpause import paused_gc
from .batch import check_lock_capacity, lock_budget, relations_touched, split_changes, split_notice
from .bridge import statements_as_written
from .changes import (
    AddColumn, AddForeignKey, AlterColumn, Change, CreateTable, DropForeignKey, DropTable, Note, Risk,
)
from .dependents import DropEffects, drop_effects, ref_key, refuse_orphans
from .fkcheck import scoped_foreign_key_check
from .connecting import reachable
from .definitions import ModelDefinition
from .desired import build_schema, recorded_warnings, replay_warnings
from .diff import aligned_names, diff
from .exceptions import (
    ApplyFailed, Cancelled, CatalogInconsistent, ChangesRefused, RunStage, UnknownModel, commit_in_doubt,
    lost_in_transaction,
)
from .introspect import (CatalogPrefetch, existing_tables, introspect, never_answered, read_catalog, refuse_unsound,
                         row_counts)
from .loader import LoadedDefinitions, load_definitions
from .locking import database_lock
from .locks import annotate as annotate_locks
from .online import apply_online, refuse_blocking, require_online, settle_leftovers
from .plan import Plan
from .preflight import classify, measure
from .schema import Schema, Table
from .sqlrules import printable, refuse_unsafe_live_names
from .vendors import vendor_for
from .verdict_cache import Remembered

logger = logging.getLogger("django_lbsync")

#: progress(action, table) is called with action "drop", "create" before each step, and
#: "dropped", "created" after it.
Progress = Callable[[str, Table], None]
#: confirm(tables_with_rows: {table key: rows}) -> bool, asked before dropping tables that hold rows,
#: that other objects depend on, or that carry what no model re-creates; the mapping's `.dependents`
#: names every object the drop takes along (PostgreSQL CASCADE: views, materialized views, other
#: tables' foreign keys ...), and `.lost` what belongs to the tables and is not re-created (triggers,
#: rules, policies, row level security, grants, comments; dependents.py).
Confirm = Callable[[dict[str, int]], bool]


class TablesToDrop(dict):
    """{table key: rows} of the tables automigrate drops, `.dependents`: other objects that go with them,
    and `.lost`: what belongs to the tables themselves and does not come back."""

    def __init__(self, rows: dict[str, int], dependents: list[str], lost: list[str] = ()):
        super().__init__(rows)
        self.dependents = list(dependents)
        self.lost = list(lost)


@dataclass
class AutomigrateResult:
    database: str
    dropped: list[Table] = field(default_factory=list)
    created: list[Table] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    sql: list[str] = field(default_factory=list)  # only with dry_run
    dependents: list[str] = field(default_factory=list)  # other objects the drop takes along (named)
    lost: list[str] = field(default_factory=list)  # parts of the tables no model re-creates (named)
    restored_foreign_keys: list[str] = field(default_factory=list)  # other tables' FKs created again
    plan: Plan | None = None  # the steps run (or, with dry_run, rendered): automigrate_plan


def attached_models(models: Sequence[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> list[ModelDefinition]:
    """The resolved definitions of the models attached to the database `using`
    (docs/loopback-rules/models.md#datasources-and-attachment).

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
        named = []
        for name in missing:
            close = difflib.get_close_matches(name, list(by_name), n=1)
            named.append(name + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise UnknownModel(
            f"Cannot migrate models not attached to database {using!r} "
            f"(datasources {', '.join(datasources) or 'none'}): {', '.join(named)}"
        )
    wanted = set(models)
    return [m for m in attached if m.name in wanted]


def _all_attached(using: str) -> list[ModelDefinition]:
    return _load(using).for_datasources(conf.datasources_for(using))


def _load(using: str) -> LoadedDefinitions:
    loaded = load_definitions(conf.model_sources(), default_datasource=conf.default_datasource(),
                              env=conf.node_env())
    log_definition_warnings(loaded.warnings)
    return loaded


def log_definition_warnings(warnings) -> None:
    """The loader's warnings (lbsync.W004 and up) on the `django_lbsync` logger, each record carrying its code
    as `lbsync_warning`: the commands print them once each on stderr (commands/_base.py)."""
    for warning in warnings:
        logger.warning("%s (%s)", warning, warning.code, extra={"lbsync_warning": warning.code})


def desired_schema(models: Sequence[str] | None = None, *, using: str = DEFAULT_DB_ALIAS,
                   live: bool = False) -> Schema:
    """The schema LoopBack would create for these models on database `using`.

    A model that names the connection's own schema is keyed as one that names none, as the readers key
    that schema's tables (docs/loopback-rules/names.md#schema). `live`: the own schema is asked of the
    catalog (one SELECT); else its documented default is used and nothing is connected.
    """
    connection = connections[using]
    return _desired(models, using, vendor_for(connection).own_schema(connection, live=live))


class _Definitions(NamedTuple):
    selected: list[ModelDefinition]
    attached: list[ModelDefinition]
    warnings: list  # the loader's (lbsync.W004 and up), already logged
    witness: sourcefs.Witness  # what the loader asked of the file system (desired_cache.py)


def _definitions(models: Sequence[str] | None, using: str) -> _Definitions:
    """The selected models and every model attached to `using`: the JSON read and resolved, no database."""
    with sourcefs.recording() as witness:
        loaded = _load(using)
    attached = loaded.for_datasources(conf.datasources_for(using))
    return _Definitions(_select(attached, models, using), attached, loaded.warnings, witness)


def _desired(models: Sequence[str] | None, using: str, own_schema: str | None,
             definitions: _Definitions | None = None, seen: sourcefs.Witness | None = None) -> Schema:
    """desired_schema with the own schema already known: sends nothing to the database. Taken from the
    desired-schema cache when none of its inputs changed (desired_cache.py), and kept there once built.
    `seen`: a witness that held just now (the loader's entry's), compared instead of asked again."""
    return _desired_and_witness(_listed(models), using, own_schema, definitions, seen)[0]


class _Kept(NamedTuple):
    """What the desired-schema cache holds for one build's inputs (_kept_desired)."""
    entry: str | None  # the database's own key (None: no cache)
    shared: str | None  # the key shared by every database name (_desired_key's `shared`)
    found: tuple[tuple, sourcefs.Witness] | None  # desired_cache.load_entry's answer: (value, witness), or None


def _kept_desired(models: list[str] | None, using: str, own_schema: str | None,
                  definitions: _Definitions | None, seen: sourcefs.Witness | None) -> _Kept:
    """The desired schema's cache entry for these inputs, if one is valid: read and checked, nothing logged and
    nothing built (_desired_and_witness does both)."""
    entry = _desired_key(models, using, own_schema)
    shared = _desired_key(models, using, own_schema, shared=True) if entry else None
    # The database's own entry first, then the one shared by every database of this alias's settings but its
    # NAME (kept only for definitions that place no table: then the database's name and own schema change nothing).
    for key in (entry, shared) if entry else ():
        # A load just now is compared with, an entry's witness (`seen`) asked again where they differ.
        found = (desired_cache.load_entry(key, definitions.witness, loaded=True) if definitions
                 else desired_cache.load_entry(key, seen))
        if found is not None:
            return _Kept(entry, shared, found)
    return _Kept(entry, shared, None)


def _desired_and_witness(models: list[str] | None, using: str, own_schema: str | None,
                         definitions: _Definitions | None, seen: sourcefs.Witness | None,
                         kept: _Kept | None = None) -> tuple[Schema, sourcefs.Witness | None, tuple[list, list]]:
    """_desired, the witness of the definitions it stands for (None when nothing is kept), and the warnings it
    stands for (the loader's, the builder's): an answer kept for this schema logs them again (verdict_cache).
    `kept`: _kept_desired's answer for the same arguments, read already."""
    connection = connections[using]
    entry, shared, found = kept or _kept_desired(models, using, own_schema, definitions, seen)
    if found is not None:
        (schema, warnings, build_warnings), witness = found
        if definitions is None:  # else the loader ran and logged them already
            log_definition_warnings(warnings)
        replay_warnings(build_warnings)
        return schema, witness, (list(warnings), list(build_warnings))
    vendor = vendor_for(connection)
    selected, attached, warnings, witness = definitions or _definitions(models, using)
    with recorded_warnings() as build_warnings:
        schema = build_schema(
            selected,
            vendor,
            max_name_length=connection.ops.max_name_length(),
            attached=attached,
            own_schema=own_schema,
            own_database=connection.settings_dict.get("NAME") or None,
        )
    if entry:
        if _places_no_table(vendor, selected, attached):
            entry = shared
        desired_cache.store(entry, witness, (schema, list(warnings), list(build_warnings)))
        loader_entry = _loader_key() if definitions is None else None
        if loader_entry:  # this load vouches for the definitions too (_definitions_checked, loader_warnings)
            desired_cache.store(loader_entry, witness, (list(warnings),))
    return schema, witness if entry else None, (list(warnings), list(build_warnings))


def _desired_key(models: list[str] | None, using: str, own_schema: str | None, shared: bool = False) -> str | None:
    """The desired schema's cache key on `using` (_cache_key); None when there is no cache. `shared`: the key
    without the database's NAME, own schema and own database, for a schema that does not depend on them
    (_places_no_table): another database of the same settings (a test database, a tenant's) finds it."""
    connection = connections[using]
    if shared:
        return _cache_key(models, using, connection, vendor_for(connection), connection.ops.max_name_length(),
                          None, None, placed=False)
    return _cache_key(models, using, connection, vendor_for(connection), connection.ops.max_name_length(),
                      own_schema, connection.settings_dict.get("NAME") or None)


def _places_no_table(vendor, *model_lists) -> bool:
    """No model names a schema or database for this vendor: build_schema then reads neither the connection's
    own schema (Vendor.schema_name is None for every table and every key's target) nor its own database
    (Vendor.ignored_placement finds nothing to warn about), so its schema is the same on every database."""
    return not any(vendor.named_schema(model) or vendor.ignored_placement(model)
                   for models in model_lists for model in models)


def loader_warnings() -> list:
    """The loader's warnings (lbsync.W004 and up) for every model, as `check` shows them: from the cache while
    no file the loader read changed (desired_cache.py), so a `manage.py` command with its system checks does
    not load the JSON every time. DefinitionError when the definitions are refused (never kept)."""
    entry = _loader_key()
    cached = desired_cache.load(entry) if entry else None
    if cached is not None:
        return list(cached[0])
    with sourcefs.recording() as witness:
        warnings = load_definitions(conf.model_sources(), default_datasource=conf.default_datasource(),
                                    env=conf.node_env()).warnings
    if entry:
        desired_cache.store(entry, witness, (list(warnings),))
    return warnings


def _loader_key() -> str | None:
    """The key of the loader's own entry (its warnings): every setting load_definitions reads; None: no cache."""
    if conf.cache_dir() is None:
        return None
    return desired_cache.key(kind="loader warnings", **_loader_inputs())


def _loader_inputs() -> dict:
    """What load_definitions reads besides files: the settings, the resolved MODELS paths, the environment whose
    overlays apply, the datasource plain folders attach to. Part of both keys (_loader_key, _cache_key)."""
    return {"lbsync": conf.lbsync_settings(), "sources": [str(p) for p in conf.model_sources()],
            "env": conf.node_env(), "default_datasource": conf.default_datasource()}


def _definitions_checked(models: list[str] | None, using: str) -> tuple[_Definitions | None, sourcefs.Witness | None]:
    """Before the database is asked anything: the definitions loaded, so that bad JSON is reported first; or
    None when the loader's cache entry vouches that they load as they did (nothing changed since a load that
    succeeded), and nothing is read twice: _desired then takes the schema from its own entry. Second: the
    witness that held (the load's, or the entry's), for the entries that stand for the same definitions."""
    entry = _loader_key()
    found = desired_cache.load_entry(entry) if entry else None
    if found is not None:
        return None, found[1]
    definitions = _definitions(models, using)
    if entry:
        desired_cache.store(entry, definitions.witness, (list(definitions.warnings),))
    return definitions, definitions.witness


def _listed(models: Sequence[str] | None) -> list[str] | None:
    """`models` as a list, once: the cache key and the selection must see the same names. A one-shot iterable
    read by the key and then again by _select selected nothing, and that empty schema was kept under the key of
    the names, so later calls with a list of them were answered from it."""
    return None if models is None else list(models)


def _cache_key(models, using, connection, vendor, max_name_length, own_schema, own_database,
               placed: bool = True) -> str | None:
    """Every input of _desired that is not a file (desired_cache.key); None when there is no cache. `placed`
    False: the key of a schema that depends on no database's name (_desired_key's `shared`)."""
    if conf.cache_dir() is None:
        return None
    database = connection.settings_dict
    where = ({"name": database.get("NAME"), "own_schema": own_schema, "own_database": own_database} if placed
             else {"placed": False})
    return desired_cache.key(
        **_loader_inputs(), datasources=conf.datasources_for(using), using=using,
        models=models or None, engine=database.get("ENGINE"), options=database.get("OPTIONS"),
        vendor=f"{type(vendor).__module__}.{type(vendor).__qualname__}", max_name_length=max_name_length, **where)


Using = Union[str, BaseDatabaseSchemaEditor]


def _target(using: Using) -> tuple[str, object, BaseDatabaseSchemaEditor | None]:
    """An alias, or the schema editor a migration hands to RunPython / an Operation."""
    if isinstance(using, BaseDatabaseSchemaEditor):
        return using.connection.alias, using.connection, using
    return using, connections[using], None


@contextmanager
def _editor(connection, given: BaseDatabaseSchemaEditor | None, dry_run: bool) -> Iterator[BaseDatabaseSchemaEditor]:
    """The caller's editor (joining its transaction), or our own: atomic where DDL can roll back."""
    if given is not None:
        with statements_as_written(given):
            yield given
        return
    atomic = not dry_run and connection.features.can_rollback_ddl
    editor = connection.schema_editor(collect_sql=dry_run, atomic=atomic)
    open_before = len(connection.atomic_blocks)
    run_error = None
    try:
        # Outermost: the foreign key check the editor makes on its way out covers what the run changed (fkcheck.py).
        with scoped_foreign_key_check(connection, editor), editor, statements_as_written(editor):
            try:
                yield editor
            except BaseException as error:
                run_error = error
                raise
    except BaseException as error:
        if len(connection.atomic_blocks) > open_before:
            # SQLite's editor checks foreign keys before it ends its transaction (fkcheck.py): a check that fails
            # (a row the run left pointing nowhere) raised before the transaction was closed, and left it open with
            # the run's changes in it and foreign key checks off. Rolled back here, as promised.
            editor.atomic.__exit__(type(error), error, error.__traceback__)
            connection.enable_constraint_checking()
        if run_error is not None and error is not run_error:
            # The step's own failure, not the check it set off on the way out.
            raise run_error from run_error.__cause__
        raise


@paused_gc()
def automigrate(
    models: Sequence[str] | None = None,
    *,
    using: Using = DEFAULT_DB_ALIAS,
    dry_run: bool = False,
    assume_empty: bool = False,
    confirm: Confirm | None = None,
    progress: Progress | None = None,
    lock_timeout: float = 60.0,
    on_wait: Callable[[], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> AutomigrateResult:
    """Drop and re-create the tables of `models` (default: every model attached to `using`).

    Foreign keys are added after all tables exist; tables are dropped in reverse dependency
    order. On PostgreSQL and SQLite the whole run is one transaction. `dry_run` collects the SQL
    and changes nothing; `assume_empty` renders it without connecting (offline DDL). `using` may be
    a schema editor (in a migration): the run joins it, and its `collect_sql` decides `dry_run`.
    `lock_timeout` bounds, in seconds, the wait for another run and each wait for a table lock.
    It runs as a plan (automigrate_plan) through the applier autoupdate uses (apply.py). A step that fails
    raises StepFailed (ApplyFailed step by step, StatementFailed where statements are sent in batches),
    saying whether the run was rolled back or which steps were done. `on_plan(plan)` hears the plan before
    its first step (after any confirmation): a progress display's total. A run too big for one PostgreSQL
    transaction's share of the lock table runs as several transactions, announced through `on_notice` first
    (batch.split_changes); inside a migration (`using` an editor) it is refused instead (TooManyRelations).
    """
    alias, connection, given = _target(using)
    lock_timeout = conf.seconds(lock_timeout, "lock_timeout")
    if given is not None:
        dry_run = given.collect_sql
    # Built before anything is connected, so a definition error changes nothing (not even creates the database).
    tables = desired_schema(models, using=alias).in_dependency_order()
    if assume_empty:
        return _automigrate(connection, alias, tables, given, dry_run, assume_empty, confirm, progress, on_plan)
    if given is not None:
        tables = _keyed_live(models, alias, tables)
        return _automigrate(connection, alias, tables, given, dry_run, assume_empty, confirm, progress, on_plan)
    with reachable(connection, may_create=not dry_run), database_lock(connection, timeout=lock_timeout,
                                                                      on_wait=on_wait):
        tables = _keyed_live(models, alias, tables)
        with nullcontext() if dry_run else strict_session(connection):  # MySQL: refuse, never clamp
            return _automigrate(connection, alias, tables, None, dry_run, False, confirm, progress, on_plan,
                                on_notice)


def _keyed_live(models, alias: str, tables: list[Table]) -> list[Table]:
    """`tables` keyed by the connection's own schema as the catalog names it (the tables automigrate finds,
    drops and restores FKs of are keyed so); the same list where models' schemas are not keyed."""
    connection = connections[alias]
    vendor = vendor_for(connection)
    # Built again only when the catalog's own schema is not the documented one the tables were keyed by.
    if not vendor.keys_schemas or vendor.own_schema(connection, live=True) == vendor.own_schema(connection, live=False):
        return tables
    return desired_schema(models, using=alias, live=True).in_dependency_order()


def _automigrate(connection, alias, tables, given, dry_run, assume_empty, confirm, progress,
                 on_plan=None, on_notice=None) -> AutomigrateResult:
    result = AutomigrateResult(database=alias)
    # Before anything is dropped: the extensions a default calls, created first or refused (extensions.py).
    first = extensions.prepare(connection, tables)
    if not assume_empty:
        result.dropped = existing_tables(connection, reversed(tables))
        if not dry_run:  # --sql is read-only: catalog queries only, no COUNT over user tables
            result.row_counts = row_counts(connection, result.dropped)
    effects = _drop_effects(connection, alias, result.dropped)
    result.dependents = effects.dependents
    result.lost = effects.lost
    result.restored_foreign_keys = [f"{fk.name} on table {table.key}" for table, fk in effects.fks_to_restore]
    if not dry_run:
        refuse_orphans(connection, effects)
    holding_rows = {key: n for key, n in result.row_counts.items() if n}
    if ((holding_rows or effects.dependents or effects.lost) and not dry_run and confirm is not None
            and not confirm(TablesToDrop(holding_rows, effects.dependents, effects.lost))):
        raise Cancelled("Automigrate cancelled; nothing was changed.")
    result.created = tables
    vendor = vendor_for(connection)
    plan, before = automigrate_plan(alias, vendor, tables, result.dropped, effects, result.row_counts, dry_run)
    result.plan = plan
    if on_plan is not None:
        on_plan(plan)
    report = progress or (lambda action, table: None)
    if not dry_run:
        report = _logging(report)
    steps = _table_steps(report)
    if given is None and vendor.batches_ddl:
        # PostgreSQL and MySQL: the same steps render every statement, then they are sent in as few
        # round trips as the database allows; progress is reported once they have run.
        budget = lock_budget(connection) if not dry_run else None
        statements = apply_in_batches(plan, connection, before, progress=steps, execute=not dry_run,
                                      budget=budget, on_notice=on_notice, first=first)
        result.sql = [] if not dry_run else statements
        return result
    # In a migration, or on SQLite (whose editor must switch FK checks off around the run), Django's
    # editor executes as it renders, step by step (a failure: ApplyFailed, a StepFailed).
    if given is not None and not dry_run:  # a migration's one transaction cannot be split
        check_lock_capacity(connection, relations_touched([*tables, *result.dropped]))
    applied = None  # the changes, once every step ran: what fails then is the end of the run (COMMIT)
    raw_before = connection.connection  # the driver connection that will COMMIT (commit_in_doubt)
    try:
        with _editor(connection, given, dry_run) as editor, _lost_in_migration(connection, given):
            collected_before = len(editor.collected_sql) if dry_run else 0
            for statement in first:
                editor.execute(statement)
            applied = apply(plan, editor, before, progress=steps, prerender=True, indexes_after_tables=True)
    except Error as error:
        if applied is None or dry_run or given is not None:  # before the first step, or the migration's to report
            raise
        raise _end_failed(connection, applied, error, raw_before) from error
    if dry_run:
        result.sql = list(editor.collected_sql[collected_before:])
    return result


def automigrate_plan(alias: str, vendor, tables: list[Table], dropped: list[Table], effects: DropEffects,
                     row_counts: dict[str, int] | None = None, dry_run: bool = True) -> tuple[Plan, Schema]:
    """automigrate as a plan for apply: the FKs MySQL must drop first, a DropTable per existing table, a
    CreateTable per table, then the FKs (where they are not inline): the tables' own and those of other
    managed tables the drop removed. Also the schema the steps start from (what they alter or drop)."""
    counts = row_counts or {}
    changes: list[Change] = [DropForeignKey(table, fk) for table, fk in effects.fks_to_drop_first]
    changes += [DropTable(t, risk=Risk.DESTRUCTIVE if counts.get(t.key) else Risk.SAFE,
                          rows=counts.get(t.key), measured=not dry_run and t.key in counts) for t in dropped]
    changes += [CreateTable(t) for t in tables]
    if not vendor.inline_foreign_keys:  # else they are part of CREATE TABLE (bridge.model_parts)
        changes += [AddForeignKey(t, fk) for t in tables for fk in t.foreign_keys]
        changes += [AddForeignKey(t, fk) for t, fk in effects.fks_to_restore]
    before = Schema(vendor.django_vendor)
    for table, _ in [*effects.fks_to_restore, *effects.fks_to_drop_first]:
        before.add(table)
    for table in dropped:
        before.add(table)
    return Plan(alias, vendor.django_vendor, tuple(changes)), before


def _table_steps(report: Progress) -> Callable[[str, Change], None]:
    """apply's progress (start / done / failed, per change) as automigrate's (drop, dropped, create, created,
    per table)."""
    names = {(DropTable, "start"): "drop", (DropTable, "done"): "dropped",
             (CreateTable, "start"): "create", (CreateTable, "done"): "created"}

    def step(state: str, change: Change) -> None:
        action = names.get((type(change), state))
        if action:
            report(action, change.table)

    return step


def _logging(report: Progress) -> Progress:
    """`report`, plus a log line for each table dropped or created: only for steps that really ran
    (a dry run renders every step and runs none; a batched run renders first and reports after)."""

    def logged(action: str, table: Table) -> None:
        if action in ("dropped", "created"):
            logger.info("%s table %s", action, table.key)
        report(action, table)

    return logged


def _drop_effects(connection, alias: str, dropped: list[Table]) -> DropEffects:
    """What dropping `dropped` takes along on this database, and which FKs to put back (catalog reads)."""
    if not dropped:
        return DropEffects()
    live = introspect(connection, schemas={t.schema for t in dropped if t.schema})
    _refuse_unsound(connection, live, dropped)
    return drop_effects(connection, live, dropped, desired_schema(using=alias, live=True), vendor_for(connection))


@dataclass
class AutoupdateResult:
    plan: Plan
    applied: list[Change] = field(default_factory=list)
    skipped: list[Change] = field(default_factory=list)  # with only_safe: the risky changes left for later
    sql: list[str] = field(default_factory=list)  # only with dry_run


def _live_and_plan(models, alias: str, prune: bool, online: bool = False, remembered: bool = False,
                   verdict_only: bool = False) -> tuple[Schema | None, Plan]:
    """The live schema and the plan from it to the models. `remembered` (get_plan, isactual): an in-sync plan
    kept for exactly this catalog and these definitions is answered from verdict_cache.py, and the live schema
    is then None (not built). `verdict_only` (is_actual): only the plan's `in_sync` is wanted, so the changes are
    not classified (risks, locks, row estimates: one catalog query fewer), and a plan with changes kept for
    these rows answers too."""
    models = _listed(models)  # _definitions and _desired both read it (_listed)
    connection = connections[alias]
    vendor = vendor_for(connection)
    # The catalog is read while the JSON loads and the desired schema builds (introspect.CatalogPrefetch), or
    # while it comes from the desired-schema cache. On a connection not open yet, bad JSON is reported before
    # anything is asked of the database (a server that does not answer must not turn a definition error into an
    # unreachable one): the JSON is loaded first, unless the loader's cache entry vouches for it; on an open one
    # the read starts first, and a definition error still wins once it has ended.
    prefetching = vendor.prefetches_catalog
    definitions = seen = None
    if not (prefetching and connection.connection is not None):
        definitions, seen = _definitions_checked(models, alias)
    with CatalogPrefetch(connection, wants_digest=remembered) if prefetching else nullcontext() as prefetch:
        own_schema = prefetch.own_schema() if prefetch else vendor.own_schema(connection, live=True)
        memo = None
        if remembered:
            memo = Remembered.open(_desired_key(models, alias, own_schema), prune, online, seen,
                                   loaded=definitions is not None)
            seen = memo.witness or seen if memo else seen
        if prefetch and not (memo and memo.plans):
            prefetch.build()  # nothing to answer from: the tables build while the desired schema does
        kept = None
        if memo and memo.plans:  # the rows first: known ones need neither the desired schema nor the tables
            if prefetch:
                if not prefetch.digest_ready():
                    # The server is still reading the catalog: meanwhile this thread, idle otherwise, reads the
                    # desired schema's entry, which a kept answer makes unneeded and a new catalog (the first run
                    # after the database changed) needs. Read after the digest it competed for the interpreter
                    # with the rows being built into tables (bench/RESULTS.md, "no answer kept").
                    kept = _kept_desired(models, alias, own_schema, definitions, seen)
                digest = prefetch.digest()
                known = memo.plan_for(digest, any_plan=verdict_only)
                if known is not None:
                    prefetch.answered()
                    memo.replay_warnings(loaded=definitions is not None)
                    return None, known
                prefetch.build()
            else:
                digest, live = read_catalog(
                    connection, answered=lambda d: memo.plan_for(d, any_plan=verdict_only) is not None)
                if live is None:
                    memo.replay_warnings(loaded=definitions is not None)
                    return None, memo.plan_for(digest, any_plan=verdict_only)
        desired, witness, logged = _desired_and_witness(models, alias, own_schema, definitions, seen, kept)
        schemas = {t.schema for t in desired.tables.values() if t.schema}
        if prefetch:
            live = prefetch.schema(schemas)
            digest = prefetch.digest()
        elif not (memo and memo.plans) or schemas:
            digest, live = read_catalog(connection, schemas=schemas, answered=never_answered if memo else None)
        digest = None if schemas else digest  # read again with the other schemas: the first digest is not theirs
    live = aligned_names(live, desired, vendor)
    plan = diff(live, desired, vendor, database=alias, prune=prune)
    unsound = _unsound(live, desired.tables.values(), vendor)
    if unsound:  # read while another session changed them: never "in sync", never planned from (_refuse_unsound)
        plan = replace(plan, notes=plan.notes + tuple(
            Note(key, "its catalog rows did not fit together (read while another session changed it?): "
                      "run again once that change is done", blocks_sync=True) for key in unsound))
    classified = not (verdict_only and plan.changes)
    if classified:
        # Risk from the types alone: no user table is read here (isactual, check, --sql stay read-only).
        plan = classify(plan, connection, live)
        # Each change's lock and cost as it will run, and its table's row estimate (catalog statistics only).
        plan = annotate_locks(plan, connection, online=online)
    if logger.isEnabledFor(logging.DEBUG):
        for line in plan.describe():
            logger.debug("detected on %s: %s", alias, printable(line))
    if memo:
        memo.keep(digest, plan, witness, logged, classified=classified)
    return live, plan


@paused_gc()
def get_plan(models: Sequence[str] | None = None, *, using: Using = DEFAULT_DB_ALIAS, prune: bool = False,
             online: bool = False) -> Plan:
    """What autoupdate would do: the typed, ordered changes, and notes. Read-only: it sends catalog
    queries only, so each change's risk is the worst it MAY do (`measured` False, `rows` None);
    autoupdate counts the data under its lock. Each change's `lock` says which lock it takes and for how
    long, as `autoupdate(online=online)` would run it, and `estimated_rows` its table's size from the
    catalog's statistics (docs/online.md)."""
    alias = _target(using)[0]
    with reachable(connections[alias]):
        return _live_and_plan(models, alias, prune, online, remembered=True)[1]


@paused_gc()
def is_actual(models: Sequence[str] | None = None, *, using: Using = DEFAULT_DB_ALIAS) -> bool:
    """True when the database holds exactly the tables the models describe (LoopBack's isActual): get_plan's
    `in_sync`, without classifying the changes' risks and locks, which it does not depend on."""
    alias = _target(using)[0]
    with reachable(connections[alias]):
        return _live_and_plan(models, alias, False, remembered=True, verdict_only=True)[1].in_sync


@paused_gc()
def autoupdate(
    models: Sequence[str] | None = None,
    *,
    using: Using = DEFAULT_DB_ALIAS,
    allow_destructive: bool = False,
    only_safe: bool = False,
    dry_run: bool = False,
    prune: bool = False,
    confirm: Callable[[Plan], bool] | None = None,
    progress: Callable[[str, Change], None] | None = None,
    lock_timeout: float = 60.0,
    on_wait: Callable[[], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    online: bool = False,
) -> AutoupdateResult:
    """Bring the tables of `models` (default: all attached) in line with their definitions.

    Changes that lose or rewrite data need `allow_destructive` or a yes from `confirm(plan)`;
    changes the data makes impossible are always refused. Either way nothing is applied then
    (ChangesRefused). `only_safe` applies just the safe changes and leaves the rest in `skipped`
    (e.g. add the new columns, move data, then drop the old ones). One transaction on PostgreSQL
    and SQLite; a failure once the first step ran raises ApplyFailed (a StepFailed), the COMMIT's included (its
    `change` a RunStage), naming the steps applied where DDL cannot roll back. Concurrent runs on
    one database wait for each other. `using` may be a migration's schema editor. `lock_timeout`
    bounds, in seconds, the wait for another run and each wait for a table lock. `on_plan(plan)` hears the
    plan about to be applied (after any confirmation), before its first step: a progress display's total.

    `online`: run the plan in forms that keep the application writing (docs/online.md): not one
    transaction; each statement waits at most LBSYNC["ONLINE_LOCK_TIMEOUT"] for its lock and is retried;
    changes with no such form are refused (OnlineRefused); databases without online forms refuse it
    (OnlineUnsupported), and so does a transaction around the run (a migration must be `atomic = False`).
    What a failed online run left is settled first (INVALID indexes, NOT VALID constraints).
    """
    alias, connection, given = _target(using)
    lock_timeout = conf.seconds(lock_timeout, "lock_timeout")
    if online:
        require_online(connection, in_migration=given is not None)
    if given is not None:
        return _autoupdate(models, alias, given, given.collect_sql, allow_destructive, only_safe, prune, confirm,
                           progress, on_plan, online=online)
    with reachable(connection, may_create=not dry_run), database_lock(connection, timeout=lock_timeout,
                                                                      on_wait=on_wait):
        return _autoupdate(models, alias, None, dry_run, allow_destructive, only_safe, prune, confirm, progress,
                           on_plan, on_notice, online=online)


def _autoupdate(models, alias, given, dry_run, allow_destructive, only_safe, prune, confirm, progress, on_plan=None,
                on_notice=None, online=False):
    connection = connections[alias]
    leftovers: list[tuple[str, str]] = []
    if online:
        # Before the plan is made: an INVALID index would otherwise pass for the index the model declares.
        wanted = desired_schema(models, using=alias, live=True).tables.values()
        leftovers = settle_leftovers(connection, wanted, execute=not dry_run)
        for what, _ in leftovers:
            (on_notice or (lambda text: None))(f"{'Would settle' if dry_run else 'Settled'} what a failed online "
                                               f"run left: {what}")
    live, plan = _live_and_plan(models, alias, prune, online)
    _refuse_unsound(connection, live, [c.table for c in plan.changes])
    refuse_unsafe_live_names(live, plan, vendor_for(connection))  # before any SQL is built from them
    # The extensions the new or changed columns' defaults call: created first, or refused (extensions.py).
    first = extensions.prepare(connection, [c.table for c in plan.changes if isinstance(c, CreateTable)],
                               [(c.table, c.desired if isinstance(c, AlterColumn) else c.column)
                                for c in plan.changes if isinstance(c, (AddColumn, AlterColumn))])
    with nullcontext() if dry_run else strict_session(connection):
        if not dry_run:
            # The data is read here alone, under the caller's lock; apply re-checks these counts.
            plan = measure(plan, connection)
        result = AutoupdateResult(plan)
        to_apply = plan
        if only_safe:
            result.skipped = [c for c in plan.changes if c.risk != Risk.SAFE]
            to_apply = replace(plan, changes=tuple(c for c in plan.changes if c.risk == Risk.SAFE))
        elif not dry_run:
            if plan.impossible:
                raise ChangesRefused(plan, plan.impossible, impossible=True)
            risky = plan.needs_confirmation
            if risky and not allow_destructive and not (confirm is not None and confirm(plan)):
                raise ChangesRefused(plan, risky, impossible=False)
        if online:
            refuse_blocking(to_apply)
        if to_apply.is_empty:
            if dry_run and leftovers:
                result.sql = [sql for _, sql in leftovers]
            return result
        if on_plan is not None:
            on_plan(to_apply)
        if online:
            result.applied, sent = apply_online(to_apply, connection, live, progress=progress, execute=not dry_run)
            if dry_run:
                result.sql, result.applied = [sql for _, sql in leftovers] + sent, []
                if given is not None:  # sqlmigrate prints what the migration's editor collected
                    given.collected_sql.extend(s if s.startswith("--") else s + ";" for s in result.sql)
            return result
        if not dry_run and given is None:
            budget = lock_budget(connection)
            groups = split_changes(to_apply.changes, budget)
            if len(groups) > 1:
                (on_notice or (lambda text: None))(split_notice(groups, budget))
                result.applied = _apply_in_transactions(connection, to_apply, groups, live, progress, first)
                return result
        elif not dry_run:  # a migration's one transaction cannot be split
            created = [c.table for c in to_apply.changes if isinstance(c, CreateTable)]
            check_lock_capacity(connection, relations_touched(created) + 2 * (len(to_apply.changes) - len(created)))
        ended = False  # True once every step ran: what fails then is the end of the run (COMMIT)
        # The driver connection that will COMMIT (commit_in_doubt); open since the plan read the catalog, and
        # never opened here (a dry run renders offline).
        raw_before = connection.connection
        try:
            with _editor(connection, given, dry_run) as editor, _lost_in_migration(connection, given):
                collected_before = len(editor.collected_sql) if dry_run else 0
                for statement in first:
                    editor.execute(statement)
                result.applied = apply(to_apply, editor, live, progress=progress)
                ended = True
        except Error as error:
            if not ended or dry_run or given is not None:  # before the first step, or the migration's to report
                raise
            raise _end_failed(connection, result.applied, error, raw_before) from error
        if dry_run:
            result.sql = list(editor.collected_sql[collected_before:])
            result.applied = []
        return result


def _end_failed(connection, applied: list[Change], error: Exception, raw_before) -> ApplyFailed:
    """Every step of a run with its own editor ran, and its end failed: the COMMIT (a deferred constraint, SQLite's
    foreign key check or "database is locked", the connection lost) or, where DDL commits as it runs, the
    editor's last statements. A step of the run, never a bare error; `change` is a RunStage holding the changes
    the COMMIT was to make lasting."""
    atomic = connection.features.can_rollback_ddl
    doubt = atomic and commit_in_doubt(error, connection, raw_before)
    if not atomic:
        return ApplyFailed(applied, RunStage("Ending the run"), error, rolled_back=False)
    return ApplyFailed([], RunStage("COMMIT", tuple(applied)), error, rolled_back=not doubt, in_doubt=doubt)


@contextmanager
def _lost_in_migration(connection, given: BaseDatabaseSchemaEditor | None) -> Iterator[None]:
    """In a migration on a database that rolls DDL back, a step that failed because the connection died says
    what that did to the migration's transaction, which Django owns: the server rolled it back (atomic), or the
    steps before stay committed (not atomic). A step that failed on a live connection is reported as it is."""
    try:
        yield
    except ApplyFailed as failed:
        if (given is None or not connection.features.can_rollback_ddl or failed.online_sent is not None
                or not lost_in_transaction(failed.error, connection)):
            raise
        raise ApplyFailed(failed.applied, failed.change, failed.error, rolled_back=given.atomic_migration,
                          lost_in_migration=True) from failed.error


def _apply_in_transactions(connection, plan: Plan, groups: list[list[Change]], live: Schema, progress,
                           first: Sequence[str] = ()) -> list[Change]:
    """A plan too big for one PostgreSQL transaction, as consecutive groups each applied atomically. Each group
    starts from the schema read again after the one before committed, so it sees what that one made. A failure
    rolls back its own group and names what the earlier groups committed (StepFailed.split)."""
    applied: list[Change] = []
    schemas = {t.schema for c in plan.changes for t in [c.table] if t.schema}
    for number, group in enumerate(groups, 1):
        split = (number, len(groups)) if number > 1 else None
        stage = f"Reading the schema for transaction {number}"
        raw_before = connection.connection  # the driver connection that will COMMIT (commit_in_doubt)
        try:
            if number > 1:
                live = introspect(connection, schemas=schemas)
                _refuse_unsound(connection, live, [c.table for c in group])
            stage = "" if number == 1 else f"Starting transaction {number}"
            with _editor(connection, None, False) as editor:
                for statement in first if number == 1 else ():  # CREATE EXTENSION, with the first part
                    editor.execute(statement)
                done = apply(replace(plan, changes=tuple(group)), editor, live, progress=progress)
                stage = f"COMMIT of transaction {number}"
        except ApplyFailed as failed:
            if number == 1:
                raise
            raise ApplyFailed(applied, failed.change, failed.error, rolled_back=False, split=split) from failed.error
        except (Error, CatalogInconsistent) as error:  # the connection lost (killed, server restarted), or the
            # schema changed by another session, between or after the steps
            if not stage:  # before the first step of the first transaction: nothing was changed
                raise
            doubt = stage.startswith("COMMIT") and commit_in_doubt(error, connection, raw_before)
            # `change`: the group whose COMMIT failed (rolled back or in doubt), or that was about to start (not run).
            raise ApplyFailed(applied, RunStage(stage, tuple(group)), error, rolled_back=number == 1 and not doubt,
                              split=split, in_doubt=doubt) from error
        applied += done
    return applied


def _unsound(live: Schema, tables, vendor) -> list[str]:
    """The live tables among `tables` (by name, as the database compares names), and those whose foreign keys
    point at them, whose catalog rows did not fit together (catalogs/builder.sound_table). A table no model
    touches does not count: one odd table elsewhere never blocks the models' own."""
    key = vendor.name_key
    wanted = {key(t.key) for t in tables}
    return sorted(t.key for t in live.tables.values() if t.unsound and (
        key(t.key) in wanted or any(key(ref_key(f)) in wanted for f in t.foreign_keys)))


def _refuse_unsound(connection, live: Schema, tables) -> None:
    """A table the run plans from whose catalog rows did not fit together is not planned from: a rebuild or a
    drop that starts from a table with pieces missing would lose them."""
    refuse_unsound(connection, _unsound(live, tables, vendor_for(connection)), "Nothing was planned from it")


@dataclass(frozen=True)
class ModelNames:
    """Where a model lives on a database: for raw SQL in data migrations."""

    table: str
    schema: str | None
    columns: dict[str, str]  # property -> column

    def quoted_table(self, connection) -> str:
        vendor = vendor_for(connection)
        return vendor.quote_name_for(connection)(vendor.db_table(Table(self.table, self.schema, (), ())))


def db_names(model: str, *, using: Using = DEFAULT_DB_ALIAS) -> ModelNames:
    """The table and column names LoopBack's rules give `model` on this database."""
    alias = _target(using)[0]
    (table,) = desired_schema([model], using=alias, live=True).tables.values()
    columns = {c.origin.split(".", 1)[1]: c.name for c in table.columns if c.origin}
    return ModelNames(table.name, table.schema, columns)
