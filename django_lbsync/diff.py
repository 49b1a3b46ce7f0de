"""diff(live, desired) -> Plan. Both sides are compared through the same vendor normalisation, so
type aliases (`character varying` / `VARCHAR`, `int(11)` / `INT`), cast defaults and identifier case
never show as drift. Undeclared indexes and FKs are noted and kept unless `prune`."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, TypeVar

from .changes import (
    PHASES, AddColumn, AddForeignKey, AddGenerator, AddIndex, AlterColumn, Change, ColumnChange, CreateTable, DropColumn,
    DropForeignKey, DropIndex, Note,
)
from .plan import Plan
from .schema import Column, ForeignKey, Index, Schema, Table
from .vendors.base import Vendor

T = TypeVar("T")


def differences(live: dict[str, T], desired: dict[str, T]) -> tuple[list[str], list[str], list[str]]:
    """(added, removed, common) keys, in desired order then live order."""
    added = [k for k in desired if k not in live]
    removed = [k for k in live if k not in desired]
    common = [k for k in desired if k in live]
    return added, removed, common


def diff(live: Schema, desired: Schema, vendor: Vendor, *, database: str = "", prune: bool = False) -> Plan:
    changes: list[Change] = []
    notes: list[Note] = []
    inline_fks = vendor.inline_foreign_keys  # then FKs are part of CREATE TABLE
    # Tables are matched as the database matches names (SQL Server, SQLite: without case).
    live_tables = {vendor.name_key(key): table for key, table in live.tables.items()}
    # column_kinds by the fields it reads: most columns repeat a shape (the same type, null and default on both
    # sides), and comparing types and defaults through the vendor is most of the diff's time.
    kinds_memo: dict[tuple, ColumnChange] = {}
    for table in desired.in_dependency_order():
        live_table = live_tables.get(vendor.name_key(table.key))
        if live_table is None:
            changes.append(CreateTable(table if inline_fks else table.evolve(foreign_keys=())))
            if not inline_fks:
                changes.extend(AddForeignKey(table, fk) for fk in table.foreign_keys)
            continue
        live_columns = {vendor.identifier_key(c.name): c for c in live_table.columns}
        changes.extend(_column_changes(live_table, live_columns, table, vendor, notes, kinds_memo))
        generators, generator_notes = _missing_generators(live_table, live_columns, table, vendor)
        changes.extend(generators)
        notes.extend(generator_notes)
        changes.extend(_index_changes(live_table, table, vendor, prune, notes))
        changes.extend(_fk_changes(live_table, table, vendor, prune, notes))
        if _keyed(live_table.primary_key, vendor) != _keyed(table.primary_key, vendor):
            shown = ", ".join(name or "?" for name in live_table.primary_key)  # "": a column the catalog did not name
            notes.append(Note(table.key, f"primary key is ({shown}), the model says "
                                         f"({', '.join(table.primary_key)}); autoupdate does not change keys", True))
    order = {phase: i for i, phase in enumerate(PHASES)}
    changes.sort(key=lambda c: order[type(c)])  # stable: table order is kept within a phase
    return Plan(database, vendor.django_vendor, tuple(changes), tuple(notes), tables_compared=len(desired.tables))


def aligned_names(live: Schema, desired: Schema, vendor: Vendor) -> Schema:
    """`live`, with each table the models name in another case (where the database matches names without
    case: SQL Server, SQLite) keyed and spelled as the model spells it, so the plan, the preflight counts
    and the applier all find it under the model's key. The same object: the database ignores the case."""
    if not vendor.case_insensitive_names:
        return live
    wanted = {vendor.name_key(key): table for key, table in desired.tables.items()}
    out = Schema(live.vendor)
    for key, table in live.tables.items():
        model_table = wanted.get(vendor.name_key(key))
        if model_table is not None and model_table.key != key:
            table = table.evolve(name=model_table.name, schema=model_table.schema)
        out.add(table)
    return out


def _keyed(names: Iterable[str], vendor: Vendor) -> tuple[str, ...]:
    return tuple(vendor.identifier_key(n) for n in names)


def _column_changes(live: Table, live_columns: dict[str, Column], desired: Table, vendor: Vendor, notes: list[Note],
                    kinds_memo: dict[tuple, ColumnChange]) -> list[Change]:
    desired_columns = {vendor.identifier_key(c.name): c for c in desired.columns}
    added, removed, common = differences(live_columns, desired_columns)
    out: list[Change] = [AddColumn(desired, desired_columns[k]) for k in added]
    for key in common:
        if live_columns[key].generated:
            notes.append(_generated_column_note(live, live_columns[key], desired_columns[key]))
            continue
        live_column, desired_column = live_columns[key], desired_columns[key]
        shape = (live_column.type, live_column.null, live_column.default, desired_column.type, desired_column.null,
                 desired_column.default, desired_column.auto)
        kinds = kinds_memo.get(shape)
        if kinds is None:
            kinds = kinds_memo[shape] = column_kinds(live_column, desired_column, vendor)
        if kinds:
            out.append(AlterColumn(desired, live_column, desired_column, kinds))
    for key in removed:
        column = live_columns[key]
        if column.generated:  # computed from other columns, holding no data of its own: not drift, kept
            notes.append(Note(live.key, f"generated column {column.name} ({column.generated}) is not declared by "
                                        "any model; kept", False))
        else:
            out.append(DropColumn(desired, column))
    return out


def _generated_column_note(live: Table, column: Column, desired: Column) -> Note:
    """A model property whose column is a generated one (docs/unmanaged-objects.md#generated-columns): the model
    describes a column LoopBack writes, the database computes this one and refuses values for it. autoupdate never
    alters it (its expression is no default, and MySQL/MariaDB refuse MODIFY of it), so isactual stays false."""
    return Note(live.key, f"column {column.name} is a generated column ({column.generated}: the database computes "
                          f"its values and refuses any written to it), but {desired.origin or 'a model property'} "
                          "maps to it; autoupdate does not alter or drop generated columns: map the property to "
                          "another column, or replace the generated column by hand", True)


def _missing_generators(live: Table, live_columns: dict[str, Column], desired: Table,
                        vendor: Vendor) -> tuple[list[Change], list[Note]]:
    """A generated id whose live column has no sequence / auto-increment / identity is a real difference:
    LoopBack inserts without an id and the database refuses them (docs/loopback-rules/comparison.md#generated-ids).
    Where the database can give an existing column a generator without changing a value (PostgreSQL,
    MySQL: Vendor.add_generator_sql), autoupdate adds it (AddGenerator); elsewhere it is a note that blocks
    isactual and says what to do."""
    changes: list[Change] = []
    notes = []
    for column in desired.columns:
        live_column = live_columns.get(vendor.identifier_key(column.name))
        if (column.auto and live_column is not None and not live_column.auto and not live_column.generated
                and not vendor.generates_without_keyword(live_column, live)):
            if vendor.adds_generators:
                changes.append(AddGenerator(desired, live_column, column))
                continue
            notes.append(Note(desired.key, f"column {live_column.name} is a generated id ({column.origin}), but the "
                                           "live column has no sequence, auto-increment or identity, so inserts "
                                           "without an id fail; autoupdate does not add one here: give the column a "
                                           "generator (or recreate the table with automigrate)", True))
    return changes, notes


def column_kinds(live: Column, desired: Column, vendor: Vendor) -> ColumnChange:
    type_differs = not vendor.same_type(live.type, desired.type)
    null_differs = live.null != desired.null
    # Each default is read as a value of its own column's type: '1', 1 and 1.0 in a number column are one.
    default_differs = not desired.auto and (vendor.normalize_default(live.default, live.type)
                                            != vendor.normalize_default(desired.default, desired.type))
    if not (type_differs or null_differs or default_differs):
        return _NO_CHANGE  # nearly every column: no flag arithmetic (65,000 columns at 5,000 models)
    kinds = _NO_CHANGE
    if type_differs:
        kinds |= ColumnChange.TYPE
    if null_differs:
        kinds |= ColumnChange.NULL
    if default_differs:
        kinds |= ColumnChange.DEFAULT
    return kinds


_NO_CHANGE = ColumnChange(0)


def _index_shape(index: Index, vendor: Vendor) -> tuple:
    # `opaque` too: a live partial or prefix index under the name of a model's index covers only some rows, or
    # a prefix of the values, so it is not the model's index whatever its columns (no model index is opaque).
    return _keyed(index.columns, vendor), index.orders, index.unique, index.kind, index.opaque


def _fk_key(fk: ForeignKey, vendor: Vendor) -> str:
    # SQLite does not always know a name (an FK written without CONSTRAINT): then the columns are the key.
    return vendor.identifier_key(fk.name) if fk.name else "(" + ",".join(_keyed(fk.columns, vendor)) + ")"


def _named_like_desired(live_fks, desired_fks, vendor: Vendor) -> tuple[ForeignKey, ...]:
    """A live FK without a name (SQLite: written without CONSTRAINT <name>, as Django and hand-written
    schemas do) is the desired FK of the same shape, whatever name the model gives it: a name SQLite
    never stored is no difference worth rebuilding a table for."""
    unclaimed = {_fk_shape(fk, vendor): fk for fk in desired_fks}
    for fk in live_fks:
        if fk.name:
            unclaimed.pop(_fk_shape(fk, vendor), None)
    out = []
    for fk in live_fks:
        twin = None if fk.name else unclaimed.pop(_fk_shape(fk, vendor), None)
        out.append(replace(fk, name=twin.name) if twin is not None else fk)
    return tuple(out)


def _fk_shape(fk: ForeignKey, vendor: Vendor) -> tuple:
    ref_schema = vendor.name_key(fk.ref_schema) if fk.ref_schema else None
    return (_keyed(fk.columns, vendor), ref_schema, vendor.name_key(fk.ref_table), _keyed(fk.ref_columns, vendor),
            vendor.normalize_fk_action(fk.on_delete),
            vendor.normalize_fk_action(fk.on_update) if vendor.fk_on_update else None)


def _index_changes(live: Table, desired: Table, vendor: Vendor, prune: bool, notes: list[Note]) -> list[Change]:
    # MySQL creates an index for each FK that has none, named after the FK: not ours to report.
    implicit = ({vendor.identifier_key(fk.name) for fk in live.foreign_keys} if vendor.creates_implicit_fk_indexes
                else set())
    return _object_changes(
        live, desired, live.indexes, desired.indexes, lambda i: vendor.identifier_key(i.name),
        lambda i: _index_shape(i, vendor), AddIndex, DropIndex, prune, notes,
        label=lambda i: f"index {i.name} ({', '.join(i.columns)})",
        ignore=lambda i: vendor.identifier_key(i.name) in implicit,
        droppable=lambda i: not i.constraint,
    )


def _fk_changes(live: Table, desired: Table, vendor: Vendor, prune: bool, notes: list[Note]) -> list[Change]:
    return _object_changes(
        live, desired, _named_like_desired(live.foreign_keys, desired.foreign_keys, vendor), desired.foreign_keys,
        lambda f: _fk_key(f, vendor),
        lambda f: _fk_shape(f, vendor), AddForeignKey, DropForeignKey, prune, notes,
        label=lambda f: f"foreign key {f.name or _fk_key(f, vendor)}",
    )


def _object_changes(live: Table, desired: Table, live_items, desired_items, key, shape, add, drop, prune: bool,
                    notes: list[Note], *, label, ignore=lambda item: False, droppable=lambda item: True):
    """Indexes or FKs: add the missing, drop + add the changed, and keep (note) the undeclared unless `prune`."""
    live_map = {key(i): i for i in live_items}
    desired_map = {key(i): i for i in desired_items}
    added, removed, common = differences(live_map, desired_map)
    out: list[Change] = [add(desired, desired_map[k]) for k in added]
    for k in common:
        if shape(live_map[k]) != shape(desired_map[k]):
            out += [drop(desired, live_map[k]), add(desired, desired_map[k])]
    for k in removed:
        item = live_map[k]
        if ignore(item):
            continue
        if prune and droppable(item):
            out.append(drop(desired, item))
        else:
            notes.append(Note(live.key, f"{label(item)} is not declared by any model; kept", False))
    return out
