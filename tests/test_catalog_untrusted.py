"""The live catalog is untrusted input: isactual read while another session changes the schema (an automigrate
in progress) sees rows that do not fit together, and any catalog field may be NULL. It answers (out of sync is
a fine answer then) or raises a clear LbsyncError, never a Python error.

Two ways in, both deterministic: the catalog rows crafted here and fed to each fast reader through a fake
cursor (every field NULL in turn, a primary key whose attribute numbers name no column read), and a live
PostgreSQL table dropped and made again by another connection right after the reader's column query (its oid
changes: the schema change that made isactual fail with a TypeError in diff.py when the indexes were a second
query; they are now read in the same statement)."""
from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from hypothesis import given, settings as hypothesis_settings, strategies as st

from django_lbsync import api
from django_lbsync.catalogs import mysql as mysql_catalog, postgresql as pg_catalog, sqlite as sqlite_catalog
from django_lbsync.catalogs import builder
from django_lbsync.diff import diff
from django_lbsync import exceptions
from django_lbsync.exceptions import LbsyncError
from django_lbsync.introspect import introspect
from django_lbsync.schema import Column, ForeignKey, Index, Schema, Table
from django_lbsync.vendors import VENDORS

from .live_schema import tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


class RowsCursor:
    """Answers the reader's queries in the order it sends them, with the rows given."""

    def __init__(self, answers: list[list[tuple]]):
        self.answers = list(answers)
        self._rows: list[tuple] = []

    def execute(self, sql, params=()):
        self._rows = list(self.answers.pop(0))

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def __iter__(self):
        return iter(self._rows)

    def scroll(self, value, mode="relative"):
        """A client-side cursor goes back to its first row (catalogs/postgresql.fetch reads the rows twice)."""
        assert (value, mode) == (0, "absolute")


#: One table `t` (id, a, u_id) with a primary key, an index on a and a foreign key to `u`, and `u` (id), as each
#: reader's queries return it. {vendor: (reader, [rows per query])}; PostgreSQL's four row sets come back from
#: one statement (_as_one_statement).
CATALOGS = {
    "postgresql": (pg_catalog.read_tables, [
        [("public",)],
        [("public", "t", "id", "integer", False, "nextval('t_id_seq'::regclass)", "", "r", 10, 1, None, ""),
         ("public", "t", "a", "text", True, None, "", "r", 10, 2, None, ""),
         ("public", "t", "u_id", "integer", True, None, "", "r", 10, 3, None, ""),
         ("public", "u", "id", "integer", False, None, "a", "r", 11, 1, None, "")],
        [("public", "t", "t_pkey", True, True, 10, [1], [0], False, None, 1, 1, "btree"),
         ("public", "t", "t_a_idx", False, False, 10, [2], [0], False, None, 1, 1, "btree"),
         ("public", "u", "u_pkey", True, True, 11, [1], [0], False, None, 1, 1, "btree")],
        [("public", "t", "t_u_fk", ["u_id"], "public", "u", ["id"], "a", "a")],
    ]),
    "mysql": (mysql_catalog.read_tables, [
        [("db", "db", "t", "BASE TABLE", "utf8mb4_general_ci"), ("db", "db", "u", "BASE TABLE", "utf8mb4_general_ci")],
        [("db", "t", "id", "int(11)", "NO", None, "auto_increment", None, "", 1),
         ("db", "t", "a", "varchar(512)", "YES", "NULL", "", "utf8mb4_general_ci", "", 2),
         ("db", "t", "u_id", "int(11)", "YES", "NULL", "", None, "", 3),
         ("db", "u", "id", "int(11)", "NO", None, "auto_increment", None, "", 1)],
        [("db", "t", "PRIMARY", 0, "id", "A", None, "BTREE", 1),
         ("db", "t", "t_a_idx", 1, "a", "A", None, "BTREE", 1),
         ("db", "t", "t_u_fk", 1, "u_id", "A", None, "BTREE", 1),
         ("db", "u", "PRIMARY", 0, "id", "A", None, "BTREE", 1)],
        [("db", "t", "t_u_fk", "NO ACTION", "NO ACTION")],
        [("db", "t", "t_u_fk", "u_id", "db", "u", "id", 1)],
    ]),
    "sqlite": (sqlite_catalog.read_tables, [
        [("t", 'CREATE TABLE "t" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "a" text NULL, '
               '"u_id" integer NULL CONSTRAINT "t_u_fk" REFERENCES "u" ("id"))', "table"),
         ("u", 'CREATE TABLE "u" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT)', "table")],
        [("t", "id", "integer", 1, None, 1, 0), ("t", "a", "text", 0, None, 0, 0),
         ("t", "u_id", "integer", 0, None, 0, 0), ("u", "id", "integer", 1, None, 1, 0)],
        [("t", "t_a_idx", 0, "c", 0, "a", 0)],
        [("t", 0, "u_id", "u", "id", "NO ACTION", "NO ACTION")],
    ]),
}


def _desired(vendor: str) -> Schema:
    types = {"postgresql": ("integer", "text"), "mysql": ("int(11)", "varchar(512)"), "sqlite": ("integer", "text")}
    number, text = types[vendor]
    schema = Schema(vendor)
    schema.add(Table("u", None, (Column("id", number, False, auto=True),), ("id",)))
    schema.add(Table("t", None, (Column("id", number, False, auto=True), Column("a", text, True),
                                 Column("u_id", number, True)), ("id",),
                     indexes=(Index("t_a_idx", ("a",), ("ASC",)),),
                     foreign_keys=(ForeignKey("t_u_fk", ("u_id",), "u", None, ("id",)),)))
    return schema


#: Where the value of each query's row goes in PostgreSQL's tagged row (catalogs/postgresql.py, the layout table).
PG_SLOTS = {2: (1, 2, 4, 10, 11, 14, 17, 18, 12, 13, 15, 16, 5),  # indexes
            3: (1, 2, 4, 19, 5, 6, 20, 7, 8)}  # foreign keys
PG_WIDTH = 26


def _pg_columns_rows(column_rows):
    """The per-column rows, as the statement returns them: one row per table, its columns as arrays in column
    order (flags: n nullable, s/v generated; a NULL nullable gives a NULL flag)."""
    tables: dict[tuple, list[tuple]] = {}
    for schema, table, name, type_, null, default, identity, relkind, oid, attnum, collation, generated in column_rows:
        tables.setdefault((schema, table, relkind, oid), []).append(
            (attnum, name, type_, default, identity, collation,
             None if null is None else ("n" if null else "") + (generated or "")))
    rows = []
    for (schema, table, relkind, oid), columns in tables.items():
        columns.sort(key=lambda c: c[0] if isinstance(c[0], int) else 0)
        row = [None] * PG_WIDTH
        row[0], row[1], row[2], row[3], row[8], row[14] = 1, schema, table, 0, relkind, oid
        row[17], row[19], row[21], row[22], row[23], row[24], row[25] = ([c[i] for c in columns] for i in range(7))
        rows.append(tuple(row))
    return rows


def _as_one_statement(answers):
    """PostgreSQL reads its catalog in one statement (one snapshot): the four queries' rows as its tagged rows."""
    (current,) = answers[0][0]
    rows = [(0, current) + (None,) * (PG_WIDTH - 2)] + _pg_columns_rows(answers[1])
    for kind, slots in PG_SLOTS.items():
        for values in answers[kind]:
            row = [kind] + [None] * (PG_WIDTH - 1)
            for slot, value in zip(slots, values):
                row[slot] = value
            rows.append(tuple(row))
    return [rows]


def _read(vendor: str, answers) -> Schema:
    reader = CATALOGS[vendor][0]
    if vendor == "postgresql":
        answers = _as_one_statement(answers)
    schema = Schema(vendor)
    for table in reader(RowsCursor(answers), [], False):
        schema.add(table)
    return schema


def _assert_sound(schema: Schema) -> None:
    for table in schema.tables.values():
        assert isinstance(table.name, str) and table.name
        assert all(isinstance(n, str) for n in table.primary_key), table
        for column in table.columns:
            assert isinstance(column.name, str) and isinstance(column.type, str), column
        for index in table.indexes:
            assert all(isinstance(n, str) for n in (index.name, *index.columns, *index.orders)), index
            assert len(index.orders) == len(index.columns), index
        for fk in table.foreign_keys:
            assert all(isinstance(n, str) for n in (fk.name, fk.ref_table, *fk.columns, *fk.ref_columns)), fk


@pytest.mark.parametrize("vendor", sorted(CATALOGS))
def test_the_crafted_catalog_reads_in_sync(vendor):
    """The rows above are what the databases return for the desired tables: the baseline the cases below spoil."""
    live = _read(vendor, CATALOGS[vendor][1])
    plan = diff(live, _desired(vendor), VENDORS[vendor]())
    assert plan.in_sync, plan.describe() + [n.message for n in plan.notes]


def _null_cases():
    for vendor, (_, answers) in sorted(CATALOGS.items()):
        for query, rows in enumerate(answers):
            for row, values in enumerate(rows):
                for field in range(len(values)):
                    yield vendor, query, row, field


@pytest.mark.parametrize("vendor, query, row, field", list(_null_cases()))
def test_any_catalog_field_null_is_read_and_compared_without_a_python_error(vendor, query, row, field):
    answers = [list(rows) for rows in CATALOGS[vendor][1]]
    values = list(answers[query][row])
    values[field] = None
    answers[query][row] = tuple(values)
    live = _read(vendor, answers)
    _assert_sound(live)
    diff(live, _desired(vendor), VENDORS[vendor](), prune=True)  # an answer, whatever it is


def test_a_primary_key_of_a_table_made_again_between_the_reads_is_out_of_sync_not_a_type_error():
    """PostgreSQL: the index query sees `t` made again (a new oid, 20) after the column query read the old one;
    the key's attribute number names no column read. This is the row that made diff.py:48 raise TypeError."""
    answers = [list(rows) for rows in CATALOGS["postgresql"][1]]
    answers[2] = [("public", "t", "t_pkey", True, True, 20, [1], [0], False, None, 1, 1, "btree"),
                  ("public", "t", "t_a_idx", False, False, 20, [2], [0], False, None, 1, 1, "btree"),
                  ("public", "u", "u_pkey", True, True, 11, [1], [0], False, None, 1, 1, "btree")]
    live = _read("postgresql", answers)
    assert live.tables["t"].primary_key == ("",)
    plan = diff(live, _desired("postgresql"), VENDORS["postgresql"]())
    assert not plan.in_sync
    assert any("primary key is (?)" in note.message for note in plan.notes), plan.notes


def test_sound_table_leaves_a_sound_table_as_it_is():
    table = _desired("postgresql").tables["t"]
    assert builder.sound_table(table) is table
    assert builder.sound_table(table.evolve(name=None)) is None


def test_a_reader_that_still_trips_on_the_rows_raises_a_clear_lbsync_error(monkeypatch):
    """Whatever the builders do not foresee is CatalogInconsistent (exit 1), not a Python error."""
    connection = connections["default"]
    vendor = VENDORS["sqlite"]

    def broken(cursor, schemas, views):
        raise TypeError("'NoneType' object is not subscriptable")

    monkeypatch.setattr(vendor, "catalog_reader", staticmethod(broken))
    with pytest.raises(exceptions.CatalogInconsistent, match="could not be read as a schema") as caught:
        introspect(connection)
    assert isinstance(caught.value, LbsyncError) and isinstance(caught.value.__cause__, TypeError)


# -- live: a table made again by another session between the reader's queries -------------------------------

def test_isactual_while_another_session_remakes_a_table_answers(live, use_models, model_dir):
    """The column query reads `plain`; before the next catalog query runs, another connection drops and creates
    it again (a new oid, as an automigrate in another session does). isactual answers: out of sync (or in sync
    where the reader saw one state), exit 1 with a plan, never a traceback. PostgreSQL reads everything in the
    column query's statement, so it saw one state: in sync."""
    connection = connections[live]
    if connection.vendor == "sqlite":
        pytest.skip("one process owns an in-memory SQLite database: no other session")
    use_models(live, model_dir({"plain.json": {"name": "Plain", "properties": {"a": {"type": "string"}}}}))
    api.automigrate(using=live)
    assert api.is_actual(using=live)
    (name,) = tables(live)  # "plain" on PostgreSQL, "Plain" on MySQL
    other = type(connection)(dict(connection.settings_dict), alias=live)
    other.inc_thread_sharing()
    columns_query = "array_agg(a.attname" if connection.vendor == "postgresql" else "FROM information_schema.columns"
    remade: list[bool] = []

    def remake(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not remade and columns_query in sql:
            remade.append(True)
            q = connection.ops.quote_name
            with other.cursor() as cursor:
                cursor.execute(f"DROP TABLE {q(name)}")
                serial = "SERIAL" if connection.vendor == "postgresql" else "INT AUTO_INCREMENT"
                cursor.execute(f"CREATE TABLE {q(name)} ({q('a')} TEXT NULL, {q('id')} {serial} PRIMARY KEY)")
        return result

    def isactual_command() -> int:
        try:
            call_command("isactual", database=live, stdout=StringIO(), stderr=StringIO())
        except CommandError as error:  # a clear error: one message, exit 1
            return error.returncode
        except SystemExit as out_of_sync:
            return out_of_sync.code
        return 0

    try:
        with connection.execute_wrapper(remake):
            answer = api.is_actual(using=live)
        assert remade
        remade.clear()
        with connection.execute_wrapper(remake):
            code = isactual_command()
        assert remade and code in (0, 1)
        if connection.vendor == "postgresql":
            # One statement reads the whole catalog (one snapshot): the remake comes after it, so the table read is
            # the one automigrate made, whole: in sync. (Read in several queries, the key's attribute numbers named
            # no column read: out of sync.)
            assert answer is True
    finally:
        other.close()


def test_rows_that_did_not_fit_once_are_read_again(monkeypatch):
    """A reader that trips once (another session's change between two queries) is asked once more: the second
    read answers; one that trips every time is CatalogInconsistent saying how to report it."""
    connection = connections["default"]
    vendor = VENDORS["sqlite"]
    real = vendor.catalog_reader
    calls: list[int] = []

    def once(cursor, schemas, views):
        calls.append(1)
        if len(calls) == 1:
            raise KeyError(42)
        return real(cursor, schemas, views)

    monkeypatch.setattr(vendor, "catalog_reader", staticmethod(once))
    assert isinstance(introspect(connection), Schema) and len(calls) == 2

    def always(cursor, schemas, views):
        calls.append(1)
        raise KeyError(42)

    calls.clear()
    monkeypatch.setattr(vendor, "catalog_reader", staticmethod(always))
    with pytest.raises(exceptions.CatalogInconsistent, match="please report it with the output of --traceback"):
        introspect(connection)
    assert len(calls) == 2


@hypothesis_settings(max_examples=50, deadline=None)
@given(st.randoms(use_true_random=False))
def test_mysql_rows_in_any_order_read_as_the_servers_order_by_would(rnd):
    """The columns and index rows come without ORDER BY (catalogs/mysql._in_catalog_order puts them in order): any
    order the server sends them in reads as the same tables, composite indexes' columns in their order."""
    reader, answers = CATALOGS["mysql"]
    answers = [list(rows) for rows in answers]
    answers[2] += [("db", "t", "t_pair", 1, "a", "A", None, "BTREE", 1),
                   ("db", "t", "t_pair", 1, "u_id", "A", None, "BTREE", 2)]
    expected = reader(RowsCursor(answers), [], False)
    assert [i.columns for t in expected if t.name == "t" for i in t.indexes if i.name == "t_pair"] == [("a", "u_id")]
    shuffled = [list(rows) for rows in answers]
    rnd.shuffle(shuffled[1])
    rnd.shuffle(shuffled[2])
    assert reader(RowsCursor(shuffled), [], False) == expected
