"""A live index that has the name of a model's index but is not that index: partial (PostgreSQL, SQLite) or a
prefix index (MySQL/MariaDB). It was compared by its columns alone, so isactual called the table in sync while
the index covers only some rows (a partial UNIQUE index lets duplicates in elsewhere) or only a prefix of the
values (a UNIQUE prefix index refuses values the model allows). It is drift: autoupdate replaces it by the
model's index. Judged by each database's own catalog, read here."""
from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import override_settings

from django_lbsync import api, automigrate, autoupdate

pytestmark = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


def partial_or_prefix(alias: str, table: str, index: str) -> bool | None:
    """Whether the live index covers only some rows or a prefix of values; None when there is no such index."""
    with connections[alias].cursor() as cursor:
        vendor = connections[alias].vendor
        if vendor == "postgresql":
            cursor.execute("SELECT ix.indpred IS NOT NULL FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
                           "WHERE i.relname = %s AND ix.indrelid = %s::regclass", [index, table])
        elif vendor == "mysql":
            cursor.execute("SELECT MAX(sub_part IS NOT NULL) FROM information_schema.statistics WHERE "
                           "table_schema = DATABASE() AND table_name = %s AND index_name = %s "
                           "HAVING COUNT(*) > 0", [table, index])
        else:
            cursor.execute("SELECT sql LIKE '%% WHERE %%' FROM sqlite_master WHERE type = 'index' AND name = %s",
                           [index])
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


def replace_with_lookalike(alias: str, table: str, index: str, unique: bool) -> None:
    connection = connections[alias]
    q = connection.ops.quote_name
    kind = "UNIQUE INDEX" if unique else "INDEX"
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"DROP INDEX {q(index)} ON {q(table)}")
            cursor.execute(f"CREATE {kind} {q(index)} ON {q(table)} ({q('code')}(4))")
        else:
            cursor.execute(f"DROP INDEX {q(index)}")
            cursor.execute(f"CREATE {kind} {q(index)} ON {q(table)} ({q('code')}) WHERE {q('code')} <> 'x'")


@pytest.mark.parametrize("unique", [False, True], ids=["index", "unique index"])
def test_a_partial_or_prefix_index_with_the_models_name_is_drift(live, tmp_path, unique):
    models = tmp_path / "models"
    models.mkdir()
    (models / "widget.json").write_text(json.dumps({
        "name": "Widget", "properties": {"code": {"type": "string", "length": 40}},
        "indexes": {"widget_code_idx": {"keys": {"code": 1}, "options": {"unique": unique}}}}))
    lbsync = {"MODELS": [str(models)], "DATASOURCES": {"db": live}, "CACHE_DIR": str(tmp_path / "cache")}
    table = "widget" if connections[live].vendor == "postgresql" else "Widget"
    with override_settings(LBSYNC=lbsync):
        automigrate(using=live)
        assert api.is_actual(using=live)
        assert partial_or_prefix(live, table, "widget_code_idx") is False
        replace_with_lookalike(live, table, "widget_code_idx", unique)
        assert partial_or_prefix(live, table, "widget_code_idx") is True
        assert not api.is_actual(using=live)
        plan = api.get_plan(using=live)
        assert [type(c).__name__ for c in plan.changes] == ["DropIndex", "AddIndex"], plan.describe()
        autoupdate(using=live)
        assert partial_or_prefix(live, table, "widget_code_idx") is False
        assert api.is_actual(using=live)


def test_an_exclusion_constraint_with_the_models_index_name_is_drift_too(live, tmp_path):
    """PostgreSQL: `EXCLUDE (code WITH =)` owns a btree index on `code` that reads like a unique index, under the
    constraint's name. Not the model's index (only the constraint can drop it): drift, replaced by autoupdate."""
    if connections[live].vendor != "postgresql":
        pytest.skip("EXCLUDE constraints are PostgreSQL's")
    models = tmp_path / "models"
    models.mkdir()
    (models / "widget.json").write_text(json.dumps({
        "name": "Widget", "properties": {"code": {"type": "string", "length": 40}},
        "indexes": {"widget_code_idx": {"keys": {"code": 1}, "options": {"unique": True}}}}))
    lbsync = {"MODELS": [str(models)], "DATASOURCES": {"db": live}, "CACHE_DIR": str(tmp_path / "cache")}
    with override_settings(LBSYNC=lbsync):
        automigrate(using=live)
        with connections[live].cursor() as cursor:
            cursor.execute('DROP INDEX "widget_code_idx"')
            cursor.execute('ALTER TABLE "widget" ADD CONSTRAINT "widget_code_idx" EXCLUDE ("code" WITH =)')
        assert not api.is_actual(using=live)
        autoupdate(using=live)
        assert api.is_actual(using=live)
        with connections[live].cursor() as cursor:
            cursor.execute("SELECT contype FROM pg_constraint WHERE conname = 'widget_code_idx'")
            assert cursor.fetchall() == []  # the exclusion constraint is gone
            cursor.execute("SELECT indisunique, indpred IS NULL FROM pg_index ix JOIN pg_class i "
                           "ON i.oid = ix.indexrelid WHERE i.relname = 'widget_code_idx'")
            assert cursor.fetchall() == [(True, True)]
