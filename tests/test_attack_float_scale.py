"""ATTACK: MySQL/MariaDB FLOAT(M,D) and DOUBLE(M,D) round every value to D decimals.

A LoopBack Number on MySQL with `dataType: "double"` and `precision`/`scale` (dataPrecision/dataScale)
becomes DOUBLE(M,D). autoupdate judged a change to it only by the float's mantissa bits, so
`double -> double(10,2)` passed as safe and MariaDB rounded 0.001 to 0 and 0.30000000000000004 to 0.3
without asking. Only MySQL's floats take a scale; PostgreSQL's FLOAT(p) is REAL or DOUBLE PRECISION and
SQLite keeps every value whatever the declared size.

Data is judged by raw SQL (tests/test_data_safety.py's readers), the schema by tests/live_schema.py.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync import get_plan
from django_lbsync.changes import Risk

from .conftest import drop_all_tables, require_alias
from .test_data_safety import assert_destructive, assert_refused, assert_safe, normalize, prepare, read

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


@pytest.fixture(params=[("mysql", None), ("mysql", "")], ids=["mariadb", "mariadb-nonstrict"])
def target(request):
    alias, mode = request.param
    require_alias(alias)
    drop_all_tables(alias)
    yield alias, mode
    with connections[alias].cursor() as cursor:
        cursor.execute("SET SESSION sql_mode = DEFAULT")
    drop_all_tables(alias)


def number(data_type: str, **knobs) -> dict:
    return {"type": "number", "mysql": {"dataType": data_type, **knobs}}


def rounded_to(places: int):
    def transform(row):
        if row["v"] is not None:
            row["v"] = normalize(Decimal(row["v"]).quantize(Decimal(1).scaleb(-places)))
        return row

    return transform


@pytest.mark.parametrize("before", [number("double"), number("double", dataPrecision=12, dataScale=4),
                                    number("decimal", dataPrecision=12, dataScale=4), number("float")],
                         ids=["double", "double(12,4)", "decimal(12,4)", "float"])
def test_a_float_given_fewer_decimals_rounds_only_with_consent(target, use_models, model_dir, before):
    alias = prepare(target, use_models, model_dir, {"v": before},
                    [{"v": 0.001}, {"v": 1.25}, {"v": 2.5}, {"v": 7.0051}, {"v": None}],
                    ({"v": number("double", dataPrecision=10, dataScale=2)}, {}))
    # 0.001 and 7.0051 have more than two decimals; the plan names the change as one that may round
    planned = get_plan(using=alias).changes
    assert [c.risk for c in planned] == [Risk.DESTRUCTIVE]
    assert_destructive(alias, target[1], 2, rounded_to(2))
    assert [r["v"] for r in read(alias)] == ["0", "1.25", "2.5", "7.01", None]


def test_a_float_gaining_decimals_is_safe(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir, {"v": number("double", dataPrecision=10, dataScale=2)},
                    [{"v": 0.25}, {"v": 12345.67}, {"v": None}],
                    ({"v": number("double", dataPrecision=12, dataScale=4)}, {}))
    assert_safe(alias, target[1])


def test_a_float_whose_values_already_fit_the_scale_is_safe(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir, {"v": number("double")},
                    [{"v": 0.1}, {"v": 1.25}, {"v": -3.0}, {"v": None}],
                    ({"v": number("double", dataPrecision=10, dataScale=2)}, {}))
    assert_safe(alias, target[1])


def test_an_integer_into_a_scaled_double_needs_no_rounding(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir, {"v": number("int")},
                    [{"v": 5}, {"v": -17}, {"v": None}],
                    ({"v": number("double", dataPrecision=12, dataScale=2)}, {}))
    assert_safe(alias, target[1])


def test_refused_without_consent_leaves_the_values(target, use_models, model_dir):
    alias = prepare(target, use_models, model_dir, {"v": number("double")},
                    [{"v": 0.30000000000000004}, {"v": 0.5}],
                    ({"v": number("double", dataPrecision=10, dataScale=2)}, {}))
    assert_refused(alias, target[1], 1, consent=False)
