"""One schema change at a time per database, and no lock wait without a bound.

Two runs against one database are serialized; the second waits (and says so), then plans against
the schema the first one left, or fails clearly after the timeout. How each database is locked:

- PostgreSQL: a session advisory lock (advisory locks belong to one database by nature).
- MySQL/MariaDB: GET_LOCK, whose names are server-wide, so the name carries the database name
  (hashed when it would pass GET_LOCK's 64 characters).
- SQLite: an OS lock on a file beside the database file (`<name>.lbsync-lock`), so two processes
  on one file wait for each other; an in-memory database belongs to one process and needs none.

While the run holds the lock, the same timeout bounds every wait for a table lock held by another
session: PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout` and `innodb_lock_wait_timeout`,
SQLite `busy_timeout`. The session's previous values are restored afterwards.
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import sqlite3
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from .exceptions import LbsyncError, LockTimeout
from .vendors import vendor_for

logger = logging.getLogger("django_lbsync")

LOCK_NAME = "django_lbsync"
PG_LOCK_KEY = 0x6C6273796E63  # "lbsync"
#: MySQL refuses GET_LOCK names longer than this.
MYSQL_LOCK_NAME_MAX = 64
POLL_SECONDS = 0.2


@contextmanager
def database_lock(connection, *, timeout: float = 60.0, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the database's django-lbsync lock, with table-lock waits bounded by `timeout`, for the block."""
    guard = _GUARDS.get(vendor_for(connection).lock_strategy, _Guard)(connection)
    _acquire(guard, connection, timeout, on_wait)
    try:
        previous = guard.bound_table_lock_waits(timeout)
        try:
            yield
        finally:
            cleanup("restore the session's lock wait settings", guard.restore_table_lock_waits, previous)
    finally:
        cleanup("release the django-lbsync lock", guard.release)


@contextmanager
def bounded_lock_waits(connection, timeout: float) -> Iterator[None]:
    """Every wait for a table lock bounded by `timeout` for the block (autoupdate --online's short bound, inside
    the run's own), the session's previous bound restored afterwards."""
    guard = _GUARDS.get(vendor_for(connection).lock_strategy, _Guard)(connection)
    previous = guard.bound_table_lock_waits(timeout)
    try:
        yield
    finally:
        cleanup("restore the session's lock wait settings", guard.restore_table_lock_waits, previous)


def _acquire(guard: _Guard, connection, timeout: float, on_wait: Callable[[], None] | None) -> None:
    if guard.try_acquire():
        return
    if on_wait:
        on_wait()
    deadline = time.monotonic() + timeout
    while not guard.try_acquire():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockTimeout(
                f"another django-lbsync run has held database {connection.alias!r} for more than "
                f"{timeout:g} s; try again when it has finished"
            )
        time.sleep(min(POLL_SECONDS, remaining))


def cleanup(what: str, step, *args) -> None:
    """Cleanup must not hide the run's own error (apply.strict_session uses it too); a failed cleanup is
    logged (the session ends it anyway)."""
    try:
        step(*args)
    except Exception as exc:  # noqa: BLE001 - e.g. an aborted transaction of the caller
        logger.warning("could not %s: %s", what, exc)


def table_lock_wait_exceeded(error: BaseException) -> bool:
    """Whether `error` (or an error it was raised from) is the database giving up a wait for a lock."""
    seen = 0
    while error is not None and seen < 10:
        if any(guard.is_lock_wait_timeout(error) for guard in _GUARDS.values()):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def whole_seconds(timeout: float) -> int:
    """MySQL's lock waits take whole seconds, and 0 would mean "do not wait" or "forever": round up, >= 1."""
    return max(1, math.ceil(timeout))


class _Guard:
    """A database without a django-lbsync lock (Oracle, SQL Server: only offline SQL is produced there)."""

    def __init__(self, connection):
        self.connection = connection

    def try_acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def bound_table_lock_waits(self, timeout: float):
        return None

    def restore_table_lock_waits(self, previous) -> None:
        pass

    @staticmethod
    def is_lock_wait_timeout(error: BaseException) -> bool:
        return False

    def _query(self, sql: str, params=()):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()


class _PostgresGuard(_Guard):
    LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of "canceling statement due to lock timeout"

    def try_acquire(self) -> bool:
        return bool(self._query("SELECT pg_try_advisory_lock(%s)", [PG_LOCK_KEY])[0])

    def release(self) -> None:
        self._query("SELECT pg_advisory_unlock(%s)", [PG_LOCK_KEY])

    def bound_table_lock_waits(self, timeout: float):
        previous = self._query("SELECT current_setting('lock_timeout')")[0]
        # lock_timeout = 0 would mean "wait forever": the smallest wait is 1 ms.
        self._query("SELECT set_config('lock_timeout', %s, false)", [f"{max(1, round(timeout * 1000))}ms"])
        return previous

    def restore_table_lock_waits(self, previous) -> None:
        self._query("SELECT set_config('lock_timeout', %s, false)", [previous])

    @classmethod
    def is_lock_wait_timeout(cls, error: BaseException) -> bool:
        return getattr(error, "sqlstate", None) == cls.LOCK_NOT_AVAILABLE


class _MysqlGuard(_Guard):
    LOCK_WAIT_TIMEOUT = 1205  # ER_LOCK_WAIT_TIMEOUT: metadata locks and InnoDB row locks alike

    def __init__(self, connection):
        super().__init__(connection)
        self.name: str | None = None

    def try_acquire(self) -> bool:
        if self.name is None:
            self.name = mysql_lock_name(self._query("SELECT DATABASE()")[0] or "")
        return self._query("SELECT GET_LOCK(%s, 0)", [self.name])[0] == 1

    def release(self) -> None:
        self._query("SELECT RELEASE_LOCK(%s)", [self.name])

    def bound_table_lock_waits(self, timeout: float):
        previous = self._query("SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout")
        self._set_waits(whole_seconds(timeout), whole_seconds(timeout))
        return previous

    def restore_table_lock_waits(self, previous) -> None:
        self._set_waits(*previous)

    def _set_waits(self, metadata: int, rows: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SET SESSION lock_wait_timeout = %s, SESSION innodb_lock_wait_timeout = %s",
                           [int(metadata), int(rows)])

    @classmethod
    def is_lock_wait_timeout(cls, error: BaseException) -> bool:
        args = getattr(error, "args", ())
        return type(error).__module__.startswith("MySQLdb") and bool(args) and args[0] == cls.LOCK_WAIT_TIMEOUT


def mysql_lock_name(database: str) -> str:
    """The GET_LOCK name for one database: readable when it fits in 64 characters, else hashed."""
    name = f"{LOCK_NAME}.{database}"
    if len(name) <= MYSQL_LOCK_NAME_MAX:
        return name
    return f"{LOCK_NAME}.{hashlib.sha256(database.encode()).hexdigest()[:40]}"


class _SqliteGuard(_Guard):
    def __init__(self, connection):
        super().__init__(connection)
        self.lock_file = None if connection.is_in_memory_db() else f"{connection.settings_dict['NAME']}.lbsync-lock"
        self.handle: int | None = None

    def try_acquire(self) -> bool:
        if self.lock_file is None:
            return True
        if self.handle is None:
            self.connection.ensure_connection()  # a database that cannot be opened says so first
            try:
                self.handle = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise LbsyncError(f"cannot open the lock file {self.lock_file}: {exc.strerror}") from exc
        return _try_lock_file(self.handle)

    def release(self) -> None:
        if self.handle is not None:
            # Closing the descriptor drops the lock; the file stays (removing it would race a waiter).
            os.close(self.handle)
            self.handle = None

    def bound_table_lock_waits(self, timeout: float):
        previous = self._query("PRAGMA busy_timeout")[0]
        self._query(f"PRAGMA busy_timeout = {max(1, round(timeout * 1000))}")
        return previous

    def restore_table_lock_waits(self, previous) -> None:
        self._query(f"PRAGMA busy_timeout = {int(previous)}")

    @staticmethod
    def is_lock_wait_timeout(error: BaseException) -> bool:
        return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def _try_lock_file(handle: int) -> bool:
    """An exclusive, non-blocking OS lock on an open file; the OS drops it when the process ends."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


#: Per Vendor.lock_strategy: how runs on one database are serialized.
_GUARDS: dict[str, type[_Guard]] = {"advisory_lock": _PostgresGuard, "named_lock": _MysqlGuard,
                                    "lock_file": _SqliteGuard}
