"""What else automigrate's DROP TABLE takes with it, and the foreign keys it must put back.

automigrate drops and re-creates tables. Other objects can depend on them:

- PostgreSQL: Django's `DROP TABLE ... CASCADE` drops every dependent object, recursively: views,
  materialized views (with their data), foreign keys of other tables, columns of other tables typed
  by the table's row type ... They are read from pg_depend, named by the server itself
  (pg_describe_object), and listed in the confirmation.
- MySQL: DROP TABLE is refused while another table's foreign key points at it. automigrate drops
  those foreign keys first (listed in the confirmation the same way).
- SQLite: a foreign key lives in the other table's CREATE TABLE text and a view is only text, so
  both survive the drop and work again once the table is back. Nothing else is dropped.

What belongs to a dropped table itself and no model declares is lost too, since the table comes back
exactly as the models say (`lost_with_tables`, also named in the confirmation): its triggers, rules,
row level security and policies, grants and comments (PostgreSQL); triggers and comments (MySQL);
triggers (SQLite).

Foreign keys of other *managed* tables (attached models not in this run) that the drop removed are
created again, from their model, once the tables are back. A foreign key can only be re-created
(SQLite: only checked) when no row of the other table points into the emptied table: such a run is
refused before anything changes, naming the key and the count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .exceptions import AutomigrateRefused
from .schema import ForeignKey, Schema, Table
from .sqlrules import shown
from .vendors import vendor_for


@dataclass
class DropEffects:
    """What dropping the run's tables does beyond the tables themselves."""

    dependents: list[str] = field(default_factory=list)  # names, as the database describes them
    fks_to_drop_first: list[tuple[Table, ForeignKey]] = field(default_factory=list)  # MySQL
    fks_to_restore: list[tuple[Table, ForeignKey]] = field(default_factory=list)  # (desired table, declared FK)
    fks_to_check: list[tuple[Table, ForeignKey]] = field(default_factory=list)  # live (table, FK) that must hold
    lost: list[str] = field(default_factory=list)  # parts of the dropped tables no model re-creates (named)


def drop_effects(connection, live: Schema, dropped: list[Table], attached: Schema, vendor) -> DropEffects:
    """Read (catalog only) what dropping `dropped` takes along and what must be put back."""
    dropped_keys = {t.key for t in dropped}
    referencing = [(table, fk) for table in live.tables.values() if table.key not in dropped_keys and not table.view
                   for fk in table.foreign_keys if _ref_key(fk) in dropped_keys]
    effects = DropEffects()
    style = vendor.drop_table_dependents
    effects.lost = lost_with_tables(connection, dropped)
    if style == "cascade":
        effects.dependents = _postgresql_dependents(connection, dropped)
    elif style == "refuses":
        for table, fk in referencing:
            problem = vendor.identifier_problem(fk.name) or vendor.identifier_problem(table.name)
            if problem:
                raise AutomigrateRefused(f"foreign key of table {table.key!r} that references a table of this run: "
                                         f"{problem}; nothing was changed")
            effects.dependents.append(f"foreign key {fk.name} on table {table.key}")
        effects.fks_to_drop_first = referencing
    if style == "keeps":
        effects.fks_to_check = referencing  # they stay, and must still hold against the empty table
    else:
        declared = {(t.key, vendor.identifier_key(fk.name)): (t, fk)
                    for t in attached.tables.values() if t.key not in dropped_keys for fk in t.foreign_keys}
        for table, fk in referencing:
            match = declared.get((table.key, vendor.identifier_key(fk.name)))
            if match is not None:
                effects.fks_to_restore.append(match)
                effects.fks_to_check.append((table, fk))
    return effects


def refuse_orphans(connection, effects: DropEffects) -> None:
    """Refuse the run when rows of another table point into a table it empties (counts the rows)."""
    quote = connection.ops.quote_name
    vendor = vendor_for(connection)
    problems = []
    with connection.cursor() as cursor:
        for table, fk in effects.fks_to_check:
            condition = " OR ".join(f"{quote(vendor.db_column(c))} IS NOT NULL" for c in fk.columns)
            cursor.execute(f"SELECT COUNT(*) FROM {quote(vendor.db_table(table))} WHERE {condition}")
            rows = cursor.fetchone()[0]
            if rows:
                problems.append(f"  foreign key {fk.name or ', '.join(fk.columns)} of table {table.key}: {rows} "
                                f"row{'s' if rows != 1 else ''} point into table {_ref_key(fk)}, which automigrate "
                                "empties")
    if problems:
        raise AutomigrateRefused(
            "automigrate would leave rows of other tables pointing at nothing, so their foreign keys could not "
            "hold; nothing was changed. Automigrate those tables too, or empty them first:\n" + "\n".join(problems)
        )


def drop_foreign_key_sql(editor, table: Table, fk: ForeignKey) -> str:
    """`ALTER TABLE .. DROP FOREIGN KEY ..`; both names passed the identifier rule in drop_effects."""
    quote = editor.quote_name
    table_sql = quote(vendor_for(editor.connection).db_table(table))
    return editor.sql_delete_fk % {"table": table_sql, "name": quote(fk.name)}


def _ref_key(fk: ForeignKey) -> str:
    return f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table


# Everything DROP ... CASCADE removes, recursively: objects that depend on a dropped object normally
# ('n') or automatically ('a'), and the owner of a dropped internal part ('i': a view owns its rule).
# Then only what is not part of a dropped table itself (its indexes, constraints, sequences ...; its
# triggers, rules and policies are named by lost_with_tables). A view's own rule stands for the view.
_PG_DEPENDENTS = """
WITH RECURSIVE roots AS (
  SELECT c.oid, c.reltype FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN unnest(%s::text[], %s::text[]) AS r(nsp, rel) ON n.nspname = r.nsp AND c.relname = r.rel
), dropped(classid, objid, objsubid) AS (
  SELECT 'pg_class'::regclass::oid, oid, 0 FROM roots
  UNION SELECT 'pg_type'::regclass::oid, reltype, 0 FROM roots
  UNION
  SELECT CASE WHEN d.deptype = 'i' THEN d.refclassid ELSE d.classid END,
         CASE WHEN d.deptype = 'i' THEN d.refobjid ELSE d.objid END,
         CASE WHEN d.deptype = 'i' THEN 0 ELSE d.objsubid END
  FROM pg_depend d JOIN dropped p ON
       (d.deptype IN ('n', 'a') AND d.refclassid = p.classid AND d.refobjid = p.objid
        AND (p.objsubid = 0 OR d.refobjsubid = p.objsubid))
    OR (d.deptype = 'i' AND d.classid = p.classid AND d.objid = p.objid)
)
SELECT DISTINCT pg_describe_object(x.classid, x.objid, x.objsubid), c.relkind
FROM dropped x LEFT JOIN pg_class c ON x.classid = 'pg_class'::regclass AND c.oid = x.objid
WHERE x.classid <> 'pg_type'::regclass
  AND NOT (x.classid = 'pg_rewrite'::regclass AND EXISTS (
        SELECT 1 FROM pg_rewrite w WHERE w.oid = x.objid
        AND (w.rulename = '_RETURN' OR w.ev_class IN (SELECT oid FROM roots))))
  AND NOT (x.classid = 'pg_class'::regclass AND x.objsubid = 0 AND (
        x.objid IN (SELECT oid FROM roots)
        OR EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = x.classid AND o.objid = x.objid
                   AND o.deptype IN ('a', 'i') AND o.refclassid = 'pg_class'::regclass
                   AND o.refobjid IN (SELECT oid FROM roots))))
  AND NOT (x.classid = 'pg_class'::regclass AND x.objsubid > 0 AND x.objid IN (SELECT oid FROM roots))
  AND NOT (x.classid = 'pg_constraint'::regclass AND
           (SELECT conrelid FROM pg_constraint WHERE oid = x.objid) IN (SELECT oid FROM roots))
  AND NOT (x.classid = 'pg_attrdef'::regclass AND
           (SELECT adrelid FROM pg_attrdef WHERE oid = x.objid) IN (SELECT oid FROM roots))
  AND NOT (x.classid = 'pg_trigger'::regclass AND
           (SELECT tgrelid FROM pg_trigger WHERE oid = x.objid) IN (SELECT oid FROM roots))
  AND NOT (x.classid = 'pg_policy'::regclass AND
           (SELECT polrelid FROM pg_policy WHERE oid = x.objid) IN (SELECT oid FROM roots))
ORDER BY 1
"""


def _postgresql_dependents(connection, dropped: list[Table]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        current = cursor.fetchone()[0]
        cursor.execute(_PG_DEPENDENTS, [[t.schema or current for t in dropped], [t.name for t in dropped]])
        rows = cursor.fetchall()
    return [f"{name} (with its data)" if relkind == "m" else name for name, relkind in rows]


# -- what belongs to a dropped table itself, and no model re-creates -----------------------------------

def lost_with_tables(connection, dropped: list[Table]) -> list[str]:
    """Triggers, rules, policies, row level security, grants and comments of the tables that DROP TABLE
    removes with them and CREATE TABLE does not bring back (catalog reads, bound parameters)."""
    reader = _LOST_READERS.get(vendor_for(connection).catalog)
    if reader is None or not dropped:
        return []
    with connection.cursor() as cursor:
        return [_lost_name(*row) for row in reader(cursor, dropped)]


#: How each kind of lost object is named; {t} is "table <key>", {d} the detail the catalog query gives.
_LOST_NAMES = {
    "trigger": "trigger {d} on {t}",
    "rule": "rule {d} on {t}",
    "policy": "policy {d} on {t}",
    "row level security": "row level security ({d}) on {t}",
    "grant": "grant {d} on {t}",
    "table comment": "comment on {t}",
    "column comment": "comment on column {d} of {t}",
    "owner": "owner {d} of {t}",
}


def _lost_name(kind: str, schema: str | None, table: str, detail) -> str:
    where = f"table {shown(f'{schema}.{table}' if schema else table)}"
    return _LOST_NAMES[kind].format(t=where, d=shown(detail))


# The dropped tables by oid, with the schema as Table.key spells it (None: the current schema).
_PG_ROOTS = """
WITH roots AS (
  SELECT c.oid, c.relowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity,
         CASE WHEN r.given THEN n.nspname END AS nsp, c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN unnest(%s::text[], %s::text[], %s::bool[]) AS r(nsp, rel, given) ON n.nspname = r.nsp AND c.relname = r.rel
)
"""

#: kind -> SELECT schema, table, detail (appended to _PG_ROOTS).
_PG_LOST = {
    "trigger": "SELECT nsp, relname, t.tgname FROM roots JOIN pg_trigger t ON t.tgrelid = roots.oid "
               "WHERE NOT t.tgisinternal ORDER BY 1, 2, 3",
    "rule": "SELECT nsp, relname, w.rulename FROM roots JOIN pg_rewrite w ON w.ev_class = roots.oid "
            "WHERE w.rulename <> '_RETURN' ORDER BY 1, 2, 3",
    "policy": "SELECT nsp, relname, p.polname FROM roots JOIN pg_policy p ON p.polrelid = roots.oid ORDER BY 1, 2, 3",
    "row level security": "SELECT nsp, relname, CASE WHEN relforcerowsecurity THEN 'enabled, forced' "
                          "ELSE 'enabled' END FROM roots WHERE relrowsecurity ORDER BY 1, 2",
    # Privileges the owner does not hold by owning the table, on the table and on its columns.
    "grant": ", acls AS (SELECT nsp, relname, relowner, NULL::name AS attname, relacl AS acl FROM roots "
             "WHERE relacl IS NOT NULL UNION ALL SELECT nsp, relname, relowner, col.attname, col.attacl "
             "FROM roots JOIN pg_attribute col ON col.attrelid = roots.oid AND col.attnum > 0 "
             "AND NOT col.attisdropped AND col.attacl IS NOT NULL) "
             "SELECT nsp, relname, string_agg(a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT "
             "OPTION' ELSE '' END, ', ' ORDER BY a.privilege_type) || CASE WHEN attname IS NULL THEN '' "
             "ELSE ' (' || quote_ident(attname) || ')' END || ' to ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
             "ELSE quote_ident(pg_get_userbyid(a.grantee)) END "
             "FROM acls CROSS JOIN LATERAL aclexplode(acl) a WHERE a.grantee <> relowner "
             "GROUP BY nsp, relname, attname, a.grantee ORDER BY 1, 2, 3",
    "table comment": "SELECT nsp, relname, NULL FROM roots JOIN pg_description d ON d.objoid = roots.oid "
                     "AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0 ORDER BY 1, 2",
    "column comment": "SELECT nsp, relname, col.attname FROM roots JOIN pg_description d ON d.objoid = roots.oid "
                      "AND d.classoid = 'pg_class'::regclass JOIN pg_attribute col ON col.attrelid = roots.oid "
                      "AND col.attnum = d.objsubid AND d.objsubid > 0 ORDER BY 1, 2, d.objsubid",
    # CREATE TABLE makes the role running automigrate the owner.
    "owner": "SELECT nsp, relname, pg_get_userbyid(relowner) FROM roots "
             "WHERE pg_get_userbyid(relowner) <> current_user ORDER BY 1, 2",
}


def _postgresql_lost(cursor, dropped: list[Table]) -> list[tuple]:
    cursor.execute("SELECT current_schema()")
    current = cursor.fetchone()[0]
    roots = [[t.schema or current for t in dropped], [t.name for t in dropped], [bool(t.schema) for t in dropped]]
    lost = []
    for kind, query in _PG_LOST.items():
        cursor.execute(_PG_ROOTS + query, roots)
        lost.extend((kind, *row) for row in cursor.fetchall())
    return lost


#: (kind, SELECT schema, table, detail ... ({where}) with {where} matching the dropped tables, schema column,
#: table column). MySQL keeps table grants (mysql.tables_priv) across DROP TABLE: the new table has them.
_MYSQL_LOST = [
    ("trigger", "SELECT event_object_schema, event_object_table, trigger_name FROM information_schema.triggers "
                "WHERE ({where}) ORDER BY 1, 2, 3", "event_object_schema", "event_object_table"),
    ("table comment", "SELECT table_schema, table_name, NULL FROM information_schema.tables "
                      "WHERE table_comment <> '' AND table_type = 'BASE TABLE' AND ({where}) ORDER BY 1, 2",
     "table_schema", "table_name"),
    ("column comment", "SELECT table_schema, table_name, column_name FROM information_schema.columns "
                       "WHERE column_comment <> '' AND ({where}) ORDER BY 1, 2, ordinal_position",
     "table_schema", "table_name"),
]


def _mysql_lost(cursor, dropped: list[Table]) -> list[tuple]:
    cursor.execute("SELECT DATABASE()")
    current = cursor.fetchone()[0]
    params = [value for table in dropped for value in (table.schema or current, table.name)]
    lost = []
    for kind, query, schema_column, table_column in _MYSQL_LOST:
        where = " OR ".join([f"({schema_column} = %s AND {table_column} = %s)"] * len(dropped))
        cursor.execute(query.format(where=where), params)
        lost.extend((kind, None if schema == current else schema, table, detail)
                    for schema, table, detail in cursor.fetchall())
    return lost


def _sqlite_lost(cursor, dropped: list[Table]) -> list[tuple]:
    # Its views and other tables' foreign keys are text and survive; the table's own triggers do not.
    lost = []
    for table in dropped:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s COLLATE NOCASE "
                       "ORDER BY name", [table.name])
        lost.extend(("trigger", None, table.name, name) for (name,) in cursor.fetchall())
    return lost


#: Per system catalog (Vendor.catalog): the reader of what a dropped table takes along.
_LOST_READERS = {"pg_catalog": _postgresql_lost, "mysql_information_schema": _mysql_lost, "sqlite_master": _sqlite_lost}
