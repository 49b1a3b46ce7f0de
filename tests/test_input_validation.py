"""Malformed model JSON is refused with file, model and property, every problem at once, never a
traceback; what LoopBack accepts but is probably a mistake is a warning with its own code
(issue 10 item 5; docs/input-validation.md).

Offline: the commands run with `--sql --assume-empty` on the Oracle alias (no server), and `check` builds
no connection either, so the same answers hold on every database.
"""
from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from django_lbsync.checks import check_definitions
from django_lbsync.exceptions import DefinitionError
from django_lbsync.loader import load_definitions

from .conftest import offline_aliases_configured

OFFLINE = "oracle"
needs_offline = offline_aliases_configured(OFFLINE)


def model(**fields) -> dict:
    return {"name": "A", "properties": {"id": {"type": "number", "id": True}, "b": "string"}, **fields}


def write(folder: Path, files: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else (
            content if isinstance(content, str) else json.dumps(content)).encode()
        (folder / name).write_bytes(data)
    return folder


def problems_of(source) -> list[tuple[str | None, str | None, str]]:
    """(model, property, message) of every problem, or [] when the definitions load."""
    try:
        load_definitions(source)
    except DefinitionError as exc:
        return [(p.model, p.prop, p.message) for p in exc.problems]
    return []


RELATION_TYPES = ("belongsTo, hasMany, hasAndBelongsToMany, hasOne, embedsOne, embedsMany, referencesMany")

#: One malformed shape per case, and exactly the problem(s) it gives: (model, property, message).
CASES = {
    "properties as a list": (model(properties=[1]), [("A", None, '"properties" must be an object')]),
    "a property that is a number": (model(properties={"b": 5}), [("A", "b", "type must be a string, got 5")]),
    "an array type of numbers": (model(properties={"b": [1, 2]}),
                                 [("A", "b", "an array type's item must be a type name or an object, got number")]),
    "options as a list": (model(options=[]), [("A", None, '"options" must be a JSON object, got array')]),
    "a connector block as a string": (model(mysql="x"), [("A", None, '"mysql" must be a JSON object, got string')]),
    "a property's connector block as a list": (
        model(properties={"b": {"type": "string", "postgresql": [1]}}),
        [("A", "b", '"postgresql" must be a JSON object, got array')]),
    "relations.x.model as a list": (model(relations={"r": {"type": "belongsTo", "model": ["A"]}}),
                                    [("A", "r", 'relation "r": "model" must be a string')]),
    "a relation that is a number": (model(relations={"r": 1}),
                                    [("A", "r", 'relation "r" must be a JSON object, got number')]),
    "an unknown relation type": (model(relations={"r": {"type": "hasManyThrough", "model": "A"}}),
                                 [("A", "r", f'relation "r": type "hasManyThrough" is none of LoopBack\'s relation '
                                             f"types ({RELATION_TYPES})")]),
    "foreignKeys as a list": (model(foreignKeys=[{"entity": "A"}]), [("A", None, '"foreignKeys" must be an object')]),
    "a foreign key without entity": (model(foreignKeys={"f": None}),
                                     [("A", None, 'foreign key "f" needs "entity" and "foreignKey"')]),
    "indexes as a list": (model(indexes=[1]), [("A", None, '"indexes" must be an object')]),
    "index keys that are not strings": (
        model(indexes={"i": {"keys": [1, "b"]}}),
        [("A", None, 'index "i": an index key must be a property name (a string), got number')]),
    "index options as a list": (model(indexes={"i": {"keys": {"b": 1}, "options": []}}),
                                [("A", None, '"indexes.i.options" must be a JSON object, got array')]),
    "id: Infinity": ('{"name": "A", "properties": {"id": {"type": "number", "id": Infinity}}}',
                     [("A", "id", 'at "properties.id.id": Infinity is not JSON (Node\'s JSON.parse, hence LoopBack, '
                                  "refuses it); write a number or a string")]),
    "NaN and -Infinity together": (
        '{"name": "A", "properties": {"b": {"type": "number", "default": NaN, "max": -Infinity}}}',
        [("A", "b", f'at "properties.b.{key}": {literal} is not JSON (Node\'s JSON.parse, hence LoopBack, refuses '
                    "it); write a number or a string") for key, literal in (("default", "NaN"),
                                                                            ("max", "-Infinity"))]),
    "non-UTF-8 bytes": (b'{"name": "A", "properties": {"b": {"type": "string", "default": "\xff"}}}',
                        [("A", "b", "not UTF-8 text: byte 0xff at line 1, column 66 cannot be decoded")]),
    "nesting 150 deep": ('{"name": "A", "x": ' + "[" * 150 + "]" * 150 + "}",
                         [("A", None, "invalid JSON: nested deeper than 100 levels")]),
    "base as a list": (model(base=["PersistedModel"]), [("A", None, '"base" must be a model name')]),
    "name as a number": ({"name": 5, "properties": {}}, [(None, None, 'a model definition needs a string "name"')]),
    "a relation's polymorphic idType as a number": (
        model(relations={"r": {"type": "belongsTo", "polymorphic": {"idType": 5}}}),
        [("A", "r", 'relation "r": "polymorphic.idType" must be a string')]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_malformed_shape_is_one_exact_problem(case, tmp_path):
    content, expected = CASES[case]
    write(tmp_path, {"a.json": content})
    assert problems_of(tmp_path) == expected


def test_all_problems_come_together(tmp_path):
    """Every case above in one app: one DefinitionError with every problem of every file."""
    files = {}
    expected = []
    for number, (content, problems) in enumerate(CASES.values()):
        if isinstance(content, dict) and isinstance(content.get("name"), str):
            content = {**content, "name": f"M{number}"}
            problems = [(f"M{number}", prop, message) for _model, prop, message in problems]
        elif isinstance(content, (str, bytes)) and (b'"A"' if isinstance(content, bytes) else '"A"') in content:
            content = content.replace(*((b'"A"', f'"M{number}"'.encode()) if isinstance(content, bytes)
                                        else ('"A"', f'"M{number}"')))
            problems = [(f"M{number}" if m else None, prop, message) for m, prop, message in problems]
        files[f"m{number:02}.json"] = content
        expected += problems
    write(tmp_path, files)

    def columns_aside(problems):  # a longer model name moves the undecodable byte
        return sorted(((m, p, re.sub(r"column \d+", "column N", message)) for m, p, message in problems), key=repr)

    assert columns_aside(problems_of(tmp_path)) == columns_aside(expected)


def test_model_config_shapes(tmp_path):
    write(tmp_path / "models", {"a.json": model()})
    write(tmp_path, {"model-config.json": {"_meta": {"sources": "./models"}, "A": {"dataSource": ["db"]}},
                     "datasources.json": {"db": "postgresql"}})
    assert problems_of(tmp_path / "model-config.json") == [
        (None, None, '"_meta.sources" must be a list of folder names'),
        ("A", None, '"dataSource" must be a datasource name, null or false'),
        (None, None, 'datasource "db" must be a JSON object'),
    ]


def test_a_thousand_deep_base_chain_loads_and_a_cycle_is_named(tmp_path):
    # The deepest model's file sorts first, so it is resolved first, through the whole chain at once.
    files = {f"m{999 - i:03}.json": {"name": f"M{i}", "properties": {f"p{i}": "string"},
                                     **({"base": f"M{i - 1}"} if i else {})} for i in range(1000)}
    write(tmp_path, files)
    loaded = load_definitions(tmp_path)
    assert [p.name for p in loaded.models["M999"].properties][:2] == ["p999", "p998"]
    assert len(loaded.models["M999"].properties) == 1001  # and the injected id
    write(tmp_path, {"m999.json": {"name": "M0", "base": "M999", "properties": {}}})
    assert problems_of(tmp_path) == [("M999", None, "circular base chain of 1000 models: M999 -> M998 -> M997 -> "
                                                    "M996 -> M995 -> ... (991 more) -> M3 -> M2 -> M1 -> M0 -> M999")]
    write(tmp_path, {"x.json": {"name": "X", "base": "Y"}, "y.json": {"name": "Y", "base": "X"}})
    assert ("X", None, "circular base chain of 2 models: X -> Y -> X") in problems_of(tmp_path)


# -- warnings -------------------------------------------------------------------------------------------------

def warning_app(root: Path) -> Path:
    """One app with one of each loader warning."""
    write(root / "models", {
        "a.json": '{"name": "A", "properties": {"b": "string", "b": "number", "tags": {"type": []}},'
                  ' "relations": {"cs": {"type": "hasMany", "model": "C", "keyTo": "aId"}},'
                  ' "foreignKeys": {"f": {"entity": "Nowhere", "foreignKey": "b"}}}',
        "c.json": {"name": "C", "properties": {"aId": "number"}},
        "unlisted.json": {"name": "Unlisted", "properties": {"x": "string"}},
        "base-only.json": {"name": "BaseOnly", "properties": {"x": "string"}},
        "d.json": {"name": "D", "base": "BaseOnly", "dataSource": "db"},
        "seed.json": [1, 2],
    })
    return write(root, {"model-config.json": {"_meta": {"sources": ["./models"]}, "A": {"dataSource": "db"},
                                              "C": {"dataSource": "db"}, "D": {"dataSource": "other"}},
                        "datasources.json": {"db": {"connector": "postgresql"}},
                        "datasources.local.js": "module.exports = {};"}) / "model-config.json"


EXPECTED_WARNINGS = [
    ("lbsync.W004", "A", None, 'key "b" appears more than once in one JSON object'),
    ("lbsync.W005", "Unlisted", None, "model file is not listed in model-config.json"),
    ("lbsync.W006", "D", None, 'dataSource "other" is not defined in datasources.json'),
    ("lbsync.W007", "A", "b", 'foreign key "f" names entity "Nowhere", which no model definition defines'),
    ("lbsync.W008", "A", "tags", '"type": [] is an array of any values'),
    ("lbsync.W009", None, None, "not a model definition (a JSON array, not an object); skipped"),
    ("lbsync.W010", "A", "cs", 'relation "cs": "keyTo" is not read by LoopBack'),
    ("lbsync.W013", None, None, "not applied: loopback-boot merges this JavaScript file over datasources.json"),
]


def test_loader_returns_each_warning_with_its_code(tmp_path):
    loaded = load_definitions(warning_app(tmp_path))
    got = sorted((w.code, w.model, w.prop, w.message) for w in loaded.warnings)
    assert len(got) == len(EXPECTED_WARNINGS)
    for (code, model_name, prop, start), (g_code, g_model, g_prop, g_message) in zip(EXPECTED_WARNINGS, got):
        assert (g_code, g_model, g_prop) == (code, model_name, prop) and g_message.startswith(start), g_message
    assert loaded.models["A"].property("b").type == "Number"  # the last value, as LoopBack


@needs_offline
def test_warnings_are_shown_by_check_and_printed_by_the_commands(tmp_path, settings):
    settings.LBSYNC = {"MODELS": [str(warning_app(tmp_path))], "DATASOURCES": {"db": OFFLINE}}
    codes = sorted(message.id for message in check_definitions())
    assert codes == [code for code, *_ in EXPECTED_WARNINGS]
    out, err = StringIO(), StringIO()
    call_command("automigrate", "--sql", "--assume-empty", database=OFFLINE, stdout=out, stderr=err)
    assert 'CREATE TABLE "A"' in out.getvalue()
    printed = re.findall(r"\((lbsync\.W\d+)\)$", err.getvalue(), re.M)
    assert sorted(printed) == codes  # each once, though the command loads the definitions more than once


@needs_offline
def test_fulltext_elsewhere_is_w011_in_check(tmp_path, settings):
    write(tmp_path, {"a.json": model(indexes={"t": {"keys": {"b": 1}, "kind": "FULLTEXT"}})})
    settings.LBSYNC = {"MODELS": [str(tmp_path)], "DATASOURCES": {"db": OFFLINE}}
    assert [(m.id, "FULLTEXT index" in m.msg) for m in check_definitions()] == [("lbsync.W011", True)]


# -- check reports exactly what the commands refuse -------------------------------------------------------------

BAD_APPS = {
    "shapes": {"a.json": model(options=[], relations={"r": 1}, foreignKeys=[1]),
               "b.json": '{"name": "B", "properties": {"id": {"type": "number", "id": NaN}}}'},
    "build-time": {"a.json": model(properties={"id": {"type": "number", "id": True},
                                               "b": {"type": "string", "length": "abc"}})},
    "cycle and unknown base": {"x.json": {"name": "X", "base": "Y"}, "y.json": {"name": "Y", "base": "X"},
                               "z.json": {"name": "Z", "base": "Nope"}},
    "bytes": {"a.json": b"\x80\x81", "b.json": model(name="B", indexes={"i": {"keys": [None]}})},
}


@needs_offline
@pytest.mark.parametrize("app", list(BAD_APPS))
def test_check_reports_exactly_what_the_commands_refuse(app, tmp_path, settings):
    folder = write(tmp_path / "m", BAD_APPS[app])
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": OFFLINE}}
    checked = sorted(m.msg for m in check_definitions() if m.id == "lbsync.E001")
    with pytest.raises(CommandError) as refused:
        call_command("automigrate", "--sql", "--assume-empty", database=OFFLINE, stdout=StringIO(),
                     stderr=StringIO())
    assert refused.value.returncode == 2
    lines = str(refused.value).splitlines()
    assert lines[0].startswith("Invalid LoopBack definitions")
    assert checked and sorted(line.strip() for line in lines[1:]) == checked
