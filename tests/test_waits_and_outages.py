"""Nothing waits forever, and an unreachable database has its own exit code (issue 9, items 7 and 8).

- A connect to a port where nothing listens, or to a server that accepts and never answers, ends
  within LBSYNC["CONNECT_TIMEOUT"] with exit code 4 and one line, from every command; W002 from check.
- `--lock-timeout` bounds waits on table locks held by other sessions, and is validated.
- The django-lbsync lock is per database: MySQL GET_LOCK names carry the database; SQLite files lock.

Judged by exit codes, elapsed time, and the schema and rows read back with raw catalog SQL.
"""
from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import ConnectionHandler

from django_lbsync import ConfigurationError, LockTimeout, automigrate, autoupdate
from django_lbsync.locking import MYSQL_LOCK_NAME_MAX, database_lock, mysql_lock_name
from tests.conftest import FIXTURES, drop_all_tables, require_alias
from tests.live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=[*settings.LIVE_ALIASES, "sqlite_file"])

CONNECT_TIMEOUT = 1
EXIT_UNREACHABLE = 4
#: A Django process start plus a little: what "within roughly the timeout" allows on a loaded machine.
SLACK = 4.0


# --- helpers -----------------------------------------------------------------------------------------

class SilentServer:
    """A TCP server that accepts connections and never sends a byte (a wedged database)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(client)

    def close(self):
        self.socket.close()
        for client in self.accepted:
            client.close()


def closed_port() -> int:
    """A port where nothing listens: bound once, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def down_aliases(silent_port: int, tmp_path: Path) -> dict[str, dict]:
    """Aliases of databases that cannot be reached, on every live vendor."""
    return {
        "pg_refused": {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "USER": "postgres",
                       "HOST": "127.0.0.1", "PORT": closed_port()},
        "pg_silent": {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "USER": "postgres",
                      "HOST": "127.0.0.1", "PORT": silent_port},
        "mysql_refused": {"ENGINE": "django.db.backends.mysql", "NAME": "x", "USER": "root",
                          "HOST": "127.0.0.1", "PORT": closed_port()},
        "mysql_silent": {"ENGINE": "django.db.backends.mysql", "NAME": "x", "USER": "root",
                         "HOST": "127.0.0.1", "PORT": silent_port},
        "sqlite_missing": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "no" / "such" / "db.sqlite3")},
    }


#: Every command that connects, with the arguments it needs.
COMMANDS = {
    "automigrate": ["--noinput"],
    "autoupdate": ["--noinput"],
    "isactual": [],
    "discovermodels": [],
    "discovermodelproperties": ["customertest"],
    "discoverschema": [],
}


def run_command(name: str, *args, **options) -> tuple[int, str, str, float]:
    """(exit code, stdout, stderr, seconds) of call_command; a CommandError gives its returncode."""
    out, err = StringIO(), StringIO()
    started = time.monotonic()
    try:
        call_command(name, *args, stdout=out, stderr=err, **options)
        code = 0
    except CommandError as exc:
        code, err = exc.returncode, StringIO(err.getvalue() + str(exc))
    except SystemExit as exc:  # isactual's "not in sync"
        code = exc.code
    return code, out.getvalue(), err.getvalue(), time.monotonic() - started


def in_threads(calls: dict) -> dict:
    """Run the calls at once, each in its own thread (so with its own connections): the outages' waits overlap."""
    results = {}

    def run(key, call):
        try:
            results[key] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[key] = exc
        finally:
            for connection in connections.all(initialized_only=True):
                connection.close()

    threads = [threading.Thread(target=run, args=(key, call)) for key, call in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def other_connection(alias: str, name: str | None = None):
    """A second, independent connection to the database of `alias` (or to database `name` on its server)."""
    entry = copy.deepcopy(connections[alias].settings_dict)
    if name is not None:
        entry["NAME"] = name
    return ConnectionHandler({"default": entry})["default"]


def row_checksum(alias: str, table: str) -> list:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
        return cursor.fetchall()


def seed(alias: str, use_models, rows: int = 3) -> str:
    """CustomerTest v1 with rows; returns its table name as the catalog spells it."""
    use_models(alias, "customer_v1")
    automigrate(using=alias)
    (table,) = tables(alias)
    connection = connections[alias]
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for i in range(rows):
            cursor.execute(f"INSERT INTO {q(table)} ({q('id')}, {q('name')}, {q('age')}) VALUES (%s, %s, %s)",
                           [f"id{i}", f"name {i}", i])
    return table


# --- item 8: an unreachable database -----------------------------------------------------------------

def run_outage_matrix(tmp_path: Path, silent_port: int, calls: list[tuple[str, list[str], str]]) -> list[dict]:
    """Run `calls` (command, args, alias) at once, in threads of one Django process whose settings hold the
    unreachable aliases (this test's own process may not connect to aliases its test case does not list)."""
    write_cli_settings(tmp_path, down_aliases(silent_port, tmp_path))
    script = (
        "import json, sys, django\n"
        "django.setup()\n"
        "from tests.test_waits_and_outages import in_threads, run_command\n"
        "calls = json.loads(sys.argv[1])\n"
        "results = in_threads({i: (lambda c=c: run_command(c[0], *c[1], **({'database': c[2]} if c[0] != 'check'\n"
        "                                                   else {}))) for i, c in enumerate(calls)})\n"
        "print(json.dumps([list(results[i]) if isinstance(results[i], tuple) else repr(results[i])\n"
        "                  for i in range(len(calls))]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, json.dumps(calls)], env=cli_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return [dict(command=c[0], alias=c[2], result=r) for c, r in zip(calls, rows)]


def test_every_command_exits_4_with_one_line_when_the_database_cannot_be_reached(silent_server, tmp_path):
    aliases = list(down_aliases(silent_server.port, tmp_path))
    calls = [(command, args, alias) for command, args in COMMANDS.items() for alias in aliases]
    started = time.monotonic()
    outcomes = run_outage_matrix(tmp_path, silent_server.port, calls)
    elapsed = time.monotonic() - started

    for outcome in outcomes:
        command, alias, result = outcome["command"], outcome["alias"], outcome["result"]
        assert isinstance(result, list), outcome
        code, out, err, seconds = result
        assert code == EXIT_UNREACHABLE, outcome
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"cannot connect to database {alias!r}"), outcome
        assert seconds < CONNECT_TIMEOUT + SLACK, outcome
        if alias.endswith("_silent"):
            # It really waited on the silent server (so the test measures the timeout), and no longer.
            assert seconds >= CONNECT_TIMEOUT - 0.1, outcome
    assert len(silent_server.accepted) >= 2 * len(COMMANDS)  # every command on both silent aliases got there
    assert elapsed < 2 * (CONNECT_TIMEOUT + SLACK) + 5


def test_check_gives_w002_when_the_database_cannot_be_reached(silent_server, tmp_path):
    aliases = list(down_aliases(silent_server.port, tmp_path))
    outcomes = run_outage_matrix(tmp_path, silent_server.port, [("check", ["--database", a], a) for a in aliases])
    for outcome in outcomes:
        alias, result = outcome["alias"], outcome["result"]
        assert isinstance(result, list), outcome
        code, out, err, seconds = result
        assert code == 0, outcome
        assert "lbsync.W002" in err and f"cannot connect to database {alias!r}" in err, outcome
        assert "Traceback" not in err + out
        assert seconds < CONNECT_TIMEOUT + SLACK


def write_cli_settings(folder: Path, aliases: dict) -> None:
    """Settings with the unreachable aliases; every one mapped, so each has models and W002 compares it."""
    (folder / "outage_settings.py").write_text(
        "from tests.settings import *  # noqa\n"
        f"DATABASES = {{**DATABASES, **{aliases!r}}}\n"
        f"LBSYNC = {{'MODELS': [{str(FIXTURES / 'customer_v1')!r}], 'CONNECT_TIMEOUT': {CONNECT_TIMEOUT},\n"
        f"          'DATASOURCES': {{'db': 'default', **{{a: a for a in {list(aliases)!r}}}}}}}\n"
    )


def cli_env(folder: Path) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "outage_settings",
            "PYTHONPATH": os.pathsep.join([str(folder), str(Path(__file__).parent.parent)])}


@pytest.mark.parametrize("command,alias", [("autoupdate", "pg_silent"), ("isactual", "mysql_silent"),
                                           ("discoverschema", "mysql_refused")])
def test_from_the_command_line_an_outage_is_one_line_without_traceback(command, alias, silent_server, tmp_path):
    write_cli_settings(tmp_path, down_aliases(silent_server.port, tmp_path))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "django", command, *COMMANDS[command], "--database", alias],
                          env=cli_env(tmp_path), capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == EXIT_UNREACHABLE, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"CommandError: cannot connect to database {alias!r}")
    assert elapsed < CONNECT_TIMEOUT + SLACK + 2  # + the interpreter and Django starting


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_database_alias_is_exit_2(command):
    code, out, err, _ = run_command(command, *COMMANDS[command], database="nosuch")
    assert code == 2 and err.strip() == "Unknown database 'nosuch'."


def test_an_open_connection_keeps_its_settings_and_later_ones_get_none_of_ours(live, settings, file_sqlite):
    """The timeout is only for connections our calls open; Django's next connection uses the alias as set."""
    alias = live_or_file(live, file_sqlite)  # an in-memory SQLite database is never closed and re-opened
    settings.LBSYNC = {"MODELS": [str(FIXTURES / "customer_v1")], "DATASOURCES": {"db": alias}, "CONNECT_TIMEOUT": 3}
    connection = connections[alias]
    connection.close()
    opened = []
    real = type(connection).get_new_connection

    def spy(self, conn_params):
        opened.append(dict(conn_params))
        return real(self, conn_params)

    type(connection).get_new_connection = spy
    try:
        autoupdate(using=alias)         # opens the connection: with our timeout
        connection.close()
        connection.ensure_connection()  # Django on its own: without
    finally:
        type(connection).get_new_connection = real
    assert "get_new_connection" not in vars(connection)
    if live == "default":
        assert [p.get("connect_timeout") for p in opened] == [None, None]
    else:
        assert [p.get("connect_timeout") for p in opened] == [3, None]


def test_options_set_by_the_project_win(live, settings):
    if live == "default":
        pytest.skip("SQLite opens a local file: no connect timeout")
    settings.LBSYNC = {"MODELS": [], "DATASOURCES": {"db": live}, "CONNECT_TIMEOUT": 3}
    connection = connections[live]
    connection.close()
    params = connection.get_connection_params()
    from django_lbsync.connecting import with_connect_timeout
    from django_lbsync.vendors import vendor_for

    assert with_connect_timeout(vendor_for(connection), {**params, "connect_timeout": 7}, 3)["connect_timeout"] == 7


@pytest.mark.parametrize("value", [0, -1, "nan", "soon"])
def test_an_invalid_connect_timeout_setting_is_refused_with_exit_2(value, settings):
    settings.LBSYNC = {"MODELS": [str(FIXTURES / "customer_v1")], "DATASOURCES": {"db": "default"},
                       "CONNECT_TIMEOUT": value}
    code, out, err, _ = run_command("isactual")
    assert code == 2 and "CONNECT_TIMEOUT" in err


# --- item 7: lock timeouts ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["autoupdate", "automigrate"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "soon", ""])
def test_an_invalid_lock_timeout_is_refused_with_exit_2_and_nothing_changes(command, value, live, use_models):
    table = seed(live, use_models)
    before = (describe(live, table).columns, row_checksum(live, table))
    use_models(live, "customer_v2")
    code, out, err, _ = run_command(command, "--noinput", "--allow-destructive" if command == "autoupdate" else
                                    "--noinput", f"--lock-timeout={value}", database=live)
    assert code == 2 and "--lock-timeout must be a number of seconds" in err
    assert (describe(live, table).columns, row_checksum(live, table)) == before


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -0.5, "x", None])
def test_the_api_refuses_an_invalid_lock_timeout(value, live, use_models):
    use_models(live, "customer_v1")
    for call in (automigrate, autoupdate):
        with pytest.raises(ConfigurationError, match="lock_timeout"):
            call(using=live, lock_timeout=value)
    assert not tables(live)


class TableLockHolder:
    """Another session holding a lock on the table: an exclusive one (reads wait too), or the lock of a
    reader in an open transaction (only DDL waits)."""

    STATEMENTS = {  # (vendor, kind) -> (statements, the statement that lets go)
        ("postgresql", "exclusive"): (["BEGIN", "LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"], "ROLLBACK"),
        ("postgresql", "reader"): (["BEGIN", "SELECT * FROM {table}"], "ROLLBACK"),
        ("mysql", "exclusive"): (["LOCK TABLES {table} WRITE"], "UNLOCK TABLES"),
        # A read in an open transaction holds a shared metadata lock, which ALTER TABLE must wait for.
        ("mysql", "reader"): (["START TRANSACTION", "SELECT * FROM {table}"], "ROLLBACK"),
        ("sqlite", "exclusive"): (["BEGIN EXCLUSIVE"], "ROLLBACK"),
    }

    def __init__(self, alias: str, table: str, kind: str):
        self.connection = other_connection(alias)
        self.connection.ensure_connection()
        raw = self.connection.connection
        cursor = raw.cursor()
        if self.connection.vendor == "sqlite":
            raw.isolation_level = None  # let BEGIN be ours
        statements, self.let_go = self.STATEMENTS[self.connection.vendor, kind]
        for statement in statements:
            cursor.execute(statement.format(table=self.connection.ops.quote_name(table)))
            if cursor.description:
                cursor.fetchall()
        self.cursor = cursor
        self.released = threading.Lock()
        # Should the bound not hold, the run would wait as long as the lock is held: let go in time, so
        # that the test fails instead of hanging.
        self.timer = threading.Timer(2 + 3 * SLACK, self.end_transaction)
        self.timer.start()

    def end_transaction(self):
        if self.released.acquire(blocking=False):
            self.cursor.execute(self.let_go)

    def release(self):
        self.timer.cancel()
        self.end_transaction()
        self.connection.close()


@pytest.fixture
def file_sqlite():
    """The SQLite database in a file (the test database is in memory, where locks do not wait), emptied."""
    drop_all_tables("sqlite_file")
    yield "sqlite_file"
    drop_all_tables("sqlite_file")


@pytest.fixture(scope="module", autouse=True)
def remove_lock_file():
    yield
    lock_file = Path(f"{connections['sqlite_file'].settings_dict['NAME']}.lbsync-lock")
    lock_file.unlink(missing_ok=True)


def live_or_file(live: str, file_sqlite: str) -> str:
    return file_sqlite if live == "default" else live


@pytest.mark.parametrize("kind", ["exclusive", "reader"])
@pytest.mark.parametrize("command", ["autoupdate", "automigrate"])
def test_lock_timeout_bounds_a_wait_for_a_table_lock(command, kind, live, use_models, file_sqlite):
    alias = live_or_file(live, file_sqlite)
    if live == "default" and kind == "reader":
        pytest.skip("SQLite locks the whole file: a reader never blocks a writer's start")
    table = seed(alias, use_models)
    before = (describe(alias, table).columns, row_checksum(alias, table))
    use_models(alias, "customer_v2")
    holder = TableLockHolder(alias, table, kind)
    try:
        code, out, err, seconds = run_command(command, "--noinput", "--allow-destructive" if command == "autoupdate"
                                              else "--noinput", "--lock-timeout", "2", database=alias)
    finally:
        holder.release()
    assert code == 1, (out, err)
    assert "Gave up waiting for a table lock held by another session (--lock-timeout 2 s)" in err
    assert 1.8 <= seconds < 2 + SLACK, seconds
    connections[alias].close()
    assert (describe(alias, table).columns, row_checksum(alias, table)) == before


def test_the_session_lock_waits_are_restored_after_a_run(live, use_models, file_sqlite):
    alias = live_or_file(live, file_sqlite)
    connection = connections[alias]
    reads = {
        "postgresql": "SELECT current_setting('lock_timeout')",
        "mysql": "SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout",
        "sqlite": "PRAGMA busy_timeout",
    }[connection.vendor]

    def waits():
        with connection.cursor() as cursor:
            cursor.execute(reads)
            return cursor.fetchone()

    use_models(alias, "customer_v1")
    before = waits()
    seen = []
    automigrate(using=alias, lock_timeout=3, progress=lambda action, table: seen.append(waits()))
    assert waits() == before
    if connection.vendor != "mysql":  # MySQL's automigrate reports progress after the run
        assert seen and seen[0] != before and seen[0][0] in ("3s", 3000)


# --- item 7: the django-lbsync lock, per database ----------------------------------------------------

def second_database(alias: str, tmp_path: Path):
    """A connection to another database on the same server (another file on SQLite); dropped after."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        other = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3",
                                               "NAME": str(tmp_path / "other.sqlite3")}})["default"]
        return other, lambda: other.close()
    name = f"{connection.settings_dict['NAME']}_other"
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {q(name)}")
        cursor.execute(f"CREATE DATABASE {q(name)}")
    other = other_connection(alias, name)

    def drop():
        other.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {q(name)}")

    return other, drop


def test_runs_on_two_databases_of_one_server_do_not_wait_for_each_other(live, file_sqlite, tmp_path):
    alias = live_or_file(live, file_sqlite)
    other, drop = second_database(alias, tmp_path)
    same = other_connection(alias)
    try:
        with database_lock(connections[alias], timeout=0):
            started = time.monotonic()
            with database_lock(other, timeout=0):  # another database: free at once
                pass
            assert time.monotonic() - started < 1
            # The control: a second run on the same database waits, then says why it stopped.
            waited = []
            started = time.monotonic()
            with pytest.raises(LockTimeout, match="another django-lbsync run has held database"):
                with database_lock(same, timeout=0.5, on_wait=lambda: waited.append(True)):
                    pass
            assert waited and 0.5 <= time.monotonic() - started < 3
    finally:
        same.close()
        drop()


def test_a_second_run_on_one_sqlite_file_waits_then_times_out(file_sqlite, use_models):
    use_models(file_sqlite, "customer_v1")
    first = other_connection(file_sqlite)
    try:
        with database_lock(first, timeout=0):
            code, out, err, seconds = run_command("autoupdate", "--noinput", "--lock-timeout", "1",
                                                  database=file_sqlite)
    finally:
        first.close()
    assert code == 1 and "Waiting for another django-lbsync run" in err
    assert "another django-lbsync run has held database 'sqlite_file' for more than 1 s" in err
    assert 1 <= seconds < 1 + SLACK
    assert not tables(file_sqlite)
    # Once the first has finished, the same run goes through.
    assert run_command("autoupdate", "--noinput", "--lock-timeout", "1", database=file_sqlite)[0] == 0
    assert tables(file_sqlite)


def test_mysql_lock_names_are_per_database_and_fit_get_lock():
    assert mysql_lock_name("shop") != mysql_lock_name("shop2")
    long_a, long_b = "a" * 60 + "x", "a" * 60 + "y"
    assert len(mysql_lock_name(long_a)) <= MYSQL_LOCK_NAME_MAX
    assert mysql_lock_name(long_a) != mysql_lock_name(long_b)


def test_mysql_lock_is_taken_under_the_database_name(live):
    if live != "mysql":
        pytest.skip("GET_LOCK is MySQL's")
    require_alias(live)
    connection = connections[live]
    observer = other_connection(live)
    try:
        with database_lock(connection, timeout=0):
            with connection.cursor() as cursor:
                cursor.execute("SELECT CONNECTION_ID()")
                (ours,) = cursor.fetchone()
            with observer.cursor() as cursor:
                cursor.execute("SELECT IS_USED_LOCK(%s), IS_USED_LOCK('django_lbsync')",
                               [f"django_lbsync.{connection.settings_dict['NAME']}"])
                holder, server_wide_holder = cursor.fetchone()
        # Ours is the per-database name (the server-wide one may be held by an older version elsewhere).
        assert holder == ours and server_wide_holder != ours
    finally:
        observer.close()


# --- a SQLite file that is missing, or is not a database ------------------------------------------------

NOT_A_DATABASE = b"these bytes are not a SQLite database\n" * 50


def sqlite_aliases(tmp_path: Path) -> dict[str, dict]:
    """`sqlite_new`: its folder exists, the file does not; `sqlite_junk`: a file that is not a database;
    `sqlite_fresh_a` / `_b`: missing files that automigrate / autoupdate create."""
    (tmp_path / "junk.sqlite3").write_bytes(NOT_A_DATABASE)
    return {name: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / f"{name}.sqlite3")}
            for name in ("sqlite_new", "sqlite_fresh_a", "sqlite_fresh_b")} | {
        "sqlite_junk": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "junk.sqlite3")}}


def run_calls(tmp_path: Path, aliases: dict, target: str, calls: list[list]) -> list:
    """Run each call in one fresh Django process whose settings hold `aliases`, with the customer_v1 models
    attached to `target`: ["command", name, args, alias] gives (code, out, err, seconds); ["api", function,
    alias] gives "ok" or the exception's class and text."""
    (tmp_path / "outage_settings.py").write_text(
        "from tests.settings import *  # noqa\n"
        f"DATABASES = {{**DATABASES, **{aliases!r}}}\n"
        f"LBSYNC = {{'MODELS': [{str(FIXTURES / 'customer_v1')!r}], 'DATASOURCES': {{'db': {target!r}}}}}\n"
    )
    script = (
        "import json, sys, django\n"
        "django.setup()\n"
        "import django_lbsync, django_lbsync.discovery as discovery\n"
        "from tests.test_waits_and_outages import run_command\n"
        "out = []\n"
        "for call in json.loads(sys.argv[1]):\n"
        "    if call[0] == 'command':\n"
        "        extra = {} if call[1] == 'check' else {'database': call[3]}\n"
        "        out.append(list(run_command(call[1], *call[2], **extra)))\n"
        "        continue\n"
        "    function = getattr(django_lbsync, call[1], None) or getattr(discovery, call[1])\n"
        "    try:\n"
        "        function(using=call[2])\n"
        "        out.append('ok')\n"
        "    except Exception as exc:\n"
        "        out.append(f'{type(exc).__name__}: {exc}')\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, json.dumps(calls)], env=cli_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


READ_ONLY_COMMANDS = {
    "isactual": [],
    "discovermodels": [],
    "discovermodelproperties": ["customertest"],
    "discoverschema": [],
    "automigrate": ["--sql"],
    "autoupdate": ["--sql"],
}
READ_ONLY_API = ["get_plan", "is_actual", "discover_model_definitions", "discover_schemas"]


def sqlite_tables(path: Path) -> list[str]:
    """Read with the sqlite3 module directly, not through Django or django-lbsync."""
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))


def test_read_only_work_never_creates_a_missing_sqlite_file_and_automigrate_does(tmp_path):
    aliases = sqlite_aliases(tmp_path)
    new = Path(aliases["sqlite_new"]["NAME"])
    calls = [["command", name, args, "sqlite_new"] for name, args in READ_ONLY_COMMANDS.items()]
    calls += [["api", function, "sqlite_new"] for function in READ_ONLY_API]
    calls += [["command", "check", ["--database", "sqlite_new"], "sqlite_new"]]
    results = run_calls(tmp_path, aliases, "sqlite_new", calls)

    for call, result in zip(calls[:len(READ_ONLY_COMMANDS)], results):
        code, out, err, _ = result
        assert code == EXIT_UNREACHABLE, (call, result)
        assert err.strip().splitlines() == [
            f"cannot connect to database 'sqlite_new' (sqlite {new}): no such database file"], (call, result)
    for call, result in zip(calls[len(READ_ONLY_COMMANDS):], results[len(READ_ONLY_COMMANDS):-1]):
        assert result.startswith("DatabaseUnreachable: ") and "no such database file" in result, (call, result)
    code, out, err, _ = results[-1]
    assert code == 0 and "lbsync.W002" in err and "no such database file" in err, results[-1]
    assert not new.exists() and list(tmp_path.glob("sqlite_new*")) == []  # nothing at all was created

    # automigrate and autoupdate start a new SQLite database: that is how one is made.
    for command, alias in (("automigrate", "sqlite_fresh_a"), ("autoupdate", "sqlite_fresh_b")):
        (result,) = run_calls(tmp_path, aliases, alias, [["command", command, ["--noinput"], alias]])
        assert result[0] == 0, result
        assert sqlite_tables(Path(aliases[alias]["NAME"])) == ["CustomerTest"]


def test_a_file_that_is_not_a_sqlite_database_is_unreachable_on_every_command(tmp_path):
    aliases = sqlite_aliases(tmp_path)
    junk = Path(aliases["sqlite_junk"]["NAME"])
    calls = [["command", name, args, "sqlite_junk"] for name, args in [*COMMANDS.items(), *READ_ONLY_COMMANDS.items()]]
    calls += [["api", function, "sqlite_junk"] for function in ("automigrate", "autoupdate", *READ_ONLY_API)]
    calls += [["command", "check", ["--database", "sqlite_junk"], "sqlite_junk"]]
    results = run_calls(tmp_path, aliases, "sqlite_junk", calls)
    for call, result in zip(calls, results):
        if call[0] == "api":
            assert result.startswith("DatabaseUnreachable: ") and "file is not a database" in result, (call, result)
        elif call[1] == "check":
            code, out, err, _ = result
            assert code == 0 and "lbsync.W002" in err and "file is not a database" in err, result
        else:
            code, out, err, _ = result
            assert code == EXIT_UNREACHABLE, (call, result)
            assert err.strip().splitlines() == [
                f"cannot connect to database 'sqlite_junk' (sqlite {junk}): file is not a database"], (call, result)
    assert junk.read_bytes() == NOT_A_DATABASE  # untouched


def test_a_fifo_where_the_sqlite_file_should_be_is_unreachable_at_once(tmp_path):
    """A FIFO (or a device) at the database path: opening it to read the header blocked every read-only command
    for ever (no writer ever comes); it is not a database, said at once (the subprocess has 120 s)."""
    fifo = tmp_path / "pipe.sqlite3"
    os.mkfifo(fifo)
    aliases = {"sqlite_pipe": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(fifo)}}
    calls = [["command", "isactual", [], "sqlite_pipe"], ["api", "is_actual", "sqlite_pipe"]]
    (command, api_call) = run_calls(tmp_path, aliases, "sqlite_pipe", calls)
    code, out, err, seconds = command
    assert code == EXIT_UNREACHABLE and "not a regular file" in err and seconds < 30, command
    assert api_call.startswith("DatabaseUnreachable: ") and "not a regular file" in api_call, api_call
