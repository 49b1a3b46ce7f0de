"""SQLite table rebuilds at scale (rebuild.py): a small table is copied back under its name instead of renamed,
and a column add or drop goes through that rebuild, because RENAME, ADD COLUMN and DROP COLUMN make SQLite
re-read its whole schema. Either way (copy back, or rename for a table too big to copy) the table comes out
the same: judged with tests/live_schema.py and the rows themselves, not our own reader."""
from __future__ import annotations

import re

import pytest
from django.db import connections

from django_lbsync import automigrate, autoupdate, is_actual, rebuild
from tests import live_schema

pytestmark = pytest.mark.django_db(transaction=True, databases=["default"])

ALIAS = "default"  # SQLite
V1 = {"label": {"type": "string", "length": 40, "index": True}, "size": "number", "kept": "string"}
# The label widened, `size` dropped, `note` added: three rebuilds of one table.
V2 = {"label": {"type": "string", "length": 80, "index": True}, "kept": "string", "note": "string"}


def execute(sql, params=None):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else None


def models(model_dir, properties):
    return model_dir({"thing.json": {"name": "Thing", "properties": properties}})


@pytest.fixture
def sqlite_db():
    from tests.conftest import drop_all_tables, require_alias

    require_alias(ALIAS)
    drop_all_tables(ALIAS)
    yield ALIAS
    execute("DROP TABLE IF EXISTS audit")
    drop_all_tables(ALIAS)


@pytest.mark.parametrize("copy_back", [True, False], ids=["copied back", "renamed"])
def test_rebuild_keeps_rows_indexes_and_triggers_either_way(sqlite_db, use_models, model_dir, monkeypatch, copy_back):
    if not copy_back:  # every table counts as too big to copy: Django's own rename and ALTER TABLE
        monkeypatch.setattr(rebuild, "SMALL_TABLE_ROWS", 0)
        monkeypatch.setattr(rebuild, "ROWS_PER_SCHEMA_OBJECT", 0)
    use_models(ALIAS, models(model_dir, V1))
    automigrate(using=ALIAS)
    execute('INSERT INTO "Thing" (label, size, kept) VALUES (%s, %s, %s), (%s, %s, %s)',
            ["a", 1, "x", "b", 2, "y"])
    execute("CREATE TABLE audit (label TEXT)")
    execute('CREATE TRIGGER thing_audit AFTER INSERT ON "Thing" BEGIN INSERT INTO audit VALUES (NEW.label); END')
    use_models(ALIAS, models(model_dir, V2))
    sent = []

    def record(execute_, sql, params, many, context):
        sent.append(sql)
        return execute_(sql, params, many, context)

    with connections[ALIAS].execute_wrapper(record):
        autoupdate(using=ALIAS, allow_destructive=True)
    schema_rewrites = [s for s in sent if re.search(r"(?i)\bRENAME TO\b|\bADD COLUMN\b|\bDROP COLUMN\b", s)]
    if copy_back:
        assert schema_rewrites == []
        # The rows wait in a TEMP table: the main schema never holds the holding table.
        holding = [s for s in sent if re.search(r'(?i)^CREATE\b.*\bTABLE "new__Thing"', s)]
        assert holding and all(s.upper().startswith("CREATE TEMP TABLE") for s in holding), holding
        # Three rebuilds of one table: the schema's size and the table's rows are counted once for the run.
        assert sum("count(*) FROM sqlite_master" in s for s in sent) == 1
        assert sum('count(*) FROM (SELECT 1 FROM "Thing"' in s for s in sent) == 1  # with its generated columns
    else:
        assert schema_rewrites  # the path taken for big tables is still Django's own
    assert is_actual(using=ALIAS)
    table = live_schema.describe(ALIAS, "Thing")
    assert sorted(name for name, _, _ in table.columns) == ["id", "kept", "label", "note"]
    assert table.column_types["label"].lower() == "varchar(80)"
    assert table.primary_key == ("id",) and "id" in table.auto
    assert any(cols == ("label",) for cols, _ in table.indexes.values())
    assert execute('SELECT id, label, kept, note FROM "Thing" ORDER BY id') == [(1, "a", "x", None), (2, "b", "y", None)]
    execute('INSERT INTO "Thing" (label, kept) VALUES (%s, %s)', ["c", "z"])  # the trigger is still there
    assert execute("SELECT label FROM audit") == [("c",)]
    assert execute('SELECT max(id) FROM "Thing"') == [(3,)]  # ids go on after the copied rows


def test_a_foreign_key_survives_a_rebuild_through_the_temp_table(sqlite_db, use_models, model_dir):
    """The holding table's REFERENCES clause points at a main-schema table: the rows copied through it keep
    their foreign key, and SQLite's own foreign_key_check finds nothing wrong."""
    parent = {"name": "Parent", "properties": {"title": "string"}}
    child = {"name": "Child", "properties": {"parentId": "number", "note": "string"},
             "relations": {"parent": {"type": "belongsTo", "model": "Parent", "foreignKey": "parentId"}},
             "foreignKeys": {"fk_child_parent": {"name": "fk_child_parent", "entity": "Parent",
                                                 "entityKey": "id", "foreignKey": "parentId"}}}
    use_models(ALIAS, model_dir({"parent.json": parent, "child.json": child}))
    automigrate(using=ALIAS)
    execute('INSERT INTO "Parent" (title) VALUES (%s)', ["p"])
    execute('INSERT INTO "Child" ("parentId", note) VALUES (1, %s)', ["c"])
    child["properties"]["note"] = {"type": "string", "length": 90}
    use_models(ALIAS, model_dir({"parent.json": parent, "child.json": child}))
    autoupdate(using=ALIAS)
    assert is_actual(using=ALIAS)
    assert execute('SELECT "parentId", note FROM "Child"') == [(1, "c")]
    assert execute("PRAGMA foreign_key_check") == []
    assert execute("SELECT name FROM sqlite_temp_master WHERE substr(name, 1, 5) = 'new__'") == []  # gone
    fks = live_schema.describe(ALIAS, "Child").foreign_keys
    assert [(fk[0], fk[1]) for fk in fks.values()] == [(("parentId",), "Parent")], fks
