"""`manage.py autoupdate` / `isactual` and the system checks: exit codes a CI script can use."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError

from django_lbsync import automigrate, is_actual

from .test_autoupdate_live import execute, name_in, q, seed_v1, snapshot

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
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    before = snapshot(live)
    with pytest.raises(CommandError, match="would lose or rewrite data") as caught:
        run("autoupdate", "--noinput", database=live)
    assert caught.value.returncode == 3
    assert "1 non-null value(s) would be lost" in str(caught.value)
    assert snapshot(live) == before
    text = run("autoupdate", "--noinput", "--allow-destructive", database=live)
    applied = 4 if live == "postgresql" else 5  # PostgreSQL strings are TEXT: email's length does not change
    assert "Running autoupdate:" in text and "... OK" in text and f"Applied {applied} change(s)" in text
    assert run("autoupdate", "--noinput", database=live).startswith("No changes.")
    assert isactual_exit(live)[0] == 0


def test_autoupdate_sql_changes_nothing(live, use_models):
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    before = snapshot(live)
    text = run("autoupdate", "--sql", database=live)
    assert "DROP COLUMN" in text.upper() and "ADD COLUMN" in text.upper()
    assert snapshot(live) == before


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
    assert name_in(live, "b") not in {c.name for c in snapshot(live)[name_in(live, "T")].columns}
