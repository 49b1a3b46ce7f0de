"""Test support: the LoopBack tables in every test database, emptied wherever Django empties its own.

Django creates a test database by running `migrate`; LoopBack tables are not Django models, so they
are missing there (with pytest-django's `--nomigrations` and without it). This package creates them
through the product's own `automigrate`, so a test database gets exactly the tables `manage.py
automigrate` makes, with the same vendor rules:

- pytest-django: nothing to do. The `pytest11` entry point loads `django_lbsync.testing.pytest_plugin`,
  which wraps pytest-django's `django_db_setup`.
- `manage.py test`: `TEST_RUNNER = "django_lbsync.testing.LoopBackTestRunner"` (or put
  `LoopBackTestRunnerMixin` in front of your own runner class). Where the runner cannot change,
  `LoopBackTablesMixin` on the test classes creates the tables once per process and database.

When: on the `post_migrate` signal of this app that `migrate` sends while Django creates the test
database (`create_test_db`), and only while a runner or the plugin marked that phase (`test_database_setup`).
Hooking there, rather than after `setup_databases` returns, means the tables exist before Django
copies the database for parallel workers (`manage.py test --parallel` clones it), before
`--reuse-db`/`--keepdb` re-use it (they re-run migrate, so the tables are re-created from today's JSON),
and for every alias Django sets up, under its per-worker test name (pytest-xdist's `gw0` suffix). A
`migrate` outside that phase (production, a flush's post_migrate) never triggers it.

Opt out with `LBSYNC["TEST_CREATE_TABLES"] = False`: then nothing is created (for projects whose
migrations create the tables with `AutoUpdate`/`AutoMigrate` operations, or that want none).

Emptying between tests: see django_lbsync/management/commands/flush.py.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections
from django.db.models.signals import post_migrate
from django.test.runner import DiscoverRunner

from .. import conf
from ..api import automigrate, desired_schema
from ..introspect import existing_tables

__all__ = [
    "LoopBackTablesMixin", "LoopBackTestRunner", "LoopBackTestRunnerMixin", "create_tables", "creates_tables",
    "flush_tables", "test_database_setup",
]

_state = threading.local()


def creates_tables() -> bool:
    """LBSYNC["TEST_CREATE_TABLES"] (default True): create the LoopBack tables in test databases."""
    value = conf._lbsync().get("TEST_CREATE_TABLES", True)
    if not isinstance(value, bool):
        raise conf.ConfigurationError(f'settings.LBSYNC["TEST_CREATE_TABLES"] must be True or False, not {value!r}')
    return value


def _has_models() -> bool:
    return bool(conf._lbsync().get("MODELS"))


def _is_mirror(alias: str) -> bool:
    # A mirror is the same database as the alias it mirrors: its tables are made there.
    return bool(connections[alias].settings_dict.get("TEST", {}).get("MIRROR"))


def create_tables(alias: str) -> list[str]:
    """Drop and re-create the LoopBack tables attached to database `alias`, through automigrate: meant
    for a test database only (the runner, the plugin and the mixin call it on nothing else).

    Returns the keys of the tables created; none when the alias is a test mirror, has no attached model,
    LBSYNC has no MODELS, or TEST_CREATE_TABLES is False.
    """
    if not creates_tables() or not _has_models() or _is_mirror(alias):
        return []
    if not conf.datasources_for(alias):
        return []
    if not desired_schema(using=alias).tables:
        return []
    # confirm: a re-used test database (--reuse-db, --keepdb) may hold rows from an earlier run.
    result = automigrate(using=alias, confirm=lambda tables: True)
    return [table.key for table in result.created]


@contextmanager
def test_database_setup() -> Iterator[None]:
    """Mark Django's test-database setup: each `migrate` inside it ends by creating the LoopBack tables."""
    _connect()
    outer = getattr(_state, "done", None)
    _state.done = set()
    try:
        yield
    finally:
        _state.done = outer


def _after_migrate(sender, using, **kwargs) -> None:
    done = getattr(_state, "done", None)
    if done is None or using in done:  # outside test setup: a real migrate, or a flush's post_migrate
        return
    done.add(using)
    create_tables(using)


def _connect() -> None:
    try:
        this_app = apps.get_app_config("django_lbsync")
    except LookupError:  # the app is not installed: no LoopBack models to create
        return
    # Connected on first use, not at import: this module must import before settings are configured
    # (pytest loads the plugin first). The dispatch_uid makes a second connect a no-op.
    post_migrate.connect(_after_migrate, sender=this_app, dispatch_uid="django_lbsync.testing.create_tables")


def loopback_tables(alias: str):
    """The LoopBack tables attached to `alias` that exist there (one catalog query), referencing tables
    before the tables they reference; [] without models."""
    if not _has_models() or not conf.datasources_for(alias):
        return []
    tables = desired_schema(using=alias).in_dependency_order()
    return list(reversed(existing_tables(connections[alias], tables))) if tables else []


def flush_tables(alias: str, *, reset_sequences: bool = False, allow_cascade: bool = False) -> list[str]:
    """Empty the LoopBack tables of `alias` with the database's own flush SQL (Django's `sql_flush`).

    Returns the keys of the tables emptied.
    """
    connection = connections[alias]
    tables = loopback_tables(alias)
    if not tables:
        return []
    quote = connection.ops.quote_name
    # Names already passed the identifier rule in build_schema. A schema-qualified name is quoted
    # here in full; quote_name leaves an already quoted name alone.
    names = [f"{quote(t.schema)}.{quote(t.name)}" if t.schema else t.name for t in tables]
    statements = connection.ops.sql_flush(no_style(), names, reset_sequences=reset_sequences,
                                          allow_cascade=allow_cascade)
    # LoopBack's foreign keys are not deferred as Django's are on SQLite: the rows go referencing
    # tables first, and with the checks off (Django's generic switch: PRAGMA foreign_keys on SQLite,
    # foreign_key_checks on MySQL; PostgreSQL's TRUNCATE of all the tables at once needs neither).
    with connection.constraint_checks_disabled():
        connection.ops.execute_sql_flush(statements)
    return [t.key for t in tables]


class LoopBackTestRunnerMixin:
    """Put in front of a DiscoverRunner subclass: its test databases get the LoopBack tables."""

    def setup_databases(self, **kwargs):
        with test_database_setup():
            return super().setup_databases(**kwargs)


class LoopBackTestRunner(LoopBackTestRunnerMixin, DiscoverRunner):
    """`TEST_RUNNER = "django_lbsync.testing.LoopBackTestRunner"`."""


class LoopBackTablesMixin:
    """For test classes when the runner cannot change: the LoopBack tables of the class's databases are
    created once per process and test database, before the class's transaction opens (TestCase wraps
    the class in one; DDL inside it would roll back with it, or commit it on MySQL)."""

    @classmethod
    def setUpClass(cls):
        made = getattr(_state, "made", None)
        if made is None:
            made = _state.made = set()
        aliases = list(connections) if cls.databases == "__all__" else sorted(cls.databases)
        for alias in aliases:
            key = (alias, connections[alias].settings_dict["NAME"])
            if key not in made:
                create_tables(alias)
                made.add(key)
        super().setUpClass()
