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
  the run's connection is pinged before a CREATE TABLE is handed out (at most once every LIVENESS_INTERVAL
  seconds, the first hand-out included), after a barrier fails and once at the end: once it is gone
  (killed, the server restarted), so is the lock, and a second run could start. Then nothing new starts,
  and the failure names what ran and says the run's connection was lost. A kill lands at most
  LIVENESS_INTERVAL of hand-outs before it is seen.
- Progress: `on_sent(n)` once the first n statements have all run.
- While the extra connections work, the interpreter switches threads every SWITCH_INTERVAL instead of every
  5 ms (sys.setswitchinterval; restored at the end): a worker whose CREATE TABLE came back needs the GIL to
  take the next one, and the run's thread, rendering the next tables, yields it only at a switch.
"""
from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

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

#: The interpreter's thread switch interval while the extra connections work (seconds; CPython's default is
#: 0.005). At 5 ms, each hand-over of a CREATE TABLE of a few milliseconds could wait as long again for the
#: rendering thread to yield the GIL (bench/RESULTS.md, issue 13). The setting is the process's: other threads
#: switch as often for the duration; a lower interval set by the application is kept.
SWITCH_INTERVAL = 0.0005

#: How StatementFailed names the failure when the run's own connection is lost while others work.
LOST = "The run's own connection, which holds the django-lbsync lock,"


def send_fanned_out(connection, statements: Sequence[str], needs: Sequence[frozenset[int]], workers: int,
                    on_sent: Callable[[int], None] | None = None) -> None:
    """Run `statements` (MySQL, no transaction): CREATE TABLEs on up to `workers` connections, with statement
    i starting after every statement in `needs[i]` (all earlier than i) has run; the rest as barriers.
    Inside a transaction of the caller's, or where no extra connection can be opened, all run on `connection`."""
    on_sent = on_sent or (lambda count: None)
    creates = sum(_is_create(s) for s in statements)
    if workers <= 1 or creates < 2 or not can_fan_out(connection):
        return send_one_by_one(connection, statements, on_sent)
    with FanOut(connection, min(workers, creates), on_sent) as fan:
        fan.feed(statements, needs)
        fan.finish()


def can_fan_out(connection) -> bool:
    """Not inside a transaction of the caller's (nor with autocommit off): the statements then run there."""
    return not connection.in_atomic_block and connection.get_autocommit()


def _is_create(statement: str) -> bool:
    return statement.lstrip().upper().startswith("CREATE TABLE")


class Stopped(Exception):
    """Raised by FanOut.feed once a statement failed: the caller stops rendering and calls finish(), which
    raises the StatementFailed."""


class FanOut:
    """The statements of one run, fed in order (all at once, or as they render: apply.py), sent as the module
    docstring says. Every method runs on the run's own thread, which also renders between feeds; only the
    extra connections' workers run elsewhere. Use as a context manager: leaving it stops and joins the
    workers and closes their connections."""

    def __init__(self, connection, workers: int, on_sent: Callable[[int], None] | None = None):
        self.connection = connection
        self.on_sent = on_sent or (lambda count: None)
        self.statements: list[str] = []
        self.needs: list[frozenset[int]] = []
        self.creates: list[bool] = []  # fans out (False: a barrier on the run's connection)
        self.done: list[bool] = []
        self.started: list[bool] = []  # handed to a connection (or run, for a barrier)
        self.finished: list[int] = []  # in the order they finished
        self.running = 0
        self.next_up = 0
        self.prefix = 0
        self.failure: tuple[int | None, BaseException] | None = None
        self.lost: BaseException | None = None  # the run's own connection failed its ping
        self.stopped = False  # nothing new starts (a failure, or the caller's rendering failed)
        self.pinged = -LIVENESS_INTERVAL  # the first hand-out pings
        self.tasks: queue.SimpleQueue = queue.SimpleQueue()
        self.results: queue.SimpleQueue = queue.SimpleQueue()
        self.threads: list[threading.Thread] = []
        try:
            self.extra = _open_like(connection, workers) if workers > 1 else []
        except Exception:  # noqa: BLE001 - a connection limit, a privilege: the run's own connection still works
            logger.info("could not open extra connections for CREATE TABLE; sending on one", exc_info=True)
            self.extra = []
        for number, extra_connection in enumerate(self.extra, 1):
            thread = threading.Thread(target=_work, args=(extra_connection, self.statements, self.tasks, self.results),
                                      daemon=True, name=f"lbsync-ddl-{number}")
            thread.start()
            self.threads.append(thread)
        self._switches = quick_switches() if self.threads else None  # left in close()
        if self._switches is not None:
            self._switches.__enter__()

    def __enter__(self) -> "FanOut":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def executed(self) -> list[str]:
        """The statements that ran, in the order they finished."""
        return [self.statements[i] for i in self.finished]

    def feed(self, statements: Sequence[str], needs: Sequence[frozenset[int]]) -> None:
        """Add statements (`needs` as send_fanned_out's, numbered over everything fed) and start what can
        start, without waiting. Raises Stopped once a statement has failed."""
        self.statements.extend(statements)  # the workers read it: only ever appended to
        self.needs.extend(needs)
        self.creates.extend(bool(self.threads) and _is_create(s) for s in statements)
        self.done.extend(False for _ in statements)
        self.started.extend(False for _ in statements)
        self._pump(wait=False)
        if self.failure is not None:
            raise Stopped()

    def finish(self) -> None:
        """Wait for everything fed to run; raise StatementFailed if a statement failed or the run's own
        connection was lost."""
        self._pump(wait=True)
        if self.failure is None and self.lost is None and self.threads:
            # The last CREATE TABLEs may have run after the last ping: say so if the lock went meanwhile.
            self.lost = _ping(self.connection)
            if self.lost is not None:
                self.failure = (None, self.lost)
        if self.failure is not None:
            index, error = self.failure
            lost = error is self.lost
            raise StatementFailed(self.executed, "" if lost else self.statements[index], error, rolled_back=False,
                                  described=LOST if lost else None) from error

    def stop(self) -> None:
        """Start nothing more; wait for what is running (the caller's rendering failed)."""
        self.stopped = True
        self._pump(wait=True)

    def close(self) -> None:
        self.stopped = True
        try:
            for _ in self.threads:
                self.tasks.put(None)
            for thread in self.threads:
                thread.join()
            for extra_connection in self.extra:
                extra_connection.close()
            self.threads, self.extra = [], []
        finally:
            # Whatever failed above (a connection that would not close, Ctrl-C during the join), the process's
            # switch interval is not left at SWITCH_INTERVAL.
            if self._switches is not None:
                self._switches, switches = None, self._switches
                switches.__exit__(None, None, None)

    def _pump(self, wait: bool) -> None:
        """Hand out what can start, run the barriers that are due, take in what finished. `wait`: until
        nothing fed is left to start (or nothing may start) and nothing runs."""
        while True:
            self._hand_out()
            while self.prefix < len(self.done) and self.done[self.prefix]:
                self.prefix += 1
            self.on_sent(self.prefix)
            if not self.running:
                if (self.failure is None and not self.stopped and self.next_up < len(self.statements)
                        and self._first_ready(self.next_up) is None):
                    raise AssertionError(f"statement {self.next_up} waits for one that never runs")  # never idle
                return
            try:
                index, error = self.results.get() if wait else self.results.get_nowait()
            except queue.Empty:
                return
            self.running -= 1
            if error is None:
                self.done[index] = True
                self.finished.append(index)
            elif self.failure is None:
                self.failure = (index, error)

    def _hand_out(self) -> None:
        # Never more handed over than there are connections: after a failure (or Ctrl-C) nothing new
        # starts, and only what is running is waited for.
        while self.failure is None and not self.stopped and self.next_up < len(self.statements):
            if self.started[self.next_up]:
                self.next_up += 1
                continue
            if not self.creates[self.next_up]:
                if self.running:
                    return  # a barrier waits for everything before it
                try:
                    with self.connection.cursor() as cursor:
                        cursor.execute(self.statements[self.next_up])
                except Exception as exc:  # noqa: BLE001 - reported by finish()
                    if _ping(self.connection) is not None:  # not the statement: the connection (and lock) went
                        self.lost = exc
                    self.failure = (self.next_up, exc)
                    return
                self.started[self.next_up] = self.done[self.next_up] = True
                self.finished.append(self.next_up)
                self.next_up += 1
                continue
            if self.running >= len(self.threads):
                return
            ready = self._first_ready(self.next_up)
            if ready is None:
                return  # every CREATE TABLE up to the next barrier waits for one that runs
            if time.monotonic() - self.pinged >= LIVENESS_INTERVAL:
                self.lost = _ping(self.connection)
                self.pinged = time.monotonic()
                if self.lost is not None:
                    self.failure = (None, self.lost)
                    return
            self.tasks.put(ready)
            self.started[ready] = True
            self.running += 1

    def _first_ready(self, start: int) -> int | None:
        return _first_ready(start, self.creates, self.started, self.done, self.needs)


#: quick_switches in use (runs fanning out at once, in any thread): the interval is set by the first and restored by
#: the last, so a run that ends does not take the quick switches from one still working.
_SWITCH_LOCK = threading.Lock()
_switch_users = 0
_switch_restore: tuple[float, float] | None = None  # (the interval before, ours as the interpreter stores it)


@contextmanager
def quick_switches(interval: float | None = None) -> Iterator[None]:
    """The thread switch interval at most `interval` (SWITCH_INTERVAL) for the duration, then as it was, unless
    something else changed it meanwhile (the application): that value is kept. Overlapping uses (two runs in
    two threads) share one setting, restored when the last of them ends."""
    global _switch_users, _switch_restore
    interval = SWITCH_INTERVAL if interval is None else interval
    with _SWITCH_LOCK:
        before = sys.getswitchinterval()
        if interval < before:
            sys.setswitchinterval(interval)
            # Restored to what it was before the first use still running.
            first = before if _switch_restore is None else _switch_restore[0]
            _switch_restore = (first, sys.getswitchinterval())
        _switch_users += 1
    try:
        yield
    finally:
        with _SWITCH_LOCK:
            _switch_users -= 1
            if _switch_users == 0:
                restore, _switch_restore = _switch_restore, None
                if restore is not None and sys.getswitchinterval() == restore[1]:
                    sys.setswitchinterval(restore[0])


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
