"""SQLite: the foreign key check that ends a run covers what the run changed (fkcheck.py), not the whole database.

Django's SQLite editor checks every foreign key of the database before its COMMIT, so one row pointing nowhere in a
table no model touches (SQLite apps often run with foreign keys off) failed every autoupdate and automigrate. Now a
run checks the tables it changed and those pointing into them, and fails only on rows it left pointing nowhere
that did not before. Judged on a live database with tests/live_schema.py and the rows' values, never with
django_lbsync's own reader."""
from __future__ import annotations

import hashlib

import pytest
from django.db import connections

from django_lbsync import ApplyFailed, automigrate, autoupdate, rebuild
from tests.live_schema import describe, tables
from tests.test_scale_counts import sqlite_db  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True, databases=["default"])

ALIAS = "default"  # SQLite


def execute(sql, params=None):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else None


def orphan_written(*statements: str) -> None:
    """Rows written with foreign keys off, as an app that never turns them on writes them."""
    execute("PRAGMA foreign_keys = OFF")
    for sql in statements:
        execute(sql)
    execute("PRAGMA foreign_keys = ON")


def checksum(table: str) -> tuple[int, str]:
    """(rows, digest of every value with its type): equal only if no row and no stored value changed."""
    rows = execute(f'SELECT * FROM "{table}"')
    text = "\n".join(sorted(repr(row) for row in rows))
    return len(rows), hashlib.md5(text.encode()).hexdigest()


def everything() -> dict:
    """Every table as the independent reader sees it, and its rows."""
    return {name: (describe(ALIAS, name), checksum(name)) for name in sorted(tables(ALIAS))}


def box_and_item(model_dir, item_extra=None):
    item = {"boxId": "number", **(item_extra or {})}
    return model_dir({
        "box.json": {"name": "Box", "properties": {"label": "string"}},
        "item.json": {"name": "Item", "properties": item,
                      "foreignKeys": {"fk_item_box": {"name": "fk_item_box", "entity": "Box", "foreignKey": "boxId"}}},
    })


def test_an_orphan_in_a_table_no_model_touches_blocks_no_run(sqlite_db, use_models, model_dir):
    execute("CREATE TABLE legacy_parent (id integer PRIMARY KEY)")
    execute("CREATE TABLE legacy_child (id integer PRIMARY KEY, parent integer REFERENCES legacy_parent)")
    orphan_written("INSERT INTO legacy_child VALUES (1, 99)")
    legacy = checksum("legacy_child")
    use_models(ALIAS, box_and_item(model_dir))
    automigrate(using=ALIAS)
    assert describe(ALIAS, "Item").foreign_keys["fk_item_box"][:3] == (("boxId",), "Box", ("id",))
    execute('INSERT INTO "Box" (label) VALUES (%s)', ["b1"])
    execute('INSERT INTO "Item" ("boxId") VALUES (1)')
    use_models(ALIAS, box_and_item(model_dir, {"note": "string"}))
    assert autoupdate(using=ALIAS, dry_run=True).sql  # a dry run read no table's rows either way
    result = autoupdate(using=ALIAS)
    assert [c.kind for c in result.applied] == ["add_column"]
    item = describe(ALIAS, "Item")
    assert "note" in item.column_types and "fk_item_box" in item.foreign_keys
    assert execute('SELECT id, "boxId", note FROM "Item"') == [(1, 1, None)]
    automigrate(using=ALIAS)
    assert execute('SELECT COUNT(*) FROM "Item"') == [(0,)] and "note" in describe(ALIAS, "Item").column_types
    assert checksum("legacy_child") == legacy  # the orphan is still there, untouched
    assert execute("PRAGMA foreign_keys") == [(1,)]



def coded(model_dir, code_type: str, extra=None):
    return model_dir({"item.json": {"name": "Item", "properties": {
        "code": {"type": code_type, "index": {"unique": True}}, "label": "string", **(extra or {})}}})


def test_a_row_the_run_leaves_pointing_nowhere_fails_it_and_the_run_is_rolled_back(sqlite_db, use_models, model_dir):
    """A table no model describes points at Item.code by value: '01' matches the number 1 while code is a number
    (SQLite compares by the referenced column's affinity), and no longer once code holds text. Only the run can
    have caused that; the orphan '77' was there before and is counted as such."""
    use_models(ALIAS, coded(model_dir, "number"))
    automigrate(using=ALIAS)
    execute('INSERT INTO "Item" (code, label) VALUES (1, %s)', ["one"])
    execute('CREATE TABLE legacy_ref (id integer PRIMARY KEY, code_ref text REFERENCES "Item" (code))')
    orphan_written("INSERT INTO legacy_ref VALUES (1, '01'), (2, '77')")
    # A run that rebuilds Item and leaves its key as it was: legacy_ref is checked (it points into Item), and
    # its orphan from before is no failure.
    use_models(ALIAS, coded(model_dir, "number", {"note": "string"}))
    autoupdate(using=ALIAS)
    assert "note" in describe(ALIAS, "Item").column_types
    before = everything()
    use_models(ALIAS, coded(model_dir, "string", {"note": "string"}))
    with pytest.raises(ApplyFailed) as caught:
        autoupdate(using=ALIAS, allow_destructive=True)
    failed = caught.value
    assert failed.failed == "COMMIT" and failed.rolled_back, str(failed)
    assert ("table 'legacy_ref', foreign key (code_ref) -> 'Item': 1 more row than before the run points at no "
            "row (2 in all; rowid 1, 2)") in str(failed)
    assert "The run was rolled back; the database is as it was." in str(failed)
    assert everything() == before  # Item's code still a number column holding 1, every row as it was
    assert describe(ALIAS, "Item").column_types["code"] == "integer"
    assert not connections[ALIAS].in_atomic_block and execute("PRAGMA foreign_keys") == [(1,)]


@pytest.mark.parametrize("copy_back", [True, False], ids=["copied back", "renamed"])
def test_an_orphan_already_in_a_rebuilt_table_is_kept_and_fails_nothing(sqlite_db, use_models, model_dir, monkeypatch,
                                                                      copy_back):
    """The rebuild copies the row as it is; it pointed nowhere before the run, so the run is not failed for it
    (failing would leave the table impossible to change until someone repairs its rows)."""
    if not copy_back:  # every table counts as too big to copy: Django's own rename and ALTER TABLE
        monkeypatch.setattr(rebuild, "SMALL_TABLE_ROWS", 0)
        monkeypatch.setattr(rebuild, "ROWS_PER_SCHEMA_OBJECT", 0)
    use_models(ALIAS, box_and_item(model_dir, {"label": {"type": "string", "length": 40}}))
    automigrate(using=ALIAS)
    execute('INSERT INTO "Box" (label) VALUES (%s)', ["b1"])
    orphan_written('INSERT INTO "Item" (id, "boxId", label) VALUES (1, 1, %s), (2, 99, %s)' % ("'kept'", "'lost box'"))
    # Rebuilt whatever the path (a column's type changes); its foreign key stays as it was.
    use_models(ALIAS, box_and_item(model_dir, {"label": {"type": "string", "length": 80}, "note": "string"}))
    result = autoupdate(using=ALIAS)
    assert sorted(c.kind for c in result.applied) == ["add_column", "alter_column"]
    item = describe(ALIAS, "Item")
    assert item.column_types["label"] == "varchar(80)" and "note" in item.column_types
    assert item.foreign_keys["fk_item_box"][:3] == (("boxId",), "Box", ("id",))
    assert execute('SELECT id, "boxId", label, note FROM "Item" ORDER BY id') == [(1, 1, "kept", None),
                                                                                (2, 99, "lost box", None)]
    assert execute("SELECT * FROM pragma_foreign_key_check(%s)", ["Item"]) == [("Item", 2, "Box", 0)]


def test_a_foreign_key_sqlite_cannot_check_from_before_the_run_fails_nothing(sqlite_db, use_models, model_dir):
    """A table pointing into the run's table by a column that is no key of it: SQLite's check itself fails there
    ("foreign key mismatch"), before the run as after; Django's whole-database check failed every run on it."""
    use_models(ALIAS, coded(model_dir, "number"))
    automigrate(using=ALIAS)
    execute('INSERT INTO "Item" (code, label) VALUES (1, %s)', ["one"])
    execute('CREATE TABLE legacy_label (id integer PRIMARY KEY, label text REFERENCES "Item" (label))')
    orphan_written("INSERT INTO legacy_label VALUES (1, 'one')")  # with enforcement on, SQLite refuses the insert
    use_models(ALIAS, coded(model_dir, "number", {"note": "string"}))
    autoupdate(using=ALIAS)
    assert "note" in describe(ALIAS, "Item").column_types
    assert execute('SELECT code, label, note FROM "Item"') == [(1, "one", None)]
    assert checksum("legacy_label") == (1, hashlib.md5(repr((1, "one")).encode()).hexdigest())


def test_a_foreign_key_the_run_leaves_uncheckable_fails_it(sqlite_db, use_models, model_dir):
    """The run drops the unique index a table's foreign key points at: SQLite can no longer check that key
    ("foreign key mismatch"), which it could before the run. The run fails and is rolled back."""
    use_models(ALIAS, coded(model_dir, "number"))
    automigrate(using=ALIAS)
    execute('INSERT INTO "Item" (code, label) VALUES (1, %s)', ["one"])
    execute('CREATE TABLE legacy_ref (id integer PRIMARY KEY, code_ref integer REFERENCES "Item" (code))')
    execute("INSERT INTO legacy_ref VALUES (1, 1)")
    before = everything()
    use_models(ALIAS, model_dir({"item.json": {"name": "Item", "properties": {"code": "number", "label": "string"}}}))
    with pytest.raises(ApplyFailed) as caught:
        autoupdate(using=ALIAS, prune=True, allow_destructive=True)
    failed = caught.value
    assert failed.failed == "COMMIT" and failed.rolled_back, str(failed)
    assert "table 'legacy_ref': foreign key mismatch" in str(failed)
    assert everything() == before and describe(ALIAS, "Item").indexes == {"Item_code_idx": (("code",), True)}
    assert not connections[ALIAS].in_atomic_block and execute("PRAGMA foreign_keys") == [(1,)]
