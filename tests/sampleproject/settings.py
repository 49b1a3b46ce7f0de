"""A user's project, as small as it gets, for tests/test_testing_support.py: a Django model (Note) and two
LoopBack models (Author, Book -> Author). Configured by environment variables:

- SAMPLE_DATABASE: sqlite (default, in memory), sqlite_file (SAMPLE_TEST_DB_NAME is the file), postgresql, mysql
- SAMPLE_TEST_DB_NAME: the test database's name (unique per run; the caller picks it)
- SAMPLE_CREATE_TABLES: "0" sets LBSYNC["TEST_CREATE_TABLES"] = False
- SAMPLE_PLAIN_FLUSH: "1" installs an app whose `flush` is Django's own (to show rows leak without ours)
- SAMPLE_PLAIN_RUNNER: "1" keeps Django's own test runner (for sample_tests/mixin_tests.py)
- SAMPLE_EXPECT_TABLES: "0" when the tests must find no LoopBack table
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "sample"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
if os.environ.get("SAMPLE_PLAIN_RUNNER") != "1":  # "1": Django's runner; the tests use LoopBackTablesMixin
    TEST_RUNNER = "django_lbsync.testing.LoopBackTestRunner"

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "sampleapp", "django_lbsync"]
if os.environ.get("SAMPLE_PLAIN_FLUSH") == "1":
    INSTALLED_APPS.insert(0, "plainflush")  # earlier apps' commands win

LBSYNC = {"MODELS": BASE_DIR / "loopback", "DATASOURCES": {"db": "default"}}
if os.environ.get("SAMPLE_CREATE_TABLES") == "0":
    LBSYNC["TEST_CREATE_TABLES"] = False

_kind = os.environ.get("SAMPLE_DATABASE", "sqlite")
_test_name = os.environ.get("SAMPLE_TEST_DB_NAME")
if _kind == "postgresql":
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": "test", "USER": "postgres",
        "HOST": os.environ.get("LBSYNC_TEST_PG_HOST", "127.0.0.1"), "PORT": 5432, "TEST": {"NAME": _test_name},
    }}
elif _kind == "mysql":
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.mysql", "NAME": "test", "USER": "root", "PASSWORD": "",
        "HOST": os.environ.get("LBSYNC_TEST_MYSQL_HOST", "127.0.0.1"), "PORT": 3306,
        "TEST": {"NAME": _test_name, "CHARSET": "utf8mb4"},
    }}
elif _kind == "sqlite_file":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _test_name + ".main",
                             "TEST": {"NAME": _test_name}}}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
