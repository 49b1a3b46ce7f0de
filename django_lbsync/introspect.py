"""The live database -> a `Schema` of the same shape desired.py builds (DESIGN decision 3): the dispatcher.

The catalog readers belong to the vendor (`Vendor.catalog_reader`, `Vendor.gap_hooks`; the SQL lives in
catalogs/<vendor>.py). A fast reader costs a constant number of catalog queries per database, one per
object kind (columns, indexes, foreign keys), whatever the number of tables (PostgreSQL's sends them as one
statement: one snapshot, docs/introspection.md); a vendor without one is read
through Django's introspection API (introspect_generic.py). Types and defaults are kept as the database
reports them; the diff normalises both sides through the vendor's rules.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Iterable

from .exceptions import CatalogInconsistent, LbsyncError
from .schema import Schema, Table
from .sqlrules import printable
from .vendors import vendor_for

logger = logging.getLogger("django_lbsync")


def introspect(connection, *, schemas: Iterable[str] = (), views: bool = False, reader: str = "fast") -> Schema:
    """Every table of the connection's default schema (and of `schemas`), with columns, keys and indexes.

    Tables of the default schema have `schema=None`. With `views`, views are read too (`Table.view`).
    `reader="generic"` reads through Django's introspection API instead (introspect_generic.py,
    docs/introspection.md); the same snapshot, more queries.
    """
    return read_catalog(connection, schemas=schemas, views=views, reader=reader)[1]


def never_answered(digest: str) -> bool:
    """An `answered` for read_catalog that wants the digest but knows no answer yet."""
    return False


def read_catalog(connection, *, schemas: Iterable[str] = (), views: bool = False, reader: str = "fast",
                 answered: Callable[[str], bool] | None = None) -> tuple[str | None, Schema | None]:
    """The digest of the catalog's rows (catalogs/builder.Fetched) and the live schema built from them, as
    introspect() returns it; (digest, None) when `answered(digest)`: the caller already knows what it wants to
    know of exactly these rows (docs/verdict-cache.md), and they are not built. The digest is None where the
    reader gives none (the generic reader; a value with no one spelling): then `answered` is not asked; and
    without `answered` it is not worked out at all (`never_answered`: wanted, nothing known)."""
    if reader not in ("fast", "generic"):
        raise ValueError(f"unknown schema reader {reader!r}: 'fast' or 'generic'")
    # The vendor is chosen from the backend's class: a backend that subclasses a supported one
    # (PostGIS, django-tenants) reports another `connection.vendor` but reads the same catalog.
    vendor = vendor_for(connection)
    try:
        try:
            return _read(connection, vendor, schemas, views, reader, answered)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError):
            # Rows that do not fit are most often another session's change between two queries: read once more.
            logger.debug("reading the catalog of %s failed; reading it again", connection.alias, exc_info=True)
            return _read(connection, vendor, schemas, views, reader, answered)
    except LbsyncError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:
        # The catalog is untrusted input, read in several queries while other sessions may change the schema:
        # the builders tolerate NULLs and rows that do not fit (catalogs/builder.sound_table); whatever still
        # surprises the reader is a clear error, never a Python one (docs/exit-codes-and-waits.md).
        raise CatalogInconsistent(
            f"the catalog of database {connection.alias!r} could not be read as a schema: its rows do not fit "
            "together (is another session changing the schema, an automigrate running?). Run again once that "
            "change is done; if it repeats on a database nobody is changing, it is a bug in django-lbsync: please "
            f"report it with the output of --traceback. ({type(error).__name__}: {error})") from error


def refuse_unsound(connection, keys: Iterable[str], consequence: str) -> None:
    """CatalogInconsistent naming the tables (`keys`) read unsound (catalogs/builder.sound_table), if any:
    nothing is planned or written from a table with pieces missing. `consequence`: what was not done."""
    keys = sorted(keys)
    if keys:
        raise CatalogInconsistent(
            f"the catalog of database {connection.alias!r} did not read as a whole for table(s) "
            f"{', '.join(printable(k) for k in keys)}: its rows did not fit together (is another session "
            f"changing the schema, an automigrate running?). {consequence}; run again once that change is done.")


def _read(connection, vendor, schemas, views, reader, answered) -> tuple[str | None, Schema | None]:
    fast_reader = vendor.catalog_reader
    if reader == "generic" or fast_reader is None:
        # Oracle, SQL Server and any other backend: Django's introspection API plus the vendor's gap hooks.
        from .introspect_generic import introspect_generic

        return None, introspect_generic(connection, schemas=schemas, views=views)
    fetch = getattr(fast_reader, "fetch", None)  # a reader that only builds tables gives no digest
    if getattr(fetch, "reads_for", None) is not fast_reader:  # functools.wraps copies `fetch` onto a wrapper
        fetch = None
    digest = None
    with connection.cursor() as cursor:
        if fetch is None:
            tables = fast_reader(cursor, sorted(set(schemas)), views)
        else:
            fetched = fetch(cursor, sorted(set(schemas)), views)
            if answered is not None:  # most reads (autoupdate's, discovery's) want no digest: none worked out
                digest = fetched.digest
                if digest is not None and answered(digest):
                    return digest, None
            tables = fetched.tables()
    schema = Schema(vendor.django_vendor)
    for table in tables:
        schema.add(table)
    return digest, schema


_NOT_READ = object()


class CatalogPrefetch:
    """The catalog of the connection's own schema, read in a second thread while this one loads the model JSON
    and builds the desired schema (CPU work): the server's time on the catalog queries, most of isactual's
    wait on MariaDB, hides behind it. Only where `vendor.prefetches_catalog` (PostgreSQL, MySQL: a network
    round trip to wait on, drivers that release the GIL). The caller must not use the connection until
    `schema()` returned or the block ended; the same queries are sent, only earlier. The own schema
    (`Vendor.own_schema`, one SELECT) is read first, so the desired schema can be keyed while the rest is read.

        with CatalogPrefetch(connection) as prefetch:
            own = prefetch.own_schema()  # no queries on `connection` here
            desired = ...
            live = prefetch.schema(schemas_the_models_name)

    Between the two, `digest()` waits for the rows' digest (read_catalog); the thread builds the rows into
    tables once the caller says `build()` or asks for `schema()`, and never when it said `answered()` instead
    (with `wants_digest` False it builds at once).
    """

    def __init__(self, connection, wants_digest: bool = True):
        self.connection = connection
        self._wants_digest = wants_digest  # False: digest() is None and the tables build at once
        self._own_schema = _NOT_READ
        self._own_schema_read = threading.Event()
        self._digest: str | None = None
        self._digest_read = threading.Event()
        self._skip = False
        self._decided = threading.Event()
        self._result: Schema | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, name="lbsync-catalog", daemon=True)

    def __enter__(self) -> CatalogPrefetch:
        self.connection.inc_thread_sharing()
        self._thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._decided.is_set():  # the caller left without asking for the tables: none are built
            self.answered()
        self._thread.join()  # never leave a query running on the caller's connection
        self.connection.dec_thread_sharing()

    def _read(self) -> None:
        try:
            self._own_schema = vendor_for(self.connection).own_schema(self.connection, live=True)
            self._own_schema_read.set()
            answered = self._wait_for_decision if self._wants_digest else None
            self._result = read_catalog(self.connection, answered=answered)[1]
        except BaseException as error:  # noqa: BLE001 - raised in the caller's thread by own_schema()/schema()
            self._error = error
        finally:
            self._own_schema_read.set()
            self._digest_read.set()

    def _wait_for_decision(self, digest: str) -> bool:
        self._digest = digest
        self._digest_read.set()
        self._decided.wait()
        return self._skip

    def digest(self) -> str | None:
        """The digest of the rows read (catalogs/builder.Fetched), once they are; None when the reader gives
        none or the read failed (schema() then raises its error)."""
        self._digest_read.wait()
        return self._digest

    def digest_ready(self) -> bool:
        """digest() would answer without waiting (the rows are read, or the read failed)."""
        return self._digest_read.is_set()

    def build(self) -> None:
        """The caller will want the tables: the thread builds them as soon as the rows are read, while the caller
        goes on (the desired schema)."""
        self._decided.set()

    def answered(self) -> None:
        """The caller knows what it wanted of these rows (by their digest): they are not built into tables."""
        self._skip = True
        self._decided.set()

    def own_schema(self) -> str | None:
        """The connection's own schema, as `vendor.own_schema(connection, live=True)` returns it."""
        self._own_schema_read.wait()
        if self._own_schema is _NOT_READ:  # its SELECT failed: the error, once the thread is done
            self._thread.join()
            raise self._error
        return self._own_schema

    def schema(self, schemas: Iterable[str] = ()) -> Schema:
        """The live schema as `introspect(connection, schemas=schemas)` returns it."""
        self._decided.set()
        self._thread.join()
        if self._error is not None:
            raise self._error
        extra = sorted(set(schemas))
        if extra:  # models in other schemas (rare): read again with them, as introspect() would have
            return introspect(self.connection, schemas=extra)
        return self._result


def existing_tables(connection, tables: Iterable[Table]) -> list[Table]:
    """The given tables that exist in the database, in the given order (one catalog query). Names compare
    as the database compares them (`Vendor.name_key`: without case on SQL Server and SQLite)."""
    tables = list(tables)
    key = vendor_for(connection).name_key
    with connection.cursor() as cursor:
        plain = {key(n) for n in _own_tables(connection, cursor, [t.name for t in tables if not t.schema])}
        schemas = sorted({t.schema for t in tables if t.schema})
        qualified: set[tuple[str, str]] = set()
        if schemas:
            qualified = {(key(s), key(n)) for s, n in _qualified_tables(connection, cursor, schemas)}
    return [t for t in tables
            if ((key(t.schema), key(t.name)) in qualified if t.schema else key(t.name) in plain)]


def _own_tables(connection, cursor, names: list[str]) -> set[str]:
    """Which of `names` are tables of the connection's own schema, spelled as the catalog keeps them."""
    sql = vendor_for(connection).sql_user_tables
    if sql is None:
        return set(connection.introspection.table_names(cursor))
    found: set[str] = set()
    unique = sorted(set(names))
    for start in range(0, len(unique), 500):  # Oracle takes at most 1000 values in one IN list
        chunk = unique[start:start + 500]
        cursor.execute(sql.format(placeholders=", ".join(["%s"] * len(chunk))), chunk)
        found.update(row[0] for row in cursor.fetchall())
    return found


def _qualified_tables(connection, cursor, schemas: list[str]) -> set[tuple[str, str]]:
    placeholders = ", ".join(["%s"] * len(schemas))
    cursor.execute(vendor_for(connection).sql_tables_in_schemas.format(placeholders=placeholders), schemas)
    return {(row[0], row[1]) for row in cursor.fetchall()}


def row_counts(connection, tables: Iterable[Table]) -> dict[str, int]:
    """Rows per table, for the confirmation question. One query per table asked about."""
    counts = {}
    vendor = vendor_for(connection)
    quote = vendor.quote_name_for(connection)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(vendor.db_table(table))}")
            counts[table.key] = cursor.fetchone()[0]
    return counts

