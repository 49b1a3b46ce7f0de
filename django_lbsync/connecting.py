"""Opening a connection with a bounded wait, and telling "cannot connect" apart from later failures.

Django opens a connection on first use, with the driver's own connect timeout (psycopg waits 130 s,
mysqlclient for ever on a server that accepts and never answers). While a django-lbsync command or
API call runs inside `reachable(connection)`:

- a connection opened in the block gets LBSYNC["CONNECT_TIMEOUT"] (default 10 s) as the driver's
  connect timeout, unless the alias's OPTIONS set their own: libpq's `connect_timeout` on PostgreSQL,
  `connect_timeout` on MySQL/MariaDB (it bounds the TCP connect and the server's greeting). No read
  timeout is added: it would also cut a long ALTER TABLE on a big table;
- a failure to open it (refused, timed out, unknown host, authentication, unknown database) becomes
  DatabaseUnreachable, which commands turn into exit code 4.

A connection that is already open is left as it is, and once the block ends Django opens the alias's
connections with its settings unchanged: the rest of the project never sees the timeout.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Iterator

from . import conf
from .exceptions import LbsyncError

#: The driver's connect-timeout parameter (whole seconds), per Django vendor. SQLite opens a local
#: file; Oracle and SQL Server are only rendered offline here.
CONNECT_TIMEOUT_PARAMETER = {"postgresql": "connect_timeout", "mysql": "connect_timeout"}


class DatabaseUnreachable(LbsyncError):
    """The database could not be connected to: refused, timed out, unknown host, authentication."""

    def __init__(self, alias: str, message: str):
        self.alias = alias
        super().__init__(message)


@contextmanager
def reachable(connection) -> Iterator[None]:
    """Run the block with a bounded connect on `connection`; a failed connect raises DatabaseUnreachable."""
    if "get_new_connection" in vars(connection):  # an outer block already watches this connection
        yield
        return
    timeout = conf.connect_timeout()
    open_connection = connection.get_new_connection

    def get_new_connection(conn_params):
        try:
            return open_connection(with_connect_timeout(connection.vendor, conn_params, timeout))
        except connection.Database.Error as exc:
            raise DatabaseUnreachable(connection.alias, cannot_connect_message(connection, exc, timeout)) from exc

    # An instance attribute shadows the backend's method for this connection object only, and only
    # until the block ends; Django's connect() calls it, whoever triggers the connect.
    connection.get_new_connection = get_new_connection
    try:
        yield
    finally:
        del connection.get_new_connection


def with_connect_timeout(vendor: str, conn_params: dict, timeout: float) -> dict:
    parameter = CONNECT_TIMEOUT_PARAMETER.get(vendor)
    if parameter is None or parameter in conn_params:  # the alias's OPTIONS decide
        return conn_params
    return {**conn_params, parameter: max(1, math.ceil(timeout))}


def cannot_connect_message(connection, error: BaseException, timeout: float) -> str:
    """One line: which alias, where, and the driver's reason (its messages can span lines)."""
    # Not connection.display_name: on MySQL it asks the server whether it is MariaDB, i.e. connects.
    settings = connection.settings_dict
    if settings.get("HOST"):
        where = f"{connection.vendor} at {settings['HOST']}" + (f":{settings['PORT']}" if settings.get("PORT") else "")
    else:
        where = f"{connection.vendor} {settings.get('NAME')!s}"
    if connection.vendor in CONNECT_TIMEOUT_PARAMETER:
        where += f", connect timeout {max(1, math.ceil(timeout))} s"
    return f"cannot connect to database {connection.alias!r} ({where}): {driver_reason(error)}"


def driver_reason(error: BaseException) -> str:
    """The driver's message on one line; mysqlclient's (code, message) pairs as "message (error code)"."""
    args = getattr(error, "args", ())
    if len(args) == 2 and isinstance(args[0], int):
        text = f"{args[1]} (error {args[0]})"
    else:
        text = str(error)
    return " ".join(text.split()) or type(error).__name__
