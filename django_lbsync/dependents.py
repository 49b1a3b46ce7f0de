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

Foreign keys of other *managed* tables (attached models not in this run) that the drop removed are
created again, from their model, once the tables are back. A foreign key can only be re-created
(SQLite: only checked) when no row of the other table points into the emptied table: such a run is
refused before anything changes, naming the key and the count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .bridge import db_column, db_table
from .exceptions import LbsyncError
from .schema import ForeignKey, Schema, Table


class AutomigrateRefused(LbsyncError):
    """automigrate would break what it cannot restore; nothing was changed."""


@dataclass
class DropEffects:
    """What dropping the run's tables does beyond the tables themselves."""

    dependents: list[str] = field(default_factory=list)  # names, as the database describes them
    fks_to_drop_first: list[tuple[Table, ForeignKey]] = field(default_factory=list)  # MySQL
    fks_to_restore: list[tuple[Table, ForeignKey]] = field(default_factory=list)  # (desired table, declared FK)
    fks_to_check: list[tuple[Table, ForeignKey]] = field(default_factory=list)  # live (table, FK) that must hold


def drop_effects(connection, live: Schema, dropped: list[Table], attached: Schema, vendor) -> DropEffects:
    """Read (catalog only) what dropping `dropped` takes along and what must be put back."""
    dropped_keys = {t.key for t in dropped}
    referencing = [(table, fk) for table in live.tables.values() if table.key not in dropped_keys and not table.view
                   for fk in table.foreign_keys if _ref_key(fk) in dropped_keys]
    effects = DropEffects()
    style = _STYLES.get(connection.vendor, "keeps")
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
    problems = []
    with connection.cursor() as cursor:
        for table, fk in effects.fks_to_check:
            condition = " OR ".join(f"{quote(db_column(connection.vendor, c))} IS NOT NULL" for c in fk.columns)
            cursor.execute(f"SELECT COUNT(*) FROM {quote(db_table(connection.vendor, table))} WHERE {condition}")
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
    return editor.sql_delete_fk % {"table": quote(db_table(editor.connection.vendor, table)), "name": quote(fk.name)}


def _ref_key(fk: ForeignKey) -> str:
    return f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table


#: How DROP TABLE treats objects that depend on the table.
_STYLES = {"postgresql": "cascade", "mysql": "refuses", "sqlite": "keeps"}

# Everything DROP ... CASCADE removes, recursively: objects that depend on a dropped object normally
# ('n') or automatically ('a'), and the owner of a dropped internal part ('i': a view owns its rule).
# Then only what is not part of a dropped table itself (its indexes, constraints, sequences ...).
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
WHERE x.classid NOT IN ('pg_type'::regclass, 'pg_rewrite'::regclass)
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
ORDER BY 1
"""


def _postgresql_dependents(connection, dropped: list[Table]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        current = cursor.fetchone()[0]
        cursor.execute(_PG_DEPENDENTS, [[t.schema or current for t in dropped], [t.name for t in dropped]])
        rows = cursor.fetchall()
    return [f"{name} (with its data)" if relkind == "m" else name for name, relkind in rows]
