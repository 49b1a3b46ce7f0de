"""Convergence is a property (issue 10 item 2): LoopBack type x connector `dataType` x length/precision/scale x
default, generated as a matrix, through automigrate, autoupdate on an empty database and autoupdate from a
different v1, on SQLite, PostgreSQL and MariaDB. After each: isactual is true, a second autoupdate plans
nothing, the columns the independent reader (tests/live_schema.py) sees are there with their nullability,
and a row inserted without the defaulted columns gets the value the model means.

The cases are batched: a few tables of many columns per database, one automigrate per batch, so the whole
matrix costs seconds, not one table per case.
"""
from __future__ import annotations

import datetime
import itertools
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync import automigrate, autoupdate, get_plan, is_actual
from tests import live_schema

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

CONNECTOR = {"default": "sqlite3", "postgresql": "postgresql", "mysql": "mysql"}
COLUMNS_PER_TABLE = 24  # MySQL's 65,535-byte row limit with utf8mb4 VARCHARs

# Value families, as this test reads them (independent of django_lbsync.vendors.datatypes):
# b boolean, i integer, d<scale> decimal (None: unlimited scale), f float, s string, D date, T datetime,
# t time, x none tested (no default: JSON, geometry, binary ...).
BOOLEAN_DEFAULTS = [True, False, 0, 1, "false", "true", "0", "1"]
INTEGER_DEFAULTS = [0, 7, -3, "1", "42", 2.0]
DECIMAL_DEFAULTS = [1.5, "2.25", 0, -7, "10"]
FLOAT_DEFAULTS = [1.5, "0.25", 3, -2]
STRING_DEFAULTS = ["x", "it's", "", 5, 1.5, True, "a\\b"]
DATE_DEFAULTS = ["2020-01-02", "2020-01-02T00:00:00.000Z"]
# ISO with Z is what JSON and the juggler write; MySQL refuses it as a DEFAULT, so it is written in UTC.
DATETIME_DEFAULTS = ["2020-01-02 03:04:05", "2020-01-02T03:04:05.000Z", "2020-01-02T05:04:05+02:00"]
TIME_DEFAULTS = ["03:04:05"]
UNSIGNED_DEFAULTS = [0, 7, "1"]
DEFAULTS = {"b": BOOLEAN_DEFAULTS, "i": INTEGER_DEFAULTS, "u": UNSIGNED_DEFAULTS, "f": FLOAT_DEFAULTS,
            "s": STRING_DEFAULTS, "D": DATE_DEFAULTS, "T": DATETIME_DEFAULTS, "t": TIME_DEFAULTS, "x": []}


def _type(lb_type, family, block=None, **top):
    return (lb_type, family, block or {}, top)


#: Per database: (LoopBack type, family, connector block, top-level knobs). The default mapping first (no
#: dataType), then dataType with every size knob form.
TYPES = {
    "postgresql": [
        _type("string", "s"), _type("string", "s", length=40), _type("number", "i"),
        _type("number", "i", precision=10, scale=2), _type("boolean", "b"), _type("date", "T"),
        _type("text", "s"), _type("object", "x"), _type("any", "x"), _type("geopoint", "x"),
        _type("string", "s", {"dataType": "varchar", "dataLength": 30}),
        _type("string", "s", {"dataType": "character varying", "dataLength": 64}),
        _type("string", "s", {"dataType": "character varying"}),
        _type("string", "s", {"dataType": "char", "dataLength": 12}),
        _type("string", "s", {"dataType": "text", "dataLength": 65535}),
        _type("number", "i", {"dataType": "integer", "dataLength": 22}),  # PG#284
        _type("number", "i", {"dataType": "integer", "dataPrecision": 32, "dataScale": 0}),
        _type("number", "i", {"dataType": "smallint"}), _type("number", "i", {"dataType": "bigint"}),
        _type("number", "i", {"dataType": "int4"}), _type("number", "i", {"dataType": "int8"}),
        _type("number", "d2", {"dataType": "numeric", "dataPrecision": 10, "dataScale": 2}),
        _type("number", "d0", {"dataType": "numeric", "dataPrecision": 53, "dataScale": 0}),
        _type("number", "d0", {"dataType": "numeric", "dataPrecision": 12}),
        _type("number", "dNone", {"dataType": "numeric"}),
        _type("number", "d3", {"dataType": "decimal", "dataPrecision": 12, "dataScale": 3}),
        _type("number", "f", {"dataType": "real"}), _type("number", "f", {"dataType": "double precision"}),
        _type("number", "f", {"dataType": "float", "dataPrecision": 53}),
        _type("number", "f", {"dataType": "float", "dataPrecision": 24}),
        _type("number", "f", {"dataType": "float", "dataPrecision": 10}),
        _type("number", "f", {"dataType": "float"}), _type("number", "f", {"dataType": "float8"}),
        _type("boolean", "b", {"dataType": "boolean"}), _type("boolean", "b", {"dataType": "bool"}),
        _type("date", "D", {"dataType": "date"}), _type("date", "T", {"dataType": "timestamp"}),
        _type("date", "T", {"dataType": "timestamp", "dataPrecision": 3}),
        _type("date", "T", {"dataType": "timestamp without time zone", "dataPrecision": 6}),
        _type("date", "T", {"dataType": "timestamp(0)"}),
        _type("date", "t", {"dataType": "time"}),
        _type("object", "x", {"dataType": "jsonb"}), _type("object", "x", {"dataType": "json"}),
        _type("string", "x", {"dataType": "uuid"}), _type("buffer", "x", {"dataType": "bytea"}),
    ],
    "mysql": [
        _type("string", "s"), _type("string", "s", length=40), _type("string", "s", index=True),
        _type("number", "i"), _type("number", "u", unsigned=True), _type("boolean", "b"), _type("date", "T"),
        _type("date", "T", precision=3), _type("text", "x"), _type("object", "x"), _type("geopoint", "x"),
        _type("number", "d2", dataType="decimal"), _type("number", "d3", dataType="decimal", precision=8, scale=3),
        _type("number", "f", dataType="float"), _type("number", "f", dataType="double"),
        _type("string", "s", dataType="char", length=10), _type("string", "s", dataType="varchar", length=33),
        _type("string", "s", {"dataType": "varchar", "dataLength": 30}),
        _type("string", "s", {"dataType": "char", "dataLength": 12}),
        _type("string", "x", {"dataType": "text"}),
        _type("string", "x", {"dataType": "text", "dataLength": 65535}),
        _type("string", "x", {"dataType": "text", "dataLength": 255}),
        _type("string", "x", {"dataType": "tinytext", "dataLength": 255}),
        _type("string", "x", {"dataType": "mediumtext", "dataLength": 16777215}),
        _type("string", "x", {"dataType": "longtext", "dataLength": 4294967295}),
        _type("buffer", "x", {"dataType": "blob", "dataLength": 65535}),
        _type("buffer", "x", {"dataType": "longblob", "dataLength": 4294967295}),
        _type("number", "i", {"dataType": "int"}),
        _type("number", "i", {"dataType": "int", "dataPrecision": 10, "dataScale": 0}),
        _type("number", "i", {"dataType": "int", "dataPrecision": 10, "dataScale": 2}),
        _type("number", "i", {"dataType": "integer"}),
        _type("number", "i", {"dataType": "tinyint"}),
        _type("number", "i", {"dataType": "tinyint", "dataPrecision": 3}),
        _type("number", "i", {"dataType": "smallint"}), _type("number", "i", {"dataType": "mediumint"}),
        _type("number", "i", {"dataType": "bigint", "dataPrecision": 19, "dataScale": 0}),
        _type("boolean", "b", {"dataType": "tinyint", "dataLength": 1}),
        _type("boolean", "b", {"dataType": "boolean"}), _type("boolean", "b", {"dataType": "bool"}),
        _type("number", "d2", {"dataType": "decimal", "dataPrecision": 10, "dataScale": 2}),
        _type("number", "d0", {"dataType": "numeric", "dataPrecision": 53, "dataScale": 0}),
        _type("number", "d0", {"dataType": "decimal", "dataPrecision": 12}),
        _type("number", "d0", {"dataType": "decimal"}),
        _type("number", "f", {"dataType": "float"}), _type("number", "f", {"dataType": "double"}),
        _type("number", "f", {"dataType": "float", "dataPrecision": 53}),
        _type("number", "f", {"dataType": "float", "dataPrecision": 24}),
        _type("number", "f", {"dataType": "real"}),
        _type("number", "f", {"dataType": "double", "dataPrecision": 22}),  # as discovered: DOUBLE(22) is no SQL
        _type("number", "f", {"dataType": "double", "dataPrecision": 10, "dataScale": 4}),
        _type("date", "D", {"dataType": "date"}), _type("date", "T", {"dataType": "datetime"}),
        _type("date", "T", {"dataType": "datetime", "dataPrecision": 6}),
        _type("date", "t", {"dataType": "time"}),
        _type("object", "x", {"dataType": "json"}),
        _type("string", "s", {"dataType": "enum"}, jsonSchema={"enum": ["x", "it's", "", "5", "1.5", "true",
                                                                         "a\\b", "y"]}),
    ],
    "default": [
        _type("string", "s"), _type("string", "s", length=40), _type("number", "i"), _type("boolean", "b"),
        _type("date", "x"), _type("text", "s"), _type("object", "s"), _type("buffer", "x"),
        _type("string", "s", {"dataType": "varchar", "dataLength": 30}),
        _type("string", "s", {"dataType": "text", "dataLength": 65535}),
        _type("number", "i", {"dataType": "integer"}), _type("number", "i", {"dataType": "tinyint"}),
        _type("number", "i", {"dataType": "bigint"}),
        _type("number", "d2", {"dataType": "decimal", "dataPrecision": 10, "dataScale": 2}),
        # scale 0 is falsy: `numeric`, which keeps any scale
        _type("number", "dNone", {"dataType": "numeric", "dataPrecision": 53, "dataScale": 0}),
        _type("number", "f", {"dataType": "float", "dataPrecision": 53}), _type("number", "f", {"dataType": "real"}),
        _type("boolean", "b", {"dataType": "boolean"}),
    ],
}


@dataclass
class Case:
    prop: str
    definition: dict
    family: str
    default: object = None
    has_default: bool = False
    model: str = ""
    table: str = ""
    column: str = ""
    extra: dict = field(default_factory=dict)


def _defaults_for(family: str):
    if family.startswith("d"):
        return DECIMAL_DEFAULTS
    return DEFAULTS[family]


def cases_for(alias: str) -> list[Case]:
    """Every type of the database once without a default, then once with each default of its family
    (literal strings, numbers and booleans); every third defaulted column is also required."""
    connector = CONNECTOR[alias]
    out: list[Case] = []
    for number, (lb_type, family, block, top) in enumerate(TYPES[alias]):
        variants = [(None, False)] + [(value, True) for value in _defaults_for(family)]
        for variant, (value, has_default) in enumerate(variants):
            definition = {"type": lb_type, **top}
            block_copy = dict(block)
            if has_default:
                # LoopBack's `default` is the DB default on PostgreSQL (and SQLite); MySQL takes `mysql.default`.
                if connector == "mysql":
                    block_copy["default"] = value
                else:
                    definition["default"] = value
                if len(out) % 3 == 0 and _db_default_kept(alias, family):
                    definition["required"] = True
            if block_copy:
                definition[connector] = block_copy
            out.append(Case(f"c{number}v{variant}", definition, family, value, has_default))
    for start in range(0, len(out), COLUMNS_PER_TABLE):
        model = f"Matrix{start // COLUMNS_PER_TABLE}"
        for case in out[start:start + COLUMNS_PER_TABLE]:
            case.model = model
            case.table = model.lower() if alias == "postgresql" else model
            case.column = case.prop.lower() if alias == "postgresql" else case.prop
    return out


def _db_default_kept(alias: str, family: str) -> bool:
    """Whether the database keeps a DEFAULT on this family (MySQL writes none on TEXT/BLOB/JSON)."""
    return family != "x"


def model_files(cases: list[Case]) -> dict:
    files = {}
    for model, group in itertools.groupby(cases, key=lambda c: c.model):
        files[f"{model.lower()}.json"] = {"name": model, "properties": {c.prop: c.definition for c in group}}
    return files


def v1_files(cases: list[Case]) -> dict:
    """A different v1 of the same tables: every other column a plain string (every fourth with a default
    of its own), the rest missing, and a column v2 no longer has."""
    files = {}
    for model, group in itertools.groupby(cases, key=lambda c: c.model):
        props = {"legacy": {"type": "string", "length": 20}}
        for i, case in enumerate(group):
            if i % 4 == 0:
                props[case.prop] = {"type": "string", "length": 20}
            elif i % 4 == 2:
                props[case.prop] = {"type": "string", "length": 20, "default": "v1", "mysql": {"default": "v1"}}
        files[f"{model.lower()}.json"] = {"name": model, "properties": props}
    return files


# -- what the database holds, judged by the independent reader ----------------------------------------------

def q(alias, name):
    return connections[alias].ops.quote_name(name)


def expected_value(case: Case, alias: str):
    """The value a row inserted without this column holds, by the family's own rules (this test's)."""
    if not case.has_default:
        return None
    value, family = case.default, case.family
    if family == "x" or (alias == "mysql" and "text" in str(case.definition).lower() and family == "s"):
        return None
    if family == "b":
        return value in (True, 1, "true", "1")
    if family in "iu":
        return int(Decimal(str(value)))
    if family.startswith("d"):
        scale = family[1:]
        number = Decimal(str(value))
        return number if scale == "None" else number.quantize(Decimal(1).scaleb(-int(scale)), ROUND_HALF_UP)
    if family == "f":
        return float(value)
    if family == "s":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if family == "T" and "T" in value:  # an instant with an offset is the UTC time, in every column of the matrix
        instant = datetime.datetime.fromisoformat(value).astimezone(datetime.timezone.utc)
        return instant.replace(tzinfo=None).isoformat(sep=" ")
    if family == "D":
        return value[:10]
    return value  # times: compared as text


def same_value(read, expected, case: Case, alias: str) -> bool:
    if expected is None:
        return read is None
    family = case.family
    if family == "b":
        return read in (0, 1) and bool(read) == expected  # True/False, or 1/0 where booleans are integers
    if family in "iu":
        return isinstance(read, int) and read == expected
    if family.startswith("d"):
        return Decimal(str(read)) == expected
    if family == "f":
        return math.isclose(float(read), expected, rel_tol=1e-6)
    if family == "s":
        return (read.rstrip(" ") if "char\"" in str(case.definition) or "'char'" in str(case.definition)
                else read) == expected
    if isinstance(read, datetime.datetime):
        read = read.replace(tzinfo=None).isoformat(sep=" ")
    return str(read) == expected


def check_database(alias: str, cases: list[Case]) -> None:
    plan = get_plan(using=alias)
    assert plan.changes == () and plan.in_sync, plan.describe()
    assert is_actual(using=alias)
    assert autoupdate(using=alias).applied == []
    wrong = []
    for table, group in itertools.groupby(cases, key=lambda c: c.table):
        group = list(group)
        live = live_schema.describe(alias, table)
        nullable = {name: null for name, _type, null in live.columns}
        for case in group:
            if case.column not in nullable:
                wrong.append(f"{case.model}.{case.prop}: no column")
            elif nullable[case.column] == bool(case.definition.get("required")):
                wrong.append(f"{case.model}.{case.prop}: nullable is {nullable[case.column]}")
        with connections[alias].cursor() as cursor:
            insert = (f"INSERT INTO {q(alias, table)} () VALUES ()" if alias == "mysql"
                      else f"INSERT INTO {q(alias, table)} DEFAULT VALUES")
            cursor.execute(insert)
            columns = ", ".join(q(alias, c.column) for c in group)
            cursor.execute(f"SELECT {columns} FROM {q(alias, table)}")
            row = cursor.fetchone()
            cursor.execute(f"DELETE FROM {q(alias, table)}")
        for case, read in zip(group, row):
            expected = expected_value(case, alias)
            if not same_value(read, expected, case, alias):
                wrong.append(f"{case.model}.{case.prop} {case.definition}: default read back {read!r}, "
                             f"expected {expected!r} ({live.column_types.get(case.column)}, "
                             f"{live.defaults.get(case.column)})")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def matrix(live, use_models, model_dir):
    cases = cases_for(live)
    use_models(live, model_dir(model_files(cases)))
    return live, cases


def test_matrix_size():
    sizes = {alias: len(cases_for(alias)) for alias in CONNECTOR}
    assert all(size >= 100 for size in sizes.values()), sizes


def test_matrix_automigrate_converges(matrix):
    alias, cases = matrix
    automigrate(using=alias)
    check_database(alias, cases)


def test_matrix_autoupdate_on_empty_database_converges(matrix):
    alias, cases = matrix
    assert not is_actual(using=alias)
    autoupdate(using=alias)
    check_database(alias, cases)


def test_matrix_autoupdate_from_another_v1_converges(live, use_models, model_dir):
    cases = cases_for(live)
    use_models(live, model_dir(v1_files(cases)))
    automigrate(using=live)
    use_models(live, model_dir(model_files(cases)))
    assert not is_actual(using=live)
    autoupdate(using=live, allow_destructive=True)
    check_database(live, cases)


# -- the cases that did not converge (issue 10), each judged by the independent reader ------------------------

#: name -> (property, {alias: (live type as tests/live_schema.py spells it, value a row gets by default)})
REGRESSIONS = {
    "float_precision_53": (
        {"type": "number", "postgresql": {"dataType": "float", "dataPrecision": 53},
         "mysql": {"dataType": "float", "dataPrecision": 53}, "sqlite3": {"dataType": "float", "dataPrecision": 53}},
        {"postgresql": ("double precision", None), "mysql": ("DOUBLE", None), "default": ("float", None)}),
    "numeric_53_0": (
        {"type": "number", "default": 7, "postgresql": {"dataType": "numeric", "dataPrecision": 53, "dataScale": 0},
         "mysql": {"dataType": "numeric", "dataPrecision": 53, "dataScale": 0, "default": 7},
         "sqlite3": {"dataType": "numeric", "dataPrecision": 53, "dataScale": 0}},
        {"postgresql": ("numeric(53,0)", 7), "mysql": ("DECIMAL(53,0)", 7), "default": ("numeric", 7)}),
    "mysql_text_65535": (
        {"type": "string", "mysql": {"dataType": "text", "dataLength": 65535},
         "postgresql": {"dataType": "text", "dataLength": 65535}, "sqlite3": {"dataType": "text", "dataLength": 65535}},
        {"postgresql": ("text", None), "mysql": ("MEDIUMTEXT", None), "default": ("text(65535)", None)}),
    "boolean_default_false_string": (
        {"type": "boolean", "default": "false", "mysql": {"default": "false"}},
        {"postgresql": ("boolean", False), "mysql": ("TINYINT(1)", False), "default": ("bool", False)}),
    "tinyint_default_1_string": (
        {"type": "number", "default": "1", "postgresql": {"dataType": "smallint"},
         "mysql": {"dataType": "tinyint", "default": "1"}, "sqlite3": {"dataType": "tinyint"}},
        {"postgresql": ("smallint", 1), "mysql": ("TINYINT(4)", 1), "default": ("tinyint", 1)}),
}


@pytest.mark.parametrize("start", ["automigrate", "autoupdate", "autoupdate_from_v1"])
@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_known_non_converging_cases_now_converge(live, use_models, model_dir, name, start):
    prop, expected = REGRESSIONS[name]
    live_type, value = expected[live]
    table = "thing" if live == "postgresql" else "Thing"
    if start == "autoupdate_from_v1":
        use_models(live, model_dir({"thing.json": {"name": "Thing", "properties": {"x": {"type": "string"}}}}))
        automigrate(using=live)
    use_models(live, model_dir({"thing.json": {"name": "Thing", "properties": {"x": prop}}}))
    if start == "automigrate":
        automigrate(using=live)
    else:
        autoupdate(using=live, allow_destructive=True)
    plan = get_plan(using=live)
    assert plan.changes == () and is_actual(using=live), plan.describe()
    assert autoupdate(using=live).applied == []
    described = live_schema.describe(live, table)
    read_type = described.column_types["x"]
    if live == "mysql" and live_type == "TINYINT(4)":
        assert read_type in ("TINYINT(4)", "TINYINT")  # MySQL 8 no longer shows display widths
    else:
        assert read_type == live_type
    with connections[live].cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(live, table)} () VALUES ()" if live == "mysql"
                       else f"INSERT INTO {q(live, table)} DEFAULT VALUES")
        cursor.execute(f"SELECT {q(live, 'x')} FROM {q(live, table)}")
        (read,) = cursor.fetchone()
    assert read == value and (value is None or type(read) in (type(value), int, Decimal))


# -- offline: both sides read through the vendor, never as spellings -----------------------------------------

def test_types_compared_as_what_the_database_makes_of_them():
    from django_lbsync.vendors.mysql import MysqlVendor
    from django_lbsync.vendors.postgresql import PostgresqlVendor

    pg, my = PostgresqlVendor(), MysqlVendor()
    assert pg.same_type("double precision", "FLOAT(53)") and pg.same_type("real", "FLOAT(24)")
    assert not pg.same_type("real", "FLOAT(25)") and not pg.same_type("double precision", "FLOAT(54)")
    assert pg.same_type("numeric(53,0)", "NUMERIC(53)")
    assert my.same_type("mediumtext", "TEXT(65535)") and my.same_type("text", "TEXT(65535)")  # utf8mb4 / latin1
    assert not my.same_type("longtext", "TEXT(65535)") and not my.same_type("tinytext", "TEXT(65535)")
    assert my.same_type("mediumblob", "BLOB(70000)") and not my.same_type("blob", "BLOB(70000)")
    assert my.same_type("double", "FLOAT(53)") and my.same_type("float", "FLOAT(10)")
    assert my.same_type("longtext", "JSON")


def test_defaults_compared_as_values_of_their_column():
    from django_lbsync.vendors.mysql import MysqlVendor
    from django_lbsync.vendors.postgresql import PostgresqlVendor

    pg, my = PostgresqlVendor(), MysqlVendor()
    same = lambda vendor, live, desired, type_: (vendor.normalize_default(live, type_)  # noqa: E731
                                                 == vendor.normalize_default(desired, type_))
    assert same(pg, "'1'::smallint", "1", "SMALLINT") and same(pg, "(-3)", "'-3'", "INTEGER")
    assert same(pg, "1.50", "1.5", "NUMERIC(10,2)") and not same(pg, "1.5", "2", "NUMERIC(10,2)")
    assert same(pg, "false", "'false'", "BOOLEAN") and not same(pg, "false", "true", "BOOLEAN")
    assert same(pg, "'2020-01-02 03:04:05+00'::timestamp with time zone", "'2020-01-02 03:04:05'",
                "TIMESTAMP WITH TIME ZONE")
    assert same(pg, "'2020-01-02 03:04:05'::timestamp(3) without time zone", "'2020-01-02 03:04:05'",
                "TIMESTAMP(3) WITHOUT TIME ZONE")
    assert same(my, "1", "'1'", "TINYINT") and same(my, "0", "b'0'", "TINYINT(1)") and same(my, "1", "true", "BOOL")
    assert not same(my, "1", "0", "TINYINT(1)")


def test_date_defaults_written_as_the_database_takes_them():
    from django_lbsync.vendors.mysql import MysqlVendor
    from django_lbsync.vendors.postgresql import PostgresqlVendor

    pg, my = PostgresqlVendor(), MysqlVendor()
    iso = "2020-01-02T03:04:05.123456Z"
    assert my.typed_literal(iso, "DATETIME") == "'2020-01-02 03:04:05'"  # MySQL refuses the Z; DATETIME(0)
    assert my.typed_literal(iso, "DATETIME(3)") == "'2020-01-02 03:04:05.123'"  # cut, never rounded
    assert pg.typed_literal(iso, "TIMESTAMP(3) WITH TIME ZONE") == "'2020-01-02 03:04:05.123+00:00'"
    assert pg.typed_literal(iso, "TIMESTAMP WITHOUT TIME ZONE") == "'2020-01-02 03:04:05.123456'"
    assert pg.typed_literal("2020-01-02T23:30:00-05:00", "DATE") == "'2020-01-03'"  # the UTC day
    assert pg.typed_literal("infinity", "TIMESTAMP WITH TIME ZONE") == "'infinity'"  # not ISO: as written


def test_type_and_default_change_together(live, use_models, model_dir):
    """The old default ('v1') cannot be read as the new type; it goes before the type changes."""
    table = "thing" if live == "postgresql" else "Thing"
    for prop in ({"type": "string", "length": 20, "default": "v1", "mysql": {"default": "v1"}},
                 {"type": "number", "default": 7, "mysql": {"default": 7}}):
        use_models(live, model_dir({"thing.json": {"name": "Thing", "properties": {"x": prop}}}))
        autoupdate(using=live, allow_destructive=True)
    assert is_actual(using=live) and get_plan(using=live).changes == ()
    with connections[live].cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(live, table)} () VALUES ()" if live == "mysql"
                       else f"INSERT INTO {q(live, table)} DEFAULT VALUES")
        cursor.execute(f"SELECT {q(live, 'x')} FROM {q(live, table)}")
        assert cursor.fetchone() == (7,)
    assert "int" in live_schema.describe(live, table).column_types["x"].lower()
