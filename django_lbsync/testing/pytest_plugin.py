"""pytest plugin (entry point `pytest11`: lbsync): the LoopBack tables in pytest-django's test databases.

It wraps the setup of pytest-django's `django_db_setup` fixture (whoever defines it: a project's
conftest may override it) in `test_database_setup()`, so each `migrate` Django runs while it creates a
test database ends with the LoopBack tables (django_lbsync.testing). This covers `--nomigrations`
(Django still runs migrate, with syncdb), `--reuse-db` (migrate runs again: the tables are re-created
from today's JSON), every alias the session's tests use, and pytest-xdist workers (each sets up its
own `..._gw0` database). A `django_db_setup` that points at an existing database without creating one
runs no migrate, so nothing is created there.

Inert without pytest-django (the fixture never runs) and without django_lbsync in INSTALLED_APPS.
Opt out: LBSYNC["TEST_CREATE_TABLES"] = False.
"""
from __future__ import annotations

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if fixturedef.argname != "django_db_setup":
        yield
        return
    from django_lbsync.testing import test_database_setup  # Django is configured by now

    with test_database_setup():
        yield
