"""Every public exception lives in django_lbsync/exceptions.py and is exported from django_lbsync; a run that
fails part-way raises one type, StepFailed, with one message (docs/exit-codes-and-waits.md)."""
from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import types
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import OperationalError

import django_lbsync
from django_lbsync import exceptions
from django_lbsync.exceptions import ApplyFailed, LbsyncError, StatementFailed, StepFailed
from django_lbsync.vendors import vendor_for

from .conftest import FIXTURES
from .live_schema import tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

#: Exception classes that never leave the package: caught where they are raised.
INTERNAL = {"django_lbsync.sqlite_ddl.UnreadableDDL", "django_lbsync.streaming.SendFailed",
            "django_lbsync.fanout.Stopped", "django_lbsync.sourcefs.Unreadable"}


def package_modules() -> list[types.ModuleType]:
    """Every module of django_lbsync, imported (management commands and vendors included)."""
    found = [django_lbsync]
    for info in pkgutil.walk_packages(django_lbsync.__path__, prefix="django_lbsync."):
        found.append(importlib.import_module(info.name))
    return found


def misplaced_exceptions(modules) -> list[str]:
    """Public exception classes defined outside exceptions.py, or not exported from django_lbsync."""
    problems = []
    for module in modules:
        for name, cls in vars(module).items():
            if not (inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == module.__name__):
                continue  # not an exception, or imported here from where it is defined
            if name.startswith("_") or f"{module.__name__}.{name}" in INTERNAL:
                continue
            if module.__name__ != "django_lbsync.exceptions":
                problems.append(f"{module.__name__}.{name} is defined outside exceptions.py")
            elif issubclass(cls, LbsyncError) and (name not in django_lbsync.__all__
                                                    or getattr(django_lbsync, name, None) is not cls):
                problems.append(f"{name} is not exported from django_lbsync")
    return problems


def test_every_public_exception_is_defined_in_exceptions_py_and_exported():
    modules = package_modules()
    assert len(modules) > 30  # the walk really saw the package, commands and vendors included
    assert misplaced_exceptions(modules) == []
    subclasses = {c for m in modules for c in vars(m).values() if inspect.isclass(c) and issubclass(c, LbsyncError)}
    assert {c.__module__ for c in subclasses} == {"django_lbsync.exceptions"}
    assert {"StepFailed", "ApplyFailed", "StatementFailed", "LockTimeout", "DatabaseUnreachable", "Cancelled",
            "OtherModelFiles", "MissingHandler"} <= {c.__name__ for c in subclasses}


def test_the_check_finds_a_stray_exception_and_a_missing_export():
    stray = types.ModuleType("django_lbsync.somewhere")
    exec("class Stray(Exception): pass\nclass _Private(Exception): pass", stray.__dict__)
    stray.Stray.__module__ = stray._Private.__module__ = stray.__name__
    unexported = types.ModuleType("django_lbsync.exceptions")
    exec("class Unlisted(LbsyncError): pass", {"LbsyncError": LbsyncError}, unexported.__dict__)
    unexported.Unlisted.__module__ = unexported.__name__
    assert misplaced_exceptions([stray, unexported]) == [
        "django_lbsync.somewhere.Stray is defined outside exceptions.py",
        "Unlisted is not exported from django_lbsync",
    ]


def test_every_exception_in_exceptions_py_says_when_it_is_raised():
    classes = [c for c in vars(exceptions).values()
               if inspect.isclass(c) and issubclass(c, BaseException) and c.__module__ == exceptions.__name__]
    assert len(classes) >= 19 and {c.__name__ for c in classes} <= set(django_lbsync.__all__)
    for cls in classes:
        assert cls.__doc__ and len(cls.__doc__.split()) >= 8, cls.__name__


@pytest.mark.parametrize("module, names", [
    ("apply", ["ApplyFailed", "DataChanged"]),
    ("batch", ["StatementFailed", "TooManyRelations", "driver_message"]),
    ("locking", ["LockTimeout"]),
    ("rebuild", ["RebuildRefused"]),
    ("dependents", ["AutomigrateRefused"]),
    ("connecting", ["DatabaseUnreachable"]),
    ("api", ["Cancelled"]),
    ("discovery", ["OtherModelFiles"]),
    ("changes", ["MissingHandler"]),
])
def test_the_old_import_paths_still_work(module, names):
    old = importlib.import_module(f"django_lbsync.{module}")
    for name in names:
        assert getattr(old, name) is getattr(exceptions, name)


# -- StepFailed: one type, one message ----------------------------------------------------------------------
def test_a_rolled_back_failure_says_the_database_is_as_it_was():
    failed = StepFailed(["Drop table a", "Create table a"], "Create table b", OperationalError("boom"), True)
    assert str(failed) == "Create table b failed: boom\nThe run was rolled back; the database is as it was."
    assert failed.done == ["Drop table a", "Create table a"] and failed.failed == "Create table b"


@pytest.mark.parametrize("done, state", [
    ([], "0 steps done before the failure"),
    (["Drop table a"], "1 step done before the failure: Drop table a"),
    (["Drop table a", "Create table a"], "2 steps done before the failure: Drop table a; Create table a"),
])
def test_a_failure_that_stays_half_done_lists_the_steps_done(done, state):
    failed = StepFailed(done, "Create table b", OperationalError(1064, "syntax"), False)
    assert str(failed) == (f"Create table b failed: 1064: syntax\n{state}; this database cannot roll DDL back. "
                           "Fix the cause and run again.")


def test_apply_failed_and_statement_failed_are_step_failures_keeping_their_attributes():
    from django_lbsync.changes import DropIndex
    from django_lbsync.schema import Index, Table

    table = Table("t", None, (), ())
    first, second = (DropIndex(table, index=Index(n, ("a",), ("ASC",))) for n in ("i1", "i2"))
    error = OperationalError("gone")
    applied = ApplyFailed([first], second, error, False)
    assert isinstance(applied, StepFailed) and applied.applied == [first] and applied.change is second
    assert applied.done == [first.describe()] and applied.failed == second.describe()
    assert str(applied) == str(StepFailed([first.describe()], second.describe(), error, False))

    sent = StatementFailed(['CREATE TABLE `a` (`id` int)', 'CREATE INDEX `i` ON `a` (`id`)'],
                           'CREATE TABLE `b` (\n  `x` int DEFAULT nope()\n)', error, False)
    assert isinstance(sent, StepFailed) and sent.executed[0] == 'CREATE TABLE `a` (`id` int)'
    assert sent.done == ["CREATE TABLE `a`", "CREATE INDEX `i` ON `a`"]
    assert sent.failed == "Statement CREATE TABLE `b`" and sent.statement.endswith("nope()\n)")
    assert "2 steps done before the failure: CREATE TABLE `a`; CREATE INDEX `i` ON `a`;" in str(sent)

    batch = ["CREATE TABLE a (x int)", "CREATE TABLE b (y int)", "ALTER TABLE b ADD CONSTRAINT f FOREIGN KEY (y)"]
    together = StatementFailed([], "\n".join(batch), error, True, batch=batch)
    assert together.failed == ("The 3 statements sent together, CREATE TABLE a to "
                               "ALTER TABLE b ADD CONSTRAINT f FOREIGN KEY,")
    assert str(together).endswith("The run was rolled back; the database is as it was.")


# -- live: automigrate's failures, through the API and the command -------------------------------------------
def broken_models(model_dir):
    """CustomerTest as in customer_v1, then a model whose CREATE TABLE every database refuses (each passes
    the fragment rule; the database itself says no)."""
    return model_dir({
        "customer-test.json": json.loads((FIXTURES / "customer_v1" / "customer-test.json").read_text()),
        "zz-broken.json": {"name": "ZzBroken", "properties": {
            "x": {"type": "number", "postgresql": {"dbDefault": "no_such_function()"},
                  "mysql": {"dataType": "varchar"},  # VARCHAR needs a length
                  "sqlite3": {"dbDefault": "(abc + 1)"}}}},  # "default value of column [x] is not constant"
    })


def seed(live, use_models):
    use_models(live, "customer_v1")
    call_command("automigrate", "--noinput", database=live, stdout=StringIO())
    q = connections[live].ops.quote_name
    with connections[live].cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(customer_table(live))} ({q('id')}, {q('name')}) VALUES ('c1', 'Ann')")


def customer_table(alias):
    return "customertest" if connections[alias].vendor == "postgresql" else "CustomerTest"


def customer_rows(alias) -> list:
    q = connections[alias].ops.quote_name
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {q('name')} FROM {q(customer_table(alias))}")
        return [r[0] for r in cursor.fetchall()]


def test_automigrate_failure_is_a_step_failure_that_tells_the_truth(live, use_models, model_dir):
    from django_lbsync import automigrate

    seed(live, use_models)
    use_models(live, broken_models(model_dir))
    with pytest.raises(StepFailed) as caught:
        automigrate(using=live)
    failure = caught.value
    customer = customer_table(live)
    assert "zzbroken" not in {t.lower() for t in tables(live)}
    if connections[live].features.can_rollback_ddl:  # SQLite, PostgreSQL: one transaction
        assert failure.rolled_back and str(failure).endswith("The run was rolled back; the database is as it was.")
        assert customer_rows(live) == ["Ann"]  # the drop was undone: the row is still there
    else:  # MariaDB: the drop and the new CustomerTest stay
        assert not failure.rolled_back and isinstance(failure, StatementFailed)
        assert failure.done == [f"DROP TABLE `{customer}` CASCADE", f"CREATE TABLE `{customer}`"]
        assert f"2 steps done before the failure: DROP TABLE `{customer}` CASCADE; CREATE TABLE `{customer}`; " \
               "this database cannot roll DDL back." in str(failure)
        assert failure.failed.startswith("Statement CREATE TABLE `ZzBroken`")
        assert customer in tables(live) and customer_rows(live) == []
    if vendor_for(connections[live]).batches_ddl:  # sent in batches: the one failing statement is named
        assert isinstance(failure, StatementFailed)
        broken = connections[live].ops.quote_name("zzbroken" if connections[live].vendor == "postgresql" else "ZzBroken")
        assert failure.failed == f"Statement CREATE TABLE {broken}"
        assert "sent together" not in str(failure)
    else:  # SQLite's editor executes as it renders: the applier names the plan's steps (as autoupdate's)
        assert isinstance(failure, ApplyFailed) and type(failure.change).__name__ == "CreateTable"
        assert failure.done == [f"Drop table {customer}", f"Create table {customer}"]
        assert failure.failed == "Create table ZzBroken"


def test_automigrate_command_prints_the_step_failure_as_it_is(live, use_models, model_dir):
    from django_lbsync import automigrate

    seed(live, use_models)
    use_models(live, broken_models(model_dir))
    with pytest.raises(StepFailed) as api:
        automigrate(using=live)
    if customer_rows(live) != ["Ann"]:  # MariaDB kept the drop: start from the same state again
        seed(live, use_models)
        use_models(live, broken_models(model_dir))
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("automigrate", "--noinput", database=live, stdout=out)
    assert caught.value.returncode == 1
    assert str(caught.value) == str(api.value)  # the command adds nothing of its own
    if not vendor_for(connections[live]).batches_ddl:  # progress is live only where the editor executes
        assert re.search(r"  \[\d+/\d+\] Creating table ZzBroken\.\.\. FAILED", out.getvalue())


def test_a_failed_round_trip_names_the_one_statement_that_failed(live):
    """PostgreSQL sends many statements per round trip; the error names the failing one, not the batch, and
    everything the transaction did is rolled back. (MySQL sends one by one: the same message shape.)"""
    from django_lbsync.batch import send

    connection = connections[live]
    q = connection.ops.quote_name
    statements = [f"CREATE TABLE {q('lbsync_ok_a')} ({q('x')} INT)", f"CREATE TABLE {q('lbsync_ok_b')} ({q('x')} INT)",
                  f"CREATE TABLE {q('lbsync_ok_a')} ({q('y')} INT)", f"CREATE TABLE {q('lbsync_ok_c')} ({q('x')} INT)"]
    try:
        with pytest.raises(StatementFailed) as caught:
            send(connection, statements)
        failure = caught.value
        assert failure.statement == statements[2] and failure.failed == f"Statement CREATE TABLE {q('lbsync_ok_a')}"
        assert failure.executed == statements[:2]
        assert "sent together" not in str(failure) and "lbsync_ok_c" not in str(failure)
        left = {t.lower() for t in tables(live)} & {"lbsync_ok_a", "lbsync_ok_b", "lbsync_ok_c"}
        if vendor_for(connection).sends_ddl_in_one_transaction:
            assert failure.rolled_back and left == set()
        else:
            assert not failure.rolled_back and left == {"lbsync_ok_a", "lbsync_ok_b"}
    finally:
        with connection.cursor() as cursor:
            for name in ("lbsync_ok_a", "lbsync_ok_b", "lbsync_ok_c"):
                if name in {t.lower() for t in tables(live)}:
                    cursor.execute(f"DROP TABLE {q(name)}")


@pytest.mark.parametrize("sql, summary", [
    ("CREATE TABLE `a (b)` (id INT)", "CREATE TABLE `a (b)`"),
    ('CREATE TABLE "x""(" ("id" integer)', 'CREATE TABLE "x""("'),
    ("ALTER TABLE [t (1)] ADD CONSTRAINT [c] FOREIGN KEY ([a]) REFERENCES [u] ([id])",
     "ALTER TABLE [t (1)] ADD CONSTRAINT [c] FOREIGN KEY"),
    ("CREATE INDEX `i` ON `t` (`a`);", "CREATE INDEX `i` ON `t`"),
    ("DROP TABLE `plain`;", "DROP TABLE `plain`"),
])
def test_a_statement_is_summed_up_by_its_head_with_quoted_names_whole(sql, summary):
    from django_lbsync.exceptions import statement_summary

    assert statement_summary(sql) == summary
