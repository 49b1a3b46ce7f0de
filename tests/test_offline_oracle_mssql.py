"""Oracle and SQL Server findings of issue 11 (item 5), verified offline: no server exists here.

- Name limits: Oracle names of 31-128 bytes are accepted and reach the DDL whole (Django's Oracle
  backend would hash-shorten an unquoted name over 30 characters).
- Lengths follow loopback-connector-oracle / -mssql lib/migration.js `columnDataType` / `datatype`.
- Sizes over the server's limit (VARCHAR2 4000, nvarchar 4000) are a definition error naming the property.
- Oracle automigrate finds existing tables by their real spelling (Django's table_names() lower-cases).
- Discovery asks Oracle / SQL Server for the current schema and the user schemas with their own SQL.
- testproject accepts mssql:// and oracle:// DATABASE_URLs.

DDL is rendered with `automigrate --sql --assume-empty` (schema editor with collect_sql=True on the
never-connected aliases) and compared with reviewed files in tests/expected/ whose leading `--` lines say
what was checked. Regenerate with LBSYNC_REGEN=1 (the header is kept), then review the diff.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from django_lbsync.api import desired_schema
from django_lbsync.discovery import _all_schemas, _default_owner
from django_lbsync.exceptions import DefinitionError
from django_lbsync.introspect import existing_tables
from django_lbsync.schema import Table

from .conftest import regenerate, require_alias

EXPECTED = Path(__file__).with_name("expected")
ROOT = Path(__file__).resolve().parent.parent


def write_models(folder: Path, models: list[dict]) -> Path:
    for model in models:
        (folder / f"{model['name']}.json").write_text(json.dumps(model))
    return folder


def use_models(settings, folder: Path, alias: str, **extra) -> None:
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": alias}, **extra}


def automigrate_sql(alias: str) -> str:
    out = StringIO()
    call_command("automigrate", "--sql", "--assume-empty", database=alias, stdout=out)
    sql = out.getvalue()
    return sql


def check_against_file(sql: str, name: str) -> None:
    """`sql` equals the reviewed file, without its leading `--` review comment."""
    path = EXPECTED / name
    lines = path.read_text().splitlines(keepends=True)
    header = []
    while lines and lines[0].startswith("--"):
        header.append(lines.pop(0))
    regenerate(path, "".join(header) + sql)
    assert sql == "".join(lines)


# -- 1. name limits --------------------------------------------------------------------------------

EVENT = "ShipmentTrackingEventRecordedAtTheWarehouseDock"  # 47 characters; its sequence name 59
COLUMN_128 = "WAREHOUSE_DOCK_" + "X" * (128 - len("WAREHOUSE_DOCK_"))
LONG_NAMES = [
    {"name": EVENT, "properties": {
        "carrierReferenceNumberAssignedByTheForwarder": {"type": "string", "length": 40, "index": True},
        "recordedAt": {"type": "date", "oracle": {"columnName": COLUMN_128}}},
     "indexes": {"SHIPMENT_EVENTS_BY_CARRIER_AND_RECORDING_TIME": {"columns": "carrierReferenceNumberAssignedByTheForwarder,recordedAt"}}},
    {"name": "DockAssignment", "properties": {"eventId": {"type": "number"}},
     "foreignKeys": {"FK_DOCK_ASSIGNMENT_TO_SHIPMENT_TRACKING_EVENT": {
         "entity": EVENT, "foreignKey": "eventId", "entityKey": "id"}}},
]


def test_oracle_names_up_to_128_bytes_reach_the_ddl_whole(settings, tmp_path):
    require_alias("oracle")
    use_models(settings, write_models(tmp_path, LONG_NAMES), "oracle")
    sql = automigrate_sql("oracle")
    check_against_file(sql, "long_names.oracle.sql")
    names = [EVENT.upper(), f"{EVENT}_ID_SEQUENCE", f"{EVENT}_ID_TRIGGER", COLUMN_128,
             f"{EVENT.upper()}_CARRIERREFERENCENUMBERASSIGNEDBYTHEFORWARDER_IDX",
             "SHIPMENT_EVENTS_BY_CARRIER_AND_RECORDING_TIME", "FK_DOCK_ASSIGNMENT_TO_SHIPMENT_TRACKING_EVENT"]
    for name in names:
        assert 30 < len(name.encode()) <= 128
        assert f'"{name}"' in sql, name


def test_oracle_refuses_129_bytes_naming_the_property(settings, tmp_path):
    require_alias("oracle")
    model = {"name": "M", "properties": {"p": {"type": "string", "oracle": {"columnName": "C" * 129}}}}
    use_models(settings, write_models(tmp_path, [model]), "oracle")
    with pytest.raises(DefinitionError) as raised:
        desired_schema(using="oracle")
    (problem,) = raised.value.problems
    assert (problem.model, problem.prop) == ("M", "p") and str(problem.path).endswith("M.json")
    assert "is 129 bytes" in problem.message and "allows 128 bytes" in problem.message


def test_sql_server_names_up_to_128_characters(settings, tmp_path):
    require_alias("mssql")
    fits, too_long = "é" * 128, "é" * 129
    for name, ok in ((fits, True), (too_long, False)):
        model = {"name": "M", "properties": {"p": {"type": "string", "mssql": {"columnName": name}}}}
        use_models(settings, write_models(tmp_path, [model]), "mssql")
        if ok:
            table = next(iter(desired_schema(using="mssql").tables.values()))
            assert name in [c.name for c in table.columns]
        else:
            with pytest.raises(DefinitionError, match="is 129 characters"):
                desired_schema(using="mssql")


# -- 2. lengths follow the connectors -------------------------------------------------------------

LENGTHS = [{"name": "Sized", "properties": {
    "id": {"type": "number", "id": True, "generated": False},
    "doc": {"type": "object", "length": 4000},
    "anything": {"type": "any", "length": 300},
    "body": {"type": "text", "length": 2000},
    "code": {"type": "string", "oracle": {"dataLength": 64}, "mssql": {"dataLength": 64}},
    "tags": {"type": ["string"], "limit": 500},
    "blob": {"type": "buffer", "length": 700},
    "spot": {"type": "geopoint", "limit": 80},
    "count": {"type": "number", "length": 9},
    "plain": {"type": "object"},
}}]


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_lengths_follow_the_connector(alias, settings, tmp_path):
    require_alias(alias)
    use_models(settings, write_models(tmp_path, LENGTHS), alias)
    sql = automigrate_sql(alias)
    check_against_file(sql, f"lengths.{alias}.sql")
    columns = {c.name: c.type for c in next(iter(desired_schema(using=alias).tables.values())).columns}
    if alias == "oracle":  # Oracle: dataLength || length on every VARCHAR2 type; limit is not read
        assert columns == {"ID": "NUMBER", "DOC": "VARCHAR2(4000)", "ANYTHING": "VARCHAR2(300)", "BODY": "VARCHAR2(2000)",
                           "CODE": "VARCHAR2(64)", "TAGS": "VARCHAR2(1024)", "BLOB": "VARCHAR2(700)",
                           "SPOT": "VARCHAR2(1024)", "COUNT": "NUMBER", "PLAIN": "VARCHAR2(1024)"}
    else:  # SQL Server: length || limit || 255 on nvarchar; dataLength only with a dataType
        assert columns == {"id": "int", "doc": "nvarchar(4000)", "anything": "nvarchar(300)", "body": "text",
                           "code": "nvarchar(255)", "tags": "nvarchar(500)", "blob": "nvarchar(700)",
                           "spot": "nvarchar(80)", "count": "int", "plain": "nvarchar(255)"}


# -- 3. sizes over the server's limit -------------------------------------------------------------

def oversize_problem(settings, tmp_path, alias, prop, **extra):
    model = {"name": "Doc", "properties": {"id": {"type": "number", "id": True}, "p": prop}}
    use_models(settings, write_models(tmp_path, [model]), alias, **extra)
    with pytest.raises(DefinitionError) as raised:
        desired_schema(using=alias)
    (problem,) = raised.value.problems
    assert (problem.model, problem.prop) == ("Doc", "p") and str(problem.path).endswith("Doc.json")
    return problem.message


@pytest.mark.parametrize("prop, type_text", [
    ({"type": "string", "length": 4001}, "VARCHAR2(4001)"),
    ({"type": "object", "oracle": {"dataLength": 5000}}, "VARCHAR2(5000)"),
    ({"type": "string", "oracle": {"dataType": "varchar", "dataLength": 4001}}, "VARCHAR(4001)"),
    ({"type": "string", "oracle": {"dataType": "NVARCHAR2", "dataLength": 2001}}, "NVARCHAR2(2001)"),
])
def test_oracle_refuses_sizes_over_the_standard_limit(prop, type_text, settings, tmp_path):
    require_alias("oracle")
    message = oversize_problem(settings, tmp_path, "oracle", prop)
    assert f'column "P" would be {type_text}' in message and "CLOB" in message


def test_oracle_extended_string_size_is_a_setting(settings, tmp_path):
    require_alias("oracle")
    extended = {"ORACLE_MAX_STRING_SIZE": "EXTENDED"}
    model = {"name": "Doc", "properties": {"id": {"type": "number", "id": True},
                                           "p": {"type": "string", "length": 32767},
                                           "c": {"type": "string", "oracle": {"dataType": "CLOB", "dataLength": 99999}}}}
    use_models(settings, write_models(tmp_path, [model]), "oracle", **extended)
    table = next(iter(desired_schema(using="oracle").tables.values()))
    assert [c.type for c in table.columns if c.name in ("P", "C")] == ["VARCHAR2(32767)", "CLOB"]
    message = oversize_problem(settings, tmp_path, "oracle", {"type": "string", "length": 32768}, **extended)
    assert "VARCHAR2 holds at most 32767" in message


@pytest.mark.parametrize("prop, type_text", [
    ({"type": "string", "length": 4001}, "nvarchar(4001)"),
    ({"type": "object", "limit": 5000}, "nvarchar(5000)"),
    ({"type": "string", "mssql": {"dataType": "varchar", "dataLength": 8001}}, "VARCHAR(8001)"),
])
def test_sql_server_refuses_sizes_over_its_limit(prop, type_text, settings, tmp_path):
    require_alias("mssql")
    message = oversize_problem(settings, tmp_path, "mssql", prop)
    assert f'column "p" would be {type_text}' in message and '"dataLength": "max"' in message


def test_sql_server_max_is_no_size(settings, tmp_path):
    require_alias("mssql")
    model = {"name": "Doc", "properties": {"id": {"type": "number", "id": True}, "p": {
        "type": "string", "mssql": {"dataType": "nvarchar", "dataLength": "max"}}, "q": {"type": "string", "length": 4000}}}
    use_models(settings, write_models(tmp_path, [model]), "mssql")
    table = next(iter(desired_schema(using="mssql").tables.values()))
    assert [c.type for c in table.columns if c.name in ("p", "q")] == ["NVARCHAR(max)", "nvarchar(4000)"]


# -- 4 and 5. catalog SQL, answered by a fake cursor ------------------------------------------------

class OnlyThisSQL:
    """Answers one statement (compared without case and spacing), with bound values only; any other
    SQL, Django's own table_names() query included, fails the test."""

    def __init__(self, answers: dict[str, callable]):
        self.answers = {_flat(sql): answer for sql, answer in answers.items()}
        self.asked: list[tuple[str, list]] = []
        self._rows: list[tuple] = []

    def execute(self, sql, params=None):
        key = next((k for k in self.answers if _flat(sql).startswith(k)), None)
        assert key is not None, f"unexpected SQL: {sql}"
        self.asked.append((sql, list(params or [])))
        self._rows = list(self.answers[key](list(params or [])))

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None


def _flat(sql: str) -> str:
    return " ".join(sql.lower().split())


@contextmanager
def fake_cursor(alias, monkeypatch, answers):
    cursor = OnlyThisSQL(answers)

    @contextmanager
    def cursor_of(*args, **kwargs):
        yield cursor

    connection = connections[alias]
    monkeypatch.setattr(connection, "cursor", cursor_of)
    monkeypatch.setattr(connection.introspection, "table_names",
                        lambda *a, **k: pytest.fail("Django's table_names() lower-cases Oracle names"))
    yield cursor


def test_oracle_automigrate_sees_existing_tables_as_spelled(monkeypatch):
    """user_tables keeps "USER" and "CustomerTest"; the names are bound, never in the SQL text."""
    require_alias("oracle")
    catalog = {"USER", "CustomerTest", "ACL"}

    def user_tables(names):
        return [(name,) for name in names if name in catalog]

    asked = [Table(name, None, (), ()) for name in ("CustomerTest", "USER", "customertest", "ROLE", "ACL")]
    asked.append(Table("ACL", "OTHER_OWNER", (), ()))
    answers = {"SELECT table_name FROM user_tables WHERE table_name IN (": user_tables,
               "SELECT owner, table_name FROM all_tables WHERE owner IN (": lambda owners: []}
    with fake_cursor("oracle", monkeypatch, answers) as cursor:
        found = existing_tables(connections["oracle"], asked)
    assert [(t.schema, t.name) for t in found] == [(None, "CustomerTest"), (None, "USER"), (None, "ACL")]
    (sql, params), (_, owners) = cursor.asked
    assert sorted(params) == sorted({"CustomerTest", "USER", "customertest", "ROLE", "ACL"})
    assert sql.count("%s") == len(params) and "USER'" not in sql and owners == ["OTHER_OWNER"]


def test_oracle_existing_tables_asks_in_chunks_under_oracles_1000_values(monkeypatch):
    require_alias("oracle")
    asked = [Table(f"T{n}", None, (), ()) for n in range(1203)]
    answers = {"SELECT table_name FROM user_tables WHERE table_name IN (": lambda names: [(n,) for n in names]}
    with fake_cursor("oracle", monkeypatch, answers) as cursor:
        found = existing_tables(connections["oracle"], asked)
    assert len(found) == 1203 and all(len(params) <= 1000 for _, params in cursor.asked)


@pytest.mark.parametrize("alias, current_sql, owner, schemas_sql, schemas", [
    ("oracle", "SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL", "LOOPBACK",
     "SELECT username FROM all_users WHERE oracle_maintained = 'N'", ["APP", "LOOPBACK"]),
    ("mssql", "SELECT SCHEMA_NAME()", "dbo",
     "SELECT name FROM sys.schemas WHERE schema_id < 16384 AND name NOT IN ('guest', 'INFORMATION_SCHEMA', 'sys')",
     ["dbo", "sales"]),
])
def test_discovery_reads_the_vendors_catalog(alias, current_sql, owner, schemas_sql, schemas, monkeypatch):
    require_alias(alias)
    answers = {current_sql: lambda params: [(owner,)], schemas_sql: lambda params: [(s,) for s in schemas]}
    with fake_cursor(alias, monkeypatch, answers) as cursor:
        assert _default_owner(connections[alias]) == owner
        assert _all_schemas(connections[alias]) == schemas
    assert [params for _, params in cursor.asked] == [[], []]


# -- 6. testproject DATABASE_URL forms ------------------------------------------------------------

def databases_for(url: str) -> dict:
    code = ("import json, testproject.settings as s; "
            "print(json.dumps(s.DATABASES['default'], default=str))")
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "testproject")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("url, expected", [
    ("mssql://sa:Secret%21@db.example:1433/shop?driver=ODBC+Driver+18+for+SQL+Server",
     {"ENGINE": "mssql", "USER": "sa", "PASSWORD": "Secret!", "HOST": "db.example", "PORT": "1433", "NAME": "shop",
      "OPTIONS": {"driver": "ODBC Driver 18 for SQL Server"}}),
    ("oracle://loopback:pw@db.example:1521/FREEPDB1",
     {"ENGINE": "django.db.backends.oracle", "USER": "loopback", "PASSWORD": "pw", "HOST": "db.example",
      "PORT": "1521", "NAME": "FREEPDB1"}),
    ("postgres://postgres@127.0.0.1:5432/test",
     {"ENGINE": "django.db.backends.postgresql", "USER": "postgres", "HOST": "127.0.0.1", "PORT": 5432, "NAME": "test"}),
    ("mysql://root@127.0.0.1:3306/test",
     {"ENGINE": "django.db.backends.mysql", "USER": "root", "HOST": "127.0.0.1", "PORT": 3306, "NAME": "test"}),
    ("sqlite:////tmp/lbsync-example.sqlite3", {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/lbsync-example.sqlite3"}),
])
def test_testproject_reads_each_url_form(url, expected):
    databases = databases_for(url)
    assert {key: databases.get(key) for key in expected} == expected
