"""PostgreSQL's catalog is read in one statement, so in one snapshot: another session's DDL (an automigrate
dropping and making tables again) can no longer make one read hold pieces of two schemas. Judged live: a second
connection flips the schema between two shapes A and B in a loop (each flip one transaction that drops and
makes again tables with keys, defaults, indexes and foreign keys: new oids, other columns), while this one reads
with introspect() in a loop. Every read must be exactly A or exactly B as the independent reader
(tests/live_schema.py) describes them with nobody changing anything, and no table may be marked unsound.

Read in several statements (the reader before this change), most runs show a read that is neither: a table
whose key names no column read (unsound), defaults missing, indexes of the other shape."""
from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync.introspect import introspect

from .conftest import drop_all_tables, require_alias
from .live_schema import LiveTable, describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

CHILDREN = 4
READS = 60  # at least this many reads, and at least FLIPS schema changes while reading
FLIPS = 10
SECONDS = 20  # and then stop, whatever was reached (the assertions say what was)


def shape_a() -> list[str]:
    statements = [
        "CREATE TABLE snap_parent (id SERIAL PRIMARY KEY, code varchar(20) NOT NULL, title text DEFAULT 'none')",
        "CREATE UNIQUE INDEX snap_parent_code ON snap_parent (code)",
        "CREATE TABLE snap_only_a (id SERIAL PRIMARY KEY, n integer DEFAULT 1)",
    ]
    for i in range(CHILDREN):
        statements += [
            f"CREATE TABLE snap_child{i} (id SERIAL PRIMARY KEY, parent_id integer CONSTRAINT snap_fk{i} "
            f"REFERENCES snap_parent (id) ON DELETE CASCADE, qty integer DEFAULT 0, note varchar(50))",
            f"CREATE INDEX snap_child{i}_ix ON snap_child{i} (parent_id, qty DESC)",
        ]
    return statements


def shape_b() -> list[str]:
    """The same table, index and foreign key names as A, with other columns, keys and definitions."""
    statements = [
        "CREATE TABLE snap_parent (code varchar(30) PRIMARY KEY, id bigint NOT NULL DEFAULT 7, label text)",
        "CREATE INDEX snap_parent_code ON snap_parent (label DESC, id)",
        "CREATE TABLE snap_only_b (id BIGSERIAL PRIMARY KEY, s text DEFAULT 'b')",
    ]
    for i in range(CHILDREN):
        statements += [
            f"CREATE TABLE snap_child{i} (note text, id BIGSERIAL PRIMARY KEY, owner_code varchar(30) "
            f"CONSTRAINT snap_fk{i} REFERENCES snap_parent (code) ON UPDATE CASCADE, qty numeric(8, 2) DEFAULT 1.5)",
            f"CREATE UNIQUE INDEX snap_child{i}_ix ON snap_child{i} (owner_code, note)",
        ]
    return statements


SHAPES = {"A": shape_a(), "B": shape_b()}
DROP = ("DROP TABLE IF EXISTS snap_only_a, snap_only_b, "
        + ", ".join(f"snap_child{i}" for i in range(CHILDREN)) + ", snap_parent")


def make(cursor, shape: str) -> None:
    """Shape `shape`, in one transaction: another session sees the old shape or the new one, whole."""
    cursor.execute("BEGIN")
    cursor.execute(DROP)
    for statement in SHAPES[shape]:
        cursor.execute(statement)
    cursor.execute("COMMIT")


def as_live_table(table) -> LiveTable:
    """What the product read, in live_schema's terms."""
    return LiveTable(
        columns=[(c.name, c.type, c.null) for c in table.columns],
        defaults={c.name: c.default for c in table.columns if c.default is not None and not c.auto},
        primary_key=tuple(table.primary_key),
        auto={c.name for c in table.columns if c.auto},
        indexes={i.name: (tuple(c + (" DESC" if o == "DESC" else "") for c, o in zip(i.columns, i.orders)), i.unique)
                 for i in table.indexes},
        foreign_keys={f.name: (tuple(f.columns), f.ref_table, tuple(f.ref_columns), f.on_delete or "NO ACTION",
                               f.on_update or "NO ACTION") for f in table.foreign_keys},
        generated={c.name: c.generated for c in table.columns if c.generated},
    )


def independent(alias: str) -> dict[str, LiveTable]:
    return {name: describe(alias, name) for name in tables(alias) if name.startswith("snap_")}


@pytest.fixture
def pg():
    require_alias("postgresql")
    drop_all_tables("postgresql")
    yield "postgresql"
    drop_all_tables("postgresql")


def test_every_read_during_concurrent_ddl_is_one_whole_schema(pg):
    connection = connections[pg]
    expected: dict[str, dict[str, LiveTable]] = {}
    for shape in ("A", "B"):
        with connection.cursor() as cursor:
            make(cursor, shape)
        expected[shape] = independent(pg)
        # With nobody changing anything, the product's read and the independent one agree.
        assert {name: as_live_table(t) for name, t in introspect(connection).tables.items()
                if name.startswith("snap_")} == expected[shape], shape
    expected_a, expected_b = expected["A"], expected["B"]
    assert set(expected_a) != set(expected_b) and expected_a["snap_child0"] != expected_b["snap_child0"]

    stop = threading.Event()
    flips: list[str] = []
    writer_error: list[BaseException] = []

    def writer():
        other = type(connection)(dict(connection.settings_dict), alias=pg)
        try:
            with other.cursor() as cursor:
                while not stop.is_set():
                    shape = "A" if not flips or flips[-1] == "B" else "B"
                    make(cursor, shape)
                    flips.append(shape)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            writer_error.append(error)
        finally:
            other.close()

    thread = threading.Thread(target=writer, name="snapshot-writer", daemon=True)
    seen = {"A": 0, "B": 0}
    torn: list[str] = []
    reads = 0
    thread.start()
    try:
        deadline = time.monotonic() + SECONDS
        while (reads < READS or len(flips) < FLIPS) and time.monotonic() < deadline and not writer_error:
            flips_before = len(flips)
            try:
                live = introspect(connection)
            except Exception as error:  # noqa: BLE001 - a read that fails is as wrong as a torn one
                torn.append(f"read {reads}: {type(error).__name__}: {error}")
                reads += 1
                continue
            reads += 1
            read = {name: t for name, t in live.tables.items() if name.startswith("snap_")}
            unsound = sorted(name for name, t in read.items() if t.unsound)
            described = {name: as_live_table(t) for name, t in read.items()}
            if unsound:
                torn.append(f"read {reads} (during flip {flips_before}): unsound {unsound}")
            elif described == expected_a:
                seen["A"] += 1
            elif described == expected_b:
                seen["B"] += 1
            else:
                shape = expected_a if set(described) == set(expected_a) else expected_b
                wrong = sorted(n for n in set(described) | set(shape) if described.get(n) != shape.get(n))
                torn.append(f"read {reads} (during flip {flips_before}): neither A nor B, tables {wrong}")
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not writer_error, writer_error
    assert not torn, f"{len(torn)} of {reads} reads were not one whole schema: {torn[:5]}"
    # The test really ran concurrently: the writer flipped the schema many times while the reads went on,
    # and the reads saw both shapes.
    assert reads >= READS and len(flips) >= FLIPS, (reads, len(flips))
    assert seen["A"] and seen["B"], seen


def test_defaults_read_without_the_table_are_the_ones_read_with_it(pg):
    """A default is deparsed without its table (no lock, no wait behind DDL; a default names no column), as the
    independent reader, which passes the table every time, spells it; a generated column is read as generated,
    with no default (its expression is none)."""
    connection = connections[pg]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE snap_defaults (id SERIAL PRIMARY KEY, n numeric(6, 2) DEFAULT 1.5, "
                       "s varchar(9) DEFAULT 'a''b', t timestamptz DEFAULT now(), "
                       "k bigint DEFAULT nextval('snap_defaults_id_seq'), "
                       "x integer, twice integer GENERATED ALWAYS AS (x * 2) STORED)")
    read = as_live_table(introspect(connection).tables["snap_defaults"])
    expected = describe(pg, "snap_defaults")
    assert read == expected
    assert expected.generated == {"twice": "STORED"} and "twice" not in expected.defaults
    assert expected.defaults["s"] == "'a''b'::character varying"
