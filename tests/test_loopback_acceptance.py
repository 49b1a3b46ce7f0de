"""Everything LoopBack accepts migrates, with LoopBack's meaning (issue 10 item 1): keyless tables, every
index form, references in another case, nameless files, shared tables, truthy ids, excludeBaseProperties,
relation keys, polymorphic relations, FULLTEXT/SPATIAL, a User subclass's id type, ids without a generator.

Each fixture runs automigrate -> the independent reader (tests/live_schema.py) shows LoopBack's columns,
indexes and keys -> isactual true -> autoupdate plans nothing, on SQLite, PostgreSQL and MariaDB.
"""
from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync import automigrate, autoupdate, get_plan, is_actual

from .live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

FIXTURES = ["keyless", "index_forms", "shared_table", "relation_keys", "polymorphic", "user_subclass/model-config.json",
            "nameless/model-config.json", "truthy_ids"]


def vendor(alias: str) -> str:
    return connections[alias].vendor


def name_in(alias: str, name: str) -> str:
    """The name LoopBack gives `name` on this database (PostgreSQL lower-cases)."""
    return name.lower() if vendor(alias) == "postgresql" else name


def converged(alias: str) -> None:
    plan = get_plan(using=alias)
    assert plan.changes == () and plan.in_sync, plan.describe()
    assert is_actual(using=alias)
    assert autoupdate(using=alias).applied == []


@pytest.mark.parametrize("fixture", FIXTURES)
def test_automigrate_then_in_sync(live, use_models, fixture):
    use_models(live, fixture)
    automigrate(using=live)
    converged(live)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_autoupdate_from_empty_then_in_sync(live, use_models, fixture):
    use_models(live, fixture)
    assert not is_actual(using=live)
    assert autoupdate(using=live).applied
    converged(live)


def test_keyless_tables(live, use_models, model_dir):
    """`"id": false` + `idInjection: false`, and `excludeBaseProperties: ["id"]`: no key, no id column."""
    use_models(live, "keyless")
    automigrate(using=live)
    log = describe(live, name_in(live, "AuditLog"))
    views = describe(live, name_in(live, "PageView"))
    assert log.primary_key == () and views.primary_key == ()
    assert [c[0] for c in log.columns] == [name_in(live, c) for c in ("happenedAt", "actor", "action", "details")]
    assert [c[0] for c in views.columns] == [name_in(live, c) for c in ("path", "viewedAt")]
    assert name_in(live, "audit_actor_when") in log.indexes
    # A change that SQLite makes by rebuilding the table keeps the rows (the row id is copied, no column
    # is invented), and converges.
    q = connections[live].ops.quote_name
    with connections[live].cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(name_in(live, 'PageView'))} ({q('path')}) VALUES ('/a'), ('/b')")
    changed = model_dir({"page-view.json": {
        "name": "PageView", "base": "Model", "idInjection": False, "excludeBaseProperties": ["id"],
        "properties": {"path": {"type": "string", "length": 250, "required": True}, "viewedAt": "date",
                       "referrer": {"type": "string", "length": 200}}}})
    use_models(live, changed)
    assert autoupdate(using=live).applied
    converged(live)
    after = describe(live, name_in(live, "PageView"))
    assert after.primary_key == () and {c[0] for c in after.columns} == {"path", name_in(live, "viewedAt"), "referrer"}
    with connections[live].cursor() as cursor:
        cursor.execute(f"SELECT {q('path')} FROM {q(name_in(live, 'PageView'))} ORDER BY 1")
        assert [r[0] for r in cursor.fetchall()] == ["/a", "/b"]


def index_types(alias: str, table: str) -> dict[str, str]:
    """MySQL: index name -> index_type, straight from information_schema."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT DISTINCT index_name, index_type FROM information_schema.statistics "
                       "WHERE table_schema = DATABASE() AND table_name = %s", [table])
        return dict(cursor.fetchall())


def test_every_index_form(live, use_models, caplog):
    """keys/options, columns/kind, the short {"col": -1}, the string forms, property index forms; keys
    named in another case or by column; FULLTEXT/SPATIAL on MySQL, skipped with a warning elsewhere."""
    caplog.set_level(logging.WARNING, logger="django_lbsync")
    use_models(live, "index_forms")
    automigrate(using=live)
    order = describe(live, name_in(live, "Order"))
    col = lambda n: name_in(live, n)  # noqa: E731
    desc = lambda n: col(n) + " DESC"  # noqa: E731
    model_indexes = {
        "order_status_total": ((col("status"), desc("total")), True),
        "order_region_status": ((col("region"), col("status")), True),
        "order_date_desc": ((desc("orderDate"),), False),
        "order_status_only": ((col("status"),), False),
        "order_region_date": ((col("region"), col("orderDate")), False),
        "order_by_channel": (("sales_channel",), False),
    }
    if vendor(live) == "mysql":
        property_indexes = {"customerCode": (("customerCode",), False), "reference": (("reference",), True),
                            "order_title_text": (("title",), False)}
        assert index_types(live, "Order")["order_title_text"] == "FULLTEXT"
        assert index_types(live, "Store")["location"] == "SPATIAL"
    else:
        table = name_in(live, "Order")
        property_indexes = {f"{table}_{col('customerCode')}_idx": ((col("customerCode"),), False),
                            f"{table}_{col('reference')}_idx": ((col("reference"),), True)}
        assert "FULLTEXT index, which this database does not have" in caplog.text
        assert describe(live, name_in(live, "Store")).indexes == {}
    assert order.indexes == {**model_indexes, **property_indexes}
    assert not any("note" in name.lower() for name in order.indexes)  # "index": 0 is no index
