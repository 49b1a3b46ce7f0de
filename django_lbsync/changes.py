"""The typed changes of a plan. Each holds the live and the desired object, where it comes from,
and how risky it is (DESIGN Part 1, decision 4; docs/risk.md).

Risk is set by preflight.py in two steps: `classify` gives each change the worst it MAY do, from the
types alone, with no query (get_plan, isactual, --sql); `measure` counts the rows each risk is
about, under autoupdate's lock, and keeps the counts in `probes` so apply can re-check them."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .exceptions import MissingHandler
from .schema import Column, ForeignKey, Index, Table

if TYPE_CHECKING:
    from .locks import LockCost


class Risk(enum.IntEnum):
    SAFE = 0
    DATA_DEPENDENT = 1  # changes existing values (NULLs filled with the default): needs a yes
    DESTRUCTIVE = 2  # loses data (values dropped or cut): needs a yes or --allow-destructive
    IMPOSSIBLE = 3  # the data forbids it (NULLs and no default, duplicates, orphans): always refused


class ColumnChange(enum.Flag):
    TYPE = enum.auto()
    NULL = enum.auto()
    DEFAULT = enum.auto()


@dataclass(frozen=True)
class Probe:
    """One question preflight asks the data about a change: how many rows would suffer `what`.

    `sql` is one `SELECT COUNT(*)` over catalog-checked names with bound `params`; `rows` is its
    answer once measured (None before). A non-zero count gives the change `risk`.
    """

    risk: Risk
    what: str  # e.g. "value(s) longer than 5 characters would be cut to 5"
    sql: str
    params: tuple = ()
    table: str = ""  # the quoted table the count reads, locked against writers before a re-count
    rows: int | None = None
    truncate_to: int | None = None  # a length narrowing: apply cuts the counted values to this length


@dataclass(frozen=True)
class Change:
    table: Table
    risk: Risk = field(default=Risk.SAFE, kw_only=True)
    rows: int | None = field(default=None, kw_only=True)  # rows the risk is about; None: not counted
    reason: str = field(default="", kw_only=True)
    #: True once preflight counted the data (autoupdate, under its lock); False: the risk is what the
    #: change may do at most (get_plan, isactual, --sql never read user tables).
    measured: bool = field(default=False, kw_only=True)
    probes: tuple[Probe, ...] = field(default=(), kw_only=True, compare=False, repr=False)
    #: Which lock the change takes and for how long, as it will run (locks.LockCost, set by the vendor
    #: layer: Vendor.lock_cost; docs/online.md). None until locks.annotate ran.
    lock: "LockCost | None" = field(default=None, kw_only=True, compare=False, repr=False)
    #: The table's rows as the catalog's statistics estimate them (never counted); None: no estimate.
    estimated_rows: int | None = field(default=None, kw_only=True, compare=False, repr=False)

    symbol = "~"
    kind = "change"

    @property
    def origin(self) -> str | None:
        return self.table.model

    def with_risk(self, risk: Risk, rows: int | None = None, reason: str = "", **more) -> "Change":
        return replace(self, risk=risk, rows=rows, reason=reason, **more)

    def describe(self) -> str:
        raise NotImplementedError

    def as_dict(self) -> dict:
        return {"kind": self.kind, "table": self.table.key, "model": self.table.model, "origin": self.origin,
                "description": self.describe(), "risk": self.risk.name.lower(), "rows": self.rows,
                "measured": self.measured, "reason": self.reason or None,
                "lock": self.lock.as_dict() if self.lock is not None else None, "estimated_rows": self.estimated_rows}


def _column_sql(column: Column) -> str:
    text = f"{column.type} {'NULL' if column.null else 'NOT NULL'}"
    return text + (f" DEFAULT {column.default}" if column.default is not None else "")


def _shown_default(column: Column) -> str:
    return column.default if column.default is not None else "(none)"


@dataclass(frozen=True)
class CreateTable(Change):
    symbol = "+"
    kind = "create_table"

    def describe(self) -> str:
        return f"Create table {self.table.key}"


@dataclass(frozen=True)
class DropTable(Change):
    """automigrate: the table goes, with its rows (the confirmation names them before; api.automigrate)."""

    symbol = "-"
    kind = "drop_table"

    def describe(self) -> str:
        return f"Drop table {self.table.key}"


@dataclass(frozen=True)
class AddColumn(Change):
    column: Column
    symbol = "+"
    kind = "add_column"

    @property
    def origin(self):
        return self.column.origin

    def describe(self) -> str:
        return f"Add column {self.table.key}.{self.column.name} ({_column_sql(self.column)})"


@dataclass(frozen=True)
class DropColumn(Change):
    column: Column
    symbol = "-"
    kind = "drop_column"

    def describe(self) -> str:
        return f"Drop column {self.table.key}.{self.column.name} (no property maps to it)"


@dataclass(frozen=True)
class AlterColumn(Change):
    live: Column
    desired: Column
    kinds: ColumnChange
    #: A length narrowing: values longer than this many characters are cut to it before the type
    #: changes, when the change is accepted as destructive (set by preflight, never from the text).
    truncate_to: int | None = field(default=None, kw_only=True)

    kind = "alter_column"

    @property
    def origin(self):
        return self.desired.origin

    def describe(self) -> str:
        parts = []
        if ColumnChange.TYPE in self.kinds:
            parts.append(f"type {self.live.type} -> {self.desired.type}")
        if ColumnChange.NULL in self.kinds:
            parts.append("NOT NULL" if not self.desired.null else "NULL allowed")
        if ColumnChange.DEFAULT in self.kinds:
            parts.append(f"default {_shown_default(self.live)} -> {_shown_default(self.desired)}")
        return f"Alter column {self.table.key}.{self.desired.name}: {', '.join(parts)}"


@dataclass(frozen=True)
class AddGenerator(Change):
    """A generated id whose live column numbers nothing (LoopBack made a BIGINT id without a sequence, or a
    MySQL id without AUTO_INCREMENT) gets its generator: PostgreSQL an identity that starts after the highest
    id, MySQL AUTO_INCREMENT (Vendor.add_generator_sql). No stored value changes (docs/loopback-rules/
    comparison.md#generated-ids)."""

    column: Column  # the live column
    desired: Column

    kind = "add_generator"

    @property
    def origin(self):
        return self.desired.origin

    def describe(self) -> str:
        return f"Add a generator to column {self.table.key}.{self.column.name} (a generated id that numbers nothing)"


@dataclass(frozen=True)
class AddIndex(Change):
    index: Index
    symbol = "+"
    kind = "add_index"

    @property
    def origin(self):
        return self.index.origin

    def describe(self) -> str:
        unique = "unique " if self.index.unique else ""
        return f"Add {unique}index {self.index.name} on {self.table.key} ({', '.join(self.index.columns)})"


@dataclass(frozen=True)
class DropIndex(Change):
    index: Index
    symbol = "-"
    kind = "drop_index"

    def describe(self) -> str:
        return f"Drop index {self.index.name} on {self.table.key}"


@dataclass(frozen=True)
class AddForeignKey(Change):
    fk: ForeignKey
    symbol = "+"
    kind = "add_foreign_key"

    @property
    def origin(self):
        return self.fk.origin

    def describe(self) -> str:
        return (f"Add foreign key {self.fk.name} on {self.table.key} ({', '.join(self.fk.columns)}) -> "
                f"{self.fk.ref_table} ({', '.join(self.fk.ref_columns)})")


@dataclass(frozen=True)
class DropForeignKey(Change):
    fk: ForeignKey
    symbol = "-"
    kind = "drop_foreign_key"

    def describe(self) -> str:
        return f"Drop foreign key {self.fk.name} on {self.table.key}"


@dataclass(frozen=True)
class Note:
    """A difference that autoupdate reports but does not change."""

    table: str
    message: str
    blocks_sync: bool  # True: isactual is false because of it (e.g. a primary key that differs)

    def as_dict(self) -> dict:
        return {"table": self.table, "message": self.message, "blocks_sync": self.blocks_sync}


#: The order changes are applied in (migra / Django's autodetector): drops of constraints first,
#: then creates and alters, then column drops, then new indexes and FKs (all tables exist by then).
#: DropTable comes only from automigrate's plan (never from diff), after the FKs MySQL must drop first.
PHASES = (DropForeignKey, DropTable, DropIndex, CreateTable, AddColumn, AlterColumn, AddGenerator, DropColumn,
          AddIndex, AddForeignKey)


# -- dispatch by type, checked when a module loads (MissingHandler: exceptions.py) -------------------------

def require_handlers(role: str, handlers, change_types=PHASES) -> None:
    """Every type of `change_types` has an entry in `handlers` (type -> handler)."""
    missing = [t.__name__ for t in change_types if handlers.get(t) is None]
    if missing:
        raise MissingHandler(f"no {role} for change type(s): {', '.join(missing)}")


def require_describers(change_types=PHASES) -> None:
    """Every type of `change_types` says what it does (its own `describe`)."""
    require_handlers("describer", {t: t.describe for t in change_types if t.describe is not Change.describe},
                     change_types)


require_describers()

