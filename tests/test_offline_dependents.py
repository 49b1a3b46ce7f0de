"""What automigrate's DROP TABLE takes along on Oracle and SQL Server, offline (no server here).

A fake cursor answers the catalog SELECTs of catalogs/oracle.py and catalogs/mssql.py from rows shaped as
the real catalog views return them (ALL_CONSTRAINTS, ALL_DEPENDENCIES, ALL_TRIGGERS ...; sys.foreign_keys,
sys.sql_expression_dependencies, sys.triggers ...): owners and names as the catalog spells them, one row
per object. It filters those rows by the bound parameters, so a name that was not bound finds nothing;
any statement that is not a known catalog SELECT, or that holds a table name in its text, fails the test.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connections

from django_lbsync.api import automigrate_plan
from django_lbsync.changes import AddForeignKey, CreateTable, DropTable
from django_lbsync.dependents import drop_effects
from django_lbsync.exceptions import AutomigrateRefused
from django_lbsync.schema import Column, ForeignKey, Schema, Table
from django_lbsync.vendors import vendor_for

from .conftest import require_alias

ID = Column("ID", "NUMBER", False, auto=True)


class CatalogCursor:
    """`answers`: SQL fragment -> function(pairs) -> rows, where pairs are the bound (owner, table) values."""

    def __init__(self, answers, forbidden_words):
        self.answers = answers
        self.forbidden = forbidden_words
        self.asked = []
        self._rows = []

    def execute(self, sql, params=()):
        params = list(params or [])
        keys = [key for key in self.answers if key in sql]
        assert len(keys) == 1, f"unexpected SQL (matches {keys}): {sql}"
        assert sql.lstrip().upper().startswith("SELECT"), sql
        assert sql.count("%s") == len(params), (sql, params)
        for word in self.forbidden:
            assert word not in sql, f"{word!r} written into the SQL instead of bound: {sql}"
        self.asked.append(keys[0])
        pairs = {(params[i], params[i + 1]) for i in range(0, len(params) - 1, 2)}
        self._rows = list(self.answers[keys[0]](pairs))

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None


@contextmanager
def catalog(alias, monkeypatch, answers, forbidden):
    cursor = CatalogCursor(answers, forbidden)

    @contextmanager
    def fake(*args, **kwargs):
        yield cursor

    monkeypatch.setattr(connections[alias], "cursor", fake)
    yield cursor


def _where(rows, owner_at=0, table_at=1):
    return lambda pairs: [row for row in rows if (row[owner_at], row[table_at]) in pairs]


# -- Oracle -----------------------------------------------------------------------------------------

ORA_USER = "LOOPBACK"


def oracle_tables():
    customer = Table("CUSTOMER", None, (ID, Column("NAME", "VARCHAR2(40)", True)), ("ID",), model="Customer",
                     sequence=("Customer_ID_SEQUENCE", "Customer_ID_TRIGGER"))
    fk = ForeignKey("fk_line_customer", ("CUSTOMERID",), "CUSTOMER", None, ("ID",))
    lines = Table("ORDER_LINES", None, (ID, Column("CUSTOMERID", "NUMBER", True)), ("ID",), (), (fk,),
                  model="OrderLine")
    return customer, lines, fk


def oracle_answers():
    # ALL_CONSTRAINTS c (the FK) joined to r (the key it references): c.owner, c.table_name,
    # c.constraint_name, r.owner, r.table_name; filtered on the referenced table.
    fks = [(ORA_USER, "ORDER_LINES", "fk_line_customer", ORA_USER, "CUSTOMER"),
           (ORA_USER, "CUSTOMER", "SELF_FK", ORA_USER, "CUSTOMER")]  # the table's own: goes with it
    # ALL_DEPENDENCIES d (owner, name, type, referenced_owner, referenced_name) + ALL_TRIGGERS tr
    # (table_owner, table_name) for trigger rows.
    dependencies = [
        (ORA_USER, "CUSTOMER_NAMES", "VIEW", ORA_USER, "CUSTOMER", None, None),
        ("REPORTING", "BIG_CUSTOMERS", "MATERIALIZED VIEW", ORA_USER, "CUSTOMER", None, None),
        (ORA_USER, "Customer_ID_TRIGGER", "TRIGGER", ORA_USER, "CUSTOMER", ORA_USER, "CUSTOMER"),
        (ORA_USER, "AUDIT_TRG", "TRIGGER", ORA_USER, "CUSTOMER", ORA_USER, "CUSTOMER"),
        (ORA_USER, "OTHER_VIEW", "VIEW", ORA_USER, "SOMETHING_ELSE", None, None),
    ]
    triggers = [(ORA_USER, "CUSTOMER", "AUDIT_TRG"), (ORA_USER, "CUSTOMER", "Customer_ID_TRIGGER"),
                (ORA_USER, "ORDER_LINES", "LINES_TRG")]
    return {
        "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL": lambda pairs: [(ORA_USER,)],
        "FROM all_constraints c JOIN all_constraints r": _where(fks, 3, 4),
        "FROM all_dependencies d": lambda pairs: [row for row in dependencies if (row[3], row[4]) in pairs],
        "FROM all_triggers WHERE": _where(triggers),
        "FROM all_tab_comments": _where([(ORA_USER, "CUSTOMER", None)]),
        "FROM all_col_comments": _where([(ORA_USER, "CUSTOMER", "NAME"), (ORA_USER, "ORDER_LINES", "ID")]),
        # ALL_TAB_PRIVS: table_schema, table_name, grantee, privilege, grantable ('YES'/'NO').
        "FROM all_tab_privs": _where([(ORA_USER, "CUSTOMER", "APP", "INSERT", "NO"),
                                      (ORA_USER, "CUSTOMER", "APP", "SELECT", "YES"),
                                      (ORA_USER, "CUSTOMER", "AUDITOR", "SELECT", "NO")]),
    }


def test_oracle_names_what_the_drop_takes_and_restores_the_foreign_keys(monkeypatch):
    require_alias("oracle")
    connection = connections["oracle"]
    vendor = vendor_for(connection)
    customer, lines, fk = oracle_tables()
    live, attached = Schema("oracle"), Schema("oracle")
    for table in (customer, lines):
        live.add(table)
        attached.add(table)
    with catalog("oracle", monkeypatch, oracle_answers(), ["CUSTOMER", "ORDER_LINES"]) as cursor:
        effects = drop_effects(connection, live, [customer], attached, vendor)
    assert effects.dependents == [
        "foreign key fk_line_customer on table ORDER_LINES",
        "view CUSTOMER_NAMES (left invalid until table CUSTOMER is back; Oracle recompiles it on its next use)",
        "materialized view REPORTING.BIG_CUSTOMERS (left invalid until table CUSTOMER is back; Oracle recompiles "
        "it on its next use)",
    ]
    # The id trigger comes back with the table (vendors/oracle.py sequence_sql): not lost.
    assert effects.lost == [
        "trigger AUDIT_TRG on table CUSTOMER",
        "comment on table CUSTOMER",
        "comment on column NAME of table CUSTOMER",
        "grant INSERT, SELECT WITH GRANT OPTION to APP on table CUSTOMER",
        "grant SELECT to AUDITOR on table CUSTOMER",
    ]
    assert effects.fks_to_restore == [(lines, fk)] and effects.fks_to_check == [(lines, fk)]
    assert not effects.fks_to_drop_first  # CASCADE CONSTRAINTS drops them
    assert "FROM all_dependencies d" in cursor.asked
    plan, _ = automigrate_plan("oracle", vendor, [customer], [customer], effects)
    kinds = [(type(c), c.table.name) for c in plan.changes]
    assert kinds.index((AddForeignKey, "ORDER_LINES")) > kinds.index((CreateTable, "CUSTOMER")) > \
        kinds.index((DropTable, "CUSTOMER"))


def test_oracle_other_owner_is_bound_and_shown_qualified(monkeypatch):
    require_alias("oracle")
    connection = connections["oracle"]
    other = Table("LEDGER", "FINANCE", (ID,), ("ID",))
    answers = oracle_answers()
    answers["FROM all_triggers WHERE"] = _where([("FINANCE", "LEDGER", "LEDGER_TRG")])
    with catalog("oracle", monkeypatch, answers, ["LEDGER", "FINANCE"]):
        effects = drop_effects(connection, Schema("oracle"), [other], Schema("oracle"), vendor_for(connection))
    assert effects.lost == ["trigger LEDGER_TRG on table FINANCE.LEDGER"] and effects.dependents == []


# -- SQL Server -------------------------------------------------------------------------------------

def mssql_tables():
    customer = Table("Customer", None, (Column("id", "int", False, auto=True),), ("id",), model="Customer")
    fk = ForeignKey("fk_order_customer", ("customerId",), "Customer", None, ("id",))
    order = Table("Order", None, (Column("id", "int", False, auto=True), Column("customerId", "int", True)),
                  ("id",), (), (fk,), model="Order")
    return customer, order, fk


def mssql_answers(schema_bound=False):
    # sys.foreign_keys fk + parent p: SCHEMA_NAME(p.schema_id), p.name, fk.name; filtered on the referenced r.
    fks = [("dbo", "Order", "fk_order_customer", "dbo", "Customer")]
    # sys.sql_expression_dependencies d + referencing o: schema, name, type_desc, is_schema_bound_reference,
    # referenced schema and name, and a trigger's parent (schema, name).
    dependencies = [
        ("dbo", "CustomerNames", "VIEW", schema_bound, "dbo", "Customer", None, None),
        ("sales", "TopCustomers", "SQL_STORED_PROCEDURE", False, "dbo", "Customer", None, None),
        ("dbo", "customer_audit", "SQL_TRIGGER", False, "dbo", "Customer", "dbo", "Customer"),
    ]
    return {
        "SELECT SCHEMA_NAME()": lambda pairs: [("dbo",)],
        "FROM sys.foreign_keys fk": lambda pairs: [row[:3] for row in fks if (row[3], row[4]) in pairs],
        "FROM sys.sql_expression_dependencies d": lambda pairs: [row for row in dependencies
                                                                 if (row[4], row[5]) in pairs],
        "FROM sys.triggers tr": _where([("dbo", "Customer", "customer_audit")]),
        "FROM sys.extended_properties ep": _where([("dbo", "Customer", None), ("dbo", "Customer", "id")]),
        # sys.database_permissions p: state 'G' (GRANT) or 'W' (WITH GRANT OPTION).
        "FROM sys.database_permissions p": _where([("dbo", "Customer", "app", "SELECT", "G"),
                                                   ("dbo", "Customer", "app", "UPDATE", "W")]),
    }


def test_mssql_names_what_the_drop_takes_and_restores_the_foreign_keys(monkeypatch):
    require_alias("mssql")
    connection = connections["mssql"]
    vendor = vendor_for(connection)
    customer, order, fk = mssql_tables()
    live, attached = Schema("microsoft"), Schema("microsoft")
    for table in (customer, order):
        live.add(table)
        attached.add(table)
    with catalog("mssql", monkeypatch, mssql_answers(), ["Customer", "'Order'"]):
        effects = drop_effects(connection, live, [customer], attached, vendor)
    assert effects.dependents == [
        "foreign key fk_order_customer on table Order",
        "view CustomerNames (stays; it fails until table Customer is back)",
        "sql stored procedure sales.TopCustomers (stays; it fails until table Customer is back)",
    ]
    assert effects.lost == [
        "trigger customer_audit on table Customer",
        "comment on table Customer",
        "comment on column id of table Customer",
        "grant SELECT, UPDATE WITH GRANT OPTION to app on table Customer",
    ]
    assert effects.fks_to_restore == [(order, fk)] and not effects.fks_to_drop_first


def test_mssql_a_schema_bound_view_refuses_the_run_before_anything_changes(monkeypatch):
    require_alias("mssql")
    connection = connections["mssql"]
    customer, order, _ = mssql_tables()
    live = Schema("microsoft")
    live.add(customer)
    with catalog("mssql", monkeypatch, mssql_answers(schema_bound=True), ["Customer"]), \
            pytest.raises(AutomigrateRefused, match="view CustomerNames is bound to table Customer"):
        drop_effects(connection, live, [customer], live, vendor_for(connection))


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_nothing_dropped_asks_nothing(alias, monkeypatch):
    require_alias(alias)
    connection = connections[alias]
    with catalog(alias, monkeypatch, {}, []) as cursor:
        effects = drop_effects(connection, Schema("x"), [], Schema("x"), vendor_for(connection))
    assert cursor.asked == [] and effects.dependents == [] and effects.lost == []
