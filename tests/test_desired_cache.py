"""The desired-schema cache (django_lbsync/desired_cache.py, docs/desired-cache.md): an entry is used only
when every input it was built from is unchanged, and a file it did not write is never unpickled.

The space of edits is tested as a whole: a LoopBack app on disk goes through random sequences of edits (model
files changed, added, removed, overlays, `_meta.sources` moved through a symbolic link, settings), and after each
one the answer with the cache must equal the answer without it, and a run with nothing changed must not load
the JSON at all.
"""
from __future__ import annotations

import ast
import json
import logging
import os
import pickle
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from django_lbsync import api, automigrate, autoupdate, conf, desired_cache, sourcefs
from django_lbsync.exceptions import DefinitionError
from django_lbsync.sqlrules import printable

from .conftest import FIXTURES
from .live_schema import describe

PACKAGE = Path(api.__file__).resolve().parent
#: The modules that turn files into definitions: they must ask the file system only through sourcefs.
LOADER_MODULES = ["loader.py", "bootconfig.py", "jsonfiles.py", "definitions.py"]


# -- the loader reaches the file system only through sourcefs ------------------------------------------------

FILE_SYSTEM_CALLS = {"open", "stat", "lstat", "is_file", "is_dir", "exists", "glob", "rglob", "iterdir", "read_text",
                     "read_bytes", "listdir", "scandir", "walk", "access", "readlink", "is_symlink", "samefile",
                     "realpath", "isfile", "isdir", "getsize", "getmtime", "fdopen", "islink", "lexists", "ismount",
                     "is_mount", "getctime", "getatime", "is_fifo", "is_socket", "is_block_device", "is_char_device",
                     "owner", "group",
                     # the working folder and the home folder: a path made from them is not in the witness
                     "absolute", "cwd", "getcwd", "expanduser"}


def unsourced_calls(source: str, module: str) -> list[str]:
    """The calls in `source` that may ask the file system other than through sourcefs, as "module:line name()"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            owner = func.value if isinstance(func, ast.Attribute) else None
            if name in FILE_SYSTEM_CALLS and not (isinstance(owner, ast.Name) and owner.id == "sourcefs"):
                found.append(f"{module}:{node.lineno} {name}()")
            # Path.resolve() follows links; the loader's own resolver.resolve(name) is not a path.
            if name == "resolve" and not (isinstance(owner, ast.Name) and owner.id in ("sourcefs", "resolver",
                                                                                           "other_resolver", "self")):
                found.append(f"{module}:{node.lineno} resolve()")
    return found


#: Functions of the loader modules that may read the environment themselves, and why: what they read is part of
#: every cache key instead (api._loader_inputs' "env" is conf.node_env(), passed to the loader as `env`).
ENVIRONMENT_KEYED = {("bootconfig.py", "default_env")}


def unwitnessed_environment(source: str, module: str) -> list[str]:
    """Reads of the process environment in `source` (os.environ, os.getenv, os.environb) outside sourcefs.environ
    and ENVIRONMENT_KEYED, as "module:line name". A variable read there is not in the witness: an entry kept
    while it had one value would be taken once it has another."""
    found = []
    tree = ast.parse(source)
    allowed_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (module, node.name) in ENVIRONMENT_KEYED:
            allowed_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")
                and not (isinstance(node.value, ast.Name) and node.value.id == "sourcefs")
                and node.lineno not in allowed_lines):
            found.append((node.lineno, node.col_offset, f"{module}:{node.lineno} {node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                alias.name in ("environ", "getenv", "environb") for alias in node.names):
            found.append((node.lineno, node.col_offset, f"{module}:{node.lineno} from os import"))
    return [text for _, _, text in sorted(found)]


@pytest.mark.parametrize("module", LOADER_MODULES)
def test_loader_modules_read_the_environment_only_through_sourcefs(module):
    assert unwitnessed_environment((PACKAGE / module).read_text(), module) == []


def test_the_environment_check_can_fail():
    source = ("import os\nfrom os import getenv\ndef default_env():\n    return os.environ.get('NODE_ENV')\n"
              "def f(name):\n    return os.environ.get(name) or os.getenv(name) or sourcefs.environ(name)\n")
    assert unwitnessed_environment(source, "m.py") == ["m.py:2 from os import", "m.py:4 environ", "m.py:6 environ",
                                                       "m.py:6 getenv"]
    assert unwitnessed_environment(source, "bootconfig.py") == ["bootconfig.py:2 from os import",
                                                                "bootconfig.py:6 environ", "bootconfig.py:6 getenv"]


@pytest.mark.parametrize("module", LOADER_MODULES)
def test_loader_modules_ask_the_file_system_only_through_sourcefs(module):
    """What the loader learns any other way is not in the witness, and a cache entry would outlive a change to it."""
    assert unsourced_calls((PACKAGE / module).read_text(), module) == []


def test_the_check_above_can_fail():
    source = ("import os\nfrom pathlib import Path\ndef f(p):\n"
              "    return Path(p).is_file() and sourcefs.kind(p) and os.path.islink(p) and Path(p).resolve()\n")
    assert unsourced_calls(source, "m.py") == ["m.py:4 is_file()", "m.py:4 islink()", "m.py:4 resolve()"]


# -- a LoopBack app on disk and the edits made to it ---------------------------------------------------------

def model(name: str, props: dict, **extra) -> dict:
    return {"name": name, "base": "PersistedModel", "properties": props, **extra}


def write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=1))


def make_app(root: Path) -> Path:
    server = root / "server"
    write(server / "model-config.json", {"_meta": {"sources": ["../common/models", "./models"]},
                                         "Customer": {"dataSource": "db"}, "Order": {"dataSource": "db"}})
    write(server / "datasources.json", {"db": {"connector": "postgresql"}})
    write(root / "models_a" / "customer.json", model("Customer", {"name": {"type": "string", "length": 40}}))
    write(root / "models_b" / "customer.json", model("Customer", {"email": {"type": "string"}}))
    (root / "common").mkdir()
    os.symlink(root / "models_a", root / "common" / "models")
    write(server / "models" / "order.json", model("Order", {"total": {"type": "number"}},
                                                  relations={"customer": {"type": "belongsTo",
                                                                          "model": "Customer"}}))
    return server / "model-config.json"


def _json(path: Path):
    return json.loads(path.read_text())


def edit_property(root, rnd):
    path = root / "server" / "models" / "order.json"
    data = _json(path)
    data["properties"]["total"] = {"type": rnd.choice(["number", "string", "boolean", "date"]),
                                   "required": rnd.random() < 0.5}
    write(path, data)


def same_bytes_again(root, rnd):
    """Written again with the same bytes (a new mtime): still the same inputs."""
    path = root / "server" / "models" / "order.json"
    path.write_bytes(path.read_bytes())
    os.utime(path, ns=(rnd.randrange(1, 2**40), rnd.randrange(1, 2**40)))


def same_size_other_bytes(root, rnd):
    """A change that keeps the file's size (and, set back, its mtime): only the content says it changed."""
    path = root / "server" / "models" / "order.json"
    before = path.stat()
    text = path.read_text()
    swapped = text.replace('"number"', '"string"') if '"number"' in text else text.replace('"string"', '"number"')
    path.write_text(swapped)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def add_model(root, rnd):
    name = f"Extra{rnd.randrange(3)}"
    write(root / "server" / "models" / f"{name.lower()}.json", model(name, {"note": {"type": "string"}}))
    if rnd.random() < 0.7:
        config = _json(root / "server" / "model-config.json")
        config[name] = {"dataSource": "db"}
        write(root / "server" / "model-config.json", config)


def remove_model(root, rnd):
    files = sorted((root / "server" / "models").glob("extra*.json"))
    if files:
        rnd.choice(files).unlink()


def model_config_overlay(root, rnd):
    path = root / "server" / f"model-config.{rnd.choice(['local', 'development', 'production'])}.json"
    if path.exists() and rnd.random() < 0.5:
        path.unlink()
    else:
        write(path, {"Order": {"dataSource": rnd.choice(["db", "other", False])}})


def datasources_overlay(root, rnd):
    path = root / "server" / "datasources.local.json"
    if path.exists() and rnd.random() < 0.5:
        path.unlink()
    else:
        write(path, {"db": {"connector": rnd.choice(["mysql", "memory", "postgresql"])},
                     "other": {"connector": "postgresql"}})


def js_overlay(root, rnd):
    path = root / "server" / "model-config.local.js"
    if path.exists():
        path.unlink()
    else:
        write(path, "module.exports = {};")


def move_sources_link(root, rnd):
    """common/models points at another folder: the same path, other files."""
    link = root / "common" / "models"
    target = os.readlink(link)
    link.unlink()
    os.symlink(str(root / ("models_b" if target.endswith("models_a") else "models_a")), link)


def edit_meta_sources(root, rnd):
    config = _json(root / "server" / "model-config.json")
    config["_meta"]["sources"] = rnd.choice([["../common/models", "./models"], ["./models", "../models_b"],
                                             ["../models_a", "./models", "./missing"]])
    write(root / "server" / "model-config.json", config)


def break_json(root, rnd):
    path = root / "server" / "models" / "broken.json"
    if path.exists():
        path.unlink()
    else:
        write(path, '{"name": "Broken", "properties": {')


def underscore_file(root, rnd):
    write(root / "server" / "models" / "_seed.json", {"anything": rnd.random()})


def folder_named_json(root, rnd):
    folder = root / "server" / "models" / "folder.json"
    if folder.exists():
        folder.rmdir()
    else:
        folder.mkdir()


EDITS = [edit_property, same_bytes_again, same_size_other_bytes, add_model, remove_model, model_config_overlay,
         datasources_overlay, js_overlay, move_sources_link, edit_meta_sources, break_json, underscore_file,
         folder_named_json]
#: Edits after which every input is the same: the next run must be a cache hit.
UNCHANGED = {same_bytes_again}


class LoaderCalls:
    """Counts the JSON loads (api.load_definitions) in a block: 0 means the cache answered."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = api.load_definitions

        def counting(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(api, "load_definitions", counting)


def outcome(alias: str, caplog) -> tuple:
    """What the build answers: the schema (every field, by repr) and the warnings logged, or the problems."""
    caplog.clear()
    try:
        schema = api.desired_schema(using=alias)
    except DefinitionError as exc:
        return ("refused", sorted(str(p) for p in exc.problems))
    warnings = sorted(r.getMessage() for r in caplog.records if getattr(r, "lbsync_warning", None))
    return ("built", repr(sorted(schema.tables.items())), warnings)


def lbsync(config: Path, cache: Path | None, **extra) -> dict:
    return {"MODELS": str(config), "DATASOURCES": {"db": "default"}, "CACHE_DIR": cache, **extra}


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=8), seed=st.integers(0, 2**16))
def test_every_edit_is_seen_and_nothing_else_rebuilds(edits, seed, monkeypatch, caplog):
    import random

    caplog.set_level(logging.WARNING, logger="django_lbsync")
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        config = make_app(root)
        cache = root / "cache"
        calls = LoaderCalls(monkeypatch)
        with override_settings(LBSYNC=lbsync(config, cache)):
            previous = outcome("default", caplog)
        for edit in edits:
            edit(root, rnd)
            with override_settings(LBSYNC=lbsync(config, None)):
                expected = outcome("default", caplog)
            with override_settings(LBSYNC=lbsync(config, cache)):
                before = calls.count
                got = outcome("default", caplog)
                loaded = calls.count - before
                again = outcome("default", caplog)  # nothing changed since: the cache answers, the same
                if got[0] == "built":  # refused definitions are never kept: the next run reads them again
                    assert calls.count - before == loaded, "a run with nothing changed loaded the JSON again"
            assert got == expected, f"after {edit.__name__}"
            assert again == expected
            if edit in UNCHANGED and previous[0] == "built":
                assert loaded == 0, f"{edit.__name__} changed nothing, yet the JSON was loaded again"
            previous = expected


def test_settings_the_build_reads_are_in_the_key(tmp_path, monkeypatch, caplog):
    config = make_app(tmp_path)
    cache = tmp_path / "cache"
    calls = LoaderCalls(monkeypatch)
    with override_settings(LBSYNC=lbsync(config, cache)):
        first = outcome("default", caplog)
        outcome("default", caplog)
        assert calls.count == 1
    write(tmp_path / "server" / "model-config.production.json", {"Order": {"dataSource": False}})
    with override_settings(LBSYNC=lbsync(config, cache, NODE_ENV="production")):
        production = outcome("default", caplog)
    assert calls.count == 2 and production != first and "Order" not in production[1]
    with override_settings(LBSYNC={**lbsync(config, cache), "DATASOURCES": {"other": "default"}}):
        assert outcome("default", caplog)[1] == "[]"  # no model on datasource "other"
    monkeypatch.setattr(desired_cache, "code_digest", lambda: "other code")
    with override_settings(LBSYNC=lbsync(config, cache)):
        assert outcome("default", caplog) == first
    assert calls.count == 4  # every change of settings or code was a miss


def test_warnings_are_logged_on_a_hit_too(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="django_lbsync")
    config = make_app(tmp_path)
    write(tmp_path / "server" / "model-config.local.js", "module.exports = {};")
    calls = LoaderCalls(monkeypatch)
    with override_settings(LBSYNC=lbsync(config, tmp_path / "cache")):
        cold, warm = outcome("default", caplog), outcome("default", caplog)
    assert calls.count == 1 and cold == warm and any("lbsync.W013" in w for w in warm[2])


def test_the_builders_warnings_are_logged_on_a_hit_too(tmp_path, monkeypatch, caplog):
    """The schema builder logs what only the database's rules reveal (a FULLTEXT index where there is none,
    lbsync.W011; a foreign key to a model without a table): a warm run logs the same."""
    caplog.set_level(logging.WARNING, logger="django_lbsync")
    config = make_app(tmp_path)
    path = tmp_path / "server" / "models" / "order.json"
    data = _json(path)
    data["indexes"] = {"total_ft": {"keys": {"total": 1}, "kind": "FULLTEXT"}}
    data["options"] = {"foreignKeys": {"fk_gone": {"name": "fk_gone", "entity": "Nowhere",
                                                   "foreignKey": "total"}}}
    write(path, data)
    calls = LoaderCalls(monkeypatch)

    def logged() -> list[str]:
        caplog.clear()
        api.desired_schema(using="default")
        return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]

    with override_settings(LBSYNC=lbsync(config, tmp_path / "cache")):
        cold, warm = logged(), logged()
    assert calls.count == 1 and cold == warm
    assert any("lbsync.W011" in m for m in warm) and any("foreign key fk_gone skipped" in m for m in warm)


def test_manage_py_check_loads_the_json_once_and_sees_every_edit(tmp_path, monkeypatch, settings):
    """`check` runs before most manage.py commands: its definition checks come from the cache too, with the same
    warnings, and an edit is still seen."""
    from django.core.checks import run_checks

    config = make_app(tmp_path)
    write(tmp_path / "server" / "model-config.local.js", "module.exports = {};")  # lbsync.W013
    settings.LBSYNC = lbsync(config, tmp_path / "cache")
    calls = LoaderCalls(monkeypatch)

    def lbsync_messages() -> list[str]:
        return sorted(f"{m.id} {m.msg}" for m in run_checks() if m.id and m.id.startswith("lbsync."))

    cold = lbsync_messages()
    loads = calls.count
    assert lbsync_messages() == cold and calls.count == loads  # nothing loaded again
    assert any(m.startswith("lbsync.W013") for m in cold)
    write(tmp_path / "server" / "models" / "order.json", '{"name": "Order", "properties": {"total": {"type": "strng"}}}')
    broken = lbsync_messages()
    assert any(m.startswith("lbsync.E001") and "strng" in m for m in broken)


@pytest.mark.django_db(databases=["default"])
def test_models_given_as_a_generator_select_them_and_keep_no_empty_schema(tmp_path, monkeypatch, caplog):
    """The key and the selection both read `models`: a one-shot iterable must give the same schema as a list,
    and must not leave behind an entry (an empty schema, once) that a later call with the list is answered from."""
    config = make_app(tmp_path)
    names = ["Customer", "Order"]
    with override_settings(LBSYNC=lbsync(config, None)):
        expected = sorted(api.desired_schema(names, using="default").tables)
    with override_settings(LBSYNC=lbsync(config, tmp_path / "cache")):
        assert sorted(api.desired_schema((n for n in names), using="default").tables) == expected
        assert sorted(api.desired_schema(names, using="default").tables) == expected
        assert api.get_plan(iter(names), using="default").changes  # nothing exists yet: every table to create
        assert api.is_actual(names, using="default") is False


def test_definitions_just_loaded_are_compared_not_read_again(tmp_path, monkeypatch):
    """Where the definitions are loaded before the cache is asked (_live_and_plan on a database whose schemas are
    keyed, its connection not open yet), the entry's witness is compared with that load's: every file is read once,
    not twice. An edit is still seen."""
    import random

    config = make_app(tmp_path)
    reads, builds = [], []
    real_read, real_build = sourcefs._read, api.build_schema
    monkeypatch.setattr(sourcefs, "_read", lambda path: reads.append(path) or real_read(path))
    monkeypatch.setattr(api, "build_schema", lambda *a, **k: builds.append(1) or real_build(*a, **k))

    def desired() -> str:
        return repr(sorted(api._desired(None, "default", None, api._definitions(None, "default")).tables.items()))

    with override_settings(LBSYNC=lbsync(config, tmp_path / "cache")):
        cold = desired()
        one_load = len(reads)
        reads.clear()
        assert desired() == cold and len(builds) == 1  # a hit
        assert len(reads) == one_load  # the load's reads only
        edit_property(tmp_path, random.Random(1))
        reads.clear()
        edited = desired()
        # The entry's witness differs from the load's: a miss at once, the files not asked again (the load's reads
        # only), as with a hit.
        assert len(reads) == one_load
    with override_settings(LBSYNC=lbsync(config, None)):
        assert edited == desired() and len(builds) == 3


@pytest.mark.django_db(databases=["default"])
def test_an_edit_seen_by_this_runs_load_is_not_asked_again_by_each_entry(tmp_path, monkeypatch):
    """isactual after an edit: the loader's entry asks the files until the edit, the load reads them all, and the
    verdict entry and the desired schema's, compared with that load's witness, are misses at once: no file is
    read a third or fourth time."""
    import collections
    import random

    config = make_app(tmp_path)
    reads = []
    real_read = sourcefs._read
    monkeypatch.setattr(sourcefs, "_read", lambda path: reads.append(str(path)) or real_read(path))
    with override_settings(LBSYNC=lbsync(config, tmp_path / "cache")):
        assert api.is_actual(using="default") is False  # nothing exists: kept (is_actual keeps plans with changes)
        assert api.is_actual(using="default") is False
        edit_property(tmp_path, random.Random(1))
        reads.clear()
        assert api.is_actual(using="default") is False
    assert max(collections.Counter(reads).values()) <= 2, collections.Counter(reads).most_common(3)


# -- entries the cache did not write -------------------------------------------------------------------------

def record_run(what: str) -> None:
    Planted.ran.append(what)


class Planted:
    """Unpickling it would run code (record_run, pickled by reference): it records that it ran."""

    ran: list[str] = []

    def __reduce__(self):
        return (record_run, ("unpickled",))


def only_entry(cache: Path) -> Path:
    """The desired schema's entry: of the two a first build keeps (the schema's, the loader's warnings'), the
    larger."""
    schema_entry, _loader_entry = sorted(cache.glob("*.pickle"), key=lambda p: p.stat().st_size, reverse=True)
    return schema_entry


def plant(entry: Path, mac_key: bytes) -> None:
    payload = pickle.dumps(Planted())
    entry.write_bytes(desired_cache.MAGIC + desired_cache._mac(mac_key, payload) + payload)


def test_an_entry_with_a_wrong_mac_is_never_unpickled(tmp_path, monkeypatch, caplog, settings):
    config = make_app(tmp_path)
    cache = tmp_path / "cache"
    with override_settings(LBSYNC=lbsync(config, cache)):
        first = outcome("default", caplog)
        entry = only_entry(cache)
        Planted.ran.clear()
        plant(entry, b"k" * 32)  # someone who does not know SECRET_KEY
        calls = LoaderCalls(monkeypatch)
        assert outcome("default", caplog) == first and Planted.ran == [] and calls.count == 1
        # The same file with the right MAC is unpickled: the MAC is what kept it out above.
        plant(entry, desired_cache._mac_key())
        assert outcome("default", caplog) == first and Planted.ran == ["unpickled"]


def test_another_secret_key_ignores_the_entries(tmp_path, monkeypatch, caplog, settings):
    config = make_app(tmp_path)
    cache = tmp_path / "cache"
    calls = LoaderCalls(monkeypatch)
    with override_settings(LBSYNC=lbsync(config, cache)):
        first = outcome("default", caplog)
        settings.SECRET_KEY = "another project"
        assert outcome("default", caplog) == first
        assert outcome("default", caplog) == first
    assert calls.count == 2  # missed once under the new key, then its own entry


def test_no_secret_key_no_cache(tmp_path, caplog, settings):
    config = make_app(tmp_path)
    settings.SECRET_KEY = ""
    with override_settings(LBSYNC=lbsync(config, tmp_path / "cache")):
        assert outcome("default", caplog)[0] == "built"
    assert not (tmp_path / "cache").exists()


def test_a_damaged_or_truncated_entry_is_a_miss(tmp_path, monkeypatch, caplog):
    config = make_app(tmp_path)
    cache = tmp_path / "cache"
    with override_settings(LBSYNC=lbsync(config, cache)):
        first = outcome("default", caplog)
        entry = only_entry(cache)
        data = entry.read_bytes()
        calls = LoaderCalls(monkeypatch)
        for damaged in (data[:40], data[:-1], data[:-5] + b"xxxxx", b"", b"\0" * len(data)):
            entry.write_bytes(damaged)
            assert outcome("default", caplog) == first
        assert calls.count == 5


def test_an_unwritable_cache_folder_is_no_cache(tmp_path, caplog):
    config = make_app(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with override_settings(LBSYNC=lbsync(config, blocked / "cache")):
        assert outcome("default", caplog)[0] == "built"


def test_entries_are_private_and_pruned(tmp_path, caplog, monkeypatch):
    config = make_app(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.setattr(desired_cache, "MAX_ENTRIES", 3)
    for env in ("a", "b", "c", "d", "e"):
        with override_settings(LBSYNC=lbsync(config, cache, NODE_ENV=env)):
            outcome("default", caplog)
    entries = [p for p in cache.iterdir() if p.suffix == ".pickle"]
    assert len(entries) == 3
    assert all(p.stat().st_mode & 0o077 == 0 for p in entries) and cache.stat().st_mode & 0o077 == 0
    calls = LoaderCalls(monkeypatch)  # the newest entries are the ones kept: "e" answers, "a" was pruned
    with override_settings(LBSYNC=lbsync(config, cache, NODE_ENV="e")):
        outcome("default", caplog)
    assert calls.count == 0
    with override_settings(LBSYNC=lbsync(config, cache, NODE_ENV="a")):
        outcome("default", caplog)
    assert calls.count == 1


def test_a_killed_writer_s_temporary_file_is_removed_once_stale(tmp_path, caplog):
    """A process killed between writing an entry's temporary file and renaming it leaves `.entry-xxxxxxxx`; the next
    write removes such files once they are an hour old, and nothing else: a fresh one (a write under way in another
    process), a link, another name."""
    import os
    import time

    config = make_app(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    old = time.time() - desired_cache.STALE_TEMPORARY_SECONDS - 60
    left = cache / ".entry-abc12_xy"
    left.write_bytes(b"half an entry")
    os.utime(left, (old, old))
    fresh = cache / ".entry-def34_zz"
    fresh.write_bytes(b"being written")
    other = cache / ".entry-notes.txt"
    other.write_bytes(b"not ours")
    os.utime(other, (old, old))
    target = tmp_path / "elsewhere"
    target.write_bytes(b"kept")
    link = cache / ".entry-link0000"
    link.symlink_to(target)
    os.utime(link, (old, old), follow_symlinks=False)
    with override_settings(LBSYNC=lbsync(config, cache)):
        outcome("default", caplog)  # builds and keeps an entry: the write prunes
    assert not left.exists()
    assert fresh.exists() and other.exists() and link.is_symlink() and target.read_bytes() == b"kept"


# -- settings ---------------------------------------------------------------------------------------------------

def test_cache_dir_setting(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    settings.LBSYNC = {"MODELS": str(tmp_path)}
    assert conf.cache_dir() == tmp_path / "xdg" / "django-lbsync"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert conf.cache_dir() == Path(os.path.expanduser("~")) / ".cache" / "django-lbsync"
    settings.BASE_DIR = tmp_path
    settings.LBSYNC = {"MODELS": str(tmp_path), "CACHE_DIR": ".lbsync-cache"}
    assert conf.cache_dir() == tmp_path / ".lbsync-cache"
    for off in (None, False):
        settings.LBSYNC = {"MODELS": str(tmp_path), "CACHE_DIR": off}
        assert conf.cache_dir() is None
    settings.LBSYNC = {"MODELS": str(tmp_path), "CACHE_DIR": 5}
    assert [p.id for p in conf.settings_problems()] == ["lbsync.E003"]
    assert 'LBSYNC["CACHE_DIR"] must be a folder' in conf.settings_problems()[0].message


# -- live: isactual and autoupdate with the cache, judged by the catalog reader ------------------------------

# LIVE_ALIASES, not ALL_LIVE: an alias that is not configured (the SQLite-only support matrix, a machine without
# a server) must skip through the `live` fixture, not fail pytest-django's database set-up.
pytestmark_live = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


def isactual_code(alias: str) -> int:
    try:
        call_command("isactual", database=alias, stdout=StringIO())
    except SystemExit as exc:
        return exc.code
    return 0


@pytestmark_live
def test_live_an_edit_between_runs_is_seen(live, tmp_path, settings, monkeypatch):
    alias = live  # emptied before and after by the fixture
    models = tmp_path / "models"
    shutil.copytree(FIXTURES / "customer_v1", models)
    settings.LBSYNC = {"MODELS": [str(models)], "DATASOURCES": {"db": alias}, "CACHE_DIR": str(tmp_path / "cache")}
    calls = LoaderCalls(monkeypatch)
    automigrate(using=alias)
    assert isactual_code(alias) == 0
    loads = calls.count
    assert isactual_code(alias) == 0
    loads_in_sync = calls.count - loads
    # As in a fresh `manage.py isactual`: the connection not open yet, the JSON is vouched for by the loader's
    # entry (bad JSON would be reported before connecting), not loaded again.
    connections[alias].close()
    assert isactual_code(alias) == 0 and calls.count - loads == loads_in_sync
    shutil.copy(FIXTURES / "customer_v2" / "customer-test.json", models / "customer-test.json")
    connections[alias].close()
    assert isactual_code(alias) == 1  # the edit is seen, not the cached v1
    autoupdate(using=alias, allow_destructive=True)
    columns = {name.lower() for name, _, _ in describe(alias, "customertest" if alias == "postgresql" else "CustomerTest").columns}
    assert {"email", "firstname", "lastname"} <= columns and "age" not in columns
    assert isactual_code(alias) == 0
    assert loads_in_sync == 0, "isactual loaded the JSON again although nothing had changed"


def test_code_that_cannot_be_hashed_means_no_cache_for_builds_and_checks(tmp_path, monkeypatch, settings):
    from django.core.checks import run_checks

    config = make_app(tmp_path)
    settings.LBSYNC = lbsync(config, tmp_path / "cache")
    monkeypatch.setattr(desired_cache, "code_digest", lambda: None)  # a zipped or frozen install
    calls = LoaderCalls(monkeypatch)
    per_run = []
    for _ in range(2):
        before = calls.count
        assert not [m for m in run_checks() if m.id and m.id.startswith("lbsync.E")]
        api.desired_schema(using="default")
        per_run.append(calls.count - before)
    assert per_run[0] == per_run[1] > 0 and not (tmp_path / "cache").exists()  # the second run loaded as much


def test_a_models_path_that_cannot_be_read_is_named_with_why(tmp_path):
    """sourcefs.kind tells "missing" from a path the file system refuses (here a name too long), and the loader
    says which, as a problem naming the path (no traceback on any Python version)."""
    from django_lbsync.loader import load_definitions

    too_long = tmp_path / ("x" * 300)
    for path, said in ((too_long, "cannot be read: File name too long"), (tmp_path / "absent", "no such file or folder")):
        with pytest.raises(DefinitionError) as raised:
            load_definitions([path])
        assert [(p.path, p.message) for p in raised.value.problems] == [(path, said)]
