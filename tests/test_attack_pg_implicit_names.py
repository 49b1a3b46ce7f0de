"""PostgreSQL names its own relations for a table: the primary key's index `<table>_pkey` and a serial or
identity column's sequence `<table>_<column>_seq`, in the namespace indexes share with tables (pg_class). An
index a model names like one of them passed the definition checks and the server refused it mid-run
("relation already exists", exit 1, rolled back); it is a definition error naming file, model and property
(exit 2), with nothing sent (Vendor.implicit_relation_names, validation._index_names).
"""
from __future__ import annotations

import pytest
from django.conf import settings

from django_lbsync.vendors.postgresql import object_name

from .test_hostile_input import case, raw, thing  # noqa: F401 (case is a fixture)

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


@pytest.mark.parametrize("index_name", ["thing_pkey", "thing_id_seq"])
def test_an_index_named_like_the_tables_own_relations_is_refused(case, index_name):
    if case.alias != "postgresql":
        pytest.skip("PostgreSQL's naming only")
    case.use(thing(indexes={index_name: {"keys": {"label": 1}}}))
    case.refused(f"an index named {index_name}")


def test_the_same_index_names_are_accepted_where_the_database_names_nothing_there(case):
    if case.alias == "postgresql":
        pytest.skip("refused on PostgreSQL (above)")
    case.use(thing(indexes={"thing_pkey": {"keys": {"label": 1}}}))
    case.accepted("an index named thing_pkey")


@pytest.mark.parametrize("table, column", [
    ("t" * 70, "id"),                      # the table part cut
    ("é" * 40, "id"),                      # cut inside a two-byte character: back to a whole one
    ("short", "c" * 70),                   # the column part cut
    ("a" * 40 + "é" * 20, "ü" * 30),       # both cut, the longer first
])
def test_object_name_is_the_name_postgresql_gives(live, table, column):
    """Judged by the server itself: the names pg_class holds for a real table's key index and sequence."""
    if live != "postgresql":
        pytest.skip("PostgreSQL's naming only")
    quoted_table = '"' + table.encode()[:63].decode("utf-8", "ignore") + '"'
    real_table = quoted_table.strip('"')
    real_column = column.encode()[:63].decode("utf-8", "ignore")
    raw(live, f'CREATE TABLE {quoted_table} ("{real_column}" serial PRIMARY KEY)')
    try:
        names = {name for (name,) in raw(live, "SELECT relname FROM pg_class c JOIN pg_namespace n ON "
                                         "n.oid = c.relnamespace WHERE n.nspname = current_schema() AND "
                                         "c.relkind IN ('i', 'S')")}
        assert object_name(real_table, None, "pkey") in names
        assert object_name(real_table, real_column, "seq") in names
    finally:
        raw(live, f"DROP TABLE {quoted_table}")
