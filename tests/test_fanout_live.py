"""MySQL/MariaDB automigrate sends its CREATE TABLEs on several connections (django_lbsync/fanout.py). Judged on
the live server with the independent reader: the statements really spread, a table never starts before the
tables it references are made, the extra connections run in the run's strict session, and a failure names
exactly what was made."""
from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from django_lbsync import api
from django_lbsync.exceptions import StatementFailed

from .live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


@pytest.fixture
def my(live):
    if connections[live].vendor != "mysql":
        pytest.skip("CREATE TABLEs fan out where DDL is not transactional (MySQL/MariaDB)")
    return live


def _chain(model_dir, count: int, broken_at: int | None = None):
    """Chain{i} belongsTo Chain{i-1}: each table's CREATE references the one before it."""
    files = {}
    for i in range(count):
        model = {"name": f"Chain{i:02d}", "properties": {"a": {"type": "string", "index": True}}}
        if i:
            model["relations"] = {"up": {"type": "belongsTo", "model": f"Chain{i - 1:02d}", "foreignKey": "upId"}}
            model["properties"]["upId"] = {"type": "number"}
            model["foreignKeys"] = {f"fk_chain{i:02d}_up": {"name": f"fk_chain{i:02d}_up", "entity": f"Chain{i - 1:02d}",
                                                            "entityKey": "id", "foreignKey": "upId"}}
        if i == broken_at:
            # Past MySQL's 65,535-byte row (utf8mb4: 4 bytes a character): only the server refuses it.
            model["properties"].update({f"wide{n}": {"type": "string", "length": 4000} for n in range(6)})
        files[f"c{i:02d}.json"] = model
    for i in range(count):  # and as many tables that reference nothing
        files[f"f{i:02d}.json"] = {"name": f"Free{i:02d}", "properties": {"b": {"type": "number"}}}
    return model_dir(files)


def _names(count):
    return {f"Chain{i:02d}" for i in range(count)} | {f"Free{i:02d}" for i in range(count)}


def _threads_creating(alias) -> set[str]:
    """automigrate on `alias`; the names of the threads that sent its CREATE TABLEs."""
    threads: set[str] = set()

    def watch(execute, sql, params, many, context):
        if sql.startswith("CREATE TABLE"):
            threads.add(threading.current_thread().name)
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(watch):
        api.automigrate(using=alias)
    return threads


def test_create_tables_spread_over_connections_and_wait_for_what_they_reference(my, use_models, model_dir, settings):
    use_models(my, _chain(model_dir, 6))
    settings.LBSYNC = {**settings.LBSYNC, "DDL_CONNECTIONS": 3}
    threads: set[str] = set()
    modes: set[str] = set()
    order: list[tuple[str, str]] = []

    def watch(execute, sql, params, many, context):
        if not sql.startswith("CREATE TABLE"):
            return execute(sql, params, many, context)
        table = sql.split("`")[1]
        order.append(("start", table))
        if table == "Chain02":
            time.sleep(0.3)  # a referencing table that started early would find no Chain02 and fail
        result = execute(sql, params, many, context)
        order.append(("end", table))
        threads.add(threading.current_thread().name)
        context["cursor"].execute("SELECT @@SESSION.sql_mode")
        modes.add(context["cursor"].fetchone()[0])
        return result

    with connections[my].execute_wrapper(watch):
        call_command("automigrate", "--noinput", database=my, stdout=StringIO())
    assert len(threads) > 1 and all(name.startswith("lbsync-ddl-") for name in threads), threads
    assert {mode for mode in modes} == {"STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION"}
    for i in range(1, 6):  # each chain table started after the one it references had ended
        assert order.index(("start", f"Chain{i:02d}")) > order.index(("end", f"Chain{i - 1:02d}"))
    assert tables(my) == _names(6)
    for i in range(1, 6):
        assert f"fk_chain{i:02d}_up" in describe(my, f"Chain{i:02d}").foreign_keys
    call_command("isactual", database=my, stdout=StringIO())  # exit 0


def test_a_failure_names_exactly_the_tables_that_were_made(my, use_models, model_dir, settings):
    use_models(my, _chain(model_dir, 6, broken_at=3))
    settings.LBSYNC = {**settings.LBSYNC, "DDL_CONNECTIONS": 4}
    with pytest.raises(StatementFailed) as caught:
        api.automigrate(using=my)
    failed = caught.value
    assert not failed.rolled_back and failed.statement.startswith("CREATE TABLE `Chain03`")
    made = tables(my)
    named = {statement.split("`")[1] for statement in failed.executed}
    assert named == made  # what the error says ran is what the server holds
    assert "Chain03" not in made and "Chain04" not in made  # nothing after it in the chain started
    use_models(my, _chain(model_dir, 6))
    api.automigrate(using=my)  # a corrected rerun converges
    assert tables(my) == _names(6)


def test_one_connection_when_told(my, use_models, model_dir, settings):
    use_models(my, _chain(model_dir, 3))
    settings.LBSYNC = {**settings.LBSYNC, "DDL_CONNECTIONS": 1}
    assert _threads_creating(my) == {threading.current_thread().name}
    assert tables(my) == _names(3)


def test_after_a_failure_nothing_new_starts(my):
    """40 independent CREATE TABLEs on 2 connections, the second one refused by the server: only what was
    already running finishes (the rest was never handed over), and the error lists exactly what ran."""
    from django_lbsync.fanout import send_fanned_out

    q = connections[my].ops.quote_name
    wide = ", ".join(f"w{n} VARCHAR(4000)" for n in range(6))
    statements = [f"CREATE TABLE {q(f'fan{n:02d}')} (id INT PRIMARY KEY{', ' + wide if n == 1 else ''})"
                  for n in range(40)]
    ran: list[str] = []

    def watch(execute, sql, params, many, context):
        ran.append(sql)
        return execute(sql, params, many, context)

    with connections[my].execute_wrapper(watch), pytest.raises(StatementFailed) as caught:
        send_fanned_out(connections[my], statements, [frozenset()] * 40, workers=2)
    made = tables(my)
    assert "fan01" not in made
    assert {s.split("`")[1] for s in caught.value.executed} == made
    creates = [sql for sql in ran if sql.startswith("CREATE TABLE")]
    assert len(creates) <= 4, creates  # fan00, fan01 and at most what the other connection had started


def test_extra_connections_refused_means_one_connection(my, use_models, model_dir, settings, monkeypatch):
    from django_lbsync import fanout

    def refuse(connection, count):
        raise RuntimeError("Too many connections")

    monkeypatch.setattr(fanout, "_open_like", refuse)
    use_models(my, _chain(model_dir, 3))
    assert _threads_creating(my) == {threading.current_thread().name}
    assert tables(my) == _names(3)


def test_the_run_stops_when_its_own_connection_and_lock_are_lost(my, use_models, model_dir, settings):
    """The run's connection holds the database lock; the extra connections hold nothing. Killed mid-run, the
    run stops handing out CREATE TABLEs (a second run could take the lock now) and says so, naming exactly
    what the server holds; it is never a success and never a bare driver error."""
    count = 60
    use_models(my, model_dir({f"f{i:02d}.json": {"name": f"Free{i:02d}", "properties": {"b": {"type": "number"}}}
                              for i in range(count)}))
    settings.LBSYNC = {**settings.LBSYNC, "DDL_CONNECTIONS": 2}
    own_id: list[int] = []
    created_after_kill: list[str] = []
    killed = threading.Event()
    killer = type(connections[my])(dict(connections[my].settings_dict), alias=my)
    killer.inc_thread_sharing()

    def watch(execute, sql, params, many, context):
        if threading.current_thread() is threading.main_thread():
            own_id[:] = [context["connection"].connection.thread_id()]
            return execute(sql, params, many, context)
        if sql.startswith("CREATE TABLE"):
            if killed.is_set():
                created_after_kill.append(sql.split("`")[1])
            elif sql.startswith("CREATE TABLE `Free05`"):
                with killer.cursor() as cursor:
                    cursor.execute(f"KILL CONNECTION {int(own_id[0])}")
                killed.set()
            time.sleep(0.01)  # CREATE TABLEs of a realistic size: the kill lands while many are still to come
        return execute(sql, params, many, context)

    try:
        with connections[my].execute_wrapper(watch), pytest.raises(StatementFailed) as caught:
            api.automigrate(using=my)
    finally:
        killer.close()
        connections[my].close()
    failed = caught.value
    assert str(failed).startswith("The run's own connection, which holds the django-lbsync lock, failed: 20"), str(failed)
    assert "cannot roll DDL back" in str(failed)
    made = tables(my)
    assert {statement.split("`")[1] for statement in failed.executed} == made
    assert len(made) < count and len(created_after_kill) < 20, (len(made), created_after_kill)
    api.automigrate(using=my)  # a rerun on a new connection converges
    assert tables(my) == {f"Free{i:02d}" for i in range(count)}


def test_a_table_that_waits_does_not_hold_back_the_tables_behind_it(my):
    """fan_b references fan_a, which is slow; fan_c and fan_d reference nothing: they start on the free
    connection while fan_a runs, and fan_b still starts only after fan_a has ended. A barrier (the CREATE
    INDEX) is never passed: fan_e after it starts only once everything before it has ended."""
    from django_lbsync.fanout import send_fanned_out

    q = connections[my].ops.quote_name
    statements = [f"CREATE TABLE {q('fan_a')} (id INT PRIMARY KEY)",
                  f"CREATE TABLE {q('fan_b')} (id INT PRIMARY KEY, a INT, FOREIGN KEY (a) REFERENCES {q('fan_a')} (id))",
                  f"CREATE TABLE {q('fan_c')} (id INT PRIMARY KEY)",
                  f"CREATE TABLE {q('fan_d')} (id INT PRIMARY KEY)",
                  f"CREATE INDEX {q('fan_c_i')} ON {q('fan_c')} (id)",
                  f"CREATE TABLE {q('fan_e')} (id INT PRIMARY KEY)"]
    needs = [frozenset(), frozenset({0}), frozenset(), frozenset(), frozenset(), frozenset()]
    order: list[tuple[str, str]] = []
    lock = threading.Lock()

    def watch(execute, sql, params, many, context):
        if not sql.startswith("CREATE"):
            return execute(sql, params, many, context)
        name = sql.split("`")[1]
        with lock:
            order.append(("start", name))
        if name == "fan_a":
            time.sleep(0.4)
        result = execute(sql, params, many, context)
        with lock:
            order.append(("end", name))
        return result

    with connections[my].execute_wrapper(watch):
        send_fanned_out(connections[my], statements, needs, workers=2)
    position = {event: i for i, event in enumerate(order)}
    assert position[("start", "fan_c")] < position[("end", "fan_a")], order
    assert position[("start", "fan_d")] < position[("end", "fan_a")], order
    assert position[("start", "fan_b")] > position[("end", "fan_a")], order
    last_before_barrier = max(position[("end", n)] for n in ("fan_a", "fan_b", "fan_c", "fan_d"))
    assert position[("start", "fan_c_i")] > last_before_barrier, order
    assert position[("start", "fan_e")] > position[("end", "fan_c_i")], order
    assert {"fan_a", "fan_b", "fan_c", "fan_d", "fan_e"} <= tables(my)


def test_a_barrier_that_finds_the_run_connection_gone_says_the_lock_went(my):
    """The run's own connection is killed just before a barrier runs on it: the failure is the lost connection
    (and lock), not the barrier statement, and names exactly what was made."""
    from django_lbsync.fanout import LOST, send_fanned_out

    q = connections[my].ops.quote_name
    statements = [f"CREATE TABLE {q('bar_a')} (id INT PRIMARY KEY)", f"CREATE TABLE {q('bar_b')} (id INT PRIMARY KEY)",
                  f"CREATE INDEX {q('bar_a_i')} ON {q('bar_a')} (id)", f"CREATE TABLE {q('bar_c')} (id INT PRIMARY KEY)"]
    killer = type(connections[my])(dict(connections[my].settings_dict), alias=my)

    def watch(execute, sql, params, many, context):
        if sql.startswith("CREATE INDEX"):
            with killer.cursor() as cursor:
                cursor.execute(f"KILL CONNECTION {int(context['connection'].connection.thread_id())}")
        return execute(sql, params, many, context)

    try:
        with connections[my].execute_wrapper(watch), pytest.raises(StatementFailed) as caught:
            send_fanned_out(connections[my], statements, [frozenset()] * 4, workers=2)
    finally:
        killer.close()
        connections[my].close()
    assert str(caught.value).startswith(LOST + " failed: "), str(caught.value)
    assert {s.split("`")[1] for s in caught.value.executed} == tables(my) == {"bar_a", "bar_b"}


def test_threads_switch_often_while_the_tables_fan_out_and_as_before_after(my, use_models, model_dir, settings):
    """While CREATE TABLEs run on the extra connections, the interpreter switches threads every
    fanout.SWITCH_INTERVAL (a worker whose statement came back gets the GIL from the rendering thread sooner);
    afterwards, and after a failed run, as the application had it."""
    import sys

    from django_lbsync import fanout

    use_models(my, _chain(model_dir, 4))
    settings.LBSYNC = {**settings.LBSYNC, "DDL_CONNECTIONS": 3}
    seen: list[float] = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("CREATE TABLE"):
            seen.append(sys.getswitchinterval())
        return execute(sql, params, many, context)

    before = sys.getswitchinterval()
    assert before > fanout.SWITCH_INTERVAL  # CPython's default, 5 ms
    with connections[my].execute_wrapper(watch):
        api.automigrate(using=my)
    assert seen and all(value == pytest.approx(fanout.SWITCH_INTERVAL) for value in seen), seen
    assert sys.getswitchinterval() == before

    use_models(my, _chain(model_dir, 6, broken_at=3))
    settings.LBSYNC = {**settings.LBSYNC, "DDL_CONNECTIONS": 3}
    with pytest.raises(StatementFailed):
        api.automigrate(using=my, confirm=lambda *args: True)
    assert sys.getswitchinterval() == before


def test_an_application_s_own_switch_interval_is_kept():
    import sys

    from django_lbsync.fanout import quick_switches

    before = sys.getswitchinterval()
    try:
        with quick_switches(0.0005):
            assert sys.getswitchinterval() == pytest.approx(0.0005)
        assert sys.getswitchinterval() == before
        sys.setswitchinterval(0.0001)  # lower already: left alone
        with quick_switches(0.0005):
            assert sys.getswitchinterval() == pytest.approx(0.0001)
        assert sys.getswitchinterval() == pytest.approx(0.0001)
        sys.setswitchinterval(before)
        with quick_switches(0.0005):  # changed meanwhile by someone else: that value stays
            sys.setswitchinterval(0.002)
        assert sys.getswitchinterval() == pytest.approx(0.002)
    finally:
        sys.setswitchinterval(before)


def test_the_switch_interval_is_restored_when_closing_an_extra_connection_fails(my, monkeypatch):
    """FanOut.close restores the interval even when leaving fails half-way (an extra connection that will not
    close, a Ctrl-C during the join): the process does not keep switching every 0.5 ms."""
    import sys

    from django_lbsync import fanout

    before = sys.getswitchinterval()
    fan = fanout.FanOut(connections[my], 3)
    assert fan.extra and sys.getswitchinterval() == pytest.approx(fanout.SWITCH_INTERVAL)
    real_close = type(fan.extra[0]).close
    calls = []

    def failing_close(self):
        calls.append(self)
        real_close(self)
        if len(calls) == 1:
            raise RuntimeError("close failed")

    monkeypatch.setattr(type(fan.extra[0]), "close", failing_close)
    try:
        with pytest.raises(RuntimeError, match="close failed"):
            fan.close()
        assert sys.getswitchinterval() == before
    finally:
        monkeypatch.undo()
        for extra in fan.extra:
            extra.close()
        sys.setswitchinterval(before)


def test_overlapping_runs_keep_the_quick_switches_until_the_last_ends():
    """Two runs fanning out at once (two threads): the first to end does not put the interval back under the
    other, which still works; the last one to end restores it."""
    import sys

    from django_lbsync.fanout import SWITCH_INTERVAL, quick_switches

    before = sys.getswitchinterval()
    first, second = quick_switches(), quick_switches()
    try:
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
        second.__exit__(None, None, None)
        assert sys.getswitchinterval() == before
    finally:
        sys.setswitchinterval(before)
