"""Test settings: one alias per database (tests name theirs), as pgtrigger does.

- `default`    SQLite, always (in memory for tests).
- `postgresql` the local PostgreSQL (127.0.0.1:5432, user postgres, database test).
- `mysql`      the local MariaDB/MySQL (127.0.0.1:3306, user root, database test).
- `oracle`, `mssql`: never connected; used only to render DDL offline.

Outside CI a live alias is left out when its driver or server is missing, and its tests skip with
the reason. Under CI (CI=true) the aliases are always defined, so a missing server FAILS the tests.
"""
import atexit
import importlib.util
import os
import shutil
import socket
import tempfile
import uuid

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: scripts/matrix.py: the SQLite-only subset on other Python/Django versions. No live or offline alias is
#: defined, even under CI; their tests skip with this reason.
SQLITE_ONLY = os.environ.get("LBSYNC_TEST_SQLITE_ONLY", "").lower() in ("1", "true", "yes")

SECRET_KEY = "tests"
# The desired-schema cache is on in every test (settings that leave CACHE_DIR out use the default folder under
# XDG_CACHE_HOME), in a folder of this run's own: never the user's ~/.cache, never another run's entries.
# Subprocesses (manage.py in tests) inherit it. tests/test_desired_cache.py tests the cache itself.
TEST_CACHE_HOME_CREATED = not os.environ.get("LBSYNC_TEST_CACHE_HOME")
if TEST_CACHE_HOME_CREATED:
    os.environ["LBSYNC_TEST_CACHE_HOME"] = tempfile.mkdtemp(prefix="lbsync-test-cache-")
    # Removed when the process that made it ends: pytest, and any other process that imports these settings
    # (a script, `django-admin` with DJANGO_SETTINGS_MODULE=tests.settings), which a pytest hook never saw.
    # Not by a forked child, nor by the subprocesses that inherit the folder through the environment.
    _CACHE_HOME_OWNER = os.getpid()
    atexit.register(lambda path=os.environ["LBSYNC_TEST_CACHE_HOME"]: os.getpid() == _CACHE_HOME_OWNER
                    and shutil.rmtree(path, ignore_errors=True))
os.environ["XDG_CACHE_HOME"] = os.environ["LBSYNC_TEST_CACHE_HOME"]
INSTALLED_APPS = ["django_lbsync"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LBSYNC = {"MODELS": [], "DATASOURCES": {"db": "default"}}

PG_HOST = os.environ.get("LBSYNC_TEST_PG_HOST", "127.0.0.1")
MY_HOST = os.environ.get("LBSYNC_TEST_MYSQL_HOST", "127.0.0.1")

#: Each run gets its own test databases, so two runs against one server never meet.
RUN_ID = os.environ.get("LBSYNC_TEST_RUN_ID") or uuid.uuid4().hex[:8]
TEST_DB_NAME = f"test_lbsync_{RUN_ID}"

#: alias -> why it is not available (only outside CI)
UNAVAILABLE: dict[str, str] = {}


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _available(alias: str, module: str, host: str, port: int) -> bool:
    if SQLITE_ONLY:
        UNAVAILABLE[alias] = "LBSYNC_TEST_SQLITE_ONLY is set"
        return False
    if CI:
        return True
    if importlib.util.find_spec(module) is None:
        UNAVAILABLE[alias] = f"the {module} driver is not installed"
        return False
    if not _port_open(host, port):
        UNAVAILABLE[alias] = f"no server on {host}:{port}"
        return False
    return True


DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
if _available("postgresql", "psycopg", PG_HOST, 5432):
    DATABASES["postgresql"] = {
        "ENGINE": "django.db.backends.postgresql", "NAME": "test", "USER": "postgres", "HOST": PG_HOST, "PORT": 5432,
        "TEST": {"NAME": TEST_DB_NAME},
    }
if _available("mysql", "MySQLdb", MY_HOST, 3306):
    DATABASES["mysql"] = {
        "ENGINE": "django.db.backends.mysql", "NAME": "test", "USER": "root", "PASSWORD": "", "HOST": MY_HOST,
        "PORT": 3306, "TEST": {"NAME": TEST_DB_NAME, "CHARSET": "utf8mb4"},
    }
# A SQLite database in a file, for what an in-memory one cannot show (file locks, busy waits).
# Only tests/test_waits_and_outages.py uses it.
SQLITE_FILE = os.path.join(tempfile.gettempdir(), f"{TEST_DB_NAME}.sqlite3")
DATABASES["sqlite_file"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_FILE, "TEST": {"NAME": SQLITE_FILE}}
# Offline aliases: an address where nothing listens. Tests never connect them.
def _offline(alias: str, module: str, missing: str) -> bool:
    if SQLITE_ONLY:
        UNAVAILABLE[alias] = "LBSYNC_TEST_SQLITE_ONLY is set"
        return False
    if CI or importlib.util.find_spec(module):
        return True
    UNAVAILABLE[alias] = missing
    return False


if _offline("oracle", "oracledb", "the oracledb driver is not installed"):
    DATABASES["oracle"] = {
        "ENGINE": "django.db.backends.oracle", "NAME": "offline", "USER": "loopback", "PASSWORD": "x",
        "HOST": "127.0.0.1", "PORT": 9,
    }
if _offline("mssql", "mssql", "mssql-django is not installed"):
    DATABASES["mssql"] = {
        "ENGINE": "mssql", "NAME": "offline", "USER": "sa", "PASSWORD": "x", "HOST": "127.0.0.1", "PORT": 9,
        "OPTIONS": {"driver": "ODBC Driver 18 for SQL Server"},
    }

LIVE_ALIASES = [alias for alias in ("default", "postgresql", "mysql") if alias in DATABASES]
