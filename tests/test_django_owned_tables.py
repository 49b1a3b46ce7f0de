"""Django's own tables are never LoopBack's by accident (issue 12, "Collateral damage is named"): discovery
leaves them out unless --include-django, and lbsync.W003 warns when a model maps to one."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from django_lbsync.checks import check_django_owned_tables

from .conftest import drop_all_tables
from .live_schema import tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


@pytest.fixture
def with_contenttypes(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django.contrib.contenttypes"]


def make_django_and_loopback_tables(alias):
    """django_migrations (the recorder's, made by the test database set-up), django_content_type, and a
    LoopBack-made table."""
    connection = connections[alias]
    MigrationRecorder(connection).ensure_schema()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {q('django_content_type')} ({q('id')} INTEGER PRIMARY KEY, "
                       f"{q('app_label')} VARCHAR(100), {q('model')} VARCHAR(100))")
        cursor.execute(f"CREATE TABLE {q('widget')} ({q('id')} INTEGER PRIMARY KEY, {q('label')} VARCHAR(20))")


def discovered(alias, *options) -> set[str]:
    out = StringIO()
    call_command("discoverschema", *options, database=alias, stdout=out, stderr=StringIO())
    return {key.split(".", 1)[1].lower() for key in json.loads(out.getvalue())}


def listed(alias, *options) -> set[str]:
    out = StringIO()
    call_command("discovermodels", "--format", "json", *options, database=alias, stdout=out)
    return {row["name"].lower() for row in json.loads(out.getvalue())}


def test_discovery_leaves_djangos_tables_out_unless_asked(live, with_contenttypes):
    drop_all_tables(live)
    recorder = MigrationRecorder(connections[live])
    had_recorder_table = recorder.has_table()
    make_django_and_loopback_tables(live)
    try:
        with connections[live].cursor() as cursor:
            present = {t.lower() for t in connections[live].introspection.table_names(cursor)}
        assert {"django_migrations", "django_content_type", "widget"} <= present
        assert discovered(live) == {"widget"}
        assert listed(live) == {"widget"}
        assert discovered(live, "--include-django") == {"django_migrations", "django_content_type", "widget"}
        assert listed(live, "--include-django") == {"django_migrations", "django_content_type", "widget"}
        # Named explicitly, a Django table is discovered: the user asked for it.
        assert discovered(live, "django_migrations") == {"django_migrations"}
    finally:
        drop_all_tables(live)
        if not had_recorder_table:  # other tests count the tables: leave the database as it was
            with connections[live].schema_editor() as editor:
                editor.delete_model(MigrationRecorder.Migration)


def test_w003_warns_when_a_loopback_model_maps_to_a_django_table(settings, with_contenttypes, model_dir):
    folder = model_dir({
        "migrations.json": {"name": "Migrations", "options": {"postgresql": {"table": "django_migrations"},
                                                              "mysql": {"table": "django_migrations"},
                                                              "sqlite3": {"table": "django_migrations"}},
                            "properties": {"app": {"type": "string"}}},
        "content-type.json": {"name": "django_content_type", "properties": {"model": {"type": "string"}}},
        "widget.json": {"name": "Widget", "properties": {"label": {"type": "string"}}},
    })
    settings.LBSYNC = {"MODELS": str(folder), "DATASOURCES": {"db": "default"}}
    warnings = check_django_owned_tables()
    assert sorted((w.id, w.obj) for w in warnings) == [("lbsync.W003", "Migrations"), ("lbsync.W003", "django_content_type")]
    assert all("automigrate would drop it" in w.msg for w in warnings)
    settings.INSTALLED_APPS = ["django_lbsync"]
    assert [w.obj for w in check_django_owned_tables()] == ["Migrations"]  # the recorder's table is always Django's
