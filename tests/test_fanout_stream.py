"""MySQL/MariaDB automigrate sends each CREATE TABLE while the next tables render (apply._render_while_fanning_out,
batch.MySQLFold). The property: what is sent is exactly what rendering everything first gives (`--sql`, the
whole run's fold), statement for statement and in order, for any shape of foreign keys (chains, cycles, self
references, keys to tables created later, diamonds); every statement runs once; and the server ends up holding
every table and foreign key (judged by the independent reader). Tested over a generated space of model sets."""
from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.db import connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_lbsync import api, fanout
from django_lbsync import apply as apply_module
from django_lbsync.exceptions import StatementFailed

from .live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=django_settings.LIVE_ALIASES)


@pytest.fixture
def my(live):
    if connections[live].vendor != "mysql":
        pytest.skip("CREATE TABLEs are sent while rendering where they fan out (MySQL/MariaDB)")
    return live


def _models(edges: list[tuple[int, int]], count: int, indexed: list[bool]) -> dict:
    files = {}
    for i in range(count):
        model = {"name": f"Shape{i}", "properties": {"a": {"type": "string", "index": indexed[i]}}, "foreignKeys": {}}
        for n, (source, target) in enumerate(edges):
            if source == i:
                model["properties"][f"ref{n}"] = {"type": "number"}
                model["foreignKeys"][f"fk_shape_{n}"] = {"name": f"fk_shape_{n}", "entity": f"Shape{target}",
                                                         "entityKey": "id", "foreignKey": f"ref{n}"}
        files[f"shape{i}.json"] = model
    return files


@st.composite
def model_sets(draw):
    count = draw(st.integers(min_value=2, max_value=7))
    edges = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=9))
    indexed = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    connections_ = draw(st.sampled_from([2, 3, 16]))
    return count, edges, indexed, connections_


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shape=model_sets())
def test_what_is_sent_while_rendering_is_what_rendering_first_gives(my, use_models, model_dir, settings, shape,
                                                                    monkeypatch):
    from tests.conftest import drop_all_tables

    count, edges, indexed, ddl_connections = shape
    drop_all_tables(my)  # the examples share the test database
    use_models(my, model_dir(_models(edges, count, indexed)))
    settings.LBSYNC = {**settings.LBSYNC, "DDL_CONNECTIONS": ddl_connections}
    expected = api.automigrate(using=my, dry_run=True).sql  # rendered first, folded as a whole
    fed: list[str] = []
    feed = fanout.FanOut.feed

    def recording(self, statements, needs):
        fed.extend(statements)
        return feed(self, statements, needs)

    ran: list[str] = []

    def watch(execute, sql, params, many, context):
        if sql.startswith(("CREATE", "ALTER", "DROP")):
            ran.append(sql)
        return execute(sql, params, many, context)

    monkeypatch.setattr(fanout.FanOut, "feed", recording)
    with connections[my].execute_wrapper(watch):
        api.automigrate(using=my)
    monkeypatch.undo()
    assert [s.rstrip(";") for s in fed] == [s.rstrip(";") for s in expected]
    assert Counter(s.rstrip(";") for s in ran) == Counter(s.rstrip(";") for s in fed)  # each ran, once
    assert {t for t in tables(my) if t.startswith("Shape")} == {f"Shape{i}" for i in range(count)}
    for n, (source, _target) in enumerate(edges):
        assert f"fk_shape_{n}" in describe(my, f"Shape{source}").foreign_keys
    api.automigrate(using=my)  # a re-run (drops first, cycles included) converges
    assert api.is_actual(using=my)


def _plain(model_dir, count: int, broken_at: int | None = None):
    files = {}
    for i in range(count):
        props = {"a": {"type": "string", "index": True}}
        if i == broken_at:  # past MySQL's 65,535-byte row: only the server refuses it
            props.update({f"wide{n}": {"type": "string", "length": 4000} for n in range(6)})
        files[f"p{i:02d}.json"] = {"name": f"Plain{i:02d}", "properties": props}
    return model_dir(files)


def _rendering(monkeypatch, hook) -> list[str]:
    """Calls hook(table name) before each step renders; returns the names of the tables rendered."""
    rendered: list[str] = []
    original_run = apply_module._Applier.run

    def run(self, change):
        name = getattr(change.table, "name", "")
        hook(name)
        result = original_run(self, change)
        rendered.append(name)
        return result

    monkeypatch.setattr(apply_module._Applier, "run", run)
    return rendered


def test_the_first_create_table_runs_before_the_last_table_is_rendered(my, use_models, model_dir, monkeypatch):
    """Rendering the last table waits until the server has made a table: rendering everything before sending
    (the old way) never gets there, and the wait times out."""
    use_models(my, _plain(model_dir, 30))
    made = threading.Event()

    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith("CREATE TABLE"):
            made.set()
        return result

    waited: list[bool] = []
    _rendering(monkeypatch, lambda name: waited.append(made.wait(timeout=5)) if name == "Plain29" else None)
    with connections[my].execute_wrapper(watch):
        api.automigrate(using=my)
    assert waited == [True]
    assert tables(my) == {f"Plain{i:02d}" for i in range(30)}
    assert api.is_actual(using=my)


def test_a_statement_that_fails_stops_the_rendering(my, use_models, model_dir, monkeypatch):
    """Plain03 is refused by the server while later tables render (slowly here): rendering stops, nothing new
    starts, and the error names exactly the tables the server holds."""
    use_models(my, _plain(model_dir, 40, broken_at=3))
    rendered = _rendering(monkeypatch, lambda name: time.sleep(0.02))
    with pytest.raises(StatementFailed) as caught:
        api.automigrate(using=my)
    failed = caught.value
    assert failed.statement.startswith("CREATE TABLE `Plain03`") and not failed.rolled_back
    made = tables(my)
    assert {statement.split("`")[1] for statement in failed.executed} == made
    assert "Plain03" not in made
    assert len(rendered) < 40, rendered  # the failure stopped the rendering


def test_a_step_that_fails_to_render_stops_the_sending_and_names_what_ran(my, use_models, model_dir, monkeypatch):
    use_models(my, _plain(model_dir, 30))

    def hook(name):
        if name == "Plain20":
            raise ValueError("cannot render this one")

    _rendering(monkeypatch, hook)
    with pytest.raises(StatementFailed) as caught:
        api.automigrate(using=my)
    failed = caught.value
    message = str(failed)
    assert message.startswith("Rendering step 'Create table Plain20' failed: cannot render this one"), message
    assert "cannot roll DDL back" in message and not failed.rolled_back
    made = tables(my)
    assert {statement.split("`")[1] for statement in failed.executed} == made
    assert made and not made & {f"Plain{i:02d}" for i in range(20, 30)}
