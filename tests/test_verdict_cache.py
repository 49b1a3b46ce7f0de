"""isactual's in-sync answer kept by catalog digest (django_lbsync/verdict_cache.py, docs/verdict-cache.md).

The property: whatever another session does to the schema between two runs, get_plan with the cache answers
exactly what it answers without one. Tested over the space of changes made behind the product's back (columns,
indexes, defaults, nullability, foreign-key rules, tables), in random sequences that also undo them (back to a
state an answer was kept for), on every live database. And the other half: with nothing changed, the second run
answers from the entry without comparing anything.
"""
from __future__ import annotations

import shutil

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from django_lbsync import api, automigrate
from django_lbsync.catalogs import builder

from .conftest import FIXTURES, drop_all_tables

pytestmark = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


def names(alias: str) -> dict[str, str]:
    """The tables and columns the foreign_keys fixture makes, as this database spells them."""
    lower = connections[alias].vendor == "postgresql"
    spelled = {"order": "Order", "customer": "Customer", "name": "name", "total": "total",
               "customerid": "customerId"}
    return {k: k if lower else v for k, v in spelled.items()}


def toggles(alias: str) -> dict[str, tuple[list[str], list[str]]]:
    """{change: (statements that make it, statements that undo it)} for this database, written here (not by the
    product): what another session might do to the tables between two runs."""
    connection = connections[alias]
    q = connection.ops.quote_name
    n = {k: q(v) for k, v in names(alias).items()}
    vendor = connection.vendor
    found = {
        "extra column": ([f"ALTER TABLE {n['customer']} ADD COLUMN nickname VARCHAR(20) NULL"],
                         [f"ALTER TABLE {n['customer']} DROP COLUMN nickname"]),
        "extra index": ([f"CREATE INDEX lbx_total ON {n['order']} ({n['total']})"],
                        [f"DROP INDEX lbx_total ON {n['order']}" if vendor == "mysql" else "DROP INDEX lbx_total"]),
        "extra table": (["CREATE TABLE lbx_other (id INTEGER PRIMARY KEY)"], ["DROP TABLE lbx_other"]),
    }
    if vendor in ("postgresql", "mysql"):
        found["default"] = ([f"ALTER TABLE {n['customer']} ALTER COLUMN {n['name']} SET DEFAULT 'x'"],
                            [f"ALTER TABLE {n['customer']} ALTER COLUMN {n['name']} DROP DEFAULT"])
        # The foreign key made again with another ON DELETE rule, and back (MySQL drops it by its own keyword).
        drop = f"ALTER TABLE {n['order']} DROP {'FOREIGN KEY' if vendor == 'mysql' else 'CONSTRAINT'} {q('fk_order_customerId')}"
        add = (f"ALTER TABLE {n['order']} ADD CONSTRAINT {q('fk_order_customerId')} FOREIGN KEY ({n['customerid']}) "
               f"REFERENCES {n['customer']} (id) ON DELETE {{}} ON UPDATE SET NULL")
        found["fk rule"] = ([drop, add.format("SET NULL")], [drop, add.format("CASCADE")])
    if vendor == "postgresql":
        found["nullable"] = ([f"ALTER TABLE {n['customer']} ALTER COLUMN {n['name']} DROP NOT NULL"],
                             [f"ALTER TABLE {n['customer']} ALTER COLUMN {n['name']} SET NOT NULL"])
    return found


def run(alias: str, statements: list[str]) -> None:
    with connections[alias].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def plan_of(alias: str, lbsync: dict) -> dict:
    with override_settings(LBSYNC=lbsync):
        return api.get_plan(using=alias).as_dict()


class DiffCalls:
    """How many times the product compared a desired schema with a live one."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = api.diff

        def counting(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(api, "diff", counting)


def foreign_keys_app(alias: str, tmp_path) -> tuple:
    """The foreign_keys fixture's models in a folder of their own, and LBSYNC with the cache on and off."""
    models = tmp_path / "models"
    shutil.copytree(FIXTURES / "foreign_keys", models)
    on = {"MODELS": [str(models)], "DATASOURCES": {"db": alias}, "CACHE_DIR": str(tmp_path / "cache")}
    return models, on, {**on, "CACHE_DIR": None}


@pytest.fixture
def app(live, tmp_path):
    _, on, off = foreign_keys_app(live, tmp_path)
    return live, on, off


@hypothesis_settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=8))
def test_every_change_behind_its_back_is_seen(app, monkeypatch, steps):
    alias, on, off = app
    drop_all_tables(alias)
    with override_settings(LBSYNC=off):
        automigrate(using=alias)
    choices = toggles(alias)
    names_ = sorted(choices)
    applied: set[str] = set()
    calls = DiffCalls(monkeypatch)
    assert plan_of(alias, on) == plan_of(alias, off)  # in sync: kept
    for step in steps:
        change = names_[step % len(names_)]
        do, undo = choices[change]
        run(alias, undo if change in applied else do)
        applied ^= {change}
        without = plan_of(alias, off)
        first = plan_of(alias, on)
        before = calls.count
        second = plan_of(alias, on)  # from the entry when `first` was in sync
        assert first == without and second == without, (change, sorted(applied))
        if without["in_sync"]:
            assert calls.count == before, "an in-sync answer for the same catalog was computed again"
        # is_actual keeps plans with changes too (unclassified): asked twice, it answers the second from the entry
        with override_settings(LBSYNC=on):
            answers = [api.is_actual(using=alias), api.is_actual(using=alias)]
        assert answers == [without["in_sync"]] * 2, (change, sorted(applied))


def test_nothing_changed_nothing_compared(app, monkeypatch):
    alias, on, off = app
    with override_settings(LBSYNC=on):
        automigrate(using=alias)
        calls = DiffCalls(monkeypatch)
        assert api.is_actual(using=alias) is True
        assert calls.count == 1  # automigrate kept the desired schema, not an answer: compared once, then kept
        connections[alias].close()  # a fresh process's connection, as `manage.py isactual` has
        assert api.is_actual(using=alias) is True
        assert api.is_actual(using=alias) is True  # and on an open one
    assert calls.count == 1


def test_the_digest_is_what_tells_two_catalogs_apart(app, monkeypatch):
    """The property test above can fail: with every read given the same digest, a change made after an answer
    was kept is answered from the entry, stale."""
    alias, on, off = app
    with override_settings(LBSYNC=off):
        automigrate(using=alias)
    monkeypatch.setattr(builder.RowsDigest, "hexdigest", lambda self: "0" * 64)
    assert plan_of(alias, on)["in_sync"]
    assert plan_of(alias, on)["in_sync"]
    do, _ = toggles(alias)["extra column"]
    run(alias, do)
    assert not plan_of(alias, off)["in_sync"]
    assert plan_of(alias, on)["in_sync"], "the stale answer the digest exists to prevent"


def test_is_actual_keeps_its_answer_with_changes_too_get_plan_does_not_take_it(app, monkeypatch):
    alias, on, off = app
    with override_settings(LBSYNC=off):
        automigrate(using=alias)
    run(alias, toggles(alias)["extra column"][0])
    calls = DiffCalls(monkeypatch)
    with override_settings(LBSYNC=on):
        assert api.is_actual(using=alias) is False
        assert api.is_actual(using=alias) is False
        assert calls.count == 1
        plan = api.get_plan(using=alias)  # classified: risks and estimates are not kept, so computed
        assert calls.count == 2 and not plan.in_sync and plan.changes
        assert all(change.lock is not None for change in plan.changes)
    run(alias, toggles(alias)["extra column"][1])
    with override_settings(LBSYNC=on):
        assert api.is_actual(using=alias) is True
    assert calls.count == 3


def test_only_in_sync_answers_are_kept(app, monkeypatch):
    alias, on, off = app
    with override_settings(LBSYNC=off):
        automigrate(using=alias)
    run(alias, toggles(alias)["extra column"][0])
    assert not plan_of(alias, on)["in_sync"]
    calls = DiffCalls(monkeypatch)
    assert not plan_of(alias, on)["in_sync"]
    assert calls.count == 1  # computed again: a plan with changes carries live facts the digest does not cover


def test_answers_kept_for_other_definitions_are_not_carried_over(tmp_path):
    """An entry opened while one witness held (definitions D1) and kept by a run whose desired schema was built
    from another (D2: the files changed meanwhile, another process kept D2's schema): D1's answers must not be
    stored under D2's witness, where a later run with D2 would take them for its own."""
    from django_lbsync import sourcefs
    from django_lbsync.plan import Plan
    from django_lbsync.verdict_cache import Remembered

    (tmp_path / "d1").mkdir()
    d1 = sourcefs.Witness([("kind", str(tmp_path / "d1"), "folder")])
    d2 = sourcefs.Witness([("kind", str(tmp_path / "d2"), "missing")])
    assert d1.still_holds() and d2.still_holds()
    plan = Plan("default", "sqlite", tables_compared=2)
    with override_settings(LBSYNC={"CACHE_DIR": str(tmp_path / "cache")}):
        Remembered.open("desired", False, False, d1).keep("rows of D1", plan, d1)
        opened = Remembered.open("desired", False, False, d1)
        assert set(opened.plans) == {"rows of D1"}
        opened.keep("rows of D2", plan, d2)
        assert set(Remembered.open("desired", False, False, d2).plans) == {"rows of D2"}


def test_a_read_nobody_asks_a_digest_of_works_none_out(app, monkeypatch):
    """autoupdate's and discovery's reads (introspect()) pay nothing for the kept answers."""
    from django_lbsync.introspect import introspect

    alias, on, off = app
    with override_settings(LBSYNC=off):
        automigrate(using=alias)
    worked_out = []
    real = builder.RowsDigest.of
    monkeypatch.setattr(builder.RowsDigest, "of", lambda self, *rows: worked_out.append(1) or real(self, *rows))
    introspect(connections[alias])
    with override_settings(LBSYNC=on):
        api.autoupdate(using=alias)
    assert worked_out == []
    with override_settings(LBSYNC=on):
        assert api.is_actual(using=alias) is True
    assert worked_out  # isactual asks for it
