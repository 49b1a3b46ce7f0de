"""Attacks on the in-sync verdict cache (django_lbsync/verdict_cache.py, docs/verdict-cache.md): ways a run
that answers from the entry differs from one that computes the answer."""
from __future__ import annotations

import functools
import importlib
import json
import logging

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import override_settings

from django_lbsync import api, automigrate

from .test_verdict_cache import DiffCalls, foreign_keys_app

pytestmark = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


@pytest.fixture
def app(live, tmp_path):
    models, on, off = foreign_keys_app(live, tmp_path)
    return live, models, on, off


def test_a_remembered_answer_logs_the_definitions_warnings_too(app, monkeypatch, caplog):
    """The desired-schema cache replays the loader's and the builder's warnings on every hit (docs/desired-cache.md:
    "so lbsync.W004-W013 and the builder's warnings show on every run"); an answer taken from the verdict entry
    must log them as well, on a fresh connection (manage.py isactual) and on an open one."""
    alias, models, on, off = app
    path = models / "order.json"
    data = json.loads(path.read_text())
    data.setdefault("options", {})["foreignKeys"] = {
        "fk_gone": {"name": "fk_gone", "entity": "Nowhere", "foreignKey": "total"}}
    path.write_text(json.dumps(data))
    with override_settings(LBSYNC=off):
        automigrate(using=alias)
    caplog.set_level(logging.WARNING, logger="django_lbsync")

    def logged(lbsync) -> tuple[bool, list[str]]:
        caplog.clear()
        with override_settings(LBSYNC=lbsync):
            in_sync = api.is_actual(using=alias)
        return in_sync, sorted(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)

    without = logged(off)
    assert without[0] and any("fk_gone" in m for m in without[1])
    calls = DiffCalls(monkeypatch)
    assert logged(on) == without  # computed, kept
    connections[alias].close()
    assert logged(on) == without  # fresh connection, from the entry
    assert logged(on) == without  # open connection, from the entry
    assert calls.count == 1


def _run(alias: str, statements: list[str]) -> None:
    with connections[alias].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.mark.parametrize("fresh", [False, True])
def test_a_read_retried_after_rows_that_did_not_fit_answers_for_the_second_read(app, monkeypatch, fresh):
    """read_catalog reads once more when the rows do not fit (another session's change between two queries):
    `answered` is then asked twice, in the prefetch thread too. Whatever the first digest was, the answer is the
    one for the rows of the second read."""
    alias, models, on, off = app
    with override_settings(LBSYNC=off):
        automigrate(using=alias)
    with override_settings(LBSYNC=on):
        assert api.get_plan(using=alias).in_sync  # kept
    module = importlib.import_module(f"django_lbsync.catalogs.{connections[alias].vendor}")
    real = module._build
    failures = []

    def flaky(*args, **kwargs):
        if not failures:
            failures.append(1)
            raise KeyError("rows that do not fit")
        return real(*args, **kwargs)

    q = connections[alias].ops.quote_name
    table = "customer" if connections[alias].vendor == "postgresql" else "Customer"
    _run(alias, [f"ALTER TABLE {q(table)} ADD COLUMN nickname VARCHAR(20) NULL"])
    monkeypatch.setattr(module, "_build", flaky)
    if fresh:
        connections[alias].close()
    with override_settings(LBSYNC=on):
        first = api.get_plan(using=alias).as_dict()
    assert failures == [1]
    with override_settings(LBSYNC=off):
        assert first == api.get_plan(using=alias).as_dict()
    assert not first["in_sync"]


def test_a_reader_wrapped_with_functools_wraps_is_not_bypassed(live, monkeypatch):
    """read_catalog takes `catalog_reader.fetch` when the reader has one; functools.wraps copies a function's
    __dict__, so a reader wrapped that way (a decorator, a test double, a vendor subclass's own reader) carried
    the wrapped reader's `fetch`, and the wrapper was never called: its tables were not the ones read."""
    from django_lbsync.introspect import introspect
    from django_lbsync.vendors import vendor_for

    connection = connections[live]
    _run(live, ["CREATE TABLE lbx_seen (id INTEGER PRIMARY KEY)"])
    vendor = type(vendor_for(connection))
    real = vendor.catalog_reader

    @functools.wraps(real)
    def hiding(cursor, schemas, views):
        return [t for t in real(cursor, schemas, views) if t.name != "lbx_seen"]

    assert "lbx_seen" in introspect(connection).tables
    monkeypatch.setattr(vendor, "catalog_reader", staticmethod(hiding))
    assert "lbx_seen" not in introspect(connection).tables
