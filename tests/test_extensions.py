"""A dbDefault that calls an extension's function (`uuid_generate_v4()` is uuid-ossp's): the extension is
created first, in the same run and transaction, when it is missing and the role may create it; otherwise
the run is refused before any SQL, saying what to install (issue 10 item 4;
docs/loopback-rules/types.md#defaults-that-need-an-extension)."""
from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync import automigrate, autoupdate, is_actual
from django_lbsync.exceptions import DefinitionError
from django_lbsync.extensions import ExtensionState, Role, decide, needed
from django_lbsync.schema import Column, Table
from django_lbsync.vendors.mysql import MysqlVendor
from django_lbsync.vendors.postgresql import PostgresqlVendor

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def table_with(default: str) -> Table:
    column = Column("id", "UUID", False, default=default, origin="Token.id")
    return Table("token", None, (column,), ("id",), model="Token", source="models/token.json")


def test_the_functions_called_outside_string_literals():
    vendor = PostgresqlVendor()
    assert list(needed(vendor, [table_with("uuid_generate_v4()")])) == ["uuid-ossp"]
    assert list(needed(vendor, [table_with("public.UUID_GENERATE_V1MC ()")])) == ["uuid-ossp"]
    assert list(needed(vendor, [table_with("encode(gen_random_bytes(8), 'hex')")])) == ["pgcrypto"]
    assert needed(vendor, [table_with("'uuid_generate_v4()'")]) == {}  # a string, no call
    assert needed(vendor, [table_with("gen_random_uuid()")]) == {}  # built in since PostgreSQL 13
    assert needed(MysqlVendor(), [table_with("uuid_generate_v4()")]) == {}  # no extensions there


ROLE = Role("app", "shop", superuser=False, may_create_in_database=True)


def test_decide():
    wanted = needed(PostgresqlVendor(), [table_with("uuid_generate_v4()")])
    trusted = {"uuid-ossp": ExtensionState("uuid-ossp", True, False, True)}
    assert decide(wanted, trusted, ROLE) == ["uuid-ossp"]
    assert decide(wanted, {"uuid-ossp": ExtensionState("uuid-ossp", True, True, True)}, ROLE) == []  # installed
    untrusted = {"uuid-ossp": ExtensionState("uuid-ossp", True, False, False)}
    assert decide(wanted, untrusted, Role("app", "shop", True, False)) == ["uuid-ossp"]  # a superuser may
    cases = [
        (untrusted, ROLE, "needs a superuser"),
        (trusted, Role("app", "shop", False, False), "needs CREATE on the database"),
        ({}, ROLE, "the server has no extension"),
    ]
    for states, role, phrase in cases:
        with pytest.raises(DefinitionError) as error:
            decide(wanted, states, role)
        text = str(error.value)
        assert phrase in text and 'CREATE EXTENSION "uuid-ossp"; in database shop' in text
        assert "models/token.json: model Token: property id" in text and "token.id" in text


@pytest.fixture
def pg(live, use_models, model_dir):
    if live != "postgresql":
        pytest.skip("extensions are PostgreSQL's")
    execute('DROP EXTENSION IF EXISTS "uuid-ossp" CASCADE')
    use_models(live, model_dir({"token.json": {"name": "Token", "properties": {
        "id": {"type": "string", "id": True, "postgresql": {"dataType": "uuid", "dbDefault": "uuid_generate_v4()"}},
        "label": {"type": "string"}}}}))
    yield live
    execute('DROP EXTENSION IF EXISTS "uuid-ossp" CASCADE')


def execute(sql, params=None):
    with connections["postgresql"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def installed() -> bool:
    return bool(execute("SELECT 1 FROM pg_extension WHERE extname = 'uuid-ossp'"))


@pytest.mark.parametrize("command", ["automigrate", "autoupdate"])
def test_missing_extension_is_created_in_the_same_run(pg, command):
    dry = (automigrate if command == "automigrate" else autoupdate)(using=pg, dry_run=True)
    assert dry.sql[0] == 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";' and not installed()
    (automigrate if command == "automigrate" else autoupdate)(using=pg)
    assert installed() and is_actual(using=pg)
    execute("INSERT INTO token (label) VALUES ('x')")
    (value,) = execute("SELECT id FROM token")[0]
    assert isinstance(value, uuid.UUID) and value.version == 4


def test_a_role_that_may_not_create_it_is_told_what_to_install(pg):
    role = f"lbsync_limited_{settings.RUN_ID}"
    execute(f'CREATE ROLE "{role}"')
    try:
        execute(f'SET ROLE "{role}"')
        with pytest.raises(DefinitionError) as error:
            automigrate(using=pg)
        execute("RESET ROLE")
    finally:
        execute("RESET ROLE")
        execute(f'DROP ROLE "{role}"')
    text = str(error.value)
    assert 'ask a superuser to run CREATE EXTENSION "uuid-ossp";' in text and "model Token" in text
    assert not installed() and not execute("SELECT 1 FROM pg_class WHERE relname = 'token'")
