"""Opening a connection with a bounded wait, and telling "cannot connect" apart from later failures.

Django opens a connection on first use, with the driver's own connect timeout (psycopg waits 130 s,
mysqlclient for ever on a server that accepts and never answers). While a django-lbsync command or
API call runs inside `reachable(connection)`:

- a connection opened in the block gets LBSYNC["CONNECT_TIMEOUT"] (default 10 s) as the driver's
  connect timeout, unless the alias's OPTIONS set their own: libpq's `connect_timeout` on PostgreSQL,
  `connect_timeout` on MySQL/MariaDB (it bounds the TCP connect and the server's greeting). No read
  timeout is added: it would also cut a long ALTER TABLE on a big table;
- a failure to open it (refused, timed out, unknown host, authentication, unknown database) becomes
  DatabaseUnreachable, which commands turn into exit code 4;
- SQLite opens (and creates) a file: a missing file is unreachable unless the block may create the
  database (`may_create`: automigrate and autoupdate, not --sql), and a file that is not a SQLite
  database is unreachable always, since nothing can be read from it.

A connection that is already open is left as it is, and once the block ends Django opens the alias's
connections with its settings unchanged: the rest of the project never sees the timeout.
"""
from __future__ import annotations

import math
import os
import stat
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from . import conf
from .exceptions import DatabaseUnreachable
from .vendors import Vendor, vendor_for


@contextmanager
def reachable(connection, *, may_create: bool = False) -> Iterator[None]:
    """Run the block with a bounded connect on `connection`; a failed connect raises DatabaseUnreachable.

    `may_create`: the block may create a database that does not exist yet (a SQLite file). Read-only
    work (isactual, get_plan, checks, discovery, --sql) must not, so it is off unless asked for; an
    inner block decides for its own duration (the automigrate command's API call may create).
    """
    watching = vars(connection).get("get_new_connection")
    if watching is not None:  # an outer block already watches this connection
        outer, watching.may_create = watching.may_create, may_create
        try:
            yield
        finally:
            watching.may_create = outer
        return
    timeout = conf.connect_timeout()
    open_connection = connection.get_new_connection
    vendor = vendor_for(connection)

    def get_new_connection(conn_params):
        check = sqlite_file_problem if vendor.database_is_local_file else None
        problem = check(connection, conn_params, get_new_connection.may_create) if check else None
        if problem:
            raise DatabaseUnreachable(connection.alias, cannot_connect_message(connection, problem, timeout))
        try:
            return open_connection(with_connect_timeout(vendor, conn_params, timeout))
        except connection.Database.Error as exc:
            raise DatabaseUnreachable(connection.alias, cannot_connect_message(connection, exc, timeout)) from exc

    get_new_connection.may_create = may_create
    # An instance attribute shadows the backend's method for this connection object only, and only
    # until the block ends; Django's connect() calls it, whoever triggers the connect.
    connection.get_new_connection = get_new_connection
    try:
        yield
    finally:
        del connection.get_new_connection


#: A SQLite database file starts with this (https://www.sqlite.org/fileformat.html), in a 100-byte header.
SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_HEADER_SIZE = 100


def sqlite_file_problem(connection, conn_params: dict, may_create: bool) -> str | None:
    """Why the SQLite file cannot be opened without harm, or None. Read from the file system, not through
    SQLite: connecting would create a missing file, and another session's lock would block a query."""
    if connection.is_in_memory_db():
        return None
    path = sqlite_file_path(conn_params.get("database"))
    if path is None:
        return None
    if not os.path.exists(path):
        return None if may_create else "no such database file"
    try:
        # Without blocking: a FIFO (or a device) at the path would otherwise hang a read-only command here.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None  # unreadable: the driver says why
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return "not a regular file, so not a database"
        header = file.read(SQLITE_HEADER_SIZE)
    if header and (len(header) < SQLITE_HEADER_SIZE or not header.startswith(SQLITE_MAGIC)):
        return "file is not a database"  # what SQLite says on the first query; an empty file is a new database
    return None


def sqlite_file_path(name) -> str | None:
    """The file a SQLite NAME opens: a path, or a `file:` URI's path (Django opens NAME with uri=True)."""
    if name is None:
        return None
    name = os.fspath(name)
    if not isinstance(name, str) or name == ":memory:" or not name:
        return None
    if not name.startswith("file:"):
        return name
    parts = urlsplit(name)
    if parse_qs(parts.query).get("mode") == ["memory"] or not parts.path or parts.path == ":memory:":
        return None
    return unquote(parts.path)


def with_connect_timeout(vendor: Vendor, conn_params: dict, timeout: float) -> dict:
    parameter = vendor.connect_timeout_parameter
    if parameter is None or parameter in conn_params:  # the alias's OPTIONS decide
        return conn_params
    return {**conn_params, parameter: max(1, math.ceil(timeout))}


def cannot_connect_message(connection, error: BaseException | str, timeout: float) -> str:
    """One line: which alias, where, and the driver's reason (its messages can span lines)."""
    # Not connection.display_name: on MySQL it asks the server whether it is MariaDB, i.e. connects.
    settings = connection.settings_dict
    if settings.get("HOST"):
        where = f"{connection.vendor} at {settings['HOST']}" + (f":{settings['PORT']}" if settings.get("PORT") else "")
    else:
        where = f"{connection.vendor} {settings.get('NAME')!s}"
    if vendor_for(connection).connect_timeout_parameter:
        where += f", connect timeout {max(1, math.ceil(timeout))} s"
    return f"cannot connect to database {connection.alias!r} ({where}): {driver_reason(error)}"


def driver_reason(error: BaseException | str) -> str:
    """The driver's message on one line; mysqlclient's (code, message) pairs as "message (error code)"."""
    if isinstance(error, str):
        return " ".join(error.split())
    args = getattr(error, "args", ())
    if len(args) == 2 and isinstance(args[0], int):
        text = f"{args[1]} (error {args[0]})"
    else:
        text = str(error)
    return " ".join(text.split()) or type(error).__name__
