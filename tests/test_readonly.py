"""Read-only means read-only (issue 9, item 3): isactual, get_plan, is_actual, the W001 check,
`autoupdate --sql` (text and JSON) and `automigrate --sql` send catalog queries only and never read a
user table. Judged twice: by every statement Django's connection sent (CaptureQueriesContext), and on
PostgreSQL by the server's own scan counters of the user tables (pg_stat_user_tables)."""
from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connections
from django.test.utils import CaptureQueriesContext

from django_lbsync import ChangesRefused, Risk, automigrate, autoupdate, get_plan, is_actual

from .test_autoupdate_live import execute, name_in, q

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

USER_TABLES = ("Thing", "Box")


def prop_string(length, **extra):
    return {"type": "string", "length": length, "postgresql": {"dataType": "varchar", "dataLength": length}, **extra}


def v1():
    return {"thing.json": {"name": "Thing", "properties": {
        "label": prop_string(20), "code": prop_string(10), "qty": "number", "boxId": "number"}}}


def v2():
    # Every probe kind at once: a narrowing, a drop, NOT NULL with a default, a unique index, an FK
    # to a table this plan creates.
    return {
        "box.json": {"name": "Box", "properties": {"title": "string"}},
        "thing.json": {"name": "Thing", "properties": {
            "label": prop_string(5, index={"unique": True}),
            "qty": {"type": "number", "required": True, "default": 0,
                    "mysql": {"default": 0}},
            "boxId": "number"},
            "foreignKeys": {"fk_thing_box": {"name": "fk_thing_box", "entity": "Box", "foreignKey": "boxId"}}},
    }


@pytest.fixture
def drifted(live, use_models, model_dir):
    use_models(live, model_dir(v1()))
    automigrate(using=live)
    table = q(live, name_in(live, "Thing"))
    cols = ", ".join(q(live, name_in(live, c)) for c in ("label", "code", "qty", "boxId"))
    execute(live, f"INSERT INTO {table} ({cols}) VALUES ('a-long-label', 'c1', NULL, 7), ('x', 'c2', NULL, 8)")
    use_models(live, model_dir(v2()))
    return live


def user_table_reads(alias, queries) -> list[str]:
    """Statements that name a user table after FROM/JOIN/INTO/UPDATE/TABLE, or that are not reads
    (session settings such as a lock timeout are allowed: they touch no table)."""
    bad = []
    names = "|".join(re.escape(name_in(alias, t)) for t in USER_TABLES)
    touches = re.compile(rf"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+[`\"\[]?({names})[`\"\]]?(\s|$|\)|,)", re.I)
    for query in queries:
        sql = query["sql"]
        first = sql.lstrip("( ").split(None, 1)[0].upper() if sql.strip() else ""
        if touches.search(sql) or first not in ("SELECT", "SHOW", "PRAGMA", "WITH", "SET"):
            bad.append(sql)
    return bad


def pg_scans(alias) -> int:
    """seq_scan + idx_scan of the user tables, as the server counts them (flushed first)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # a new statement: the backend was idle and flushed
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT COALESCE(SUM(seq_scan + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables "
            "WHERE relname = ANY(%s)", [[name_in(alias, t) for t in USER_TABLES]])
        return int(cursor.fetchone()[0])


def run_read_only_paths(alias) -> dict[str, str]:
    out = {}
    plan = get_plan(using=alias)
    out["plan"] = plan
    assert not is_actual(using=alias)
    text = StringIO()
    with pytest.raises(SystemExit):
        call_command("isactual", database=alias, stdout=text)
    out["isactual"] = text.getvalue()
    text = StringIO()
    with pytest.raises(SystemExit):
        call_command("isactual", "--format", "json", database=alias, stdout=text)
    out["isactual_json"] = text.getvalue()
    with pytest.raises(SystemCheckError, match=r"lbsync\.W001"):
        call_command("check", "--fail-level", "WARNING", databases=[alias], stdout=StringIO(), stderr=StringIO())
    text = StringIO()
    call_command("autoupdate", "--sql", database=alias, stdout=text, stderr=StringIO())
    out["sql"] = text.getvalue()
    text = StringIO()
    call_command("autoupdate", "--sql", "--format", "json", database=alias, stdout=text, stderr=StringIO())
    out["sql_json"] = text.getvalue()
    text = StringIO()
    call_command("automigrate", "--sql", database=alias, stdout=text, stderr=StringIO())
    out["automigrate_sql"] = text.getvalue()
    return out


def test_read_only_paths_send_no_query_that_reads_a_user_table(drifted):
    alias = drifted
    connection = connections[alias]
    scans_before = pg_scans(alias) if connection.vendor == "postgresql" else None
    with CaptureQueriesContext(connection) as captured:
        out = run_read_only_paths(alias)
    assert captured.captured_queries, "the paths must have read the catalog"
    assert user_table_reads(alias, captured.captured_queries) == []
    if scans_before is not None:
        assert pg_scans(alias) == scans_before
    # The plan says what each change MAY do, and that nothing was counted.
    plan = out["plan"]
    assert not plan.measured and all(c.rows is None and not c.measured for c in plan.changes)
    risks = {c.kind: c.risk for c in plan.changes}
    assert risks["drop_column"] == Risk.DESTRUCTIVE and risks["add_foreign_key"] == Risk.IMPOSSIBLE
    assert risks["add_index"] == Risk.IMPOSSIBLE
    assert "[may be destructive: non-null value(s) would be lost (rows not counted" in out["isactual"]
    for text in (out["isactual_json"], out["sql_json"]):
        data = json.loads(text)
        assert data["measured"] is False
        assert all(c["rows"] is None and c["measured"] is False for c in data["changes"])
    assert "DROP" in out["sql"].upper() and "DROP TABLE" in out["automigrate_sql"].upper()


def test_the_probes_can_see_a_user_table_read(drifted):
    """The two judges above can fail: a real autoupdate reads the user tables, and both notice."""
    alias = drifted
    connection = connections[alias]
    scans_before = pg_scans(alias) if connection.vendor == "postgresql" else None
    with CaptureQueriesContext(connection) as captured:
        with pytest.raises(ChangesRefused, match="impossible"):  # the FK to the new, empty Box
            autoupdate(using=alias, allow_destructive=True)
    assert user_table_reads(alias, captured.captured_queries) != []
    if scans_before is not None:
        assert pg_scans(alias) > scans_before
