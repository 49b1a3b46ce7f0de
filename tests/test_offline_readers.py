"""The generic reader on Oracle and SQL Server, offline: no server exists here.

Django's introspection methods are replaced by fakes that return what the Oracle backend
(django/db/backends/oracle/introspection.py) and mssql-django (mssql/introspection.py) return, in the
same shapes (their own FieldInfo / TableInfo namedtuples, the same dict keys, the same lower-casing),
built from a catalog written here: the tables LoopBack's automigrate makes for a fixture. The reader's
own gap-hook SELECTs are answered by a fake cursor from the same catalog; any other SQL fails the test.

What is proven: reading that catalog gives the desired schema (isactual would say in sync), and a drifted
catalog gives the expected plan. What is not: that a real server returns these rows (docs/introspection.md).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pytest
from django.db import connections

from django_lbsync.api import desired_schema
from django_lbsync.diff import diff
from django_lbsync.introspect import introspect
from django_lbsync.schema import Column, ForeignKey, Index, Schema, Table
from django_lbsync.vendors import vendor_for

from .conftest import FIXTURES, require_alias

READ_FIXTURES = ["customer_v1", "customer_v2", "builtins/model-config.json", "composite", "types", "overrides",
                 "indexes", "foreign_keys", "base_chain", "pg_schema"]
#: The fake SQL Server catalog knows every type these fixtures make, their `dataType` overrides included
#: (text, VARCHAR(32), DECIMAL(12, 3), DATE, FLOAT, BIGINT): mssql_type_rows.
READ_CASES = [(alias, fixture) for alias in ("oracle", "mssql") for fixture in READ_FIXTURES]
#: Declared types the database stores under another spelling, as its catalog then reports them.
CATALOG_SPELLING = {"oracle": {"INTEGER": "NUMBER(*,0)", "VARCHAR(60)": "VARCHAR2(60)"},
                    "mssql": {"VARCHAR(32)": "varchar(32)", "DECIMAL(12, 3)": "decimal(12,3)", "DATE": "date",
                              "FLOAT": "float", "BIGINT": "bigint"}}
ORACLE_USER = "LOOPBACK"  # the offline alias logs in as loopback: its own schema


# -- the fake cursor: answers the reader's catalog SELECTs, nothing else --------------------------------

class CatalogCursor:
    """Answers each SQL whose text holds one of `answers`' keys (exactly one); any other SQL, or a
    statement carrying values in its text instead of bound parameters, is a test failure."""

    def __init__(self, answers: dict[str, list[tuple]]):
        self.answers = answers
        self.asked: list[str] = []
        self._rows: list[tuple] = []

    def execute(self, sql, params=()):
        matches = [key for key in self.answers if key in sql]
        assert len(matches) == 1, f"unexpected SQL from the reader (matches {matches}): {sql}"
        assert not params, f"this catalog SELECT takes no values: {sql} {params}"
        self.asked.append(matches[0])
        self._rows = list(self.answers[matches[0]])

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None


@contextmanager
def offline(alias, monkeypatch, catalog):
    """`connections[alias]` with its cursor and introspection answered from `catalog`."""
    connection = connections[alias]
    cursor = CatalogCursor(catalog.hook_answers())

    @contextmanager
    def fake_cursor(*args, **kwargs):
        yield cursor

    monkeypatch.setattr(connection, "cursor", fake_cursor)
    introspection = connection.introspection
    monkeypatch.setattr(introspection, "get_table_list", lambda c: catalog.table_list())
    monkeypatch.setattr(introspection, "get_table_description", lambda c, name: catalog.description(name))
    monkeypatch.setattr(introspection, "get_constraints", lambda c, name: catalog.constraints(name))
    yield cursor


# -- Oracle ---------------------------------------------------------------------------------------

@dataclass
class OracleColumn:
    name: str
    data_type: str  # user_tab_columns.DATA_TYPE
    length: int  # DATA_LENGTH (bytes)
    char_length: int  # CHAR_LENGTH
    char_used: str | None  # 'B' / 'C' / None
    precision: int | None
    scale: int | None
    null: bool
    default: str | None = None  # DATA_DEFAULT as stored (Django right-strips it)
    identity: bool = False


@dataclass
class OracleIndex:
    name: str
    columns: list[str]  # real column names, or an expression text for a function index
    orders: list[str]
    unique: bool
    expression: bool = False  # a function index (columns[i] holds the expression)


@dataclass
class OracleTable:
    name: str
    columns: list[OracleColumn]
    pk_name: str
    pk: list[str]
    indexes: list[OracleIndex] = field(default_factory=list)
    unique_constraints: dict[str, list[str]] = field(default_factory=dict)
    fks: list[ForeignKey] = field(default_factory=list)  # delete rule as user_constraints spells it
    sequence: tuple[str, str] | None = None  # (sequence, trigger) filling pk[0]


def oracle_type_rows(type_text: str) -> tuple:
    """(DATA_TYPE, DATA_LENGTH, CHAR_LENGTH, CHAR_USED, DATA_PRECISION, DATA_SCALE) of a declared type,
    as Oracle stores it (byte semantics for VARCHAR2/CHAR, AL16UTF16 for the N types)."""
    match = re.fullmatch(r"(\w+)(?:\((\d+)(?:,\s*(\d+))?\))?", type_text)
    word, first, second = match.group(1), match.group(2), match.group(3)
    if word == "VARCHAR":  # Oracle stores VARCHAR as VARCHAR2
        word = "VARCHAR2"
    if word in ("VARCHAR2", "CHAR"):
        return word, int(first), int(first), "B", None, None
    if word in ("NVARCHAR2", "NCHAR"):
        return word, 2 * int(first), int(first), "C", None, None
    if word == "NUMBER":
        return ("NUMBER", 22, 0, None, None, None) if first is None else \
            ("NUMBER", 22, 0, None, int(first), int(second or 0))
    if word == "INTEGER":  # Oracle keeps INTEGER as NUMBER with no precision and scale 0
        return "NUMBER", 22, 0, None, None, 0
    return word, {"DATE": 7, "CLOB": 4000, "BLOB": 4000, "BINARY_DOUBLE": 8, "BINARY_FLOAT": 4}[word], 0, None, None, None


def oracle_catalog_from(schema: Schema) -> "OracleCatalog":
    """The catalog LoopBack's Oracle automigrate leaves for `schema` (bridge.py writes the same DDL):
    inline PRIMARY KEY (a SYS_C name), NOT NULL checks, CREATE [UNIQUE] INDEX, sequence + trigger."""
    tables = []
    serial = iter(range(10000, 99999))
    for table in schema.tables.values():
        assert table.schema in (None, ORACLE_USER), table.key
        columns = []
        for c in table.columns:
            data_type, length, char_length, char_used, precision, scale = oracle_type_rows(c.type)
            columns.append(OracleColumn(c.name, data_type, length, char_length, char_used, precision, scale,
                                        c.null, c.default))
        indexes = [OracleIndex(i.name, list(i.columns), list(i.orders), i.unique) for i in table.indexes]
        tables.append(OracleTable(table.name, columns, f"SYS_C{next(serial):07d}", list(table.primary_key),
                                  indexes, {}, [fk for fk in table.foreign_keys], table.sequence))
    return OracleCatalog(tables)


class OracleCatalog:
    def __init__(self, tables: list[OracleTable]):
        self.tables = {t.name: t for t in tables}

    def _table(self, django_name: str) -> OracleTable:
        # Django passes its lower-cased name; the backend's SQL compares with UPPER(%s).
        return self.tables[django_name.upper()]

    @staticmethod
    def _hidden(table: OracleTable, index: OracleIndex, position: int) -> str:
        """Oracle names the virtual column of a DESC key or an expression SYS_NC<5 digits>$."""
        return f"SYS_NC{len(table.columns) + 10 * position:05d}$"

    # imitates DatabaseIntrospection.get_table_list (oracle): TableInfo(identifier_converter(name), 't', comment)
    def table_list(self):
        from django.db.backends.oracle.introspection import TableInfo

        return [TableInfo(name.lower(), "t", None) for name in self.tables]

    # imitates DatabaseIntrospection.get_table_description (oracle): cursor.description of
    # `SELECT * ... WHERE ROWNUM < 2` (oracledb: name, type, display_size, internal_size, precision, scale,
    # null_ok), display_size replaced by CHAR_LENGTH (char_used) or DATA_LENGTH, precision/scale `or 0`,
    # then default (rstripped, "NULL" -> None), collation (None when the table's), is_autofield
    # (identity), is_json, comment; the name through identifier_converter (lower()).
    def description(self, django_name):
        import oracledb
        from django.db.backends.oracle.introspection import FieldInfo

        codes = {"VARCHAR2": oracledb.DB_TYPE_VARCHAR, "CHAR": oracledb.DB_TYPE_CHAR,
                 "NVARCHAR2": oracledb.DB_TYPE_NVARCHAR, "NCHAR": oracledb.DB_TYPE_NCHAR,
                 "NUMBER": oracledb.DB_TYPE_NUMBER, "DATE": oracledb.DB_TYPE_DATE, "CLOB": oracledb.DB_TYPE_CLOB,
                 "BLOB": oracledb.DB_TYPE_BLOB, "BINARY_DOUBLE": oracledb.DB_TYPE_BINARY_DOUBLE,
                 "BINARY_FLOAT": oracledb.DB_TYPE_BINARY_FLOAT}
        out = []
        for c in self._table(django_name).columns:
            if c.data_type == "NUMBER":
                desc = (c.name, codes["NUMBER"], 127 if c.precision is None else c.precision + 2, None,
                        c.precision or 0, -127 if c.precision is None else c.scale, c.null)
            elif c.data_type in ("DATE", "CLOB", "BLOB"):
                desc = (c.name, codes[c.data_type], 23 if c.data_type == "DATE" else None, None, None, None, c.null)
            else:
                desc = (c.name, codes[c.data_type], c.char_length, c.length, None, None, c.null)
            display_size = c.char_length if c.char_used else c.length
            default = c.default.rstrip() if c.default and c.default != "NULL" else None
            out.append(FieldInfo(desc[0].lower(), desc[1], display_size, desc[3], desc[4] or 0, desc[5] or 0,
                                 desc[6], default, None, 1 if c.identity else 0, 0, None))
        return out

    # imitates DatabaseIntrospection.get_constraints (oracle): P/U/C from user_constraints (LISTAGG of
    # LOWER(column_name); ints 1/0 from CASE), R with the first referenced column (position = 1), then the
    # indexes that back no constraint (index_type LOWER()ed, "normal" -> "idx", LOWER(uniqueness),
    # descend per column). Every constraint name through identifier_converter.
    def constraints(self, django_name):
        table = self._table(django_name)
        out = {table.pk_name.lower(): {"columns": [c.lower() for c in table.pk], "primary_key": 1, "unique": 1,
                                       "foreign_key": None, "check": 0, "index": 1}}
        serial = 500
        for column in table.columns:
            if not column.null:  # NOT NULL is a check constraint in Oracle's catalog
                serial += 1
                out[f"sys_c{serial:07d}"] = {"columns": [column.name.lower()], "primary_key": 0, "unique": 0,
                                             "foreign_key": None, "check": 1, "index": 0}
        for name, columns in table.unique_constraints.items():
            out[name.lower()] = {"columns": [c.lower() for c in columns], "primary_key": 0, "unique": 1,
                                 "foreign_key": None, "check": 0, "index": 1}
        for fk in table.fks:
            out[fk.name.lower()] = {"primary_key": False, "unique": False,
                                    "foreign_key": (fk.ref_table.lower(), fk.ref_columns[0].lower()),
                                    "check": False, "index": False, "columns": [c.lower() for c in fk.columns]}
        for index in table.indexes:
            function_based = index.expression or "DESC" in index.orders
            columns = [self._hidden(table, index, i) if (index.expression or order == "DESC") else column
                       for i, (column, order) in enumerate(zip(index.columns, index.orders), 1)]
            out[index.name.lower()] = {"primary_key": False, "unique": index.unique, "foreign_key": None,
                                       "check": False, "index": True,
                                       "type": "function-based normal" if function_based else "idx",
                                       "columns": [c.lower() for c in columns], "orders": list(index.orders)}
        return out

    # The rows of the reader's own SELECTs (introspect_generic.OracleHooks), from the same catalog.
    def hook_answers(self):
        tables = list(self.tables.values())
        names = [(t.name, n) for t in tables for n in [t.pk_name, *t.unique_constraints, *(f.name for f in t.fks)]]
        names += [(t.name, n) for t in tables for n in [t.pk_name, *t.unique_constraints, *(i.name for i in t.indexes)]]
        expressions = [
            (t.name, i.name, position, column if i.expression else f'"{column}"')
            for t in tables for i in t.indexes
            for position, (column, order) in enumerate(zip(i.columns, i.orders), 1)
            if i.expression or order == "DESC"
        ]
        return {
            "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL": [(ORACLE_USER,)],
            "FROM user_tab_columns": [(t.name, c.name, c.data_type, c.length, c.char_length, c.char_used,
                                       c.precision, c.scale) for t in tables for c in t.columns],
            "FROM user_constraints WHERE constraint_type IN ('P', 'U', 'R')": names,
            "FROM user_ind_expressions": expressions,
            "FROM user_triggers": [(t.name, t.sequence[1], t.sequence[0], t.pk[0]) for t in tables if t.sequence],
            "WHERE c.constraint_type = 'R'": [
                (t.name, fk.name, fk.on_delete or "NO ACTION", column, ORACLE_USER, fk.ref_table, ref_column)
                for t in tables for fk in t.fks for column, ref_column in zip(fk.columns, fk.ref_columns)
            ],
        }


# -- SQL Server -------------------------------------------------------------------------------------

#: type text -> (sys.types name, max_length, precision, scale, pyodbc data_type, column_size, decimal_digits)
def mssql_type_rows(type_text: str) -> tuple:
    import pyodbc

    # Declared types are case-insensitive (a connector dataType is upper-cased: VARCHAR(32), DECIMAL(12, 3));
    # sys.types spells them in lower case.
    match = re.fullmatch(r"(\w+)(?:\((\w+)(?:,\s*(\d+))?\))?", type_text)
    word, size, scale = match.group(1).lower(), match.group(2), match.group(3)
    if word in ("nvarchar", "nchar"):
        code = pyodbc.SQL_WVARCHAR if word == "nvarchar" else pyodbc.SQL_WCHAR
        if size is not None and size.lower() == "max":  # ODBC Driver 18 describes nvarchar(max) with column_size 0
            return word, -1, 0, 0, code, 0, None
        n = int(size or 1)
        return word, 2 * n, 0, 0, code, n, None
    if word in ("varchar", "char"):
        code = pyodbc.SQL_VARCHAR if word == "varchar" else pyodbc.SQL_CHAR
        if size is not None and size.lower() == "max":
            return word, -1, 0, 0, code, 0, None
        n = int(size or 1)
        return word, n, 0, 0, code, n, None
    if word in ("decimal", "numeric"):  # bare DECIMAL is decimal(18,0); max_length by precision (5/9/13/17)
        precision, scale = int(size or 18), int(scale or 0)
        max_length = 5 if precision <= 9 else 9 if precision <= 19 else 13 if precision <= 28 else 17
        code = pyodbc.SQL_DECIMAL if word == "decimal" else pyodbc.SQL_NUMERIC
        return word, max_length, precision, scale, code, precision, scale
    if word == "float":  # float bare is float(53): 8 bytes; ODBC describes it as SQL_FLOAT, column_size 53
        return word, 8, 53, 0, pyodbc.SQL_FLOAT, 53, None
    return {"int": ("int", 4, 10, 0, pyodbc.SQL_INTEGER, 10, 0), "bit": ("bit", 1, 1, 0, pyodbc.SQL_BIT, 1, 0),
            "bigint": ("bigint", 8, 19, 0, pyodbc.SQL_BIGINT, 19, 0),
            "datetime": ("datetime", 8, 23, 3, pyodbc.SQL_TYPE_TIMESTAMP, 23, 3),
            "date": ("date", 3, 10, 0, pyodbc.SQL_TYPE_DATE, 10, 0),
            # text: 16-byte pointer in sys.columns; ODBC SQL_LONGVARCHAR of 2**31-1 characters
            "text": ("text", 16, 0, 0, pyodbc.SQL_LONGVARCHAR, 2147483647, None),
            "uniqueidentifier": ("uniqueidentifier", 16, 0, 0, pyodbc.SQL_GUID, 36, None)}[word]


@dataclass
class MssqlIndex:
    name: str
    columns: list[str]
    orders: list[str]
    unique: bool
    included: list[str] = field(default_factory=list)
    filtered: bool = False


@dataclass
class MssqlTable:
    name: str
    columns: list[tuple]  # (name, type text, null, default definition as stored, identity)
    pk_name: str
    pk: list[str]
    indexes: list[MssqlIndex] = field(default_factory=list)
    fks: list[ForeignKey] = field(default_factory=list)


def mssql_catalog_from(schema: Schema) -> "MssqlCatalog":
    """What LoopBack's SQL Server automigrate leaves: `PRIMARY KEY CLUSTERED` (a PK__ name), IDENTITY(1,1),
    CREATE [UNIQUE] NONCLUSTERED INDEX, named FOREIGN KEYs with their rules."""
    tables = []
    for n, table in enumerate(schema.tables.values()):
        assert table.schema is None, table.key
        columns = [(c.name, c.type, c.null, None if c.default is None else f"({c.default})", c.auto)
                   for c in table.columns]
        indexes = [MssqlIndex(i.name, list(i.columns), list(i.orders), i.unique) for i in table.indexes]
        tables.append(MssqlTable(table.name, columns, f"PK__{table.name[:8]}__3213E83F{n:08X}", list(table.primary_key),
                                 indexes, list(table.foreign_keys)))
    return MssqlCatalog(tables)


class MssqlCatalog:
    def __init__(self, tables: list[MssqlTable]):
        self.tables = {t.name: t for t in tables}

    # imitates DatabaseIntrospection.get_table_list (mssql): TableInfo(TABLE_NAME, {'BASE TABLE': 't'}, COMMENT)
    def table_list(self):
        from mssql.introspection import TableInfo

        return [TableInfo(name, "t", None) for name in self.tables]

    # imitates DatabaseIntrospection.get_table_description (mssql): pyodbc cursor.columns() mapped to
    # [column_name, data_type, column_size x3, decimal_digits, nullable, column_def] + collation + comment;
    # IDENTITY int -> SQL_AUTOFIELD, nvarchar under 4000 -> SQL_WCHAR, at most two levels of parentheses
    # stripped from the default (its own loop, reproduced in django_default()).
    def description(self, name):
        import pyodbc
        from mssql.introspection import SQL_AUTOFIELD, FieldInfo

        out = []
        for column, type_text, null, default, identity in self.tables[name].columns:
            _, _, _, _, code, size, digits = mssql_type_rows(type_text)
            if identity:
                code = SQL_AUTOFIELD
            if code == pyodbc.SQL_WVARCHAR and size < 4000:
                code = pyodbc.SQL_WCHAR
            collation = "SQL_Latin1_General_CP1_CI_AS" if type_text.startswith("nvarchar") else None
            out.append(FieldInfo(column, code, size, size, size, digits, int(null), django_default(default),
                                 collation, ""))
        return out

    # imitates DatabaseIntrospection.get_constraints (mssql): KEY_COLUMN_USAGE rows (PK, FK with the
    # referenced table and column per column, UNIQUE), CHECKs, DEFAULT constraints, then sys.indexes rows
    # (index_id order) for names not seen yet: the PK's own index is skipped, included columns are listed.
    def constraints(self, name):
        table = self.tables[name]
        base = {"primary_key": False, "unique": False, "unique_constraint": False, "foreign_key": None,
                "check": False, "index": False, "default": False}
        out = {table.pk_name: {**base, "columns": list(table.pk), "primary_key": True, "unique": True}}
        for fk in sorted(table.fks, key=lambda f: f.name):
            out[fk.name] = {**base, "columns": list(fk.columns), "foreign_key": (fk.ref_table, fk.ref_columns[0])}
        for column, _, _, default, _ in table.columns:
            if default is not None:
                out[f"DF__{name[:9]}__{column[:5]}__1A2B3C4D"] = {**base, "columns": [column], "default": True}
        for index in table.indexes:
            columns = index.columns + index.included
            out[index.name] = {**base, "unique": index.unique, "index": True, "type": "idx", "columns": columns,
                               "orders": index.orders + ["ASC"] * len(index.included)}
        return out

    def hook_answers(self):
        tables = list(self.tables.values())
        columns = []
        for t in tables:
            for column, type_text, _, default, identity in t.columns:
                type_name, max_length, precision, scale, _, _, _ = mssql_type_rows(type_text)
                columns.append((t.name, column, type_name, max_length, precision, scale, identity, default))
        index_extras = [(t.name, i.name, c, True, i.filtered, 2) for t in tables for i in t.indexes for c in i.included]
        index_extras += [(t.name, i.name, c, False, True, 2) for t in tables for i in t.indexes if i.filtered
                         for c in i.columns]
        actions = {None: "NO_ACTION", "CASCADE": "CASCADE", "SET NULL": "SET_NULL", "NO ACTION": "NO_ACTION"}
        return {
            "SELECT SCHEMA_NAME()": [("dbo",)],
            "FROM sys.columns c JOIN sys.objects o": columns,
            "FROM sys.indexes i": index_extras,
            "FROM sys.foreign_keys fk": [
                (t.name, fk.name, actions[fk.on_delete], actions[fk.on_update], column, "dbo", fk.ref_table,
                 ref_column)
                for t in tables for fk in t.fks for column, ref_column in zip(fk.columns, fk.ref_columns)
            ],
        }


def django_default(default: str | None) -> str | None:
    """mssql-django's own default clean-up, as written in get_table_description: two passes, each
    dropping one '(' at the front and one ')' at the end when both are there."""
    if not default:
        return default
    start, end = 0, -1
    for _ in range(2):
        if default[start] == "(" and default[end] == ")":
            start += 1
            end -= 1
    return default[start:end + 1]


# -- the tests --------------------------------------------------------------------------------------

CATALOGS = {"oracle": oracle_catalog_from, "mssql": mssql_catalog_from}


def desired_for(alias, fixture, settings) -> Schema:
    settings.LBSYNC = {"MODELS": [str(FIXTURES / fixture)], "DATASOURCES": {"db": alias}}
    return desired_schema(using=alias)


def in_login_schema(schema: Schema) -> Schema:
    """The reader keys the login schema's tables schema=None (as every reader does); a model naming
    that schema explicitly (customer_v1: oracle.schema LOOPBACK) names the same tables."""
    out = Schema(schema.vendor)
    for table in schema.tables.values():
        out.add(table.evolve(schema=None) if table.schema == ORACLE_USER else table)
    return out


def read(alias, monkeypatch, catalog) -> tuple[Schema, CatalogCursor]:
    with offline(alias, monkeypatch, catalog) as cursor:
        return introspect(connections[alias]), cursor


def as_the_catalog_spells_it(schema: Schema, spelling: dict[str, str]) -> Schema:
    out = Schema(schema.vendor)
    for table in schema.tables.values():
        out.add(table.evolve(columns=tuple(replace(c, type=spelling.get(c.type, c.type)) for c in table.columns)))
    return out


def assert_same_tables(live: Schema, desired: Schema) -> None:
    """Every compared field of every table; indexes and keys by name (the catalog has no model order);
    the live-only flags must be off (no constraint, nothing opaque) for what automigrate made."""
    assert sorted(live.tables) == sorted(desired.tables)
    for key, want in desired.tables.items():
        got = live.tables[key]
        assert got.columns == want.columns, key
        assert (got.primary_key, got.sequence) == (want.primary_key, want.sequence), key
        assert sorted(got.indexes, key=lambda i: i.name) == sorted(want.indexes, key=lambda i: i.name), key
        assert sorted(got.foreign_keys, key=lambda f: f.name) == sorted(want.foreign_keys, key=lambda f: f.name), key
        assert not any(i.opaque or i.constraint for i in got.indexes), key


@pytest.mark.parametrize("alias, fixture", READ_CASES)
def test_reading_what_automigrate_made_gives_the_models(alias, fixture, settings, monkeypatch):
    require_alias(alias)
    desired = in_login_schema(desired_for(alias, fixture, settings))
    live, cursor = read(alias, monkeypatch, CATALOGS[alias](desired))
    assert live.tables, "nothing read: nothing compared"
    assert_same_tables(live, as_the_catalog_spells_it(desired, CATALOG_SPELLING[alias]))
    plan = diff(live, desired, vendor_for(connections[alias]))
    assert plan.changes == () and plan.in_sync and not plan.notes, plan.describe()  # isactual: true
    # One SELECT per fact kind for the whole schema, whatever the number of tables.
    assert sorted(set(cursor.asked)) == sorted(cursor.answers) and len(cursor.asked) == len(cursor.answers)


# -- drift: one changed catalog per change kind ------------------------------------------------------

def _table(schema: Schema, name: str) -> Table:
    return next(t for t in schema.tables.values() if t.name.lower() == name.lower())


def _replace_table(schema: Schema, table: Table) -> Schema:
    out = Schema(schema.vendor)
    for t in schema.tables.values():
        out.add(table if t.key == table.key else t)
    return out


def _without_table(name):
    def edit(schema):
        out = Schema(schema.vendor)
        for t in schema.tables.values():
            if t.name.lower() != name.lower():
                out.add(t)
        return out
    return edit


def _edit_table(name, change):
    return lambda schema: _replace_table(schema, change(_table(schema, name)))


def _columns(edit):
    return lambda table: table.evolve(columns=tuple(edit(list(table.columns), table)))


def _drop_column(name):
    return _columns(lambda cols, t: [c for c in cols if c.name.lower() != name])


def _extra_column(vendor_type):
    return _columns(lambda cols, t: cols + [Column("LEGACY" if t.name.isupper() else "legacy", vendor_type, True)])


def _retype(name, vendor_type):
    return _columns(lambda cols, t: [c.__class__(c.name, vendor_type, c.null, c.default, c.auto)
                                     if c.name.lower() == name else c for c in cols])


def _index_orders(name, orders):
    return lambda t: t.evolve(indexes=tuple(Index(i.name, i.columns, orders, i.unique) if i.name.lower() == name
                                            else i for i in t.indexes))


def _without_fks(t):
    return t.evolve(foreign_keys=())


def _fk_rule(name, on_delete):
    return lambda t: t.evolve(foreign_keys=tuple(
        ForeignKey(f.name, f.columns, f.ref_table, f.ref_schema, f.ref_columns, on_delete, f.on_update)
        if f.name.lower() == name else f for f in t.foreign_keys))


DRIFTS = {
    "create_table": ("foreign_keys", _without_table("Part"), ["create_table"]),
    "add_column": ("composite", _edit_table("Inventory", _drop_column("total")), ["add_column"]),
    "drop_column": ("composite", _edit_table("Inventory", None), ["drop_column"]),
    "alter_column": ("customer_v1", _edit_table("CUSTOMER_TEST", None), ["alter_column"]),
    "drop_index+add_index": ("indexes", _edit_table("Customer", None), ["drop_index", "add_index"]),
    "add_foreign_key": ("foreign_keys", _edit_table("Order", _without_fks), ["add_foreign_key", "add_foreign_key"]),
    "drop_foreign_key+add_foreign_key": ("foreign_keys", _edit_table("Order", _fk_rule("fk_order_address", "CASCADE")),
                                         ["drop_foreign_key", "add_foreign_key"]),
}
TYPES = {"oracle": {"extra": "VARCHAR2(30)", "narrow": "VARCHAR2(30)"},
         "mssql": {"extra": "nvarchar(30)", "narrow": "nvarchar(30)"}}


def _drift_edit(kind, alias):
    fixture, edit, expected = DRIFTS[kind]
    if kind == "drop_column":
        edit = _edit_table("Inventory", _extra_column(TYPES[alias]["extra"]))
    elif kind == "alter_column":
        edit = _edit_table("CUSTOMER_TEST" if alias == "oracle" else "CustomerTest",
                           _retype("name", TYPES[alias]["narrow"]))
    elif kind == "drop_index+add_index":
        edit = _edit_table("Customer", _index_orders("name_email_idx" if alias == "oracle"
                                                     else "name_email_unique_asc_idx", ("ASC", "ASC")))
    return fixture, edit, expected


@pytest.mark.parametrize("kind", list(DRIFTS))
@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_a_drifted_catalog_gives_the_expected_plan(alias, kind, settings, monkeypatch):
    require_alias(alias)
    fixture, edit, expected = _drift_edit(kind, alias)
    desired = in_login_schema(desired_for(alias, fixture, settings))
    live_made = edit(desired)
    assert live_made.tables != desired.tables, "the edit changed nothing"
    live, _ = read(alias, monkeypatch, CATALOGS[alias](live_made))
    plan = diff(live, desired, vendor_for(connections[alias]))
    assert [c.kind for c in plan.changes] == expected, plan


# -- what automigrate never makes: hand-written catalogs with literal expectations -----------------------

def test_oracle_names_types_function_indexes_and_rules(monkeypatch):
    """Lower-cased names mapped back, NVARCHAR2 lengths in characters, NUMBER(p,s), an identity column,
    a UNIQUE constraint, a DESC key (not opaque) and a function index (opaque), a FK with all its
    referenced columns and ON DELETE SET NULL, a default as stored."""
    require_alias("oracle")
    parent = OracleTable("PARENT", [
        OracleColumn("A", "NUMBER", 22, 0, None, 10, 0, False, identity=True),
        OracleColumn("B", "NVARCHAR2", 40, 20, "C", None, None, False),
        OracleColumn("Price", "NUMBER", 22, 0, None, 12, 3, True, default="0 "),
    ], "PARENT_PK", ["B", "A"], unique_constraints={"PARENT_Price_UQ": ["Price"]})
    child = OracleTable("CHILD", [
        OracleColumn("ID", "NUMBER", 22, 0, None, None, None, False),
        OracleColumn("PA", "NUMBER", 22, 0, None, 10, 0, True),
        OracleColumn("PB", "NVARCHAR2", 40, 20, "C", None, None, True),
        OracleColumn("NOTE", "CLOB", 4000, 0, None, None, None, True),
    ], "SYS_C0012345", ["ID"], indexes=[
        OracleIndex("child_pb_desc", ["PB", "PA"], ["DESC", "ASC"], False),
        OracleIndex("CHILD_UPPER", ['UPPER("PB")'], ["ASC"], True, expression=True),
    ], fks=[ForeignKey("Child_Parent_FK", ("PB", "PA"), "PARENT", None, ("B", "A"), "SET NULL")],
        sequence=("Child_ID_SEQUENCE", "Child_ID_TRIGGER"))
    live, _ = read("oracle", monkeypatch, OracleCatalog([parent, child]))
    assert live.tables["PARENT"] == Table("PARENT", None, (
        Column("A", "NUMBER(10,0)", False, None, True), Column("B", "NVARCHAR2(20)", False),
        Column("Price", "NUMBER(12,3)", True, "0")), ("B", "A"),
        indexes=(Index("PARENT_Price_UQ", ("Price",), ("ASC",), True),))
    assert live.tables["PARENT"].indexes[0].constraint
    got = live.tables["CHILD"]
    assert got == Table("CHILD", None, (
        Column("ID", "NUMBER", False, None, True), Column("PA", "NUMBER(10,0)", True),
        Column("PB", "NVARCHAR2(20)", True), Column("NOTE", "CLOB", True)), ("ID",),
        indexes=(Index("CHILD_UPPER", ("",), ("ASC",), True), Index("child_pb_desc", ("PB", "PA"), ("DESC", "ASC"))),
        foreign_keys=(ForeignKey("Child_Parent_FK", ("PB", "PA"), "PARENT", None, ("B", "A"), "SET NULL"),),
        sequence=("Child_ID_SEQUENCE", "Child_ID_TRIGGER"))
    assert [(i.name, i.opaque, i.constraint) for i in got.indexes] == [("CHILD_UPPER", True, False),
                                                                      ("child_pb_desc", False, False)]


def test_mssql_defaults_identity_included_and_filtered_indexes_and_rules(monkeypatch):
    """Defaults unwrapped whole (Django's two passes break `((1)+(2))`), nvarchar(max), IDENTITY, DEFAULT
    constraints ignored, included columns not keys (and the index opaque), a filtered index opaque, FK rules and
    every column."""
    require_alias("mssql")
    parent = MssqlTable("Parent", [("a", "int", False, None, True), ("b", "nvarchar(20)", False, None, False),
                                   ("total", "int", True, "((1)+(2))", False),
                                   ("label", "nvarchar(max)", True, "(N'x')", False),
                                   ("made", "datetime", True, "(getdate())", False)],
                        "PK_Parent", ["b", "a"])
    child = MssqlTable("Child", [("id", "int", False, None, True), ("pa", "int", True, None, False),
                                 ("pb", "nvarchar(20)", True, "('')", False), ("flag", "bit", True, "((0))", False)],
                       "PK__Child__3213E83F", ["id"], indexes=[
                           MssqlIndex("child_pb", ["pb"], ["DESC"], False, included=["flag"]),
                           MssqlIndex("child_flag_filtered", ["flag"], ["ASC"], True, filtered=True)],
                       fks=[ForeignKey("child_parent", ("pb", "pa"), "Parent", None, ("b", "a"), "CASCADE",
                                       "SET NULL")])
    live, _ = read("mssql", monkeypatch, MssqlCatalog([parent, child]))
    assert live.tables["Parent"] == Table("Parent", None, (
        Column("a", "int", False, None, True), Column("b", "nvarchar(20)", False),
        Column("total", "int", True, "(1)+(2)"), Column("label", "nvarchar(max)", True, "N'x'"),
        Column("made", "datetime", True, "getdate()")), ("b", "a"))
    got = live.tables["Child"]
    assert got == Table("Child", None, (
        Column("id", "int", False, None, True), Column("pa", "int", True), Column("pb", "nvarchar(20)", True, "''"),
        Column("flag", "bit", True, "0")), ("id",),
        indexes=(Index("child_flag_filtered", ("flag",), ("ASC",), True), Index("child_pb", ("pb",), ("DESC",))),
        foreign_keys=(ForeignKey("child_parent", ("pb", "pa"), "Parent", None, ("b", "a"), "CASCADE", "SET NULL"),))
    # An index with INCLUDE columns is read by its keys and never passes for the model's index of them.
    assert [(i.name, i.opaque) for i in got.indexes] == [("child_flag_filtered", True), ("child_pb", True)]
    assert django_default("((1)+(2))") == "1)+(2", "mssql-django's own clean-up, which the hook replaces"


def test_the_fake_refuses_sql_it_was_not_told_about():
    cursor = CatalogCursor({"FROM user_tab_columns": []})
    with pytest.raises(AssertionError, match="unexpected SQL"):
        cursor.execute("SELECT * FROM user_tables")
    with pytest.raises(AssertionError, match="takes no values"):
        cursor.execute("SELECT x FROM user_tab_columns WHERE t = %s", ["T"])


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_isactual_command_reads_these_databases_now(alias, settings, monkeypatch):
    """The refusal ("cannot yet read a live schema") is gone: isactual reads through the generic reader,
    says in sync for what automigrate made, and out of sync (exit 1) after a drift."""
    from io import StringIO

    from django.core.management import call_command

    require_alias(alias)
    desired = in_login_schema(desired_for(alias, "foreign_keys", settings))
    out = StringIO()
    with offline(alias, monkeypatch, CATALOGS[alias](desired)):
        call_command("isactual", database=alias, stdout=out)
    assert "is in sync" in out.getvalue()
    drifted = _edit_table("Order", _without_fks)(desired)
    out = StringIO()
    with offline(alias, monkeypatch, CATALOGS[alias](drifted)), pytest.raises(SystemExit) as caught:
        call_command("isactual", database=alias, stdout=out)
    assert caught.value.code == 1
    assert "NOT in sync" in out.getvalue() and "fk_order_address" in out.getvalue()
