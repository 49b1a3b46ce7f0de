"""PostgreSQL automigrate sends rendered statements from a second thread while the next tables render
(django_lbsync/streaming.py). Judged on the live server: the overlap really happens, and every failure, on
the server or in rendering, in one transaction or in a later part of a split run, leaves what the run
promised (tables read by the independent reader)."""
from __future__ import annotations

import re
import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections, transaction

from django_lbsync import api, apply as apply_module, batch
from django_lbsync.exceptions import ApplyFailed, StatementFailed

from .live_schema import tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


@pytest.fixture
def pg(live):
    if connections[live].vendor != "postgresql":
        pytest.skip("streaming applies where DDL is transactional and sent in batches (PostgreSQL)")
    return live


def _plain_models(model_dir, count: int, broken_at: int | None = None):
    files = {}
    for i in range(count):
        props = {"a": {"type": "string", "index": True}, "b": {"type": "number"}}
        if i == broken_at:
            props["x"] = {"type": "number", "postgresql": {"dbDefault": "no_such_function()"}}
        files[f"m{i:02d}.json"] = {"name": f"Stream{i:02d}", "properties": props}
    return model_dir(files)


def _failing_render(monkeypatch, table: str) -> None:
    """Rendering the step of `table` fails (after earlier steps were handed to the sender)."""
    original_run = apply_module._Applier.run

    def run(self, change):
        if getattr(change.table, "name", "") == table:
            raise ValueError("cannot render this one")
        return original_run(self, change)

    monkeypatch.setattr(apply_module._Applier, "run", run)


def test_the_first_round_trip_runs_before_the_last_table_is_rendered(pg, use_models, model_dir, monkeypatch):
    """The last table's rendering waits until the server has run a round trip: sending everything only after
    rendering (the old way) could never get there, and the wait would time out."""
    monkeypatch.setattr(batch, "BATCH", 4)
    use_models(pg, _plain_models(model_dir, 12))
    first_sent = threading.Event()
    senders: set[str] = set()

    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("CREATE"):
            senders.add(threading.current_thread().name)
            first_sent.set()
        return result

    original_run = apply_module._Applier.run
    waited: list[bool] = []

    def run(self, change):
        if getattr(change.table, "name", "") == "stream11":
            waited.append(first_sent.wait(timeout=20))
        return original_run(self, change)

    monkeypatch.setattr(apply_module._Applier, "run", run)
    with connections[pg].execute_wrapper(watch):
        call_command("automigrate", "--noinput", database=pg, stdout=StringIO())
    assert waited == [True]
    assert senders == {"lbsync-sender"}
    assert tables(pg) == {f"stream{i:02d}" for i in range(12)}
    call_command("isactual", database=pg, stdout=StringIO())  # exit 0


def test_a_statement_failing_in_a_later_round_trip_rolls_back_the_earlier_ones(pg, use_models, model_dir,
                                                                                 monkeypatch):
    monkeypatch.setattr(batch, "BATCH", 3)
    use_models(pg, _plain_models(model_dir, 8, broken_at=6))
    with pytest.raises(StatementFailed) as caught:
        api.automigrate(using=pg)
    assert caught.value.rolled_back
    assert caught.value.statement.startswith('CREATE TABLE "stream06"')
    assert 'CREATE TABLE "stream00"' in " ".join(caught.value.executed)  # sent before it, then rolled back
    assert tables(pg) == set()
    # The connection is usable and back in autocommit: a corrected run converges.
    assert connections[pg].get_autocommit()
    use_models(pg, _plain_models(model_dir, 8))
    api.automigrate(using=pg)
    assert tables(pg) == {f"stream{i:02d}" for i in range(8)}


def test_a_step_failing_to_render_after_sending_began_rolls_everything_back(pg, use_models, model_dir, monkeypatch):
    monkeypatch.setattr(batch, "BATCH", 2)
    use_models(pg, _plain_models(model_dir, 8))
    _failing_render(monkeypatch, "stream06")
    with pytest.raises(ApplyFailed) as caught:
        api.automigrate(using=pg)
    assert caught.value.rolled_back and caught.value.applied == []
    assert tables(pg) == set()
    assert connections[pg].get_autocommit()


def test_in_a_split_run_a_later_part_failing_keeps_the_earlier_parts(pg, use_models, model_dir, monkeypatch):
    monkeypatch.setattr(batch, "BATCH", 3)
    monkeypatch.setattr(api, "lock_budget", lambda connection: 12)
    use_models(pg, _plain_models(model_dir, 8, broken_at=7))
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("automigrate", "--noinput", database=pg, stdout=out)
    message = str(caught.value)
    assert re.search(r"The run was split into \d+ transactions .*committed \d+ steps", message), message
    assert 'CREATE TABLE "stream07"' in message
    made = tables(pg)
    assert "stream07" not in made and "stream00" in made
    text = out.getvalue()
    assert "It runs in" in text and text.index("It runs in") < text.index("[1/"), text  # announced first


def test_a_render_failure_in_a_later_part_of_a_split_run_names_the_committed_parts(pg, use_models, model_dir,
                                                                                    monkeypatch):
    monkeypatch.setattr(api, "lock_budget", lambda connection: 12)
    use_models(pg, _plain_models(model_dir, 8))
    _failing_render(monkeypatch, "stream07")
    with pytest.raises(ApplyFailed) as caught:
        api.automigrate(using=pg)
    failed = caught.value
    assert not failed.rolled_back and failed.split and failed.split[0] > 1
    made = tables(pg)
    assert {change.table.name for change in failed.applied} == made  # exactly the committed parts
    assert "stream07" not in made and made


def test_inside_the_callers_transaction_the_statements_are_sent_in_it(pg, use_models, model_dir):
    """No second thread where the caller holds a transaction open: the run nests in it, as before."""
    use_models(pg, _plain_models(model_dir, 3))
    senders: set[str] = set()

    def watch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("CREATE"):
            senders.add(threading.current_thread().name)
        return execute(sql, params, many, context)

    with connections[pg].execute_wrapper(watch), transaction.atomic(using=pg):
        api.automigrate(using=pg)
    assert senders == {threading.current_thread().name}
    assert tables(pg) == {"stream00", "stream01", "stream02"}


def test_a_failed_commit_is_a_failure_not_a_success(pg, use_models, model_dir, monkeypatch):
    """Whatever breaks in the sending thread (here COMMIT) reaches the caller; the run is rolled back."""
    use_models(pg, _plain_models(model_dir, 4))
    connection = connections[pg]

    def commit():
        raise RuntimeError("the server went away during COMMIT")

    monkeypatch.setattr(connection, "commit", commit)
    with pytest.raises(StatementFailed, match="COMMIT") as caught:
        api.automigrate(using=pg)
    monkeypatch.undo()
    assert caught.value.rolled_back
    assert tables(pg) == set()
    assert connection.get_autocommit()


def test_a_caller_with_autocommit_off_keeps_its_transaction(pg, use_models, model_dir):
    """No commit of its own where the caller turned autocommit off: the caller's rollback undoes the run."""
    use_models(pg, _plain_models(model_dir, 3))
    connection = connections[pg]
    connection.set_autocommit(False)
    try:
        api.automigrate(using=pg)
        assert not connection.get_autocommit()
        connection.rollback()
    finally:
        connection.set_autocommit(True)
    assert tables(pg) == set()


def test_v2_shows_every_step_and_the_round_trips_the_sender_ran(pg, use_models, model_dir, monkeypatch):
    """-v 2 while a second thread sends: every step's line complete, and the round trips listed (printed by the
    command's own thread between progress lines; the race it prevents is too narrow to force here)."""
    monkeypatch.setattr(batch, "BATCH", 2)
    use_models(pg, _plain_models(model_dir, 10))
    out = StringIO()
    call_command("automigrate", "--noinput", database=pg, verbosity=2, stdout=out)
    lines = out.getvalue().splitlines()
    progress = [line for line in lines if "Creating table" in line]
    assert len(progress) == 10 and all("Sent" not in line for line in progress), progress
    assert all(line.rstrip().endswith("OK") or "OK (" in line for line in progress), progress
    assert sum(line.lstrip().startswith("Sent ") for line in lines) >= 5  # the round trips are shown
