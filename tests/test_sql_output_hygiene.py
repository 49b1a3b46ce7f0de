"""Issue 10 item 7: the SQL output says each thing once and only what the models ask for. `--sql` prints
`CREATE SCHEMA` once per schema; Django's own PostgreSQL `_like` pattern-ops indexes (which its editor adds
for indexed varchar/text fields) never appear, neither in the DDL nor in the database."""
from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from .live_schema import describe

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def schema_models(schema: str, length: int = 20) -> dict:
    options = {"postgresql": {"schema": schema}}
    return {
        f"{name.lower()}.json": {"name": name, "options": options, "properties": {
            "code": {"type": "string", "index": {"unique": True}, "postgresql": {"dataType": "varchar", "dataLength": length}},
            "slug": {"type": "string", "index": True, "postgresql": {"dataType": "varchar", "dataLength": length}},
            "label": {"type": "string", "index": True}}}
        for name in ("Alpha", "Beta", "Gamma")
    }


def sql(command: str, alias: str, *args) -> str:
    out = StringIO()
    call_command(command, "--sql", *args, database=alias, stdout=out)
    return out.getvalue()


def test_create_schema_once_and_no_like_indexes_in_the_sql(live, use_models, model_dir):
    if connections[live].vendor != "postgresql":
        pytest.skip("schemas and _like indexes are PostgreSQL's")
    use_models(live, model_dir(schema_models("lbsync_hygiene")))
    for text in (sql("automigrate", live, "--assume-empty"), sql("autoupdate", live)):
        assert text.count("CREATE SCHEMA") == 1, text
        assert "_like" not in text and "pattern_ops" not in text, text
        assert text.count("CREATE UNIQUE INDEX") == 3 and text.count("CREATE INDEX") == 6


def test_no_like_index_reaches_the_database_nor_the_plan(live, use_models, model_dir):
    if connections[live].vendor != "postgresql":
        pytest.skip("_like indexes are PostgreSQL's")
    use_models(live, model_dir(schema_models("lbsync_hygiene")))
    try:
        call_command("automigrate", "--noinput", database=live, stdout=StringIO())
        use_models(live, model_dir(schema_models("lbsync_hygiene", length=40)))  # widen: an ALTER of indexed varchars
        call_command("autoupdate", "--noinput", database=live, stdout=StringIO())
        for table in ("alpha", "beta", "gamma"):
            indexes = describe(live, table, "lbsync_hygiene").indexes
            assert sorted(indexes) == sorted([f"{table}_code_idx", f"{table}_slug_idx", f"{table}_label_idx"]), indexes
        out = StringIO()
        call_command("isactual", database=live, stdout=out)
        assert "not declared" not in out.getvalue()
    finally:
        with connections[live].cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "lbsync_hygiene" CASCADE')
