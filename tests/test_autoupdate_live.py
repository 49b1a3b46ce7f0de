"""autoupdate / isactual on live SQLite, PostgreSQL and MariaDB: every change type, the risk policy,
convergence (autoupdate, then isactual is true and a second plan is empty), atomicity and locking.

Results are judged with the independent reader (tests/live_schema.py: raw catalog SQL) and with the rows'
values and checksums; `is_actual` and empty plans are an additional check, never the only one."""
from __future__ import annotations

import hashlib
import json
import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from django_lbsync import ChangesRefused, Risk, automigrate, autoupdate, get_plan, is_actual
from django_lbsync.introspect import introspect
from django_lbsync.preflight import measure

from .conftest import drop_all_tables
from .live_schema import describe, other_schemas, tables


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


VENDOR = {"default": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}


def by_vendor(alias, **values):
    return values[VENDOR[alias]]


def live_state(alias) -> dict:
    """Every table as the independent reader sees it (raw catalog SQL, none of the product's introspection),
    those of other PostgreSQL schemas (pg_schema) included."""
    state = {(None, name): describe(alias, name) for name in sorted(tables(alias))}
    for schema in sorted(other_schemas(alias)):
        state.update({(schema, name): describe(alias, name, schema) for name in sorted(tables(alias, schema))})
    return state


def in_declared_order(alias, columns):
    """Column order, except on SQLite, where Django re-creates a table to alter a column and puts the altered
    column last (the order is nothing a model declares)."""
    return sorted(columns) if VENDOR[alias] == "sqlite" else list(columns)


def rows_checksum(alias, table: str) -> tuple[int, str]:
    """(row count, md5 of every row's values in a stable order): equal only if no value changed."""
    rows = execute(alias, f"SELECT * FROM {table}")
    text = "\n".join(sorted("|".join("<NULL>" if v is None else str(v) for v in row) for row in rows))
    return len(rows), hashlib.md5(text.encode()).hexdigest()


def measured_plan(alias, **kwargs):
    """The plan with its risks counted on the data, as autoupdate sees it (get_plan never counts)."""
    return measure(get_plan(using=alias, **kwargs), connections[alias])


@pytest.mark.parametrize("fixture", CONVERGENCE_FIXTURES)
def test_automigrate_then_in_sync_and_autoupdate_finds_nothing(live, use_models, fixture):
    use_models(live, fixture)
    automigrate(using=live)
    made = live_state(live)
    assert made, "the fixture made no tables: nothing compared"
    plan = get_plan(using=live)
    assert plan.changes == () and plan.in_sync, plan.describe()
    assert is_actual(using=live)
    assert autoupdate(using=live).applied == []
    assert live_state(live) == made  # the independent reader agrees: nothing was touched


@pytest.mark.parametrize("fixture", CONVERGENCE_FIXTURES)
def test_autoupdate_on_empty_database_creates_everything_then_converges(live, use_models, fixture):
    use_models(live, fixture)
    assert not is_actual(using=live)
    result = autoupdate(using=live)
    assert result.applied
    created = live_state(live)
    assert created, "autoupdate created no tables"
    assert get_plan(using=live).changes == ()
    assert is_actual(using=live)
    # What autoupdate creates is what automigrate creates (whose tables test_automigrate_live.py pins to
    # LoopBack's rules), as the independent reader sees both.
    drop_all_tables(live)
    automigrate(using=live)
    assert live_state(live) == created


def seed_v1(alias, use_models):
    use_models(alias, "customer_v1")
    automigrate(using=alias)
    table = q(alias, name_in(alias, "CustomerTest"))
    execute(alias, f"INSERT INTO {table} ({q(alias, 'id')}, {q(alias, 'name')}, {q(alias, 'email')}, "
                   f"{q(alias, 'age')}) VALUES ('c1', 'Ann Lee', 'ann@example.com', 42), ('c2', NULL, NULL, NULL)")
    return table


def v1_columns(alias):
    """CustomerTest as customer_v1 declares it (test_automigrate_live.py pins the same)."""
    return by_vendor(
        alias,
        postgresql=[("id", "text", False), ("name", "text", True), ("email", "text", True), ("age", "integer", True)],
        mysql=[("id", "VARCHAR(20)", False), ("name", "VARCHAR(40)", True), ("email", "VARCHAR(40)", True),
               ("age", "INT(11)", True)],
        sqlite=[("id", "varchar(20)", False), ("name", "varchar(40)", True), ("email", "varchar(40)", True),
                ("age", "integer", True)],
    )


def v2_columns(alias):
    """CustomerTest as customer_v2 declares it: name and age gone, email 60 long, firstName and lastName
    added (PostgreSQL: TEXT whatever the length, names lower-cased; docs/loopback-rules/types.md)."""
    return by_vendor(
        alias,
        postgresql=[("id", "text", False), ("email", "text", True), ("firstname", "text", True),
                    ("lastname", "text", True)],
        mysql=[("id", "VARCHAR(20)", False), ("email", "VARCHAR(60)", True), ("firstName", "VARCHAR(40)", True),
               ("lastName", "VARCHAR(40)", True)],
        sqlite=[("id", "varchar(20)", False), ("email", "varchar(60)", True), ("firstName", "varchar(40)", True),
                ("lastName", "varchar(40)", True)],
    )


def assert_customer_v2(alias, table):
    live = describe(alias, name_in(alias, "CustomerTest"))
    assert in_declared_order(alias, live.columns) == in_declared_order(alias, v2_columns(alias))
    assert (live.primary_key, live.auto, live.defaults, live.indexes, live.foreign_keys) == (("id",), set(), {}, {}, {})
    rows = execute(alias, f"SELECT {q(alias, 'id')}, {q(alias, 'email')}, {q(alias, name_in(alias, 'firstName'))}, "
                          f"{q(alias, name_in(alias, 'lastName'))} FROM {table} ORDER BY 1")
    assert rows == [("c1", "ann@example.com", None, None), ("c2", None, None, None)]


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
    # Without the flag nothing at all is applied: the same tables, columns and values.
    before, data = live_state(live), rows_checksum(live, table)
    assert before[None, name_in(live, "CustomerTest")].columns == v1_columns(live)
    with pytest.raises(ChangesRefused):
        autoupdate(using=live)
    assert live_state(live) == before and rows_checksum(live, table) == data
    autoupdate(using=live, allow_destructive=True)
    assert_customer_v2(live, table)
    assert is_actual(using=live)
    assert get_plan(using=live).changes == ()


def test_empty_column_drops_without_asking(live, use_models):
    use_models(live, "customer_v1")
    automigrate(using=live)
    use_models(live, "customer_v2")
    plan = measured_plan(live)
    assert plan.changes and all(c.risk == Risk.SAFE for c in plan.changes)
    autoupdate(using=live)  # no flag, no confirm: nothing to lose
    assert in_declared_order(live, describe(live, name_in(live, "CustomerTest")).columns) == \
        in_declared_order(live, v2_columns(live))
    assert is_actual(using=live)


def test_confirmation_callback_is_the_yes(live, use_models):
    table = seed_v1(live, use_models)
    use_models(live, "customer_v2")
    before, data = live_state(live), rows_checksum(live, table)
    asked = []
    with pytest.raises(ChangesRefused):
        autoupdate(using=live, confirm=lambda plan: asked.append(plan) or False)
    assert len(asked) == 1
    assert live_state(live) == before and rows_checksum(live, table) == data  # a "no" changes nothing
    assert not is_actual(using=live)
    autoupdate(using=live, confirm=lambda plan: True)
    assert_customer_v2(live, table)
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
        before, data = live_state(live), rows_checksum(live, table)
        with pytest.raises(ChangesRefused):
            autoupdate(using=live)
        assert live_state(live) == before and rows_checksum(live, table) == data
        autoupdate(using=live, allow_destructive=True)
        kept = ["a-much-l", "short"]
    assert describe(live, "Thing").column_types["code"] == by_vendor(live, mysql="VARCHAR(8)", sqlite="varchar(8)")
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
    assert describe(live, "thing").column_types["code"] == "character varying(8)"
    use_models(live, write_model(model_dir, props(30)))
    assert measured_plan(live).changes[0].risk == Risk.SAFE  # widening
    autoupdate(using=live)
    assert describe(live, "thing").column_types["code"] == "character varying(30)"
    assert execute(live, "SELECT code FROM thing") == [("a-much-l",)]
    assert is_actual(using=live)


def test_not_null_column_on_populated_table(live, use_models, model_dir):
    use_models(live, write_model(model_dir, {"label": "string"}))
    automigrate(using=live)
    execute(live, f"INSERT INTO {q(live, name_in(live, 'Thing'))} ({q(live, 'label')}) VALUES ('x'), ('y')")
    # Required without a default: impossible on a populated table, refused even with the flag.
    use_models(live, write_model(model_dir, {"label": "string", "size": {"type": "number", "required": True}}))
    plan = measured_plan(live)
    assert plan.changes[0].risk == Risk.IMPOSSIBLE and plan.changes[0].rows == 2
    before = live_state(live)
    with pytest.raises(ChangesRefused, match="impossible"):
        autoupdate(using=live, allow_destructive=True)
    assert live_state(live) == before
    # With a LoopBack default, existing rows get it (on MySQL too, where no DB default is written).
    use_models(live, write_model(model_dir, {"label": "string",
                                             "size": {"type": "number", "required": True, "default": 3}}))
    autoupdate(using=live)
    size = name_in(live, "size")
    thing = describe(live, name_in(live, "Thing"))
    assert thing.columns[-1] == (size, by_vendor(live, postgresql="integer", mysql="INT(11)", sqlite="integer"), False)
    # LoopBack's `default` is a DB default on PostgreSQL and SQLite, never on MySQL
    # (docs/loopback-rules/types.md#defaults).
    assert thing.defaults == by_vendor(live, postgresql={size: "3"}, mysql={}, sqlite={size: "3"})
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
    before, data = live_state(live), rows_checksum(live, table)
    with pytest.raises(ChangesRefused):
        autoupdate(using=live)
    assert live_state(live) == before and rows_checksum(live, table) == data
    autoupdate(using=live, allow_destructive=True)
    label, note = q(live, "label"), q(live, "note")
    assert sorted(execute(live, f"SELECT {label}, {note} FROM {table}")) == [("b", "n/a"), ("filled", "a")]
    thing = describe(live, name_in(live, "Thing"))
    assert {"label", "note"} <= thing.not_null
    assert thing.defaults == by_vendor(live, postgresql={"note": "'n/a'::text"}, mysql={}, sqlite={"note": "'n/a'"})
    assert is_actual(using=live)
    use_models(live, write_model(model_dir, {"label": "string", "note": "string"}))  # back to optional: safe
    autoupdate(using=live)
    assert not {"label", "note"} & describe(live, name_in(live, "Thing")).not_null
    assert sorted(execute(live, f"SELECT {label}, {note} FROM {table}")) == [("b", "n/a"), ("filled", "a")]
    assert is_actual(using=live)


def test_default_changes(live, use_models, model_dir):
    key = {"default": "sqlite3", "postgresql": "postgresql", "mysql": "mysql"}[live]
    default_key = "default" if live == "mysql" else "dbDefault"
    props = lambda v: {"qty": {"type": "number", key: {default_key: v}}}  # noqa: E731
    use_models(live, write_model(model_dir, props(1)))
    automigrate(using=live)
    table = name_in(live, "Thing")
    assert describe(live, table).defaults == {"qty": "1"}
    use_models(live, write_model(model_dir, props(5)))
    (change,) = get_plan(using=live).changes
    assert change.kind == "alter_column" and "default" in change.describe()
    autoupdate(using=live)
    assert describe(live, table).defaults == {"qty": "5"}
    execute(live, f"INSERT INTO {q(live, table)} ({q(live, 'id')}) VALUES (7)")
    assert execute(live, f"SELECT {q(live, 'qty')} FROM {q(live, table)}") == [(5,)]  # the database applies it
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
    # The property index named as LoopBack names it (docs/loopback-rules/indexes-and-keys.md).
    a_idx = by_vendor(live, postgresql="thing_a_idx", mysql="a", sqlite="Thing_a_idx")
    expected = {"manual_idx": (("b",), False), "ab_idx": (("a", "b DESC"), False), a_idx: (("a",), False)}
    assert describe(live, table).indexes == expected
    assert is_actual(using=live)  # the undeclared index is kept and does not count as drift
    # Make ab_idx unique: dropped and re-created.
    indexes["ab_idx"]["options"] = {"unique": True}
    use_models(live, write_model(model_dir, {"a": {"type": "string", "length": 50, "index": True}, "b": "number"},
                                 indexes=indexes))
    assert [c.kind for c in get_plan(using=live).changes] == ["drop_index", "add_index"]
    autoupdate(using=live)
    assert describe(live, table).indexes == expected | {"ab_idx": (("a", "b DESC"), True)}
    assert is_actual(using=live)
    # prune drops what no model declares
    autoupdate(using=live, prune=True)
    assert describe(live, table).indexes == {"ab_idx": (("a", "b DESC"), True), a_idx: (("a",), False)}


def test_unique_index_over_duplicates_is_impossible(live, use_models, model_dir):
    use_models(live, write_model(model_dir, {"a": {"type": "string", "length": 50}}))
    automigrate(using=live)
    table = q(live, name_in(live, "Thing"))
    execute(live, f"INSERT INTO {table} ({q(live, 'a')}) VALUES ('x'), ('x'), ('y')")
    use_models(live, write_model(model_dir, {"a": {"type": "string", "length": 50, "index": {"unique": True}}}))
    (change,) = measured_plan(live).changes
    assert change.risk == Risk.IMPOSSIBLE and change.rows == 1
    before, data = live_state(live), rows_checksum(live, table)
    with pytest.raises(ChangesRefused):
        autoupdate(using=live, allow_destructive=True)
    assert live_state(live) == before and rows_checksum(live, table) == data
    assert describe(live, name_in(live, "Thing")).indexes == {}


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
    before, data = live_state(live), rows_checksum(live, item)
    with pytest.raises(ChangesRefused):
        autoupdate(using=live, allow_destructive=True)
    assert live_state(live) == before and rows_checksum(live, item) == data
    execute(live, f"DELETE FROM {item} WHERE {q(live, name_in(live, 'boxId'))} = 99")
    autoupdate(using=live)
    item_table, box_id = name_in(live, "Item"), name_in(live, "boxId")
    # LoopBack's foreign keys: no onDelete/onUpdate declared means the database's default action.
    no_action = by_vendor(live, postgresql="NO ACTION", mysql="RESTRICT", sqlite="NO ACTION")
    declared = ((box_id,), name_in(live, "Box"), ("id",))
    assert describe(live, item_table).foreign_keys == {"fk_item_box": (*declared, no_action, no_action)}
    assert is_actual(using=live)
    use_models(live, fk_models(model_dir, on_delete="CASCADE"))
    assert [c.kind for c in get_plan(using=live).changes] == ["drop_foreign_key", "add_foreign_key"]
    autoupdate(using=live)
    assert describe(live, item_table).foreign_keys == {"fk_item_box": (*declared, "CASCADE", no_action)}
    execute(live, f"DELETE FROM {box}")  # the database now cascades
    assert execute(live, f"SELECT COUNT(*) FROM {item}") == [(0,)]
    assert is_actual(using=live)
    use_models(live, fk_models(model_dir, declared=False))
    plan = get_plan(using=live)
    assert plan.changes == () and "fk_item_box" in plan.notes[0].message  # kept, reported
    assert describe(live, item_table).foreign_keys == {"fk_item_box": (*declared, "CASCADE", no_action)}
    autoupdate(using=live, prune=True)
    assert describe(live, item_table).foreign_keys == {}


def test_failure_in_the_middle_of_a_plan(live, use_models, monkeypatch):
    table = seed_v1(live, use_models)
    use_models(live, "customer_v2")
    before, data = live_state(live), rows_checksum(live, table)
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
        assert live_state(live) == before and rows_checksum(live, table) == data  # exactly as before
    else:
        assert not caught.value.rolled_back
        applied = [c.describe() for c in caught.value.applied]
        assert any("Drop column" in d for d in applied) and "done before the failure" in str(caught.value)
        monkeypatch.setattr(apply_module._Applier, "_drop_column", original)
        autoupdate(using=live, allow_destructive=True)  # a re-run finishes the job
    monkeypatch.setattr(apply_module._Applier, "_drop_column", original)
    autoupdate(using=live, allow_destructive=True)
    assert_customer_v2(live, table)
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
    assert sorted(tables(live)) == ["accesstoken", "acl", "role", "rolemapping", "user"]
    assert describe(live, "user").auto == {"id"} and describe(live, "rolemapping").indexes == {
        "rolemapping_principalid_idx": (("principalid",), False)}
    assert is_actual(using=live)


def test_plan_as_json(live, use_models):
    seed_v1(live, use_models)
    use_models(live, "customer_v2")
    data = json.loads(json.dumps(measured_plan(live).as_dict()))
    assert data["in_sync"] is False
    drop = next(c for c in data["changes"] if c["kind"] == "drop_column" and "name" in c["description"])
    assert drop["risk"] == "destructive" and drop["rows"] == 1 and drop["model"] == "CustomerTest"
