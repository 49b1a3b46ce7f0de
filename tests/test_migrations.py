"""Schema sync from Django migrations: the AutoUpdate operation, RunPython data migrations, and the
generator command, under `migrate` on live databases."""
from __future__ import annotations

import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections

from django_lbsync import automigrate, is_actual
from django_lbsync.operations import AutoMigrate, AutoUpdate

from .live_schema import describe, tables
from .test_autoupdate_live import execute, live_state, name_in, q, rows_checksum, seed_v1, v1_columns

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def test_operation_describe_and_deconstruct():
    op = AutoUpdate(models=["CustomerTest"], allow_destructive=True)
    assert op.describe() == ("Sync the tables of LoopBack models (CustomerTest) with autoupdate, "
                             "destructive changes allowed")
    assert op.deconstruct() == ("AutoUpdate", [], {"models": ["CustomerTest"], "allow_destructive": True})
    assert AutoUpdate().deconstruct() == ("AutoUpdate", [], {})
    assert not op.reversible and not AutoMigrate(["A"]).reversible
    with pytest.raises(ValueError):
        AutoMigrate([])


def install(settings, app):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, app]


def test_autoupdate_operation_under_migrate_and_sqlmigrate(live, use_models, settings):
    use_models(live, "customer_v1")
    install(settings, "tests.lbsync_opsapp")
    sql = StringIO()
    call_command("sqlmigrate", "lbsync_opsapp", "0001", database=live, stdout=sql)
    assert "CREATE TABLE" in sql.getvalue().upper()
    assert name_in(live, "CustomerTest") not in tables(live)  # sqlmigrate changed nothing
    call_command("migrate", "lbsync_opsapp", database=live, stdout=StringIO())
    customer = describe(live, name_in(live, "CustomerTest"))  # the independent reader, not the product's
    assert (customer.columns, customer.primary_key) == (v1_columns(live), ("id",))
    assert is_actual(using=live)


class RefuseLbsyncApps:
    def allow_migrate(self, db, app_label, **hints):
        return False if app_label.startswith("lbsync_") else None


def test_router_refusal_makes_it_a_no_op(live, use_models, settings):
    use_models(live, "customer_v1")
    install(settings, "tests.lbsync_opsapp")
    settings.DATABASE_ROUTERS = [f"{__name__}.RefuseLbsyncApps"]
    call_command("migrate", "lbsync_opsapp", database=live, stdout=StringIO())
    assert name_in(live, "CustomerTest") not in tables(live)


def test_destructive_change_refused_inside_a_migration(live, use_models, settings):
    table = seed_v1(live, use_models)
    use_models(live, "customer_v2")
    install(settings, "tests.lbsync_opsapp")
    before, data = live_state(live), rows_checksum(live, table)
    with pytest.raises(Exception, match="would lose or rewrite data"):
        call_command("migrate", "lbsync_opsapp", database=live, stdout=StringIO())
    assert live_state(live) == before and rows_checksum(live, table) == data  # nothing applied, no row changed
    assert not is_actual(using=live)


def test_data_migration_splits_names_without_losing_a_row(live, use_models, settings):
    table = seed_v1(live, use_models)
    execute(live, f"INSERT INTO {table} ({q(live, 'id')}, {q(live, 'name')}, {q(live, 'email')}) "
                  "VALUES ('c3', 'Bo', 'bo@example.com')")
    before = execute(live, f"SELECT {q(live, 'id')}, {q(live, 'email')} FROM {table} ORDER BY 1")
    use_models(live, "customer_v2")
    install(settings, "tests.lbsync_testapp")
    call_command("migrate", "lbsync_testapp", database=live, stdout=StringIO())
    first, last = q(live, name_in(live, "firstName")), q(live, name_in(live, "lastName"))
    rows = execute(live, f"SELECT {q(live, 'id')}, {q(live, 'email')}, {first}, {last} FROM {table} ORDER BY 1")
    assert [r[:2] for r in rows] == before  # every row, same ids and emails
    assert [r[2:] for r in rows] == [("Ann", "Lee"), (None, None), ("Bo", None)]
    assert is_actual(using=live)


def test_generated_migration_applies_and_leaves_database_in_sync(live, use_models, settings, tmp_path):
    use_models(live, "customer_v1")
    app = tmp_path / "lbsync_genapp"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    try:
        install(settings, "lbsync_genapp")
        out = StringIO()
        call_command("lbsync_migration", "lbsync_genapp", "CustomerTest", stdout=out)
        written = app / "migrations" / "0001_lbsync_autoupdate.py"
        assert str(written) in out.getvalue()
        text = written.read_text()
        assert "django_lbsync.operations.AutoUpdate(" in text and "models=['CustomerTest']" in text
        assert "fingerprint='sha256:" in text
        call_command("migrate", "lbsync_genapp", database=live, stdout=StringIO())
        assert is_actual(using=live)
        # Like makemigrations: the same definitions again write nothing, and --check passes.
        out = StringIO()
        call_command("lbsync_migration", "lbsync_genapp", "CustomerTest", "--name", "again", stdout=out)
        assert out.getvalue() == "No changes detected in app 'lbsync_genapp'\n"
        call_command("lbsync_migration", "lbsync_genapp", "CustomerTest", "--check", stdout=StringIO())
        assert not (app / "migrations" / "0002_again.py").exists()
        # Another selection of models is another migration (its last fingerprint is none).
        with pytest.raises(SystemExit) as checked:
            call_command("lbsync_migration", "lbsync_genapp", "--check", stdout=StringIO())
        assert checked.value.code == 1
        # Changed definitions: --check exits 1 and --dry-run shows, neither writes; then a real run writes.
        use_models(live, "customer_v2")
        with pytest.raises(SystemExit) as checked:
            call_command("lbsync_migration", "lbsync_genapp", "CustomerTest", "--check", stdout=StringIO())
        assert checked.value.code == 1
        out = StringIO()
        call_command("lbsync_migration", "lbsync_genapp", "CustomerTest", "--dry-run", "--name", "again", stdout=out)
        assert "0002_again.py" in out.getvalue() and not (app / "migrations" / "0002_again.py").exists()
        call_command("lbsync_migration", "lbsync_genapp", "CustomerTest", "--name", "again", stdout=StringIO())
        second = (app / "migrations" / "0002_again.py").read_text()
        assert "dependencies = [\n        ('lbsync_genapp', '0001_lbsync_autoupdate')" in second
        assert second.split("fingerprint=")[1][:40] != text.split("fingerprint=")[1][:40]
        # Unknown names fail at once (exit 2) with a suggestion, not at migrate time.
        with pytest.raises(CommandError) as caught:
            call_command("lbsync_migration", "lbsync_genapp", "CustomerTst", stdout=StringIO())
        assert caught.value.returncode == 2 and "'CustomerTst' (did you mean 'CustomerTest'?)" in str(caught.value)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("lbsync_genapp")]:
            del sys.modules[name]


def test_automigrate_operation(live, use_models):
    use_models(live, "customer_v1")
    connection = connections[live]
    with connection.schema_editor(atomic=connection.features.can_rollback_ddl) as editor:
        AutoMigrate(["CustomerTest"]).database_forwards("lbsync_x", editor, None, None)
    made = live_state(live)
    assert list(made) == [(None, name_in(live, "CustomerTest"))]
    assert made[None, name_in(live, "CustomerTest")].columns == v1_columns(live)
    assert is_actual(using=live)
    # The operation made what the automigrate command makes, as the independent reader sees both.
    automigrate(using=live)
    assert live_state(live) == made
