"""SQLite table rebuilds that keep what the models do not describe (docs/unmanaged-objects.md).

Django changes a SQLite column by rebuilding the table from the model (`_remake_table`: create
"new__t", copy the rows, drop "t", rename). Dropping "t" drops its triggers and indexes; Django
re-creates only the indexes the model names. The hook below wraps that rebuild:

- before it, the table's triggers and opaque (partial or expression) indexes are read from
  sqlite_master, and the rebuild is refused, naming the object, when something would be lost that
  cannot be written back (a generated column, WITHOUT ROWID / STRICT, text we cannot read, an object
  that refers to the column being dropped);
- the rename runs with `legacy_alter_table` on, so views and other tables' triggers that name "t"
  (dangling while it is dropped) neither block the rename nor get rewritten;
- after it, the triggers and opaque indexes are created again from their stored SQL.

Column COLLATE / CHECK clauses and table CHECK constraints are part of the rendered model instead
(catalogs/sqlite.py reads them, bridge.py writes them), so the new table is created with them.

Replaying stored SQL: sqlite_master.sql is exactly the statement SQLite accepted for that object on
that table. It is sent back unchanged, as one statement (the sqlite3 driver refuses two), only after
checking that it creates an index or trigger of that name on that table. It grants nothing: whoever
wrote it could already run SQL on this database, and the same object existed a moment before.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError
from django.db.backends.utils import strip_quotes

from . import sqlite_ddl
from .exceptions import RebuildRefused


@dataclass(frozen=True)
class StoredObject:
    kind: str  # "trigger" or "index"
    name: str
    sql: str

    def describe(self, table: str) -> str:
        return f"{self.kind} {self.name!r} on table {table!r}"


def install(editor) -> None:
    """Wrap the editor's table rebuild, where it has one (Django's SQLite editor). Idempotent.

    On every database, a column drop loses its `CASCADE` (Django writes `DROP COLUMN .. CASCADE`):
    PostgreSQL then refuses to drop a column a view or another object uses, and names it, instead of
    dropping that object silently.
    """
    cascade = " CASCADE"
    if editor.sql_delete_column.rstrip().upper().endswith(cascade):
        editor.sql_delete_column = editor.sql_delete_column.rstrip()[:-len(cascade)]
    original = getattr(editor, "_remake_table", None)
    if original is None or getattr(original, "keeps_unmanaged_objects", False):
        return

    def remake(model, create_field=None, delete_field=None, alter_fields=None):
        table = strip_quotes(model._meta.db_table)
        dropped = delete_field.column.casefold() if delete_field is not None else None
        replayed = objects_to_replay(editor.connection, table, dropped)
        editor.execute("PRAGMA legacy_alter_table = ON")
        original(model, create_field=create_field, delete_field=delete_field, alter_fields=alter_fields)
        editor.execute("PRAGMA legacy_alter_table = OFF")
        for stored in replayed:
            try:
                editor.execute(stored.sql)
            except DatabaseError as exc:
                raise RebuildRefused(
                    f"{stored.describe(table)} could not be created again after rebuilding the table "
                    f"({exc}); the change is refused so it is not lost"
                ) from exc

    remake.keeps_unmanaged_objects = True
    editor._remake_table = remake


def objects_to_replay(connection, table: str, dropped_column: str | None) -> list[StoredObject]:
    """The table's triggers and opaque indexes, after checking that nothing else would be lost."""
    create_sql, stored = _read(connection, table)
    _refuse_what_cannot_be_kept(table, create_sql, dropped_column)
    for item in stored:
        if not _creates(item, table):
            raise RebuildRefused(f"{item.describe(table)}: its stored SQL is not one CREATE {item.kind.upper()} "
                                 "statement for this table; rebuilding the table would lose it")
        if dropped_column and dropped_column in sqlite_ddl.identifiers(item.sql):
            raise RebuildRefused(f"{item.describe(table)} refers to column {dropped_column!r}, which this change "
                                 f"drops; drop or change the {item.kind} first")
    return stored


def _read(connection, table: str) -> tuple[str, list[StoredObject]]:
    """The CREATE TABLE text, and the triggers and partial/expression indexes (one catalog query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.type, m.name, m.sql, "
            "  m.type = 'index' AND (EXISTS (SELECT 1 FROM pragma_index_list(m.tbl_name) il "
            "                                WHERE il.name = m.name AND il.partial) "
            "    OR EXISTS (SELECT 1 FROM pragma_index_xinfo(m.name) x WHERE x.key = 1 AND x.cid = -2)) "
            "FROM sqlite_master m WHERE m.tbl_name = %s AND m.sql IS NOT NULL ORDER BY m.type, m.name",
            [table],
        )
        rows = cursor.fetchall()
    create_sql = next((sql for kind, _, sql, _ in rows if kind == "table"), "")
    stored = [StoredObject(kind, name, sql) for kind, name, sql, opaque in rows
              if kind == "trigger" or (kind == "index" and opaque)]
    return create_sql, stored


def _refuse_what_cannot_be_kept(table: str, create_sql: str, dropped_column: str | None) -> None:
    try:
        ddl = sqlite_ddl.parse_create_table(create_sql)
    except sqlite_ddl.UnreadableDDL as exc:
        raise RebuildRefused(f"table {table!r}: its stored CREATE TABLE cannot be read ({exc}), so a rebuild "
                             "could lose its CHECK constraints or collations; the change is refused") from exc
    if ddl.options:
        raise RebuildRefused(f"table {table!r} is {ddl.options}; a rebuild through Django would lose that, so "
                             "the change is refused")
    generated = [name for name, clauses in ddl.columns.items() if clauses.generated]
    if generated:
        raise RebuildRefused(f"table {table!r} has generated column(s) {', '.join(generated)}, which a rebuild "
                             "would lose; the change is refused")
    for check in ddl.checks:
        if dropped_column and dropped_column in sqlite_ddl.identifiers(check):
            raise RebuildRefused(f"table {table!r}: CHECK constraint `{check}` refers to column "
                                 f"{dropped_column!r}, which this change drops; drop the constraint first")


def _creates(item: StoredObject, table: str) -> bool:
    """Whether `item.sql` is `CREATE [UNIQUE] INDEX|TRIGGER [IF NOT EXISTS] <its name> ...` on `table`."""
    words = sqlite_ddl.tokens(item.sql)
    texts = [t.text.upper() if t.kind == "word" else sqlite_ddl.unquote(t) for t in words]
    if texts[:1] != ["CREATE"]:
        return False
    rest = texts[1:]
    if rest[:1] in (["TEMP"], ["TEMPORARY"]):
        return False
    if item.kind == "index" and rest[:1] == ["UNIQUE"]:
        rest = rest[1:]
    if rest[:1] != [item.kind.upper()]:
        return False
    rest = rest[1:]
    if rest[:3] == ["IF", "NOT", "EXISTS"]:
        rest = rest[3:]
    if rest[:2] == ["MAIN", "."]:
        rest = rest[2:]
    if not rest or rest[0].casefold() != item.name.casefold() or "ON" not in rest:
        return False
    target = rest[rest.index("ON") + 1:][:1]  # INDEX x ON t (..) / TRIGGER x AFTER .. ON t ..
    return [t.casefold() for t in target] == [table.casefold()]
