"""Discovery with hostile or awkward live names (issue 9, items 1, 3 and 9; docs/discovery-safety.md).

- A live name that fails the identifier rule is refused: exit 2, every such name listed, nothing written.
- Discovery sends only catalog SELECTs; no user table name is ever part of the SQL text.
- `--output-dir` writes only directly inside the folder, one distinct file per model even on a
  case-insensitive file system, and the model-config.json it writes loads back and automigrates.
"""
from __future__ import annotations

import json
import os
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext

from django_lbsync import automigrate, is_actual
from django_lbsync.discovery import (
    OtherModelFiles, UnsafeLiveName, discover_model_definitions, discover_model_properties, discover_schemas, model_file_stems,
    write_models,
)
from django_lbsync.loader import NOT_MODEL_FILES
from django_lbsync.loader import load_definitions

from . import live_schema

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


# -- the test's own SQL, independent of the product --------------------------------------------------

QUOTE = {"postgresql": '"', "mysql": "`", "sqlite": '"'}


def quote(alias: str, name: str) -> str:
    q = QUOTE[connections[alias].vendor]
    return q + name.replace(q, q + q) + q


def run(alias: str, sql: str, params=None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else None


def create(alias: str, table: str, *columns: str, extra: str = "") -> None:
    cols = ", ".join(f"{quote(alias, c)} varchar(10)" for c in columns)
    run(alias, f"CREATE TABLE {quote(alias, table)} (id integer NOT NULL PRIMARY KEY{', ' + cols if cols else ''}"
               f"{extra})")


def drop(alias: str, *tables: str) -> None:
    mysql = connections[alias].vendor == "mysql"
    if mysql:
        run(alias, "SET FOREIGN_KEY_CHECKS = 0")
    for table in tables:
        run(alias, f"DROP TABLE IF EXISTS {quote(alias, table)}")
    if mysql:
        run(alias, "SET FOREIGN_KEY_CHECKS = 1")


def user_tables(alias: str) -> set[str]:
    """Straight from the catalog (not the product's introspection)."""
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        rows = run(alias, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    elif vendor == "mysql":
        rows = run(alias, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
    else:
        rows = run(alias, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {r[0] for r in rows} - {"django_migrations"}


# -- 1. names that fail the identifier rule are refused -----------------------------------------------

@pytest.fixture
def hostile(live):
    """A good table, a table whose name holds the quote character, a table with a bad column (quote and
    newline), and a good table whose foreign key points at the bad table."""
    q = QUOTE[connections[live].vendor]
    names = {"good": "good", "bad": f"bad{q}t", "cols": "cols", "quote_col": f"c{q}1", "nl_col": "nl\nx",
             "refers": "refers"}
    create(live, names["good"], "v")
    create(live, names["bad"], "v")
    create(live, names["cols"], "v", names["quote_col"], names["nl_col"])
    run(live, f"CREATE TABLE {quote(live, 'refers')} (id integer PRIMARY KEY, bad_id integer, "
              f"CONSTRAINT fk_refers_bad FOREIGN KEY (bad_id) REFERENCES {quote(live, names['bad'])} (id))")
    yield live, names
    drop(live, "refers", names["bad"], names["cols"], names["good"])


def call(command: str, *args, **options):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_whole_schema_discovery_refuses_every_unsafe_name_and_writes_nothing(hostile, tmp_path):
    alias, names = hostile
    out_dir = tmp_path / "out"
    with pytest.raises(CommandError) as raised:
        call("discoverschema", "--output-dir", str(out_dir), database=alias)
    assert raised.value.returncode == 2
    message = str(raised.value)
    # Every bad name is named (escaped, so a newline cannot forge an output line), with owner and table.
    assert repr(names["bad"]) in message
    assert f".cols.{names['quote_col']!r}: column name" in message
    assert ".cols.'nl\\nx': column name" in message
    assert "\n" not in "".join(line for line in message.splitlines(keepends=True) if "nl" in line)[:-1]
    assert "good" not in message
    assert not out_dir.exists()


def test_discovermodelproperties_refuses_too(hostile):
    alias, names = hostile
    with pytest.raises(CommandError) as raised:
        call("discovermodelproperties", "cols", database=alias)
    assert raised.value.returncode == 2
    assert repr(names["quote_col"]) in str(raised.value)


def test_discovermodels_lists_every_table_with_unsafe_names_escaped_and_marked(hostile):
    """A plain listing builds no SQL from the names: it shows them all, the unsafe ones escaped and marked."""
    alias, names = hostile
    bad_nl = "tab\nle"  # a newline in a table name: it must not start an output line of its own
    create(alias, bad_nl)
    try:
        out, err = call("discovermodels", database=alias)
        rows = json.loads(call("discovermodels", "--format", "json", database=alias)[0])
        with pytest.raises(UnsafeLiveName):
            discover_model_definitions(alias)  # the API still refuses unless asked to mark
    finally:
        drop(alias, bad_nl)
    lines = out.splitlines()
    listed = {line.split("  (")[0].split(".", 1)[1] for line in lines}
    assert listed == {"good", "cols", "refers", repr(names["bad"]), repr(bad_nl)}, out
    assert user_tables(alias) - {bad_nl} == {"good", "cols", "refers", names["bad"]}  # the catalog agrees
    marked = [line for line in lines if "UNSAFE NAME: table name" in line]
    assert sorted(line.split("  (")[0].split(".", 1)[1] for line in marked) == sorted([repr(names["bad"]),
                                                                                        repr(bad_nl)])
    assert "2 names marked UNSAFE NAME" in err
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"good", "cols", "refers", names["bad"], bad_nl}  # JSON keeps the real names
    assert {n for n, row in by_name.items() if "unsafe" in row} == {names["bad"], bad_nl}
    assert "quote character" in by_name[names["bad"]]["unsafe"] and "control" in by_name[bad_nl]["unsafe"]


def test_naming_safe_tables_discovers_them(hostile):
    alias, names = hostile
    out, _ = call("discoverschema", "good", database=alias)
    (definition,) = json.loads(out).values()
    assert list(definition["properties"]) == ["id", "v"]
    rows = json.loads(call("discovermodelproperties", "good", database=alias)[0])
    assert [r["columnName"] for r in rows] == ["id", "v"]


def test_a_foreign_key_to_an_unsafe_table_is_refused(hostile):
    alias, names = hostile
    with pytest.raises(UnsafeLiveName) as raised:
        discover_schemas(["refers"], using=alias)
    (problem,) = raised.value.problems
    assert problem.endswith(f"table name {names['bad']!r} contains the quote character "
                            f"{QUOTE[connections[alias].vendor]} of this database")


# -- 3. read-only: catalog SELECTs with bound parameters ----------------------------------------------

VICTIM = "lbsync_victim_rows"


def test_discovery_sends_only_catalog_selects(live):
    create(live, VICTIM, "secret")
    create(live, "lbsync_child", "v", extra=f", parent integer REFERENCES {quote(live, VICTIM)} (id)")
    run(live, f"INSERT INTO {quote(live, VICTIM)} (id, secret) VALUES (1, 'a'), (2, 'b')")
    run(live, f"CREATE VIEW lbsync_victim_view AS SELECT id FROM {quote(live, VICTIM)}")
    try:
        connection = connections[live]
        connection.ensure_connection()
        templates = []

        def record(execute, sql, params, many, context):
            templates.append(sql)
            return execute(sql, params, many, context)

        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(record):
            discover_model_definitions(live, views=True)
            discover_model_properties(VICTIM, using=live)
            discover_schemas(using=live, relations=True, views=True)
            discover_schemas(["lbsync_victim_view"], using=live)
        sent = [q["sql"] for q in captured.captured_queries]
        assert sent and len(sent) == len(templates)
        assert all(sql.lstrip().upper().startswith("SELECT") for sql in sent), sent
        # No user table or view name is ever part of the SQL: names travel only as bound parameters
        # or come back as catalog rows, so no statement reads a user table.
        for name in (VICTIM, "lbsync_child", "lbsync_victim_view"):
            assert not [sql for sql in sent + templates if name in sql]
        assert len(sent) <= 4 * 8  # a constant number of catalog queries per call (DESIGN decision 3)
        assert run(live, f"SELECT id, secret FROM {quote(live, VICTIM)} ORDER BY id") == [(1, "a"), (2, "b")]
    finally:
        run(live, "DROP VIEW lbsync_victim_view")
        drop(live, "lbsync_child", VICTIM)


# -- 9. --output-dir: file names ----------------------------------------------------------------------

HOSTILE_MODELS = ["../../x", "/etc/x", "a/b", "a\\b", "..", ".", "a\x00b", "CON", "nul", "Com1", "lpt9",
                  "model-config", "Model-Config", "MODEL_CONFIG", "datasources", "config", "Customer", "customer",
                  "CUSTOMER", "customer-2", "Straße", "STRASSE", "x" * 300, "é" * 200, "-", "$", " ", "a:b*c?"]


def definition(model: str, table: str | None = None) -> dict:
    return {"name": model, "options": {"idInjection": False, "postgresql": {"schema": "public",
                                                                            "table": table or model}},
            "properties": {"id": {"type": "Number", "id": 1}}}


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_file_names_stay_inside_the_folder_and_are_distinct_without_case(tmp_path):
    folder = tmp_path / "a" / "b" / "out"
    before = files_under(tmp_path)
    reported = []
    written = write_models({f"public.{i}": definition(m) for i, m in enumerate(HOSTILE_MODELS)}, folder,
                           report=reported.append)
    created = files_under(tmp_path) - before
    assert created == {tmp_path / "a", tmp_path / "a" / "b", folder} | set(written)
    assert all(p.parent == folder for p in written) and not Path("/etc/x.json").exists()
    # One file per model plus model-config.json, distinct on a case-insensitive, normalising file system.
    assert len({p.name.casefold() for p in written}) == len(HOSTILE_MODELS) + 1
    assert [r.path for r in reported] == written
    for path in written:
        stem = path.name.removesuffix(".json")
        assert stem and all(ch.isalnum() or ch in "-_" for ch in stem), path.name
        assert len(path.name.encode()) <= 255
        assert stem.split(".")[0].casefold() not in ("con", "nul", "com1", "lpt9")
    config = json.loads((folder / "model-config.json").read_text())
    assert list(config) == ["_meta"] + HOSTILE_MODELS
    by_model = {r.model: r for r in reported}
    for model in HOSTILE_MODELS:
        assert json.loads(by_model[model].path.read_text())["name"] == model
    # Every file that is not LoopBack's plain `<model>.json` says why.
    assert "taken by model Customer" in by_model["customer"].note
    assert "taken by the generated model-config.json" in by_model["model-config"].note or \
        "configuration" in by_model["model-config"].note
    assert by_model["Customer"].note is None and by_model["Customer"].path.name == "customer.json"
    assert by_model["CON"].note == "a device name on Windows"
    assert by_model["a\x00b"].note.startswith("characters that are not letters")
    # And the folder loads back: every model is attached.
    loaded = load_definitions(folder / "model-config.json")
    assert set(loaded.models) == set(HOSTILE_MODELS)


@pytest.mark.parametrize("names, expected", [
    (["CustomerTest"], ["customer-test"]),
    (["ModelConfig"], ["m-model-config"]),
    (["Config", "config"], ["m-config", "m-config-2"]),
    (["A", "a", "a-2"], ["a", "a-2", "a-2-2"]),
    (["..", "."], ["m__", "m_"]),  # loopback-boot skips files whose name starts with "_"
])
def test_file_stems(names, expected):
    assert [stem for stem, _ in model_file_stems(names)] == expected


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12) | st.sampled_from(HOSTILE_MODELS), unique=True, max_size=12))
def test_any_model_names_get_safe_distinct_file_names(models):
    stems = [stem for stem, _ in model_file_stems(models)]
    keys = [unicodedata.normalize("NFKC", stem).casefold() for stem in stems]
    assert len(set(keys)) == len(stems) and "model-config" not in keys
    for stem in stems:
        assert stem and all((ch.isalnum() and ch.isprintable()) or ch in "-_" for ch in stem), stem
        assert len(stem.encode()) <= 210 and not stem.casefold().startswith(NOT_MODEL_FILES)
        assert not stem.startswith("_")
        assert stem.casefold() not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


def test_an_existing_symlink_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    folder = tmp_path / "out"
    folder.mkdir()
    os.symlink(victim, folder / "customer.json")
    os.symlink(victim, folder / "model-config.json")
    write_models({"public.customer": definition("Customer")}, folder)
    assert victim.read_text() == "keep"
    assert not (folder / "customer.json").is_symlink() and not (folder / "model-config.json").is_symlink()
    assert json.loads((folder / "customer.json").read_text())["name"] == "Customer"


def test_write_models_refuses_names_model_config_cannot_hold(tmp_path):
    for schemas in ({"a": definition("_meta")}, {"a": definition("A"), "b": definition("A")}):
        with pytest.raises(ValueError):
            write_models(schemas, tmp_path / "out")
        assert not list((tmp_path / "out").glob("*.json"))


# -- 9. round trip with awkward but legal names, on the live databases --------------------------------

AWKWARD = ["../../x", "/etc/x", "a/b", "a\\b", "..", ".", "CON", "nul", "model-config", "config", "order_item",
           "order-item"]
CASE_PAIR = ["Customer", "customer"]  # not SQLite: its table names compare without case


@pytest.mark.parametrize("keep_names", [False, True])
def test_awkward_names_round_trip(live, use_models, tmp_path, keep_names):
    tables = AWKWARD + (CASE_PAIR if connections[live].vendor != "sqlite" else [])
    for table in tables:
        create(live, table, "v")
    fk = f"CONSTRAINT {quote(live, 'fk/../x')} REFERENCES {quote(live, '../../x')} (id)"
    if connections[live].vendor == "mysql":  # MySQL ignores a column-level REFERENCES
        fk = f", {fk.replace('REFERENCES', 'FOREIGN KEY (x_id) REFERENCES')}"
    run(live, f"CREATE TABLE {quote(live, 'a/b/child')} (id integer NOT NULL PRIMARY KEY, {quote(live, 'x_id')} "
              f"integer {fk})")
    tables.append("a/b/child")
    original = {t: live_schema.describe(live, t) for t in tables}
    assert user_tables(live) == set(tables)

    folder = tmp_path / "out"
    args = ["--output-dir", str(folder), "--relations"] + (["--keep-names"] if keep_names else [])
    out, err = call("discoverschema", *args, database=live)
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == len(tables) + 1 and "model-config.json" in written
    assert all(str(folder / name) in out for name in written)  # every file is reported
    assert {p for p in tmp_path.rglob("*")} == {folder} | {folder / n for n in written}
    if keep_names:
        renamed = [line for line in out.splitlines() if "    renamed: customer.json is taken by model " in line]
        assert len(renamed) == (connections[live].vendor != "sqlite")
    else:
        assert "model name OrderItem2, because OrderItem is taken" in err
    config = json.loads((folder / "model-config.json").read_text())
    assert len(config) == len(tables) + 1

    use_models(live, folder / "model-config.json")
    assert is_actual(using=live)
    drop(live, *reversed(tables))
    assert user_tables(live) == set()
    automigrate(using=live)
    assert user_tables(live) == set(tables)
    for table in tables:
        rebuilt = live_schema.describe(live, table)
        assert (rebuilt.columns, rebuilt.primary_key, rebuilt.foreign_keys) == (
            original[table].columns, original[table].primary_key, original[table].foreign_keys), table
    drop(live, *reversed(tables))


# -- written files: the mode open() gives, and no stale model file loaded with them -------------------

@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002], ids=oct)
def test_written_files_get_the_mode_open_would_give(tmp_path, umask):
    previous = os.umask(umask)
    try:
        written = write_models({"public.customer": definition("Customer")}, tmp_path / "out")
        with open(tmp_path / "plain.json", "w"):  # what any tool writing a file gets
            pass
    finally:
        os.umask(previous)
    expected = 0o666 & ~umask
    assert os.stat(tmp_path / "plain.json").st_mode & 0o777 == expected
    assert [os.stat(p).st_mode & 0o777 for p in written] == [expected, expected]
    assert [p.name for p in (tmp_path / "out").iterdir()] and not list((tmp_path / "out").glob(".lbsync-*"))


def test_output_dir_with_other_model_files_is_refused_unless_forced(live, tmp_path):
    create(live, "lbsync_now", "v")
    folder = tmp_path / "out"
    try:
        call("discoverschema", "lbsync_now", "--output-dir", str(folder), database=live)
        first = {p.name: p.read_bytes() for p in folder.iterdir()}
        assert sorted(first) == ["lbsync-now.json", "model-config.json"]
        call("discoverschema", "lbsync_now", "--output-dir", str(folder), database=live)  # a refresh: same files
        # A model file of something else (a table dropped since, or a hand-written model whose base is gone):
        # the generated model-config.json would load it with the rest, and it breaks loading.
        stale = {"name": "Gone", "base": "NoSuchBase", "properties": {"x": "string"}}
        (folder / "gone.json").write_text(json.dumps(stale))
        (folder / "datasources.json").write_text("{}")  # configuration, not a model: allowed
        with pytest.raises(CommandError) as raised:
            call("discoverschema", "lbsync_now", "--output-dir", str(folder), database=live)
        assert raised.value.returncode == 2
        message = str(raised.value)
        assert "gone.json" in message and "--force" in message and "Nothing was written" in message
        assert "datasources.json" not in message and "lbsync-now.json" not in message
        assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name in first} == first  # untouched
        assert sorted(p.name for p in folder.iterdir()) == ["datasources.json", "gone.json", "lbsync-now.json",
                                                            "model-config.json"]
        out, err = call("discoverschema", "lbsync_now", "--output-dir", str(folder), "--force", database=live)
        assert "gone.json was already there; model-config.json loads it too" in err
        assert json.loads((folder / "gone.json").read_text()) == stale  # --force writes, and deletes nothing
        with pytest.raises(OtherModelFiles) as refused:  # the API refuses the same way, before writing
            write_models({"public.x": definition("X")}, folder)
        assert [p.name for p in refused.value.files] == ["gone.json", "lbsync-now.json"]
        assert not (folder / "x.json").exists()
    finally:
        drop(live, "lbsync_now")
