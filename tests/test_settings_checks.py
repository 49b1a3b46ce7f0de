"""Settings mistakes are named by system checks (lbsync.E002-E005) and by the commands (exit 2), never
passed over in silence (issue 12)."""
from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError

from django_lbsync import conf
from django_lbsync.checks import check_definitions, check_settings
from django_lbsync.exceptions import ConfigurationError

from .conftest import FIXTURES, offline_aliases_configured


def ids(messages) -> list[tuple[str, str]]:
    return [(m.id, m.msg) for m in messages]


def test_a_correct_configuration_has_no_problem(settings):
    settings.LBSYNC = {"MODELS": str(FIXTURES / "customer_v1"), "DATASOURCES": {"db": "default"},
                       "CONNECT_TIMEOUT": 5, "CHECK_DATABASES": False}
    assert check_settings() == []


def test_no_lbsync_setting_is_not_an_error_of_the_checks(settings):
    del settings.LBSYNC
    assert check_settings() == [] and check_definitions() == []


@pytest.mark.parametrize("key, suggestion", [("MODEL", "MODELS"), ("DATASOURCE", "DATASOURCES"),
                                             ("models", "MODELS"), ("CONNECT_TIMOUT", "CONNECT_TIMEOUT")])
def test_an_unknown_key_is_e002_with_did_you_mean(settings, key, suggestion):
    settings.LBSYNC = {"MODELS": str(FIXTURES / "customer_v1"), key: "x"}
    (problem,) = check_settings()
    assert problem.id == "lbsync.E002" and repr(key) in problem.msg and problem.hint == f"did you mean {suggestion!r}?"


def test_a_mistyped_models_key_is_reported_twice_as_what_it_is(settings):
    settings.LBSYNC = {"MODEL": str(FIXTURES / "customer_v1")}
    assert [p.id for p in check_settings()] == ["lbsync.E002", "lbsync.E003"]
    assert check_definitions() == []  # nothing to load: the settings errors say why


@pytest.mark.parametrize("value, needle", [
    (["a", "b"], "must be a dict, not list"),
    ("path/to/models", "must be a dict, not str"),
])
def test_lbsync_that_is_not_a_dict_is_e003_not_a_traceback(settings, value, needle):
    settings.LBSYNC = value
    (problem,) = check_settings()
    assert problem.id == "lbsync.E003" and needle in problem.msg
    with pytest.raises(ConfigurationError, match=needle):
        conf.model_sources()


@pytest.mark.parametrize("key, value, needle", [
    ("MODELS", 42, '["MODELS"] must be a path'),
    ("MODELS", [str(FIXTURES), 3], '["MODELS"] must be a path'),
    ("DATASOURCES", ["db"], "must map datasource names"),
    ("DATASOURCES", {"db": 1}, "must map datasource names"),
    ("CONNECT_TIMEOUT", "soon", "CONNECT_TIMEOUT"),
    ("CONNECT_TIMEOUT", float("nan"), "CONNECT_TIMEOUT"),
    ("CHECK_DATABASES", "yes", "CHECK_DATABASES"),
    ("ORACLE_MAX_STRING_SIZE", "HUGE", "ORACLE_MAX_STRING_SIZE"),
    ("DDL_CONNECTIONS", 0, '["DDL_CONNECTIONS"] must be from 1 to 16, not 0'),
    ("DDL_CONNECTIONS", -1, '["DDL_CONNECTIONS"] must be from 1 to 16, not -1'),
    ("DDL_CONNECTIONS", 17, '["DDL_CONNECTIONS"] must be from 1 to 16, not 17'),
    ("DDL_CONNECTIONS", "4", '["DDL_CONNECTIONS"] must be a whole number'),
    ("DDL_CONNECTIONS", True, '["DDL_CONNECTIONS"] must be a whole number'),
    ("NODE_ENV", "", '["NODE_ENV"] must be a non-empty string'),
    ("NODE_ENV", None, '["NODE_ENV"] must be a non-empty string'),
    ("NODE_ENV", 3, '["NODE_ENV"] must be a non-empty string'),
    ("NODE_ENV", "../prod", '["NODE_ENV"] must be a plain name'),
    ("NODE_ENV", "a\\b", '["NODE_ENV"] must be a plain name'),
    ("NODE_ENV", "x\0", '["NODE_ENV"] must be a plain name'),
])
def test_a_value_of_the_wrong_type_is_e003(settings, key, value, needle):
    settings.LBSYNC = {"MODELS": str(FIXTURES / "customer_v1"), key: value}
    problems = check_settings()
    assert [p.id for p in problems] == ["lbsync.E003"] and needle in problems[0].msg


def test_an_alias_typo_is_e004_naming_datasource_and_alias(settings):
    settings.LBSYNC = {"MODELS": str(FIXTURES / "customer_v1"), "DATASOURCES": {"db": "defualt"}}
    (problem,) = check_settings()
    assert problem.id == "lbsync.E004" and "'db'" in problem.msg and "'defualt'" in problem.msg
    assert problem.hint == "did you mean 'default'?"


def test_a_missing_path_is_e005(settings, tmp_path):
    settings.LBSYNC = {"MODELS": [str(FIXTURES / "customer_v1"), str(tmp_path / "nope")]}
    (problem,) = check_settings()
    assert problem.id == "lbsync.E005" and str(tmp_path / "nope") in problem.msg


def test_a_relative_path_is_resolved_against_base_dir(settings):
    settings.BASE_DIR = FIXTURES.parent
    settings.LBSYNC = {"MODELS": "fixtures/customer_v1"}
    assert conf.model_sources() == [FIXTURES / "customer_v1"]
    assert check_settings() == []
    settings.LBSYNC = {"MODELS": "fixtures/nope"}
    assert [p.id for p in check_settings()] == ["lbsync.E005"]


def test_a_relative_path_without_base_dir_is_refused_with_a_hint(settings, monkeypatch):
    monkeypatch.delattr(settings, "BASE_DIR", raising=False)
    settings.LBSYNC = {"MODELS": "server/model-config.json"}
    with pytest.raises(ConfigurationError, match="relative and settings define no BASE_DIR.*BASE_DIR / 'server/model"):
        conf.model_sources()
    assert [p.id for p in check_settings()] == ["lbsync.E005"]


def test_the_commands_refuse_a_bad_setting_with_exit_2(settings):
    settings.LBSYNC = ["not", "a", "dict"]
    with pytest.raises(CommandError) as caught:
        call_command("automigrate", "--sql", "--assume-empty", stdout=StringIO())
    assert caught.value.returncode == 2 and "settings.LBSYNC must be a dict" in str(caught.value)


def test_manage_py_check_reports_them(settings):
    settings.LBSYNC = {"MODEL": str(FIXTURES / "customer_v1"), "DATASOURCES": {"db": "defualt"}}
    with pytest.raises(SystemCheckError) as caught:  # errors stop `check`
        call_command("check", stdout=StringIO(), stderr=StringIO())
    text = str(caught.value)
    assert "lbsync.E002" in text and "lbsync.E003" in text and "lbsync.E004" in text


def test_every_setting_the_code_reads_is_a_known_key():
    """A key the code reads but the checks call unknown would make a correct setting an error (E002)."""
    import re

    from django_lbsync import conf as conf_module

    package = Path(conf_module.__file__).parent
    read = set()
    for path in package.rglob("*.py"):
        text = path.read_text()
        read |= set(re.findall(r'(?:lbsync_setting|_lbsync_setting)\(\s*"([A-Z_]+)"', text))
        read |= set(re.findall(r'_lbsync\(\)\.get\(\s*"([A-Z_]+)"', text))
        read |= set(re.findall(r'LBSYNC\["([A-Z_]+)"\]', text))
    assert read, "found no setting reads: the scan is broken"
    assert read <= set(conf_module.KNOWN_KEYS), sorted(read - set(conf_module.KNOWN_KEYS))


def test_node_env_is_the_setting_else_the_environment_else_development(settings, monkeypatch):
    settings.LBSYNC = {"MODELS": str(FIXTURES / "customer_v1")}
    monkeypatch.delenv("NODE_ENV", raising=False)
    assert conf.node_env() == "development"
    monkeypatch.setenv("NODE_ENV", "")  # empty is unset, as `process.env.NODE_ENV || "development"` reads it
    assert conf.node_env() == "development"
    monkeypatch.setenv("NODE_ENV", "staging")
    assert conf.node_env() == "staging"
    settings.LBSYNC = {"MODELS": str(FIXTURES / "customer_v1"), "NODE_ENV": "production"}
    assert conf.node_env() == "production" and check_settings() == []


def test_a_node_env_variable_that_names_no_file_is_e003_and_refused_by_the_commands(settings, monkeypatch):
    settings.LBSYNC = {"MODELS": str(FIXTURES / "customer_v1")}
    monkeypatch.setenv("NODE_ENV", "../../etc")
    (problem,) = check_settings()
    assert problem.id == "lbsync.E003" and "environment variable NODE_ENV must be a plain name" in problem.msg
    with pytest.raises(CommandError) as caught:
        call_command("automigrate", "--sql", "--assume-empty", stdout=StringIO())
    assert caught.value.returncode == 2 and "NODE_ENV must be a plain name" in str(caught.value)
    settings.LBSYNC = {"MODELS": str(FIXTURES / "customer_v1"), "NODE_ENV": "production"}  # the setting wins
    assert check_settings() == []


@offline_aliases_configured("oracle")
def test_the_setting_chooses_the_overlay_the_commands_and_checks_apply(settings, tmp_path):
    """Rendered for the offline Oracle alias (--sql --assume-empty: nothing connects)."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "foo.json").write_text('{"name": "Foo", "properties": {"a": "string"}}')
    (tmp_path / "model-config.json").write_text('{"_meta": {"sources": ["./models"]}, "Foo": {"dataSource": "db"}}')
    (tmp_path / "datasources.json").write_text('{"db": {"connector": "sqlite3"}}')
    (tmp_path / "datasources.qa.json").write_text('{"db": {"connector": "memory"}}')
    (tmp_path / "model-config.qa.js").write_text("module.exports = {};")
    settings.LBSYNC = {"MODELS": str(tmp_path / "model-config.json"), "DATASOURCES": {"db": "oracle"},
                       "NODE_ENV": "prod"}
    out = StringIO()
    call_command("automigrate", "--sql", "--assume-empty", database="oracle", stdout=out, stderr=StringIO())
    assert "CREATE TABLE" in out.getvalue() and check_definitions() == []
    settings.LBSYNC["NODE_ENV"] = "qa"
    with pytest.raises(CommandError) as caught:  # Foo is on memory now: nothing attached to the database
        call_command("automigrate", "--sql", "--assume-empty", database="oracle", stdout=StringIO(),
                     stderr=StringIO())
    assert caught.value.returncode == 2 and "No LoopBack models are attached" in str(caught.value)
    (warning,) = check_definitions()
    assert warning.id == "lbsync.W013" and "model-config.qa.js" in warning.msg and warning.hint
