"""Test-side view of a live table, straight from each database's catalog, for assertions.

Kept independent of django_lbsync's own code on purpose: tests compare what the database really
holds with what loopback-semantics.md says LoopBack creates.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections


@dataclass
class LiveTable:
    columns: list[tuple[str, str, bool]] = field(default_factory=list)  # (name, type, nullable) in order
    defaults: dict[str, str] = field(default_factory=dict)  # column -> default expression (only those with one)
    primary_key: tuple[str, ...] = ()
    auto: set[str] = field(default_factory=set)  # auto-increment / serial / identity columns
    indexes: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)  # name -> (cols with " DESC", unique)
    foreign_keys: dict[str, tuple] = field(default_factory=dict)  # name -> (cols, ref table, ref cols, on delete, on update)
    generated: dict[str, str] = field(default_factory=dict)  # generated column -> "VIRTUAL" / "STORED"
    # name -> (contype, index name): constraints other than the primary key and foreign keys (PostgreSQL only)
    constraints: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @property
    def column_types(self) -> dict[str, str]:
        return {name: type_ for name, type_, _ in self.columns}

    @property
    def not_null(self) -> set[str]:
        return {name for name, _, nullable in self.columns if not nullable}


def tables(alias: str, schema: str | None = None) -> set[str]:
    """The tables (views too) of the login's default schema, or of `schema` (PostgreSQL)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if schema is None:
            return {n for n in connection.introspection.table_names(cursor) if n != "django_migrations"}
        cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm')", [schema])
        return {name for (name,) in cursor.fetchall()}


def other_schemas(alias: str) -> set[str]:
    """PostgreSQL schemas besides `public` and the system's (models may name one); none elsewhere."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema') "
                       "AND nspname NOT LIKE 'pg\\_%%'")
        return {name for (name,) in cursor.fetchall()}


def describe(alias: str, table: str, schema: str | None = None) -> LiveTable:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return {"postgresql": _postgresql, "mysql": _mysql, "sqlite": _sqlite}[connection.vendor](cursor, table, schema)


def _postgresql(cursor, table, schema):
    qualified = f'"{schema or "public"}"."{table}"'
    live = LiveTable()
    cursor.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
        "  a.attidentity, a.attgenerated "
        "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        [qualified],
    )
    for name, type_, nullable, default, identity, generated in cursor.fetchall():
        if generated:  # pg_attrdef holds the generation expression: no default
            live.generated[name] = {"s": "STORED", "v": "VIRTUAL"}[generated]
        elif (default and default.startswith("nextval(")) or identity:
            live.auto.add(name)  # SERIAL = integer + owned sequence default; or an identity column
        elif default is not None:
            live.defaults[name] = default
        live.columns.append((name, type_, nullable))
    cursor.execute(
        "SELECT i.relname, ix.indisunique, ix.indisprimary, "
        "  array(SELECT pg_get_indexdef(ix.indexrelid, k + 1, true) FROM generate_subscripts(ix.indkey, 1) k ORDER BY k), "
        "  ix.indoption::int2[] "
        "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid WHERE ix.indrelid = %s::regclass",
        [qualified],
    )
    for name, unique, primary, columns, options in cursor.fetchall():
        columns = tuple(c + (" DESC" if opt & 1 else "") for c, opt in zip(columns, options))
        if primary:
            live.primary_key = columns
        else:
            live.indexes[name] = (columns, unique)
    cursor.execute(
        "SELECT c.conname, "
        "  array(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a "
        "        ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), "
        "  c.confrelid::regclass::text, "
        "  array(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a "
        "        ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o), "
        "  c.confdeltype, c.confupdtype "
        "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = %s::regclass",
        [qualified],
    )
    actions = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
    for name, cols, ref, ref_cols, on_delete, on_update in cursor.fetchall():
        live.foreign_keys[name] = (tuple(cols), ref.strip('"'), tuple(ref_cols), actions[on_delete], actions[on_update])
    cursor.execute(
        "SELECT c.conname, c.contype, i.relname FROM pg_constraint c LEFT JOIN pg_class i ON i.oid = c.conindid "
        "WHERE c.conrelid = %s::regclass AND c.contype NOT IN ('p', 'f')",
        [qualified],
    )
    for name, kind, index in cursor.fetchall():
        live.constraints[name] = (kind, index)
    return live


def _mysql(cursor, table, schema):
    live = LiveTable()
    cursor.execute(
        "SELECT column_name, column_type, is_nullable, column_default, extra, column_key FROM information_schema.columns "
        "WHERE table_schema = DATABASE() AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    for name, type_, nullable, default, extra, _key in cursor.fetchall():
        live.columns.append((name, type_.upper(), nullable == "YES"))
        words = extra.upper().split()
        if "GENERATED" in words:  # `VIRTUAL GENERATED` / `STORED GENERATED` (not MySQL 8's `DEFAULT_GENERATED`)
            live.generated[name] = "VIRTUAL" if "VIRTUAL" in words else "STORED"
        if "auto_increment" in extra:
            live.auto.add(name)
        if default is not None and default != "NULL":
            live.defaults[name] = default
    cursor.execute(
        "SELECT index_name, non_unique, column_name, collation FROM information_schema.statistics "
        "WHERE table_schema = DATABASE() AND table_name = %s ORDER BY index_name, seq_in_index",
        [table],
    )
    grouped: dict[str, tuple[list, bool]] = {}
    for name, non_unique, column, collation in cursor.fetchall():
        cols, _ = grouped.setdefault(name, ([], not non_unique))
        cols.append(column + (" DESC" if collation == "D" else ""))
    for name, (cols, unique) in grouped.items():
        if name == "PRIMARY":
            live.primary_key = tuple(cols)
        else:
            live.indexes[name] = (tuple(cols), unique)
    cursor.execute(
        "SELECT k.constraint_name, k.column_name, k.referenced_table_name, k.referenced_column_name, "
        "  r.delete_rule, r.update_rule "
        "FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r "
        "  ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name "
        "WHERE k.table_schema = DATABASE() AND k.table_name = %s ORDER BY k.constraint_name, k.ordinal_position",
        [table],
    )
    for name, column, ref, ref_column, on_delete, on_update in cursor.fetchall():
        live.foreign_keys[name] = ((column,), ref, (ref_column,), on_delete, on_update)
    return live


def _sqlite(cursor, table, schema):
    live = LiveTable()
    cursor.execute(f'PRAGMA table_xinfo("{table}")')  # table_info leaves generated columns out
    pk = []
    for _cid, name, type_, notnull, default, pk_position, hidden in cursor.fetchall():
        if hidden not in (0, 2, 3):  # 1: a virtual table's hidden column
            continue
        if hidden:
            live.generated[name] = "VIRTUAL" if hidden == 2 else "STORED"
        live.columns.append((name, type_.lower(), not notnull))  # SQLite upper-cases some names
        if default is not None:
            live.defaults[name] = default
        if pk_position:
            pk.append((pk_position, name))
    live.primary_key = tuple(name for _, name in sorted(pk))
    cursor.execute("SELECT sql FROM sqlite_master WHERE type IN ('table', 'view') AND name = %s", [table])
    create_sql = cursor.fetchone()[0]
    if "AUTOINCREMENT" in create_sql.upper() and len(live.primary_key) == 1:
        live.auto.add(live.primary_key[0])
    cursor.execute(f'PRAGMA index_list("{table}")')
    for _seq, name, unique, origin, _partial in cursor.fetchall():
        if origin == "pk":
            continue
        cursor.execute(f'PRAGMA index_xinfo("{name}")')
        cols = tuple(c[2] + (" DESC" if c[3] else "") for c in cursor.fetchall() if c[5])
        live.indexes[name] = (cols, bool(unique))
    cursor.execute(f'PRAGMA foreign_key_list("{table}")')
    for _id, _seq, ref, column, ref_column, on_update, on_delete, _match in cursor.fetchall():
        # SQLite does not report constraint names; the CREATE TABLE text holds them.
        name = _sqlite_fk_name(create_sql, column)
        live.foreign_keys[name] = ((column,), ref, (ref_column,), on_delete, on_update)
    return live


def _sqlite_fk_name(create_sql: str, column: str) -> str:
    import re

    match = re.search(rf'"{re.escape(column)}"[^,]*?CONSTRAINT "([^"]+)" REFERENCES', create_sql)
    return match.group(1) if match else f"<unnamed:{column}>"
