"""One schema change at a time per database: an advisory lock (PostgreSQL) or GET_LOCK (MySQL).

Two runs against one database are serialized; the second waits (and says so), then plans against
the schema the first one left, or fails clearly after the timeout.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator

from .exceptions import LbsyncError

LOCK_NAME = "django_lbsync"
PG_LOCK_KEY = 0x6C6273796E63  # "lbsync"


class LockTimeout(LbsyncError):
    """Another django-lbsync run held the database for longer than the timeout."""


@contextmanager
def database_lock(connection, *, timeout: float = 60.0, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    vendor = connection.vendor
    if vendor not in ("postgresql", "mysql"):
        yield  # SQLite locks the whole file for a write transaction; others: not serialized yet
        return
    with connection.cursor() as cursor:
        if not _try_lock(cursor, vendor):
            if on_wait:
                on_wait()
            deadline = time.monotonic() + timeout
            while not _try_lock(cursor, vendor):
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another django-lbsync run has held database {connection.alias!r} for more than "
                        f"{timeout:g} s; try again when it has finished"
                    )
                time.sleep(0.2)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PG_LOCK_KEY])
            else:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [LOCK_NAME])


def _try_lock(cursor, vendor: str) -> bool:
    if vendor == "postgresql":
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [PG_LOCK_KEY])
    else:
        cursor.execute("SELECT GET_LOCK(%s, 0)", [LOCK_NAME])
    return bool(cursor.fetchone()[0])
