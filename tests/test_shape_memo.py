"""The desired schema builds a column once per property shape and copies it for every other property of the
same JSON (desired._shape_key). Tested over a space of model sets whose properties repeat with values that
Python holds equal and SQL does not (1, 1.0, true, "1"): with and without the memo, every vendor builds the
same tables, column for column, messages' origins and fill values included, or refuses with the same problems."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_lbsync import desired
from django_lbsync.desired import build_schema
from django_lbsync.exceptions import DefinitionError
from django_lbsync.loader import load_definitions
from django_lbsync.vendors import VENDORS

VALUES = st.sampled_from([1, 1.0, True, "1", 0, False, "", None, 2.5, "x", "now", "$now"])
PROPERTY = st.one_of(
    st.sampled_from(["string", "number", "boolean", "date", "object", "text", "buffer"]),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["string", "number", "boolean", "date", "any", ["string"]])},
        optional={
            "required": VALUES, "default": VALUES, "length": st.sampled_from([10, 10.0, 255, True, "20"]),
            "index": st.sampled_from([True, {"unique": True}, {}, 1, False]),
            "postgresql": st.fixed_dictionaries({}, optional={
                "dataType": st.sampled_from(["varchar", "numeric", "int", "text", "bigint"]),
                "dataLength": st.sampled_from([5, 5.0, 300]), "dataPrecision": st.sampled_from([10, 10.0]),
                "dataScale": st.sampled_from([2, 0]), "dbDefault": st.sampled_from(["1", "now()", "'a'"]),
                "nullable": VALUES}),
            "mysql": st.fixed_dictionaries({}, optional={
                "dataType": st.sampled_from(["varchar", "decimal", "int", "text"]),
                "dataLength": st.sampled_from([5, 300]), "default": VALUES, "columnName": st.sampled_from(["c", "C"])}),
            "oracle": st.fixed_dictionaries({}, optional={"dataType": st.sampled_from(["VARCHAR2", "NUMBER"]),
                                                           "dataLength": st.sampled_from([5, 4001])}),
            "mssql": st.fixed_dictionaries({}, optional={"dataType": st.sampled_from(["nvarchar", "int"]),
                                                          "dataLength": st.sampled_from([5, 4001])}),
        }),
)
NAMES = st.sampled_from(["a", "b", "name", "createdAt", "c"])
MODEL_SETS = st.lists(st.dictionaries(NAMES, PROPERTY, min_size=1, max_size=4), min_size=2, max_size=5)


def _load(model_props: list[dict]):
    with tempfile.TemporaryDirectory() as folder:
        for number, props in enumerate(model_props):
            (Path(folder) / f"m{number}.json").write_text(json.dumps({"name": f"M{number}", "properties": props}))
        return list(load_definitions(Path(folder)).models.values())


def _outcome(models, vendor_class):
    try:
        schema = build_schema(models, vendor_class())
    except DefinitionError as error:
        return "refused", sorted(str(problem) for problem in error.problems)
    return "built", {key: [dict(column.__dict__) for column in table.columns] + [table.indexes, table.primary_key]
                     for key, table in schema.tables.items()}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(MODEL_SETS)
def test_the_memo_changes_nothing(monkeypatch, model_props):
    try:
        models = _load(model_props)
    except DefinitionError:
        return  # the loader's own refusals are not this test's subject
    for vendor_class in VENDORS.values():
        shared = _outcome(models, vendor_class)
        with monkeypatch.context() as patched:
            patched.setattr(desired, "_shape_key", lambda prop: None)
            fresh = _outcome(models, vendor_class)
        assert shared == fresh, vendor_class.__name__


def test_repeated_shapes_are_built_once(monkeypatch):
    """The memo is really used: 40 models of the same three properties build three columns."""
    models = _load([{"a": {"type": "string", "required": True}, "b": "number", "c": {"type": "date"}}] * 40)
    built = []
    original = desired._column
    monkeypatch.setattr(desired, "_column", lambda prop, model, vendor: built.append(prop.name) or
                        original(prop, model, vendor))
    schema = build_schema(models, VENDORS["postgresql"]())
    assert sorted(built) == ["a", "b", "c", "id"] + ["id"] * 39  # ids depend on their model: never shared
    origins = {column.origin for table in schema.tables.values() for column in table.columns if column.name == "a"}
    assert origins == {f"M{n}.a" for n in range(40)}


@pytest.mark.parametrize("value", [1.0, True, "1"])
def test_values_python_holds_equal_get_their_own_columns(value):
    """`default: 1` first, then 1.0 / true / "1" in a model of the same shape: each gets the column it gets
    alone (1 and true are one dict key in Python)."""
    models = _load([{"a": {"type": "string", "mysql": {"default": 1}}},
                    {"a": {"type": "string", "mysql": {"default": value}}}])
    vendor = VENDORS["mysql"]
    alone = build_schema([models[1]], vendor()).tables["M1"].columns
    together = build_schema(models, vendor()).tables
    assert together["M1"].columns == alone
    assert [c.default for c in together["M0"].columns if c.name == "a"] == ["'1'"]


def test_the_loaders_fast_constructor_makes_the_dataclasss_object():
    from dataclasses import fields

    from django_lbsync.definitions import PropertyDefinition

    values = dict(name="a", type="String", id=0, generated=None, required=True, default=1, has_default=True,
                  index=True, settings={"type": "string"}, origin="M.a")
    assert {f.name for f in fields(PropertyDefinition)} == set(values)  # a new field must be added to of()
    fast, plain = PropertyDefinition.of(**values), PropertyDefinition(**values)
    assert fast == plain and fast.__dict__ == plain.__dict__
    with pytest.raises(AttributeError):
        fast.name = "b"  # still frozen
