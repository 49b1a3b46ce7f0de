"""Attacks on the in-sync verdict cache (django_lbsync/verdict_cache.py, docs/verdict-cache.md): ways a run
that answers from the entry differs from one that computes the answer."""
from __future__ import annotations

import json
import logging
import shutil

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import override_settings

from django_lbsync import api, automigrate

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


class DiffCalls:
    def __init__(self, monkeypatch):
        self.count = 0
        real = api.diff

        def counting(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(api, "diff", counting)


@pytest.fixture
def app(live, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(FIXTURES / "foreign_keys", models)
    on = {"MODELS": [str(models)], "DATASOURCES": {"db": live}, "CACHE_DIR": str(tmp_path / "cache")}
    off = {**on, "CACHE_DIR": None}
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
