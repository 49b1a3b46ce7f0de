"""`"connector": "${NAME}"` in datasources.json, resolved as loopback-boot resolves it when the app boots
(docs/loopback-rules/boot-config.md#dynamic-values): the environment variable, else config.json's key, else
unknown (counted as SQL, with lbsync.W014). Read as text before, such a datasource named no SQL connector and its
models silently got no table, where the app boots them on PostgreSQL or MySQL."""
from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from django_lbsync import api
from django_lbsync.datasources import sql_datasources
from django_lbsync.exceptions import DefinitionError
from django_lbsync.loader import load_definitions

from .live_schema import tables
from .test_attack_datasources import app

VARIABLE = "LBSYNC_TEST_CONNECTOR"


def loaded_tables(config: Path, env: str = "development") -> tuple[bool, list]:
    """(does Foo get a table, the loader's warnings as (code, message))."""
    loaded = load_definitions(config, env=env)
    return list(loaded.models) == ["Foo"], [(w.code, w.message) for w in loaded.warnings]


# (written connector, environment value or None for unset, config.json or None for none) -> table?, W014?
CASES = [
    ("${%s}", "postgresql", None, True, False),
    ("${%s}", "memory", None, False, False),
    ("${%s}", "loopback-connector-mysql", None, True, False),
    # Nothing is spliced: a string ending in ${NAME} is the variable's value alone.
    ("loopback-connector-${%s}", "mysql", None, True, False),
    ("memory-${%s}", "oracle", None, True, False),
    ("postgresql-${%s}", "mongodb", None, False, False),
    # Not at the end, or not a name: the text as written (no SQL connector is named so).
    ("${%s}-x", "postgresql", None, False, False),
    ("${%s} ", "postgresql", None, False, False),
    ("$%s", "postgresql", None, False, False),
    # Unset, or set to nothing: unknown, counted as SQL, with W014.
    ("${%s}", None, None, True, True),
    ("${%s}", "", None, True, True),
    # config.json (app.get) when the environment does not have it; the environment first.
    ("${%s}", None, {"%s": "mongodb"}, False, False),
    ("${%s}", None, {"%s": "postgresql"}, True, False),
    ("${%s}", "postgresql", {"%s": "memory"}, True, False),
    ("${%s}", None, {"%s": None}, True, True),
    ("${%s}", None, {"%s": False}, True, True),
    ("${%s}", None, {"other": "memory"}, True, True),
]


@pytest.mark.parametrize("written, environment, config, table, warned", CASES)
def test_a_dynamic_connector_is_resolved_as_loopback_boot_resolves_it(tmp_path, monkeypatch, written, environment,
                                                                         config, table, warned):
    if environment is None:
        monkeypatch.delenv(VARIABLE, raising=False)
    else:
        monkeypatch.setenv(VARIABLE, environment)
    extra = {"config.json": json.loads(json.dumps(config).replace("%s", VARIABLE))} if config is not None else None
    model_config = app(tmp_path, {"db": {"connector": written % VARIABLE}}, extra)
    made, warnings = loaded_tables(model_config)
    assert made is table
    w014 = [message for code, message in warnings if code == "lbsync.W014"]
    assert bool(w014) is warned, warnings
    if warned:
        (message,) = w014
        assert 'datasource "db"' in message and VARIABLE in message and "taken as SQL" in message


def test_w014_names_the_file_that_wrote_the_connector(tmp_path, monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    model_config = app(tmp_path, {"db": {"connector": "postgresql"}},
                       {"datasources.production.json": {"db": {"connector": "${%s}" % VARIABLE}}})
    loaded = load_definitions(model_config, env="production")
    (warning,) = [w for w in loaded.warnings if w.code == "lbsync.W014"]
    assert warning.path.name == "datasources.production.json"
    assert load_definitions(model_config, env="development").warnings == []


def test_w014_names_the_file_that_wrote_the_connector_not_the_last_overlay_of_the_datasource(tmp_path, monkeypatch):
    """An overlay that merges other settings into the datasource (its host) did not write the connector: the
    warning names the file whose "${NAME}" it is about."""
    monkeypatch.delenv(VARIABLE, raising=False)
    model_config = app(tmp_path, {"db": {"connector": "${%s}" % VARIABLE, "host": "a"}},
                       {"datasources.local.json": {"db": {"host": "b"}}})
    (warning,) = [w for w in load_definitions(model_config).warnings if w.code == "lbsync.W014"]
    assert warning.path.name == "datasources.json"


def test_a_value_that_is_no_connector_name_names_the_config_file_that_set_it(tmp_path, monkeypatch):
    """datasources.json holds a string there ("${NAME}"): the object is config.json's (or its overlay's), and the
    problem says so, naming the datasource and the variable (and calls it an object, not a number)."""
    monkeypatch.delenv(VARIABLE, raising=False)
    model_config = app(tmp_path, {"db": {"connector": "${%s}" % VARIABLE}},
                       {"config.json": {"other": 1}, "config.local.json": {VARIABLE: {"a": 1}}})
    with pytest.raises(DefinitionError) as raised:
        load_definitions(model_config)
    (problem,) = raised.value.problems
    assert problem.path.name == "config.local.json", problem
    assert 'datasource "db"' in problem.message and VARIABLE in problem.message and "a JSON object" in problem.message


def test_a_connector_written_as_an_object_is_called_an_object(tmp_path):
    model_config = app(tmp_path, {"db": {"connector": {"a": 1}}})
    with pytest.raises(DefinitionError) as raised:
        load_definitions(model_config)
    (problem,) = raised.value.problems
    assert "got object" in problem.message, problem


@pytest.mark.parametrize("content", ["null", '"memory"', "1", "true", "[\"memory\"]"])
def test_a_config_json_that_is_no_object_is_refused_when_a_variable_needs_it(tmp_path, monkeypatch, content):
    """loopback-boot fails on a config.json that is no object (it cannot mark it with its file name); the other
    files read here refuse an array too. Not taken silently as one that does not set the variable."""
    monkeypatch.delenv(VARIABLE, raising=False)
    model_config = app(tmp_path, {"db": {"connector": "${%s}" % VARIABLE}})
    (model_config.parent / "config.json").write_text(content)
    for load in (load_definitions, sql_datasources):
        with pytest.raises(DefinitionError) as raised:
            load(model_config)
        assert [p.path.name for p in raised.value.problems] == ["config.json"], raised.value.problems
        assert "must be a JSON object" in str(raised.value)
    monkeypatch.setenv(VARIABLE, "postgresql")  # not asked
    assert loaded_tables(model_config) == (True, [])


def test_config_json_overlays_apply_to_app_get(tmp_path, monkeypatch):
    """app.get answers config.json with config.local.json and config.<env>.json merged over it."""
    monkeypatch.delenv(VARIABLE, raising=False)
    model_config = app(tmp_path, {"db": {"connector": "${%s}" % VARIABLE}},
                       {"config.json": {VARIABLE: "memory"}, "config.production.json": {VARIABLE: "postgresql"}})
    assert loaded_tables(model_config, env="production") == (True, [])
    assert loaded_tables(model_config, env="development") == (False, [])


def test_a_value_that_is_no_connector_name_is_refused_naming_the_datasource(tmp_path, monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    model_config = app(tmp_path, {"db": {"connector": "${%s}" % VARIABLE}}, {"config.json": {VARIABLE: {"a": 1}}})
    with pytest.raises(DefinitionError) as raised:
        load_definitions(model_config)
    (problem,) = raised.value.problems
    assert problem.path.name == "config.json" and 'datasource "db"' in problem.message


def test_config_json_is_read_only_when_a_variable_needs_it(tmp_path, monkeypatch):
    """A config.json the app boots with (comments, JavaScript-only syntax) is no business of the schema's until a
    connector asks for one of its keys; then its problem names it."""
    monkeypatch.delenv(VARIABLE, raising=False)
    model_config = app(tmp_path, {"db": {"connector": "postgresql"}})
    (model_config.parent / "config.json").write_text("{not json")
    assert loaded_tables(model_config) == (True, [])
    monkeypatch.setenv(VARIABLE, "postgresql")
    model_config.with_name("datasources.json").write_text(json.dumps({"db": {"connector": "${%s}" % VARIABLE}}))
    assert loaded_tables(model_config) == (True, [])  # the environment answers: config.json is not read
    monkeypatch.delenv(VARIABLE)
    with pytest.raises(DefinitionError) as raised:
        load_definitions(model_config)
    assert [p.path.name for p in raised.value.problems] == ["config.json"]


def test_a_datasource_name_in_model_config_is_never_resolved(tmp_path, monkeypatch):
    """loopback-boot resolves ${NAME} in datasources (and middleware, components), not in model-config.json: a
    model attached to "${DS}" is attached to a datasource of that name."""
    monkeypatch.setenv(VARIABLE, "db")
    model_config = app(tmp_path, {"db": {"connector": "postgresql"}})
    model_config.write_text(json.dumps({"_meta": {"sources": ["../common/models"]},
                                        "Foo": {"dataSource": "${%s}" % VARIABLE}}))
    loaded = load_definitions(model_config)
    assert loaded.for_datasources(["db"]) == []
    assert [w.code for w in loaded.warnings] == ["lbsync.W006"]


def test_sql_datasources_resolves_them_too(tmp_path, monkeypatch):
    model_config = app(tmp_path, {"db": {"connector": "${%s}" % VARIABLE}, "side": {"connector": "memory"},
                                  "other": {"connector": "loopback-connector-${%s}" % VARIABLE}})
    monkeypatch.setenv(VARIABLE, "mysql")
    assert sql_datasources(model_config) == ["db", "other"]
    monkeypatch.setenv(VARIABLE, "mongodb")
    assert sql_datasources(model_config) == []
    monkeypatch.delenv(VARIABLE)
    assert sql_datasources(model_config) == ["db", "other"]  # unknown: SQL


def test_the_cached_schema_follows_the_variable(tmp_path, monkeypatch, settings):
    """The variable is in the witness (sourcefs.environ): a desired schema kept while it named PostgreSQL is not
    taken once it names memory, and back."""
    model_config = app(tmp_path, {"db": {"connector": "${%s}" % VARIABLE}})
    lbsync = {"MODELS": str(model_config), "CACHE_DIR": str(tmp_path / "cache")}
    with override_settings(LBSYNC=lbsync):
        for value, expected in [("postgresql", ["Foo"]), ("memory", []), ("postgresql", ["Foo"]), ("memory", [])]:
            monkeypatch.setenv(VARIABLE, value)
            assert [t.name for t in api.desired_schema().tables.values()] == expected, value
            assert [m.name for m in api.attached_models()] == expected, value
            assert api.loader_warnings() == []
        monkeypatch.delenv(VARIABLE)
        assert [w.code for w in api.loader_warnings()] == ["lbsync.W014"]


# -- the space of written values: never a crash, never anything but the spec's answer ---------------------------

_SPEC = re.compile(r"\$\{([A-Za-z0-9_]+)\}$")  # as loopback-boot's DYNAMIC_CONFIG_PARAM, without re's \n quirk
SQL = {"postgresql", "mysql", "oracle", "mssql", "sqlite3", "sqlite"}


def expected_table(written: str, environment: dict[str, str]) -> bool:
    """The spec, written out again here (docs/loopback-rules/boot-config.md#dynamic-values)."""
    match = _SPEC.search(written) if not written.endswith("\n") else None
    connector = written
    if match:
        connector = environment.get(match.group(1)) or ""
    return connector == "" or connector.removeprefix("loopback-connector-") in SQL


pieces = st.sampled_from(["${A}", "${B_1}", "${}", "${A-B}", "$", "{", "}", "postgresql", "loopback-connector-",
                          "memory", "-", " ", "\n", "é", "${é}", "'; DROP TABLE x; --"])


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(written=st.lists(pieces, max_size=5).map("".join),
       a=st.sampled_from([None, "", "postgresql", "memory", "loopback-connector-mysql", "${B_1}"]),
       b=st.sampled_from([None, "oracle", "mongodb"]))
def test_any_written_value_gets_the_specs_answer(tmp_path_factory, monkeypatch, written, a, b):
    environment = {k: v for k, v in {"A": a, "B_1": b}.items() if v is not None}
    with monkeypatch.context() as patched:
        for name in ("A", "B_1"):
            patched.delenv(name, raising=False)
        for name, value in environment.items():
            patched.setenv(name, value)
        model_config = app(tmp_path_factory.mktemp("app"), {"db": {"connector": written}})
        made, _ = loaded_tables(model_config)
    assert made is expected_table(written, environment), (written, environment)


# -- live: the tables LoopBack boots with -----------------------------------------------------------------------

pytestmark_live = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


@pytestmark_live
def test_automigrate_makes_the_table_when_the_variable_names_a_sql_connector(live, settings, tmp_path, monkeypatch):
    model_config = app(tmp_path, {"db": {"connector": "${%s}" % VARIABLE}})
    settings.LBSYNC = {"MODELS": str(model_config), "DATASOURCES": {"db": live}, "CACHE_DIR": str(tmp_path / "c")}
    before = {name.lower() for name in tables(live)}

    def made(value: str) -> set[str]:
        monkeypatch.setenv(VARIABLE, value)
        call_command("automigrate", "--noinput", database=live, stdout=StringIO(), stderr=StringIO())
        return {name.lower() for name in tables(live)} - before

    with pytest.raises(CommandError, match="No LoopBack models are attached"):
        made("memory")  # the app boots Foo on the memory connector: no table, and the command says why
    assert {name.lower() for name in tables(live)} == before
    assert made("postgresql") == {"foo"}  # which SQL connector it names does not matter: the alias decides


def test_w014_shows_long_values_cut(tmp_path, monkeypatch):
    """The written value, the variable and its value come from files and the environment: shown as JSON (control
    characters escaped), each cut at 80 characters, not a 16 MB message."""
    name = "V" * 5000
    monkeypatch.setenv(name, "")
    model_config = app(tmp_path, {"db": {"connector": "\x1b[31m" + "x" * 100_000 + "${%s}" % name}})
    made, warnings = loaded_tables(model_config)
    (message,) = [m for code, m in warnings if code == "lbsync.W014"]
    assert made and len(message) < 700 and "\x1b" not in message and "\\u001b" in message, message
