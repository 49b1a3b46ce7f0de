"""One desired schema for every database of the same settings (api._desired_key's `shared` entry, issue 13).

Definitions that name no schema or database for the connector build the same schema on every database, so
their entry is keyed without the database's NAME: another database (a test database, a tenant's, the
benchmark's new one each run) finds it. Definitions that do name one are kept per database, because the
connection's own schema and database decide their table keys and their warnings (lbsync.W012).

Judged by comparing, for every placement and a sequence of database names, what the build answers with the
cache (the schema, every field, and the warnings logged) with what it answers without one, and by counting
the loads of the JSON (tests/test_desired_cache.LoaderCalls).
"""
from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import override_settings

from django_lbsync import api
from django_lbsync.vendors import vendor_for

from .test_desired_cache import LoaderCalls, outcome

pytestmark = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)

NAMES = ["lbsync_first", "lbsync_second", "lbsync_first", "lbsync_third"]


def _models(folder, alias: str, placement: str | None):
    """An Order model and a Customer it references; `placement`: what Customer's connector block names."""
    key = vendor_for(connections[alias]).connector_key
    customer = {"name": "Customer", "properties": {"name": {"type": "string", "index": True}}}
    if placement == "schema":
        customer[key] = {"schema": NAMES[0]}
    elif placement == "database":
        customer[key] = {"database": NAMES[0]}
    order = {"name": "Order", "properties": {"total": {"type": "number"}, "customerId": {"type": "number"}},
             "foreignKeys": {"fk_order_customer": {"name": "fk_order_customer", "entity": "Customer",
                                                   "entityKey": "id", "foreignKey": "customerId"}}}
    for model in (customer, order):
        (folder / f"{model['name'].lower()}.json").write_text(json.dumps(model))
    return folder


@pytest.mark.parametrize("placement", [None, "schema", "database"])
def test_each_database_gets_the_schema_built_for_it(live, placement, tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="django_lbsync")
    folder = tmp_path / "models"
    folder.mkdir()
    _models(folder, live, placement)
    config = {"MODELS": [str(folder)], "DATASOURCES": {"db": live}}
    calls = LoaderCalls(monkeypatch)
    database = connections[live].settings_dict
    loads = []
    for name in NAMES:
        # The database's name as the key and the builder read it (the connection itself stays the test's).
        monkeypatch.setitem(database, "NAME", name)
        with override_settings(LBSYNC={**config, "CACHE_DIR": None}):
            expected = outcome(live, caplog)
        before = calls.count
        with override_settings(LBSYNC={**config, "CACHE_DIR": str(tmp_path / "cache")}):
            got = outcome(live, caplog)
        loads.append(calls.count - before)
        assert got == expected, name
    # `database` places a table only where the connector reads it (MySQL: LoopBack ignores it, lbsync.W012 names
    # the connection's database); elsewhere it is just an unknown key.
    placed = placement == "schema" or (placement == "database" and connections[live].vendor == "mysql")
    if not placed:
        assert loads == [1, 0, 0, 0], "a schema that no database name changes was built again"
    else:
        assert loads == [1, 1, 0, 1], "a schema placed by name was shared with another database"


def test_a_placement_in_any_model_keeps_the_entry_per_database():
    vendor = vendor_for(connections["default"])

    class Model:
        def __init__(self, block):
            self.block = block

        def connector(self, key):
            return self.block

    assert api._places_no_table(vendor, [Model({})], [Model({"columnName": "x"})])
    assert not api._places_no_table(vendor, [Model({})], [Model({"schema": "s"})])
    assert not api._places_no_table(vendor, [Model({"schemaName": "s"})], [])
