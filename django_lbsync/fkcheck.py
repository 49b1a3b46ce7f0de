"""The foreign key check that ends a run on SQLite, scoped to what the run changed (docs/exit-codes-and-waits.md).

Django's SQLite schema editor runs with foreign key enforcement off (a table rebuild needs it off) and, as it
leaves its transaction, checks every foreign key of the whole database (`PRAGMA foreign_key_check`), raising on
the first row that points nowhere. One such row in any table, which SQLite databases often hold (many apps run
with enforcement off), would fail every run, whatever the run changed. A run with its own editor is judged on
what it changed instead:

- checked are the tables its steps change (created, rebuilt, dropped and re-created) and the tables whose
  foreign keys point into one of them (a changed key column, or a table emptied, leaves their rows pointing
  nowhere); each with `pragma_foreign_key_check(table)`, the name a bound parameter. Nothing else is read;
- their rows that point nowhere are counted per foreign key before the first step, and the run fails only where
  a foreign key has more of them at the end: a row that pointed nowhere before the run is not the run's doing
  (a rebuild copies it as it is), and failing on it would leave its table impossible to change.

The check runs where Django's runs (the editor's exit, before COMMIT), so its failure rolls the run back
(api._editor) and names the table, the foreign key, how many more rows point nowhere and their first rowids.
Everything else the editor does on its way out (deferred statements, COMMIT, enforcement back on) is Django's.
Inside a migration (`using=schema_editor`) the editor is Django's: its end checks the whole database, as it does
for every migration.
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from typing import Iterable, Iterator

from django.db import DatabaseError, IntegrityError

from .vendors import vendor_for

#: The rowids a failure names per foreign key (the count says how many rows there are).
ROWIDS_SHOWN = 5

ForeignKeyId = tuple[tuple[str, ...], str]  # (its columns, the table it references)


class ForeignKeyScope:
    """The tables a run's steps change, and what pointed nowhere in them and their referencing tables before."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = vendor_for(connection)
        self.changed: set[str] = set()  # name keys (SQLite compares table names without case)
        # Per checked table (name key): rows pointing nowhere per foreign key before the run; None where the
        # check itself failed then (a foreign key whose referenced columns are no key: "foreign key mismatch").
        self.before: dict[str, Counter[ForeignKeyId] | None] = {}

    def changing(self, tables: Iterable[str]) -> None:
        """Before the steps that change `tables` run: count what points nowhere in them and in the tables whose
        foreign keys point into them, as the database holds it now."""
        key = self.vendor.name_key
        new = {key(name) for name in tables} - self.changed
        if not new:
            return
        self.changed |= new
        with self.connection.cursor() as cursor:
            tables = [table for table in self._checked(cursor, new) if key(table) not in self.before]
            for table, violations in self._violations(cursor, tables).items():
                self.before[key(table)] = (None if isinstance(violations, DatabaseError)
                                           else Counter(fk for _, _, fk in violations))

    def check(self) -> None:
        """Raise IntegrityError where a checked table has more rows pointing nowhere, through one of its foreign
        keys, than before the run (or its check fails where it did not before)."""
        if not self.changed:
            return
        key = self.vendor.name_key
        problems = []
        with self.connection.cursor() as cursor:
            for table, violations in self._violations(cursor, self._checked(cursor, self.changed)).items():
                before = self.before.get(key(table))
                if isinstance(violations, DatabaseError):
                    if key(table) in self.before and before is None:
                        continue  # it could not be checked before the run either: not the run's doing
                    problems.append(f"table {table!r}: {violations}")
                    continue
                rowids: dict[ForeignKeyId, list] = {}
                named: dict[ForeignKeyId, ForeignKeyId] = {}
                for rowid, as_named, fk in violations:
                    rowids.setdefault(fk, []).append(rowid)
                    named.setdefault(fk, as_named)
                for fk, rows in rowids.items():
                    more = len(rows) - (before or Counter())[fk]
                    if more > 0:
                        shown = ", ".join(map(str, rows[:ROWIDS_SHOWN])) + (", ..." if len(rows) > ROWIDS_SHOWN else "")
                        columns, parent = named[fk]
                        problems.append(
                            f"table {table!r}, foreign key ({', '.join(columns)}) -> {parent!r}: {more} more "
                            f"row{'s' if more != 1 else ''} than before the run point{'' if more != 1 else 's'} at no "
                            f"row ({len(rows)} in all; rowid {shown})")
        if problems:
            raise IntegrityError("the foreign key check of the tables the run changed failed: "
                                 + "; ".join(problems))

    def _checked(self, cursor, changed: set[str]) -> list[str]:
        """The tables with foreign keys among `changed`, and those whose foreign keys point into one of them."""
        key = self.vendor.name_key
        tables: dict[str, str] = {}
        for table, parent in self.vendor.foreign_keys_reader(cursor):
            if key(table) in changed or key(parent) in changed:
                tables.setdefault(key(table), table)
        return list(tables.values())

    def _violations(self, cursor, tables: list[str]) -> dict[str, list | DatabaseError]:
        """Per table: (rowid, the foreign key as the catalog names it, as the database compares it) for each row
        that points nowhere, or the error its check raised ("foreign key mismatch"). One query for all of them;
        only when it fails, one per table, so a table that cannot be checked does not hide the others."""
        if not tables:
            return {}
        read = self.vendor.foreign_key_violations_reader
        try:
            found: dict[str, list | DatabaseError] = dict(read(cursor, tables))
        except DatabaseError:
            found = {}
            for table in tables:
                try:
                    found.update(read(cursor, [table]))
                except DatabaseError as error:
                    found[table] = error
        key = self.vendor.name_key
        return {table: violations if isinstance(violations, DatabaseError) else
                [(rowid, (columns, parent), (tuple(key(c) for c in columns), key(parent)))
                 for rowid, columns, parent in violations]
                for table, violations in found.items()}


@contextmanager
def scoped_foreign_key_check(connection, editor) -> Iterator[None]:
    """For a run's own `editor`, entered before it and left after it: the whole-database check its exit makes
    becomes the check of what the run changed (module docstring). The applier tells the scope which tables its
    steps change (`editor.lbsync_foreign_key_scope`); a dry run changes none, so it reads nothing."""
    vendor = vendor_for(connection)
    if vendor.foreign_key_violations_reader is None:
        yield
        return
    scope = ForeignKeyScope(connection)
    editor.lbsync_foreign_key_scope = scope
    whole_database_check = connection.check_constraints

    def check_constraints(table_names=None):
        if table_names is not None:  # a caller naming its tables: Django's check, as asked
            return whole_database_check(table_names)
        return scope.check()

    # On the connection object, for this block only: Django's exit calls `self.connection.check_constraints()`
    # between its own steps, which stay as they are.
    patched_before = connection.__dict__.get("check_constraints")
    connection.check_constraints = check_constraints
    try:
        yield
    finally:
        if patched_before is None:
            del connection.check_constraints
        else:
            connection.check_constraints = patched_before


def changing(editor, tables: Iterable[str]) -> None:
    """Tell the run's scope (if its editor has one and runs its statements) which tables its next steps change."""
    scope = getattr(editor, "lbsync_foreign_key_scope", None)
    if scope is not None and not editor.collect_sql:
        scope.changing(tables)
