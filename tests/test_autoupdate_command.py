"""`manage.py autoupdate` / `isactual` and the system checks: exit codes a CI script can use."""
from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import connections

from django_lbsync import automigrate, get_plan, is_actual

from .live_schema import describe
from .test_autoupdate_live import (
    assert_customer_v2, execute, live_state, name_in, q, rows_checksum, seed_v1,
)

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def isactual_exit(alias) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("isactual", database=alias, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_isactual_exit_codes_and_listing(live, use_models):
    use_models(live, "customer_v1")
    automigrate(using=live)
    code, text = isactual_exit(live)
    assert code == 0 and "is in sync" in text
    use_models(live, "customer_v2")
    code, text = isactual_exit(live)
    assert code == 1
    assert f"+ Add column {name_in(live, 'CustomerTest')}.{name_in(live, 'firstName')}" in text
    assert "<- CustomerTest.firstName" in text  # the model and property the change comes from
    assert f"- Drop column {name_in(live, 'CustomerTest')}.age" in text


def test_isactual_json(live, use_models):
    use_models(live, "customer_v1")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("isactual", "--format", "json", database=live, stdout=out)
    data = json.loads(out.getvalue())
    assert data["in_sync"] is False and data["changes"][0]["kind"] == "create_table"


def test_autoupdate_refuses_with_exit_3_and_changes_nothing(live, use_models):
    table = seed_v1(live, use_models)
    use_models(live, "customer_v2")
    before, data = live_state(live), rows_checksum(live, table)
    with pytest.raises(CommandError, match="would lose or rewrite data") as caught:
        run("autoupdate", "--noinput", database=live)
    assert caught.value.returncode == 3
    assert "1 non-null value(s) would be lost" in str(caught.value)
    assert live_state(live) == before and rows_checksum(live, table) == data
    text = run("autoupdate", "--noinput", "--allow-destructive", database=live)
    assert_customer_v2(live, table)
    applied = 4 if live == "postgresql" else 5  # PostgreSQL strings are TEXT: email's length does not change
    assert "Running autoupdate:" in text and "... OK" in text and f"Applied {applied} change(s)" in text
    assert run("autoupdate", "--noinput", database=live).startswith("No changes.")
    assert isactual_exit(live)[0] == 0


def test_autoupdate_sql_changes_nothing(live, use_models):
    table = seed_v1(live, use_models)
    use_models(live, "customer_v2")
    before, data = live_state(live), rows_checksum(live, table)
    text = run("autoupdate", "--sql", database=live)
    assert "DROP COLUMN" in text.upper() and "ADD COLUMN" in text.upper()
    assert live_state(live) == before and rows_checksum(live, table) == data


def test_autoupdate_json(live, use_models):
    use_models(live, "customer_v1")
    data = json.loads(run("autoupdate", "--format", "json", "--noinput", database=live))
    assert data["applied"] is True and data["changes"][0]["kind"] == "create_table"
    assert is_actual(using=live)


def test_check_warns_when_not_in_sync(live, use_models):
    use_models(live, "customer_v1")
    with pytest.raises(SystemCheckError, match=r"lbsync\.W001.*not in sync"):
        call_command("check", "--fail-level", "WARNING", databases=[live], stdout=StringIO(), stderr=StringIO())
    automigrate(using=live)
    call_command("check", "--fail-level", "WARNING", databases=[live], stdout=StringIO(), stderr=StringIO())


def test_check_reports_invalid_definitions_without_a_database(settings, model_dir):
    folder = model_dir({"bad.json": {"name": "Bad", "properties": {"x": {"type": "nope"}}}})
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": "default"}}
    with pytest.raises(SystemCheckError, match=r"lbsync\.E001.*bad\.json: model Bad: property x"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_check_on_every_run_setting(live, use_models, settings):
    use_models(live, "customer_v1")
    settings.LBSYNC = {**settings.LBSYNC, "CHECK_DATABASES": True}
    with pytest.raises(SystemCheckError, match=r"lbsync\.W001"):
        call_command("check", "--fail-level", "WARNING", stdout=StringIO(), stderr=StringIO())


def test_not_null_without_default_is_refused_with_exit_3(live, use_models, model_dir):
    use_models(live, model_dir({"t.json": {"name": "T", "properties": {"a": "string"}}}))
    automigrate(using=live)
    execute(live, f"INSERT INTO {q(live, name_in(live, 'T'))} ({q(live, 'a')}) VALUES ('x')")
    use_models(live, model_dir({"t.json": {"name": "T", "properties": {"a": "string",
                                                                       "b": {"type": "number", "required": True}}}}))
    with pytest.raises(CommandError, match="impossible") as caught:
        run("autoupdate", "--noinput", "--allow-destructive", database=live)
    assert caught.value.returncode == 3
    assert "1 row(s)" in str(caught.value)
    assert {c[0] for c in describe(live, name_in(live, "T")).columns} == {"a", "id"}  # no column b was added


# -- output as Django users expect (issue 12) ---------------------------------------------------------------
def test_plan_flag_shows_the_plan_and_changes_nothing(live, use_models):
    table = seed_v1(live, use_models)
    use_models(live, "customer_v2")
    before, data = live_state(live), rows_checksum(live, table)
    text = run("autoupdate", "--plan", database=live)
    assert text.startswith("Planned operations:\n")
    assert "+ Add column" in text and "may be destructive" in text
    assert live_state(live) == before and rows_checksum(live, table) == data
    assert run("autoupdate", "--plan", "-v", "3", database=live).count("why: safe") >= 1
    run("autoupdate", "--noinput", "--allow-destructive", database=live)
    assert run("autoupdate", "--plan", database=live) == "Planned operations:\n  No planned operations.\n"


def test_progress_counts_steps_and_verbosity_2_shows_each_steps_sql(live, use_models):
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    text = run("autoupdate", "--noinput", "--allow-destructive", "-v", "2", database=live)
    steps = re.findall(r"  \[(\d+)/(\d+)\] [-+~] ", text)
    assert steps and [int(n) for n, _ in steps] == list(range(1, len(steps) + 1))
    assert {total for _, total in steps} == {str(len(steps))}
    # The time, then the step's SQL: an ALTER TABLE, or on SQLite a rebuild by copy, which starts by asking how
    # big the schema and the table are (rebuild._copies_back).
    assert re.search(r"\.\.\. OK \(\d+\.\d{3}s\)\n      (ALTER TABLE |SELECT count\(\*\) FROM sqlite_master\n)", text)
    assert "ALTER TABLE" not in run("autoupdate", "--noinput", database=live)  # -v 1: no SQL (and no change)


def test_sql_is_returned_by_call_command(live, use_models):
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    returned = call_command("autoupdate", sql=True, database=live, stdout=StringIO())
    assert "ALTER TABLE" in returned and returned == returned.strip()


def test_isactual_ends_with_a_summary_line(live, use_models):
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    code, text = isactual_exit(live)
    plan = get_plan(using=live)
    tables_touched = len({c.table.key for c in plan.changes})
    assert code == 1
    assert (f"{len(plan.changes)} difference{'s' if len(plan.changes) != 1 else ''} in {tables_touched} "
            f"table{'s' if tables_touched != 1 else ''} (1 compared).") in text


def test_the_prompt_shows_the_whole_plan_before_asking(live, use_models, monkeypatch):
    from django_lbsync.management.commands.autoupdate import Command

    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    asked = []
    monkeypatch.setattr(Command, "ask", lambda self, question: asked.append(question) or False)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("autoupdate", database=live, stdout=out)
    shown = out.getvalue()
    assert shown.startswith("Autoupdate plan:\n") and "+ Add column" in shown and len(asked) == 1


def test_a_large_autoupdate_on_postgresql_runs_in_several_transactions(live, use_models, monkeypatch):
    if connections[live].vendor != "postgresql":
        pytest.skip("PostgreSQL's lock table")
    from django_lbsync import api

    seed_v1(live, use_models)
    before = execute(live, f"SELECT {q(live, 'id')}, {q(live, 'email')} FROM {q(live, 'customertest')} ORDER BY 1")
    use_models(live, "customer_v2")
    monkeypatch.setattr(api, "lock_budget", lambda connection: 2)  # one change per transaction
    text = run("autoupdate", "--noinput", "--allow-destructive", database=live)
    assert re.search(r"It runs in [2-9] transactions, each atomic", text)
    assert isactual_exit(live)[0] == 0
    after = execute(live, f"SELECT {q(live, 'id')}, {q(live, 'email')} FROM {q(live, 'customertest')} ORDER BY 1")
    assert after == before  # the kept columns' values are untouched
