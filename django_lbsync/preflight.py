"""Ask the data before changing the schema: how many rows each risky change touches.

A change that would lose data becomes DESTRUCTIVE (needs a yes), one that rewrites values
DATA_DEPENDENT, and one the data makes impossible IMPOSSIBLE, so it is refused before any
statement runs, even on MySQL where nothing could roll it back (DESIGN Part 1, decision 4).
One COUNT query per risky change; safe changes cost nothing.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .bridge import db_column, db_table
from .changes import AddColumn, AddForeignKey, AddIndex, AlterColumn, Change, ColumnChange, DropColumn, Risk
from .plan import Plan
from .schema import Schema, Table
from .vendors import VENDORS

_SIZED = re.compile(r"^([A-Z ]+?)\s*\((\d+)(?:,(\d+))?\)$")
# Widening moves (live base type -> desired base type) that keep every value.
_WIDER = {
    ("SMALLINT", "INTEGER"), ("SMALLINT", "BIGINT"), ("INTEGER", "BIGINT"), ("SMALLINT", "INT"), ("INT", "BIGINT"),
    ("TINYINT", "SMALLINT"), ("TINYINT", "INT"), ("MEDIUMINT", "INT"), ("REAL", "DOUBLE PRECISION"),
    ("FLOAT", "DOUBLE"), ("VARCHAR", "TEXT"), ("CHAR", "VARCHAR"), ("CHAR", "TEXT"), ("VARCHAR2", "CLOB"),
    ("NVARCHAR", "NTEXT"), ("TEXT", "MEDIUMTEXT"), ("TEXT", "LONGTEXT"), ("MEDIUMTEXT", "LONGTEXT"),
    ("DATE", "TIMESTAMP WITH TIME ZONE"), ("DATE", "TIMESTAMP WITHOUT TIME ZONE"), ("DATE", "DATETIME"),
}


def assess(plan: Plan, connection, live: Schema) -> Plan:
    checker = _Checker(connection, live)
    return replace(plan, changes=tuple(checker.assess(change) for change in plan.changes))


class _Checker:
    def __init__(self, connection, live: Schema):
        self.connection = connection
        self.vendor = connection.vendor
        self.rules = VENDORS[self.vendor]()
        self.live = live
        self.q = connection.ops.quote_name

    def count(self, sql: str) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def table_sql(self, change: Change) -> str:
        return self.q(db_table(self.vendor, change.table))

    def col(self, name: str) -> str:
        return self.q(db_column(self.vendor, name))

    def assess(self, change: Change) -> Change:
        if change.table.key not in self.live.tables:
            return change  # a table created by this plan holds no rows
        method = getattr(self, f"_{change.kind}", None)
        return method(change) if method else change

    def _add_column(self, change: AddColumn) -> Change:
        column = change.column
        if column.null or column.default is not None or column.fill is not None or column.auto:
            return change
        rows = self.count(f"SELECT COUNT(*) FROM {self.table_sql(change)}")
        if rows:
            return change.with_risk(
                Risk.IMPOSSIBLE, rows,
                f"NOT NULL column without a default on a table with {rows} row(s); give the property a "
                "default or make it optional",
            )
        return change

    def _drop_column(self, change: DropColumn) -> Change:
        rows = self.count(
            f"SELECT COUNT(*) FROM {self.table_sql(change)} WHERE {self.col(change.column.name)} IS NOT NULL"
        )
        if rows:
            return change.with_risk(Risk.DESTRUCTIVE, rows, f"{rows} non-null value(s) would be lost")
        return change

    def _alter_column(self, change: AlterColumn) -> Change:
        risks: list[tuple[Risk, int, str]] = []
        column = self.col(change.live.name)
        table = self.table_sql(change)
        if ColumnChange.TYPE in change.kinds:
            risks.append(self._type_risk(change, table, column))
        if ColumnChange.NULL in change.kinds and not change.desired.null:
            nulls = self.count(f"SELECT COUNT(*) FROM {table} WHERE {column} IS NULL")
            if nulls and (change.desired.default is not None or change.desired.fill is not None):
                fill = change.desired.default if change.desired.default is not None else repr(change.desired.fill)
                risks.append((Risk.DATA_DEPENDENT, nulls, f"{nulls} NULL(s) would be set to {fill}"))
            elif nulls:
                risks.append((Risk.IMPOSSIBLE, nulls,
                              f"{nulls} NULL(s) and no default to replace them; NOT NULL is impossible"))
        risks = [r for r in risks if r[0] != Risk.SAFE]
        if not risks:
            return change
        risk, rows, _ = max(risks, key=lambda r: r[0])
        return change.with_risk(risk, rows, "; ".join(r[2] for r in risks))

    def _type_risk(self, change: AlterColumn, table: str, column: str) -> tuple[Risk, int, str]:
        live_type = self.rules.normalize_type(change.live.type)
        desired_type = self.rules.normalize_type(change.desired.type)
        live_sized, desired_sized = _SIZED.match(live_type), _SIZED.match(desired_type)
        if live_sized and desired_sized and live_sized.group(1) == desired_sized.group(1):
            if live_sized.group(3) is None and desired_sized.group(3) is None:
                if int(desired_sized.group(2)) >= int(live_sized.group(2)):
                    return Risk.SAFE, 0, ""
                limit = int(desired_sized.group(2))
                length = "LEN" if self.vendor == "microsoft" else "LENGTH"
                if self.vendor == "mysql":
                    length = "CHAR_LENGTH"
                rows = self.count(f"SELECT COUNT(*) FROM {table} WHERE {length}({column}) > {limit}")
                if rows:
                    return Risk.DESTRUCTIVE, rows, f"{rows} value(s) longer than {limit} would be cut"
                return Risk.SAFE, 0, ""
            if int(desired_sized.group(2)) >= int(live_sized.group(2)) and int(desired_sized.group(3) or 0) >= int(
                    live_sized.group(3) or 0):
                return Risk.SAFE, 0, ""
        base = lambda t: t.split("(")[0]  # noqa: E731
        if (base(live_type), base(desired_type)) in _WIDER:
            return Risk.SAFE, 0, ""
        rows = self.count(f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL")
        if rows:
            return (Risk.DESTRUCTIVE, rows,
                    f"{rows} value(s) must be converted from {change.live.type} to {change.desired.type}; "
                    "some may be lost or the conversion may fail")
        return Risk.SAFE, 0, ""

    def _add_index(self, change: AddIndex) -> Change:
        index = change.index
        live_table = self.live.tables[change.table.key]
        live_columns = {c.name for c in live_table.columns}
        if not index.unique or not set(index.columns) <= live_columns:
            return change
        columns = ", ".join(self.col(c) for c in index.columns)
        not_null = " AND ".join(f"{self.col(c)} IS NOT NULL" for c in index.columns)
        groups = self.count(
            f"SELECT COUNT(*) FROM (SELECT {columns} FROM {self.table_sql(change)} WHERE {not_null} "
            f"GROUP BY {columns} HAVING COUNT(*) > 1) duplicates"
        )
        if groups:
            return change.with_risk(Risk.IMPOSSIBLE, groups,
                                    f"{groups} duplicated value(s) in ({', '.join(index.columns)}); remove them first")
        return change

    def _add_foreign_key(self, change: AddForeignKey) -> Change:
        fk = change.fk
        live_table = self.live.tables[change.table.key]
        ref_key = f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
        if ref_key not in self.live.tables or not set(fk.columns) <= {c.name for c in live_table.columns}:
            return change
        ref = self.q(db_table(self.vendor, Table(fk.ref_table, fk.ref_schema, (), ())))
        match = " AND ".join(f"r.{self.col(rc)} = t.{self.col(c)}" for c, rc in zip(fk.columns, fk.ref_columns))
        not_null = " AND ".join(f"t.{self.col(c)} IS NOT NULL" for c in fk.columns)
        orphans = self.count(
            f"SELECT COUNT(*) FROM {self.table_sql(change)} t WHERE {not_null} "
            f"AND NOT EXISTS (SELECT 1 FROM {ref} r WHERE {match})"
        )
        if orphans:
            return change.with_risk(Risk.IMPOSSIBLE, orphans,
                                    f"{orphans} row(s) reference a missing {fk.ref_table} row")
        return change
