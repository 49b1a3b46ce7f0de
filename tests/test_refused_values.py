"""Values the target would reject are fixed or refused before the database sees them (issue 10 item 4).

Fixed: a boolean default written as 0/1/"false"/"true", discovered MySQL sizes on types that take none
(`LONGTEXT(4294967295)`, `INT(10,2)`), an FK column without a type of its own that differs from the key it
references. Refused (exit 2, file/model/property named, nothing touched): an ENUM without values, two
indexes with one name where index names are per schema, an index named like a table, an FK column typed
explicitly unlike its key, SET NULL on a NOT NULL column where the database refuses that, a default the
column cannot hold. Rules: docs/loopback-rules/types.md#defaults-by-column-type,
docs/loopback-rules/indexes-and-keys.md#what-the-database-would-refuse.
"""
from __future__ import annotations

import pytest
from django.conf import settings

from django_lbsync.desired import build_schema
from django_lbsync.exceptions import DefinitionError
from django_lbsync.loader import load_definitions
from django_lbsync.vendors.mssql import MssqlVendor
from django_lbsync.vendors.mysql import MysqlVendor
from django_lbsync.vendors.oracle import OracleVendor
from django_lbsync.vendors.postgresql import PostgresqlVendor
from django_lbsync.vendors.sqlite import SqliteVendor
from tests import live_schema
from tests.test_hostile_input import Case, other, raw, run, thing, with_fk

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

CONNECTOR = {"default": "sqlite3", "postgresql": "postgresql", "mysql": "mysql"}


@pytest.fixture
def case(live, model_dir, settings):
    return Case(live, model_dir, settings)


def table_of(alias: str, name: str) -> str:
    return name.lower() if alias == "postgresql" else name


def refused_with(case: Case, what: str, *phrases: str) -> str:
    """Refused by every command (exit 2, nothing touched), and the message names what it must."""
    case.refused(what)
    code, text = run("automigrate", "--noinput", database=case.alias)
    assert code == 2
    for phrase in phrases:
        assert phrase in text, f"{what}: {phrase!r} not in {text}"
    return text


# -- boolean and other defaults ------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [(0, False), (1, True), ("false", False), ("true", True),
                                             ("FALSE", False), (True, True)])
def test_boolean_default_becomes_the_databases_boolean(case, value, expected):
    case.use(thing({"flag": {"type": "boolean", "default": value, "mysql": {"default": value}}}))
    case.accepted(f"boolean default {value!r}")
    table = case.alias == "postgresql" and "thing" or "Thing"
    raw(case.alias, f"INSERT INTO {table} (label) VALUES ('row')")
    (read,) = raw(case.alias, f"SELECT flag FROM {table}")[0]
    assert read in (0, 1) and bool(read) is expected


def test_defaults_the_column_cannot_hold_are_refused(case):
    c = CONNECTOR[case.alias]
    for prop, phrase in [
        ({"type": "boolean", "default": "maybe", "mysql": {"default": "maybe"}}, "is no boolean"),
        ({"type": "number", "default": "abc", "mysql": {"default": "abc"}}, "is not a number"),
        ({"type": "date", "default": 5, "mysql": {"default": 5}}, "is a number"),
    ]:
        case.use(thing({"x": prop}))
        refused_with(case, str(prop), "model Thing", "property x", phrase)
    if case.alias != "default":  # SQLite integers are 64-bit whatever the name
        case.use(thing({"x": {"type": "number", "default": 70000, c: {"dataType": "smallint", "default": 70000}}}))
        refused_with(case, "70000 in a SMALLINT", "property x", "out of range")


# -- MySQL: discovered sizes on types that take none; ENUM() -------------------------------------------------

def test_discovered_mysql_sizes_are_written_as_mysql_accepts_them(case):
    case.use(thing({
        "body": {"type": "string", "mysql": {"dataType": "longtext", "dataLength": 4294967295}},
        "blob": {"type": "buffer", "mysql": {"dataType": "mediumblob", "dataLength": 16777215}},
        "qty": {"type": "number", "mysql": {"dataType": "int", "dataPrecision": 10, "dataScale": 2}},
        "day": {"type": "date", "mysql": {"dataType": "date", "dataLength": 10}},
    }))
    case.accepted("LONGTEXT(4294967295), INT(10,2)")
    if case.alias == "mysql":
        types = live_schema.describe("mysql", "Thing").column_types
        assert (types["body"], types["blob"], types["day"]) == ("LONGTEXT", "MEDIUMBLOB", "DATE")
        assert types["qty"] in ("INT(10)", "INT")


def test_enum_without_values(case):
    if case.alias != "mysql":
        pytest.skip("ENUM is MySQL's (mysql.dataType)")
    case.use(thing({"state": {"type": "string", "mysql": {"dataType": "ENUM"}}}))
    refused_with(case, "ENUM()", "model Thing", "property state", "ENUM")
    case.use(thing({"state": {"type": "string", "enum": ["on", "off"], "mysql": {"dataType": "ENUM",
                                                                                  "default": "off"}}}))
    case.accepted("ENUM from the property's enum")
    # (the reader upper-cases MySQL types, values too)
    assert live_schema.describe("mysql", "Thing").column_types["state"] == "ENUM('ON','OFF')"
    case.reset()
    case.use(thing({"state": {"type": "string", "jsonSchema": {"enum": ["on"]},
                              "mysql": {"dataType": "ENUM", "default": "maybe"}}}))
    refused_with(case, "ENUM default not a value", "property state", "not one of the values")


# -- index names ---------------------------------------------------------------------------------------------

def test_two_indexes_with_one_name(case):
    case.use(thing(indexes={"by_name": {"keys": {"label": 1}}}),
             other(indexes={"by_name": {"keys": {"title": 1}}}))
    if case.alias == "mysql":
        case.accepted("index names are per table on MySQL")
        return
    refused_with(case, "two indexes named by_name", 'index "by_name"', "Thing", "Other", "rename one")


def test_index_named_like_a_table(case):
    case.use(thing(indexes={"other": {"keys": {"label": 1}}}), other())
    if case.alias == "mysql":
        case.accepted("an index named like a table on MySQL")
        return
    refused_with(case, "index named like table other", 'index "other"', "model Other", "rename the index")


# -- foreign keys -------------------------------------------------------------------------------------------

def bigint_other(alias: str) -> dict:
    c = CONNECTOR[alias]
    return {"name": "Other", "properties": {"id": {"type": "number", "id": True, "generated": True,
                                                   c: {"dataType": "bigint"}}, "title": {"type": "string"}}}


def test_fk_column_without_a_type_takes_the_referenced_type(case):
    case.use(with_fk(), bigint_other(case.alias))
    case.accepted("an FK column without a type of its own")
    described = live_schema.describe(case.alias, table_of(case.alias, "Thing"))
    column = "otherid" if case.alias == "postgresql" else "otherId"
    if case.alias == "mysql":
        assert described.column_types[column] == "BIGINT(20)" or described.column_types[column] == "BIGINT"
        assert described.foreign_keys


def test_fk_column_typed_unlike_its_key_is_refused(case):
    c = CONNECTOR[case.alias]
    fk = with_fk()
    fk["properties"]["otherId"] = {"type": "string"}  # a string column referencing a number id
    case.use(fk, bigint_other(case.alias))
    if case.alias == "default":
        case.accepted("SQLite compares values, not declared types")
        return
    refused_with(case, "FK string -> bigint", 'foreign key "fk_other"', "Thing.otherId", "Other.id",
                 "different types")
    if case.alias == "mysql":
        fk["properties"]["otherId"] = {"type": "number", c: {"dataType": "int"}}  # errno 150: INT -> BIGINT
        case.use(fk, bigint_other(case.alias))
        refused_with(case, "FK int -> bigint", "Thing.otherId", "Other.id")


def test_set_null_on_a_not_null_column(case):
    fk = with_fk(onDelete="SET NULL")
    fk["properties"]["otherId"] = {"type": "number", "required": True}
    case.use(fk, other())
    if case.alias == "mysql":
        refused_with(case, "ON DELETE SET NULL on NOT NULL", 'foreign key "fk_other"', "SET NULL", "NOT NULL")
    else:
        case.accepted("PostgreSQL and SQLite accept the constraint (a delete fails later)")


# -- offline: Oracle and SQL Server ---------------------------------------------------------------------------

def build(model_dir, vendor, *models):
    folder = model_dir({f"m{i}.json": m for i, m in enumerate(models)})
    return build_schema(load_definitions(folder).models.values(), vendor)


def test_sql_server_on_update_set_null_on_not_null_is_refused(model_dir):
    fk = with_fk(onUpdate="SET NULL")
    fk["properties"]["otherId"] = {"type": "number", "required": True}
    with pytest.raises(DefinitionError) as error:
        build(model_dir, MssqlVendor(), fk, other())
    assert "ON UPDATE SET NULL" in str(error.value) and "model Thing" in str(error.value)
    fk["properties"]["otherId"] = {"type": "number"}
    build(model_dir, MssqlVendor(), fk, other())  # nullable: accepted


def test_offline_index_name_scopes(model_dir):
    models = (thing(indexes={"by_name": {"keys": {"label": 1}}}), other(indexes={"by_name": {"keys": {"title": 1}}}))
    for vendor in (PostgresqlVendor(), SqliteVendor(), OracleVendor()):
        with pytest.raises(DefinitionError, match="by_name"):
            build(model_dir, vendor, *models)
    for vendor in (MysqlVendor(), MssqlVendor()):
        build(model_dir, vendor, *models)
    # Oracle keeps index names apart from table names.
    build(model_dir, OracleVendor(), thing(indexes={"OTHER": {"keys": {"label": 1}}}), other())


@pytest.mark.parametrize("vendor, expected", [(PostgresqlVendor(), "false"), (MysqlVendor(), "0"),
                                              (SqliteVendor(), "false")])
def test_boolean_defaults_offline(model_dir, vendor, expected):
    for value in (0, "false", "0", False, "off"):
        schema = build(model_dir, vendor, thing({"flag": {"type": "boolean", "default": value,
                                                          "mysql": {"default": value}}}))
        (table,) = schema.tables.values()
        assert table.column("flag").default == expected, value
