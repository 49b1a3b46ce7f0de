"""What the database would refuse in a whole desired schema, found before any SQL (issue 10 item 4).

desired.py builds each table on its own; these rules need several at once: index names that share one
namespace, a foreign key and the column it references, a SET NULL action and the column's NOT NULL.
LoopBack sends such DDL and the server refuses it part-way through a run; here each is a definition
problem naming file, model and property (and both sides where there are two), and nothing is sent.
Rules: docs/loopback-rules/indexes-and-keys.md#what-the-database-would-refuse.
"""
from __future__ import annotations

from dataclasses import replace

from .definitions import ModelDefinition
from .exceptions import DefinitionProblem
from .schema import Column, Schema, Table
from .vendors.base import Vendor


def schema_problems(schema: Schema, models: dict[str, ModelDefinition], vendor: Vendor) -> list[DefinitionProblem]:
    """Every cross-table problem of `schema`; may retype FK columns in place (see _foreign_key_types)."""
    problems: list[DefinitionProblem] = []
    _foreign_key_types(schema, models, vendor, problems)
    _index_names(schema, vendor, problems)
    _index_names_in_table(schema, vendor, problems)
    _foreign_key_names(schema, vendor, problems)
    _set_null_on_not_null(schema, vendor, problems)
    return problems


def _prop(origin: str | None) -> str | None:
    return origin.split(".", 1)[1] if origin and "." in origin else None


def _problem(table: Table, message: str, prop: str | None = None) -> DefinitionProblem:
    return DefinitionProblem(message, table.source, table.model, prop)


# -- index names: one namespace per schema on PostgreSQL, Oracle and SQLite --------------------------------------

def _index_names(schema: Schema, vendor: Vendor, problems: list) -> None:
    """Two indexes with one name where index names are per schema, and an index named like a table where
    they share the tables' namespace (PostgreSQL's pg_class, SQLite's sqlite_master): the second CREATE
    fails ("relation already exists")."""
    if vendor.index_name_scope != "schema":
        return
    tables = {}
    implicit: dict[tuple, tuple[Table, str]] = {}  # what the database names itself (Vendor.implicit_relation_names)
    if vendor.index_names_share_table_namespace:
        tables = {(t.schema, vendor.identifier_key(t.name)): t for t in schema.tables.values()}
        for table in schema.tables.values():
            for name, what in vendor.implicit_relation_names(table):
                implicit.setdefault((table.schema, vendor.identifier_key(name)), (table, what))
    seen: dict[tuple, tuple[Table, str]] = {}
    for table in schema.tables.values():
        for index in table.indexes:
            key = (table.schema, vendor.identifier_key(index.name))
            if key in seen:
                where = f"schema {table.schema}" if table.schema else "the database"
                other, other_origin = seen[key]
                problems.append(_problem(
                    table, f'index "{index.name}" on table {table.name} has the name of index "{index.name}" on '
                           f"table {other.name} (model {other.model}, {other_origin}); index names are unique in "
                           f"{where} on this database: rename one", _prop(index.origin)))
            else:
                seen[key] = (table, index.origin or index.name)
            made = implicit.get(key)
            if made is not None:
                owner, what = made
                problems.append(_problem(
                    table, f'index "{index.name}" on table {table.name} has the name the database gives {what} of '
                           f"table {owner.name} (model {owner.model}) when it creates that table: rename the index",
                    _prop(index.origin)))
            clash = tables.get(key)
            if clash is not None:
                where = f"schema {table.schema}" if table.schema else "the database"
                problems.append(_problem(
                    table, f'index "{index.name}" on table {table.name} has the name of table {clash.name} (model '
                           f"{clash.model}); indexes and tables share one namespace in {where} on this database: "
                           f"rename the index", _prop(index.origin)))


# -- index names in one table: MySQL and SQL Server -------------------------------------------------------------

def _index_names_in_table(schema: Schema, vendor: Vendor, problems: list) -> None:
    """Where index names are unique per table (MySQL, SQL Server): two indexes of one table whose names the
    database takes as one, an index with a name the database keeps for itself (MySQL's PRIMARY), and on
    MySQL an index named like a foreign key of its table that no index serves (InnoDB then makes one named
    after the key). The CREATE TABLE fails ("Duplicate key name", "Incorrect index name")."""
    if vendor.index_name_scope != "table":
        return
    reserved = {vendor.identifier_key(name) for name in vendor.reserved_index_names}
    for table in schema.tables.values():
        seen: dict[str, str] = {}
        for index in table.indexes:
            key = vendor.identifier_key(index.name)
            if key in reserved:
                problems.append(_problem(
                    table, f'index "{index.name}" on table {table.name}: the database keeps this name for the '
                           "primary key: rename the index", _prop(index.origin)))
            if key in seen:
                problems.append(_problem(
                    table, f'index "{index.name}" on table {table.name} has the name of its index "{seen[key]}" '
                           "as this database compares names: rename one", _prop(index.origin)))
            else:
                seen[key] = index.name
        if not vendor.fk_index_takes_fk_name:
            continue
        leads = [table.primary_key] + [index.columns for index in table.indexes]
        for fk in table.foreign_keys:
            key = vendor.identifier_key(fk.name) if fk.name else None
            served = any(tuple(vendor.identifier_key(c) for c in columns[:len(fk.columns)])
                         == tuple(vendor.identifier_key(c) for c in fk.columns) for columns in leads)
            if key in seen and not served:
                problems.append(_problem(
                    table, f'foreign key "{fk.name}" on table {table.name}: no index leads with its columns, so '
                           f'the database makes one named "{fk.name}", the name of index "{seen[key]}": rename '
                           "one, or index the key's columns", _prop(fk.origin)))


# -- foreign key names: one namespace per database on MySQL (InnoDB) -------------------------------------------

def _foreign_key_names(schema: Schema, vendor: Vendor, problems: list) -> None:
    """Two foreign keys with one name (as the database compares names) where FK names are unique in the
    whole database (InnoDB: errno 121 "Duplicate key on write or update" on the second CREATE TABLE)."""
    if vendor.fk_name_scope != "schema":
        return
    seen: dict[tuple, tuple[Table, str]] = {}
    for table in schema.tables.values():
        for fk in table.foreign_keys:
            if not fk.name:
                continue
            key = (table.schema, vendor.identifier_key(fk.name))
            if key in seen:
                other, other_name = seen[key]
                problems.append(_problem(
                    table, f'foreign key "{fk.name}" on table {table.name} has the name of foreign key '
                           f'"{other_name}" on table {other.name} (model {other.model}); foreign key names are '
                           "unique across the whole database here: rename one", _prop(fk.origin)))
            else:
                seen[key] = (table, fk.name)


# -- foreign keys: the column's type and the referenced column's -----------------------------------------------

def _foreign_key_types(schema: Schema, models: dict[str, ModelDefinition], vendor: Vendor, problems: list) -> None:
    """An FK column whose type the database will not match with the referenced key's (MySQL errno 150,
    SQL Server error 1778): when the model gives the column no type of its own (no `dataType`, and the
    same LoopBack type as the key), it takes the key's type; otherwise both columns are named."""
    for key in list(schema.tables):
        table = schema.tables[key]
        columns = {c.name: c for c in table.columns}
        retyped: dict[str, Column] = {}
        for fk in table.foreign_keys:
            target = schema.tables.get(f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table)
            if target is None:
                continue  # a table we do not build here: its columns are not ours to compare
            target_columns = {c.name: c for c in target.columns}
            for column_name, ref_name in zip(fk.columns, fk.ref_columns):
                column, ref = retyped.get(column_name) or columns.get(column_name), target_columns.get(ref_name)
                if column is None or ref is None:
                    continue
                ref_type = vendor.referenced_type(ref)
                if vendor.fk_types_match(column.type, ref_type):
                    continue
                if not _declares_type(column, ref, models, vendor):
                    retyped[column_name] = replace(column, type=ref_type)
                    continue
                problems.append(_problem(
                    table, f'foreign key "{fk.name}": column {table.name}.{column.name} (property {column.origin}) '
                           f"is {column.type}, but the column it references, {target.name}.{ref.name} (property "
                           f"{ref.origin}), is {ref_type}; the database refuses keys of different types: give "
                           f"both one type",
                    _prop(column.origin)))
        if retyped:
            schema.tables[key] = table.evolve(columns=tuple(retyped.get(c.name, c) for c in table.columns))


def _declares_type(column: Column, ref: Column, models: dict[str, ModelDefinition], vendor: Vendor) -> bool:
    """Whether the FK column's property chose its column type: a `dataType` for this database, or a
    LoopBack type other than the referenced key's."""
    prop, ref_prop = _property_of(column, models), _property_of(ref, models)
    if prop is None:
        return True
    if prop.connector(vendor.connector_key).get("dataType"):
        return True
    if vendor.reads_top_level_data_type and prop.get("dataType"):
        return True
    return ref_prop is not None and prop.type != ref_prop.type


def _property_of(column: Column, models: dict[str, ModelDefinition]):
    if not column.origin or "." not in column.origin:
        return None
    model_name, prop_name = column.origin.split(".", 1)
    model = models.get(model_name)
    return model.property(prop_name) if model is not None else None


# -- SET NULL on a NOT NULL column -----------------------------------------------------------------------------

def _set_null_on_not_null(schema: Schema, vendor: Vendor, problems: list) -> None:
    """ON DELETE/UPDATE SET NULL on a NOT NULL column: SQL Server (error 1761) and MySQL (error 1830 /
    MariaDB errno 150) refuse the constraint; PostgreSQL and SQLite only fail the first such delete."""
    if not vendor.set_null_needs_nullable_column:
        return
    for table in schema.tables.values():
        columns = {c.name: c for c in table.columns}
        for fk in table.foreign_keys:
            actions = [(what, action) for what, action in (("ON DELETE", fk.on_delete), ("ON UPDATE", fk.on_update))
                       if action == "SET NULL"]
            for column_name in fk.columns:
                column = columns.get(column_name)
                if column is None or column.null:
                    continue
                for what, _action in actions:
                    problems.append(_problem(
                        table, f'foreign key "{fk.name}": {what} SET NULL, but column {table.name}.{column.name} '
                               f"is NOT NULL (required or an id), which this database refuses; make the property "
                               f"nullable or choose another action", _prop(fk.origin)))

