"""django_lbsync.testing in a user's project: tests/sampleproject run in a subprocess.

The sample's own tests (sample_tests/) judge with Django's catalog reader and plain SQL: the LoopBack
tables exist in the test database, their columns and foreign key take a row, and a TransactionTestCase's
rows are gone in the next test. Each prints a SAMPLE-OK line, counted here, so a test that did not run
cannot pass. The same tests run under pytest-django (with and without --nomigrations, --reuse-db) and
under `manage.py test` (also --parallel), on SQLite always and on PostgreSQL and MariaDB when the suite's
live aliases are there; opting out leaves no table; and Django's plain flush (an app overriding ours)
lets the rows leak, which shows the leak test can fail.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from itertools import count
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_alias

SAMPLE = Path(__file__).with_name("sampleproject")
_numbers = count(1)

PYTEST = [sys.executable, "-m", "pytest", "-q", "-s"]
MANAGE_TEST = [sys.executable, "manage.py", "test", "sample_tests", "-v", "2"]


def run_sample(command: list[str], database: str = "sqlite", **env: str) -> tuple[int, str]:
    """Run `command` in the sample project; (exit code, stdout and stderr together)."""
    if database in ("postgresql", "mysql"):
        env.setdefault("SAMPLE_TEST_DB_NAME", f"{settings.TEST_DB_NAME}_sample{next(_numbers)}")
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full_env.update(SAMPLE_DATABASE=database, DJANGO_SETTINGS_MODULE="settings", **env)
    done = subprocess.run(command, cwd=SAMPLE, env=full_env, capture_output=True, text=True, timeout=180)
    return done.returncode, done.stdout + done.stderr


def assert_tables_and_no_leak(code: int, output: str, vendor: str) -> None:
    assert code == 0, output
    assert output.count(f"SAMPLE-OK tables=['author', 'book'] db={vendor}") == 1, output
    assert output.count("SAMPLE-OK wrote") == 1, output
    assert output.count("SAMPLE-OK empty") == 1, output


@pytest.mark.parametrize("options", [[], ["--nomigrations"]], ids=["migrations", "nomigrations"])
def test_pytest_django_sqlite(options):
    assert_tables_and_no_leak(*run_sample(PYTEST + options), "sqlite")


def test_manage_py_test_sqlite():
    assert_tables_and_no_leak(*run_sample(MANAGE_TEST), "sqlite")


@pytest.mark.parametrize("alias", ["postgresql", "mysql"])
def test_live_servers(alias):
    """Under both runners; the test database names are unique per run (tests/settings.py)."""
    require_alias(alias)
    assert_tables_and_no_leak(*run_sample(PYTEST + ["--nomigrations"], alias), alias)
    assert_tables_and_no_leak(*run_sample(MANAGE_TEST, alias), alias)


def test_tables_mixin_with_djangos_own_runner():
    """LoopBackTablesMixin on the test classes, Django's plain runner; without it the tables are missing."""
    code, output = run_sample(MANAGE_TEST[:2] + ["test", "sample_tests.mixin_tests", "-v", "2"],
                              SAMPLE_PLAIN_RUNNER="1")
    assert_tables_and_no_leak(code, output, "sqlite")
    code, output = run_sample(MANAGE_TEST, SAMPLE_PLAIN_RUNNER="1")
    assert code == 1 and "FAILED (failures=1, errors=2)" in output, output


def test_reuse_db_keeps_working(tmp_path):
    """--reuse-db: the second run finds the tables of the first and re-creates them from the JSON."""
    name = str(tmp_path / "reused.sqlite3")
    for _ in range(2):
        assert_tables_and_no_leak(*run_sample(PYTEST + ["--reuse-db"], "sqlite_file", SAMPLE_TEST_DB_NAME=name),
                                  "sqlite")
    assert {"Author", "Book"} <= sqlite_tables(name)


def test_parallel_workers_get_the_tables(tmp_path):
    """manage.py test --parallel copies the test database per worker: the tables exist before the copy."""
    code, output = run_sample(MANAGE_TEST[:-2] + ["--parallel", "2"], "sqlite_file",
                              SAMPLE_TEST_DB_NAME=str(tmp_path / "parallel.sqlite3"))
    assert code == 0, output
    assert "Ran 3 tests" in output, output


@pytest.mark.parametrize("command", [PYTEST, MANAGE_TEST], ids=["pytest", "manage.py test"])
def test_opting_out_leaves_no_table(command):
    code, output = run_sample(command, SAMPLE_CREATE_TABLES="0", SAMPLE_EXPECT_TABLES="0")
    assert code == 0, output
    assert output.count("SAMPLE-OK tables=[] db=sqlite") == 1, output


def test_the_sample_sees_missing_tables():
    """The sample's checks can fail: opted out, a run that expects the tables fails all three tests."""
    code, output = run_sample(PYTEST, SAMPLE_CREATE_TABLES="0")
    assert code == 1 and "3 failed" in output, output


def test_rows_leak_with_djangos_plain_flush():
    code, output = run_sample(PYTEST, SAMPLE_PLAIN_FLUSH="1")
    assert code == 1, output
    assert "FAILED sample_tests/test_loopback_tables.py::RowsDoNotLeak::test_2_finds_them_empty" in output, output
    assert "LoopBack rows leaked" in output and "2 passed" in output, output


def sqlite_tables(path: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_outside_tests_migrate_and_flush_leave_loopback_tables_alone(tmp_path):
    """A real `migrate` creates no LoopBack table, and a real `flush --noinput` empties only Django's."""
    base = str(tmp_path / "real")  # the sample's settings use NAME = <SAMPLE_TEST_DB_NAME>.main
    env = {"SAMPLE_TEST_DB_NAME": base}
    manage = [sys.executable, "manage.py"]
    assert run_sample(manage + ["migrate", "-v", "0"], "sqlite_file", **env)[0] == 0
    assert not {"Author", "Book"} & sqlite_tables(base + ".main")
    code, output = run_sample(manage + ["automigrate", "--noinput"], "sqlite_file", **env)
    assert code == 0, output
    with sqlite3.connect(base + ".main") as db:
        db.execute('INSERT INTO "Author" ("id", "name") VALUES (1, \'Ann\')')
        db.execute('INSERT INTO "sampleapp_note" ("id", "text") VALUES (1, \'x\')')
    code, output = run_sample(manage + ["flush", "--noinput"], "sqlite_file", **env)
    assert code == 0, output
    with sqlite3.connect(base + ".main") as db:
        assert db.execute('SELECT COUNT(*) FROM "Author"').fetchone()[0] == 1
        assert db.execute('SELECT COUNT(*) FROM "sampleapp_note"').fetchone()[0] == 0
