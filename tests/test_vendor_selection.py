"""The vendor comes from the Django backend's class, not its `vendor` name (DESIGN Part 1, decision 10).

A backend that subclasses Django's PostgreSQL backend and reports another vendor name (as
django-cockroachdb, PostGIS and django-tenants do) gets PostgreSQL's rules, and autoupdate/isactual
work through it on the live PostgreSQL. A backend nothing matches is refused, naming the backend.
The tables are judged with raw catalog SQL written here, never with the product's introspection.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from django_lbsync import api
from django_lbsync.exceptions import ConfigurationError
from django_lbsync.vendors import vendor_for
from django_lbsync.vendors.postgresql import PostgresqlVendor

from .conftest import require_alias

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

ALIAS = "cockroachish"
TABLE = "vendorselectionthing"


def _postgresql_wrapper_class():
    from django.db.backends.postgresql.base import DatabaseWrapper

    class CockroachishWrapper(DatabaseWrapper):
        """A third-party backend built on Django's PostgreSQL one, under a vendor name of its own."""

        vendor = "cockroachish"
        display_name = "Cockroachish"

    return CockroachishWrapper


@pytest.fixture
def cockroachish():
    """The live PostgreSQL test database, opened through the subclass under its own alias."""
    require_alias("postgresql")
    wrapper = _postgresql_wrapper_class()(dict(connections["postgresql"].settings_dict), ALIAS)
    connections[ALIAS] = wrapper
    try:
        yield wrapper
    finally:
        with connections["postgresql"].cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{TABLE}"')
        wrapper.close()
        del connections[ALIAS]


def _columns() -> dict[str, str]:
    """Column -> type, from PostgreSQL's catalog through the plain PostgreSQL alias."""
    with connections["postgresql"].cursor() as cursor:
        cursor.execute("SELECT column_name, data_type FROM information_schema.columns "
                       "WHERE table_schema = current_schema() AND table_name = %s", [TABLE])
        return dict(cursor.fetchall())


def _thing(model_dir, **extra):
    properties = {"id": {"type": "number", "id": True}, "name": {"type": "string"}, **extra}
    return model_dir({"thing.json": {"name": "VendorSelectionThing", "properties": properties}})


def test_a_subclass_of_the_postgresql_backend_gets_postgresql_rules_once(cockroachish):
    assert cockroachish.vendor == "cockroachish"
    vendor = vendor_for(cockroachish)
    assert type(vendor) is PostgresqlVendor
    assert vendor_for(cockroachish) is vendor  # built once per connection
    assert vendor_for(connections["postgresql"]) is not vendor


def test_isactual_and_autoupdate_round_trip_through_the_subclass(cockroachish, settings, model_dir):
    settings.LBSYNC = {"MODELS": [str(_thing(model_dir))], "DATASOURCES": {"db": ALIAS}}
    assert _columns() == {}
    assert api.is_actual(using=ALIAS) is False
    api.autoupdate(using=ALIAS)
    assert _columns() == {"id": "integer", "name": "text"}
    assert api.is_actual(using=ALIAS) is True

    settings.LBSYNC = {"MODELS": [str(_thing(model_dir, size={"type": "number"}))], "DATASOURCES": {"db": ALIAS}}
    plan = api.get_plan(using=ALIAS)
    assert [change.kind for change in plan.changes] == ["add_column"] and plan.vendor == "postgresql"
    api.autoupdate(using=ALIAS)
    assert _columns() == {"id": "integer", "name": "text", "size": "integer"}
    assert api.is_actual(using=ALIAS) is True


@pytest.mark.parametrize("alias", ["default", "postgresql", "mysql", "oracle", "mssql"])
def test_every_supported_backend_is_matched_by_its_class(alias):
    """By the class alone (never opened), not by the `vendor` name the fallback would read."""
    require_alias(alias)
    from django_lbsync.vendors import vendor_class_for

    connection = connections[alias]
    expected = {"sqlite": "SqliteVendor", "postgresql": "PostgresqlVendor", "mysql": "MysqlVendor",
                "oracle": "OracleVendor", "microsoft": "MssqlVendor"}[connection.vendor]
    assert vendor_class_for(type(connection)).__name__ == expected


class _NoSuchBackend(BaseDatabaseWrapper):
    vendor = "nosuchdb"


def _unknown_connection():
    # Not opened, never initialised: vendor_for looks at the class, the alias and the settings only.
    connection = object.__new__(_NoSuchBackend)
    connection.alias = "elsewhere"
    connection.settings_dict = {"ENGINE": "tests.nosuch_backend"}
    return connection


def test_a_backend_nothing_matches_is_refused_by_name():
    with pytest.raises(ConfigurationError) as refused:
        vendor_for(_unknown_connection())
    message = str(refused.value)
    assert "_NoSuchBackend" in message and "tests.nosuch_backend" in message and "'elsewhere'" in message
    assert "django.db.backends.postgresql.base.DatabaseWrapper" in message  # what would have matched


# -- changes are dispatched through registries checked when the modules load (issue 11, item 3) -----------

def _new_change_type():
    from dataclasses import dataclass

    from django_lbsync.changes import Change

    @dataclass(frozen=True)
    class RenameColumn(Change):
        kind = "rename_column"

        def describe(self) -> str:
            return f"Rename a column of {self.table.key}"

    return RenameColumn


def test_a_change_type_without_an_applier_or_assessor_fails_the_load_time_check():
    from django_lbsync.apply import check_steps
    from django_lbsync.changes import PHASES, MissingHandler
    from django_lbsync.preflight import check_assessors

    check_steps()  # what apply.py runs when it loads: every change type of PHASES has a step
    check_assessors()
    rename = _new_change_type()
    with pytest.raises(MissingHandler, match="no applier for change type.*RenameColumn"):
        check_steps(change_types=PHASES + (rename,))
    with pytest.raises(MissingHandler, match="no risk assessor for change type.*RenameColumn"):
        check_assessors(change_types=PHASES + (rename,))
    from django_lbsync.apply import _Applier

    misnamed = {**_Applier.STEPS, rename: "_rename_column"}  # registered, but no such step
    with pytest.raises(MissingHandler, match="RenameColumn"):
        check_steps(misnamed, change_types=PHASES + (rename,))


def test_a_change_type_without_a_describer_fails_the_check():
    from dataclasses import dataclass

    from django_lbsync.changes import PHASES, Change, MissingHandler, require_describers

    require_describers()

    @dataclass(frozen=True)
    class Silent(Change):
        kind = "silent"

    with pytest.raises(MissingHandler, match="no describer for change type.*Silent"):
        require_describers(PHASES + (Silent,))
