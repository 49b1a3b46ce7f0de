"""`manage.py automigrate` on live databases: exit codes, confirmation, --sql, and nothing changed on errors."""
from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections

from django_lbsync.exceptions import TooManyRelations

from .conftest import FIXTURES
from .live_schema import tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def customer_table(alias):
    return "customertest" if connections[alias].vendor == "postgresql" else "CustomerTest"


def seed_customer(alias):
    """CustomerTest v1 holding one row."""
    call_command("automigrate", "--noinput", database=alias, stdout=StringIO())
    q = connections[alias].ops.quote_name
    with connections[alias].cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(customer_table(alias))} ({q('id')}, {q('name')}) VALUES ('c1', 'Ann')")


def rows(alias):
    q = connections[alias].ops.quote_name
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {q('name')} FROM {q(customer_table(alias))}")
        return [r[0] for r in cursor.fetchall()]


def test_output_reads_like_migrate(live, use_models):
    use_models(live, "builtins/model-config.json", "customer_v1")
    out = StringIO()
    call_command("automigrate", "--noinput", database=live, stdout=out)
    text = out.getvalue()
    table = customer_table(live)
    assert text.startswith("Running automigrate:\n")
    assert f"  [6/6] Creating table {table}... OK" in text
    counters = re.findall(r"\[(\d+)/6\] Creating table", text)
    assert counters == [str(n) for n in range(1, 7)]  # one line per table, in order, with the total
    assert "Automigrated 6 table(s)" in text


def test_verbosity_2_shows_the_sql_and_sql_is_returned(live, use_models):
    use_models(live, "customer_v1")
    out = StringIO()
    call_command("automigrate", "--noinput", database=live, stdout=out, verbosity=2)
    text = out.getvalue()
    table = connections[live].ops.quote_name(customer_table(live))
    assert f"CREATE TABLE {table}" in text  # under its step, or with the round trip that sent it
    quiet = StringIO()
    call_command("automigrate", "--noinput", database=live, stdout=quiet, verbosity=1)
    assert "CREATE TABLE" not in quiet.getvalue()
    returned = call_command("automigrate", sql=True, database=live, stdout=StringIO())
    assert f"\nCREATE TABLE {table}" in returned and returned.startswith(f"DROP TABLE {table}")


def test_named_models_only(live, use_models):
    use_models(live, "builtins/model-config.json", "customer_v1")
    call_command("automigrate", "CustomerTest", "ACL", "--noinput", database=live, stdout=StringIO())
    expected = {"customertest", "acl"} if live == "postgresql" else {"CustomerTest", "ACL"}
    assert tables(live) == expected


def test_unknown_model_is_exit_2(live, use_models):
    use_models(live, "customer_v1")
    with pytest.raises(CommandError, match="not attached.*: Nope") as caught:
        call_command("automigrate", "Nope", "--noinput", database=live, stdout=StringIO())
    assert caught.value.returncode == 2


def test_invalid_definitions_exit_2_and_change_nothing(live, use_models, model_dir):
    use_models(live, "customer_v1")
    seed_customer(live)
    broken = model_dir({
        "customer-test.json": json.loads((FIXTURES / "customer_v1" / "customer-test.json").read_text()),
        "bad.json": {"name": "Bad", "properties": {"x": {"type": "strng"}}},
        "worse.json": '{"name": "Worse",',
    })
    use_models(live, broken)
    with pytest.raises(CommandError) as caught:
        call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "2 problems" in message and "bad.json: model Bad: property x" in message and "worse.json" in message
    assert rows(live) == ["Ann"]


def test_rows_need_confirmation_which_a_script_cannot_give(live, use_models):
    use_models(live, "customer_v1")
    seed_customer(live)
    with pytest.raises(CommandError, match="--noinput") as caught:
        call_command("automigrate", database=live, stdout=StringIO())  # interactive, but stdin is no terminal
    assert caught.value.returncode == 3
    assert rows(live) == ["Ann"]
    call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    assert rows(live) == []


def test_sql_prints_drop_and_create_and_changes_nothing(live, use_models):
    use_models(live, "customer_v1")
    seed_customer(live)
    out = StringIO()
    call_command("automigrate", "--sql", database=live, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("DROP TABLE") and lines[1].startswith("CREATE TABLE")
    assert rows(live) == ["Ann"]


@pytest.mark.parametrize("live", ["default", "postgresql"], indirect=True)
def test_failure_rolls_everything_back(live, use_models, model_dir):
    """SQLite and PostgreSQL roll DDL back: a CREATE that fails after the DROPs leaves the data."""
    use_models(live, "customer_v1")
    seed_customer(live)
    folder = model_dir({
        "customer-test.json": json.loads((FIXTURES / "customer_v1" / "customer-test.json").read_text()),
        "zz-broken.json": {"name": "ZzBroken", "properties": {
            "x": {"type": "number", "postgresql": {"dbDefault": "no_such_function()"},
                  "sqlite3": {"dbDefault": "(abc + 1)"}}}},  # refused by SQLite, not by the fragment rule
    })
    use_models(live, folder)
    with pytest.raises(CommandError, match="The run was rolled back; the database is as it was.") as caught:
        call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    assert caught.value.returncode == 1  # a database failure, not invalid definitions (2)
    assert rows(live) == ["Ann"]
    assert not any(t.lower() == "zzbroken" for t in tables(live))


def test_a_subset_keeps_its_foreign_keys_to_other_attached_models(live, use_models):
    use_models(live, "foreign_keys")
    call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    call_command("automigrate", "Order", "--noinput", database=live, stdout=StringIO())
    from .live_schema import describe

    order = describe(live, "order" if live == "postgresql" else "Order")
    assert set(order.foreign_keys) == {"fk_order_customerId", "fk_order_address"}


def test_too_many_relations_for_a_migrations_one_transaction_is_refused_up_front(live, use_models, monkeypatch):
    """Inside a migration the run joins the migration's transaction, which cannot be split."""
    if connections[live].vendor != "postgresql":
        pytest.skip("PostgreSQL's lock table")
    from django_lbsync import api

    use_models(live, "builtins/model-config.json")
    monkeypatch.setattr(api, "relations_touched", lambda tables: 10**6)
    with pytest.raises(TooManyRelations, match="max_locks_per_transaction"):
        with connections[live].schema_editor(atomic=True) as editor:
            api.automigrate(using=editor)
    assert tables(live) == set()


def test_a_run_too_big_for_one_postgresql_transaction_runs_in_several(live, use_models, monkeypatch):
    """The lock budget is made tiny: the run is announced as split, each part is atomic, and every table is
    made (judged by the independent reader), in sync afterwards."""
    if connections[live].vendor != "postgresql":
        pytest.skip("PostgreSQL's lock table")
    from django_lbsync import api

    use_models(live, "builtins/model-config.json", "foreign_keys")
    monkeypatch.setattr(api, "lock_budget", lambda connection: 12)
    out = StringIO()
    call_command("automigrate", "--noinput", database=live, stdout=out)
    text = out.getvalue()
    parts = int(re.search(r"It runs in (\d+) transactions, each atomic", text).group(1))
    assert parts >= 3 and text.index("It runs in") < text.index("[1/")
    # Every table of both model sets (named here, not by the product's own desired schema).
    assert tables(live) == {"user", "accesstoken", "acl", "rolemapping", "role",
                            "customer", "order", "address", "assembly", "part", "assemblypart"}
    call_command("isactual", database=live, stdout=StringIO())  # exit 0
    from .live_schema import describe

    # The FKs, made in a later part, are there.
    assert set(describe(live, "order").foreign_keys) == {"fk_order_customerId", "fk_order_address"}


def test_no_part_of_a_split_run_holds_more_locks_than_its_budget(live, use_models, monkeypatch, model_dir):
    """The locks are counted by PostgreSQL itself (pg_locks, user relations, after every round trip): no
    transaction of a split run holds more than the budget. A run that left every index to the end put
    them all in its last transaction (5,000 models: "out of shared memory" in part 11 of 12)."""
    if connections[live].vendor != "postgresql":
        pytest.skip("PostgreSQL's lock table")
    from django_lbsync import api

    indexed = model_dir({f"t{i}.json": {"name": f"Indexed{i}", "properties": {
        name: {"type": "string", "index": True} for name in ("a", "b", "c")}} for i in range(8)})
    use_models(live, indexed, "foreign_keys")
    budget = 12
    monkeypatch.setattr(api, "lock_budget", lambda connection: budget)
    held: list[int] = []

    def count_locks(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not sql.lstrip().upper().startswith(("CREATE", "ALTER")):
            return result  # a query: its rows are still to be read
        raw = context["cursor"].cursor
        raw.execute("SELECT count(DISTINCT relation) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' "
                    "AND relation >= 16384")  # user relations (one lock-table entry each, whatever the modes)
        held.append(raw.fetchone()[0])
        return result

    with connections[live].execute_wrapper(count_locks):
        call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    assert held and max(held) <= budget, held
    assert tables(live) == {f"indexed{i}" for i in range(8)} | {"customer", "order", "address", "assembly", "part",
                                                                 "assemblypart"}
    call_command("isactual", database=live, stdout=StringIO())  # exit 0


def test_a_failure_in_a_later_part_names_what_was_committed_and_a_rerun_converges(live, use_models, monkeypatch,
                                                                                 model_dir):
    if connections[live].vendor != "postgresql":
        pytest.skip("PostgreSQL's lock table")
    from django_lbsync import api

    broken = model_dir({"zz-broken.json": {"name": "ZzBroken", "properties": {
        "x": {"type": "number", "postgresql": {"dbDefault": "no_such_function()"}}}}})
    use_models(live, "builtins/model-config.json", broken)
    monkeypatch.setattr(api, "lock_budget", lambda connection: 12)
    with pytest.raises(CommandError) as caught:
        call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    message = str(caught.value)
    assert caught.value.returncode == 1
    assert re.search(r"The run was split into \d+ transactions .*transactions? 1(-\d+)? committed \d+ steps", message)
    assert 'CREATE TABLE "zzbroken"' in message and "rerun finishes the work" in message
    made = tables(live)
    assert "zzbroken" not in made and {"user", "accesstoken"} <= made  # earlier parts stayed
    use_models(live, "builtins/model-config.json")
    call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    call_command("isactual", database=live, stdout=StringIO())


def test_an_unknown_model_name_gets_a_did_you_mean(live, use_models):
    use_models(live, "customer_v1")
    with pytest.raises(CommandError, match=r"CustomerTst \(did you mean 'CustomerTest'\?\)") as caught:
        call_command("automigrate", "CustomerTst", "--noinput", database=live, stdout=StringIO())
    assert caught.value.returncode == 2


def test_every_option_of_every_command_has_help():
    from django.core.management import get_commands, load_command_class

    ours = [name for name, app in get_commands().items() if app == "django_lbsync"]
    assert {"automigrate", "autoupdate", "isactual", "lbsync_migration", "discoverschema"} <= set(ours)
    for name in ours:
        parser = load_command_class("django_lbsync", name).create_parser("manage.py", name)
        missing = [action.dest for action in parser._actions if not action.help]
        assert not missing, f"{name}: options without help: {missing}"
