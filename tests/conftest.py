"""Fixtures: LoopBack model sets on disk, and a clean database per live alias."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

FIXTURES = Path(__file__).with_name("fixtures")
# A user's project with its own settings; tests/test_testing_support.py runs its tests in a subprocess.
collect_ignore = ["sampleproject"]
ALL_LIVE = ["default", "postgresql", "mysql"]


def require_alias(alias: str) -> None:
    """Skip (outside CI only) when a database is not available; under CI the alias always exists."""
    if alias not in settings.DATABASES:
        pytest.skip(f"database {alias!r} not available: {settings.UNAVAILABLE.get(alias, 'not configured')}")
    if alias in ("oracle", "mssql"):
        try:
            connections[alias].ops  # imports the backend module
        except Exception as exc:  # ImproperlyConfigured / ImportError from the driver
            if settings.CI:
                raise
            pytest.skip(f"{alias} backend cannot be loaded: {exc}")


def offline_aliases_configured(*aliases: str) -> pytest.MarkDecorator:
    """A skip marker for tests that render through the offline Oracle/SQL Server aliases, which the
    SQLite-only support matrix (LBSYNC_TEST_SQLITE_ONLY) does not define; the main run always has them.
    A marker rather than require_alias() because hypothesis tests cannot take function fixtures."""
    missing = [alias for alias in aliases if alias not in settings.DATABASES]
    return pytest.mark.skipif(bool(missing), reason=f"database(s) {missing} not configured: "
                              + "; ".join(settings.UNAVAILABLE.get(a, "not configured") for a in missing))


@pytest.fixture(params=ALL_LIVE)
def live(request):
    """A live database alias, emptied before and after the test.

    The test module must carry `pytest.mark.django_db(transaction=True, databases=LIVE_ALIASES)`.
    """
    alias = request.param
    require_alias(alias)
    drop_all_tables(alias)
    yield alias
    drop_all_tables(alias)


def drop_all_tables(alias: str) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        all_names = connection.introspection.table_names(cursor)
        if "django_migrations" in all_names:
            # Forget migrations of the test apps, whose tables are dropped below.
            cursor.execute("DELETE FROM django_migrations WHERE app LIKE 'lbsync_%%'")
        names = [n for n in all_names if n != "django_migrations"]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'lbsync_%%'"
            )
            for (schema,) in cursor.fetchall():
                cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
            for name in names:
                cursor.execute(f'DROP TABLE IF EXISTS "{name}" CASCADE')
        elif connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
            for name in names:
                cursor.execute(f"DROP TABLE IF EXISTS `{name}`")
            cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for name in names:
                cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
            cursor.execute("PRAGMA foreign_keys = ON")


@pytest.fixture
def use_models(settings):
    """use_models(alias, *sources): point LBSYNC at fixture folders / files for database `alias`."""

    def configure(alias: str, *sources: str | Path) -> None:
        paths = [s if isinstance(s, Path) else FIXTURES / s for s in sources]
        settings.LBSYNC = {"MODELS": [str(p) for p in paths], "DATASOURCES": {"db": alias}}

    return configure


@pytest.fixture
def model_dir(tmp_path):
    """model_dir({"file.json": {...} or "raw text"}) -> a folder with those model files."""

    def write(files: dict) -> Path:
        folder = tmp_path / f"models{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for name, content in files.items():
            text = content if isinstance(content, str) else json.dumps(content, indent=2)
            (folder / name).write_text(text)
        return folder

    return write


def regenerate(path: Path, text: str) -> None:
    """LBSYNC_REGEN=1 rewrites a reviewed expected file instead of comparing with it. The test then SKIPS
    (a file compared with itself proves nothing), and under CI regeneration is refused outright: the
    expected files change only by hand, after review of the diff."""
    import os

    if not os.environ.get("LBSYNC_REGEN"):
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("LBSYNC_REGEN is a manual step; it is refused under CI")
    path.write_text(text)
    pytest.skip(f"regenerated {path.name}: review the diff before committing it")
