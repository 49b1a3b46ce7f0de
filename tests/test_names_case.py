"""Names and their case, as each database matches them (docs/loopback-rules/names.md).

SQL Server's default collations and SQLite match table and schema names without case
(`Vendor.case_insensitive_names`): a table that exists under another case is that table. Oracle keeps
quoted names exactly, but Django's Oracle introspection finds a table only by its upper-cased name: so a
mapped table (`"oracle": {"table": "order_lines"}`) is upper case on Oracle, and a mapped `columnName`,
an index or a foreign-key name keeps its case. Either way what is created is what is read back and
compared, so isactual converges."""
from __future__ import annotations

from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from django_lbsync import automigrate, autoupdate, is_actual
from django_lbsync.api import desired_schema, get_plan
from django_lbsync.exceptions import DefinitionError
from django_lbsync.introspect import existing_tables
from django_lbsync.schema import Schema, Table
from django_lbsync.vendors import vendor_for

from .conftest import require_alias
from .live_schema import describe, tables
from .test_offline_readers import mssql_catalog_from, offline, oracle_catalog_from

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def use(settings, model_dir, alias, *models):
    folder = model_dir({f"m{n}.json": model for n, model in enumerate(models)})
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": alias}}


WIDGET = {"name": "Widget", "properties": {"id": {"type": "number", "id": True, "generated": True},
                                           "label": {"type": "string"}}}


# -- SQL Server -----------------------------------------------------------------------------------

class Answers:
    def __init__(self, answers):
        self.answers, self.asked, self._rows = answers, [], []

    def execute(self, sql, params=()):
        key = next(k for k in self.answers if sql.startswith(k))
        self.asked.append((sql, list(params or [])))
        self._rows = self.answers[key](list(params or []))

    def fetchall(self):
        return self._rows


@contextmanager
def cursor_answering(alias, monkeypatch, answers, table_names=()):
    cursor = Answers(answers)

    @contextmanager
    def fake(*args, **kwargs):
        yield cursor

    connection = connections[alias]
    monkeypatch.setattr(connection, "cursor", fake)
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: list(table_names))
    yield cursor


def test_mssql_existing_tables_match_without_case(monkeypatch):
    require_alias("mssql")
    asked = [Table("CustomerTest", None, (), ()), Table("Orders", "sales", (), ()), Table("Missing", None, (), ())]
    answers = {"SELECT table_schema, table_name FROM information_schema.tables": lambda p: [("SALES", "orders")]}
    with cursor_answering("mssql", monkeypatch, answers, ["customertest", "Other"]) as cursor:
        found = existing_tables(connections["mssql"], asked)
    assert [t.key for t in found] == ["CustomerTest", "sales.Orders"]
    assert cursor.asked[0][1] == ["sales"]  # bound, never in the text


def test_mssql_a_table_in_another_case_is_that_table(settings, model_dir, monkeypatch):
    require_alias("mssql")
    use(settings, model_dir, "mssql", WIDGET)
    made = Schema("microsoft")
    for table in desired_schema(using="mssql").tables.values():
        made.add(table.evolve(name=table.name.lower()))  # created as `widget` by somebody else
    with offline("mssql", monkeypatch, mssql_catalog_from(made)):
        assert get_plan(using="mssql").in_sync
    drifted = Schema("microsoft")
    for table in made.tables.values():
        drifted.add(table.evolve(columns=table.columns[:1]))  # label missing
    with offline("mssql", monkeypatch, mssql_catalog_from(drifted)):
        plan = get_plan(using="mssql")
    assert [(c.kind, c.table.name) for c in plan.changes] == [("add_column", "Widget")]


@pytest.mark.parametrize("alias", ["mssql", "default"])
def test_two_models_on_one_table_by_case_share_it_as_loopback_shares_tables(alias, settings, model_dir):
    """Where names match without case, `widget` is Widget's table: the two models share it
    (docs/loopback-rules/models.md#models-sharing-a-table): compatible columns merge into one table, a column
    they make differently is an error naming both models and the column."""
    require_alias(alias)
    key = "mssql" if alias == "mssql" else "sqlite3"
    other = {**WIDGET, "name": "Gadget", "options": {key: {"table": "widget"}},
             "properties": {**WIDGET["properties"], "weight": {"type": "number"}}}
    use(settings, model_dir, alias, WIDGET, other)
    (table,) = desired_schema(using=alias).tables.values()
    assert {c.name for c in table.columns} >= {"id", "label", "weight"}
    clashing = {**other, "properties": {**other["properties"], "label": {"type": "number"}}}
    use(settings, model_dir, alias, WIDGET, clashing)
    with pytest.raises(DefinitionError, match='shares table "Widget" with model Widget .*column "label" differs'):
        desired_schema(using=alias)


def test_which_databases_match_table_names_without_case():
    from django_lbsync.vendors import VENDORS

    for name, vendor_class in VENDORS.items():
        vendor = vendor_class()
        assert (vendor.name_key("Widget") == vendor.name_key("widget")) == (name in ("microsoft", "sqlite")), name


# -- SQLite, live -----------------------------------------------------------------------------------

@pytest.mark.parametrize("live", ["default"], indirect=True)
def test_sqlite_a_table_in_another_case_is_found_and_converges(live, settings, model_dir):
    with connections[live].cursor() as cursor:
        cursor.execute('CREATE TABLE "widget" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "label" text NULL)')
    use(settings, model_dir, live, WIDGET)
    assert is_actual(using=live)
    assert autoupdate(using=live).plan.changes == ()
    automigrate(using=live)  # drops `widget` (the same table) and creates `Widget`: no "already exists"
    assert tables(live) == {"Widget"}
    assert describe(live, "Widget").columns == [("id", "integer", False), ("label", "text", True)]
    out = StringIO()
    call_command("isactual", database=live, stdout=out)
    assert "is in sync" in out.getvalue()


# -- Oracle: exact case ---------------------------------------------------------------------------------

ORDER_LINE = {
    "name": "OrderLine",
    "options": {"oracle": {"table": "order_lines"}},
    "properties": {
        "id": {"type": "number", "id": True, "generated": True},
        "lineNo": {"type": "number", "oracle": {"columnName": "lineNo"}},
        "sku": {"type": "string", "oracle": {"dataLength": 20}},
        "customerId": {"type": "number"},
    },
    "indexes": {"line_Sku_idx": {"keys": {"sku": 1}}},
    "foreignKeys": {"fk_line_Customer": {"name": "fk_line_Customer", "entity": "Customer",
                                         "entityKey": "id", "foreignKey": "customerId"}},
}
CUSTOMER = {"name": "Customer", "options": {"oracle": {"table": "Customer"}},
            "properties": {"id": {"type": "number", "id": True, "generated": True}}}


def test_oracle_mapped_names_are_created_exactly_as_written(settings, model_dir):
    require_alias("oracle")
    use(settings, model_dir, "oracle", CUSTOMER, ORDER_LINE)
    out = StringIO()
    call_command("automigrate", "--sql", "--assume-empty", database="oracle", stdout=out)
    sql = out.getvalue()
    assert 'CREATE TABLE "ORDER_LINES" ("ID" NUMBER NOT NULL PRIMARY KEY, "lineNo" NUMBER NULL' in sql
    assert 'CREATE INDEX "line_Sku_idx" ON "ORDER_LINES" ("SKU")' in sql
    assert ('ALTER TABLE "ORDER_LINES" ADD CONSTRAINT "fk_line_Customer" FOREIGN KEY ("CUSTOMERID") '
            'REFERENCES "CUSTOMER" ("ID")') in sql
    assert 'BEFORE INSERT ON "ORDER_LINES" FOR EACH ROW' in sql and 'CREATE TABLE "CUSTOMER"' in sql
    assert 'CREATE SEQUENCE "OrderLine_ID_SEQUENCE"' in sql
    for unwanted in ('"order_lines"', '"LINENO"', '"LINE_SKU_IDX"', '"FK_LINE_CUSTOMER"'):
        assert unwanted not in sql


def test_oracle_what_is_created_reads_back_in_sync(settings, model_dir, monkeypatch):
    """The catalog holds the names exactly as the DDL above wrote them; the reader reads them back and
    the diff compares them as written: in sync. Upper-cased (as Django alone would write them), they are
    other names, and the plan says so."""
    require_alias("oracle")
    use(settings, model_dir, "oracle", CUSTOMER, ORDER_LINE)
    desired = desired_schema(using="oracle")
    assert {t.name for t in desired.tables.values()} == {"ORDER_LINES", "CUSTOMER"}
    with offline("oracle", monkeypatch, oracle_catalog_from(desired)):
        assert get_plan(using="oracle").in_sync
        out = StringIO()
        call_command("isactual", database="oracle", stdout=out)
    assert "is in sync" in out.getvalue()
    upper = Schema("oracle")
    for table in desired.tables.values():
        upper.add(table.evolve(columns=tuple(c.__class__(**{**c.__dict__, "name": c.name.upper()})
                                             for c in table.columns)))
    with offline("oracle", monkeypatch, oracle_catalog_from(upper)):
        plan = get_plan(using="oracle")
    assert ("add_column", "lineNo") in [(c.kind, getattr(getattr(c, "column", None), "name", None))
                                        for c in plan.changes]


def test_oracle_existing_tables_binds_the_exact_name(monkeypatch):
    require_alias("oracle")
    answers = {"SELECT table_name FROM user_tables WHERE table_name IN (":
               lambda names: [(n,) for n in names if n == "order_lines"]}
    with cursor_answering("oracle", monkeypatch, answers) as cursor:
        found = existing_tables(connections["oracle"], [Table("order_lines", None, (), ()),
                                                        Table("ORDER_LINES", None, (), ())])
    assert [t.name for t in found] == ["order_lines"]  # Oracle keeps quoted names apart by case
    assert sorted(cursor.asked[0][1]) == ["ORDER_LINES", "order_lines"]
