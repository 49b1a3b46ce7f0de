"""A connection that dies mid-run (pg_terminate_backend, KILL CONNECTION: a server restart looks the same) during
automigrate or autoupdate is a StepFailed naming what was done, never a bare driver error, and the commands exit
1 with that message. Deterministic: the run's own connection is killed by another one at a chosen statement, from
an execute wrapper (or at COMMIT, which no wrapper sees); the result is judged with the independent reader."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections

from django_lbsync import ApplyFailed, api, batch
from django_lbsync.exceptions import RunStage, StatementFailed
from django_lbsync.operations import AutoMigrate, AutoUpdate

from .live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


@pytest.fixture
def server(live):
    if connections[live].vendor == "sqlite":
        pytest.skip("an in-memory SQLite database has no connection to lose")
    return live


def _kill_sql(connection) -> str:
    if connection.vendor == "postgresql":
        return f"SELECT pg_terminate_backend({int(connection.connection.info.backend_pid)}, 5000)"
    return f"KILL CONNECTION {int(connection.connection.thread_id())}"


@contextmanager
def killed_at(alias: str, when):
    """The run's connection is killed right before the first statement `when(sql)` accepts (once)."""
    connection = connections[alias]
    connection.ensure_connection()  # the run uses the connection already open: this one
    kill = _kill_sql(connection)
    killer = type(connection)(dict(connection.settings_dict), alias=alias)
    killer.inc_thread_sharing()  # the PostgreSQL sender runs in its own thread
    fired: list[str] = []

    def watch(execute, sql, params, many, context):
        if not fired and when(sql):
            fired.append(sql)
            with killer.cursor() as cursor:
                cursor.execute(kill)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(watch):
            yield fired
    finally:
        killer.close()
        connection.close()  # the next query opens a new one


def _models(model_dir, count: int, extra: bool = False):
    files = {}
    for i in range(count):
        props = {"a": {"type": "string", "index": True}, "b": {"type": "number"}}
        if extra:
            props["c"] = {"type": "string", "index": True}
        files[f"m{i:02d}.json"] = {"name": f"Lost{i:02d}", "properties": props}
    return model_dir(files)


def _command_error(command: str, alias: str, when) -> CommandError:
    with killed_at(alias, when) as fired, pytest.raises(CommandError) as caught:
        call_command(command, "--noinput", database=alias, stdout=StringIO(), stderr=StringIO())
    assert fired, "the kill never happened"
    assert caught.value.returncode == 1
    return caught.value


def _pg(alias):
    if connections[alias].vendor != "postgresql":
        pytest.skip("PostgreSQL: one transaction, or several when split")


def test_automigrate_killed_in_a_later_part_of_a_split_run_names_the_committed_parts(server, use_models, model_dir,
                                                                                    monkeypatch):
    """Killed while a CREATE round trip of the third transaction runs: the savepoint cannot be rolled back on the
    dead connection. It used to escape as "Automigrate failed; nothing was changed: the connection is closed"."""
    _pg(server)
    monkeypatch.setattr(batch, "BATCH", 3)
    monkeypatch.setattr(api, "lock_budget", lambda connection: 12)
    use_models(server, _models(model_dir, 8))
    with killed_at(server, lambda sql: 'CREATE TABLE "lost06"' in sql), pytest.raises(StatementFailed) as caught:
        api.automigrate(using=server)
    failed = caught.value
    assert not failed.rolled_back and failed.split and failed.split[0] > 1, str(failed)
    assert "terminating connection" in str(failed) or "connection" in str(failed), str(failed)
    made = tables(server)
    assert made and "lost06" not in made
    assert {s.split('"')[1] for s in failed.executed if s.startswith("CREATE TABLE")} == made
    api.automigrate(using=server)  # the rerun, on a new connection, finishes the work
    assert tables(server) == {f"lost{i:02d}" for i in range(8)}


def test_the_command_says_what_a_split_run_committed_before_the_connection_died(server, use_models, model_dir,
                                                                               monkeypatch):
    _pg(server)
    monkeypatch.setattr(batch, "BATCH", 3)
    monkeypatch.setattr(api, "lock_budget", lambda connection: 12)
    use_models(server, _models(model_dir, 8))
    message = str(_command_error("automigrate", server, lambda sql: 'CREATE TABLE "lost06"' in sql))
    assert "nothing was changed" not in message and "Traceback" not in message
    assert "The run was split into" in message and "committed" in message, message


def test_automigrate_killed_in_its_one_transaction_is_rolled_back(server, use_models, model_dir, monkeypatch):
    _pg(server)
    monkeypatch.setattr(batch, "BATCH", 3)
    use_models(server, _models(model_dir, 6))
    with killed_at(server, lambda sql: 'CREATE TABLE "lost03"' in sql), pytest.raises(StatementFailed) as caught:
        api.automigrate(using=server)
    assert caught.value.rolled_back and 'CREATE TABLE "lost03"' in caught.value.statement
    assert tables(server) == set()


def _split_autoupdate(server, use_models, model_dir, monkeypatch):
    use_models(server, _models(model_dir, 8))
    api.automigrate(using=server)
    monkeypatch.setattr(api, "lock_budget", lambda connection: 6)
    use_models(server, _models(model_dir, 8, extra=True))


def test_autoupdate_killed_while_reading_the_schema_for_a_later_transaction(server, use_models, model_dir,
                                                                            monkeypatch):
    """A split autoupdate reads the schema again before each later transaction: killed there, it names what the
    earlier transactions committed (it used to say "Autoupdate failed; nothing was changed")."""
    _pg(server)
    _split_autoupdate(server, use_models, model_dir, monkeypatch)
    columns_reads = []

    def second_columns_read(sql):
        if "array_agg(a.attname" in sql:
            columns_reads.append(sql)
        return len(columns_reads) == 2  # the first is the plan's read, the second the one for transaction 2

    with killed_at(server, second_columns_read), pytest.raises(ApplyFailed) as caught:
        api.autoupdate(using=server)
    failed = caught.value
    assert failed.split and failed.split[0] == 2 and not failed.rolled_back, str(failed)
    assert failed.failed == "Reading the schema for transaction 2"
    # An ApplyFailed like any failure of autoupdate: `change` names the stage and the changes that did not run.
    assert isinstance(failed.change, RunStage) and failed.change.changes
    assert not set(map(id, failed.change.changes)) & set(map(id, failed.applied))
    with_c = {name for name in tables(server) if "c" in describe(server, name).column_types}
    assert len(failed.done) and with_c == {d.split()[2].split(".")[0] for d in failed.done if d.startswith("Add column")}


def test_autoupdate_killed_at_the_commit_of_a_later_transaction(server, use_models, model_dir, monkeypatch):
    """COMMIT goes through no execute wrapper: the kill is made as the second transaction commits."""
    _pg(server)
    _split_autoupdate(server, use_models, model_dir, monkeypatch)
    connection = connections[server]
    connection.ensure_connection()
    kill = _kill_sql(connection)
    commits = []
    original = type(connection)._commit

    def commit(self):
        commits.append(True)
        if len(commits) == 2:
            killer = type(connection)(dict(connection.settings_dict), alias=server)
            with killer.cursor() as cursor:
                cursor.execute(kill)
            killer.close()
        return original(self)

    monkeypatch.setattr(type(connection), "_commit", commit)
    try:
        with pytest.raises(ApplyFailed) as caught:
            api.autoupdate(using=server)
    finally:
        monkeypatch.setattr(type(connection), "_commit", original)
        connection.close()
    failed = caught.value
    assert failed.failed == "COMMIT of transaction 2" and failed.split == (2, failed.split[1]), str(failed)
    assert failed.done and not failed.rolled_back
    assert isinstance(failed.change, RunStage) and failed.change.changes  # the changes that COMMIT was to keep


def _autoupdate_failing_at_commit(server, use_models, model_dir, monkeypatch, commit) -> ApplyFailed:
    """A one-table autoupdate (adds column c) whose COMMIT is `commit(wrapper, original_commit)`."""
    _pg(server)
    use_models(server, _models(model_dir, 1))
    api.automigrate(using=server)
    use_models(server, _models(model_dir, 1, extra=True))
    connection = connections[server]
    original = type(connection)._commit
    monkeypatch.setattr(type(connection), "_commit", lambda self: commit(self, original))
    try:
        with pytest.raises(ApplyFailed) as caught:
            api.autoupdate(using=server)
    finally:
        monkeypatch.setattr(type(connection), "_commit", original)
        connection.close()
    failed = caught.value
    assert failed.failed == "COMMIT" and failed.applied == [] and isinstance(failed.change, RunStage)
    # The changes the COMMIT was to keep: adding c, and its index.
    assert any(c.describe().startswith("Add column lost00.c") for c in failed.change.changes), failed.change
    return failed


def test_a_commit_whose_answer_is_lost_is_in_doubt_not_rolled_back(server, use_models, model_dir, monkeypatch):
    """The server commits, then the connection goes before its answer arrives: the run must not claim it was
    rolled back (the database holds the change); it says the outcome is unknown and what to do."""
    from django.db.utils import OperationalError

    def commit(self, original):
        original(self)  # committed on the server; then the connection goes before the reply is read
        self.connection.close()
        raise OperationalError("server closed the connection unexpectedly")

    failed = _autoupdate_failing_at_commit(server, use_models, model_dir, monkeypatch, commit)
    assert failed.in_doubt and "whether the database committed it is unknown" in str(failed), str(failed)
    assert "rolled back" not in str(failed)
    assert "c" in describe(server, "lost00").column_types  # it did commit
    assert not failed.rolled_back


def test_a_commit_the_server_refused_is_rolled_back_not_in_doubt(server, use_models, model_dir, monkeypatch):
    """An OperationalError at COMMIT on a connection that still answers (a serialization failure, a lock the
    server gave up on) was answered by the server: rolled back, not in doubt."""
    from django.db.utils import OperationalError

    def commit(self, original):
        self.connection.rollback()  # the server refuses the COMMIT; the connection stays usable
        raise OperationalError("could not serialize access due to concurrent update")

    failed = _autoupdate_failing_at_commit(server, use_models, model_dir, monkeypatch, commit)
    assert not failed.in_doubt and failed.rolled_back, str(failed)
    assert "The run was rolled back" in str(failed)
    assert "c" not in describe(server, "lost00").column_types


def test_a_run_that_finished_before_its_connection_died_is_done(server, use_models, model_dir, caplog):
    """MariaDB: killed as the run puts the session's sql_mode back, after every step ran. The run is done (the
    session it would restore is gone): exit 0, not "Autoupdate failed; nothing was changed"."""
    if connections[server].vendor != "mysql":
        pytest.skip("the sql_mode is a MySQL session setting")
    use_models(server, _models(model_dir, 2))
    api.automigrate(using=server)
    use_models(server, _models(model_dir, 2, extra=True))
    out = StringIO()
    sets = []

    def restoring(sql):  # the second SET: the first makes the session strict before the run
        if sql.startswith("SET SESSION sql_mode"):
            sets.append(sql)
        return len(sets) == 2

    with caplog.at_level(logging.WARNING, logger="django_lbsync"), killed_at(server, restoring) as fired:
        call_command("autoupdate", "--noinput", database=server, stdout=out, stderr=StringIO())
    assert len(fired) == 1
    assert "Applied" in out.getvalue()
    assert all("c" in describe(server, name).column_types for name in tables(server))
    assert any("could not restore the session's sql_mode" in r.getMessage() for r in caplog.records)


def test_mysql_automigrate_killed_mid_run_names_what_was_made(server, use_models, model_dir, settings):
    if connections[server].vendor != "mysql":
        pytest.skip("MySQL: statements one by one")
    use_models(server, _models(model_dir, 6))
    settings.LBSYNC = {**settings.LBSYNC, "DDL_CONNECTIONS": 1}
    message = str(_command_error("automigrate", server, lambda sql: sql.startswith("CREATE TABLE `Lost03`")))
    assert "cannot roll DDL back" in message and "nothing was changed" not in message, message
    assert tables(server) == {"Lost00", "Lost01", "Lost02"}


# -- inside a Django migration (operations.py): the migration's transaction is Django's, not the run's -----------

def _customer(model_dir, *new: str):
    """CustomerTest (the model tests/lbsync_opsapp's migration updates) with a, and the indexed columns `new`."""
    props = {"a": {"type": "string"}, **{name: {"type": "string", "index": True} for name in new}}
    return model_dir({"customer.json": {"name": "CustomerTest", "properties": props}})


def _seeded_customer(server, use_models, model_dir) -> str:
    """CustomerTest made with column a and one row; the models then add c and d. Returns the table's name."""
    use_models(server, _customer(model_dir))
    api.automigrate(using=server)
    (table,) = tables(server)
    connection = connections[server]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(table)} (a) VALUES ('kept')")
    use_models(server, _customer(model_dir, "c", "d"))
    return table


def _adds_d(sql: str) -> bool:
    return "ADD COLUMN" in sql and ('"d"' in sql or "`d`" in sql)


def test_a_migration_whose_connection_dies_mid_run_says_the_server_rolled_its_transaction_back(
        server, use_models, model_dir, settings):
    """`migrate` runs the AutoUpdate operation in the migration's atomic transaction, which Django owns; the
    backend is killed as the second step (add column d) starts, after add column c ran. PostgreSQL: the server
    rolled the whole migration back, and the message says so (it said "The run was rolled back", as if the run
    had done it); MariaDB: nothing rolls DDL back, the step done is named."""
    table = _seeded_customer(server, use_models, model_dir)
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.lbsync_opsapp"]
    with killed_at(server, _adds_d) as fired, pytest.raises(ApplyFailed) as caught:
        call_command("migrate", "lbsync_opsapp", database=server, stdout=StringIO())
    assert fired
    failed = caught.value
    assert failed.failed.startswith(f"Add column {table}.d") and failed.change.column.name == "d", str(failed)
    assert [c.describe() for c in failed.applied] == failed.done and failed.done[0].startswith(f"Add column {table}.c")
    columns = describe(server, table).column_types
    with connections[server].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'lbsync_opsapp'")
        assert cursor.fetchone()[0] == 0  # the migration is not recorded as applied
    if connections[server].features.can_rollback_ddl:
        assert failed.lost_in_migration and failed.rolled_back and not failed.in_doubt, str(failed)
        assert "the server rolled back the migration's transaction" in str(failed), str(failed)
        assert "c" not in columns and "d" not in columns  # what the message says: nothing of it committed
    else:
        assert not failed.lost_in_migration and not failed.rolled_back, str(failed)
        assert "this database cannot roll DDL back" in str(failed), str(failed)
        assert "c" in columns and "d" not in columns
    assert _rows(server, table) == ["kept"]


def test_a_non_atomic_migration_whose_connection_dies_names_the_steps_that_stay_committed(
        server, use_models, model_dir):
    """A migration with `atomic = False` (as Django's executor runs one: its editor opens no transaction) on
    PostgreSQL: each statement committed as it ran, so the step done stays, and the message does not claim a
    rollback nor blame the database for not rolling DDL back."""
    _pg(server)
    table = _seeded_customer(server, use_models, model_dir)
    connection = connections[server]
    with killed_at(server, _adds_d) as fired, pytest.raises(ApplyFailed) as caught:
        with connection.schema_editor(atomic=False) as editor:
            AutoUpdate(models=["CustomerTest"]).database_forwards("lbsync_opsapp", editor, None, None)
    assert fired
    failed = caught.value
    assert failed.lost_in_migration and not failed.rolled_back and not failed.in_doubt, str(failed)
    assert len(failed.done) == 1 and failed.done[0].startswith(f"Add column {table}.c"), str(failed)
    assert "the migration is not atomic, so it stays committed" in str(failed)
    assert "cannot roll DDL back" not in str(failed)
    columns = describe(server, table).column_types
    assert "c" in columns and "d" not in columns


def test_an_automigrate_operation_whose_connection_dies_after_the_drop_keeps_the_rows(server, use_models, model_dir):
    """AutoMigrate in an atomic migration drops the table, then is killed as it creates it again: the server rolled
    the migration's transaction back, so the table and its row are still there, as the message says."""
    _pg(server)
    table = _seeded_customer(server, use_models, model_dir)
    connection = connections[server]
    with killed_at(server, lambda sql: sql.startswith("CREATE TABLE")) as fired, pytest.raises(ApplyFailed) as caught:
        with connection.schema_editor(atomic=True) as editor:
            AutoMigrate(["CustomerTest"]).database_forwards("lbsync_opsapp", editor, None, None)
    assert fired
    failed = caught.value
    assert failed.lost_in_migration and failed.rolled_back, str(failed)
    assert failed.done == [f"Drop table {table}"] and failed.failed == f"Create table {table}", str(failed)
    assert "the server rolled back the migration's transaction" in str(failed)
    assert set(describe(server, table).column_types) == {"id", "a"}
    assert _rows(server, table) == ["kept"]


def _rows(server, table) -> list[str]:
    connection = connections[server]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a FROM {connection.ops.quote_name(table)}")
        return [row[0] for row in cursor.fetchall()]
