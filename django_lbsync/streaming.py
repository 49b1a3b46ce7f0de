"""Sending while rendering: on a database whose DDL is transactional (PostgreSQL), an automigrate's statements
go to the server from a second thread while this one renders the next tables.

Rendering is CPU work in Python and the server's DDL is a wait on the network, so the two overlap (the
render's time hides behind the server's; bench/RESULTS.md). Nothing else changes: the same statements in the
same order, BATCH per round trip, each round trip behind a savepoint so a failure still names its one
statement (batch.name_failure), and the same transactions: one, or the consecutive groups of a split run
(batch.split_changes), each committed when its last statement has run.

The rendering thread owns the run; the sender thread only executes on the same connection object (Django's
thread-sharing count allows that while it runs). The sender is always stopped and joined before anything is
rolled back or the run returns, so no statement can land after a rollback.
"""
from __future__ import annotations

import queue
import threading

from . import batch as _batch

_COMMIT = object()


class SendFailed(Exception):
    """Raised in the rendering thread once the sender has stopped on a failed round trip."""


class StreamingSender:
    """`feed()` statements as they render, `commit()` where a transaction ends, `finish()` at the end.
    Afterwards `failure` holds (start, chunk, error, savepoint) of a failed round trip, and `committed` the
    statements that were committed before it; the failed transaction is left open for the caller to roll back
    (batch.name_failure replays the chunk there first)."""

    def __init__(self, connection, batch: int | None = None):
        self.connection = connection
        self.batch = batch or _batch.BATCH  # read at run time: tests make it small
        self.fed = 0  # statements fed so far (rendering thread only)
        self.handed = 0  # of those, handed to the sender thread in round trips
        self.sent = 0  # statements the server ran (sender thread only, read by the rendering thread)
        self.committed = 0  # statements committed
        self.transactions = 0  # transactions committed
        self.failure: tuple[int, list[str], BaseException, str | None] | None = None
        self._buffer: list[str] = []
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lbsync-sender", daemon=True)

    def __enter__(self) -> StreamingSender:
        self.connection.inc_thread_sharing()
        self._thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._stop.set()  # an error in the rendering thread: send nothing more
        self._queue.put(None)
        self._thread.join()
        try:
            if exc_type is not None or self.failure is not None:
                self.rollback()
        finally:
            self.connection.dec_thread_sharing()

    def feed(self, statements: list[str]) -> None:
        """Queue statements; full round trips leave at once, the rest waits for more, commit() or finish()."""
        if self.failure is not None:
            raise SendFailed()
        self._buffer.extend(statements)
        self.fed += len(statements)
        while len(self._buffer) >= self.batch:
            self._hand(self._buffer[:self.batch])
            del self._buffer[:self.batch]

    def commit(self) -> None:
        """End the current transaction once everything fed so far has run."""
        if self._buffer:
            self._hand(self._buffer)
            self._buffer = []
        self._queue.put(_COMMIT)

    def finish(self, on_progress=None) -> None:
        """Send and commit what is left, and wait until the server has run it all (or a round trip failed);
        `on_progress(sent)` hears, in this thread, how far the server got while waiting."""
        self.commit()
        self._queue.put(None)
        while self._thread.is_alive():
            self._thread.join(timeout=0.05)
            if on_progress is not None:
                on_progress(self.sent)

    def drain(self) -> None:
        """Hand over nothing more, but let the sender run what it holds, committing the transactions that
        were complete (a split run's earlier parts stay made); the incomplete one is left for rollback()."""
        self._buffer = []
        self._queue.put(None)
        self._thread.join()

    def rollback(self) -> None:
        """Undo the open transaction, if any (called once the sender has stopped). A connection that cannot
        even roll back (it broke) is closed, as Django's atomic() does: the server then rolls back."""
        connection = self.connection
        try:
            if not connection.get_autocommit():
                connection.rollback()
                connection.set_autocommit(True)
        except Exception:  # noqa: BLE001 - the error being reported is the run's, not this one
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close too; it is dropped anyway
                connection.connection = None

    def _hand(self, chunk: list[str]) -> None:
        self._queue.put((self.handed, list(chunk)))
        self.handed += len(chunk)

    def _run(self) -> None:
        # Every error, whatever raised it (a round trip, a savepoint, COMMIT, the cursor), is recorded for the
        # rendering thread: a sender that died silently would let a failed run pass for a finished one.
        try:
            self._send_all()
        except BaseException as exc:  # noqa: BLE001 - handed to the rendering thread, which raises it
            if self.failure is None:
                self.failure = (self.sent, [], exc, None)

    def _send_all(self) -> None:
        connection = self.connection
        with connection.cursor() as cursor:
            while not self._stop.is_set():
                item = self._queue.get()
                if item is None or self._stop.is_set():
                    return
                if item is _COMMIT:
                    if not connection.get_autocommit():
                        connection.commit()
                        connection.set_autocommit(True)
                        self.committed = self.sent
                        self.transactions += 1
                    continue
                start, chunk = item
                try:
                    if connection.get_autocommit():
                        connection.set_autocommit(False)
                    savepoint = connection.savepoint()
                except BaseException as exc:  # noqa: BLE001 - the connection is gone: the chunk never ran
                    self.failure = (start, chunk, exc, None)
                    return
                try:
                    cursor.execute("\n".join(chunk))
                except BaseException as exc:  # noqa: BLE001 - handed to the rendering thread, which raises it
                    self.failure = (start, chunk, exc, savepoint)
                    return
                try:
                    connection.savepoint_commit(savepoint)
                except BaseException as exc:  # noqa: BLE001 - ran, but the transaction it ran in is lost
                    self.failure = (start, chunk, exc, None)
                    return
                self.sent = start + len(chunk)

    def check_complete(self) -> None:
        """After finish(): a sender that stopped before everything was committed, without a recorded error,
        is a failure too (it cannot happen unless the thread was killed; never a silent success)."""
        if self.failure is None and self.committed != self.fed:
            self.failure = (self.sent, [], RuntimeError(
                f"the sending thread stopped after {self.committed} of {self.fed} statements"), None)
