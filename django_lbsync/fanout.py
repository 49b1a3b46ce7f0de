"""MySQL/MariaDB automigrate: the CREATE TABLEs go out on several connections at once.

MySQL cannot roll DDL back, so an automigrate there was never one transaction: statements run one by one and
a failure names those that ran. Each CREATE TABLE mostly waits on the server's disk (a data file and a
dictionary commit), so a few connections overlap those waits: 500 CREATE TABLEs took 1.12 s on one
connection, 0.65 s on two and four (bench/RESULTS.md).

The rules (docs/one-ddl-path.md#large-runs-issue-13):
- Only CREATE TABLE statements fan out. Any other statement (a DROP, an ALTER kept apart from its table, a
  CREATE INDEX) is a barrier: it runs on the run's own connection once everything before it has finished,
  and nothing after it starts before it has finished.
- A CREATE TABLE starts only when the CREATE TABLEs of the tables its folded foreign keys reference have
  finished (batch.fold_mysql_indexes_with_positions says which), so the server always finds them. One that
  waits does not hold back the tables behind it (up to LOOKAHEAD, never past a barrier): a free connection
  takes the first that can start.
- Each extra connection is opened from the alias's own settings and given the run's session: sql_mode,
  lock waits and storage engine as the run's connection has them, and the same execute wrappers.
- On a failure nothing new starts; what is running finishes; StatementFailed names every statement that
  ran (in the order they finished) and the one that failed.
- The run's own connection holds the database lock (locking.py); the extra connections hold nothing. So
  while they work, the run's connection is pinged at least every LIVENESS_INTERVAL seconds and once at the
  end: once it is gone (killed, the server restarted), so is the lock, and a second run could start. Then
  nothing new starts, and the failure names what ran and says the run's connection was lost.
- Progress: `on_sent(n)` once the first n statements have all run.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable, Sequence

from .batch import send_one_by_one
from .exceptions import StatementFailed

logger = logging.getLogger("django_lbsync")

#: Session variables an extra connection copies from the run's own connection (names are ours, not input).
_SESSION = ("sql_mode", "lock_wait_timeout", "innodb_lock_wait_timeout", "default_storage_engine",
            "foreign_key_checks", "innodb_strict_mode", "explicit_defaults_for_timestamp", "time_zone",
            "character_set_client", "character_set_connection", "collation_connection")

#: Seconds between pings of the run's own connection while the extra connections work (one round trip each:
#: a few per second cost nothing next to CREATE TABLEs of milliseconds).
LIVENESS_INTERVAL = 0.1

#: How far past the first waiting CREATE TABLE the run looks for one that can start.
LOOKAHEAD = 64

#: How StatementFailed names the failure when the run's own connection is lost while others work.
LOST = "The run's own connection, which holds the django-lbsync lock,"


def send_fanned_out(connection, statements: Sequence[str], needs: Sequence[frozenset[int]], workers: int,
                    on_sent: Callable[[int], None] | None = None) -> None:
    """Run `statements` (MySQL, no transaction): CREATE TABLEs on up to `workers` connections, with statement
    i starting after every statement in `needs[i]` (all earlier than i) has run; the rest as barriers.
    Inside a transaction of the caller's, or where no extra connection can be opened, all run on `connection`."""
    on_sent = on_sent or (lambda count: None)
    creates = [s.lstrip().upper().startswith("CREATE TABLE") for s in statements]
    if workers <= 1 or sum(creates) < 2 or connection.in_atomic_block or not connection.get_autocommit():
        return send_one_by_one(connection, statements, on_sent)
    try:
        extra = _open_like(connection, min(workers, sum(creates)))
    except Exception:  # noqa: BLE001 - a connection limit, a privilege: the run's own connection still works
        logger.info("could not open extra connections for CREATE TABLE; sending on one", exc_info=True)
        return send_one_by_one(connection, statements, on_sent)
    tasks: queue.SimpleQueue = queue.SimpleQueue()
    results: queue.SimpleQueue = queue.SimpleQueue()
    threads: list[threading.Thread] = []
    done = [False] * len(statements)
    started = [False] * len(statements)  # handed to a connection (or run, for a barrier)
    finished: list[int] = []  # in the order they finished
    running = 0
    next_up = 0
    prefix = 0
    failure: tuple[int | None, BaseException] | None = None
    lost: BaseException | None = None  # the run's own connection failed its ping
    pinged = time.monotonic()
    try:
        for number, extra_connection in enumerate(extra, 1):
            thread = threading.Thread(target=_work, args=(extra_connection, statements, tasks, results), daemon=True,
                                      name=f"lbsync-ddl-{number}")
            thread.start()
            threads.append(thread)
        while next_up < len(statements) or running:
            # Never more handed over than there are connections: after a failure (or Ctrl-C) nothing new
            # starts, and only what is running is waited for.
            while failure is None and next_up < len(statements):
                if started[next_up]:
                    next_up += 1
                    continue
                if not creates[next_up]:
                    if running:
                        break  # a barrier waits for everything before it
                    try:
                        with connection.cursor() as cursor:
                            cursor.execute(statements[next_up])
                    except Exception as exc:  # noqa: BLE001 - reported below
                        failure = (next_up, exc)
                        break
                    started[next_up] = done[next_up] = True
                    finished.append(next_up)
                    next_up += 1
                    continue
                if running >= len(threads):
                    break
                ready = _first_ready(next_up, creates, started, done, needs)
                if ready is None:
                    break  # every CREATE TABLE up to the next barrier waits for one that runs
                if time.monotonic() - pinged >= LIVENESS_INTERVAL:
                    lost = _ping(connection)
                    pinged = time.monotonic()
                    if lost is not None:
                        failure = (None, lost)
                        break
                tasks.put(ready)
                started[ready] = True
                running += 1
            while prefix < len(done) and done[prefix]:
                prefix += 1
            on_sent(prefix)
            if not running:
                if failure is not None:
                    break
                if next_up < len(statements) and creates[next_up] and \
                        _first_ready(next_up, creates, started, done, needs) is None:
                    raise AssertionError(f"statement {next_up} waits for one that never runs")  # never loop idle
                continue
            index, error = results.get()
            running -= 1
            if error is None:
                done[index] = True
                finished.append(index)
            elif failure is None:
                failure = (index, error)
    finally:
        for _ in threads:
            tasks.put(None)
        for thread in threads:
            thread.join()
        for extra_connection in extra:
            extra_connection.close()
    while prefix < len(done) and done[prefix]:
        prefix += 1
    on_sent(prefix)
    if failure is None and lost is None and threads:
        # The last CREATE TABLEs may have run after the last ping: say so if the lock went meanwhile.
        lost = _ping(connection)
        if lost is not None:
            failure = (None, lost)
    if failure is not None:
        index, error = failure
        raise StatementFailed([statements[i] for i in finished], "" if error is lost else statements[index], error,
                              rolled_back=False, described=LOST if error is lost else None) from error


def _first_ready(start: int, creates: Sequence[bool], started: list[bool], done: list[bool],
                 needs: Sequence[frozenset[int]]) -> int | None:
    """The first CREATE TABLE from `start` up to the next barrier (at most LOOKAHEAD of them) that is not
    started and whose referenced tables are made: a table that waits for the one just handed out does not
    hold back the independent tables behind it."""
    for index in range(start, min(start + LOOKAHEAD, len(creates))):
        if not creates[index]:
            return None  # nothing passes a barrier
        if not started[index] and all(done[i] for i in needs[index]):
            return index
    return None


def _ping(connection) -> BaseException | None:
    """None when the run's own connection answers; else its error (the lock it held is gone with it)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - the driver's error, reported as the run's failure
        return exc
    return None


def _open_like(connection, count: int) -> list:
    """`count` new connections to the same database with the run connection's session and wrappers."""
    columns = ", ".join(f"@@SESSION.{name}" for name in _SESSION)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        values = cursor.fetchone()
    opened = []
    try:
        for _ in range(count):
            # The run connection's own settings (a test database's name, the connect timeout it was given).
            extra = type(connection)(dict(connection.settings_dict), alias=connection.alias)
            opened.append(extra)
            extra.ensure_connection()
            with extra.cursor() as cursor:
                cursor.execute(f"SELECT {columns}")
                # Only what differs is set: some variables (MySQL 8's restricted ones) need a privilege to set
                # even to the value they have; a refusal falls back to one connection.
                differing = [(name, value) for name, value, own in zip(_SESSION, values, cursor.fetchone())
                             if value != own]
                if differing:
                    cursor.execute("SET " + ", ".join(f"SESSION {name} = %s" for name, _ in differing),
                                   [value for _, value in differing])
            extra.execute_wrappers = list(connection.execute_wrappers)
            extra.inc_thread_sharing()  # used by its worker thread, closed by this one
    except BaseException:
        for extra in opened:
            extra.close()
        raise
    return opened


def _work(connection, statements: Sequence[str], tasks: queue.SimpleQueue, results: queue.SimpleQueue) -> None:
    """Run the statements handed over until told to stop; every task gets a result, even when the connection
    cannot give a cursor, so the run's thread never waits for one that will not come."""
    try:
        cursor = connection.cursor()
    except BaseException as exc:  # noqa: BLE001 - each task fails with it
        while (index := tasks.get()) is not None:
            results.put((index, exc))
        return
    with cursor:
        while (index := tasks.get()) is not None:
            try:
                cursor.execute(statements[index])
            except BaseException as exc:  # noqa: BLE001 - handed to the run's thread, which raises it
                results.put((index, exc))
            else:
                results.put((index, None))
