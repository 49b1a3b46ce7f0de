"""`mysql.schema` / `schemaName` / `database` in a model: LoopBack's MySQL connector ignores all three (the table
goes into the connection's database), and so do we, with a warning (lbsync.W012) that names the file, the
model and the setting (docs/loopback-rules/names.md#schema, docs/input-validation.md).

Live on MariaDB: the tables land in the run's database, not in the other database that exists beside it, and
the warning shows in `manage.py check` and on the command's stderr. Offline: the same models mapped to
another database (Oracle's alias, never connected) give no W012, and one naming the run's own database
(what discovery writes into every model) gives none either."""
from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from django_lbsync.checks import check_definitions
from django_lbsync.definitions import ModelDefinition
from django_lbsync.vendors.mysql import MysqlVendor

from . import live_schema
from .conftest import offline_aliases_configured, require_alias

W012 = "lbsync.W012"


def write_app(folder: Path, own_database: str, other: str) -> Path:
    """A LoopBack app on a `mysql` datasource: one model per way of naming another database, and one naming
    the connection's own database. Returns its model-config.json."""
    models = {
        "in-options": {"name": "InOptions", "options": {"mysql": {"schema": other}}},
        "top-level": {"name": "TopLevel", "mysql": {"schemaName": other, "table": "top_level"}},
        "database": {"name": "Database", "options": {"mysql": {"database": other}}},
        "own": {"name": "Own", "options": {"mysql": {"schema": own_database}}},
    }
    (folder / "models").mkdir(parents=True)
    for stem, data in models.items():
        data["properties"] = {"id": {"type": "number", "id": True}, "title": "string"}
        (folder / "models" / f"{stem}.json").write_text(json.dumps(data))
    (folder / "datasources.json").write_text(json.dumps({"db": {"connector": "mysql", "database": own_database}}))
    config = {"_meta": {"sources": ["./models"]}, **{m["name"]: {"dataSource": "db"} for m in models.values()}}
    (folder / "model-config.json").write_text(json.dumps(config))
    return folder / "model-config.json"


#: (model, setting, file) of every W012 the app gives on MySQL; "Own" names the run's database and gives none.
EXPECTED = [("Database", "mysql.database", "database.json"), ("InOptions", "mysql.schema", "in-options.json"),
            ("TopLevel", "mysql.schemaName", "top-level.json")]


def warned(messages) -> list[tuple[str, str, str]]:
    """(model, setting, file name) of each W012 message, sorted."""
    out = []
    for message in messages:
        found = re.search(r'([\w./-]+\.json): model (\w+): "(mysql\.\w+)" is ', message)
        assert found, message
        out.append((found[2], found[3], Path(found[1]).name))
    return sorted(out)


@pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)
def test_mysql_schema_is_ignored_with_a_warning_live(tmp_path):
    require_alias("mysql")
    connection = connections["mysql"]
    own = connection.settings_dict["NAME"]
    other = f"lbsync_other_{settings.RUN_ID}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{other}`")  # it exists: a table could have gone there
    try:
        settings.LBSYNC = {"MODELS": [str(write_app(tmp_path, own, other))], "DATASOURCES": {"db": "mysql"}}
        # manage.py check: each W012 once, naming file, model and setting; nothing else warned.
        out, err = StringIO(), StringIO()
        call_command("check", stdout=out, stderr=err)
        checked = [m for m in check_definitions() if m.id == W012]
        assert warned(m.msg for m in checked) == EXPECTED
        assert {m.obj for m in checked} == {"Database", "InOptions", "TopLevel"}
        shown = out.getvalue() + err.getvalue()
        assert shown.count(f"({W012})") == 3, shown
        assert f'"{other}", which this database ignores' in shown
        # The command prints each once on stderr, and makes every table in the run's own database.
        out, err = StringIO(), StringIO()
        call_command("automigrate", database="mysql", stdout=out, stderr=err)
        printed = [line for line in err.getvalue().splitlines() if line.endswith(f"({W012})")]
        assert warned(printed) == EXPECTED, err.getvalue()
        assert live_schema.tables("mysql") == {"InOptions", "top_level", "Database", "Own"}
        assert live_schema.describe("mysql", "InOptions").primary_key == ("id",)
        with connection.cursor() as cursor:
            cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [other])
            assert cursor.fetchall() == ()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{other}`")
            for table in ("InOptions", "top_level", "Database", "Own"):
                cursor.execute(f"DROP TABLE IF EXISTS `{table}`")


@offline_aliases_configured("oracle")
def test_no_w012_where_the_datasource_is_not_mysql(tmp_path, settings):
    """The same app mapped to an Oracle database: the `mysql` blocks are not read there, so nothing to warn."""
    settings.LBSYNC = {"MODELS": [str(write_app(tmp_path, "app", "other"))], "DATASOURCES": {"db": "oracle"}}
    assert [m.id for m in check_definitions() if m.id == W012] == []


def test_ignored_placement_rule():
    def model(block) -> ModelDefinition:
        return ModelDefinition("M", (), {"mysql": block}, "m.json", "db")

    vendor = MysqlVendor()
    assert vendor.ignored_placement(model({"schema": "x", "database": "y", "table": "t"}), "app") == [
        ("schema", "x"), ("database", "y")]
    assert vendor.ignored_placement(model({"schemaName": "app"}), "app") == []  # the connection's own
    assert vendor.ignored_placement(model({"schema": "", "database": None}), "app") == []
    assert vendor.ignored_placement(model({"schema": "app"}), None) == [("schema", "app")]  # own unknown
