"""What each change of a plan costs the application while it runs: which lock, for how long, and whether
the table is scanned or rewritten (docs/online.md).

The vendor layer decides (`Vendor.lock_cost`, vendors/*.py); this module only carries the answer
(`LockCost`, set on each change as `change.lock`), adds each table's row estimate from the catalog's
statistics (`Vendor.sql_estimated_rows`: never a COUNT, so get_plan and isactual stay read-only), and
says which changes block writes on a large table (`blocking_warnings`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from . import conf

#: How long a lock that blocks writers is held.
INSTANT = "instant"  # a catalog change: the lock is held for a moment (but still queued behind readers)
SCAN = "scan"  # for as long as the table is read through (an index build, a validation)
REWRITE = "rewrite"  # for as long as the table is copied or rewritten
DURATIONS = (INSTANT, SCAN, REWRITE)

DEFAULT_ROW_THRESHOLD = 100_000


@dataclass(frozen=True)
class LockCost:
    """One change's cost on one database, as run (online or not)."""

    lock: str  # the strongest lock the change takes on its table: "ACCESS EXCLUSIVE", "SHARE", "MDL (shared)" ...
    duration: str  # INSTANT, SCAN or REWRITE: how long that lock (or the work) lasts
    blocks_writes: bool  # whether writers wait while the lock is held
    blocks_reads: bool = False
    scans: bool = False  # the table is read through
    rewrites: bool = False  # the table (or its rows) is written again
    #: Whether the step runs inside the plan's one transaction (False: CONCURRENTLY, or the database's DDL
    #: commits on its own anyway; then a failure leaves the steps before it applied).
    in_transaction: bool = True
    #: How the step runs: "CREATE INDEX CONCURRENTLY", "ALGORITHM=INPLACE, LOCK=NONE", "" (as rendered).
    method: str = ""
    note: str = ""

    @property
    def blocks_writes_long(self) -> bool:
        """Writers wait for more than a moment: for a scan or a rewrite of the table."""
        return self.blocks_writes and self.duration != INSTANT

    def as_dict(self) -> dict:
        return {"lock": self.lock, "duration": self.duration, "blocks_writes": self.blocks_writes,
                "blocks_reads": self.blocks_reads, "scans": self.scans, "rewrites": self.rewrites,
                "in_transaction": self.in_transaction, "method": self.method or None, "note": self.note or None}

    def summary(self) -> str:
        """One line for the text plan: `SHARE lock for the scan (blocks writes); scans the table`."""
        held = "for a moment" if self.duration == INSTANT else f"for the {self.duration}"
        blocks = ("blocks reads and writes" if self.blocks_reads else "blocks writes") if self.blocks_writes \
            else "writes go on"
        parts = [f"{self.lock} {held} ({blocks})"]
        if self.rewrites:
            parts.append("rewrites the table")
        elif self.scans:
            parts.append("scans the table")
        if self.method:
            parts.append(self.method)
        parts.append("in the plan's transaction" if self.in_transaction else "outside a transaction")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


def row_threshold() -> int:
    """LBSYNC["ONLINE_ROW_THRESHOLD"]: a change that blocks writes for a scan or rewrite of a table with at
    least this many rows (estimated) is warned about in the text plan. Default 100000."""
    value = conf.lbsync_setting("ONLINE_ROW_THRESHOLD", DEFAULT_ROW_THRESHOLD)
    return conf.whole_number(value, 'settings.LBSYNC["ONLINE_ROW_THRESHOLD"]')


def annotate(plan, connection, *, online: bool = False, estimate: bool = True):
    """`plan` with each change's `lock` set by the vendor (as run online or not) and, with `estimate`, its
    table's `estimated_rows` from the catalog's statistics (one catalog query per table; None when the
    database keeps no estimate, or never gathered one)."""
    from .vendors import vendor_for  # vendors/ import this module for LockCost

    vendor = vendor_for(connection)
    estimates: dict[str, int | None] = {}
    if estimate and vendor.sql_estimated_rows:
        estimates = estimated_rows(connection, {c.table.key: c.table for c in plan.changes})
    changes = tuple(replace(c, lock=vendor.lock_cost(c, online=online), estimated_rows=estimates.get(c.table.key))
                    for c in plan.changes)
    return replace(plan, changes=changes, online=online)


def estimated_rows(connection, tables: dict) -> dict[str, int | None]:
    """{table key: rows the catalog's statistics estimate}, in one catalog query; None for a table that does
    not exist yet (a created one) or that has no estimate."""
    from .vendors import vendor_for

    vendor = vendor_for(connection)
    if not tables:
        return {}
    keys = {key: vendor.estimate_key(table) for key, table in tables.items()}
    sql, params = vendor.estimated_rows_query(list(keys.values()))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {name: int(rows) for name, rows in cursor.fetchall() if rows is not None}
    # PostgreSQL 14+: -1 before the first VACUUM/ANALYZE (no estimate, not an empty table).
    return {key: found[name] if found.get(name, -1) >= 0 else None for key, name in keys.items()}


def blocking_warnings(plan, threshold: int | None = None) -> list[str]:
    """One line per change that blocks writes for a scan or rewrite of a table with at least `threshold`
    estimated rows."""
    limit = row_threshold() if threshold is None else threshold
    lines = []
    for change in plan.changes:
        lock, rows = change.lock, change.estimated_rows
        if lock is None or not lock.blocks_writes_long or rows is None or rows < limit:
            continue
        lines.append(f"WARNING: {change.describe()} blocks writes on {change.table.key} (about {rows} rows) "
                     f"for the {lock.duration}: {lock.lock}" + ("" if plan.online else "; see autoupdate --online"))
    return lines


def shapes(change) -> list[str]:
    """What a change does, in the words the vendors' lock tables use (one change may do several things: an
    AlterColumn that changes the type and the nullability). The vendor's cost is the worst of them."""
    from .changes import (AddColumn, AddForeignKey, AddGenerator, AddIndex, AlterColumn, ColumnChange, CreateTable,
                          DropColumn, DropForeignKey, DropIndex, DropTable)

    if isinstance(change, AlterColumn):
        found = []
        if ColumnChange.TYPE in change.kinds:
            found.append("alter_type")
        if ColumnChange.NULL in change.kinds:
            found.append("set_not_null" if not change.desired.null else "drop_not_null")
        if ColumnChange.DEFAULT in change.kinds:
            found.append("alter_default")
        return found or ["alter_default"]
    if isinstance(change, AddIndex):
        if change.index.constraint:
            return ["add_unique_constraint"]
        return ["add_unique_index" if change.index.unique else "add_index"]
    if isinstance(change, DropIndex):
        return ["drop_constraint" if change.index.constraint else "drop_index"]
    names = {CreateTable: "create_table", DropTable: "drop_table", AddColumn: "add_column", DropColumn: "drop_column",
             AddForeignKey: "add_foreign_key", DropForeignKey: "drop_foreign_key", AddGenerator: "add_generator"}
    return [names[type(change)]]


def worst(costs: list[LockCost]) -> LockCost:
    """The cost that keeps writers waiting longest (a rewrite over a scan over a moment)."""
    return max(costs, key=lambda c: (c.blocks_writes_long, DURATIONS.index(c.duration), c.blocks_writes,
                                     c.blocks_reads))


@dataclass(frozen=True)
class OnlineStatement:
    """One statement of an online step (online.py runs it under the short lock timeout, with retries).

    `alternatives`: tried in turn when the database refuses the form before (MySQL: ALGORITHM=INSTANT, then
    INPLACE, LOCK=NONE); refusing the last one refuses the step. `cleanup`: run after a failed attempt, before
    the next (PostgreSQL: drop the INVALID index a failed concurrent build leaves). `session_before` /
    `session_after`: session settings set around it (the after one runs whatever happens).
    `verify`: re-count the change's preflight probes once it ran (an FK added without the server's check)."""

    sql: str
    alternatives: tuple[str, ...] = ()
    cleanup: str | None = None
    session_before: str | None = None
    session_after: str | None = None
    verify: bool = False
