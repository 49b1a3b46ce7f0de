"""A table whose catalog rows did not fit together (read while another session changed it) is marked unsound by
the builder (catalogs/builder.sound_table): isactual says out of sync, autoupdate and automigrate refuse to plan
from it (a rebuild or a drop from a table with pieces missing would lose them), and a split autoupdate that
meets one before a later transaction names what the earlier ones committed. Real but unusual catalogs are read
as they are: a SQLite column named "" is refused by the live-name rule (it used to vanish and a rebuild lost
its data), and a PostgreSQL index with INCLUDE columns never passes for the model's index. Judged live."""
from __future__ import annotations

from dataclasses import replace
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections

from django_lbsync import api
from django_lbsync.catalogs import builder
from django_lbsync.exceptions import CatalogInconsistent, StepFailed, UnsafeLiveName
from django_lbsync.vendors import vendor_for

from .live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def _plain(model_dir, a_type: str = "string", count: int = 1, extra: bool = False):
    files = {}
    for i in range(count):
        props = {"a": {"type": a_type, "index": True}}
        if extra:
            props["c"] = {"type": "string"}
        files[f"p{i}.json"] = {"name": f"Unsound{i}", "properties": props}
    return model_dir(files)


def _reading_unsound(monkeypatch, connection, which: str | None, *, from_call: int = 1) -> list[int]:
    """The vendor's fast reader, with table `which` (None: every table) read as another session's change leaves
    it (its primary key naming a column no row explained), from the `from_call`-th read on."""
    vendor = type(vendor_for(connection))
    real = vendor.catalog_reader
    calls: list[int] = []

    def reader(cursor, schemas, views):
        calls.append(1)
        read = real(cursor, schemas, views)
        if len(calls) < from_call:
            return read
        return [builder.sound_table(replace(t, primary_key=(None,))) if which in (None, t.name.lower()) else t
                for t in read]

    monkeypatch.setattr(vendor, "catalog_reader", staticmethod(reader))
    return calls


def test_an_unsound_table_is_out_of_sync_and_never_planned_from(live, use_models, model_dir, monkeypatch):
    use_models(live, _plain(model_dir))
    api.automigrate(using=live)
    assert api.is_actual(using=live)
    (name,) = tables(live)
    before = describe(live, name)
    _reading_unsound(monkeypatch, connections[live], "unsound0")
    plan = api.get_plan(using=live)
    assert not plan.in_sync and any("did not fit together" in n.message and n.blocks_sync for n in plan.notes)
    use_models(live, _plain(model_dir, extra=True))  # a change autoupdate would make
    with pytest.raises(CatalogInconsistent, match="did not read as a whole for table"):
        api.autoupdate(using=live, allow_destructive=True)
    with pytest.raises(CatalogInconsistent):
        api.automigrate(using=live)  # its drop reads the table too
    assert describe(live, name) == before  # nothing was changed
    with pytest.raises(CommandError) as caught:
        call_command("autoupdate", "--noinput", database=live, stdout=StringIO(), stderr=StringIO())
    assert caught.value.returncode == 1


def test_a_split_autoupdate_meeting_an_unsound_table_names_the_committed_part(live, use_models, model_dir,
                                                                             monkeypatch):
    if connections[live].vendor != "postgresql":
        pytest.skip("runs are split where the lock table is bounded (PostgreSQL)")
    use_models(live, _plain(model_dir, count=8))
    api.automigrate(using=live)
    monkeypatch.setattr(api, "lock_budget", lambda connection: 6)
    use_models(live, _plain(model_dir, count=8, extra=True))
    _reading_unsound(monkeypatch, connections[live], None, from_call=2)  # the re-read before part 2
    with pytest.raises(StepFailed) as caught:
        api.autoupdate(using=live)
    failed = caught.value
    assert failed.split and failed.split[0] == 2 and not failed.rolled_back, str(failed)
    assert failed.failed == "Reading the schema for transaction 2"
    assert isinstance(failed.error, CatalogInconsistent)
    with_c = {n for n in tables(live) if "c" in describe(live, n).column_types}
    assert with_c and with_c == {d.split()[2].split(".")[0] for d in failed.done if d.startswith("Add column")}


def test_a_sqlite_column_named_empty_is_refused_not_lost(live, use_models, model_dir):
    """SQLite takes `""` as a column name. Read as a column, the live-name rule refuses the run before any SQL;
    left out, a table rebuild copied the other columns only and the data was gone."""
    connection = connections[live]
    if connection.vendor != "sqlite":
        pytest.skip('only SQLite takes "" as a column name')
    use_models(live, _plain(model_dir))
    api.automigrate(using=live)
    with connection.cursor() as cursor:
        cursor.execute('ALTER TABLE "Unsound0" ADD COLUMN "" text')
        cursor.execute('INSERT INTO "Unsound0" ("a", "") VALUES (%s, %s)', ["1", "precious"])
    use_models(live, _plain(model_dir, a_type="number"))  # a type change: a table rebuild on SQLite
    with pytest.raises(UnsafeLiveName):
        api.autoupdate(using=live, allow_destructive=True)
    assert not api.is_actual(using=live)
    with connection.cursor() as cursor:
        cursor.execute('SELECT "a", "" FROM "Unsound0"')
        assert cursor.fetchall() == [("1", "precious")]


def test_a_postgresql_index_with_include_columns_is_not_the_models_index(live, use_models, model_dir):
    connection = connections[live]
    if connection.vendor != "postgresql":
        pytest.skip("INCLUDE columns are PostgreSQL's")
    use_models(live, model_dir({"i.json": {"name": "Inc", "properties": {"a": {"type": "string"},
                                                                        "b": {"type": "string"}},
                                           "indexes": {"inc_ab": {"keys": {"a": 1, "b": 1}}}}}))
    api.automigrate(using=live)
    assert api.is_actual(using=live)
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "inc_ab"')
        cursor.execute('CREATE INDEX "inc_ab" ON "inc" ("a") INCLUDE ("b")')
    plan = api.get_plan(using=live)
    assert not plan.in_sync, plan.describe()
    api.autoupdate(using=live, allow_destructive=True)
    assert api.is_actual(using=live)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indnkeyatts, indnatts FROM pg_index WHERE indexrelid = 'inc_ab'::regclass")
        assert cursor.fetchone() == (2, 2)  # the model's index again: both columns are keys


def test_discovery_writes_no_model_from_an_unsound_table(live, use_models, model_dir, monkeypatch):
    from django_lbsync import discovery

    use_models(live, _plain(model_dir))
    api.automigrate(using=live)
    assert "Unsound0".lower() in {k.split(".")[-1].lower() for k in discovery.discover_schemas(using=live)}
    _reading_unsound(monkeypatch, connections[live], "unsound0")
    with pytest.raises(CatalogInconsistent, match="No model was written"):
        discovery.discover_schemas(using=live)


def test_a_table_no_model_touches_never_blocks_the_models(live, use_models, model_dir, monkeypatch):
    """An odd table elsewhere in the database (read unsound here) neither makes isactual false nor stops
    autoupdate of the models' own tables."""
    connection = connections[live]
    use_models(live, _plain(model_dir))
    api.automigrate(using=live)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {q('elsewhere')} ({q('id')} INT PRIMARY KEY)")
    _reading_unsound(monkeypatch, connection, "elsewhere")
    assert api.is_actual(using=live)
    use_models(live, _plain(model_dir, extra=True))
    api.autoupdate(using=live, allow_destructive=True)
    (name,) = [t for t in tables(live) if t.lower() == "unsound0"]
    assert "c" in describe(live, name).column_types


def test_a_sqlite_reference_without_columns_reads_as_the_parents_key(live):
    """`REFERENCES parent` names no column: SQLite means the parent's primary key and reports NULL. Read as that
    key (composite too), the table is a stable one, not one caught mid-change."""
    from django_lbsync.introspect import introspect

    connection = connections[live]
    if connection.vendor != "sqlite":
        pytest.skip("a reference without columns is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "legacy_parent" ("id" integer PRIMARY KEY)')
        cursor.execute('CREATE TABLE "legacy_pair" ("a" integer, "b" integer, PRIMARY KEY ("a", "b"))')
        cursor.execute('CREATE TABLE "legacy_child" ("pid" integer REFERENCES "legacy_parent", "x" integer, '
                       '"y" integer, FOREIGN KEY ("x", "y") REFERENCES "legacy_pair")')
        cursor.execute('CREATE TABLE "legacy_dangling" ("z" integer REFERENCES "no_such_table")')
    try:
        for reader in ("fast", "generic"):
            live_schema = introspect(connection, reader=reader)
            child = live_schema.tables["legacy_child"]
            assert not child.unsound, reader
            assert sorted(fk.ref_columns for fk in child.foreign_keys) == [("a", "b"), ("id",)], reader
            dangling = live_schema.tables["legacy_dangling"]
            assert not dangling.unsound and dangling.foreign_keys[0].ref_columns == ("",), reader
    finally:
        with connection.cursor() as cursor:
            for table in ("legacy_child", "legacy_dangling", "legacy_pair", "legacy_parent"):
                cursor.execute(f'DROP TABLE "{table}"')


def test_a_postgresql_index_of_another_method_is_not_the_models_index(live, use_models, model_dir):
    """The models' indexes are btree: a hash index of the same name and column never passes for one."""
    connection = connections[live]
    if connection.vendor != "postgresql":
        pytest.skip("index methods are PostgreSQL's")
    use_models(live, model_dir({"h.json": {"name": "Meth", "properties": {"a": {"type": "string"}},
                                           "indexes": {"meth_a": {"keys": {"a": 1}}}}}))
    api.automigrate(using=live)
    assert api.is_actual(using=live)
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "meth_a"')
        cursor.execute('CREATE INDEX "meth_a" ON "meth" USING hash ("a")')
    assert not api.get_plan(using=live).in_sync
    api.autoupdate(using=live, allow_destructive=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT am.amname FROM pg_class i JOIN pg_am am ON am.oid = i.relam WHERE i.relname = 'meth_a'")
        assert cursor.fetchone() == ("btree",)
    assert api.is_actual(using=live)
