"""isactual's catalog reads are a constant few queries whatever the number of models (issue 13): counted from
every statement Django's connection sent, for 3 and for 30 models with indexes and foreign keys. PostgreSQL
reads its catalog in one statement: two queries in all."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from django_lbsync import automigrate, is_actual

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def models(count: int) -> dict:
    files = {}
    for i in range(count):
        properties = {"code": {"type": "string", "length": 20, "index": {"unique": True}},
                      "title": {"type": "string", "index": True}, "qty": "number"}
        definition = {"name": f"Counted{i:02d}", "properties": properties}
        if i:
            properties["prevId"] = "number"
            definition["foreignKeys"] = {f"fk_counted_{i}": {"name": f"fk_counted_{i}", "entity": f"Counted{i - 1:02d}",
                                                             "entityKey": "id", "foreignKey": "prevId"}}
        files[f"counted-{i}.json"] = definition
    return files


def isactual_queries(live, use_models, model_dir, count: int) -> list[str]:
    use_models(live, model_dir(models(count)))
    automigrate(using=live)
    connection = connections[live]
    with CaptureQueriesContext(connection) as captured:
        assert is_actual(using=live)
    return [query["sql"] for query in captured.captured_queries]


def test_isactual_sends_as_many_catalog_queries_for_30_models_as_for_3(live, use_models, model_dir):
    few = isactual_queries(live, use_models, model_dir, 3)
    many = isactual_queries(live, use_models, model_dir, 30)
    assert len(many) == len(few), (few, many)
    assert len(many) <= 8, many  # 4-6 on each database today
    if connections[live].vendor == "postgresql":
        # The own schema, then the whole catalog in one statement (one snapshot: catalogs/postgresql.read_tables).
        assert len(many) == 2 and many[1].startswith("SELECT 0 AS kind, current_schema()"), many
