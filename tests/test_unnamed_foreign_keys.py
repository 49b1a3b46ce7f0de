"""SQLite keeps no name for a foreign key written without `CONSTRAINT <name>` (Django writes them so, and
so do hand-written schemas). Such a key is the model's key of the same shape: no drift, no refusal under
the identifier rule (an empty name is never rendered), and it survives a table rebuild unnamed."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections

pytestmark = pytest.mark.django_db(transaction=True, databases=["default"])

PARENT = {"name": "Parent", "options": {"idInjection": False, "sqlite3": {"table": "parent"}},
          "properties": {"id": {"type": "number", "id": True, "generated": False}}}


def child(extra: dict | None = None) -> dict:
    properties = {
        "id": {"type": "number", "id": True, "generated": False},
        "parentId": {"type": "number", "sqlite3": {"columnName": "parent_id"}},
        "note": {"type": "string"},
        **(extra or {}),
    }
    return {"name": "Child", "options": {"idInjection": False, "sqlite3": {"table": "child"}},
            "properties": properties,
            "foreignKeys": {"childParent": {"name": "fk_child_parent", "entity": "Parent", "entityKey": "id",
                                            "foreignKey": "parentId"}}}


def raw(sql: str, params=()):
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture
def unnamed_fk_tables():
    raw("CREATE TABLE parent (id integer PRIMARY KEY)")
    raw("CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id), note text)")
    raw("INSERT INTO parent (id) VALUES (1), (2)")
    raw("INSERT INTO child (id, parent_id, note) VALUES (10, 1, 'a'), (11, 2, 'b'), (12, NULL, 'c')")
    yield
    raw("DROP TABLE IF EXISTS child")
    raw("DROP TABLE IF EXISTS parent")


def run(command: str, *args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command(command, *args, "--database", "default", stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_an_unnamed_live_key_of_the_declared_shape_is_in_sync(unnamed_fk_tables, settings, model_dir):
    folder = model_dir({"parent.json": PARENT, "child.json": child()})
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": "default"}}
    code, output = run("isactual")
    assert code == 0, output


def test_a_rebuild_keeps_the_unnamed_key_and_every_row(unnamed_fk_tables, settings, model_dir):
    folder = model_dir({"parent.json": PARENT, "child.json": child({"rank": {"type": "number"}})})
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": "default"}}
    # A NOT NULL change makes SQLite rebuild the table, rendering the live key again.
    folder_v2 = model_dir({"parent.json": PARENT,
                           "child.json": child({"rank": {"type": "number"}, "note": {"type": "string",
                                                                                     "required": True}})})
    call_command("autoupdate", "--noinput", "--database", "default", stdout=StringIO())
    settings.LBSYNC = {"MODELS": [str(folder_v2)], "DATASOURCES": {"db": "default"}}
    call_command("autoupdate", "--noinput", "--database", "default", stdout=StringIO())

    assert raw("SELECT id, parent_id, note FROM child ORDER BY id") == [(10, 1, "a"), (11, 2, "b"), (12, None, "c")]
    keys = raw("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('child')")
    assert keys == [("parent", "parent_id", "id")]
    (create_sql,) = raw("SELECT sql FROM sqlite_master WHERE name = 'child'")[0]
    assert "CONSTRAINT" not in create_sql.upper(), create_sql  # still unnamed: nothing invented, nothing empty
    assert "NOT NULL" in create_sql.upper()
    raw("PRAGMA foreign_keys = ON")
    with pytest.raises(Exception, match="FOREIGN KEY"):
        raw("INSERT INTO child (id, parent_id, note, rank) VALUES (13, 99, 'x', 1)")
    code, output = run("isactual")
    assert code == 0, output
