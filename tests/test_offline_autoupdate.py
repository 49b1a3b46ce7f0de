"""autoupdate SQL for Oracle and SQL Server, offline: the live snapshot is built in the test (what
LoopBack's automigrate of the old models made), and every catalog look-up the schema editor makes
(constraint names, identity columns) is answered from that snapshot. Compared with reviewed SQL."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

from django_lbsync.api import desired_schema
from django_lbsync.apply import apply
from django_lbsync.diff import diff
from django_lbsync.schema import Schema
from django_lbsync.vendors import vendor_for

from .conftest import FIXTURES, regenerate, require_alias

EXPECTED = Path(__file__).with_name("expected")


class NoQueries:
    """A cursor for look-ups that must be answered from the snapshot: any real query is a test failure."""

    def execute(self, sql, params=None):
        raise AssertionError(f"unexpected catalog query in an offline test: {sql}")


def constraints_from(snapshot: Schema):
    """`introspection.get_constraints()` answered from the test's own live snapshot."""

    def get_constraints(cursor, table_name):
        name = table_name.split(".")[-1].strip('[]"')
        table = next(t for t in snapshot.tables.values() if t.name == name)
        out = {f"PK_{table.name}": {"columns": list(table.primary_key), "primary_key": True, "unique": True,
                                     "foreign_key": None, "check": False, "index": True, "type": None}}
        for index in table.indexes:
            out[index.name] = {"columns": list(index.columns), "primary_key": False, "unique": index.unique,
                               "foreign_key": None, "check": False, "index": True, "type": None,
                               "orders": list(index.orders)}
        for fk in table.foreign_keys:
            out[fk.name] = {"columns": list(fk.columns), "primary_key": False, "unique": False,
                            "foreign_key": (fk.ref_table, fk.ref_columns[0]), "check": False, "index": False}
        return out

    return get_constraints


@contextmanager
def offline_editor(alias, snapshot, monkeypatch):
    connection = connections[alias]
    monkeypatch.setattr(connection, "cursor", lambda *a, **k: _cursor())
    monkeypatch.setattr(connection.introspection, "get_constraints", constraints_from(snapshot))
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        # Oracle asks whether a column is an IDENTITY: LoopBack's ids use a sequence + trigger instead.
        monkeypatch.setattr(editor, "_is_identity_column", lambda *a, **k: False, raising=False)
        yield editor


@contextmanager
def _cursor():
    yield NoQueries()


def plan_sql(alias, live_fixture, desired_fixture, settings, monkeypatch, edit_live=None):
    settings.LBSYNC = {"MODELS": [str(FIXTURES / live_fixture)], "DATASOURCES": {"db": alias}}
    live = desired_schema(using=alias)
    if edit_live:
        live = edit_live(live)
    settings.LBSYNC = {"MODELS": [str(FIXTURES / desired_fixture)], "DATASOURCES": {"db": alias}}
    desired = desired_schema(using=alias)
    plan = diff(live, desired, vendor_for(connections[alias]), database=alias)
    with offline_editor(alias, live, monkeypatch) as editor:
        apply(plan, editor, live)
    return plan, "\n".join(editor.collected_sql) + "\n"


def check_against_file(sql: str, name: str) -> None:
    path = EXPECTED / name
    regenerate(path, sql)
    assert sql == path.read_text()


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_seed_v1_to_v2(alias, settings, monkeypatch):
    require_alias(alias)
    plan, sql = plan_sql(alias, "customer_v1", "customer_v2", settings, monkeypatch)
    assert [c.kind for c in plan.changes] == ["add_column", "add_column", "alter_column", "drop_column", "drop_column"]
    check_against_file(sql, f"autoupdate_customer_v1_v2.{alias}.sql")


def _without_fks_and_a_column(live: Schema) -> Schema:
    """The foreign_keys fixture as an older version left it: no FKs, and no Order.shippingAddressId."""
    out = Schema(live.vendor)
    for table in live.tables.values():
        columns = tuple(c for c in table.columns if c.name.lower() != "shippingaddressid")
        out.add(table.evolve(foreign_keys=(), columns=columns))
    return out


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_new_column_and_foreign_keys(alias, settings, monkeypatch):
    require_alias(alias)
    plan, sql = plan_sql(alias, "foreign_keys", "foreign_keys", settings, monkeypatch,
                         edit_live=_without_fks_and_a_column)
    assert [c.kind for c in plan.changes] == ["add_column", "add_foreign_key", "add_foreign_key"]
    check_against_file(sql, f"autoupdate_foreign_keys.{alias}.sql")
