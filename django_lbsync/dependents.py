"""What else automigrate's DROP TABLE takes with it, and the foreign keys it must put back.

automigrate drops and re-creates tables. Other objects can depend on them:

- PostgreSQL: Django's `DROP TABLE ... CASCADE` drops every dependent object, recursively: views,
  materialized views (with their data), foreign keys of other tables, columns of other tables typed
  by the table's row type ... They are read from pg_depend, named by the server itself
  (pg_describe_object), and listed in the confirmation.
- MySQL: DROP TABLE is refused while another table's foreign key points at it. automigrate drops
  those foreign keys first (listed in the confirmation the same way). The run's own tables are dropped
  referencing tables first, but keys in a cycle (A -> B -> A) cannot all follow that order, nor can live
  keys that no longer follow the models': a live key of a run table that points at a table the run drops
  before it is dropped first too (not listed: it goes with its table, and comes back from its model).
  A self reference never blocks its own table's drop.
- SQLite: a foreign key lives in the other table's CREATE TABLE text and a view is only text, so
  both survive the drop and work again once the table is back. Nothing else is dropped.
- Oracle: Django's `DROP TABLE ... CASCADE CONSTRAINTS` drops other tables' foreign keys; views,
  materialized views, other tables' triggers and code that read the table stay, INVALID until it is
  back (Oracle recompiles them on their next use). Both are named (all_constraints, all_dependencies).
- SQL Server: mssql-django's DROP TABLE first drops every foreign key that references the table; views
  and code stay and fail until it is back (named, from sys.foreign_keys and
  sys.sql_expression_dependencies). A schema-bound object makes SQL Server refuse the DROP, so the run
  is refused before anything changes.

The catalog SQL is the vendor's (`Vendor.dependents_reader`, `Vendor.lost_objects_reader`,
catalogs/<vendor>.py); this module only decides what to do with what they name.

What belongs to a dropped table itself and no model declares is lost too, since the table comes back
exactly as the models say (`lost_with_tables`, also named in the confirmation): its triggers, rules,
row level security and policies, grants and comments (PostgreSQL); triggers and comments (MySQL);
triggers (SQLite); triggers but the id trigger automigrate re-creates, comments and grants (Oracle);
triggers, MS_Description comments and grants (SQL Server).

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
    # MySQL: (live table, live FK) dropped before the tables: other tables' keys into the run, then the run's own
    # keys that point at a table dropped before theirs (a cycle).
    fks_to_drop_first: list[tuple[Table, ForeignKey]] = field(default_factory=list)
    fks_to_restore: list[tuple[Table, ForeignKey]] = field(default_factory=list)  # (desired table, declared FK)
    fks_to_check: list[tuple[Table, ForeignKey]] = field(default_factory=list)  # live (table, FK) that must hold
    lost: list[str] = field(default_factory=list)  # parts of the dropped tables no model re-creates (named)


def drop_effects(connection, live: Schema, dropped: list[Table], attached: Schema, vendor) -> DropEffects:
    """Read (catalog only) what dropping `dropped`, in that order, takes along and what must be put back."""
    key = vendor.name_key  # as the database matches names (SQL Server, SQLite: without case)
    dropped_keys = {key(t.key) for t in dropped}
    referencing = [(table, fk) for table in live.tables.values()
                   if key(table.key) not in dropped_keys and not table.view
                   for fk in table.foreign_keys if key(ref_key(fk)) in dropped_keys]
    effects = DropEffects()
    style = vendor.drop_table_dependents
    effects.lost = lost_with_tables(connection, dropped)
    if style == "cascade" and vendor.dependents_reader is not None and dropped:
        with connection.cursor() as cursor:
            effects.dependents = vendor.dependents_reader(cursor, dropped)
    elif style == "refuses":
        blocking = _blocking_own_keys(live, dropped, key)
        for table, fk in [*referencing, *blocking]:
            problem = vendor.identifier_problem(fk.name) or vendor.identifier_problem(table.name)
            if problem:
                raise AutomigrateRefused(f"foreign key of table {table.key!r} that references a table of this run: "
                                         f"{problem}; nothing was changed")
        effects.dependents += [f"foreign key {fk.name} on table {table.key}" for table, fk in referencing]
        effects.fks_to_drop_first = referencing + blocking
    if style == "keeps":
        effects.fks_to_check = referencing  # they stay, and must still hold against the empty table
    else:
        declared = {(key(t.key), vendor.identifier_key(fk.name)): (t, fk)
                    for t in attached.tables.values() if key(t.key) not in dropped_keys for fk in t.foreign_keys}
        for table, fk in referencing:
            match = declared.get((key(table.key), vendor.identifier_key(fk.name)))
            if match is not None:
                effects.fks_to_restore.append(match)
                effects.fks_to_check.append((table, fk))
    return effects


def _blocking_own_keys(live: Schema, dropped: list[Table], key) -> list[tuple[Table, ForeignKey]]:
    """The live foreign keys of the run's tables that point at another table of the run dropped before theirs
    (in `dropped`'s order), which would refuse that drop: the keys of a cycle, or live keys whose direction no
    longer follows the models' order. A table's key to itself does not block its drop."""
    position = {key(t.key): i for i, t in enumerate(dropped)}
    return [(table, fk) for table in live.tables.values() if not table.view and key(table.key) in position
            for fk in table.foreign_keys
            if position.get(key(ref_key(fk)), len(dropped)) < position[key(table.key)]]


def refuse_orphans(connection, effects: DropEffects) -> None:
    """Refuse the run when rows of another table point into a table it empties (counts the rows)."""
    vendor = vendor_for(connection)
    quote = vendor.quote_name_for(connection)
    problems = []
    with connection.cursor() as cursor:
        for table, fk in effects.fks_to_check:
            condition = " OR ".join(f"{quote(vendor.db_column(c))} IS NOT NULL" for c in fk.columns)
            cursor.execute(f"SELECT COUNT(*) FROM {quote(vendor.db_table(table))} WHERE {condition}")
            rows = cursor.fetchone()[0]
            if rows:
                problems.append(f"  foreign key {fk.name or ', '.join(fk.columns)} of table {table.key}: {rows} "
                                f"row{'s' if rows != 1 else ''} point into table {ref_key(fk)}, which automigrate "
                                "empties")
    if problems:
        raise AutomigrateRefused(
            "automigrate would leave rows of other tables pointing at nothing, so their foreign keys could not "
            "hold; nothing was changed. Automigrate those tables too, or empty them first:\n" + "\n".join(problems)
        )


def drop_foreign_key_sql(editor, table: Table, fk: ForeignKey) -> str:
    """`ALTER TABLE .. DROP FOREIGN KEY ..`; both names passed the identifier rule in drop_effects."""
    quote = editor.quote_name
    vendor = vendor_for(editor.connection)
    return editor.sql_delete_fk % {"table": quote(vendor.db_table(table)), "name": quote(vendor.db_object_name(fk.name))}


def ref_key(fk: ForeignKey) -> str:
    """The key (`schema.table` or `table`) of the table a foreign key references, as Table.key writes it."""
    return f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table

# -- what belongs to a dropped table itself, and no model re-creates -----------------------------------

def lost_with_tables(connection, dropped: list[Table]) -> list[str]:
    """Triggers, rules, policies, row level security, grants and comments of the tables that DROP TABLE
    removes with them and CREATE TABLE does not bring back (catalog reads, bound parameters)."""
    reader = vendor_for(connection).lost_objects_reader
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

