"""CREATE TABLE without a model class (bridge.create_only_model, issue 13): the schema editor of every
database writes, from the create-only stand-in, exactly the statements it writes from the model class
`render_models` builds for the same table: the CREATE TABLE, its deferred indexes, constraints and
comments, in the same order.

Judged on every fixture's tables and on hypothesis-made tables (every column attribute the stand-in
carries: types, NULL, defaults with `%`, keys single / composite / none, ids, collations, comments, CHECKs,
plain / unique / descending / special / constraint / opaque indexes, SQLite's inline foreign keys),
rendered by Django's editors for SQLite, PostgreSQL, MySQL (live connections, nothing sent) and Oracle and
SQL Server (offline). A field or option the stand-in got wrong shows up here as a different statement.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from django_lbsync.api import desired_schema
from django_lbsync.bridge import CreateOnlyOptions, create_only_model, render_models
from django_lbsync.schema import Column, ForeignKey, Index, Table
from django_lbsync.vendors import vendor_for

from .conftest import FIXTURES, offline_aliases_configured, require_alias

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

ALIASES = ["default", "postgresql", "mysql", "oracle", "mssql"]
FIXTURE_SETS = ["base_chain", "composite", "customer_v1", "customer_v2", "foreign_keys", "indexes", "overrides",
                "pg_schema", "types", "builtins/model-config.json"]


def create_sql(alias: str, model) -> list[str]:
    """What `create_model(model)` writes on `alias`: its statements, then its deferred ones (sorted on SQL
    Server, whose create_model keeps them in a set)."""
    connection = connections[alias]
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        editor.create_model(model)
        written = list(editor.collected_sql)
        deferred = [str(sql) for sql in editor.deferred_sql]
        editor.deferred_sql = []
    if vendor_for(connection).editor_shuffles_deferred_sql:
        deferred.sort()
    return written + deferred


def both_ways(alias: str, table: Table) -> tuple[list[str], list[str]]:
    vendor = vendor_for(connections[alias])
    full = render_models(vendor, [table])[table.key]
    return create_sql(alias, full), create_sql(alias, create_only_model(vendor, table))


def fixture_tables(alias: str, fixture: str) -> list[Table]:
    settings.LBSYNC = {"MODELS": [str(FIXTURES / fixture)], "DATASOURCES": {"db": alias}}
    return list(desired_schema(using=alias).tables.values())


@pytest.mark.parametrize("alias", ALIASES)
@pytest.mark.parametrize("fixture", FIXTURE_SETS)
def test_every_fixture_table_is_created_as_from_its_model_class(alias, fixture, settings):
    require_alias(alias)
    tables = fixture_tables(alias, fixture)
    assert tables
    for table in tables:
        full, light = both_ways(alias, table)
        assert full and light == full, table.key


# -- hypothesis-made tables ------------------------------------------------------------------------------

NAMES = st.text(alphabet="abcXYZ_ -$1", min_size=1, max_size=12).filter(lambda s: s.strip() == s)  # no `%`: the identifier rule refuses it (sqlrules.py)
TYPES = {
    "default": ["text", "integer", "varchar(100)", "real", "bool", "blob"],
    "postgresql": ["text", "integer", "character varying(40)", "numeric(10,2)", "boolean", "jsonb"],
    "mysql": ["VARCHAR(512)", "INT(11)", "TEXT", "DECIMAL(10,2)", "TINYINT(1)", "DATETIME"],
    "oracle": ["VARCHAR2(1024)", "NUMBER", "CLOB", "DATE", "NUMBER(10,2)"],
    "mssql": ["nvarchar(255)", "int", "bit", "nvarchar(max)", "decimal(10,2)", "datetime2"],
}
DEFAULTS = st.none() | st.sampled_from(["1", "'sandbox'", "'100%'", "0.5"])


@st.composite
def tables(draw, alias: str) -> Table:
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique_by=str.casefold))
    columns = []
    for name in names:
        columns.append(Column(
            name=name, type=draw(st.sampled_from(TYPES[alias])), null=draw(st.booleans()),
            default=draw(DEFAULTS),
            fill=draw(st.none() | st.sampled_from([0, True, "x"])),
            comment=draw(st.none() | st.just("it's 100%")) if alias == "mysql" else None,
            collation=draw(st.none() | st.just("utf8mb4_bin")) if alias in ("mysql", "postgresql") else None,
        ))
    key_kind = draw(st.sampled_from(["single", "composite", "none", "auto"]))
    if key_kind == "composite" and len(names) < 2:
        key_kind = "single"
    primary_key: tuple[str, ...] = ()
    if key_kind in ("single", "auto"):
        primary_key = (names[0],)
        columns[0] = Column(name=names[0], type=TYPES[alias][1], null=False, auto=key_kind == "auto")
    elif key_kind == "composite":
        primary_key = tuple(names[:2])
        columns[0] = Column(name=names[0], type=columns[0].type, null=False)
        columns[1] = Column(name=names[1], type=columns[1].type, null=False)
    indexes = []
    for number in range(draw(st.integers(0, 3))):
        picked = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        orders = tuple(draw(st.sampled_from(["ASC", "DESC"])) for _ in picked)
        kind = "FULLTEXT" if alias == "mysql" and draw(st.booleans()) and len(picked) == 1 else None
        indexes.append(Index(name=f"ix_{number}_{draw(NAMES)}", columns=tuple(picked),
                             orders=("ASC",) * len(picked) if kind else orders,
                             unique=draw(st.booleans()) and not kind, kind=kind,
                             constraint=alias == "default" and draw(st.booleans()) and not kind,
                             opaque=draw(st.booleans()) and number == 2))
    foreign_keys = ()
    if alias == "default" and len(names) > 1 and draw(st.booleans()):  # SQLite writes them on the column
        foreign_keys = (ForeignKey(name=draw(st.none() | NAMES), columns=(names[-1],), ref_table="Other T",
                                   ref_schema=None, ref_columns=("id",), on_delete=draw(st.none() | st.just("CASCADE"))),)
    checks = (f'CONSTRAINT "c" CHECK ("{names[0]}" IS NOT NULL)',) if alias == "default" and draw(st.booleans()) else ()
    schema = draw(st.none() | st.just("lbsync_s")) if alias == "postgresql" else None
    return Table(name=draw(NAMES), schema=schema, columns=tuple(columns), primary_key=primary_key,
                 indexes=tuple(indexes), foreign_keys=foreign_keys, checks=checks)


def _property(alias):
    @offline_aliases_configured(alias) if alias in ("oracle", "mssql") else (lambda f: f)
    @hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(table=tables(alias))
    def check(table):
        if alias not in settings.DATABASES:
            pytest.skip(f"{alias} not configured")
        full, light = both_ways(alias, table)
        assert light == full

    return check


test_any_table_sqlite = _property("default")
test_any_table_postgresql = _property("postgresql")
test_any_table_mysql = _property("mysql")
test_any_table_oracle = _property("oracle")
test_any_table_mssql = _property("mssql")


def test_what_the_stand_in_does_not_have_is_an_error_naming_it():
    table = Table("t", None, (Column("id", "integer", False),), ("id",))
    model = create_only_model(vendor_for(connections["default"]), table)
    assert isinstance(model._meta, CreateOnlyOptions)
    assert model._meta.pk.column == "id" and model._meta.get_field(model._meta.pk.name) is model._meta.pk
    with pytest.raises(AttributeError, match="'related_objects'.*render_models"):
        model._meta.related_objects


@given(st.text(max_size=40))
def test_a_field_name_keeps_letters_and_digits_and_makes_the_rest_underscores(column):
    from django_lbsync.bridge import field_name

    assert field_name(column) == "c_" + "".join(ch if ch.isalnum() else "_" for ch in column.lower())
