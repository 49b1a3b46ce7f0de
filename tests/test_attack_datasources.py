"""Attacks on datasources.json and the configuration files loopback-boot merges (docs/input-validation.md).

Held: of datasources.json only each datasource's `connector` is read, and only compared with a fixed set of
names; `host`, `port`, `url`, `database`, `schema`, `password` never reach SQL, a path or a shell, whatever
they hold. Which database a model goes to is LBSYNC["DATASOURCES"]'s choice alone.

Held too: loopback-boot merges `model-config.local.json` and `datasources.local.json`, then
`*.<NODE_ENV>.json`, over the main files; so does the loader, with loopback-boot's merge rules (an overlay
that detaches a model or moves a datasource to `memory` leaves no table; one loopback-boot cannot merge is a
problem naming it). A `.js` overlay, which only Node can run, is a warning naming it
(docs/loopback-rules/boot-config.md). It read only the main files, silently, before.
"""
from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from django_lbsync import sourcefs
from django_lbsync.bootconfig import merge_over
from django_lbsync.exceptions import ConfigurationError, DefinitionError
from django_lbsync.loader import load_definitions

from .live_schema import tables

HOSTILE = "'; DROP TABLE victim; -- $(touch /tmp/lbsync-pwned) ../../etc/passwd \x00 ${HOME}"


def app(root: Path, datasources: dict, extra: dict | None = None) -> Path:
    (root / "common" / "models").mkdir(parents=True)
    (root / "server").mkdir()
    (root / "common" / "models" / "foo.json").write_text(json.dumps({"name": "Foo", "properties": {"a": "string"}}))
    (root / "server" / "model-config.json").write_text(json.dumps(
        {"_meta": {"sources": ["../common/models"]}, "Foo": {"dataSource": "db"}}))
    (root / "server" / "datasources.json").write_text(json.dumps(datasources))
    for name, body in (extra or {}).items():
        (root / "server" / name).write_text(json.dumps(body))
    return root / "server" / "model-config.json"


def test_only_the_connector_is_read_from_datasources(tmp_path):
    values = {key: HOSTILE for key in ("host", "url", "database", "schema", "user", "password", "file")}
    config = app(tmp_path, {"db": {"connector": "postgresql", "port": HOSTILE, **values}})
    loaded = load_definitions(config)
    assert loaded.datasources == {"db": "postgresql"} and list(loaded.models) == ["Foo"]
    assert not Path("/tmp/lbsync-pwned").exists()
    assert HOSTILE not in repr(loaded.models["Foo"])


@pytest.mark.parametrize("connector, tables", [
    ("postgresql", True), ("loopback-connector-mysql", True), ("memory", False), ("mongodb", False),
    (HOSTILE, False),
])
def test_a_connector_is_only_compared_with_known_names(tmp_path, connector, tables):
    config = app(tmp_path, {"db": {"connector": connector}})
    assert list(load_definitions(config).models) == (["Foo"] if tables else [])


def overlaid_app(root: Path, overlays: dict, datasources: dict | None = None) -> Path:
    """Foo on `db` (PostgreSQL) with `overlays` ({file name: JSON value, or text}) beside the main files."""
    config = app(root, datasources or {"db": {"connector": "postgresql"}})
    for name, body in overlays.items():
        (root / "server" / name).write_text(body if isinstance(body, str) else json.dumps(body))
    return config


@pytest.mark.parametrize("overlay", [
    {"model-config.local.json": {"Foo": {"dataSource": False}}},
    {"model-config.local.json": {"Foo": {"dataSource": ""}}},
    {"model-config.development.json": {"Foo": {"dataSource": False}}},
    {"datasources.local.json": {"db": {"connector": "memory"}}},
    {"datasources.development.json": {"db": {"connector": "mongodb"}}},
])
def test_an_overlay_that_detaches_the_model_leaves_no_table(tmp_path, overlay):
    loaded = load_definitions(overlaid_app(tmp_path, overlay), env="development")
    assert loaded.models == {} and loaded.warnings == []


def test_an_overlay_moves_a_datasource_to_another_connector(tmp_path):
    config = overlaid_app(tmp_path, {"datasources.local.json": {"db": {"connector": "mysql", "host": HOSTILE}}},
                          datasources={"db": {"connector": "memory", "host": "x"}})
    loaded = load_definitions(config, env="development")
    assert loaded.datasources == {"db": "mysql"} and list(loaded.models) == ["Foo"]


def test_an_overlay_adds_a_model_and_a_datasource(tmp_path):
    config = overlaid_app(tmp_path, {"model-config.local.json": {"Bar": {"dataSource": "extra"}},
                                     "datasources.local.json": {"extra": {"connector": "sqlite3"}}})
    (tmp_path / "common" / "models" / "bar.json").write_text(json.dumps({"name": "Bar", "properties": {}}))
    loaded = load_definitions(config, env="development")
    assert list(loaded.models) == ["Foo", "Bar"] and loaded.models["Bar"].datasource == "extra"
    assert loaded.datasources == {"db": "postgresql", "extra": "sqlite3"} and loaded.warnings == []


@pytest.mark.parametrize("env, tables", [("production", False), ("development", True), ("staging", True)])
def test_an_env_overlay_applies_only_in_its_environment(tmp_path, env, tables):
    config = overlaid_app(tmp_path, {"datasources.production.json": {"db": {"connector": "memory"}}})
    assert list(load_definitions(config, env=env).models) == (["Foo"] if tables else [])


@pytest.mark.parametrize("node_env, tables", [("production", False), (None, True), ("", True)])
def test_without_env_the_environment_variable_node_env_chooses_as_in_loopback_boot(tmp_path, monkeypatch,
                                                                                  node_env, tables):
    if node_env is None:
        monkeypatch.delenv("NODE_ENV", raising=False)
    else:
        monkeypatch.setenv("NODE_ENV", node_env)  # "" is unset for loopback-boot: "development"
    config = overlaid_app(tmp_path, {"datasources.production.json": {"db": {"connector": "memory"}},
                                     "datasources.development.json": {"db": {"connector": "postgresql"}}})
    assert list(load_definitions(config).models) == (["Foo"] if tables else [])


@pytest.mark.parametrize("local, env, tables", [("memory", "postgresql", True), ("postgresql", "memory", False)])
def test_the_env_overlay_is_merged_after_the_local_one(tmp_path, local, env, tables):
    config = overlaid_app(tmp_path, {"datasources.local.json": {"db": {"connector": local}},
                                     "datasources.test.json": {"db": {"connector": env}}})
    loaded = load_definitions(config, env="test")
    assert loaded.datasources == {"db": env} and list(loaded.models) == (["Foo"] if tables else [])


@pytest.mark.parametrize("overlay, why", [
    ('{"Foo": {"dataSource": "db"', "invalid JSON at line 1"),
    ('{"db": {"connector": NaN}}', "NaN is not JSON"),
    ("[]", "an overlay of datasources.json must be a JSON object"),
    ('"memory"', "an overlay of datasources.json must be a JSON object"),
    (b"\xff{}", "not UTF-8 text"),
    ('{"db": "memory"}', '"db" is a string in the overlay but an object before it'),
    ('{"db": {"connector": ["memory"]}}', '"db.connector" is a list in the overlay but a string before it'),
    ('{"db": {"connector": null}}', '"db.connector" is null in the overlay but a string before it'),
])
def test_an_overlay_loopback_boot_cannot_read_or_merge_is_a_problem_naming_it(tmp_path, overlay, why):
    config = overlaid_app(tmp_path, {})
    overlay_file = tmp_path / "server" / "datasources.local.json"
    overlay_file.write_bytes(overlay if isinstance(overlay, bytes) else overlay.encode())
    with pytest.raises(DefinitionError) as caught:
        load_definitions(config, env="development")
    (problem,) = caught.value.problems
    assert problem.path == overlay_file and why in problem.message, str(problem)


def test_null_over_a_datasource_name_is_refused_as_loopback_boot_refuses_it(tmp_path):
    """loopback-boot's hasCompatibleType: null (typeof "object") may not replace a string; LoopBack does not
    boot ("Cannot merge values of incompatible types for the option `Foo.dataSource`"). false detaches."""
    config = overlaid_app(tmp_path, {"model-config.local.json": {"Foo": {"dataSource": None}}})
    with pytest.raises(DefinitionError) as caught:
        load_definitions(config, env="development")
    (problem,) = caught.value.problems
    assert problem.path == tmp_path / "server" / "model-config.local.json"
    assert '"Foo.dataSource" is null in the overlay but a string before it' in problem.message


def test_a_fifo_overlay_is_a_problem_not_a_hang(tmp_path):
    config = overlaid_app(tmp_path, {})
    fifo = tmp_path / "server" / "model-config.local.json"
    os.mkfifo(fifo)
    with pytest.raises(DefinitionError) as caught:
        load_definitions(config, env="development")
    (problem,) = caught.value.problems
    assert problem.path == fifo and "not a regular file" in problem.message


def test_an_overlay_over_the_size_limit_is_refused_unread(tmp_path):
    config = overlaid_app(tmp_path, {"datasources.development.json": ""})
    huge = tmp_path / "server" / "datasources.development.json"
    os.truncate(huge, sourcefs.MAX_FILE_BYTES + 1)  # sparse: no disk used, and the size is all that is read
    with pytest.raises(DefinitionError) as caught:
        load_definitions(config, env="development")
    (problem,) = caught.value.problems
    assert problem.path == huge and f"at most {sourcefs.MAX_FILE_BYTES} bytes" in problem.message


def test_a_key_written_twice_in_an_overlay_is_w004_naming_it(tmp_path):
    config = overlaid_app(tmp_path, {"datasources.local.json":
                                     '{"db": {"connector": "postgresql", "connector": "memory"}}'})
    loaded = load_definitions(config, env="development")
    assert loaded.models == {}  # the last value, as in LoopBack
    assert [(w.code, w.path.name) for w in loaded.warnings] == [("lbsync.W004", "datasources.local.json")]


@pytest.mark.parametrize("script, shadowed", [
    ("model-config.local.js", None), ("datasources.development.js", None),
    ("datasources.local.js", "datasources.local.json"),
])
def test_a_js_overlay_is_not_applied_and_is_named_in_a_warning(tmp_path, script, shadowed):
    overlays = {script: "module.exports = {Foo: {dataSource: false}};"}
    if shadowed:  # loopback-boot reads the .js and ignores the .json beside it: so do we
        overlays[shadowed] = {"db": {"connector": "memory"}}
    loaded = load_definitions(overlaid_app(tmp_path, overlays), env="development")
    assert list(loaded.models) == ["Foo"]
    (warning,) = loaded.warnings
    assert warning.code == "lbsync.W013" and warning.path == tmp_path / "server" / script
    assert "not applied" in warning.message and "does not run code" in warning.message
    assert (shadowed in warning.message) if shadowed else "beside it" not in warning.message


def test_overlays_of_a_missing_datasources_json_are_not_applied_as_in_loopback_boot(tmp_path):
    config = overlaid_app(tmp_path, {"datasources.local.json": {"db": {"connector": "memory"}}})
    (tmp_path / "server" / "datasources.json").unlink()
    loaded = load_definitions(config, env="development")
    assert list(loaded.models) == ["Foo"] and loaded.datasources == {}
    (warning,) = loaded.warnings
    assert warning.code == "lbsync.W013" and warning.path.name == "datasources.local.json"
    assert "datasources.json is missing" in warning.message


@pytest.mark.parametrize("env", ["../etc", "a/b", "a\\b", "x\0y", "", 3])
def test_an_env_that_is_no_plain_name_is_refused(tmp_path, env):
    with pytest.raises(ConfigurationError, match="env must be"):
        load_definitions(overlaid_app(tmp_path, {}), env=env)


def test_a_problem_in_a_model_entry_names_the_overlay_that_wrote_it(tmp_path):
    config = overlaid_app(tmp_path, {"model-config.local.json": {"Foo": {"dataSource": "db", "base": "User"},
                                                                 "Ghost": {"dataSource": "db"}}})
    with pytest.raises(DefinitionError) as caught:
        load_definitions(config, env="development")
    local = tmp_path / "server" / "model-config.local.json"
    assert sorted((p.model, p.path) for p in caught.value.problems) == [("Foo", local), ("Ghost", local)]


def test_w006_counts_the_datasources_the_overlays_define(tmp_path):
    config = overlaid_app(tmp_path, {"model-config.local.json": {"Foo": {"dataSource": "extra"}},
                                     "datasources.local.json": {"extra": {"connector": "postgresql"}}})
    assert load_definitions(config, env="development").warnings == []
    (tmp_path / "server" / "datasources.local.json").unlink()
    (warning,) = load_definitions(config, env="development").warnings
    assert warning.code == "lbsync.W006" and warning.path.name == "model-config.local.json"


@pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)
def test_automigrate_makes_the_tables_loopback_boots_with(live, settings, tmp_path):
    """Foo, Bar and Baz in model-config.json; the local overlay detaches Bar, the production overlay moves
    Baz's datasource to memory. Judged by the database's own catalog (tests/live_schema.py)."""
    config = overlaid_app(tmp_path, {
        "model-config.local.json": {"Bar": {"dataSource": False}},
        "datasources.production.json": {"side": {"connector": "memory"}},
    }, datasources={"db": {"connector": "postgresql"}, "side": {"connector": "mysql"}})
    for name in ("Bar", "Baz"):
        (tmp_path / "common" / "models" / f"{name.lower()}.json").write_text(json.dumps(
            {"name": name, "properties": {"label": "string"}}))
    config.write_text(json.dumps({"_meta": {"sources": ["../common/models"]}, "Foo": {"dataSource": "db"},
                                  "Bar": {"dataSource": "db"}, "Baz": {"dataSource": "side"}}))
    before = set(tables(live))

    def made_by_automigrate(node_env: str) -> set[str]:
        settings.LBSYNC = {"MODELS": str(config), "DATASOURCES": {"db": live, "side": live}, "NODE_ENV": node_env}
        call_command("automigrate", "--noinput", database=live, stdout=StringIO(), stderr=StringIO())
        return {name.lower() for name in set(tables(live)) - before}

    assert made_by_automigrate("production") == {"foo"}
    assert made_by_automigrate("development") == {"foo", "baz"}


# -- the merge itself: loopback-boot's mergeObjects (lib/config-loader.js in 2.x, lib/plugin-base.js in 3.x) ---
# Each expected value below was produced by loopback-boot 2.28.0 and 3.3.1 themselves on the same files.

@pytest.mark.parametrize("main, overlay, merged", [
    ({"a": {"x": 1, "y": 2}}, {"a": {"y": 3, "z": 4}}, {"a": {"x": 1, "y": 3, "z": 4}}),  # deep merge
    ({"a": [1, {"p": 1}]}, {"a": [5, {"q": 2}]}, {"a": [5, {"p": 1, "q": 2}]}),  # item by item
    ({"a": {"x": 1}}, {"a": None}, {"a": None}),  # null replaces an object
    ({"a": {"x": 1}}, {"a": [7]}, {"a": {"x": 1, "0": 7}}),  # a list into an object: keys "0", "1", ...
    ({"a": None}, {"a": {}}, {"a": None}),  # merged *into* null: nothing to merge, null stays
    ({"a": None}, {"a": 5}, {"a": None}),
    ({"a": "x"}, {"a": 5}, {"a": 5}),  # scalars replace scalars of any kind
    ({}, {"a": [1]}, {"a": [1]}),
])
def test_merge_rules(main, overlay, merged):
    assert merge_over(main, overlay) is None and main == merged


@pytest.mark.parametrize("main, overlay, why", [
    ({"a": [1, 2]}, {"a": [1]}, "list of 1 items in the overlay but of 2"),
    ({"a": [1]}, {"a": {"0": 1}}, "an object in the overlay but a list"),
    ({"a": "x"}, {"a": {"b": 1}}, "an object in the overlay but a string"),
    ({"a": 1}, {"a": None}, "null in the overlay but a number"),
    ({"a": None}, {"a": {"b": 1}}, "null before the overlay"),
    ({"a": None}, {"a": "db"}, "null before the overlay"),
])
def test_merges_loopback_boot_refuses(main, overlay, why):
    assert why in merge_over(main, overlay)


@pytest.mark.parametrize("connector", [["postgresql"], 5, {"name": "postgresql"}, True])
def test_a_connector_that_is_not_a_name_is_refused_naming_the_datasource(tmp_path, connector):
    """Read as text, a list or a number named no SQL connector and the datasource's models silently got no table;
    LoopBack's boot fails on it. A definition error naming datasources.json and the datasource."""
    from django_lbsync.exceptions import DefinitionError

    config = app(tmp_path, {"db": {"connector": connector}})
    with pytest.raises(DefinitionError) as raised:
        load_definitions(config)
    (problem,) = raised.value.problems
    assert str(problem.path).endswith("datasources.json") and 'datasource "db"' in problem.message, problem
    assert '"connector" must be a connector name' in problem.message


@pytest.mark.parametrize("connector", [None, "", "memory", "loopback-connector-postgresql"])
def test_a_missing_or_named_connector_is_read_as_before(tmp_path, connector):
    config = app(tmp_path, {"db": {"connector": connector}} if connector is not None else {"db": {}})
    loaded = load_definitions(config)
    assert loaded.datasources == {"db": connector or ""}
