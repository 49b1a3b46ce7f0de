"""The live database -> a `Schema` of the same shape desired.py builds (DESIGN decision 3).

Each fast path costs a constant number of catalog queries per database, one per object kind
(columns, indexes, foreign keys), whatever the number of tables. Types and defaults are kept as
the database reports them; the diff normalises both sides through the vendor's rules.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from . import sqlite_ddl, sqlrules
from .schema import Column, ForeignKey, Index, Schema, Table
from .vendors import vendor_for


def introspect(connection, *, schemas: Iterable[str] = (), views: bool = False, reader: str = "fast") -> Schema:
    """Every table of the connection's default schema (and of `schemas`), with columns, keys and indexes.

    Tables of the default schema have `schema=None`. With `views`, views are read too (`Table.view`).
    `reader="generic"` reads through Django's introspection API instead (introspect_generic.py,
    docs/introspection.md); the same snapshot, more queries.
    """
    if reader not in ("fast", "generic"):
        raise ValueError(f"unknown schema reader {reader!r}: 'fast' or 'generic'")
    # Keyed by the vendor chosen from the backend's class: a backend that subclasses a supported one
    # (PostGIS, django-tenants) reports another `connection.vendor` but reads the same catalog.
    vendor_name = vendor_for(connection).django_vendor
    fast_reader = _READERS.get(vendor_name)
    if reader == "generic" or fast_reader is None:
        # Oracle, SQL Server and any other backend: Django's introspection API plus the vendor's gap hooks.
        from .introspect_generic import introspect_generic

        return introspect_generic(connection, schemas=schemas, views=views)
    with connection.cursor() as cursor:
        tables = fast_reader(cursor, sorted(set(schemas)), views)
    schema = Schema(vendor_name)
    for table in tables:
        schema.add(table)
    return schema


def existing_tables(connection, tables: Iterable[Table]) -> list[Table]:
    """The given tables that exist in the database, in the given order (one catalog query)."""
    tables = list(tables)
    with connection.cursor() as cursor:
        plain = _own_tables(connection, cursor, [t.name for t in tables if not t.schema])
        schemas = sorted({t.schema for t in tables if t.schema})
        qualified: set[tuple[str, str]] = set()
        if schemas:
            qualified = _qualified_tables(connection, cursor, schemas)
    return [t for t in tables if ((t.schema, t.name) in qualified if t.schema else t.name in plain)]


def _own_tables(connection, cursor, names: list[str]) -> set[str]:
    """Which of `names` are tables of the connection's own schema, spelled as the catalog keeps them."""
    sql = vendor_for(connection).sql_user_tables
    if sql is None:
        return set(connection.introspection.table_names(cursor))
    found: set[str] = set()
    unique = sorted(set(names))
    for start in range(0, len(unique), 500):  # Oracle takes at most 1000 values in one IN list
        chunk = unique[start:start + 500]
        cursor.execute(sql.format(placeholders=", ".join(["%s"] * len(chunk))), chunk)
        found.update(row[0] for row in cursor.fetchall())
    return found


def _qualified_tables(connection, cursor, schemas: list[str]) -> set[tuple[str, str]]:
    placeholders = ", ".join(["%s"] * len(schemas))
    cursor.execute(vendor_for(connection).sql_tables_in_schemas.format(placeholders=placeholders), schemas)
    return {(row[0], row[1]) for row in cursor.fetchall()}


def row_counts(connection, tables: Iterable[Table]) -> dict[str, int]:
    """Rows per table, for the confirmation question. One query per table asked about."""
    counts = {}
    quote = connection.ops.quote_name
    vendor = vendor_for(connection)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(vendor.db_table(table))}")
            counts[table.key] = cursor.fetchone()[0]
    return counts


class _TableBuilder:
    """Collects catalog rows per table, then freezes them into Tables."""

    def __init__(self):
        self.views: set[tuple] = set()
        self.columns: dict[tuple, list[Column]] = defaultdict(list)
        self.pk: dict[tuple, tuple[str, ...]] = {}
        self.indexes: dict[tuple, list[Index]] = defaultdict(list)
        self.fks: dict[tuple, list[ForeignKey]] = defaultdict(list)
        self.checks: dict[tuple, tuple[str, ...]] = {}

    def tables(self) -> list[Table]:
        return [
            Table(
                name=name,
                schema=schema,
                columns=tuple(columns),
                primary_key=self.pk.get((schema, name), ()),
                indexes=tuple(self.indexes.get((schema, name), ())),
                foreign_keys=tuple(self.fks.get((schema, name), ())),
                view=(schema, name) in self.views,
                checks=self.checks.get((schema, name), ()),
            )
            for (schema, name), columns in self.columns.items()
        ]


# -- PostgreSQL: pg_catalog -------------------------------------------------------------------

_PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def _postgresql(cursor, schemas: list[str], views: bool) -> list[Table]:
    cursor.execute("SELECT current_schema()")
    current = cursor.fetchone()[0]
    wanted = [current] + [s for s in schemas if s != current]
    kinds = "'r', 'p', 'v', 'm'" if views else "'r', 'p'"
    rel = f"c.relkind IN ({kinds}) AND n.nspname = ANY(%s)"
    out = _TableBuilder()

    def key(schema, table):
        return (None if schema == current else schema, table)

    cursor.execute(
        "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
        "  pg_get_expr(d.adbin, d.adrelid), a.attidentity, c.relkind, c.oid, a.attnum, "
        # A collation other than the type's own; ALTER ... TYPE would reset it unless written again.
        "  CASE WHEN a.attcollation <> ty.typcollation THEN co.collname END "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "LEFT JOIN pg_type ty ON ty.oid = a.atttypid "
        "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collnamespace IN "
        "  (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', current_schema())) "
        f"WHERE {rel} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY n.nspname, c.relname, a.attnum",
        [wanted],
    )
    attnames: dict[tuple[int, int], str] = {}
    for schema, table, column, type_, null, default, identity, relkind, oid, attnum, collation in cursor.fetchall():
        attnames[(oid, attnum)] = column
        if relkind in ("v", "m"):
            out.views.add(key(schema, table))
        # SERIAL is integer + a nextval() default; an identity column is the modern spelling of the same.
        auto = bool(identity) or bool(default and default.startswith("nextval("))
        if collation and sqlrules.identifier_problem(collation, '"'):
            collation = None  # untrusted catalog text: a name that could leave its quotes is not written
        out.columns[key(schema, table)].append(Column(column, type_, null, None if auto else default, auto,
                                                      collation=collation))
    # Index columns come as attribute numbers, named from the column rows above (no subquery per index).
    cursor.execute(
        "SELECT n.nspname, c.relname, i.relname, ix.indisunique, ix.indisprimary, c.oid, "
        "  ix.indkey::int2[], ix.indoption::int2[], ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL, "
        "  EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype = 'u') "
        "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid "
        f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {rel} ORDER BY n.nspname, c.relname, i.relname",
        [wanted],
    )
    for schema, table, name, unique, primary, oid, attnums, options, opaque, constraint in cursor.fetchall():
        columns = [attnames.get((oid, n)) if n else None for n in attnums]
        if primary:
            out.pk[key(schema, table)] = tuple(columns)
            continue
        orders = tuple("DESC" if (opt & 1) else "ASC" for opt in options)
        out.indexes[key(schema, table)].append(
            Index(name, tuple(c or "" for c in columns), orders, unique, constraint=constraint,
                  opaque=opaque or None in columns)
        )
    cursor.execute(
        "SELECT n.nspname, c.relname, con.conname, "
        "  array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord) "
        "        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord), "
        "  rn.nspname, rc.relname, "
        "  array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) "
        "        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord), "
        "  con.confdeltype, con.confupdtype "
        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
        f"WHERE con.contype = 'f' AND {rel} ORDER BY n.nspname, c.relname, con.conname",
        [wanted],
    )
    for schema, table, name, columns, ref_schema, ref_table, ref_columns, on_delete, on_update in cursor.fetchall():
        out.fks[key(schema, table)].append(
            ForeignKey(name, tuple(columns), ref_table, key(ref_schema, ref_table)[0], tuple(ref_columns),
                       _PG_ACTIONS[on_delete], _PG_ACTIONS[on_update])
        )
    return out.tables()


# -- MySQL / MariaDB: information_schema ----------------------------------------------------------


def _mysql(cursor, schemas: list[str], views: bool) -> list[Table]:
    out = _TableBuilder()
    in_extra = "".join(", %s" for _ in schemas)
    # Tables and columns are read apart: MariaDB's information_schema is slow to join (0.5 s for 500 tables).
    cursor.execute(
        "SELECT DATABASE(), table_schema, table_name, table_type, table_collation FROM information_schema.tables "
        f"WHERE table_schema IN (DATABASE(){in_extra})",
        schemas,
    )
    kinds: dict[tuple, str] = {}
    table_collations: dict[tuple, str] = {}
    current = None
    for current, schema, table, table_type, collation in cursor.fetchall():
        kinds[(schema, table)] = table_type
        table_collations[(schema, table)] = collation
    wanted = [current] + [s for s in schemas if s != current]
    in_wanted = ", ".join(["%s"] * len(wanted))
    allowed = ("BASE TABLE", "VIEW", "SYSTEM VIEW") if views else ("BASE TABLE",)

    def key(schema, table):
        return (None if schema == current else schema, table)

    cursor.execute(
        "SELECT table_schema, table_name, column_name, column_type, is_nullable, column_default, extra, "
        "  collation_name, column_comment "
        f"FROM information_schema.columns WHERE table_schema IN ({in_wanted}) "
        "ORDER BY table_schema, table_name, ordinal_position",
        wanted,
    )
    for schema, table, column, type_, nullable, default, extra, collation, comment in cursor.fetchall():
        table_type = kinds.get((schema, table))
        if table_type not in allowed:
            continue
        if default == "NULL":  # MariaDB >= 10.2.7 reports "no default" as the text NULL
            default = None
        auto = "auto_increment" in (extra or "").lower()
        kept = _mysql_kept_attributes(extra, collation, table_collations.get((schema, table)), comment)
        if kept.get("on_update") and nullable == "NO" and default and _ZERO_DATE.match(default):
            # MariaDB gives a NOT NULL column with ON UPDATE an implicit zero-date default: not a default
            # anybody wrote, so not one to compare (keeping ON UPDATE must not look like drift).
            default = None
        out.columns[key(schema, table)].append(Column(column, type_, nullable == "YES", default, auto, **kept))
        if table_type != "BASE TABLE":
            out.views.add(key(schema, table))
    cursor.execute(
        "SELECT table_schema, table_name, index_name, non_unique, column_name, collation, sub_part "
        f"FROM information_schema.statistics WHERE table_schema IN ({in_wanted}) "
        "ORDER BY table_schema, table_name, index_name, seq_in_index",
        wanted,
    )
    grouped: dict[tuple, dict] = defaultdict(dict)
    for schema, table, name, non_unique, column, collation, sub_part in cursor.fetchall():
        entry = grouped[key(schema, table)].setdefault(name, {"columns": [], "orders": [], "unique": not non_unique,
                                                         "opaque": False})
        entry["columns"].append(column or "")
        entry["orders"].append("DESC" if collation == "D" else "ASC")
        entry["opaque"] = entry["opaque"] or column is None or sub_part is not None
    for table_key, indexes in grouped.items():
        for name, entry in indexes.items():
            if name == "PRIMARY":
                out.pk[table_key] = tuple(entry["columns"])
            else:
                out.indexes[table_key].append(
                    Index(name, tuple(entry["columns"]), tuple(entry["orders"]), entry["unique"],
                          opaque=entry["opaque"])
                )
    cursor.execute(
        "SELECT k.table_schema, k.table_name, k.constraint_name, k.column_name, k.referenced_table_schema, "
        "  k.referenced_table_name, k.referenced_column_name, r.delete_rule, r.update_rule "
        "FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r "
        "  ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name "
        "  AND r.table_name = k.table_name "
        f"WHERE k.table_schema IN ({in_wanted}) AND k.referenced_table_name IS NOT NULL "
        "ORDER BY k.table_schema, k.table_name, k.constraint_name, k.ordinal_position",
        wanted,
    )
    fks: dict[tuple, dict] = defaultdict(dict)
    for schema, table, name, column, ref_schema, ref_table, ref_column, on_delete, on_update in cursor.fetchall():
        entry = fks[key(schema, table)].setdefault(name, [[], key(ref_schema, ref_table)[0], ref_table, [],
                                                          on_delete, on_update])
        entry[0].append(column)
        entry[3].append(ref_column)
    for table_key, by_name in fks.items():
        for name, (columns, ref_schema, ref_table, ref_columns, on_delete, on_update) in by_name.items():
            out.fks[table_key].append(ForeignKey(name, tuple(columns), ref_table, ref_schema, tuple(ref_columns),
                                                 on_delete, on_update))
    return out.tables()


#: EXTRA's ON UPDATE clause: MariaDB `on update current_timestamp(3)`, MySQL `on update CURRENT_TIMESTAMP(3)`.
_MYSQL_ON_UPDATE = re.compile(r"\bon update (current_timestamp|now|localtime|localtimestamp)(?:\((\d)?\))?", re.I)
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_]+\Z")
_ZERO_DATE = re.compile(r"'?0000-00-00 00:00:00(\.0+)?'?\Z")


def _mysql_kept_attributes(extra: str | None, collation: str | None, table_collation: str | None,
                           comment: str | None) -> dict:
    """What MODIFY would drop unless it is written again: ON UPDATE, a collation other than the
    table's, the comment. Catalog text is untrusted: ON UPDATE is rebuilt from its parsed parts and a
    collation must be a plain word, or it is not carried (then MODIFY falls back to the table's)."""
    kept: dict = {}
    match = _MYSQL_ON_UPDATE.search(extra or "")
    if match:
        kept["on_update"] = "CURRENT_TIMESTAMP" + (f"({match.group(2)})" if match.group(2) else "")
    if collation and collation != table_collation and _PLAIN_WORD.match(collation):
        kept["collation"] = collation
    if comment:
        kept["comment"] = comment
    return kept


# -- SQLite: pragma table-valued functions, one query per kind --------------------------------------

_SQLITE_TABLES = "m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"


def _sqlite(cursor, schemas: list[str], views: bool) -> list[Table]:
    out = _TableBuilder()
    kinds = "m.type IN ('table', 'view')" if views else "m.type = 'table'"
    cursor.execute(
        "SELECT m.name, m.sql, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, m.type "
        f"FROM sqlite_master m, pragma_table_info(m.name) p WHERE {kinds} AND m.name NOT LIKE 'sqlite_%' "
        "ORDER BY m.name, p.cid"
    )
    create_sql: dict[str, str] = {}
    clauses: dict[str, sqlite_ddl.TableDDL] = {}
    pks: dict[str, list] = defaultdict(list)
    for table, sql, column, type_, notnull, default, pk, kind in cursor.fetchall():
        create_sql[table] = sql
        if kind == "view":
            out.views.add((None, table))
        elif table not in clauses:
            clauses[table] = _sqlite_clauses(sql)
            out.checks[(None, table)] = tuple(clauses[table].checks)
        auto = bool(pk) and re.search(rf'"?{re.escape(column)}"?\s[^,]*\bAUTOINCREMENT\b', sql, re.I) is not None
        kept = clauses[table].column(column) if kind != "view" else sqlite_ddl.ColumnClauses()
        # A primary key column holds no NULLs whatever its declaration says (`id integer PRIMARY KEY`).
        out.columns[(None, table)].append(Column(column, type_, not notnull and not pk, default, auto,
                                                 collation=kept.collation, check=kept.check))
        if pk:
            pks[table].append((pk, column))
    for table, columns in pks.items():
        out.pk[(None, table)] = tuple(c for _, c in sorted(columns))
    cursor.execute(
        "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial, ii.name, ii.\"desc\" "
        "FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_xinfo(il.name) ii "
        f"WHERE {_SQLITE_TABLES} AND ii.key = 1 ORDER BY m.name, il.name, ii.seqno"
    )
    grouped: dict[tuple, dict] = defaultdict(dict)
    for table, name, unique, origin, partial, column, desc in cursor.fetchall():
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
    cursor.execute(
        "SELECT m.name, fk.id, fk.\"from\", fk.\"table\", fk.\"to\", fk.on_delete, fk.on_update "
        f"FROM sqlite_master m, pragma_foreign_key_list(m.name) fk WHERE {_SQLITE_TABLES} "
        "ORDER BY m.name, fk.id, fk.seq"
    )
    fks: dict[tuple, dict] = defaultdict(dict)
    for table, fk_id, column, ref_table, ref_column, on_delete, on_update in cursor.fetchall():
        entry = fks[(None, table)].setdefault(fk_id, [[], ref_table, [], on_delete, on_update])
        entry[0].append(column)
        entry[2].append(ref_column)
    for key, by_id in fks.items():
        for columns, ref_table, ref_columns, on_delete, on_update in by_id.values():
            name = _sqlite_fk_name(create_sql.get(key[1], ""), columns[0])
            out.fks[key].append(ForeignKey(name, tuple(columns), ref_table, None, tuple(ref_columns), on_delete,
                                           on_update))
    return out.tables()


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


_READERS = {"postgresql": _postgresql, "mysql": _mysql, "sqlite": _sqlite}
