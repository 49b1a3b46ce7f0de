"""No change called safe loses a value (issue 9, items 4-5; docs/risk.md).

Every risk class runs on SQLite, PostgreSQL, MariaDB, and MariaDB with a non-strict session
sql_mode. Data is judged by raw SQL in the test (row counts and value checksums), the schema by
tests/live_schema.py's catalog reader: never by the product's own introspection.

- refused (impossible): data and schema unchanged, even with --allow-destructive;
- destructive: without consent nothing changes; with it, exactly the consented loss;
- safe: applied without asking, and no value changed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync import ApplyFailed, ChangesRefused, automigrate, autoupdate, get_plan, is_actual
from django_lbsync import preflight
from django_lbsync.changes import Risk

from . import live_schema
from .conftest import drop_all_tables, require_alias

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

#: (alias, session mode): MariaDB twice, once with a non-strict session that would clamp and cut.
TARGETS = [("default", None), ("postgresql", None), ("mysql", None), ("mysql", "")]


@pytest.fixture(params=TARGETS, ids=["sqlite", "postgresql", "mariadb", "mariadb-nonstrict"])
def target(request):
    alias, mode = request.param
    require_alias(alias)
    drop_all_tables(alias)
    yield alias, mode
    if vendor(alias) == "mysql":  # some tests set a session mode of their own
        with connections[alias].cursor() as cursor:
            cursor.execute("SET SESSION sql_mode = DEFAULT")
    drop_all_tables(alias)


def vendor(alias) -> str:
    return connections[alias].vendor


def typed(pg, my, lite, **prop) -> dict:
    """A property whose column type is spelled per database (a connector dataType, or the block)."""
    def block(spec):
        return spec if isinstance(spec, dict) else {"dataType": spec}

    return {"type": prop.pop("type", "string"), "postgresql": block(pg), "mysql": block(my),
            "sqlite3": block(lite), **prop}


def table_name(alias, model="Thing") -> str:
    return model.lower() if vendor(alias) == "postgresql" else model


def quote(alias, name) -> str:
    return connections[alias].ops.quote_name(name)


def execute(alias, sql, params=None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else None


def normalize(value):
    """One spelling per value, so 12 and '12', 1.50 and 1.5000 compare equal; CHAR padding dropped."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, str):
        return value.rstrip(" ")
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return value


def read(alias, model="Thing") -> list[dict]:
    """Every row, by raw SQL, ordered by id, values normalized."""
    table = quote(alias, table_name(alias, model))
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY {quote(alias, 'id')}")
        names = [d[0].lower() for d in cursor.description]
        return [{n: normalize(v) for n, v in zip(names, row)} for row in cursor.fetchall()]


def checksum(rows: list[dict]) -> str:
    """Over the rows in id order (read() orders them), each row's columns by name."""
    return hashlib.sha256(repr([sorted(r.items()) for r in rows]).encode()).hexdigest()


def schema_of(alias, model="Thing"):
    return live_schema.describe(alias, table_name(alias, model))


def set_mode(alias, mode):
    if mode is not None:
        execute(alias, "SET SESSION sql_mode = %s", [mode])


def session_mode(alias) -> str:
    return execute(alias, "SELECT @@SESSION.sql_mode")[0][0]


def prepare(target, use_models, model_dir, before: dict, rows: list[dict], after: dict, extra_models=None):
    alias, mode = target
    use_models(alias, model_dir({"thing.json": {"name": "Thing", "properties": before}}))
    automigrate(using=alias)
    table = quote(alias, table_name(alias))
    for row in rows:
        columns = ", ".join(quote(alias, c) for c in row)
        execute(alias, f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(row))})", list(row.values()))
    files = {"thing.json": {"name": "Thing", "properties": after[0], **after[1]}}
    files.update(extra_models or {})
    use_models(alias, model_dir(files))
    set_mode(alias, mode)
    return alias


def assert_refused(alias, mode, count, *, consent=True, models=("Thing",)):
    schemas = {m: schema_of(alias, m) for m in models}
    data = {m: read(alias, m) for m in models}
    with pytest.raises(ChangesRefused) as refused:
        autoupdate(using=alias, allow_destructive=consent)
    assert refused.value.impossible is consent
    assert [c.rows for c in refused.value.changes] == [count]
    assert {m: schema_of(alias, m) for m in models} == schemas
    assert {m: checksum(read(alias, m)) for m in models} == {m: checksum(d) for m, d in data.items()}
    if mode is not None:
        assert session_mode(alias) == mode  # our strict session was restored
    return refused.value


def assert_destructive(alias, mode, count, transform):
    before_rows = read(alias)
    assert_refused(alias, mode, count, consent=False)  # without consent: nothing at all
    autoupdate(using=alias, allow_destructive=True)
    after_rows = read(alias)
    assert len(after_rows) == len(before_rows)
    assert checksum(after_rows) == checksum([transform(dict(r)) for r in before_rows])
    assert is_actual(using=alias)
    if mode is not None:
        assert session_mode(alias) == mode


def assert_safe(alias, mode, transform=lambda row: row):
    before_rows = read(alias)
    autoupdate(using=alias)  # no consent needed
    after_rows = read(alias)
    assert len(after_rows) == len(before_rows)
    assert checksum(after_rows) == checksum([transform(dict(r)) for r in before_rows])
    assert is_actual(using=alias)
    if mode is not None:
        assert session_mode(alias) == mode


def sized(alias) -> bool:
    """SQLite keeps every value whatever the declared size: size narrowings are safe there."""
    return vendor(alias) != "sqlite"


# -- strings ---------------------------------------------------------------------------------------
def test_char_to_shorter_varchar_is_a_narrowing_that_cuts_only_what_was_consented(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"code": typed("char(20)", "char(20)", "char(20)")},
                    [{"code": "abc"}, {"code": "abcdefghij"}, {"code": None}],
                    ({"code": typed("varchar(5)", "varchar(5)", "varchar(5)")}, {}))
    if not sized(alias):
        return assert_safe(alias, target[1])

    def cut(row):
        row["code"] = row["code"] if row["code"] is None else row["code"][:5]
        return row

    assert_destructive(alias, target[1], 1, cut)
    assert [r["code"] for r in read(alias)] == ["abc", "abcde", None]


def test_string_widening_is_safe(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"code": typed("varchar(5)", "varchar(5)", "varchar(5)")},
                    [{"code": "abcde"}, {"code": "b"}],
                    ({"code": typed("text", "text", "text")}, {}))
    assert_safe(alias, target[1])


# -- numbers ---------------------------------------------------------------------------------------
def test_numeric_losing_integer_digits_is_impossible(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"amount": typed("numeric(12,2)", "decimal(12,2)", "decimal(12,2)", type="number")},
                    [{"amount": Decimal("12345678.12")}, {"amount": Decimal("123456789.12")},
                     {"amount": Decimal("-999999999.99")}],
                    ({"amount": typed("numeric(12,4)", "decimal(12,4)", "decimal(12,4)", type="number")}, {}))
    if not sized(alias):
        return assert_safe(alias, target[1])
    assert_refused(alias, target[1], 2)


def test_numeric_gaining_scale_when_every_value_fits_is_safe(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"amount": typed("numeric(12,2)", "decimal(12,2)", "decimal(12,2)", type="number")},
                    [{"amount": Decimal("12345678.12")}, {"amount": Decimal("-1.5")}],
                    ({"amount": typed("numeric(12,4)", "decimal(12,4)", "decimal(12,4)", type="number")}, {}))
    assert_safe(alias, target[1])


def test_numeric_losing_scale_rounds_what_was_consented(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"amount": typed("numeric(12,4)", "decimal(12,4)", "decimal(12,4)", type="number")},
                    [{"amount": Decimal("1.2345")}, {"amount": Decimal("2.5")}, {"amount": Decimal("7.0051")}],
                    ({"amount": typed("numeric(12,2)", "decimal(12,2)", "decimal(12,2)", type="number")}, {}))
    if not sized(alias):
        return assert_safe(alias, target[1])

    def rounded(row):
        row["amount"] = normalize(Decimal(row["amount"]).quantize(Decimal("0.01")))
        return row

    assert_destructive(alias, target[1], 2, rounded)


def test_integer_narrowing_with_values_out_of_range_is_impossible(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"n": typed("bigint", "bigint", "bigint", type="number")},
                    [{"n": 5}, {"n": 3_000_000_000}, {"n": -3_000_000_000}, {"n": None}],
                    ({"n": typed("integer", "int", "integer", type="number")}, {}))
    if not sized(alias):
        return assert_safe(alias, target[1])
    assert_refused(alias, target[1], 2)


def test_integer_narrowing_when_every_value_fits_is_safe(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"n": typed("integer", "int", "integer", type="number")},
                    [{"n": 32767}, {"n": -32768}],
                    ({"n": typed("smallint", "smallint", "smallint", type="number")}, {}))
    assert_safe(alias, target[1])


def test_mysql_signed_to_unsigned_with_negative_values_is_impossible(target, use_models, model_dir):
    if vendor(target[0]) != "mysql":
        pytest.skip("UNSIGNED is MySQL's")
    alias = prepare(target, use_models, model_dir,
                    {"n": typed("integer", "int", "integer", type="number")},
                    [{"n": -1}, {"n": 1}],
                    ({"n": typed("integer", "int unsigned", "integer", type="number")}, {}))
    assert_refused(alias, target[1], 1)


# -- dates and times ---------------------------------------------------------------------------------
def test_datetime_precision_narrowing_rounds_fractions_never_the_date(target, use_models, model_dir):
    stamp = dt.datetime(2024, 1, 31, 10, 0, 0)
    alias = prepare(target, use_models, model_dir,
                    {"at": typed({"dataType": "timestamp", "dataPrecision": 6}, "datetime(6)", "datetime(6)", type="date")},
                    [{"at": stamp.replace(microsecond=123456)}, {"at": stamp.replace(microsecond=500000)},
                     {"at": None}],
                    ({"at": typed({"dataType": "timestamp", "dataPrecision": 3}, "datetime(3)", "datetime(3)", type="date")}, {}))
    if not sized(alias):
        return assert_safe(alias, target[1])

    def to_millis(row):  # .123456 rounds and truncates to .123 alike
        if row["at"] is not None:
            value = dt.datetime.fromisoformat(row["at"])
            row["at"] = normalize(value.replace(microsecond=value.microsecond // 1000 * 1000))
        return row

    assert_destructive(alias, target[1], 1, to_millis)
    assert [r["at"] and r["at"][:10] for r in read(alias)] == ["2024-01-31", "2024-01-31", None]


# -- text to other types -------------------------------------------------------------------------------
def test_text_to_integer_with_a_value_that_is_no_number_is_impossible(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"v": typed("varchar(20)", "varchar(20)", "varchar(20)")},
                    [{"v": "12"}, {"v": "abc"}, {"v": "007"}, {"v": None}],
                    ({"v": typed("integer", "int", "integer", type="number")}, {}))
    assert_refused(alias, target[1], 2)  # 'abc' fails, '007' would lose its zeros


def test_text_to_integer_when_every_value_converts_exactly_is_safe(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"v": typed("varchar(20)", "varchar(20)", "varchar(20)")},
                    [{"v": "12"}, {"v": "-7"}, {"v": None}],
                    ({"v": typed("integer", "int", "integer", type="number")}, {}))
    assert_safe(alias, target[1])


def test_text_to_decimal_that_does_not_fit_is_impossible(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"v": typed("varchar(20)", "varchar(20)", "varchar(20)")},
                    [{"v": "1.5"}, {"v": "1,5"}, {"v": "1e3"}],
                    ({"v": typed("numeric(10,2)", "decimal(10,2)", "decimal(10,2)", type="number")}, {}))
    assert_refused(alias, target[1], 2)


@pytest.mark.parametrize("types", [("boolean", "boolean", "bool"), ("date", "date", "date")], ids=["bool", "date"])
def test_text_to_boolean_or_date_is_impossible_over_values(target, use_models, model_dir, types):
    alias = prepare(target, use_models, model_dir,
                    {"v": typed("varchar(20)", "varchar(20)", "varchar(20)")},
                    [{"v": "true"}, {"v": "2024-01-01"}, {"v": None}],
                    ({"v": typed(*types, type="boolean" if types[0] == "boolean" else "date")}, {}))
    assert_refused(alias, target[1], 2)


def test_text_to_decimal_keeps_a_value_only_if_it_reads_back_the_same(target, use_models, model_dir):
    """PostgreSQL and MariaDB keep every digit of a number that fits; SQLite stores a number, not the
    text, so '1.10' reads back 1.1, '2.00' 2, and 18 decimals or 21 digits are rounded to a double."""
    alias = prepare(target, use_models, model_dir,
                    {"v": typed("text", "text", "text")},
                    [{"v": "1.123456789012345678"}, {"v": "123456789012345678901"}, {"v": "1.10"}, {"v": "2.00"},
                     {"v": None}],
                    ({"v": typed("numeric(30,18)", "decimal(30,18)", "decimal(30,18)", type="number")}, {}))
    assert_refused(alias, target[1], 1 if sized(alias) else 4)  # 21 integer digits do not fit in (30,18)
    # SQLite's stored values, by typeof(): still the text as written
    if not sized(alias):
        table = quote(alias, table_name(alias))
        assert execute(alias, f"SELECT typeof(v), v FROM {table} ORDER BY id") == [
            ("text", "1.123456789012345678"), ("text", "123456789012345678901"), ("text", "1.10"),
            ("text", "2.00"), ("null", None)]


def test_text_to_decimal_when_every_value_reads_back_the_same_is_safe(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"v": typed("text", "text", "text")},
                    [{"v": "1.5"}, {"v": "12"}, {"v": "-3"}, {"v": "0.25"}, {"v": None}],
                    ({"v": typed("numeric(30,18)", "decimal(30,18)", "decimal(30,18)", type="number")}, {}))
    assert_safe(alias, target[1])


def test_sqlite_text_to_another_text_affinity_type_is_safe(target, use_models, model_dir):
    """`nvarchar` is no type our families know, but SQLite gives it TEXT affinity: no value changes."""
    if sized(target[0]):
        pytest.skip("SQLite's affinity")
    alias = prepare(target, use_models, model_dir, {"v": typed("text", "text", "varchar(20)")},
                    [{"v": "1.10"}, {"v": "abc"}, {"v": None}], ({"v": typed("text", "text", "nvarchar(10)")}, {}))
    assert [c.risk for c in get_plan(using=alias).changes] == [Risk.SAFE]
    assert_safe(alias, target[1])


# -- numbers stored as a double ------------------------------------------------------------------------------
BEYOND_2_53 = 2 ** 53 + 1  # the first integer a double cannot hold: it becomes 2^53


def to_double(row):
    if row["v"] is not None:
        row["v"] = normalize(float(Decimal(row["v"])))
    return row


@pytest.mark.parametrize("source", ["bigint", "decimal(20,0)"])
def test_an_integer_beyond_2_53_becomes_a_double_only_with_consent(target, use_models, model_dir, source):
    before = (typed("bigint", "bigint", "integer", type="number") if source == "bigint" else
              typed("numeric(20,0)", "decimal(20,0)", "decimal(20,0)", type="number"))
    alias = prepare(target, use_models, model_dir,
                    {"v": before}, [{"v": BEYOND_2_53}, {"v": 5}, {"v": -BEYOND_2_53 + 2}, {"v": None}],
                    ({"v": typed("double precision", "double", "real", type="number")}, {}))
    # decimal(20,0) -> double is a conversion of every value on PostgreSQL and MariaDB (20 digits > 15);
    # SQLite counts the integers its REAL affinity changes: 2^53 + 1 (2^53 - 1 fits).
    count = 3 if source != "bigint" and sized(alias) else 1
    assert_destructive(alias, target[1], count, to_double)
    assert read(alias)[0]["v"] == str(2 ** 53)
    if not sized(alias):
        table = quote(alias, table_name(alias))
        assert execute(alias, f"SELECT typeof(v) FROM {table} ORDER BY id") == [
            ("real",), ("real",), ("real",), ("null",)]


def test_an_integer_within_2_53_becomes_a_double_safely(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"v": typed("bigint", "bigint", "integer", type="number")},
                    [{"v": 2 ** 53}, {"v": -(2 ** 53)}, {"v": None}],
                    ({"v": typed("double precision", "double", "real", type="number")}, {}))
    assert_safe(alias, target[1], to_double)  # counted: no value lies beyond 2^53


def test_sqlite_real_to_text_that_loses_digits_is_destructive(target, use_models, model_dir):
    """SQLite writes a REAL as text with 15 significant digits: 0.30000000000000004 becomes '0.3'."""
    alias = target[0]
    if sized(alias):
        pytest.skip("SQLite's affinity conversion")
    alias = prepare(target, use_models, model_dir,
                    {"v": typed("double precision", "double", "real", type="number")},
                    [{"v": 0.1 + 0.2}, {"v": 1.5}, {"v": None}],
                    ({"v": typed("text", "text", "text")}, {}))

    def as_text(row):
        row["v"] = {"0.30000000000000004": "0.3"}.get(row["v"], row["v"])
        return row

    assert_destructive(alias, target[1], 1, as_text)
    table = quote(alias, table_name(alias))
    assert execute(alias, f"SELECT typeof(v), v FROM {table} ORDER BY id") == [
        ("text", "0.3"), ("text", "1.5"), ("null", None)]


# -- defaults under a unique index ---------------------------------------------------------------------
def unique_code(**more):
    return {"type": "string", "length": 20, "postgresql": {"dataType": "varchar", "dataLength": 20},
            "index": {"unique": True}, **more}


def with_default(value):
    # LoopBack's `default`: a DB default on PostgreSQL and SQLite, filled by us on MySQL.
    return {"required": True, "default": value}


def test_not_null_default_that_duplicates_under_a_unique_index_is_impossible(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"code": unique_code()},
                    [{"code": None}, {"code": None}, {"code": "x"}],
                    ({"code": unique_code(**with_default("d"))}, {}))
    assert_refused(alias, target[1], 1)  # one duplicated value: both NULLs would become 'd'


def test_not_null_default_equal_to_an_existing_value_is_impossible(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"code": unique_code()},
                    [{"code": None}, {"code": "d"}],
                    ({"code": unique_code(**with_default("d"))}, {}))
    assert_refused(alias, target[1], 1)


def test_not_null_default_filling_one_null_under_a_unique_index_is_data_dependent(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"code": unique_code()},
                    [{"code": None}, {"code": "x"}],
                    ({"code": unique_code(**with_default("d"))}, {}))

    def filled(row):
        row["code"] = row["code"] or "d"
        return row

    assert_destructive(alias, target[1], 1, filled)


def test_new_required_column_with_default_and_unique_index_on_populated_table_is_impossible(
        target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"label": "string"},
                    [{"label": "a"}, {"label": "b"}],
                    ({"label": "string", "slug": unique_code(**with_default("s"))}, {}))
    assert_refused(alias, target[1], 1)


# -- foreign keys -----------------------------------------------------------------------------------------
def test_foreign_key_to_a_table_created_in_the_same_plan_is_impossible_over_values(target, use_models, model_dir):
    box = {"box.json": {"name": "Box", "properties": {"title": "string"}}}
    fk = {"foreignKeys": {"fk_thing_box": {"name": "fk_thing_box", "entity": "Box", "foreignKey": "boxid"}}}
    alias = prepare(target, use_models, model_dir,
                    {"boxid": "number"}, [{"boxid": 1}, {"boxid": None}, {"boxid": 2}],
                    ({"boxid": "number"}, fk), extra_models=box)
    assert_refused(alias, target[1], 2)
    assert table_name(alias, "Box") not in live_schema.tables(alias)  # nothing was created


def test_foreign_key_over_orphans_is_impossible(target, use_models, model_dir):
    alias, mode = target
    use_models(alias, model_dir({"box.json": {"name": "Box", "properties": {"title": "string"}}}))
    automigrate(using=alias)
    execute(alias, f"INSERT INTO {quote(alias, table_name(alias, 'Box'))} ({quote(alias, 'title')}) VALUES ('b')")
    box = {"box.json": {"name": "Box", "properties": {"title": "string"}}}
    fk = {"foreignKeys": {"fk_thing_box": {"name": "fk_thing_box", "entity": "Box", "foreignKey": "boxid"}}}
    files = {"thing.json": {"name": "Thing", "properties": {"boxid": "number"}}, **box}
    use_models(alias, model_dir(files))
    automigrate(["Thing"], using=alias)
    execute(alias, f"INSERT INTO {quote(alias, table_name(alias))} ({quote(alias, 'boxid')}) VALUES (1), (99)")
    use_models(alias, model_dir({**files, "thing.json": {**files["thing.json"], **fk}}))
    set_mode(alias, mode)
    assert_refused(alias, mode, 1, models=("Thing", "Box"))


def fk_models(index=None, fk=True, oldcol=True):
    """Parent Fkp(code) and child Fkc(pcode, oldcol); the FK references Fkp.code, not its id."""
    code = {"type": "string", "length": 10, **({"index": index} if index is not None else {})}
    child = {"pcode": {"type": "string", "length": 10}, **({"oldcol": "string"} if oldcol else {})}
    options = {"foreignKeys": {"fk_fkc_fkp": {"name": "fk_fkc_fkp", "entity": "Fkp", "foreignKey": "pcode",
                                              "entityKey": "code"}}} if fk else {}
    return {"fkp.json": {"name": "Fkp", "properties": {"code": code}},
            "fkc.json": {"name": "Fkc", "properties": child, **options}}


def prepare_fk(target, use_models, model_dir, index):
    alias, mode = target
    use_models(alias, model_dir(fk_models(fk=False)))
    automigrate(using=alias)
    execute(alias, f"INSERT INTO {quote(alias, table_name(alias, 'Fkp'))} ({quote(alias, 'code')}) VALUES ('a')")
    execute(alias, f"INSERT INTO {quote(alias, table_name(alias, 'Fkc'))} ({quote(alias, 'pcode')}, "
                   f"{quote(alias, 'oldcol')}) VALUES ('a', 'precious')")
    use_models(alias, model_dir(fk_models(index=index, oldcol=False)))
    set_mode(alias, mode)
    return alias


def test_foreign_key_to_columns_without_a_unique_key_is_refused_before_anything_runs(target, use_models, model_dir):
    """No primary key, no unique index on Fkp.code: every database refuses the FK (MySQL: no index at
    all). The plan also drops Fkc.oldcol, which must not happen half-way."""
    alias = prepare_fk(target, use_models, model_dir, index=None)
    plan = get_plan(using=alias)  # static: no data needed, nothing counted
    fk_change = next(c for c in plan.changes if c.kind == "add_foreign_key")
    assert fk_change.risk == Risk.IMPOSSIBLE and "unique" in fk_change.reason
    refused = assert_refused(alias, target[1], None, models=("Fkp", "Fkc"))
    assert [c.kind for c in refused.changes] == ["add_foreign_key"]
    child = quote(alias, table_name(alias, "Fkc"))
    assert execute(alias, f"SELECT {quote(alias, 'oldcol')} FROM {child}") == [("precious",)]
    assert schema_of(alias, "Fkc").foreign_keys == {}


@pytest.mark.parametrize("index", [True, {"unique": True}], ids=["plain-index", "unique-index"])
def test_foreign_key_to_columns_the_plan_indexes(target, use_models, model_dir, index):
    """The plan's own index counts: a unique one satisfies every database, a plain one only MySQL's InnoDB."""
    alias = prepare_fk(target, use_models, model_dir, index=index)
    if index is True and vendor(alias) != "mysql":
        assert_refused(alias, target[1], None, models=("Fkp", "Fkc"))
        return
    autoupdate(using=alias, allow_destructive=True)
    fks = schema_of(alias, "Fkc").foreign_keys
    assert [(cols, ref.lower(), ref_cols) for cols, ref, ref_cols, *_ in fks.values()] == [
        (("pcode",), "fkp", ("code",))]
    assert execute(alias, f"SELECT {quote(alias, 'pcode')} FROM {quote(alias, table_name(alias, 'Fkc'))}") == [
        ("a",)]


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
@pytest.mark.parametrize("index", [None, True, {"unique": True}], ids=["no-index", "plain-index", "unique-index"])
def test_foreign_key_key_rule_offline(alias, index, use_models, model_dir, monkeypatch):
    """Oracle and SQL Server need a primary key or unique key too; classify decides it with no query."""
    from django_lbsync.api import desired_schema
    from django_lbsync.diff import diff
    from django_lbsync.vendors import vendor_for

    require_alias(alias)
    connection = connections[alias]
    monkeypatch.setattr(connection, "cursor", lambda *a, **k: pytest.fail("classify sent a query"))
    use_models(alias, model_dir(fk_models(fk=False)))
    live = desired_schema(using=alias)
    use_models(alias, model_dir(fk_models(index=index, oldcol=False)))
    plan = diff(live, desired_schema(using=alias), vendor_for(connection), database=alias)
    fk_change = next(c for c in preflight.classify(plan, connection, live).changes if c.kind == "add_foreign_key")
    if index == {"unique": True}:
        assert [p.what.lower() for p in fk_change.probes] == ["row(s) reference a missing fkp row"]  # counted
    else:
        assert fk_change.risk == Risk.IMPOSSIBLE and [p.sql for p in fk_change.probes] == [""]
        assert "unique index" in fk_change.reason and "not counted" not in fk_change.reason


# -- driver errors read as "code: message" -------------------------------------------------------------------
def test_driver_error_tuples_are_shown_as_code_and_message():
    from django.db.utils import OperationalError

    from django_lbsync import StatementFailed
    from django_lbsync.changes import DropIndex
    from django_lbsync.schema import Index, Table

    error = OperationalError(1005, "Can't create table `t`.`fkc` (errno: 150 \"Foreign key constraint is "
                                   "incorrectly formed\")")
    change = DropIndex(Table("fkc", None, (), ()), index=Index("i", ("a",), ("ASC",)))
    for text in (str(ApplyFailed([], change, error, False)), str(StatementFailed([], "ALTER TABLE x", error, False))):
        assert "1005: Can't create table `t`.`fkc` (errno: 150" in text
        assert "(1005," not in text
    plain = OperationalError("no such table: x")
    assert "failed: no such table: x" in str(ApplyFailed([], change, plain, True))


def test_mysql_refusal_our_preflight_missed_reads_as_code_and_message(target, use_models, model_dir, monkeypatch):
    """With preflight told to see nothing, MariaDB itself refuses the FK: the message is readable."""
    alias = target[0]
    if vendor(alias) != "mysql" or target[1] is not None:
        pytest.skip("MariaDB's errno 150")
    prepare_fk(target, use_models, model_dir, index=None)
    monkeypatch.setattr(preflight._Rules, "_referenced_key_problem", lambda self, fk: None)
    with pytest.raises(ApplyFailed) as failed:
        autoupdate(using=alias, allow_destructive=True)
    assert "failed: 1005: " in str(failed.value) and "(1005," not in str(failed.value)


def test_a_default_added_or_removed_reads_none_not_python_none():
    from django_lbsync.changes import AlterColumn, ColumnChange
    from django_lbsync.schema import Column, Table

    plain, with_default = Column("v", "TEXT", True), Column("v", "TEXT", True, default="'z'")
    table = Table("t", None, (), ())
    added = AlterColumn(table, live=plain, desired=with_default, kinds=ColumnChange.DEFAULT)
    removed = AlterColumn(table, live=with_default, desired=plain, kinds=ColumnChange.DEFAULT)
    assert added.describe() == "Alter column t.v: default (none) -> 'z'"
    assert removed.describe() == "Alter column t.v: default 'z' -> (none)"


# -- drops ------------------------------------------------------------------------------------------------
def test_drop_of_a_column_with_values_loses_exactly_that_column(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir,
                    {"keep": "string", "gone": "string"},
                    [{"keep": "a", "gone": "x"}, {"keep": "b", "gone": None}],
                    ({"keep": "string"}, {}))

    def dropped(row):
        row.pop("gone")
        return row

    assert_destructive(alias, target[1], 1, dropped)


# -- MySQL: our session is strict, whatever the server's ----------------------------------------------------
def test_the_server_refuses_a_cut_our_preflight_missed(target, use_models, model_dir, monkeypatch):
    """With the session non-strict and preflight told to see nothing, MariaDB must still refuse to
    clamp: the strict session mode is the second line of defence."""
    alias, mode = target
    if vendor(alias) != "mysql":
        pytest.skip("sql_mode is MySQL's")
    prepare(target, use_models, model_dir,
            {"n": typed("bigint", "bigint", "bigint", type="number")}, [{"n": 3_000_000_000}],
            ({"n": typed("integer", "int", "integer", type="number")}, {}))
    set_mode(alias, "")  # what a non-strict server gives every session
    monkeypatch.setattr(preflight, "measure", lambda plan, connection: plan.__class__(
        plan.database, plan.vendor, tuple(c.with_risk(Risk.SAFE, 0, "", measured=True) for c in plan.changes),
        plan.notes))
    monkeypatch.setattr("django_lbsync.api.measure", preflight.measure)
    before = read(alias)
    with pytest.raises(ApplyFailed):
        autoupdate(using=alias, allow_destructive=True)
    assert read(alias) == before == [{"id": before[0]["id"], "n": "3000000000"}]
    assert session_mode(alias) == ""


# -- a writer between the count and the change ------------------------------------------------------------
def concurrent_insert(alias, sql, params):
    """Insert from another thread, with its own connection, and wait for its commit."""
    errors = []

    def write():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(sql, params)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections[alias].close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(30)
    assert not thread.is_alive() and not errors, errors


@pytest.mark.parametrize("alias", ["postgresql", "mysql"])
def test_a_column_counted_empty_that_a_writer_fills_is_not_dropped(alias, use_models, model_dir):
    require_alias(alias)
    drop_all_tables(alias)
    try:
        use_models(alias, model_dir({"thing.json": {"name": "Thing", "properties": {"keep": "string",
                                                                                    "gone": "string"}}}))
        automigrate(using=alias)
        table = quote(alias, table_name(alias))
        use_models(alias, model_dir({"thing.json": {"name": "Thing", "properties": {"keep": "string"}}}))

        def writer(state, change):
            if state == "start" and change.kind == "drop_column":
                concurrent_insert(alias, f"INSERT INTO {table} ({quote(alias, 'gone')}) VALUES (%s)", ["late"])

        with pytest.raises(ApplyFailed, match="data changed") as failed:
            autoupdate(using=alias, progress=writer)
        assert failed.value.applied == []
        assert execute(alias, f"SELECT {quote(alias, 'gone')} FROM {table}") == [("late",)]
    finally:
        drop_all_tables(alias)


@pytest.mark.parametrize("alias", ["postgresql", "mysql"])
def test_a_consented_loss_that_grew_after_the_count_stops_the_run(alias, use_models, model_dir):
    require_alias(alias)
    drop_all_tables(alias)
    try:
        use_models(alias, model_dir({"thing.json": {"name": "Thing", "properties": {"keep": "string",
                                                                                    "gone": "string"}}}))
        automigrate(using=alias)
        table = quote(alias, table_name(alias))
        execute(alias, f"INSERT INTO {table} ({quote(alias, 'gone')}) VALUES ('a'), ('b')")
        use_models(alias, model_dir({"thing.json": {"name": "Thing", "properties": {"keep": "string"}}}))

        def confirm(plan):  # the user says yes to losing 2 values; meanwhile a third arrives
            assert [c.rows for c in plan.needs_confirmation] == [2]
            concurrent_insert(alias, f"INSERT INTO {table} ({quote(alias, 'gone')}) VALUES (%s)", ["c"])
            return True

        with pytest.raises(ApplyFailed, match=r"2 counted, now 3"):
            autoupdate(using=alias, confirm=confirm)
        values = sorted(r[0] for r in execute(alias, f"SELECT {quote(alias, 'gone')} FROM {table}"))
        assert values == ["a", "b", "c"]
    finally:
        drop_all_tables(alias)


# -- a change type nobody assessed is never safe ----------------------------------------------------------
def test_a_change_type_without_a_rule_fails_loudly_in_preflight_and_apply(live, use_models, model_dir):
    from dataclasses import dataclass

    from django_lbsync.apply import apply
    from django_lbsync.changes import Change
    from django_lbsync.introspect import introspect
    from django_lbsync.plan import Plan

    @dataclass(frozen=True)
    class RenameColumn(Change):
        kind = "rename_column"

        def describe(self):
            return "Rename a column"

    use_models(live, model_dir({"thing.json": {"name": "Thing", "properties": {"a": "string"}}}))
    automigrate(using=live)
    connection = connections[live]
    snapshot = introspect(connection)
    table = next(iter(snapshot.tables.values()))
    plan = Plan(live, connection.vendor, (RenameColumn(table),))
    with pytest.raises(TypeError, match="no risk rule for RenameColumn"):
        preflight.classify(plan, connection, snapshot)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        with pytest.raises(ApplyFailed, match="no step for RenameColumn"):
            apply(plan, editor, snapshot)
