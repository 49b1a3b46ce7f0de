"""The desired schema's entry read while the server reads the catalog (api._live_and_plan, docs/verdict-cache.md
"The first run after the database changed").

With answers kept for this model set, isactual first waits for the catalog's digest: a kept answer for those rows
needs nothing else. The desired schema's entry is read during that wait (the server's time), not after it, where
it competed for the interpreter with the rows being built into tables. What must hold: the entry is read before
the digest is known; the answer, and the warnings logged, are those of a run without any cache, whether a kept
answer fits (the early read then goes unused) or not.
"""
from __future__ import annotations

import json
import logging
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import override_settings

from django_lbsync import api, automigrate
from django_lbsync.catalogs import builder

from .test_verdict_cache import foreign_keys_app, run, toggles

pytestmark = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


class Order:
    """When the desired schema's entry was read, and when the catalog's digest was worked out. The digest waits
    (at most TIMEOUT) for the entry's read to end, so an early read is seen as early however fast the server is,
    and a read made after the digest shows as the wait running out."""

    TIMEOUT = 5.0

    def __init__(self, monkeypatch):
        self.events: list[str] = []
        self.read_done = threading.Event()
        real_kept, real_hexdigest = api._kept_desired, builder.RowsDigest.hexdigest

        def kept(*args, **kwargs):
            self.events.append("entry read")
            try:
                return real_kept(*args, **kwargs)
            finally:
                self.read_done.set()

        def hexdigest(digest_self):
            self.read_done.wait(self.TIMEOUT)
            self.events.append("digest")
            return real_hexdigest(digest_self)

        monkeypatch.setattr(api, "_kept_desired", kept)
        monkeypatch.setattr(builder.RowsDigest, "hexdigest", hexdigest)

    def reset(self) -> None:
        self.events.clear()
        self.read_done.clear()


@pytest.fixture
def app(live, tmp_path):
    """The foreign_keys models with one FK to a model that does not exist: a builder warning, logged on every run."""
    models, on, off = foreign_keys_app(live, tmp_path)
    path = models / "order.json"
    data = json.loads(path.read_text())
    data.setdefault("options", {})["foreignKeys"] = {
        "fk_gone": {"name": "fk_gone", "entity": "Nowhere", "foreignKey": "total"}}
    path.write_text(json.dumps(data))
    return live, on, off


def answer_and_warnings(alias: str, lbsync: dict, caplog) -> tuple[bool, list[str]]:
    caplog.clear()
    with override_settings(LBSYNC=lbsync):
        in_sync = api.is_actual(using=alias)
    return in_sync, sorted(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


@pytest.mark.parametrize("fresh", [False, True], ids=["open connection", "fresh connection"])
def test_the_entry_is_read_while_the_catalog_is(app, monkeypatch, caplog, fresh):
    alias, on, off = app
    with override_settings(LBSYNC=off):
        automigrate(using=alias)
    caplog.set_level(logging.WARNING, logger="django_lbsync")
    in_sync = answer_and_warnings(alias, off, caplog)
    assert in_sync[0] and any("fk_gone" in m for m in in_sync[1])
    assert answer_and_warnings(alias, on, caplog) == in_sync  # computed once, and kept for these rows
    order = Order(monkeypatch)
    prefetching = connections[alias].vendor in ("postgresql", "mysql")  # Vendor.prefetches_catalog

    # A kept answer fits: the entry read early goes unused, and nothing is logged twice.
    if fresh:
        connections[alias].close()
    assert answer_and_warnings(alias, on, caplog) == in_sync
    if prefetching:
        assert order.events[:2] == ["entry read", "digest"], order.events

    # The database changed behind the product's back: no kept answer fits, the early read is the one used.
    do, _ = toggles(alias)["extra column"]
    run(alias, do)
    drifted = answer_and_warnings(alias, off, caplog)
    assert not drifted[0] and drifted[1] == in_sync[1]
    order.reset()
    if fresh:
        connections[alias].close()
    assert answer_and_warnings(alias, on, caplog) == drifted
    if prefetching:
        assert order.events[:2] == ["entry read", "digest"], order.events
        assert order.events.count("entry read") == 1, "the entry read early was read again after the digest"
    assert answer_and_warnings(alias, on, caplog) == drifted  # and kept for these rows in turn
