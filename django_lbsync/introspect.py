"""Reading the live database. For now: which of the desired tables exist, and how many rows they hold.

One catalog query per database (plus one per schema-qualified set), never one per table.
"""
from __future__ import annotations

from typing import Iterable

from .bridge import db_table
from .schema import Table


def existing_tables(connection, tables: Iterable[Table]) -> list[Table]:
    """The given tables that exist in the database, in the given order."""
    tables = list(tables)
    with connection.cursor() as cursor:
        plain = set(connection.introspection.table_names(cursor))
        schemas = sorted({t.schema for t in tables if t.schema})
        qualified: set[tuple[str, str]] = set()
        if schemas:
            qualified = _qualified_tables(connection, cursor, schemas)
    found = []
    for table in tables:
        if table.schema:
            if (table.schema, table.name) in qualified:
                found.append(table)
        elif table.name in plain:
            found.append(table)
    return found


def _qualified_tables(connection, cursor, schemas: list[str]) -> set[tuple[str, str]]:
    placeholders = ", ".join(["%s"] * len(schemas))
    if connection.vendor == "oracle":
        sql = f"SELECT owner, table_name FROM all_tables WHERE owner IN ({placeholders})"
    else:
        sql = f"SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ({placeholders})"
    cursor.execute(sql, schemas)
    return {(row[0], row[1]) for row in cursor.fetchall()}


def row_counts(connection, tables: Iterable[Table]) -> dict[str, int]:
    """Rows per table, for the confirmation question. One query per existing table."""
    counts = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(db_table(connection.vendor, table))}")
            counts[table.key] = cursor.fetchone()[0]
    return counts
