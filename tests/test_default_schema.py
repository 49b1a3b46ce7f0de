"""A model that names the connection's own schema is the same table as one that names none
(docs/loopback-rules/names.md#schema): isactual says in sync right after automigrate, autoupdate plans
nothing, automigrate finds and re-creates it. Live on PostgreSQL (`public`, and a search path of another
schema); offline on Oracle (the login user) and SQL Server (the login's default schema)."""
from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from django_lbsync import automigrate, autoupdate, get_plan
from django_lbsync.api import desired_schema
from django_lbsync.schema import Schema
from django_lbsync.vendors import vendor_for

from .conftest import require_alias
from .live_schema import describe
from .test_offline_readers import mssql_catalog_from, offline, oracle_catalog_from

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

OWN = "lbsync_own"
OWN_SCHEMA_SQL = {"oracle": "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL", "mssql": "SELECT SCHEMA_NAME()"}


def widget(schema: str | None) -> dict:
    block = {"schema": schema} if schema else {}
    return {"name": "Widget", "options": {"postgresql": block, "oracle": block, "mssql": block},
            "properties": {"id": {"type": "number", "id": True, "generated": True}, "label": {"type": "string"}}}


def use_widget(settings, model_dir, alias, schema):
    folder = model_dir({"widget.json": widget(schema)})
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": alias}}


@pytest.fixture
def search_path_own(live):
    """The PostgreSQL connection with `search_path` = lbsync_own only (a connection option, so every
    connection the commands open has it); restored after."""
    connection = connections[live]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{OWN}"')
    saved = dict(connection.settings_dict.get("OPTIONS") or {})
    connection.close()
    connection.settings_dict["OPTIONS"] = {**saved, "options": f"-c search_path={OWN}"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            assert cursor.fetchone()[0] == OWN
        yield live
    finally:
        connection.close()
        connection.settings_dict["OPTIONS"] = saved


def schemas_holding(alias: str, table: str) -> list[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE c.relname = %s AND c.relkind = 'r' ORDER BY 1", [table])
        return [row[0] for row in cursor.fetchall()]


def assert_converged(alias: str) -> None:
    out = StringIO()
    call_command("isactual", database=alias, stdout=out)  # exit 1 would raise SystemExit
    assert "is in sync" in out.getvalue()
    result = autoupdate(using=alias)
    assert result.plan.changes == () and result.applied == []


def assert_widget(alias: str, schema: str) -> None:
    table = describe(alias, "widget", schema=schema)
    assert table.columns == [("id", "integer", False), ("label", "text", True)]
    assert table.primary_key == ("id",) and table.auto == {"id"}


@pytest.mark.parametrize("live", ["postgresql"], indirect=True)
def test_postgresql_public_named_is_the_default_schema(live, settings, model_dir):
    use_widget(settings, model_dir, live, "public")
    automigrate(using=live)
    assert_widget(live, "public")
    assert_converged(live)
    automigrate(using=live)  # found (keyed as no schema) and re-created, not created twice
    assert schemas_holding(live, "widget") == ["public"]
    assert_converged(live)


@pytest.mark.parametrize("live", ["postgresql"], indirect=True)
def test_postgresql_current_schema_named_is_the_default_schema(search_path_own, settings, model_dir):
    live = search_path_own
    use_widget(settings, model_dir, live, OWN)
    assert desired_schema(using=live, live=True).tables.keys() == {"widget"}
    automigrate(using=live)
    assert_widget(live, OWN)
    assert schemas_holding(live, "widget") == [OWN]
    assert_converged(live)
    automigrate(using=live)
    assert schemas_holding(live, "widget") == [OWN]
    assert_converged(live)


@pytest.mark.parametrize("live", ["postgresql"], indirect=True)
def test_postgresql_public_is_another_schema_when_the_search_path_is_not_public(search_path_own, settings,
                                                                                 model_dir):
    """`public` is only the documented default: with another search path it is a schema of its own."""
    live = search_path_own
    use_widget(settings, model_dir, live, "public")
    assert desired_schema(using=live, live=True).tables.keys() == {"public.widget"}
    automigrate(using=live)
    assert schemas_holding(live, "widget") == ["public"]
    assert_widget(live, "public")
    assert_converged(live)


# -- offline: Oracle and SQL Server ------------------------------------------------------------------

@pytest.mark.parametrize("alias, named, answered, catalog_from", [
    ("oracle", "LOOPBACK", "LOOPBACK", oracle_catalog_from),
    ("mssql", "dbo", "dbo", mssql_catalog_from),
    ("mssql", "Sales", "sales", mssql_catalog_from),  # the login's default schema; names compare without case
])
def test_offline_the_login_schema_named_reads_back_in_sync(alias, named, answered, catalog_from, settings,
                                                            model_dir, monkeypatch):
    require_alias(alias)
    use_widget(settings, model_dir, alias, named)
    # The catalog LoopBack's automigrate leaves in the login's schema: the model's tables, unqualified.
    made = Schema(vendor_for(connections[alias]).django_vendor)
    for table in desired_schema(using=alias).tables.values():
        made.add(table.evolve(schema=None))
    with offline(alias, monkeypatch, catalog_from(made)) as cursor:
        cursor.answers[OWN_SCHEMA_SQL[alias]] = [(answered,)]
        keyed = desired_schema(using=alias, live=True)
        plan = get_plan(using=alias)
    assert [t.schema for t in keyed.tables.values()] == [None]
    assert plan.in_sync, plan.changes
    assert OWN_SCHEMA_SQL[alias] in cursor.asked


@pytest.mark.parametrize("alias, named, answered", [("oracle", "OTHER", "LOOPBACK"), ("mssql", "sales", "dbo")])
def test_offline_another_schema_stays_another_table(alias, named, answered, settings, model_dir, monkeypatch):
    require_alias(alias)
    use_widget(settings, model_dir, alias, named)
    catalog = {"oracle": oracle_catalog_from, "mssql": mssql_catalog_from}[alias](Schema("x"))
    with offline(alias, monkeypatch, catalog) as cursor:
        cursor.answers[OWN_SCHEMA_SQL[alias]] = [(answered,)]
        plan = get_plan(using=alias)
    assert [(c.kind, c.table.schema) for c in plan.changes][:1] == [("create_table", named)]


def test_oracle_offline_default_follows_loopbacks_rule(settings, model_dir):
    """Offline (`--sql --assume-empty`, checks) nothing says which schema `loopback` logs in to: LoopBack's
    own rule applies, a schema equal to the datasource's user as written is the login's. A schema is an
    Oracle user, upper case (`loopback` is LOOPBACK), so the reviewed DDL keeps `"LOOPBACK"."T"`;
    connected, the catalog says LOOPBACK is the login's and the table is keyed as no schema."""
    require_alias("oracle")
    connection = connections["oracle"]
    vendor = vendor_for(connection)
    assert vendor.own_schema(connection, live=False) == connection.settings_dict["USER"] == "loopback"
    for named in ("loopback", "LOOPBACK"):
        use_widget(settings, model_dir, "oracle", named)
        assert [t.key for t in desired_schema(using="oracle").tables.values()] == ["LOOPBACK.WIDGET"]
    connection.settings_dict["USER"], saved = "LOOPBACK", connection.settings_dict["USER"]
    try:
        assert [t.key for t in desired_schema(using="oracle").tables.values()] == ["WIDGET"]
    finally:
        connection.settings_dict["USER"] = saved


def test_schemas_are_not_keyed_where_the_connector_ignores_them():
    for alias in ("default", "mysql"):
        if alias in settings.DATABASES:
            vendor = vendor_for(connections[alias])
            assert not vendor.keys_schemas and vendor.own_schema(connections[alias], live=True) is None
