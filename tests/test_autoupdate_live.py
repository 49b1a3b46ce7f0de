"""autoupdate / isactual on live SQLite, PostgreSQL and MariaDB: every change type, the risk policy,
convergence (autoupdate, then isactual is true and a second plan is empty), atomicity and locking."""
from __future__ import annotations

import json
import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from django_lbsync import ChangesRefused, Risk, automigrate, autoupdate, get_plan, is_actual
from django_lbsync.introspect import introspect
from django_lbsync.preflight import measure


pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

CONVERGENCE_FIXTURES = [
    "customer_v1", "builtins/model-config.json", "composite", "types", "overrides", "indexes", "foreign_keys",
    "base_chain", "pg_schema",
]


def name_in(alias: str, name: str) -> str:
    """The table/column name LoopBack gives `name` on this database (PostgreSQL lower-cases)."""
    return name.lower() if connections[alias].vendor == "postgresql" else name


def q(alias, name):
    return connections[alias].ops.quote_name(name)


def execute(alias, sql, params=None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else None


def snapshot(alias):
    return introspect(connections[alias]).tables


def measured_plan(alias, **kwargs):
    """The plan with its risks counted on the data, as autoupdate sees it (get_plan never counts)."""
    return measure(get_plan(using=alias, **kwargs), connections[alias])


@pytest.mark.parametrize("fixture", CONVERGENCE_FIXTURES)
def test_automigrate_then_in_sync_and_autoupdate_finds_nothing(live, use_models, fixture):
    use_models(live, fixture)
    automigrate(using=live)
    plan = get_plan(using=live)
    assert plan.changes == () and plan.in_sync, plan.describe()
    assert is_actual(using=live)
    assert autoupdate(using=live).applied == []


@pytest.mark.parametrize("fixture", CONVERGENCE_FIXTURES)
def test_autoupdate_on_empty_database_creates_everything_then_converges(live, use_models, fixture):
    use_models(live, fixture)
    assert not is_actual(using=live)
    result = autoupdate(using=live)
    assert result.applied
    assert get_plan(using=live).changes == ()
    assert is_actual(using=live)


def seed_v1(alias, use_models):
    use_models(alias, "customer_v1")
    automigrate(using=alias)
    table = q(alias, name_in(alias, "CustomerTest"))
    execute(alias, f"INSERT INTO {table} ({q(alias, 'id')}, {q(alias, 'name')}, {q(alias, 'email')}, "
                   f"{q(alias, 'age')}) VALUES ('c1', 'Ann Lee', 'ann@example.com', 42), ('c2', NULL, NULL, NULL)")
    return table


def test_seed_v1_to_v2(live, use_models):
    table = seed_v1(live, use_models)
    use_models(live, "customer_v2")
    plan = measured_plan(live)
    kinds = sorted((c.kind, getattr(c, "column", None) and c.column.name) for c in plan.changes)
    expected = [("add_column", name_in(live, "firstName")), ("add_column", name_in(live, "lastName")),
                ("drop_column", "age"), ("drop_column", "name")]
    if live != "postgresql":  # PostgreSQL ignores string lengths (TEXT): email does not change there
        expected.insert(2, ("alter_column", None))
    assert kinds == expected
    drops = {c.column.name: c for c in plan.changes if c.kind == "drop_column"}
    assert drops["name"].risk == Risk.DESTRUCTIVE and drops["name"].rows == 1
    # Without the flag nothing at all is applied.
    before = snapshot(live)
    with pytest.raises(ChangesRefused):
        autoupdate(using=live)
    assert snapshot(live) == before
    autoupdate(using=live, allow_destructive=True)
    assert is_actual(using=live)
    assert get_plan(using=live).changes == ()
    rows = execute(live, f"SELECT {q(live, 'id')}, {q(live, 'email')} FROM {table} ORDER BY 1")
    assert rows == [("c1", "ann@example.com"), ("c2", None)]


def test_empty_column_drops_without_asking(live, use_models):
    use_models(live, "customer_v1")
    automigrate(using=live)
    use_models(live, "customer_v2")
    plan = measured_plan(live)
    assert all(c.risk == Risk.SAFE for c in plan.changes)
    autoupdate(using=live)  # no flag, no confirm: nothing to lose
    assert is_actual(using=live)


def test_confirmation_callback_is_the_yes(live, use_models):
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    asked = []
    with pytest.raises(ChangesRefused):
        autoupdate(using=live, confirm=lambda plan: asked.append(plan) or False)
    assert len(asked) == 1 and not is_actual(using=live)
    autoupdate(using=live, confirm=lambda plan: True)
    assert is_actual(using=live)


def write_model(model_dir, properties, **extra):
    return model_dir({"thing.json": {"name": "Thing", "properties": properties, **extra}})


def test_narrowing_is_destructive_and_cuts_values_when_accepted(live, use_models, model_dir):
    if live == "postgresql":
        pytest.skip("PostgreSQL strings are TEXT; lengths only with postgresql.dataType (covered below)")
    use_models(live, write_model(model_dir, {"code": {"type": "string", "length": 20}}))
    automigrate(using=live)
    table = q(live, "Thing")
    execute(live, f"INSERT INTO {table} ({q(live, 'code')}) VALUES ('short'), ('a-much-longer-code')")
    use_models(live, write_model(model_dir, {"code": {"type": "string", "length": 8}}))
    plan = measured_plan(live)
    (change,) = plan.changes
    if live == "default":
        # SQLite stores strings of any length whatever the declaration: nothing is lost, nothing is cut.
        assert change.risk == Risk.SAFE and not change.probes  # nothing to count
        autoupdate(using=live)
        kept = ["a-much-longer-code", "short"]
    else:
        assert change.risk == Risk.DESTRUCTIVE and change.rows == 1
        with pytest.raises(ChangesRefused):
            autoupdate(using=live)
        autoupdate(using=live, allow_destructive=True)
        kept = ["a-much-l", "short"]
    assert sorted(r[0] for r in execute(live, f"SELECT {q(live, 'code')} FROM {table}")) == kept
    assert is_actual(using=live)


def test_postgresql_varchar_narrowing(live, use_models, model_dir):
    if live != "postgresql":
        pytest.skip("postgresql.dataType")
    props = lambda n: {"code": {"type": "string", "postgresql": {"dataType": "varchar", "dataLength": n}}}  # noqa
    use_models(live, write_model(model_dir, props(20)))
    automigrate(using=live)
    execute(live, "INSERT INTO thing (code) VALUES ('a-much-longer-code')")
    use_models(live, write_model(model_dir, props(8)))
    assert measured_plan(live).changes[0].risk == Risk.DESTRUCTIVE
    autoupdate(using=live, allow_destructive=True)
    assert execute(live, "SELECT code FROM thing") == [("a-much-l",)]
    use_models(live, write_model(model_dir, props(30)))
    assert measured_plan(live).changes[0].risk == Risk.SAFE  # widening
    autoupdate(using=live)
    assert is_actual(using=live)


def test_not_null_column_on_populated_table(live, use_models, model_dir):
    use_models(live, write_model(model_dir, {"label": "string"}))
    automigrate(using=live)
    execute(live, f"INSERT INTO {q(live, name_in(live, 'Thing'))} ({q(live, 'label')}) VALUES ('x'), ('y')")
    # Required without a default: impossible on a populated table, refused even with the flag.
    use_models(live, write_model(model_dir, {"label": "string", "size": {"type": "number", "required": True}}))
    plan = measured_plan(live)
    assert plan.changes[0].risk == Risk.IMPOSSIBLE and plan.changes[0].rows == 2
    with pytest.raises(ChangesRefused, match="impossible"):
        autoupdate(using=live, allow_destructive=True)
    # With a LoopBack default, existing rows get it (on MySQL too, where no DB default is written).
    use_models(live, write_model(model_dir, {"label": "string",
                                             "size": {"type": "number", "required": True, "default": 3}}))
    autoupdate(using=live)
    size = name_in(live, "size")
    assert execute(live, f"SELECT {q(live, size)} FROM {q(live, name_in(live, 'Thing'))}") == [(3,), (3,)]
    assert is_actual(using=live)


def test_nullability_changes(live, use_models, model_dir):
    use_models(live, write_model(model_dir, {"label": "string", "note": "string"}))
    automigrate(using=live)
    table = q(live, name_in(live, "Thing"))
    execute(live, f"INSERT INTO {table} ({q(live, 'label')}, {q(live, 'note')}) VALUES (NULL, 'a'), ('b', NULL)")
    use_models(live, write_model(model_dir, {"label": {"type": "string", "required": True},
                                             "note": {"type": "string", "required": True, "default": "n/a"}}))
    plan = measured_plan(live)
    risks = {c.desired.name: c.risk for c in plan.changes}
    assert risks == {"label": Risk.IMPOSSIBLE, "note": Risk.DATA_DEPENDENT}
    execute(live, f"UPDATE {table} SET {q(live, 'label')} = 'filled' WHERE {q(live, 'label')} IS NULL")
    plan = measured_plan(live)
    assert [c.risk for c in plan.changes] == [Risk.SAFE, Risk.DATA_DEPENDENT]
    with pytest.raises(ChangesRefused):
        autoupdate(using=live)
    autoupdate(using=live, allow_destructive=True)
    assert sorted(execute(live, f"SELECT {q(live, 'note')} FROM {table}")) == [("a",), ("n/a",)]
    assert is_actual(using=live)
    use_models(live, write_model(model_dir, {"label": "string", "note": "string"}))  # back to optional: safe
    autoupdate(using=live)
    assert is_actual(using=live)


def test_default_changes(live, use_models, model_dir):
    key = {"default": "sqlite3", "postgresql": "postgresql", "mysql": "mysql"}[live]
    default_key = "default" if live == "mysql" else "dbDefault"
    props = lambda v: {"qty": {"type": "number", key: {default_key: v}}}  # noqa: E731
    use_models(live, write_model(model_dir, props(1)))
    automigrate(using=live)
    use_models(live, write_model(model_dir, props(5)))
    (change,) = get_plan(using=live).changes
    assert change.kind == "alter_column" and "default" in change.describe()
    autoupdate(using=live)
    assert is_actual(using=live)


def test_index_changes_and_undeclared_indexes(live, use_models, model_dir):
    use_models(live, write_model(model_dir, {"a": {"type": "string", "length": 50}, "b": "number"}))
    automigrate(using=live)
    table = name_in(live, "Thing")
    execute(live, f"CREATE INDEX manual_idx ON {q(live, table)} ({q(live, 'b')})")
    indexes = {"ab_idx": {"keys": {"a": 1, "b": -1}}}
    use_models(live, write_model(model_dir, {"a": {"type": "string", "length": 50, "index": True}, "b": "number"},
                                 indexes=indexes))
    plan = get_plan(using=live)
    assert sorted(c.kind for c in plan.changes) == ["add_index", "add_index"]
    assert [n.message for n in plan.notes] == ["index manual_idx (b) is not declared by any model; kept"]
    autoupdate(using=live)
    assert is_actual(using=live)  # the undeclared index is kept and does not count as drift
    # Make ab_idx unique: dropped and re-created.
    indexes["ab_idx"]["options"] = {"unique": True}
    use_models(live, write_model(model_dir, {"a": {"type": "string", "length": 50, "index": True}, "b": "number"},
                                 indexes=indexes))
    assert [c.kind for c in get_plan(using=live).changes] == ["drop_index", "add_index"]
    autoupdate(using=live)
    assert is_actual(using=live)
    # prune drops what no model declares
    autoupdate(using=live, prune=True)
    live_indexes = {i.name for i in snapshot(live)[table].indexes}
    assert "manual_idx" not in live_indexes and "ab_idx" in live_indexes


def test_unique_index_over_duplicates_is_impossible(live, use_models, model_dir):
    use_models(live, write_model(model_dir, {"a": {"type": "string", "length": 50}}))
    automigrate(using=live)
    table = q(live, name_in(live, "Thing"))
    execute(live, f"INSERT INTO {table} ({q(live, 'a')}) VALUES ('x'), ('x'), ('y')")
    use_models(live, write_model(model_dir, {"a": {"type": "string", "length": 50, "index": {"unique": True}}}))
    (change,) = measured_plan(live).changes
    assert change.risk == Risk.IMPOSSIBLE and change.rows == 1
    with pytest.raises(ChangesRefused):
        autoupdate(using=live, allow_destructive=True)


def fk_models(model_dir, on_delete=None, declared=True):
    fk = {"fk_item_box": {"name": "fk_item_box", "entity": "Box", "foreignKey": "boxId",
                          **({"onDelete": on_delete} if on_delete else {})}}
    return model_dir({
        "box.json": {"name": "Box", "properties": {"label": "string"}},
        "item.json": {"name": "Item", "properties": {"boxId": "number"}, **({"foreignKeys": fk} if declared else {})},
    })


def test_foreign_key_changes(live, use_models, model_dir):
    use_models(live, fk_models(model_dir, declared=False))
    automigrate(using=live)
    item, box = q(live, name_in(live, "Item")), q(live, name_in(live, "Box"))
    execute(live, f"INSERT INTO {box} ({q(live, 'label')}) VALUES ('b1')")
    execute(live, f"INSERT INTO {item} ({q(live, name_in(live, 'boxId'))}) VALUES (1), (99)")
    use_models(live, fk_models(model_dir))
    (change,) = measured_plan(live).changes
    assert change.kind == "add_foreign_key" and change.risk == Risk.IMPOSSIBLE and change.rows == 1  # orphan 99
    execute(live, f"DELETE FROM {item} WHERE {q(live, name_in(live, 'boxId'))} = 99")
    autoupdate(using=live)
    assert is_actual(using=live)
    use_models(live, fk_models(model_dir, on_delete="CASCADE"))
    assert [c.kind for c in get_plan(using=live).changes] == ["drop_foreign_key", "add_foreign_key"]
    autoupdate(using=live)
    assert is_actual(using=live)
    fk = snapshot(live)[name_in(live, "Item")].foreign_keys[0]
    assert (fk.name, fk.on_delete) == ("fk_item_box", "CASCADE")
    use_models(live, fk_models(model_dir, declared=False))
    plan = get_plan(using=live)
    assert plan.changes == () and "fk_item_box" in plan.notes[0].message  # kept, reported
    autoupdate(using=live, prune=True)
    assert snapshot(live)[name_in(live, "Item")].foreign_keys == ()


def test_failure_in_the_middle_of_a_plan(live, use_models, monkeypatch):
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    before = snapshot(live)
    from django_lbsync import apply as apply_module

    calls = {"n": 0}
    original = apply_module._Applier._drop_column

    def fail_on_second_drop(self, change):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("injected failure")
        return original(self, change)

    monkeypatch.setattr(apply_module._Applier, "_drop_column", fail_on_second_drop)
    with pytest.raises(apply_module.ApplyFailed) as caught:
        autoupdate(using=live, allow_destructive=True)
    if connections[live].features.can_rollback_ddl:
        assert caught.value.rolled_back
        assert snapshot(live) == before  # exactly as before
    else:
        assert not caught.value.rolled_back
        applied = [c.describe() for c in caught.value.applied]
        assert any("Drop column" in d for d in applied) and "done before the failure" in str(caught.value)
        monkeypatch.setattr(apply_module._Applier, "_drop_column", original)
        autoupdate(using=live, allow_destructive=True)  # a re-run finishes the job
    monkeypatch.setattr(apply_module._Applier, "_drop_column", original)
    autoupdate(using=live, allow_destructive=True)
    assert is_actual(using=live)


def test_introspection_queries_do_not_grow_with_tables(live):
    connection = connections[live]
    counts = {}
    for n in (5, 200):
        with connection.cursor() as cursor:
            for i in range(len(counts) * 5, n):
                cursor.execute(f"CREATE TABLE {q(live, f't{i}')} (id INTEGER PRIMARY KEY, v VARCHAR(10))")
        with CaptureQueriesContext(connection) as ctx:
            schema = introspect(connection)
        assert len([t for t in schema.tables if t.startswith("t")]) >= n
        counts[n] = len(ctx.captured_queries)
    assert counts[5] == counts[200] <= 6


def test_concurrent_autoupdates_are_serialized(live, use_models):
    if live != "postgresql":
        pytest.skip("one PostgreSQL database shared by two connections")
    use_models(live, "builtins/model-config.json")
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(autoupdate(using=live, lock_timeout=30))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections[live].close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # One applied the whole plan; the other waited for the lock, then found nothing to do.
    assert sorted(bool(r.applied) for r in results) == [False, True]
    assert is_actual(using=live)


def test_plan_as_json(live, use_models):
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    data = json.loads(json.dumps(measured_plan(live).as_dict()))
    assert data["in_sync"] is False
    drop = next(c for c in data["changes"] if c["kind"] == "drop_column" and "name" in c["description"])
    assert drop["risk"] == "destructive" and drop["rows"] == 1 and drop["model"] == "CustomerTest"
