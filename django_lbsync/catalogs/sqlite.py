"""SQLite's catalog (sqlite_master and the pragma functions): the fast reader, the generic reader's gap hooks,
and what DROP TABLE takes along (docs/introspection.md, docs/unmanaged-objects.md)."""
from __future__ import annotations

import re
import sqlite3
from collections import defaultdict

from django.db.backends.sqlite3.introspection import FieldInfo, get_field_size

from .. import sqlite_ddl
from ..schema import ForeignKey, Index, Table, live_column
from .builder import Fetched, RowsDigest, TableBuilder
from .hooks import GapHooks, _with

_SQLITE_TABLES = "m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
#: pragma_table_xinfo's `hidden` of a generated column -> Column.generated.
SQLITE_GENERATED = {2: "VIRTUAL", 3: "STORED"}


def read_tables(cursor, schemas: list[str], views: bool) -> list[Table]:
    return fetch(cursor, schemas, views).tables()


def fetch(cursor, schemas: list[str], views: bool) -> Fetched:
    """The four catalog queries, sent now; their rows built into tables by `tables()` (builder.Fetched)."""
    kinds = "type IN ('table', 'view')" if views else "type = 'table'"
    # Each table's CREATE TABLE text once (not once per column row: 65,000 copies at 5,000 tables), then
    # its columns in the order SQLite lists them (cid order within a table; tables keep sqlite_master's order
    # and the builder keys them by name).
    cursor.execute(f"SELECT name, sql, type FROM sqlite_master WHERE {kinds} AND name NOT LIKE 'sqlite_%'")
    tables = cursor.fetchall()
    # pragma_table_xinfo, not pragma_table_info: the latter leaves out generated columns (hidden 2: VIRTUAL,
    # 3: STORED), which are columns of the table all the same; hidden 1 is a virtual table's hidden column.
    cursor.execute(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
        f"FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE m.{kinds} AND m.name NOT LIKE 'sqlite_%' "
        "AND p.hidden IN (0, 2, 3) ORDER BY m.name, p.cid"
    )
    columns = cursor.fetchall()
    cursor.execute(
        "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial, ii.name, ii.\"desc\" "
        "FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_xinfo(il.name) ii "
        f"WHERE {_SQLITE_TABLES} AND ii.key = 1 ORDER BY m.name, il.name, ii.seqno"
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT m.name, fk.id, fk.\"from\", fk.\"table\", fk.\"to\", fk.on_delete, fk.on_update "
        f"FROM sqlite_master m, pragma_foreign_key_list(m.name) fk WHERE {_SQLITE_TABLES} "
        "ORDER BY m.name, fk.id, fk.seq"
    )
    foreign_keys = cursor.fetchall()
    # The library that parsed the stored SQL into the pragmas' rows is part of what they mean.
    return Fetched(lambda: RowsDigest("sqlite", sqlite3.sqlite_version, views).of(tables, columns, indexes, foreign_keys),
                   lambda: _build(tables, columns, indexes, foreign_keys))


def _build(table_rows, column_rows, index_rows, foreign_key_rows) -> list[Table]:
    out = TableBuilder()
    create_sql: dict[str, str] = {}
    is_view: set[str] = set()
    clauses: dict[str, sqlite_ddl.TableDDL | None] = {}
    for table, sql, kind in table_rows:
        create_sql[table] = sql or ""
        if kind == "view":
            is_view.add(table)
            out.views.add((None, table))
        else:
            ddl = _sqlite_clauses(sql)
            clauses[table] = ddl if ddl.columns else None  # None: no column clause to look up
            out.checks[(None, table)] = tuple(ddl.checks)
    pks: dict[str, list] = defaultdict(list)
    no_clauses = sqlite_ddl.ColumnClauses()
    columns_of = out.columns
    for table, column, type_, notnull, default, pk, hidden in column_rows:
        sql = create_sql.get(table)
        if sql is None:  # made by another connection between the two reads: the next run sees it whole
            continue
        # A NULL name stays None: the builder leaves that row out and marks the table unsound (sound_table);
        # an empty name is a real one ("" is legal in SQLite) and the live-name rule refuses it.
        text = column if column is not None else ""
        auto = bool(pk) and "AUTOINCREMENT" in sql.upper() and re.search(
            rf'"?{re.escape(text)}"?\s[^,]*\bAUTOINCREMENT\b', sql, re.I) is not None
        ddl = clauses.get(table)
        kept = ddl.column(text) if ddl is not None else no_clauses
        # A primary key column holds no NULLs whatever its declaration says (`id integer PRIMARY KEY`).
        columns_of[(None, table)].append(live_column(column, type_, not notnull and not pk, default, auto,
                                                     collation=kept.collation, check=kept.check,
                                                     generated=SQLITE_GENERATED.get(hidden)))
        if pk:
            pks[table].append((pk, column))
    for table, columns in pks.items():
        out.pk[(None, table)] = tuple(c for _, c in sorted(columns, key=lambda item: item[0]))
    grouped: dict[tuple, dict] = defaultdict(dict)
    for table, name, unique, origin, partial, column, desc in index_rows:
        if origin == "pk":
            continue
        entry = grouped[(None, table)].setdefault(name, {"columns": [], "orders": [], "unique": bool(unique),
                                                         "opaque": bool(partial), "constraint": origin == "u"})
        entry["columns"].append(column or "")
        entry["orders"].append("DESC" if desc else "ASC")
        entry["opaque"] = entry["opaque"] or column is None
    for key, indexes in grouped.items():
        for name, e in indexes.items():
            out.indexes[key].append(Index(name, tuple(e["columns"]), tuple(e["orders"]), e["unique"],
                                          constraint=e["constraint"], opaque=e["opaque"]))
    fks: dict[tuple, dict] = defaultdict(dict)
    for table, fk_id, column, ref_table, ref_column, on_delete, on_update in foreign_key_rows:
        entry = fks[(None, table)].setdefault(fk_id, [[], ref_table, [], on_delete, on_update])
        entry[0].append(column)
        entry[2].append(ref_column)
    primary_keys = {(table or "").lower(): out.pk.get((None, table), ()) for table in create_sql}
    for key, by_id in fks.items():
        for columns, ref_table, ref_columns, on_delete, on_update in by_id.values():
            name = _sqlite_fk_name(create_sql.get(key[1], ""), columns[0] or "")
            out.fks[key].append(ForeignKey(name, tuple(columns), ref_table, None,
                                           implied_ref_columns(ref_columns, ref_table, primary_keys), on_delete,
                                           on_update))
    return out.tables()


def implied_ref_columns(ref_columns: list, ref_table: str | None, primary_keys: dict[str, tuple]) -> tuple:
    """`REFERENCES parent` without columns means the parent's primary key (SQLite reports NULL for each): named
    from it, so a stable legacy table never reads as one caught mid-change (builder.sound_table); a parent
    with no such key (or none at all: SQLite allows it) leaves "" there, a reference no model matches."""
    if all(c is not None for c in ref_columns):
        return tuple(ref_columns)
    key = primary_keys.get((ref_table or "").lower(), ())
    if len(key) == len(ref_columns):
        return tuple(key)
    return tuple(c if c is not None else "" for c in ref_columns)


#: The words a stored CREATE TABLE needs for anything parse_create_table keeps or refuses.
_CLAUSE_WORDS = re.compile(r"\b(CHECK|COLLATE|GENERATED|AS|WITHOUT|STRICT)\b", re.I)


def _sqlite_clauses(sql: str) -> sqlite_ddl.TableDDL:
    """The COLLATE / CHECK clauses of a stored CREATE TABLE. Unreadable text keeps nothing here; a
    rebuild of that table is then refused (rebuild.py), never run without them."""
    if not _CLAUSE_WORDS.search(sql or ""):
        # Most tables hold none of these words: nothing to keep, and no need to lex their text
        # (that lexing was most of the catalog read's time at 500 tables).
        return sqlite_ddl.TableDDL()
    try:
        return sqlite_ddl.parse_create_table(sql or "")
    except sqlite_ddl.UnreadableDDL:
        return sqlite_ddl.TableDDL()


def _sqlite_fk_name(create_sql: str, column: str) -> str:
    """SQLite keeps FK names only in the CREATE TABLE text: `"col" type ... CONSTRAINT "name" REFERENCES`."""
    match = re.search(rf'"{re.escape(column)}"[^,]*?CONSTRAINT\s+"((?:[^"]|"")+)"\s+REFERENCES', create_sql, re.I)
    # ... or a table constraint: `CONSTRAINT "name" FOREIGN KEY ("col", ...)`.
    match = match or re.search(rf'CONSTRAINT\s+"((?:[^"]|"")+)"\s+FOREIGN\s+KEY\s*\(\s*"?{re.escape(column)}"?\s*[,)]',
                               create_sql, re.I)
    return match.group(1).replace('""', '"') if match else ""



class SQLiteHooks(GapHooks):
    """SQLite keeps collations, CHECKs, AUTOINCREMENT and foreign key names only in the CREATE TABLE text,
    names no inline UNIQUE constraint (Django invents `__unnamed_constraint_N__`), and Django's foreign
    keys are one per column with invented names: those come from the pragmas."""

    sort_fks = False  # in pragma_foreign_key_list order, as the fast reader

    def system_table(self, name):
        return name.startswith("sqlite_")

    def schema_facts(self):
        facts: dict = {"ddl": {}, "sql": {}, "pk": defaultdict(list), "constraint_indexes": {}, "opaque": set(),
                       "fks": defaultdict(dict)}
        for name, sql in self._rows("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
            facts["sql"][name] = sql or ""
            try:
                facts["ddl"][name] = sqlite_ddl.parse_create_table(sql or "")
            except sqlite_ddl.UnreadableDDL:
                facts["ddl"][name] = sqlite_ddl.TableDDL()
        # Composite primary key order (Django lists key columns in table order, not key order), and the
        # generated columns (Django lists them as plain ones), in one read.
        facts["generated"] = {}
        for table, column, position, hidden in self._rows(
            "SELECT m.name, p.name, p.pk, p.hidden FROM sqlite_master m, pragma_table_xinfo(m.name) p "
            "WHERE m.type = 'table' AND (p.pk > 0 OR p.hidden IN (2, 3))"
        ):
            if position:
                facts["pk"][table].append((position, column))
            if hidden in SQLITE_GENERATED:
                facts["generated"][(table, column)] = SQLITE_GENERATED[hidden]
        grouped: dict = defaultdict(lambda: ([], []))
        for table, name, origin, partial, column, desc in self._rows(
            "SELECT m.name, il.name, il.origin, il.partial, ii.name, ii.\"desc\" "
            "FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_xinfo(il.name) ii "
            "WHERE m.type = 'table' AND ii.key = 1 AND (il.origin = 'u' OR il.partial = 1) "
            "ORDER BY m.name, il.name, ii.seqno"
        ):
            if partial:
                facts["opaque"].add((table, name))
            if origin == "u":
                grouped[(table, name)][0].append(column or "")
                grouped[(table, name)][1].append("DESC" if desc else "ASC")
        for (table, name), (columns, orders) in grouped.items():
            facts["constraint_indexes"][(table, tuple(columns))] = (name, tuple(orders))
        for table, fk_id, column, ref_table, ref_column, on_delete, on_update in self._rows(
            "SELECT m.name, fk.id, fk.\"from\", fk.\"table\", fk.\"to\", fk.on_delete, fk.on_update "
            "FROM sqlite_master m, pragma_foreign_key_list(m.name) fk WHERE m.type = 'table' "
            "ORDER BY m.name, fk.id, fk.seq"
        ):
            entry = facts["fks"][table].setdefault(fk_id, [[], ref_table, [], on_delete, on_update])
            entry[0].append(column)
            entry[2].append(ref_column)
        return facts

    def describe(self, introspection, cursor, table):
        try:
            return super().describe(introspection, cursor, table)
        except IndexError:
            # Django's collation parser splits the CREATE TABLE text on ", " and takes the first word of
            # each piece: an untyped column (`CREATE TABLE t (a, b)`) leaves a piece without one (Django 5.2).
            # The same description from pragma_table_xinfo, which Django reads it from; the collations come
            # from our own parse of the CREATE TABLE text (column() below), as for every table.
            return self._xinfo_description(table)

    def constraints(self, introspection, cursor, table):
        try:
            return super().constraints(introspection, cursor, table)
        except IndexError:
            # Django's get_constraints asks get_table_description for the column names: the same code with
            # the description above in its place.
            hooks = self

            class Described(type(introspection)):
                def get_table_description(self, cursor, table_name):
                    return hooks._xinfo_description(table_name)

            return Described(introspection.connection).get_constraints(cursor, table)

    def _xinfo_description(self, table: str) -> list:
        """Django's FieldInfo rows for `table`, from one pragma_table_xinfo read of every table (made the
        first time a table needs it, then kept for the rest of this read)."""
        if not hasattr(self, "_xinfo"):
            self._xinfo = defaultdict(list)
            for name, column, type_, notnull, default, pk, hidden in self._rows(
                "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
                "FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid"
            ):
                if hidden in (0, 2, 3):  # as Django: normal and generated columns, not a virtual table's hidden ones
                    self._xinfo[name].append((column, type_ or "", notnull, default, pk))
        rows = self._xinfo.get(table, [])
        single_key = sum(1 for *_, pk in rows if pk) == 1  # Django marks no column pk in a composite key
        return [FieldInfo(column, type_, get_field_size(type_), None, None, None, not notnull, default, None,
                          bool(pk) and single_key, False) for column, type_, notnull, default, pk in rows]

    def primary_key(self, facts, table, django_columns):
        ordered = tuple(c for _, c in sorted(facts["pk"].get(table, ())))
        return ordered if sorted(ordered) == sorted(django_columns) else django_columns

    def is_auto(self, facts, table, info):
        sql = facts["sql"].get(table, "")
        return bool(info.pk) and re.search(rf'"?{re.escape(info.name)}"?\s[^,]*\bAUTOINCREMENT\b', sql, re.I) is not None

    def column(self, facts, table, info, primary_key):
        column = super().column(facts, table, info, primary_key)
        ddl = facts["ddl"].get(table)
        if ddl is None:  # a view
            return column
        kept = ddl.column(info.name)
        return _with(column, collation=kept.collation, check=kept.check,
                     generated=facts["generated"].get((table, info.name)))

    def index(self, facts, table, name, entry):
        index = super().index(facts, table, name, entry)
        if index.constraint:  # an inline UNIQUE: the index SQLite made for it has the name to use
            named = facts["constraint_indexes"].get((table, index.columns))
            if named:
                index = _with(index, name=named[0], orders=named[1])
        return index

    def foreign_keys(self, facts, table, entries):
        sql = facts["sql"].get(table, "")
        primary_keys = {(name or "").lower(): tuple(c for _, c in sorted(columns, key=lambda item: item[0]))
                        for name, columns in facts["pk"].items()}
        return [
            ForeignKey(_sqlite_fk_name(sql, columns[0]), tuple(columns), ref_table, None,
                       implied_ref_columns(ref_columns, ref_table, primary_keys), on_delete, on_update)
            for columns, ref_table, ref_columns, on_delete, on_update in facts["fks"].get(table, {}).values()
        ]

    def table_checks(self, facts, table):
        ddl = facts["ddl"].get(table)
        return tuple(ddl.checks) if ddl else ()



def lost_objects(cursor, dropped: list[Table]) -> list[tuple]:
    # Its views and other tables' foreign keys are text and survive; the table's own triggers do not.
    lost = []
    for table in dropped:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s COLLATE NOCASE "
                       "ORDER BY name", [table.name])
        lost.extend(("trigger", None, table.name, name) for (name,) in cursor.fetchall())
    return lost



# -- the end-of-run foreign key check, scoped to what the run changed (fkcheck.py) ---------------------------------

def foreign_keys(cursor) -> list[tuple[str, str]]:
    """(table, referenced table) for every foreign key of the database: one query, whatever the number of
    tables. The names are the catalog's; they go back to SQLite only as bound parameters."""
    cursor.execute(f"SELECT DISTINCT m.name, fk.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) fk "
                   f"WHERE {_SQLITE_TABLES}")
    return cursor.fetchall()


def foreign_key_violations(cursor, tables: list[str]) -> dict[str, list[tuple[int | None, tuple[str, ...], str]]]:
    """Per table of `tables`: (rowid, the foreign key's columns, the table it references) for each of its rows
    whose foreign key points at no row, in one query (`pragma_foreign_key_check` per table, the names bound as one
    JSON array). A foreign key whose referenced columns are no key of that table makes the query raise ("foreign
    key mismatch"), as the pragma does: the caller then asks table by table."""
    import json

    cursor.execute("SELECT m.name, fk.\"rowid\", fk.\"parent\", fk.\"fkid\" FROM sqlite_master m, "
                   "pragma_foreign_key_check(m.name) fk WHERE m.type = 'table' AND m.name IN "
                   "(SELECT value FROM json_each(%s))", [json.dumps(list(tables))])
    found: dict[str, list[tuple]] = {table: [] for table in tables}
    for table, rowid, parent, fk_id in cursor.fetchall():
        found.setdefault(table, []).append((rowid, parent, fk_id))
    out: dict[str, list[tuple[int | None, tuple[str, ...], str]]] = {}
    for table, violations in found.items():
        if not violations:
            out[table] = []
            continue
        # By its columns, not its number: a rebuild may renumber a table's foreign keys.
        cursor.execute("SELECT id, \"from\" FROM pragma_foreign_key_list(%s) ORDER BY id, seq", [table])
        columns: dict[int, list[str]] = defaultdict(list)
        for fk_id, column in cursor.fetchall():
            columns[fk_id].append(column)
        out[table] = [(rowid, tuple(columns.get(fk_id, ())), parent) for rowid, parent, fk_id in violations]
    return out


read_tables.fetch = fetch  # introspect.read_catalog: the rows first, the tables only when needed
fetch.reads_for = read_tables  # and only for this reader: not a wrapper that copied read_tables' __dict__
