"""Database extensions a default needs (docs/loopback-rules/types.md#defaults-that-need-an-extension).

A `dbDefault` may call a function an extension provides: `uuid_generate_v4()` is uuid-ossp's. Without the
extension the CREATE TABLE fails and the run rolls back. LoopBack's PostgreSQL connector sends
`CREATE EXTENSION IF NOT EXISTS "uuid-ossp"` before every table. We create an extension only when a
default of this run calls one of its functions (a known mapping, vendors/ `function_extensions`), only
when it is missing, and only when the role may: then the CREATE EXTENSION is the run's first statement, in
the same transaction as the DDL. When the server lacks the extension or the role may not create it, the run
is refused before any SQL, saying exactly what to install and where.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .exceptions import DefinitionError, DefinitionProblem
from .schema import Column, Table
from .vendors import vendor_for


@dataclass(frozen=True)
class ExtensionState:
    """What the catalog says about one extension the run needs."""

    name: str
    available: bool  # the server has its files (pg_available_extensions)
    installed: bool  # created in this database
    trusted: bool  # a role with CREATE on the database may create it (PostgreSQL 13+)


@dataclass(frozen=True)
class Role:
    name: str
    database: str
    superuser: bool
    may_create_in_database: bool


def needed(vendor, tables: Iterable[Table], columns: Iterable[tuple[Table, Column]] = ()) -> dict[str, list]:
    """extension -> [(table, column)] whose default calls one of its functions."""
    out: dict[str, list] = {}
    pairs = [(t, c) for t in tables for c in t.columns] + list(columns)
    for table, column in pairs:
        for extension in vendor.extensions_called(column.default):
            out.setdefault(extension, []).append((table, column))
    return out


def decide(wanted: dict[str, list], states: dict[str, ExtensionState], role: Role) -> list[str]:
    """The extensions to create first (names), or DefinitionError naming each default that cannot run."""
    create, problems = [], []
    for name, uses in wanted.items():
        state = states.get(name) or ExtensionState(name, False, False, False)
        if state.installed:
            continue
        if state.available and (role.superuser or (state.trusted and role.may_create_in_database)):
            create.append(name)
            continue
        if not state.available:
            why = (f'the server has no extension "{name}": install it on the database server (for uuid-ossp and '
                   f"pgcrypto the PostgreSQL contrib package, e.g. postgresql-contrib), then run "
                   f'CREATE EXTENSION "{name}"; in database {role.database}')
        else:
            needs = "a trusted extension needs CREATE on the database" if state.trusted else "it needs a superuser"
            why = (f"it is not installed in database {role.database}, and role {role.name} may not create it "
                   f'({needs}): ask a superuser to run CREATE EXTENSION "{name}"; in database {role.database}')
        for table, column in uses:
            problems.append(DefinitionProblem(
                f"the default {column.default} of column {table.name}.{column.name} needs the PostgreSQL extension "
                f'"{name}"; {why}', table.source, table.model, (column.origin or "").split(".", 1)[-1] or None))
    if problems:
        raise DefinitionError(problems)
    return create


def prepare(connection, tables: Iterable[Table], columns: Iterable[tuple[Table, Column]] = ()) -> list[str]:
    """The CREATE EXTENSION statements this run sends first (catalog SELECTs only; nothing is created here),
    or DefinitionError before any SQL when an extension is missing and cannot be created."""
    vendor = vendor_for(connection)
    wanted = needed(vendor, tables, columns)
    if not wanted or not vendor.sql_extension_states:
        return []
    with connection.cursor() as cursor:
        cursor.execute(vendor.sql_extension_states, [list(wanted)])
        states = {row[0]: ExtensionState(row[0], True, bool(row[1]), bool(row[2])) for row in cursor.fetchall()}
        cursor.execute(vendor.sql_role)
        name, database, superuser, may_create = cursor.fetchone()
    create = decide(wanted, states, Role(name, database, bool(superuser), bool(may_create)))
    quote = connection.ops.quote_name
    return [vendor.sql_create_extension.format(name=quote(name)) for name in create]
