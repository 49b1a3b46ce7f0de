"""A run whose every step ran and whose end failed, on a live database: the public API raises the run's own
type (ApplyFailed for autoupdate and step-by-step automigrate, StatementFailed for automigrate's send), never
the base StepFailed or a bare driver error, and the database is what the message says (read with the
independent reader).

The failures are real, not mocked: on PostgreSQL an event trigger (an audit trigger, as a DBA might keep)
writes a row whose deferred foreign key fails at COMMIT; on SQLite a row written in the run's transaction (by the
run's progress callback, as an audit hook might), in a table pointing at the run's table, points nowhere, and
fails the foreign key check the run makes before its COMMIT (fkcheck.py: the tables the run changed and those
pointing into them; a row pointing nowhere from before the run, or elsewhere, fails nothing:
tests/test_sqlite_foreign_key_scope.py).
MySQL/MariaDB commit each DDL statement as it runs: no COMMIT ends such a run, so there is nothing to provoke."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync import ApplyFailed, StatementFailed, automigrate, autoupdate
from django_lbsync.exceptions import RunStage

from .live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def _models(model_dir, extra: bool = False):
    props = {"a": {"type": "string"}}
    if extra:
        props["c"] = {"type": "string"}
    return model_dir({"item.json": {"name": "Item", "properties": props}})


def _execute(alias: str, *statements: str) -> None:
    with connections[alias].cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture
def commit_fails(live):
    """arm(table) -> the run's keyword arguments: the COMMIT of a run that changes `table` on `live` then fails."""
    vendor = connections[live].vendor
    if vendor == "mysql":
        pytest.skip("MySQL/MariaDB commit each DDL statement as it runs: no COMMIT ends the run")

    def arm(table: str) -> dict:
        if vendor == "postgresql":
            _execute(live,
                     "CREATE TABLE audit_parent (id integer PRIMARY KEY)",
                     "CREATE TABLE audit_log (parent integer REFERENCES audit_parent DEFERRABLE INITIALLY DEFERRED)",
                     "CREATE FUNCTION audit_ddl() RETURNS event_trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN INSERT INTO audit_log VALUES (1); END $$",
                     "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE') "
                     "EXECUTE FUNCTION audit_ddl()")
            return {}
        # SQLite: the run's first step writes, in its transaction (foreign keys off), a row pointing nowhere.
        _execute(live, f'CREATE TABLE audit_log (parent integer REFERENCES "{table}")')
        written = []

        def audit(*step) -> None:
            if not written:
                written.append(step)
                _execute(live, "INSERT INTO audit_log VALUES (99)")

        return {"progress": audit}

    yield arm
    if vendor == "postgresql":  # the database outlives the test; the trigger would fire on the teardown's DDL
        _execute(live, "DROP EVENT TRIGGER IF EXISTS audit_ddl", "DROP FUNCTION IF EXISTS audit_ddl()")


def _rows(alias: str, table: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def test_an_autoupdate_whose_commit_fails_is_an_apply_failed_and_rolled_back(live, commit_fails, use_models,
                                                                            model_dir):
    use_models(live, _models(model_dir))
    automigrate(using=live)
    (table,) = tables(live)
    use_models(live, _models(model_dir, extra=True))
    with pytest.raises(ApplyFailed) as caught:
        autoupdate(using=live, **commit_fails(table))
    failed = caught.value
    assert failed.failed == "COMMIT" and failed.rolled_back and not failed.in_doubt, str(failed)
    assert "The run was rolled back; the database is as it was." in str(failed)
    assert failed.applied == [] and failed.done == []
    assert isinstance(failed.change, RunStage)
    assert [c.describe().lower() for c in failed.change.changes] == [f"add column {table.lower()}.c (text null)"]
    # What the message says, read independently: the column is not there, the run's session is not left in
    # a transaction (SQLite's editor used to leave its transaction open, the change in it), and the trigger's
    # row went with the rollback.
    assert "c" not in describe(live, table).column_types
    assert not connections[live].in_atomic_block
    assert _rows(live, "audit_log") == 0
    if connections[live].vendor == "sqlite":  # a table without a primary key: its row named by rowid
        assert f"table 'audit_log', foreign key (parent) -> {table!r}: 1 more row" in str(failed)


def test_an_automigrate_whose_commit_fails_is_rolled_back(live, commit_fails, use_models, model_dir):
    """PostgreSQL sends automigrate's statements in batches (StatementFailed); SQLite runs them step by step
    (ApplyFailed). Either way: the run's own type, and the table dropped by the run is back with its row."""
    use_models(live, _models(model_dir))
    automigrate(using=live)
    (table,) = tables(live)
    _execute(live, f"INSERT INTO {connections[live].ops.quote_name(table)} (a) VALUES ('kept')")
    sends = connections[live].vendor == "postgresql"
    with pytest.raises(StatementFailed if sends else ApplyFailed) as caught:
        automigrate(using=live, **commit_fails(table))
    failed = caught.value
    assert failed.failed == "COMMIT" and failed.rolled_back and not failed.in_doubt, str(failed)
    assert "The run was rolled back; the database is as it was." in str(failed)
    if not sends:
        assert [c.describe() for c in failed.change.changes] == [f"Drop table {table}", f"Create table {table}"]
    assert set(describe(live, table).column_types) == {"id", "a"}
    assert _rows(live, connections[live].ops.quote_name(table)) == 1
    assert not connections[live].in_atomic_block
