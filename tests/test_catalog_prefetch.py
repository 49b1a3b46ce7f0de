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
        pytest.skip("the catalog is read in the caller's thread here (SQLite: the GIL; the generic reader)")
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

    original = api._desired_and_witness
    waited: list[bool] = []

    def desired(*args, **kwargs):
        waited.append(read.wait(timeout=20))
        return original(*args, **kwargs)

    monkeypatch.setattr(api, "_desired_and_witness", desired)
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


def test_bad_json_is_reported_before_a_closed_connection_is_opened(server, model_dir, use_models, monkeypatch):
    """Invalid JSON and no connection open yet: a DefinitionError, with no catalog read started (a server that
    does not answer would otherwise turn it into an unreachable-database error)."""
    use_models(server, model_dir({"bad.json": '{"name": "Bad", "properties": {'}))
    connections[server].close()
    if connections[server].connection is not None:
        pytest.skip("Django keeps an in-memory SQLite database open (closing would lose it)")

    def no_catalog(connection):
        raise AssertionError("the catalog was read before the JSON")

    monkeypatch.setattr(api, "CatalogPrefetch", no_catalog)
    with pytest.raises(DefinitionError, match="invalid JSON"):
        is_actual(using=server)
    assert connections[server].connection is None  # nothing was connected either


def test_on_an_open_connection_the_catalog_read_starts_before_the_json_loads(server, use_models, model_dir,
                                                                           monkeypatch, settings):
    """The JSON loading waits until a catalog query has run in the other thread (read after it, as on a closed
    connection, the wait would time out); the answer is the same; a definition error found meanwhile still
    wins, and the connection stays usable. Without the desired-schema cache, which would answer without
    loading the JSON at all (tests/test_desired_cache.py)."""
    use_models(server, _models(model_dir, 5))
    settings.LBSYNC = {**settings.LBSYNC, "CACHE_DIR": None}
    call_command("automigrate", "--noinput", database=server, stdout=StringIO())
    connection = connections[server]
    connection.ensure_connection()
    read = threading.Event()

    def watch(execute, sql, params, many, context):
        if threading.current_thread().name == "lbsync-catalog":
            read.set()
        return execute(sql, params, many, context)

    original = api._definitions
    waited: list[bool] = []

    def definitions(*args, **kwargs):
        waited.append(read.wait(timeout=20))
        return original(*args, **kwargs)

    monkeypatch.setattr(api, "_definitions", definitions)
    with connection.execute_wrapper(watch):
        assert is_actual(using=server) is True
        assert waited == [True]
        use_models(server, model_dir({"bad.json": {"name": "Bad", "properties": {"x": {"type": "strng"}}}}))
        settings.LBSYNC = {**settings.LBSYNC, "CACHE_DIR": None}
        with pytest.raises(DefinitionError, match="strng"):
            is_actual(using=server)
    assert connection.allow_thread_sharing is False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def test_a_failed_own_schema_read_reaches_the_caller(server, use_models, model_dir, monkeypatch):
    """The own schema is the prefetch's first SELECT: its failure is the caller's error, not a hang or a
    schema keyed wrongly, and the connection stays usable."""
    use_models(server, _models(model_dir, 2))
    connections[server].ensure_connection()
    vendor = vendor_for(connections[server])

    def broken(connection, *, live):
        raise DatabaseError("the own schema could not be read")

    monkeypatch.setattr(vendor, "own_schema", broken)
    with pytest.raises(DatabaseError, match="own schema could not be read"):
        is_actual(using=server)
    monkeypatch.undo()
    assert connections[server].allow_thread_sharing is False
    assert is_actual(using=server) is False  # the tables were never made: read and answered as usual
