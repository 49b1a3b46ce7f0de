"""Resolved ModelDefinitions -> the Schema LoopBack's connector would create (docs/loopback-rules/README.md)."""
from __future__ import annotations

import contextvars
import json
import logging
import marshal
import math
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from .definitions import CONNECTOR_KEYS, ModelDefinition, PropertyDefinition
from .exceptions import DefinitionError, DefinitionProblem, RefusedValue
from .loader import SPECIAL_INDEX_KINDS, index_is_unique, index_keys, index_kind
from .schema import Column, ForeignKey, Index, Schema, Table
from .sqlrules import SIZE_KEYS, literal_problem
from .vendors.base import Vendor
from .validation import schema_problems

logger = logging.getLogger("django_lbsync")
SIZE_KEY_SET = frozenset(SIZE_KEYS)


def build_schema(
    models: Iterable[ModelDefinition],
    vendor: Vendor,
    *,
    max_name_length: int | None = None,
    attached: Iterable[ModelDefinition] = (),
    own_schema: str | None = None,
    own_database: str | None = None,
) -> Schema:
    """Build the desired schema; every problem (name clash, name too long ...) is raised together.

    `attached` are the other models on the same database: a foreign key may reference their tables
    even when only some models are migrated. `own_schema` is the connection's own schema
    (Vendor.own_schema): a model naming it gets `schema=None`, as the readers key that schema's tables.
    `own_database` is the connection's database name: a model naming it where the database ignores the
    setting (MySQL's `schema`) is not warned about (lbsync.W012).
    """
    models = list(models)
    attached = list(attached)
    by_name = {m.name: m for m in attached}
    by_name.update((m.name, m) for m in models)
    problems: list[DefinitionProblem] = []
    schema = Schema(vendor.django_vendor)
    sharing: dict[str, list[str]] = {}  # table key -> the models merged into it
    taken: dict[str, str] = {}  # table keys as the database compares them (Vendor.name_key) -> the key used
    shapes: dict = {}  # property shape -> its checked column (_shape_key): one build, one vendor
    safe_columns: set = set()  # (name, type, default) of columns that passed the backstop (_unsafe_sql)
    for model in models:
        _warn_ignored_placement(model, vendor, own_database)
        table = _safe_table(model, vendor, by_name, problems, own_schema, shapes, safe_columns)
        if table is None:
            continue
        existing = taken.get(vendor.name_key(table.key))
        if existing is not None:  # two models, one table: compatible columns merge (docs/loopback-rules/models.md)
            _check_lengths(table, max_name_length, vendor, problems)
            merged = merge_shared_table(schema.tables[existing], table, vendor, problems)
            if merged is not None:
                schema.add(merged)
                sharing[existing].append(model.name)
            continue
        _check_lengths(table, max_name_length, vendor, problems)
        schema.add(table)
        taken[vendor.name_key(table.key)] = table.key
        sharing[table.key] = [model.name]
    # A model that is not migrated this time but shares a table with one that is: its columns are part
    # of that table, so they are neither dropped nor reported as undeclared.
    selected = {m.name for m in models}
    for model in attached:
        if model.name in selected or not schema.tables:
            continue
        key = _table_key(model, vendor, own_schema)
        key = taken.get(vendor.name_key(key)) if key is not None else None
        if key is None:
            continue
        table = _safe_table(model, vendor, by_name, problems, own_schema, shapes, safe_columns)
        if table is not None and (merged := merge_shared_table(schema.tables[key], table, vendor, problems)):
            schema.add(merged)
    # What only several tables together show: index names, FK column types, SET NULL on NOT NULL.
    problems.extend(schema_problems(schema, by_name, vendor))
    if problems:
        raise DefinitionError(problems)
    return schema


def _table_key(model: ModelDefinition, vendor: Vendor, own_schema: str | None = None) -> str | None:
    name, schema_name = vendor.table_name(model), vendor.schema_name(model, own_schema)
    if not isinstance(name, str) or not (schema_name is None or isinstance(schema_name, str)):
        return None
    return f"{schema_name}.{name}" if schema_name else name


def _safe_table(model: ModelDefinition, vendor: Vendor, by_name: dict, problems: list,
                own_schema: str | None = None, shapes: dict | None = None,
                safe_columns: set | None = None) -> Table | None:
    table = _table(model, vendor, by_name, problems, own_schema, shapes)
    # The backstop of the identifier and fragment rules (docs/sql-safety.md): every name, type
    # and default of the table, whatever built it, before any SQL exists.
    unsafe = _unsafe_sql(table, model, vendor, safe_columns)
    if unsafe:
        problems.extend(unsafe)
        return None  # reported; its names may not even be strings, so it is never keyed or compared
    return table


def merge_shared_table(first: Table, second: Table, vendor: Vendor, problems: list) -> Table | None:
    """Two models on one table (a child that inherits its base's table name, or two models mapped to one
    name): LoopBack lets the last one migrated win. Here the table gets the columns of both: a column
    both declare must come out the same (type, NOT NULL, default, generated), as must the primary key
    and any index or foreign key of the same name; otherwise an error names both models and the column
    (docs/loopback-rules/models.md#models-sharing-a-table)."""
    found: list[str] = []
    where = f'shares table "{first.name}" with model {first.model} ({first.source})'
    columns = list(first.columns)
    by_key = {vendor.identifier_key(c.name): i for i, c in enumerate(columns)}
    for column in second.columns:
        index = by_key.get(vendor.identifier_key(column.name))
        if index is None:
            by_key[vendor.identifier_key(column.name)] = len(columns)
            columns.append(column)
            continue
        mine = columns[index]
        if _column_shape(mine, vendor) != _column_shape(column, vendor):
            found.append(f'{where}, but column "{column.name}" differs: {first.model} makes it '
                         f'{_describe_column(mine)}, {second.model} makes it {_describe_column(column)}')
    keyed = lambda names: tuple(vendor.identifier_key(n) for n in names)  # noqa: E731
    if keyed(first.primary_key) != keyed(second.primary_key):
        found.append(f'{where}, but the primary key differs: {first.model} has '
                     f'({", ".join(first.primary_key)}), {second.model} has ({", ".join(second.primary_key)})')
    indexes = _merged_by_name(first.indexes, second.indexes, vendor, found, where, "index", first, second)
    fks = _merged_by_name(first.foreign_keys, second.foreign_keys, vendor, found, where, "foreign key", first,
                          second)
    if found:
        problems.extend(DefinitionProblem(message, second.source, second.model) for message in found)
        return None
    return first.evolve(columns=tuple(columns), indexes=indexes, foreign_keys=fks,
                        sequence=first.sequence or second.sequence)


def _column_shape(column: Column, vendor: Vendor) -> tuple:
    return (vendor.normalize_type(column.type), column.null, vendor.normalize_default(column.default), column.auto)


def _describe_column(column: Column) -> str:
    default = f" DEFAULT {column.default}" if column.default is not None else ""
    generated = " generated" if column.auto else ""
    return f"{column.type}{'' if column.null else ' NOT NULL'}{default}{generated}"


def _merged_by_name(mine: tuple, theirs: tuple, vendor: Vendor, found: list, where: str, what: str,
                    first: Table, second: Table) -> tuple:
    out = list(mine)
    known = {vendor.identifier_key(item.name): item for item in mine}
    for item in theirs:
        other = known.get(vendor.identifier_key(item.name))
        if other is None:
            out.append(item)
            known[vendor.identifier_key(item.name)] = item
        elif other != item:
            found.append(f'{where}, but {what} "{item.name}" differs between {first.model} and {second.model}')
    return tuple(out)


def _table(model: ModelDefinition, vendor: Vendor, models: dict, problems: list, own_schema: str | None,
           shapes: dict | None = None) -> Table:
    name, schema_name = vendor.table_name(model), vendor.schema_name(model, own_schema)
    ids = model.ids
    columns: list[Column] = []
    seen: dict[str, str] = {}
    for prop in model.properties:
        key = _shape_key(prop) if shapes is not None else None
        template = shapes.get(key) if key is not None else None
        if template is not None:  # the same property JSON made a column, without problems, once already
            column = template.with_origin(prop.origin)
        else:
            prop_problems = _property_problems(prop, model, vendor)
            if prop_problems:
                problems.extend(prop_problems)
                continue
            try:
                column = _column(prop, model, vendor)
            except RefusedValue as refused:  # a value the database would refuse (docs/loopback-rules/types.md)
                problems.append(DefinitionProblem(str(refused), model.source, model.name, prop.name))
                continue
            if key is not None:
                shapes[key] = column
        # Casefolded everywhere (two properties differing only in case are a mistake on any database),
        # after the database's own folding where it has one (MySQL: İ is i).
        column_key = vendor.identifier_key(column.name).casefold()
        clash = seen.get(column_key)
        if clash is not None:
            problems.append(
                DefinitionProblem(f'maps to column "{column.name}", which property {clash} also uses',
                                  model.source, model.name, prop.name)
            )
            continue
        seen[column_key] = prop.name
        columns.append(column)
    primary_key = tuple(vendor.column_name(p) for p in ids)
    if vendor.primary_key_first and len(primary_key) == 1:
        # MySQL hoists a single primary key to the first position (docs/loopback-rules/models.md#column-order).
        columns.sort(key=lambda c: c.name != primary_key[0])
    indexes = _property_indexes(model, vendor, name) + _model_indexes(model, vendor, name, problems)
    sequence = None
    if vendor.uses_sequences_and_triggers and any(c.auto for c in columns):
        sequence = vendor.sequence_names(model)
    return Table(
        name=name,
        schema=schema_name,
        columns=tuple(columns),
        primary_key=primary_key,
        indexes=tuple(indexes),
        foreign_keys=tuple(_foreign_keys(model, vendor, models, problems, own_schema)),
        model=model.name,
        source=str(model.source) if model.source else None,
        sequence=sequence,
    )


def _shape_key(prop: PropertyDefinition):
    """What a property's column and its checks depend on, as a dict key; None where that is more than the
    property itself. Real apps repeat property JSON model after model (`{"type": "string", "required": true}`),
    and at 5,000 models building every column afresh was the desired schema's largest cost.

    A column is the property's name, its resolved type and its JSON (the vendor and its settings are fixed for
    one build); only an id also depends on its model (the key's size, `generated`), so ids are never shared.
    The JSON is keyed as marshal's version-2 bytes: one value, one spelling (no references, no interning
    marks in that version), telling 1, 1.0 and true apart (equal in Python, different defaults in SQL), four
    times faster than JSON text; a value of another type (a subclass, a Decimal from the Python API) is built
    afresh."""
    if prop.id:
        return None
    try:
        return prop.name, prop.type, marshal.dumps(prop.settings, 2)
    except (TypeError, ValueError):
        return None


def _column(prop: PropertyDefinition, model: ModelDefinition, vendor: Vendor) -> Column:
    column_type = vendor.column_type(prop, model)
    auto_type = vendor.auto_increment(prop, model, column_type) if prop.id else None
    default = None if auto_type else vendor.default_sql(prop, column_type)
    return Column(
        name=vendor.column_name(prop),
        type=auto_type or column_type,
        null=vendor.is_nullable(prop),
        default=default,
        auto=auto_type is not None,
        origin=prop.origin,
        fill=_fill_value(prop) if default is None and not auto_type else None,
    )


def _fill_value(prop: PropertyDefinition):
    """The LoopBack `default` as a value for existing rows (a scalar; "$now" is a runtime default)."""
    value = prop.default if prop.has_default else None
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str) and not (prop.type == "Date" and value.lower() in ("now", "$now")):
        return value
    return None


def _property_indexes(model: ModelDefinition, vendor: Vendor, table: str) -> list[Index]:
    """`index: true` / `index: {unique: true}` on a property
    (docs/loopback-rules/indexes-and-keys.md#index-definitions). `index: {}` is a plain index
    (LoopBack's PostgreSQL connector makes it UNIQUE by mistake)."""
    out = []
    for prop in model.properties:
        if prop.id or not (prop.index or isinstance(prop.index, (dict, list))):
            continue  # the juggler tests `index` for truth: false, 0, "" and null make no index; {} does
        spec = prop.index if isinstance(prop.index, dict) else {}
        column = vendor.column_name(prop)
        kind = index_kind(spec)
        if _unsupported_kind(kind, vendor, model, f"the index of {prop.name}"):
            continue
        kind = kind if kind in SPECIAL_INDEX_KINDS else None
        out.append(
            Index(
                name=vendor.property_index_name(table, column, prop),
                columns=(column,),
                orders=("ASC",),
                unique=index_is_unique(spec) and not kind,
                origin=prop.origin,
                kind=kind,
            )
        )
    return out


def _model_indexes(model: ModelDefinition, vendor: Vendor, table: str, problems: list) -> list[Index]:
    """Model-level `indexes` in every form, mapped from property names to column names
    (docs/loopback-rules/indexes-and-keys.md#index-definitions)."""
    out = []
    for key, spec in (model.settings.get("indexes") or {}).items():
        pairs = index_keys(spec)
        columns, names = [], []
        for reference, _order in pairs:
            prop = resolve_reference(model, reference, vendor)
            if prop is None:
                problems.append(DefinitionProblem(
                    f'index "{key}" names "{reference}", which is no property or column of the model on this '
                    "database", model.source, model.name, reference))
                prop_name, column = reference, reference
            else:
                prop_name, column = prop.name, vendor.column_name(prop)
            columns.append(column)
            names.append(prop_name)
        kind = index_kind(spec)
        if _unsupported_kind(kind, vendor, model, f"index {key}"):
            continue
        kind = kind if kind in SPECIAL_INDEX_KINDS else None
        out.append(
            Index(
                name=vendor.model_index_name(table, key, spec if isinstance(spec, dict) else {}, names),
                columns=tuple(columns),
                # A FULLTEXT or SPATIAL index has no order (MySQL refuses ASC/DESC there).
                orders=tuple("ASC" if kind else order for _, order in pairs),
                unique=index_is_unique(spec) and not kind,
                origin=f"{model.name}.indexes.{key}",
                kind=kind,
            )
        )
    return out


#: Warning codes of the schema builder (docs/input-validation.md): a FULLTEXT/SPATIAL index on a database
#: without such indexes; a schema or database setting the database ignores (MySQL's `schema`).
SPECIAL_INDEX_ELSEWHERE = "lbsync.W011"
IGNORED_PLACEMENT = "lbsync.W012"


def _warn(problem: DefinitionProblem) -> None:
    """A definition warning only the target database reveals, logged with its code (`lbsync_warning`: the
    commands print it once on stderr) and the problem itself (`lbsync_problem`: `check` shows its file and
    model)."""
    _log_warning("%s (%s)", problem, problem.code, extra={"lbsync_warning": problem.code, "lbsync_problem": problem})


#: While a build is recorded (recorded_warnings), every warning it logs, as (message, args, extra).
_recorded: contextvars.ContextVar[list | None] = contextvars.ContextVar("lbsync_build_warnings", default=None)


def _log_warning(message: str, *args, extra: dict | None = None) -> None:
    logger.warning(message, *args, extra=extra)
    recorded = _recorded.get()
    if recorded is not None:
        recorded.append((message, args, extra))


@contextmanager
def recorded_warnings() -> Iterator[list]:
    """The warnings the builds inside the block log: a desired schema taken from the cache logs them again
    (replay_warnings), so a warm run warns as a cold one does (desired_cache.py)."""
    recorded: list = []
    token = _recorded.set(recorded)
    try:
        yield recorded
    finally:
        _recorded.reset(token)


def replay_warnings(recorded: list) -> None:
    for message, args, extra in recorded:
        logger.warning(message, *args, extra=extra)


def _unsupported_kind(kind: str | None, vendor: Vendor, model: ModelDefinition, what: str) -> bool:
    """FULLTEXT / SPATIAL where the database has no such index: none is made, with a warning. LoopBack
    would send `CREATE FULLTEXT INDEX` and fail there; a plain B-tree index in its place is no search
    index and fails itself on PostgreSQL's POINT (docs/loopback-rules/indexes-and-keys.md#fulltext-and-spatial)."""
    if kind not in SPECIAL_INDEX_KINDS or kind in vendor.special_index_kinds:
        return False
    _warn(DefinitionProblem(f"{what} is a {kind} index, which this database does not have; no index is made",
                            model.source, model.name, code=SPECIAL_INDEX_ELSEWHERE))
    return True


def _warn_ignored_placement(model: ModelDefinition, vendor: Vendor, own_database: str | None) -> None:
    """`mysql.schema` (or `schemaName`, `database`) naming another database: LoopBack's MySQL connector
    ignores it, and so do we, so the table is made in the connection's database; the author most likely
    meant it elsewhere (docs/loopback-rules/names.md#schema)."""
    for key, value in vendor.ignored_placement(model, own_database):
        where = f' ("{own_database}")' if own_database else ""
        _warn(DefinitionProblem(
            f'"{vendor.connector_key}.{key}" is {json.dumps(value, ensure_ascii=False)}, which this database '
            f"ignores (as LoopBack's {vendor.connector_key} connector does): the table is made in the "
            f"connection's database{where}", model.source, model.name, code=IGNORED_PLACEMENT))


def resolve_reference(model: ModelDefinition, reference: str, vendor: Vendor) -> PropertyDefinition | None:
    """The property an index key or `foreignKeys.foreignKey` names, found as the connector finds it
    (docs/loopback-rules/indexes-and-keys.md#property-references): a property of that name; else the
    property whose column is that name; else the name under the connector's case rule
    (`orderdate` for `orderDate` on PostgreSQL, which lower-cases); else, where column names are
    case-insensitive (MySQL, SQL Server, SQLite), a column of that name in any case; else the one property
    another connector's `columnName` gives that name."""
    prop = model.property(reference)
    if prop is not None:
        return prop
    columns = [(vendor.column_name(p), p) for p in model.properties]
    for wanted in (reference, vendor.db_name(reference)):
        for column, prop in columns:
            if column == wanted:
                return prop
    if vendor.case_insensitive_columns:
        folded = reference.casefold()
        for column, prop in columns:
            if column.casefold() == folded:
                return prop
    # Last, a column name another connector's block gives (`postgresql.columnName: "owner_id"`): an app
    # discovered on PostgreSQL names its foreignKeys by those columns, and run on MySQL or SQLite the
    # property is still the one meant. Only when exactly one property matches.
    folded = reference.casefold()
    named = [p for p in model.properties
             if any(str(p.connector(key).get("columnName") or "").casefold() == folded for key in CONNECTOR_KEYS)]
    return named[0] if len(named) == 1 else None


def _foreign_keys(model: ModelDefinition, vendor: Vendor, models: dict, problems: list,
                  own_schema: str | None) -> list[ForeignKey]:
    """`foreignKeys`, with `foreignKey` and `entityKey` mapped to their real columns
    (docs/loopback-rules/indexes-and-keys.md#foreign-keys)."""
    out = []
    for key, spec in (model.settings.get("foreignKeys") or {}).items():
        entity = models.get(spec.get("entity"))
        if entity is None:
            # LoopBack skips an FK whose entity is not attached to the same datasource
            # (docs/loopback-rules/indexes-and-keys.md#foreign-keys).
            _log_warning("%s: foreign key %s skipped: %s has no table on this database", model.name, key,
                         spec.get("entity"))
            continue
        entity_key = spec.get("entityKey") or (entity.ids[0].name if entity.ids else "id")
        ref_prop = resolve_reference(entity, entity_key, vendor)
        if ref_prop is None:
            problems.append(
                DefinitionProblem(f'foreign key "{key}": entity {entity.name} has no property "{entity_key}"',
                                  model.source, model.name, spec.get("foreignKey"))
            )
            continue
        prop = resolve_reference(model, spec["foreignKey"], vendor)
        if prop is None:
            problems.append(DefinitionProblem(
                f'foreign key "{key}" names "{spec["foreignKey"]}", which is no property or column of the model '
                "on this database", model.source, model.name, spec["foreignKey"]))
            continue
        out.append(
            ForeignKey(
                name=vendor.foreign_key_name(spec.get("name") or key),
                columns=(vendor.column_name(prop),),
                ref_table=vendor.table_name(entity),
                ref_schema=vendor.schema_name(entity, own_schema),
                ref_columns=(vendor.column_name(ref_prop),),
                on_delete=vendor.fk_action(spec.get("onDelete")),
                on_update=vendor.fk_action(spec.get("onUpdate")) if vendor.fk_on_update else None,
                origin=f"{model.name}.foreignKeys.{key}",
            )
        )
    return out


def _check_lengths(table: Table, django_limit: int | None, vendor: Vendor, problems: list) -> None:
    """Every name within the database's limit, counted as the database counts (vendor.name_limit_unit),
    and every declared string size within what the database accepts (vendor.declared_size_limit).

    PostgreSQL counts bytes and cuts a longer name without an error; 32 x "é" + "a" is 33 characters
    but 65 bytes. The smaller of Django's max_name_length and the vendor's own limit applies, unless
    the vendor's replaces Django's (Oracle: Django's 30 is the limit of releases it no longer supports).
    """
    _check_declared_sizes(table, vendor, problems)
    limits = [n for n in (None if vendor.name_limit_replaces_django else django_limit, vendor.name_limit) if n]
    if not limits:
        return
    limit = min(limits)
    in_bytes = vendor.name_limit_unit == "bytes"

    def too_long(name: object) -> bool:
        return isinstance(name, str) and vendor.name_size(name) > limit

    def report(name: str, what: str, prop: str | None = None) -> None:
        size = (f"{vendor.name_size(name)} bytes in UTF-8 ({len(name)} characters)" if in_bytes
                else f"{len(name)} characters")
        problems.append(DefinitionProblem(
            f'{what} name "{name}" is {size}; this database allows {limit}{" bytes" if in_bytes else ""}',
            table.source, table.model, prop))

    # The property a name came from is worked out only for a name that is too long (a hot loop otherwise).
    if too_long(table.name):
        report(table.name, "table")
    for column in table.columns:
        if too_long(column.name):
            report(column.name, "column", (column.origin or "").split(".", 1)[-1])
    for index in table.indexes:
        if too_long(index.name):
            report(index.name, "index", (index.origin or "").split(".", 1)[-1])
    for fk in table.foreign_keys:
        if too_long(fk.name):
            report(fk.name, "foreign key", (fk.origin or "").split(".", 1)[-1] or None)
    for name in table.sequence or ():
        if too_long(name):
            report(name, "sequence/trigger")


def _check_declared_sizes(table: Table, vendor: Vendor, problems: list) -> None:
    """`VARCHAR2(5000)`, `nvarchar(5000)`: the server would refuse the CREATE or ALTER half-way through a
    run (LoopBack sends it as it is), so it is refused here, naming the property
    (docs/loopback-rules/types.md#sizes-over-the-limit)."""
    for column in table.columns:
        data_type = vendor.data_type(column.type)
        limit = vendor.declared_size_limit(data_type.key)
        if limit is None or not data_type.args or data_type.args[0] <= limit:
            continue
        problems.append(DefinitionProblem(
            f'column "{column.name}" would be {column.type}, but {data_type.key} holds at most {limit} on this '
            f"database; give a length up to {limit}, or {vendor.oversize_advice}",
            table.source, table.model, (column.origin or "").split(".", 1)[-1] or None))


# -- the identifier and fragment rules (sqlrules.py, docs/sql-safety.md) ----------------------------

def _property_problems(prop: PropertyDefinition, model: ModelDefinition, vendor: Vendor) -> list[DefinitionProblem]:
    """What in one property would not be safe SQL on this database, named by the key it came from.

    Runs before the property becomes a column, so nothing unsafe is ever formatted into a type.
    """
    found: list[str] = []
    key = vendor.connector_key
    block = prop.connector(key)
    settings = prop.settings
    problem = vendor.identifier_problem(vendor.column_name(prop))
    if problem:
        found.append(f"column name (from {_column_name_source(prop, vendor)}): {problem}")
    # Most properties hold few keys and no connector block: only the keys present are looked at (the
    # checks, their order and their messages are the same as key by key).
    if not SIZE_KEY_SET.isdisjoint(settings):
        _size_problems("", settings, vendor, found)
    if block and not SIZE_KEY_SET.isdisjoint(block):
        _size_problems(f"{key}.", block, vendor, found)
    block_type = block.get("dataType") if block else None
    if block_type and (problem := vendor.type_problem(block_type)):
        found.append(f"{key}.dataType {_shown(block_type)} {problem}")
    if vendor.reads_top_level_data_type and not block_type:
        data_type = settings.get("dataType")
        if data_type and (problem := vendor.type_problem(data_type)):
            found.append(f"dataType {_shown(data_type)} {problem}")
    if block:
        db_default = block.get("dbDefault")
        if db_default is not None:
            problem = (vendor.default_problem(str(db_default)) if _is_sql_scalar(db_default)
                       else "must be an SQL expression (a string)")
            if problem:
                found.append(f"{key}.dbDefault {_shown(db_default)} {problem}")
    if prop.has_default and (problem := _literal_value_problem(prop.default)):
        found.append(f"default {problem}")
    if block and (problem := _literal_value_problem(block.get("default"))):
        found.append(f"{key}.default {problem}")
    json_schema = settings.get("jsonSchema")
    if isinstance(json_schema, dict):
        _listed_value_problems("jsonSchema.enum", json_schema.get("enum"), found)
    if block:
        _listed_value_problems(f"{key}.value", block.get("value"), found)
    if not found:
        return []
    return [DefinitionProblem(message, model.source, model.name, prop.name) for message in found]


def _size_problems(where: str, holder: dict, vendor: Vendor, found: list[str]) -> None:
    for size_key in SIZE_KEYS:
        if size_key in holder and (problem := vendor.size_problem(holder[size_key])):
            found.append(f"{where}{size_key} {problem}")


def _listed_value_problems(where: str, values: Any, found: list[str]) -> None:
    for value in values if isinstance(values, list) else ():
        if problem := _literal_value_problem(str(value)):
            found.append(f"{where} {problem}")


def _is_sql_scalar(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)
                                      and math.isfinite(value))


def _literal_value_problem(value: Any) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a number SQL can store"
    if isinstance(value, str):
        return literal_problem(value)
    return None


def _shown(value: Any) -> str:
    return repr(value)


def _column_name_source(prop: PropertyDefinition, vendor: Vendor) -> str:
    block = prop.connector(vendor.connector_key)
    for key in ("column", "columnName", "field", "fieldName"):
        if block.get(key):
            return f"{vendor.connector_key}.{key}"
    return "name" if isinstance(prop.get("name"), str) and prop.get("name") else "the property name"


def _table_name_source(model: ModelDefinition, vendor: Vendor, keys: tuple[str, ...], fallback: str) -> str:
    block = model.connector(vendor.connector_key)
    for key in keys:
        if block.get(key):
            return f"{vendor.connector_key}.{key}"
    return fallback


def _unsafe_sql(table: Table, model: ModelDefinition, vendor: Vendor,
                safe_columns: set | None = None) -> list[DefinitionProblem]:
    """Every name, type and default of `table` that fails the identifier or fragment rule. `safe_columns`: the
    (name, type, default) of columns that passed already in this build (the rules see only those three
    strings and the vendor): checked once, however many tables repeat them."""
    found: list[tuple[str, str | None]] = []
    # Column names of properties were checked property by property (_property_problems); a key, index
    # or foreign key naming one of them would only repeat that problem.
    property_columns = [vendor.column_name(p) for p in model.properties]

    def name(what: str, value: Any, prop: str | None = None) -> None:
        if problem := vendor.identifier_problem(value):
            found.append((f"{what}: {problem}", prop))

    name(f"table name (from {_table_name_source(model, vendor, ('table', 'tableName'), 'the model name')})",
         table.name)
    if table.schema is not None:
        name(f"schema name (from {_table_name_source(model, vendor, ('schema', 'schemaName'), 'schema')})",
             table.schema)
    for column in table.columns:
        seen_as = (column.name, column.type, column.default)
        if safe_columns is not None and seen_as in safe_columns:
            continue
        before = len(found)
        prop = _prop_of(column.origin)
        name("column name", column.name, prop)
        if problem := vendor.type_problem(column.type):
            found.append((f"column type {_shown(column.type)} {problem}", prop))
        if column.default is not None and (problem := vendor.default_problem(column.default)):
            found.append((f"column default {_shown(column.default)} {problem}", prop))
        if safe_columns is not None and len(found) == before:
            try:
                safe_columns.add(seen_as)
            except TypeError:  # a name or type that is no string (reported above): never remembered
                pass
    for column in table.primary_key:
        if column not in property_columns:
            name("primary key column", column)
    for index in table.indexes:
        prop = _prop_of(index.origin)
        name("index name", index.name, prop)
        for column in index.columns:
            if column not in property_columns:
                name(f"index {_shown(index.name)} column", column, prop)
    for fk in table.foreign_keys:
        prop = _prop_of(fk.origin)
        name("foreign key name", fk.name, prop)
        name(f"foreign key {_shown(fk.name)} entity table", fk.ref_table, prop)
        if fk.ref_schema is not None:
            name(f"foreign key {_shown(fk.name)} entity schema", fk.ref_schema, prop)
        for column in fk.columns:
            if column not in property_columns:
                name(f"foreign key {_shown(fk.name)} column", column, prop)
        for column in fk.ref_columns:
            name(f"foreign key {_shown(fk.name)} entity column", column, prop)
    for sequence_name in table.sequence or ():
        name("sequence/trigger name (from the model name)", sequence_name)
    seen: set = set()
    out = []
    for message, prop in found:
        if (message, prop) not in seen:
            seen.add((message, prop))
            out.append(DefinitionProblem(message, model.source, model.name, prop))
    return out


def _prop_of(origin: str | None) -> str | None:
    """"Model.prop" -> "prop"; "Model.indexes.key" -> "indexes.key"."""
    return origin.split(".", 1)[1] if origin and "." in origin else None
