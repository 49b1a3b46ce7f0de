"""A run whose every step ran and whose end failed, on a live database: the public API raises the run's own
type (ApplyFailed for autoupdate and step-by-step automigrate, StatementFailed for automigrate's send), never
the base StepFailed or a bare driver error, and the database is what the message says (read with the
independent reader).

The failures are real, not mocked: on PostgreSQL an event trigger (an audit trigger, as a DBA might keep)
writes a row whose deferred foreign key fails at COMMIT; on SQLite a row that points nowhere, left from before
the run in a table no model touches, fails the foreign key check Django's editor makes before its COMMIT.
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
    """After setup, every COMMIT of a transaction that ran ALTER TABLE or CREATE TABLE on `live` fails."""
    vendor = connections[live].vendor
    if vendor == "mysql":
        pytest.skip("MySQL/MariaDB commit each DDL statement as it runs: no COMMIT ends the run")

    def arm() -> None:
        if vendor == "postgresql":
            _execute(live,
                     "CREATE TABLE audit_parent (id integer PRIMARY KEY)",
                     "CREATE TABLE audit_log (parent integer REFERENCES audit_parent DEFERRABLE INITIALLY DEFERRED)",
                     "CREATE FUNCTION audit_ddl() RETURNS event_trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN INSERT INTO audit_log VALUES (1); END $$",
                     "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE') "
                     "EXECUTE FUNCTION audit_ddl()")
        else:  # foreign keys off only to write the orphan, as a legacy database may hold one
            _execute(live, "CREATE TABLE legacy_parent (id integer PRIMARY KEY)",
                     "CREATE TABLE legacy_child (id integer PRIMARY KEY, parent integer REFERENCES legacy_parent)",
                     "PRAGMA foreign_keys = OFF", "INSERT INTO legacy_child VALUES (1, 99)", "PRAGMA foreign_keys = ON")

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
    commit_fails()
    with pytest.raises(ApplyFailed) as caught:
        autoupdate(using=live)
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
    if connections[live].vendor == "postgresql":
        assert _rows(live, "audit_log") == 0


def test_an_automigrate_whose_commit_fails_is_rolled_back(live, commit_fails, use_models, model_dir):
    """PostgreSQL sends automigrate's statements in batches (StatementFailed); SQLite runs them step by step
    (ApplyFailed). Either way: the run's own type, and the table dropped by the run is back with its row."""
    use_models(live, _models(model_dir))
    automigrate(using=live)
    (table,) = tables(live)
    _execute(live, f"INSERT INTO {connections[live].ops.quote_name(table)} (a) VALUES ('kept')")
    commit_fails()
    sends = connections[live].vendor == "postgresql"
    with pytest.raises(StatementFailed if sends else ApplyFailed) as caught:
        automigrate(using=live)
    failed = caught.value
    assert failed.failed == "COMMIT" and failed.rolled_back and not failed.in_doubt, str(failed)
    assert "The run was rolled back; the database is as it was." in str(failed)
    if not sends:
        assert [c.describe() for c in failed.change.changes] == [f"Drop table {table}", f"Create table {table}"]
    assert set(describe(live, table).column_types) == {"id", "a"}
    assert _rows(live, connections[live].ops.quote_name(table)) == 1
    assert not connections[live].in_atomic_block
