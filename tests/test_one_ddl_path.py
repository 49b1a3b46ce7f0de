"""automigrate is a plan (DropForeignKey / DropTable / CreateTable / AddForeignKey) that apply.py runs, the
applier autoupdate uses: the same steps, dry run, progress and failure report (docs/one-ddl-path.md).
Judged with raw catalog queries and row counts (tests/live_schema.py), not with the product's introspection."""
from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.db import DatabaseError, connections

from django_lbsync import StepFailed, apply as apply_module, automigrate
from django_lbsync.changes import AddForeignKey, CreateTable, DropTable, Risk
from django_lbsync.plan import Plan
from django_lbsync.preflight import classify, measure
from django_lbsync.schema import Schema

from .live_schema import tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def customer_table(alias):
    return "customertest" if connections[alias].vendor == "postgresql" else "CustomerTest"


def raw_count(alias, table) -> int:
    q = connections[alias].ops.quote_name
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {q(table)}")
        return cursor.fetchone()[0]


def seed_two_rows(live, use_models):
    use_models(live, "customer_v1")
    automigrate(using=live)
    q = connections[live].ops.quote_name
    with connections[live].cursor() as cursor:
        for key, name in (("c1", "Ann"), ("c2", "Bob")):
            cursor.execute(f"INSERT INTO {q(customer_table(live))} ({q('id')}, {q('name')}) VALUES (%s, %s)",
                           [key, name])


def test_automigrate_runs_a_plan_of_typed_changes(live, use_models):
    use_models(live, "foreign_keys")
    first = automigrate(using=live)
    assert not any(isinstance(c, DropTable) for c in first.plan.changes)  # nothing existed yet
    second = automigrate(using=live)
    kinds = [type(c) for c in second.plan.changes]
    created = [c.table.key for c in second.plan.changes if isinstance(c, CreateTable)]
    dropped = [c.table.key for c in second.plan.changes if isinstance(c, DropTable)]
    assert sorted(dropped) == sorted(created) and len(created) == 6  # five models and the through table
    assert dropped == list(reversed(created))  # referencing tables go first
    assert kinds.index(CreateTable) > max(i for i, k in enumerate(kinds) if k is DropTable)
    fks = [c for c in second.plan.changes if isinstance(c, AddForeignKey)]
    if connections[live].vendor == "sqlite":  # inline in CREATE TABLE: no step of their own
        assert fks == []
    else:
        assert fks and kinds.index(AddForeignKey) > max(i for i, k in enumerate(kinds) if k is CreateTable)
    expected = {"customer", "order", "address", "assembly", "part", "assemblypart"}  # named here, not by the plan
    assert {t.lower() for t in tables(live)} == {k.lower() for k in created} == expected


def test_the_drop_table_step_carries_the_rows_it_loses(live, use_models):
    seed_two_rows(live, use_models)
    result = automigrate(using=live)
    (drop,) = [c for c in result.plan.changes if isinstance(c, DropTable)]
    assert drop.rows == 2 and drop.risk == Risk.DESTRUCTIVE and drop.measured
    assert raw_count(live, customer_table(live)) == 0


def test_drop_table_has_a_risk_assessor_that_counts_the_rows(live, use_models):
    seed_two_rows(live, use_models)
    connection = connections[live]
    table = automigrate(using=live, dry_run=True).dropped[0]
    live_schema = Schema(connection.vendor, {table.key: table})
    plan = classify(Plan(live, connection.vendor, (DropTable(table),)), connection, live_schema)
    assert plan.changes[0].risk == Risk.DESTRUCTIVE and not plan.changes[0].measured
    (counted,) = measure(plan, connection).changes
    assert counted.rows == raw_count(live, customer_table(live)) == 2


def test_a_dry_run_goes_through_the_same_steps_and_changes_nothing(live, use_models, monkeypatch, caplog):
    seed_two_rows(live, use_models)
    ran = []
    original = apply_module._Applier._drop_table

    def recording(self, change):
        ran.append(change.table.key)
        original(self, change)

    monkeypatch.setattr(apply_module._Applier, "_drop_table", recording)
    with caplog.at_level(logging.INFO, logger="django_lbsync"):
        result = automigrate(using=live, dry_run=True)
    assert [k.lower() for k in ran] == [customer_table(live).lower()]
    assert any(s.lstrip().upper().startswith("DROP TABLE") for s in result.sql)
    assert any(s.lstrip().upper().startswith("CREATE TABLE") for s in result.sql)
    assert raw_count(live, customer_table(live)) == 2  # nothing ran
    assert not [r for r in caplog.records if "table" in r.getMessage() and r.getMessage().startswith(("dropped",
                                                                                                       "created"))]


def test_a_failing_step_is_reported_as_autoupdate_reports_it(live, use_models, monkeypatch):
    seed_two_rows(live, use_models)

    def refuse(self, change):
        raise DatabaseError("refused by the test")

    monkeypatch.setattr(apply_module._Applier, "_create_table", refuse)
    with pytest.raises(StepFailed) as caught:
        automigrate(using=live)
    failure = caught.value
    assert failure.failed == f"Create table {customer_table(live)}"
    # Rolled back (SQLite, PostgreSQL), or never sent (MariaDB: the batch is rendered before it is sent).
    assert failure.rolled_back and "The run was rolled back; the database is as it was." in str(failure)
    assert raw_count(live, customer_table(live)) == 2
