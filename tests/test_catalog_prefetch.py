"""isactual and autoupdate read the catalog in a second thread while the model JSON loads and the desired schema
builds (introspect.CatalogPrefetch), on PostgreSQL and MySQL/MariaDB. Judged live: the catalog queries really
run during the build, the answers are the same as without it, and errors on either side leave the connection
usable."""
from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connections

from django_lbsync import api, is_actual
from django_lbsync.exceptions import DefinitionError
from django_lbsync.vendors import vendor_for

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


@pytest.fixture
def server(live):
    if not vendor_for(connections[live]).prefetches_catalog:
        pytest.skip("the catalog is read in the caller's thread here (no server to wait on)")
    return live


def _models(model_dir, count: int, extra: str | None = None):
    files = {f"m{i}.json": {"name": f"Pre{i}", "properties": {"a": {"type": "string"}, "b": {"type": "number"}}}
             for i in range(count)}
    if extra:
        files["m0.json"]["properties"][extra] = {"type": "string"}
    return model_dir(files)


def test_the_catalog_is_read_while_the_desired_schema_builds(server, use_models, model_dir, monkeypatch):
    """The build waits until a catalog query has run in the other thread: read afterwards (the old way), the
    wait would time out."""
    use_models(server, _models(model_dir, 5))
    call_command("automigrate", "--noinput", database=server, stdout=StringIO())
    read = threading.Event()

    def watch(execute, sql, params, many, context):
        if threading.current_thread().name == "lbsync-catalog":
            read.set()
        return execute(sql, params, many, context)

    original = api._desired
    waited: list[bool] = []

    def desired(*args, **kwargs):
        waited.append(read.wait(timeout=20))
        return original(*args, **kwargs)

    monkeypatch.setattr(api, "_desired", desired)
    with connections[server].execute_wrapper(watch):
        assert is_actual(using=server) is True
    assert waited == [True]
    use_models(server, _models(model_dir, 5, extra="c"))  # drift: a column the table lacks
    with connections[server].execute_wrapper(watch):
        assert is_actual(using=server) is False


def test_a_catalog_error_reaches_the_caller(server, use_models, model_dir, monkeypatch):
    use_models(server, _models(model_dir, 2))
    vendor = vendor_for(connections[server])

    def broken(cursor, schemas, views):
        raise DatabaseError("the catalog read failed")

    monkeypatch.setattr(vendor, "catalog_reader", broken)
    with pytest.raises(DatabaseError, match="the catalog read failed"):
        is_actual(using=server)
    monkeypatch.undo()
    with connections[server].cursor() as cursor:  # still usable, in this thread
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def test_a_definition_error_waits_for_the_catalog_and_leaves_the_connection_usable(server, use_models, model_dir):
    bad = model_dir({"bad.json": {"name": "Bad", "properties": {"x": {"type": "strng"}}}})
    use_models(server, bad)
    with pytest.raises(DefinitionError, match="strng"):
        is_actual(using=server)
    connection = connections[server]
    assert connection.allow_thread_sharing is False  # the count came back down
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def test_bad_json_is_reported_before_the_database_is_asked(server, model_dir, use_models, monkeypatch):
    """Invalid JSON: a DefinitionError, with no catalog read started (a server that does not answer would
    otherwise turn it into an unreachable-database error)."""
    use_models(server, model_dir({"bad.json": '{"name": "Bad", "properties": {'}))

    def no_catalog(connection):
        raise AssertionError("the catalog was read before the JSON")

    monkeypatch.setattr(api, "CatalogPrefetch", no_catalog)
    with pytest.raises(DefinitionError, match="invalid JSON"):
        is_actual(using=server)

