"""Datasource mapping (issue 10 item 6, issue 12): a LoopBack app whose SQL datasource is not called "db"
gets its tables, and a command on a database with no model attached says so (exit 2) rather than "in sync"."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from django_lbsync.datasources import parse_datasource_map, sql_datasources
from django_lbsync.exceptions import ConfigurationError, DefinitionError

from .live_schema import tables

ROOT = Path(__file__).resolve().parent.parent
live_db = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


def write_app(folder: Path, datasource: str = "mysqlDs") -> Path:
    """A small LoopBack app: datasources.json with a SQL datasource named `datasource` and a mail one,
    model-config attaching Widget to it."""
    (folder / "models").mkdir(parents=True)
    (folder / "models" / "widget.json").write_text(json.dumps(
        {"name": "Widget", "properties": {"label": {"type": "string"}}}))
    (folder / "datasources.json").write_text(json.dumps({
        "mail": {"name": "mail", "connector": "mail"},
        datasource: {"name": datasource, "connector": "loopback-connector-mysql"},
        "cache": {"name": "cache", "connector": "memory"},
    }))
    config = folder / "model-config.json"
    config.write_text(json.dumps({"_meta": {"sources": ["./models"]}, "Widget": {"dataSource": datasource}}))
    return config


def test_sql_datasources_reads_the_apps_datasources_json(tmp_path):
    config = write_app(tmp_path, "legacyMysql")
    assert sql_datasources(config) == ["legacyMysql"]
    assert sql_datasources(tmp_path / "nowhere" / "model-config.json") == []


def test_sql_datasources_merges_the_overlays_loopback_boot_merges(tmp_path, monkeypatch):
    config = write_app(tmp_path, "legacyMysql")
    (tmp_path / "datasources.local.json").write_text(json.dumps({"cache": {"connector": "postgresql"}}))
    (tmp_path / "datasources.production.json").write_text(json.dumps({"legacyMysql": {"connector": "memory"}}))
    monkeypatch.delenv("NODE_ENV", raising=False)
    assert sql_datasources(config) == ["legacyMysql", "cache"]
    assert sql_datasources(config, env="production") == ["cache"]
    monkeypatch.setenv("NODE_ENV", "production")
    assert sql_datasources(config) == ["cache"]
    (tmp_path / "datasources.local.json").write_text('{"cache": 1}')
    with pytest.raises(DefinitionError, match=r"datasources\.local\.json: cannot be merged"):
        sql_datasources(config)


@pytest.mark.parametrize("text, expected", [
    ("db=default", {"db": "default"}),
    (" db = default , tenantA=default ,", {"db": "default", "tenantA": "default"}),
    ("db=default,reports=replica", {"db": "default", "reports": "replica"}),
])
def test_the_environment_form_of_the_datasource_map(text, expected):
    assert parse_datasource_map(text) == expected


@pytest.mark.parametrize("text", ["db", "=default", "db=", "db=default,db=other"])
def test_a_malformed_datasource_map_is_refused_naming_the_entry(text):
    with pytest.raises(ConfigurationError, match="LBSYNC_DATASOURCES"):
        parse_datasource_map(text)


@live_db
@pytest.mark.parametrize("command", ["isactual", "autoupdate", "automigrate"])
def test_a_database_with_no_attached_model_is_an_error_not_in_sync(live, settings, tmp_path, command):
    config = write_app(tmp_path, "mysqlDs")
    settings.LBSYNC = {"MODELS": str(config), "DATASOURCES": {"db": live}}  # the app's datasource is mysqlDs
    before = set(tables(live))
    with pytest.raises(CommandError) as caught:
        call_command(command, *(["--noinput"] if command != "isactual" else []), database=live, stdout=StringIO())
    assert caught.value.returncode == 2
    assert f"No LoopBack models are attached to database {live!r}" in str(caught.value)
    assert "'db'" in str(caught.value) and "model-config.json" in str(caught.value)
    assert set(tables(live)) == before


@live_db
def test_mapping_the_apps_own_datasource_name_creates_its_tables(live, settings, tmp_path):
    config = write_app(tmp_path, "mysqlDs")
    settings.LBSYNC = {"MODELS": str(config), "DATASOURCES": {name: live for name in sql_datasources(config)}}
    call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    assert "widget" in {t.lower() for t in tables(live)}
    call_command("isactual", database=live, stdout=StringIO())  # exit 0: no SystemExit


def project_settings(env: dict) -> dict:
    """LBSYNC as testproject/settings.py computes it for this environment (a fresh interpreter)."""
    code = "import json, testproject.settings as s; print(json.dumps(s.LBSYNC['DATASOURCES']))"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LBSYNC", "DJANGO"))} | env
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "testproject", env=environment,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_testproject_maps_every_sql_datasource_of_the_app_to_default(tmp_path):
    config = write_app(tmp_path, "legacyMysql")
    assert project_settings({"LBSYNC_MODELS": str(config)}) == {"legacyMysql": "default"}
    assert project_settings({}) == {"db": "default"}  # the example app's datasources.json
    assert project_settings({"LBSYNC_MODELS": str(tmp_path / "models")}) == {"db": "default"}  # no file


def test_testproject_reads_lbsync_datasources_from_the_environment(tmp_path):
    config = write_app(tmp_path, "legacyMysql")
    assert project_settings({"LBSYNC_MODELS": str(config), "LBSYNC_DATASOURCES": "db=default,tenantA=default"}) \
        == {"db": "default", "tenantA": "default"}
