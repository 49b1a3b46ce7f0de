"""autoupdate --online (issue 14, docs/online.md): locks per change, the online forms, leftovers of a failed
online run, refusals; and the proof: a writer keeps inserting and updating while --online adds an index, a
unique index, an FK and NOT NULL on a large table, and is never blocked for long, where the ordinary plan
blocks it. Judged by the writer's own latencies, counts and checksums, and the catalog read independently."""
from __future__ import annotations

import json
import os
import threading
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections

from django_lbsync import (ApplyFailed, DataChanged, OnlineRefused, OnlineUnsupported, automigrate, autoupdate,
                           get_plan, is_actual)
from django_lbsync.locks import blocking_warnings
from django_lbsync.operations import AutoUpdate

from .conftest import drop_all_tables, require_alias
from .online_models import files, item

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

SERVERS = ["postgresql", "mysql"]
#: The proof's table: 1 million rows as the issue asks. Under CI, MariaDB (whose ALTERs take ~50 s per million
#: rows here, twice) gets 250 000 so the suite stays short; LBSYNC_ONLINE_PROOF_ROWS sets both (bench/RESULTS.md).
PROOF_ROWS = int(os.environ.get("LBSYNC_ONLINE_PROOF_ROWS", "1000000"))
CI_ROWS = {"mysql": 250_000}


def proof_rows(alias: str) -> int:
    if settings.CI and "LBSYNC_ONLINE_PROOF_ROWS" not in os.environ:
        return CI_ROWS.get(alias, PROOF_ROWS)
    return PROOF_ROWS
#: The writer's worst wait the online run may cause (the issue: below 1 s).
ONLINE_STALL_BOUND = 1.0


@pytest.fixture
def server(request):
    alias = request.param
    require_alias(alias)
    drop_all_tables(alias)
    yield alias
    drop_all_tables(alias)


def configure(settings, model_dir, alias, version, **extra):
    settings.LBSYNC = {"MODELS": [str(model_dir(files(version)))], "DATASOURCES": {"db": alias}, **extra}


def names(alias):
    pg = connections[alias].vendor == "postgresql"
    q = connections[alias].ops.quote_name
    return {"item": q("onlineitem" if pg else "OnlineItem"), "owner": q("onlineowner" if pg else "OnlineOwner"),
            "owner_id": q("ownerid" if pg else "ownerId"), "pg": pg}


def execute(alias, sql, params=None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else None


def fill(alias, rows: int, owners: int = 100) -> None:
    """`rows` items built by the server itself (generate_series / MariaDB's sequence engine), owners 1..owners."""
    n = names(alias)
    if n["pg"]:
        execute(alias, f"INSERT INTO {n['owner']} (label) SELECT 'o' || g FROM generate_series(1, {owners}) g")
        execute(alias, f"INSERT INTO {n['item']} (name, code, {n['owner_id']}, qty) SELECT 'n' || g, 'c' || g, "
                       f"1 + g % {owners}, g % 1000 FROM generate_series(1, {rows}) g")
        execute(alias, f"ANALYZE {n['item']}")
    else:
        execute(alias, f"INSERT INTO {n['owner']} (label) SELECT CONCAT('o', seq) FROM seq_1_to_{owners}")
        execute(alias, f"INSERT INTO {n['item']} (name, code, {n['owner_id']}, qty) SELECT CONCAT('n', seq), "
                       f"CONCAT('c', seq), 1 + seq % {owners}, seq % 1000 FROM seq_1_to_{rows}")
        execute(alias, f"ANALYZE TABLE {n['item']}")


def count_and_sum(alias):
    n = names(alias)
    return tuple(int(v) for v in execute(alias, f"SELECT COUNT(*), SUM(qty) FROM {n['item']}")[0])


# -- the writer ------------------------------------------------------------------------------------------------

class Writer(threading.Thread):
    """Inserts a row and updates another, in a loop, on its own connection (autocommit), timing each write."""

    runs = 0

    def __init__(self, alias: str, rows: int):
        super().__init__(daemon=True)
        self.alias, self.rows = alias, rows
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.inserted = self.updated = 0
        Writer.runs += 1
        self.tag = f"w{Writer.runs}_"  # codes stay unique across writers (the unique index)

    def connect(self):
        params = connections[self.alias].get_connection_params()
        if names(self.alias)["pg"]:
            import psycopg

            return psycopg.connect(host=params.get("host"), port=params.get("port"), user=params.get("user"),
                                   dbname=params.get("dbname"), autocommit=True)
        import MySQLdb

        conn = MySQLdb.connect(host=params["host"], port=params.get("port", 3306), user=params["user"],
                               passwd=params.get("password", params.get("passwd", "")),
                               db=params.get("database", params.get("db")))
        conn.autocommit(True)
        return conn

    def run(self):
        n = names(self.alias)
        conn = self.connect()
        cursor = conn.cursor()
        number = 0
        try:
            while not self.stop.is_set():
                number += 1
                for sql in (f"INSERT INTO {n['item']} (name, code, {n['owner_id']}, qty) VALUES "
                            f"('{self.tag}{number}', '{self.tag}{number}', 1, 1)",
                            f"UPDATE {n['item']} SET qty = qty + 1 WHERE id = {1 + (number * 7919) % self.rows}"):
                    started = time.monotonic()
                    try:
                        cursor.execute(sql)
                    except Exception as exc:  # noqa: BLE001 - counted: the test asserts there are none
                        self.failures.append(str(exc))
                        continue
                    finally:
                        self.latencies.append(time.monotonic() - started)
                    if sql.startswith("INSERT"):
                        self.inserted += 1
                    else:
                        self.updated += 1
                time.sleep(0.002)
        finally:
            conn.close()

    @property
    def worst(self) -> float:
        return max(self.latencies, default=0.0)


def run_with_writer(alias, rows, action):
    """`action()` while a Writer runs; returns (writer, seconds the action took)."""
    before = count_and_sum(alias)
    writer = Writer(alias, rows)
    writer.start()
    time.sleep(0.3)  # the writer is writing before the DDL starts
    started = time.monotonic()
    try:
        action()
    finally:
        took = time.monotonic() - started
        time.sleep(0.3)
        writer.stop.set()
        writer.join(30)
    count, total = count_and_sum(alias)
    # Every row intact: the writer's inserts (qty 1 each) and updates (+1 each) and nothing else.
    assert (count, total) == (before[0] + writer.inserted, before[1] + writer.inserted + writer.updated)
    return writer, took


def revert_to_v1(alias, settings, model_dir):
    """Back to the v1 table with its rows: the index, unique index, FK and NOT NULL dropped by our own prune run."""
    configure(settings, model_dir, alias, 1)
    autoupdate(using=alias, prune=True)
    assert is_actual(using=alias)


def constraints_valid(alias) -> bool:
    """Read independently: PostgreSQL's indexes valid and constraints validated; MySQL has no such state."""
    if not names(alias)["pg"]:
        return True
    invalid = execute(alias, "SELECT count(*) FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid "
                             "WHERE c.relname = 'onlineitem' AND NOT x.indisvalid")[0][0]
    unvalidated = execute(alias, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'onlineitem'::regclass "
                                 "AND NOT convalidated")[0][0]
    return invalid == 0 and unvalidated == 0


#: Measured latencies, printed at the end of the proof (and copied into bench/RESULTS.md).
RESULTS: dict = {}


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_proof_writer_keeps_writing_online_and_is_blocked_without(server, settings, model_dir, capsys):
    rows = proof_rows(server)
    configure(settings, model_dir, server, 1)
    automigrate(using=server)
    fill(server, rows)

    configure(settings, model_dir, server, 2, ONLINE_ROW_THRESHOLD=1000)
    plan = get_plan(using=server)
    assert {c.kind for c in plan.changes} == {"alter_column", "add_index", "add_foreign_key"}
    assert all(c.estimated_rows and c.estimated_rows > rows // 2 for c in plan.changes)
    assert blocking_warnings(plan, 1000), "the ordinary plan blocks writes on a large table: it must say so"
    online_plan = get_plan(using=server, online=True)
    assert not blocking_warnings(online_plan, 1000)
    assert not any(c.lock.in_transaction for c in online_plan.changes)

    # Without --online: the same plan blocks the writer (so this test can fail).
    blocked, blocked_took = run_with_writer(server, rows, lambda: autoupdate(using=server))
    assert is_actual(using=server) and constraints_valid(server)
    assert blocked.failures == []

    revert_to_v1(server, settings, model_dir)
    configure(settings, model_dir, server, 2, ONLINE_ROW_THRESHOLD=1000)
    online, online_took = run_with_writer(server, rows, lambda: autoupdate(using=server, online=True))
    assert online.failures == []
    assert online.worst < ONLINE_STALL_BOUND, f"--online stalled the writer for {online.worst:.3f}s"
    # The ordinary plan blocked the writer (so this test can fail): a stall far above the online run's. Not a
    # fixed second: an idle machine copies the CI-sized MariaDB table in under 1 s (0.995 s once).
    assert blocked.worst > max(5 * online.worst, 0.2), (
        f"the ordinary plan did not block the writer ({blocked.worst:.3f}s of a {blocked_took:.2f}s run; "
        f"online {online.worst:.3f}s)")
    assert is_actual(using=server) and constraints_valid(server)
    RESULTS[server] = (rows, blocked.worst, blocked_took, len(blocked.latencies), online.worst, online_took,
                       len(online.latencies))
    with capsys.disabled():
        print(f"\n[online proof] {server}: {rows} rows; without --online the writer's worst stall "
              f"{blocked.worst:.3f}s (run {blocked_took:.2f}s, {len(blocked.latencies)} writes); with --online "
              f"{online.worst:.3f}s (run {online_took:.2f}s, {len(online.latencies)} writes); 0 failed writes")


# -- the logic, on small tables ------------------------------------------------------------------------------------

@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_json_and_v2_show_each_change_lock(server, settings, model_dir):
    configure(settings, model_dir, server, 1)
    automigrate(using=server)
    fill(server, 50)
    configure(settings, model_dir, server, 2)
    out = StringIO()
    call_command("autoupdate", "--plan", "--format", "json", database=server, stdout=out)
    ordinary = json.loads(out.getvalue())
    out = StringIO()
    call_command("autoupdate", "--plan", "--online", "--format", "json", database=server, stdout=out)
    online = json.loads(out.getvalue())
    assert ordinary["online"] is False and online["online"] is True
    fk = lambda doc: next(c for c in doc["changes"] if c["kind"] == "add_foreign_key")  # noqa: E731
    assert fk(ordinary)["lock"]["blocks_writes"] is True and fk(ordinary)["lock"]["duration"] in ("scan", "rewrite")
    assert fk(online)["lock"]["blocks_writes"] is False and fk(online)["lock"]["in_transaction"] is False
    assert all(c["estimated_rows"] is not None for c in online["changes"])
    out = StringIO()
    call_command("autoupdate", "--plan", "-v", "2", database=server, stdout=out)
    assert out.getvalue().count("      lock") == len(ordinary["changes"])
    call_command("autoupdate", "--online", "--noinput", database=server, stdout=StringIO())
    assert is_actual(using=server) and constraints_valid(server)
    assert autoupdate(using=server, online=True).applied == []  # converged


@pytest.mark.parametrize("server", ["postgresql"], indirect=True)
def test_invalid_index_and_not_valid_leftovers_are_settled(server, settings, model_dir):
    configure(settings, model_dir, server, 1)
    automigrate(using=server)
    fill(server, 50)
    execute(server, "UPDATE onlineitem SET code = 'dup' WHERE id <= 2")
    with pytest.raises(Exception):  # a failed concurrent build leaves an INVALID index behind
        execute(server, 'CREATE UNIQUE INDEX CONCURRENTLY "onlineitem_code_idx" ON onlineitem (code)')
    execute(server, "ALTER TABLE onlineitem ADD CONSTRAINT fk_item_owner FOREIGN KEY (ownerid) "
                    "REFERENCES onlineowner (id) NOT VALID")
    assert not constraints_valid(server)
    execute(server, "UPDATE onlineitem SET code = 'c' || id WHERE id <= 2")
    configure(settings, model_dir, server, 2)
    notices = []
    autoupdate(using=server, online=True, on_notice=notices.append)
    assert any("INVALID index onlineitem_code_idx" in n for n in notices)
    assert any("NOT VALID foreign key fk_item_owner" in n for n in notices)
    assert constraints_valid(server) and is_actual(using=server)
    unique = execute(server, "SELECT x.indisunique FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                             "WHERE i.relname = 'onlineitem_code_idx'")
    assert unique == [(True,)]


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_a_failure_names_what_was_applied_and_a_rerun_converges(server, settings, model_dir):
    configure(settings, model_dir, server, 1)
    automigrate(using=server)
    fill(server, 50)
    configure(settings, model_dir, server, 2)
    n = names(server)

    def orphan_arrives(state, change):  # a writer adds an orphan between preflight and the FK step
        if state == "start" and change.kind == "add_foreign_key":
            execute(server, f"UPDATE {n['item']} SET {n['owner_id']} = 999 WHERE id = 1")

    with pytest.raises(ApplyFailed) as failed:
        autoupdate(using=server, online=True, progress=orphan_arrives)
    assert isinstance(failed.value.error, DataChanged)
    assert failed.value.rolled_back is False and len(failed.value.applied) == 3
    assert "An online run is not one transaction" in str(failed.value)
    assert "3 steps done before the failure" in str(failed.value)
    execute(server, f"UPDATE {n['item']} SET {n['owner_id']} = 1 WHERE id = 1")
    result = autoupdate(using=server, online=True)
    assert [c.kind for c in result.applied] == ["add_foreign_key"]
    assert is_actual(using=server) and constraints_valid(server)


@pytest.mark.parametrize("server", ["mysql"], indirect=True)
def test_mysql_refuses_a_change_only_a_table_copy_can_make(server, settings, model_dir):
    configure(settings, model_dir, server, 1)
    automigrate(using=server)
    wider = item(1)
    wider["properties"]["name"] = {"type": "string", "length": 400}  # VARCHAR(40) -> VARCHAR(400): a copy
    settings.LBSYNC = {"MODELS": [str(model_dir({"owner.json": files(1)["owner.json"], "item.json": wider}))],
                       "DATASOURCES": {"db": server}}
    with pytest.raises(CommandError) as refused:
        call_command("autoupdate", "--online", "--noinput", database=server, stdout=StringIO())
    assert refused.value.returncode == 3 and "no online form" in str(refused.value)
    assert not is_actual(using=server)  # nothing was applied
    with pytest.raises(OnlineRefused):
        autoupdate(using=server, online=True)
    autoupdate(using=server)  # without --online the server copies the table
    assert is_actual(using=server)


@pytest.mark.parametrize("server", ["postgresql"], indirect=True)
def test_online_inside_a_transaction_is_refused(server, settings, model_dir):
    configure(settings, model_dir, server, 2)
    assert AutoUpdate(online=True).atomic is False
    assert AutoUpdate(online=True).deconstruct()[2] == {"online": True}
    with connections[server].schema_editor(atomic=True) as editor:
        with pytest.raises(OnlineUnsupported, match="atomic = False"):
            autoupdate(using=editor, online=True)


def test_sqlite_has_no_online_form(settings, model_dir):
    configure(settings, model_dir, "default", 2)
    with pytest.raises(CommandError) as refused:
        call_command("autoupdate", "--online", "--noinput", database="default", stdout=StringIO())
    assert refused.value.returncode == 2 and "SQLite has no online schema change" in str(refused.value)


@pytest.mark.parametrize("alias,edition", [("oracle", "CREATE INDEX ... ONLINE"), ("mssql", "ONLINE = ON")])
def test_oracle_and_sql_server_refuse_online_offline(alias, edition, settings, model_dir):
    require_alias(alias)
    configure(settings, model_dir, alias, 2)
    with pytest.raises(OnlineUnsupported) as refused:  # before anything connects
        autoupdate(using=alias, online=True, dry_run=True)
    assert "Enterprise Edition" in str(refused.value) and edition in str(refused.value)


@pytest.mark.parametrize("server", ["postgresql"], indirect=True)
def test_a_statement_that_cannot_get_its_lock_is_retried(server, settings, model_dir, caplog):
    """Another session holds a lock the concurrent build needs for a while: each attempt gives up after the
    short lock timeout (so writers never queue long behind it), and a later attempt succeeds."""
    configure(settings, model_dir, server, 1)
    automigrate(using=server)
    fill(server, 50)
    configure(settings, model_dir, server, 2, ONLINE_LOCK_TIMEOUT=0.2, ONLINE_RETRIES=6)
    holder = Writer(server, 1).connect()
    holder.autocommit = False
    holder.execute("LOCK TABLE onlineitem IN SHARE UPDATE EXCLUSIVE MODE")
    release = threading.Timer(1.0, holder.rollback)
    release.start()
    try:
        with caplog.at_level("WARNING", logger="django_lbsync"):
            autoupdate(using=server, online=True)
    finally:
        release.join()
        holder.close()
    assert any("lock wait ran out" in r.getMessage() for r in caplog.records)
    assert is_actual(using=server) and constraints_valid(server)


@pytest.mark.parametrize("server", ["postgresql"], indirect=True)
def test_online_in_a_non_atomic_migration_editor(server, settings, model_dir):
    configure(settings, model_dir, server, 1)
    automigrate(using=server)
    configure(settings, model_dir, server, 2)
    with connections[server].schema_editor(collect_sql=True, atomic=False) as editor:  # sqlmigrate
        autoupdate(using=editor, online=True)
    assert any("CREATE INDEX CONCURRENTLY" in s for s in editor.collected_sql)
    assert not is_actual(using=server)
    with connections[server].schema_editor(atomic=False) as editor:  # migrate, atomic = False
        autoupdate(using=editor, online=True)
    assert is_actual(using=server) and constraints_valid(server)
