"""The live database -> a `Schema`, through Django's introspection API (issue 11, item 2).

The second introspection path: it relies only on what every Django backend implements
(`get_table_list`, `get_table_description`, `get_constraints`, `identifier_converter`) and asks the
catalog directly only for the facts that API does not give. Those asks are the vendor's *gap hooks*
(`Vendor.gap_hooks`, catalogs/hooks.py and catalogs/<vendor>.py): one plain SELECT per fact kind and
schema, with bound parameters, never one per table. The fast
readers (Vendor.catalog_reader) stay the default on PostgreSQL, MySQL and SQLite; this path must produce
exactly the same snapshot there (tests/test_generic_reader.py), which is how it is proven before it
serves Oracle and SQL Server. What each backend leaves out: docs/introspection.md.

Cost: Django's API is per table (measured: PostgreSQL 4 queries a table, MariaDB 11, SQLite 16 for a
three-column table with one index: its JSON probe is one query per column), the hooks a constant
few per schema (PostgreSQL 8 in all for 50 tables: 208 against the fast reader's 4).
"""
from __future__ import annotations

from typing import Iterable

from .catalogs.builder import sound_table
from .catalogs.hooks import GapHooks
from .exceptions import UnsupportedDatabase
from .schema import Schema, Table
from .vendors import vendor_for


def introspect_generic(connection, *, schemas: Iterable[str] = (), views: bool = False) -> Schema:
    """Same contract as `introspect.introspect`: the default schema's tables (`schema=None`) and those of
    `schemas`; views too with `views`."""
    vendor = vendor_for(connection)  # by the backend's class, as introspect.py
    hooks_class = vendor.gap_hooks
    if hooks_class is None:
        raise UnsupportedDatabase(
            f"django-lbsync has no catalog hooks for the generic reader on {vendor.django_vendor} yet"
        )
    schema = Schema(vendor.django_vendor)
    with connection.cursor() as cursor:
        hooks = hooks_class(connection, cursor)
        for wanted in [None] + [s for s in sorted(set(schemas)) if s != hooks.default_schema]:
            if wanted is not None and not (hooks.reads_other_schemas and hooks.schema_exists(wanted)):
                continue  # as the fast reader: nothing to read there
            with hooks.scoped_to(wanted):
                for table in _read_scope(connection, cursor, hooks, wanted, views):
                    table = sound_table(table)  # the catalog is untrusted: as the fast readers' TableBuilder
                    if table is not None:
                        schema.add(table)
    return schema


def _read_scope(connection, cursor, hooks: GapHooks, schema: str | None, views: bool) -> list[Table]:
    """Every table (and view) Django's introspection sees while scoped to one schema."""
    introspection = connection.introspection
    facts = hooks.schema_facts()
    tables = []
    for info in introspection.get_table_list(cursor):
        kind = info.type
        if hooks.system_table(info.name) or kind not in ("t", "p", "v") or (kind == "v" and not views):
            continue
        name = hooks.true_name(info.name)
        description = hooks.describe(introspection, cursor, info.name)
        constraints = hooks.constraints(introspection, cursor, info.name)
        tables.append(_table(hooks, facts, schema, name, kind == "v", description, constraints))
    return tables


def _table(hooks, facts, schema, name, view, description, constraints) -> Table:
    primary_key = hooks.primary_key(facts, name, _primary_key(constraints))
    columns = tuple(hooks.column(facts, name, info, primary_key) for info in description)
    indexes = [hooks.index(facts, name, key, entry) for key, entry in constraints.items()
               if _is_index(entry) or hooks.constraint_index(facts, name, key)]
    fks = hooks.foreign_keys(facts, name, {k: e for k, e in constraints.items() if e.get("foreign_key")})
    return Table(
        name=name,
        schema=schema,
        columns=columns,
        primary_key=primary_key,
        indexes=tuple(sorted(indexes, key=lambda i: hooks.name_order(i.name))),
        foreign_keys=tuple(sorted(fks, key=lambda f: hooks.name_order(f.name))) if hooks.sort_fks else tuple(fks),
        view=view,
        checks=hooks.table_checks(facts, name),
        sequence=hooks.table_sequence(facts, name),
    )


def _primary_key(constraints: dict) -> tuple[str, ...]:
    for entry in constraints.values():
        if entry.get("primary_key"):
            return tuple(entry["columns"])
    return ()


def _is_index(entry: dict) -> bool:
    """An index or a UNIQUE constraint; not the primary key, a CHECK or a plain foreign key.

    MySQL reports a foreign key and the index it made for it under one name: both are kept."""
    if entry.get("primary_key") or entry.get("check"):
        return False
    return bool(entry.get("index") or entry.get("unique"))

