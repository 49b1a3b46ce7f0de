"""Lock costs and online forms without a database (docs/online.md): every vendor prices every change
type; the online forms of PostgreSQL and MySQL never block writers for a scan or rewrite where the
issue promises an online form; the PostgreSQL/MySQL rewriting of rendered statements."""
from __future__ import annotations

import itertools

import pytest

from django_lbsync.changes import (AddColumn, AddForeignKey, AddIndex, AlterColumn, ColumnChange, CreateTable,
                                   DropColumn, DropForeignKey, DropIndex, DropTable)
from django_lbsync.locks import DURATIONS, blocking_warnings, shapes
from django_lbsync.plan import Plan
from django_lbsync.schema import Column, ForeignKey, Index, Table
from django_lbsync.vendors import VENDORS
from django_lbsync.vendors.postgresql import not_null_check_name

TABLE = Table("t", None, (Column("id", "INTEGER", False), Column("c", "INTEGER", True)), ("id",))
FK = ForeignKey("fk_t", ("c",), "u", None, ("id",))


def every_change():
    nullable, required = Column("c", "INTEGER", True), Column("c", "INTEGER", False)
    return [
        CreateTable(TABLE), DropTable(TABLE), AddColumn(TABLE, Column("d", "INTEGER", True)), DropColumn(TABLE, nullable),
        AlterColumn(TABLE, nullable, required, ColumnChange.NULL),
        AlterColumn(TABLE, required, nullable, ColumnChange.NULL),
        AlterColumn(TABLE, nullable, Column("c", "BIGINT", True), ColumnChange.TYPE),
        AlterColumn(TABLE, nullable, Column("c", "INTEGER", True, "1"), ColumnChange.DEFAULT),
        AddIndex(TABLE, Index("i", ("c",), ("ASC",))), AddIndex(TABLE, Index("u", ("c",), ("ASC",), unique=True)),
        AddIndex(TABLE, Index("k", ("c",), ("ASC",), unique=True, constraint=True)),
        DropIndex(TABLE, Index("i", ("c",), ("ASC",))), DropIndex(TABLE, Index("k", ("c",), ("ASC",), constraint=True)),
        AddForeignKey(TABLE, FK), DropForeignKey(TABLE, FK),
    ]


@pytest.mark.parametrize("vendor,change,online", [
    (v, c, o) for v, c, o in itertools.product(sorted(VENDORS), every_change(), (False, True))])
def test_every_vendor_prices_every_change(vendor, change, online):
    cost = VENDORS[vendor]().lock_cost(change, online=online)
    assert cost.duration in DURATIONS and cost.lock
    if online:
        assert not cost.in_transaction  # an online step commits on its own
    assert "in the plan's transaction" in cost.summary() or "outside a transaction" in cost.summary()


#: What the issue promises an online form for: an index, a unique index, an FK, NOT NULL.
PROMISED = ("add_index", "add_unique_index", "add_unique_constraint", "add_foreign_key", "set_not_null")


@pytest.mark.parametrize("vendor", ["postgresql", "mysql"])
def test_online_forms_keep_writers_going(vendor):
    for change in every_change():
        if shapes(change)[0] in PROMISED:
            assert not VENDORS[vendor]().lock_cost(change, online=True).blocks_writes_long, change
    ordinary = [VENDORS[vendor]().lock_cost(c) for c in every_change() if shapes(c)[0] in PROMISED]
    assert any(c.blocks_writes_long for c in ordinary)  # without --online something does block


def test_warning_only_above_the_threshold_and_only_for_long_blocks():
    vendor = VENDORS["postgresql"]()
    index = AddIndex(TABLE, Index("i", ("c",), ("ASC",)))
    priced = lambda change, rows, online=False: change.__class__(  # noqa: E731
        **{**change.__dict__, "lock": vendor.lock_cost(change, online=online), "estimated_rows": rows})
    plan = Plan("db", "postgresql", (priced(index, 5000), priced(DropColumn(TABLE, TABLE.columns[1]), 10 ** 7)))
    assert blocking_warnings(plan, 1000) == [
        "WARNING: Add index i on t (c) blocks writes on t (about 5000 rows) for the scan: SHARE; see autoupdate --online"]
    assert blocking_warnings(plan, 10000) == []
    online = Plan("db", "postgresql", (priced(index, 5000, True),), online=True)
    assert blocking_warnings(online, 0) == []


def quote(name):
    return name if name.startswith('"') else f'"{name}"'


def test_postgresql_online_statements():
    pg = VENDORS["postgresql"]()
    index = AddIndex(TABLE, Index("i", ("c",), ("ASC",)))
    assert [s.sql for s in pg.online_statements(index, ['CREATE INDEX "i" ON "t" ("c")'], quote)] == [
        'DROP INDEX CONCURRENTLY IF EXISTS "i"', 'CREATE INDEX CONCURRENTLY "i" ON "t" ("c")']
    fk = AddForeignKey(TABLE, FK)
    rendered = 'ALTER TABLE "t" ADD CONSTRAINT "fk_t" FOREIGN KEY ("c") REFERENCES "u" ("id")'
    assert [s.sql for s in pg.online_statements(fk, [rendered], quote)] == [
        rendered + " NOT VALID", 'ALTER TABLE "t" VALIDATE CONSTRAINT "fk_t"']
    not_null = AlterColumn(TABLE, Column("c", "INTEGER", True), Column("c", "INTEGER", False), ColumnChange.NULL)
    check = f'"{not_null_check_name("t", "c")}"'
    statements = [s.sql for s in pg.online_statements(
        not_null, ['UPDATE "t" SET "c" = 0 WHERE "c" IS NULL', 'ALTER TABLE "t" ALTER COLUMN "c" SET NOT NULL'], quote)]
    assert statements == [
        'UPDATE "t" SET "c" = 0 WHERE "c" IS NULL',
        f'ALTER TABLE "t" DROP CONSTRAINT IF EXISTS {check}',
        f'ALTER TABLE "t" ADD CONSTRAINT {check} CHECK ("c" IS NOT NULL) NOT VALID',
        f'ALTER TABLE "t" VALIDATE CONSTRAINT {check}',
        'ALTER TABLE "t" ALTER COLUMN "c" SET NOT NULL',
        f'ALTER TABLE "t" DROP CONSTRAINT IF EXISTS {check}']
    unique = AddIndex(TABLE, Index("k", ("c",), ("ASC",), unique=True, constraint=True))
    assert [s.sql for s in pg.online_statements(unique, ['ALTER TABLE "t" ADD CONSTRAINT "k" UNIQUE ("c")'], quote)][1:] == [
        'CREATE UNIQUE INDEX CONCURRENTLY "k" ON "t" ("c")', 'ALTER TABLE "t" ADD CONSTRAINT "k" UNIQUE USING INDEX "k"']


def test_mysql_online_statements_ask_instant_then_inplace():
    my = VENDORS["mysql"]()
    change = AlterColumn(TABLE, Column("c", "INT", True), Column("c", "INT", False), ColumnChange.NULL)
    (statement,) = my.online_statements(change, ["ALTER TABLE `t` MODIFY `c` INT NOT NULL"], quote)
    assert statement.sql.endswith(", ALGORITHM=INSTANT")
    assert statement.alternatives == ("ALTER TABLE `t` MODIFY `c` INT NOT NULL, ALGORITHM=INPLACE, LOCK=NONE",)
    (fk,) = my.online_statements(AddForeignKey(TABLE, FK), ["ALTER TABLE `t` ADD CONSTRAINT `fk_t` FOREIGN KEY (`c`) "
                                                          "REFERENCES `u` (`id`)"], quote)
    assert fk.session_before == "SET SESSION foreign_key_checks = 0" and fk.verify and not fk.alternatives
