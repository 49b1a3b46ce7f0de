"""Property-based fuzzing of the loader and the desired-schema builder (issue 9; DESIGN decision 9).

Random model folders (model JSON, model-config.json, datasources.json; any JSON value in any position,
any string) are loaded with `load_definitions`, and every result is built with `build_schema` for every
vendor and name-length limit. The only outcomes allowed are success, or a `DefinitionError` whose
problems are non-empty strings. Any other exception is a bug. Regressions found are kept as @example.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from django_lbsync.checks import check_definitions
from django_lbsync.desired import build_schema
from django_lbsync.exceptions import DefinitionError
from django_lbsync.loader import load_definitions
from django_lbsync.vendors import VENDORS

from .conftest import offline_aliases_configured

# The strategies' repr is large (nested optional fields); hypothesis warns when it builds it.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

MAX_NAME_LENGTHS = [None, 30, 63, 64, 128]

# -- strings: plain names, LoopBack words, and the hostile ones -----------------------------------

HOSTILE = ['a"b', "a`b", "a]b", "[a]", "a'b", "a\\", "a\nb", "a\x00b", "\x7f", "\u0085", "", " ", ".", "a.b",
           "-- x", "/* x", "; DROP TABLE x", "$now", "now", "_meta", "é", "\U0001f600", "x" * 70]
WORDS = ["id", "name", "Customer", "Order", "User", "Model", "PersistedModel", "string", "number", "boolean",
         "date", "object", "any", "array", "buffer", "geopoint", "String", "Number", "db", "memory", "postgresql",
         "mysql", "sqlite3", "oracle", "mssql", "VARCHAR", "varchar(20)", "int", "INTEGER", "decimal", "enum",
         "text", "TIMESTAMP", "CHARACTER VARYING", "uuid", "CURRENT_TIMESTAMP", "CASCADE", "SET NULL", "unique",
         "belongsTo", "hasMany", "hasOne", "hasAndBelongsToMany", "embedsOne", "referencesMany"]
MODEL_NAMES = ["A", "B", "Customer", "Order", "User", "a", "A\"", "PersistedModel"]

texts = st.one_of(st.sampled_from(WORDS + HOSTILE + MODEL_NAMES), st.text(max_size=8))
names = st.one_of(st.sampled_from(["id", "name", "a", "b", "customerId", "A", "B", "x" * 64] + HOSTILE), texts)
prop_names = st.one_of(st.sampled_from(["id", "name", "a", "b", "aId", "customerId", "x" * 64]), names)
numbers = st.one_of(st.integers(-3, 70), st.integers(), st.floats(allow_nan=True, allow_infinity=True))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                           st.dictionaries(texts, inner, max_size=3)),
                           max_leaves=4)


def shapes(noise: int):
    """Strategies for a model folder. With `noise` n, each position holds a value of the right shape n times
    in n + 1, and any JSON value otherwise: n = 1 explores the loader's checks, a larger n gets past them
    to the builder and the vendors with the hostile leaves."""

    @st.composite
    def maybe(draw, strategy):
        # A weighted choice; st.one_of(*[strategy] * noise) would also do, but its repr grows as noise**depth.
        return draw(strategy) if draw(st.integers(0, noise)) else draw(json_values)

    def objects(fields: dict, merged=None):
        """A dict with some of `fields`, the keys `merged` draws, and (when noisy) sometimes a random key."""
        extra = st.dictionaries(texts, json_values, max_size=1) if noise < 4 else st.just({})
        if merged is not None:
            extra = st.tuples(extra, merged).map(lambda pair: {**pair[0], **pair[1]})
        return st.tuples(st.fixed_dictionaries({}, optional=fields), extra).map(lambda pair: {**pair[1], **pair[0]})

    type_names = maybe(st.one_of(
        st.sampled_from(["string", "number", "boolean", "date", "object", "any", "array", "buffer", "geopoint",
                         "String", "Number", "A", "B", "Customer", "text", "json"]),
        st.lists(st.sampled_from(["string", "number"]), max_size=1)))
    connector_block = objects({
        "columnName": maybe(names), "column": maybe(names), "field": maybe(names), "table": maybe(names),
        "tableName": maybe(names), "schema": maybe(names), "schemaName": maybe(names),
        "dataType": maybe(st.sampled_from(WORDS + HOSTILE) | texts), "dataLength": maybe(numbers),
        "dataPrecision": maybe(numbers), "dataScale": maybe(numbers),
        "nullable": maybe(st.sampled_from(["Y", "N", "YES", "NO", True, False, 0, 1])), "dbDefault": maybe(texts),
        "default": maybe(scalars), "value": maybe(st.lists(texts, max_size=3)),
    })
    # One block under some of the connector keys: every vendor reads its own key, and drawing a block
    # per key would cost five times the generation time for little more variety.
    connector_blocks = st.tuples(
        st.lists(st.sampled_from(["postgresql", "mysql", "sqlite3", "oracle", "mssql"]), unique=True, max_size=5),
        maybe(connector_block)).map(lambda pair: {key: pair[1] for key in pair[0]})
    index_spec = st.one_of(
        st.booleans(),
        objects({"unique": maybe(st.booleans()), "name": maybe(names),
                 "kind": maybe(st.sampled_from(["UNIQUE", "x"]))}),
        objects({"keys": maybe(st.one_of(st.dictionaries(prop_names, st.sampled_from([1, -1, "desc", 0]), max_size=3),
                                         st.lists(prop_names, max_size=3), prop_names)),
                 "options": maybe(objects({"unique": maybe(st.booleans())})), "name": maybe(names)}),
        objects({"columns": maybe(st.one_of(prop_names, st.lists(prop_names, max_size=3))), "kind": maybe(texts)}),
        st.dictionaries(prop_names, st.sampled_from([1, -1]), max_size=3),
        maybe(json_values),
    )
    property_json = st.one_of(
        type_names,
        st.just(False), st.none(),
        objects({"type": type_names, "id": maybe(st.one_of(st.booleans(), numbers, st.just("2"))),
                 "generated": maybe(st.booleans()), "required": maybe(st.booleans()), "default": maybe(scalars),
                 "index": maybe(index_spec), "length": maybe(numbers), "precision": maybe(numbers),
                 "scale": maybe(numbers), "dataType": maybe(st.sampled_from(WORDS + HOSTILE)),
                 "unsigned": maybe(st.booleans()), "useDefaultIdType": maybe(st.booleans()), "name": maybe(names),
                 "jsonSchema": maybe(objects({"enum": maybe(st.lists(texts, max_size=3))})),
                 "nullable": maybe(st.sampled_from(["N", "NO", False, 0]))}, merged=connector_blocks),
    )
    properties = maybe(st.dictionaries(prop_names, property_json, max_size=5))
    relation = objects({
        "type": maybe(st.sampled_from(["belongsTo", "hasMany", "hasOne", "hasAndBelongsToMany", "embedsOne",
                                       "embedsMany", "referencesMany", "x"])),
        "model": maybe(st.sampled_from(MODEL_NAMES + ["Nope"])), "foreignKey": maybe(prop_names),
        "through": maybe(st.sampled_from(MODEL_NAMES)),
        "polymorphic": maybe(st.one_of(st.booleans(), prop_names, objects(
            {"as": maybe(prop_names), "foreignKey": maybe(prop_names), "discriminator": maybe(prop_names)}))),
    })
    foreign_key = objects({"name": maybe(names), "entity": maybe(st.sampled_from(MODEL_NAMES + ["Nope"])),
                           "entityKey": maybe(prop_names), "foreignKey": maybe(prop_names),
                           "onDelete": maybe(st.sampled_from(["CASCADE", "SET NULL", "x"])), "onUpdate": maybe(texts)})
    settings_fields = {
        "base": maybe(st.sampled_from(MODEL_NAMES + ["Model", "PersistedModel", "Nope"])),
        "idInjection": maybe(st.booleans()),
        "relations": maybe(st.dictionaries(names, maybe(relation), max_size=2)),
        "indexes": maybe(st.dictionaries(names, index_spec, max_size=2)),
        "foreignKeys": maybe(st.dictionaries(names, maybe(foreign_key), max_size=2)),
        "hidden": maybe(st.lists(texts, max_size=2)),
    }
    model_body = objects({"properties": properties, "options": maybe(objects(settings_fields, connector_blocks)),
                          **settings_fields}, merged=connector_blocks)
    named_model = st.tuples(maybe(st.sampled_from(MODEL_NAMES)), model_body).map(
        lambda pair: {**pair[1], "name": pair[0]})
    # Tame sets have distinct model names (a duplicate is a problem the wild shapes cover).
    model_set = st.lists(named_model, min_size=1, max_size=4, unique_by=lambda model: json.dumps(model["name"]))

    def file_text(strategy):
        """The file as JSON (NaN and Infinity included, as Python writes them), or raw text or bytes."""
        return maybe(strategy).map(json.dumps) if noise > 3 else st.one_of(
            strategy.map(json.dumps), strategy.map(json.dumps), st.text(max_size=20), st.binary(max_size=20))

    model_config = objects({
        "_meta": maybe(objects({"sources": maybe(st.lists(st.sampled_from(
            ["./", ".", "./models", "models", "loopback/common/models", "../nope", "nope"]), max_size=3))})),
        **{name: maybe(objects({"dataSource": maybe(st.sampled_from(["db", "mem", "other"]) | st.none()),
                                "public": maybe(st.booleans())})) for name in MODEL_NAMES},
    })
    datasources = maybe(st.dictionaries(st.sampled_from(["db", "mem", "other"]) | texts, maybe(objects({
        "connector": maybe(st.sampled_from(["postgresql", "loopback-connector-mysql", "memory", "mail", ""]) | texts),
        "name": maybe(texts)})), max_size=3))
    return st.fixed_dictionaries({
        "models": (model_set.map(lambda models: [json.dumps(m) for m in models]) if noise > 3 else
                   st.lists(file_text(maybe(named_model)), max_size=5)),
        # Tame sets mostly let write_folder attach every model; a random model-config names missing ones.
        "model_config": st.none() | file_text(model_config) if noise < 4 else st.sampled_from(
            [None, None, None, "config"]).flatmap(lambda pick: file_text(model_config) if pick else st.none()),
        "datasources": st.none() | file_text(datasources),
        "source": st.sampled_from(["folder", "folder", "config", "files"]),
    })


def write_folder(root: Path, spec: dict):
    """The random files on disk, and the source(s) to load them from."""
    models = root / "models"
    models.mkdir()
    paths = []
    for number, content in enumerate(spec["models"]):
        path = models / f"m{number}.json"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        paths.append(path)
    for name in ("model_config", "datasources"):
        content = spec[name]
        if content is not None:
            target = models / f"{name.replace('_', '-')}.json"
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    if spec["source"] == "config":
        if spec["model_config"] is None:  # attach every model the files name, so the models get built
            (models / "model-config.json").write_text(json.dumps({name: {"dataSource": "db"}
                                                                  for name in _model_names(paths)}))
        return models / "model-config.json"
    return paths if spec["source"] == "files" else models


def _model_names(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        try:
            data = json.loads(path.read_bytes())
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            out.append(data["name"])
    return out


# -- the property ------------------------------------------------------------------------------------

def assert_definition_error(error: DefinitionError) -> None:
    assert error.problems, "a DefinitionError must list its problems"
    for problem in error.problems:
        assert isinstance(problem.message, str) and problem.message
        text = str(problem)  # what a user reads: the message, after where it is
        assert text.endswith(problem.message), text
        if problem.model:
            assert f"model {problem.model}" in text, text
        assert text in str(error), "the error's text leaves a problem out"


def load_and_build(spec: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            loaded = load_definitions(write_folder(Path(folder), spec))
        except DefinitionError as error:
            assert_definition_error(error)
            return
    models = list(loaded.models.values())
    for vendor_class in VENDORS.values():
        for limit in MAX_NAME_LENGTHS:
            try:
                schema = build_schema(models, vendor_class(), max_name_length=limit)
            except DefinitionError as error:
                assert_definition_error(error)
                continue
            # Models that share a table merge into one (docs/loopback-rules/models.md#models-sharing-a-table),
            # tables matched as the database matches names (SQL Server, SQLite: without case).
            vendor = vendor_class()
            assert {vendor.name_key(k) for k in schema.tables} == {
                vendor.name_key(f"{vendor.schema_name(m)}.{vendor.table_name(m)}" if vendor.schema_name(m)
                                else vendor.table_name(m)) for m in models}
        try:  # some models migrated, the others attached (their tables may be FK targets)
            build_schema(models[:1], vendor_class(), attached=models)
        except DefinitionError as error:
            assert_definition_error(error)


# A near-valid model set the generator only rarely hits: relations, FKs, indexes and a base chain that
# all resolve, with hostile leaves.
NEAR_VALID = [
    {"name": "A", "properties": {"id": {"type": "number", "id": True}, "b": "string"},
     "indexes": {"i": {"keys": {"b": 1}}}, "relations": {"bs": {"type": "hasMany", "model": "B"}}},
    {"name": "B", "base": "A", "properties": {"aId": {"type": "number", "postgresql": {"dataType": "int); --"}}},
     "foreignKeys": {"fk": {"entity": "A", "foreignKey": "aId"}}},
]


def spec_of(*models, model_config=None, datasources=None, source="folder"):
    return {"models": [m if isinstance(m, (str, bytes)) else json.dumps(m) for m in models],
            "model_config": model_config if model_config is None or isinstance(model_config, (str, bytes))
            else json.dumps(model_config),
            "datasources": datasources if datasources is None or isinstance(datasources, (str, bytes))
            else json.dumps(datasources), "source": source}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(shapes(noise=1))
def test_wild_shapes_only_succeed_or_list_problems(spec):
    load_and_build(spec)


def model(**fields):
    return {"name": "A", "properties": {"id": {"type": "number", "id": True}, "b": "string"}, **fields}


# Crashes the fuzzing found, kept (each raised something other than DefinitionError before its fix).
REGRESSIONS = [
    spec_of(b"\x80"),  # not UTF-8
    spec_of("1" * 5000),  # an integer beyond Python's digit limit: ValueError, not JSONDecodeError
    spec_of("[" * 100000),  # RecursionError
    spec_of(model(), model_config={"A": {"dataSource": ["db"]}}, source="config"),  # unhashable dataSource
    spec_of(model(), model_config={"_meta": {"sources": [["x"]]}, "A": {"dataSource": "db"}}, source="config"),
    spec_of(model(), model_config={"_meta": {"sources": 7}, "A": {"dataSource": "db"}}, source="config"),
    spec_of(model(), model_config={"_meta": [], "A": {"dataSource": "db"}}, source="config"),
    spec_of(model(), model_config={"A": {"dataSource": "db"}}, datasources=[1], source="config"),
    spec_of(model(options=[1, 2])),  # `options` not an object, read for `base`
    spec_of(model(relations={"r": {"type": "belongsTo", "model": ["A"]}})),
    spec_of(model(relations={"r": {"type": "hasMany", "model": "A", "polymorphic": {"foreignKey": None}}})),
    spec_of(model(relations={"r": {"type": "hasAndBelongsToMany", "polymorphic": True}})),
    spec_of(model(relations=[1])),
    spec_of(model(foreignKeys={"f": {"entity": "A", "foreignKey": ["b"]}})),
    spec_of(model(foreignKeys={"f": {"entity": {"x": 1}, "foreignKey": "b"}})),
    spec_of(model(indexes=[1]), model(name="B", foreignKeys="x")),
    spec_of(model(hidden=["b"]), model(name="B", base="A", hidden={"x": 1})),
    spec_of({"name": "A", "properties": {"id": {"type": "number", "id": float("inf")}}}),
    spec_of({"name": "A", "properties": {"id": {"type": "number", "id": "\u00b2"}}}),
    spec_of(model(), model(name="a")),  # two models, one table where names match without case: merged
    spec_of(model(postgresql={"table": {"a": 1}}, mysql={"table": ["x"]}, sqlite3={"schema": {}},
                  oracle={"tableName": [1]}, mssql={"schema": ["s"]})),  # a table key that is not hashable
    # A base that is not a string, in a folder the model-config lists without the model (lbsync.W005's look-up).
    spec_of({"name": None}, model(base=[]), model_config={"A": None, "_meta": {"sources": ["./"]}}, source="config"),
    spec_of(model(options={"base": {"x": 1}}), {"name": "B"}, model_config={"A": {"dataSource": "db"},
                                                                           "_meta": {"sources": ["./"]}},
            source="config"),
]


@settings(max_examples=350, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(shapes(noise=12))
@example(spec_of(*NEAR_VALID))
def test_near_valid_shapes_only_succeed_or_list_problems(spec):
    load_and_build(spec)


for _regression in REGRESSIONS:
    test_near_valid_shapes_only_succeed_or_list_problems = example(_regression)(
        test_near_valid_shapes_only_succeed_or_list_problems)


# -- the same shapes through the commands -----------------------------------------------------------------------

#: In CI the command fuzz is derandomized (the same examples every run) and short; locally it explores.
COMMAND_FUZZ = settings(max_examples=25 if os.environ.get("CI") else 40, deadline=None,
                        derandomize=bool(os.environ.get("CI")),
                        phases=[Phase.explicit, Phase.generate] if os.environ.get("CI") else list(Phase),
                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def run_commands(spec: dict) -> None:
    """`automigrate --sql --assume-empty` and the definitions check on an offline alias (no server): exit 0 or
    exit 2 listing the problems, and check's lbsync.E001 list is exactly the command's."""
    with tempfile.TemporaryDirectory() as folder:
        source = write_folder(Path(folder), spec)
        sources = [str(p) for p in source] if isinstance(source, list) else [str(source)]
        for alias in ("oracle", "mssql"):
            with override_settings(LBSYNC={"MODELS": sources, "DATASOURCES": {"db": alias}}):
                errors = sorted(m.msg for m in check_definitions() if m.id == "lbsync.E001")
                try:
                    call_command("automigrate", "--sql", "--assume-empty", database=alias, stdout=StringIO(),
                                 stderr=StringIO())
                except CommandError as exc:
                    assert exc.returncode == 2, str(exc)
                    if str(exc).startswith("Invalid LoopBack definitions"):
                        assert sorted(line.strip() for line in str(exc).splitlines()[1:]) == errors
                    else:  # no model attached to this database: nothing to refuse
                        assert str(exc).startswith("No LoopBack models are attached") and not errors, str(exc)
                    continue
                assert not errors


@offline_aliases_configured("oracle", "mssql")
@COMMAND_FUZZ
@given(shapes(noise=4))
def test_commands_and_check_only_succeed_or_exit_2_with_the_same_problems(spec):
    run_commands(spec)


# Found by this fuzz: a name holding U+0085 (a line break) split a problem over two lines of the command's output.
COMMAND_REGRESSIONS = REGRESSIONS[3:9] + [spec_of({"name": "A", "options": {"indexes": {"\x85": False}}})]

for _regression in COMMAND_REGRESSIONS:
    test_commands_and_check_only_succeed_or_exit_2_with_the_same_problems = example(_regression)(
        test_commands_and_check_only_succeed_or_exit_2_with_the_same_problems)
