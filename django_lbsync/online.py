"""autoupdate --online: the plan run so the application keeps writing (docs/online.md).

Each change is rendered by the ordinary steps (apply._Applier, into a collect_sql editor: one DDL path),
then the vendor rewrites its statements into their online forms (Vendor.online_statements: PostgreSQL
CONCURRENTLY / NOT VALID + VALIDATE / a CHECK before SET NOT NULL; MySQL ALGORITHM=INSTANT, else INPLACE,
LOCK=NONE). They run one by one in autocommit, each waiting at most LBSYNC["ONLINE_LOCK_TIMEOUT"] for its
lock (a DDL statement waiting for a lock makes every writer queue behind it), retried up to
LBSYNC["ONLINE_RETRIES"] times with a doubling pause. A change rendered after the one before ran sees the
table as it now is.

An online run is not one transaction. A failure names the steps done and the statements of the failed
step that ran (ApplyFailed with `online_sent`); the next online run first settles what a failed one
left (`settle_leftovers`: INVALID indexes, our NOT NULL checks, NOT VALID foreign keys), then plans again.
"""
from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from typing import Callable

from django.db import DatabaseError

from . import conf
from .apply import _Applier
from .bridge import statements_as_written
from .changes import Change
from .exceptions import ApplyFailed, DataChanged, OnlineRefused, OnlineUnsupported
from .locking import bounded_lock_waits, table_lock_wait_exceeded
from .locks import OnlineStatement
from .plan import Plan
from .preflight import count as preflight_count
from .schema import Schema
from .vendors import vendor_for

logger = logging.getLogger("django_lbsync")

#: The first pause before a retry, in seconds; doubled after each.
FIRST_PAUSE = 0.25


def require_online(connection, *, in_migration: bool = False) -> None:
    """Refuse --online where it cannot be honest, before anything runs (OnlineUnsupported, exit 2)."""
    vendor = vendor_for(connection)
    if vendor.online_unsupported:
        raise OnlineUnsupported(vendor.online_unsupported)
    if connection.in_atomic_block:
        where = "the migration" if in_migration else "the caller's transaction"
        raise OnlineUnsupported(
            f"autoupdate online=True cannot run inside a transaction ({where} is atomic): CREATE INDEX CONCURRENTLY "
            "and each step's own commit need autocommit. Set `atomic = False` on the migration "
            "(docs/online.md#in-a-migration).")


def refuse_blocking(plan: Plan) -> None:
    """Changes whose online form still blocks writers for a scan or a rewrite: refused, nothing run (exit 3)."""
    blocking = [c for c in plan.changes if c.lock is not None and c.lock.blocks_writes_long]
    if blocking:
        raise OnlineRefused(plan, blocking)


def settle_leftovers(connection, tables, *, execute: bool = True) -> list[tuple[str, str]]:
    """What failed online runs left on `tables` (vendor.online_leftovers), settled when `execute`:
    [(what, statement)]. Runs before the plan is made, so the plan sees the table without them."""
    vendor = vendor_for(connection)
    quote = vendor.quote_name_for(connection)
    found = vendor.online_leftovers(connection, tables, quote)
    if execute:
        for what, sql in found:
            logger.warning("settling what a failed online run left: %s", what)
            _run(connection, vendor, OnlineStatement(sql), conf.online_retries())
    return found


def apply_online(plan: Plan, connection, live: Schema, *, progress: Callable[[str, Change], None] | None = None,
                 execute: bool = True, lock_timeout: float | None = None,
                 retries: int | None = None) -> tuple[list[Change], list[str]]:
    """Run (or, without `execute`, only render) `plan` online. Returns the changes applied and the statements
    (as sent; a dry run lists each statement's fallback forms as comments)."""
    vendor = vendor_for(connection)
    report = progress or (lambda state, change: None)
    timeout = conf.online_lock_timeout() if lock_timeout is None else lock_timeout
    retries = conf.online_retries() if retries is None else retries
    applied: list[Change] = []
    statements: list[str] = []
    with connection.schema_editor(collect_sql=True, atomic=False) as editor, statements_as_written(editor), \
            (bounded_lock_waits(connection, timeout) if execute else nullcontext()):
        applier = _Applier(editor, live)
        for change in plan.changes:
            report("start", change)
            sent: list[str] = []
            try:
                if execute:
                    _recount(connection, change)
                start = len(editor.collected_sql)
                applier.run(change)
                applier.flush()
                rendered = [s.rstrip().rstrip(";") for s in editor.collected_sql[start:]]
                for statement in vendor.online_statements(change, rendered, editor.quote_name):
                    if not execute:
                        statements.append(statement.sql)
                        statements += [f"-- if the server refuses that form: {alt}" for alt in statement.alternatives]
                        continue
                    sent.append(_run(connection, vendor, statement, retries))
                    if statement.verify:
                        _recount(connection, change, after=True)
            except Exception as exc:  # noqa: BLE001 - re-raised with what was applied
                report("failed", change)
                if not execute:
                    raise ApplyFailed([], change, exc, rolled_back=True) from exc
                raise ApplyFailed(applied, change, exc, rolled_back=False, online_sent=sent) from exc
            statements += sent
            applied.append(change)
            report("done", change)
    return applied, statements


def _run(connection, vendor, statement: OnlineStatement, retries: int) -> str:
    """One online statement: its forms in turn while the server refuses them (OnlineRefused after the last),
    each retried on a lock timeout after a doubling pause, its `cleanup` run between attempts."""
    forms = (statement.sql, *statement.alternatives)
    for number, sql in enumerate(forms, 1):
        try:
            _with_retries(connection, statement, sql, retries)
            return sql
        except DatabaseError as exc:
            if not vendor.is_online_refusal(exc):
                raise
            if number == len(forms):
                raise OnlineRefused((), (), detail=f"the server refused every online form of: {sql}\n"
                                                   f"({exc})") from exc
    raise AssertionError("unreachable")


def _with_retries(connection, statement: OnlineStatement, sql: str, retries: int) -> None:
    pause = FIRST_PAUSE
    for attempt in range(retries + 1):
        try:
            with connection.cursor() as cursor:
                if statement.session_before:
                    cursor.execute(statement.session_before)
                try:
                    cursor.execute(sql)
                finally:
                    if statement.session_after:
                        cursor.execute(statement.session_after)
            return
        except DatabaseError as exc:
            if not table_lock_wait_exceeded(exc) or attempt == retries:
                raise
            logger.warning("lock wait ran out (attempt %d of %d), retrying in %.2fs: %s", attempt + 1,
                           retries + 1, pause, sql)
            if statement.cleanup:
                with connection.cursor() as cursor:
                    cursor.execute(statement.cleanup)
            time.sleep(pause)
            pause *= 2


def _recount(connection, change: Change, *, after: bool = False) -> None:
    """The counts preflight took, taken again (no table lock: the online run holds none between statements).
    Before the step, a change stops it (DataChanged); after it (an FK added without the server's check), rows
    the check did not see are reported the same way."""
    for probe in change.probes:
        if probe.rows is None:
            continue
        now = preflight_count(connection, probe)
        if now != probe.rows:
            when = "once the step ran" if after else "before the step"
            raise DataChanged(f"the data changed after preflight counted it ({probe.what}: {probe.rows} counted, "
                              f"{now} {when})" + ("" if after else "; the step was not run"))
