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

Speed at scale: SQLite re-reads its whole schema after `ALTER TABLE .. RENAME`, `ADD COLUMN` and `DROP COLUMN`
(each costs about 0.1 ms per table and index in the database: 0.2 s a statement at 2,000 tables), while
CREATE TABLE, DROP TABLE, INSERT and CREATE INDEX cost the same however big the schema is. So where the table
is small next to the schema (`_copies_back`), the rebuild ends by copying the new table's rows into a table
created under the old name instead of renaming it, and a column added or dropped goes through the same
rebuild instead of ALTER TABLE. The result is the same table; only the statements differ.

Column COLLATE / CHECK clauses and table CHECK constraints are part of the rendered model instead
(catalogs/sqlite.py reads them, bridge.py writes them), so the new table is created with them.

Replaying stored SQL: sqlite_master.sql is exactly the statement SQLite accepted for that object on
that table. It is sent back unchanged, as one statement (the sqlite3 driver refuses two), only after
checking that it creates an index or trigger of that name on that table. It grants nothing: whoever
wrote it could already run SQL on this database, and the same object existed a moment before.
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Iterator

from django.db import DatabaseError
from django.db.backends.ddl_references import Statement
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
        with _renaming_by_copy(editor, table) if _copies_back(editor, table) else nullcontext():
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
    add_field, remove_field = editor.add_field, editor.remove_field

    def add_field_rebuilding(model, field):
        # ALTER TABLE ADD COLUMN re-reads the whole schema: a small table is rebuilt instead (module docstring).
        if field.concrete and _copies_back(editor, strip_quotes(model._meta.db_table)):
            return remake(model, create_field=field)
        return add_field(model, field)

    def remove_field_rebuilding(model, field):
        if (field.concrete and field.db_parameters(connection=editor.connection)["type"] is not None
                and not _named_by_views_or_triggers(editor.connection, field.column)
                and _copies_back(editor, strip_quotes(model._meta.db_table))):
            return remake(model, delete_field=field)
        return remove_field(model, field)

    editor.add_field = add_field_rebuilding
    editor.remove_field = remove_field_rebuilding


#: A table is copied back instead of renamed while it holds fewer rows than this many per schema object
#: (a rename costs about as much as copying this many rows per table and index in the schema), and always
#: below SMALL_TABLE_ROWS.
ROWS_PER_SCHEMA_OBJECT = 20
TEMP_TABLE = "CREATE TEMP TABLE %(table)s (%(definition)s)"
SMALL_TABLE_ROWS = 1000


def forget_sizes(editor) -> None:
    """Start a run: the table and schema sizes _copies_back remembered belong to the previous run (a migration
    may load rows between two runs on one editor)."""
    editor.__dict__.pop("_lbsync_copies_back", None)
    editor.__dict__.pop("_lbsync_schema_objects", None)


def _copies_back(editor, table: str) -> bool:
    """Whether rebuilding `table` by copying its rows back is cheaper than SQLite's schema re-read (module
    docstring). Never in a dry run: it reads the table, and --sql reads nothing but the catalog."""
    if editor.collect_sql:
        return False
    # Asked twice per column add or drop, and once per table per step: the answer is kept for the run
    # (forget_sizes starts a run; its own copies do not change a table's row count), and so is the schema's
    # size (a run adds or drops a few objects; the threshold is an estimate either way).
    decided = editor.__dict__.setdefault("_lbsync_copies_back", {})
    if table in decided:
        return decided[table]
    with editor.connection.cursor() as cursor:
        if "_lbsync_schema_objects" not in editor.__dict__:
            cursor.execute("SELECT count(*) FROM sqlite_master")
            editor._lbsync_schema_objects = cursor.fetchone()[0]
        limit = max(SMALL_TABLE_ROWS, ROWS_PER_SCHEMA_OBJECT * editor._lbsync_schema_objects)
        # A table with generated columns is never rebuilt (_refuse_what_cannot_be_kept), so a column added to it
        # or dropped from it keeps ALTER TABLE, which SQLite runs with them in place.
        cursor.execute(f"SELECT (SELECT count(*) FROM (SELECT 1 FROM {editor.quote_name(table)} LIMIT {int(limit)})), "
                       "(SELECT count(*) FROM pragma_table_xinfo(%s) WHERE hidden IN (2, 3))", [table])
        rows, generated = cursor.fetchone()
        decided[table] = rows < limit and not generated
    return decided[table]


def _named_by_views_or_triggers(connection, column: str) -> bool:
    """Whether any view or trigger names `column` (of any table): then ALTER TABLE DROP COLUMN stays, so SQLite
    refuses the drop and names the view, where a rebuild would leave the view broken."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type IN ('view', 'trigger') AND sql IS NOT NULL")
        texts = [sql for (sql,) in cursor.fetchall()]
    wanted = column.casefold()
    return any(wanted in sqlite_ddl.identifiers(sql) for sql in texts)


@contextmanager
def _renaming_by_copy(editor, table: str) -> Iterator[None]:
    """Django's rebuild, whose last step (`alter_db_table`: "new__t" -> "t") creates "t" from the same model,
    copies the rows and drops "new__t", instead of renaming.

    "new__t" is then only a holding place for the rows, so it is made a TEMP table: creating and dropping a
    table in the temp schema leaves the main schema alone (two main-schema statements fewer per rebuild).
    Its REFERENCES clauses are never enforced: the rebuild runs with foreign-key checks off, as Django's
    always does, and the rows land in "t", which the run's foreign_key_check then covers."""
    rename, create_model = editor.alter_db_table, editor.create_model
    holding = f"new__{table}"

    def create_holding_table_in_temp(model):
        if strip_quotes(model._meta.db_table) != holding:
            return create_model(model)
        template = editor.sql_create_table
        editor.sql_create_table = TEMP_TABLE
        try:
            return create_model(model)
        finally:
            editor.sql_create_table = template

    def copy_back(model, old_db_table, new_db_table):
        q = editor.quote_name
        columns = ", ".join(q(f.column) for f in model._meta.local_concrete_fields if not f.generated)
        model._meta.db_table = new_db_table
        try:
            sql, params = editor.table_sql(model)
        finally:
            model._meta.db_table = old_db_table
        editor.execute(sql, params or None)
        editor.execute(f"INSERT INTO {q(new_db_table)} ({columns}) SELECT {columns} FROM {q(old_db_table)}")
        editor.execute(editor.sql_delete_table % {"table": q(old_db_table)})
        for statement in editor.deferred_sql:  # the new table's indexes, as Django's rename would
            if isinstance(statement, Statement):
                statement.rename_table_references(old_db_table, new_db_table)

    editor.alter_db_table, editor.create_model = copy_back, create_holding_table_in_temp
    try:
        yield
    finally:
        editor.alter_db_table, editor.create_model = rename, create_model


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
