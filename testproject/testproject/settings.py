"""Settings of the example project. Everything that varies comes from the environment:

    DATABASE_URL   the database (default: SQLite file testproject/db.sqlite3), e.g.
                   postgres://postgres@127.0.0.1:5432/test, mysql://root@127.0.0.1:3306/test,
                   oracle://user:pass@host:1521/service_name or
                   mssql://user:pass@host:1433/db?driver=ODBC+Driver+18+for+SQL+Server
    LBSYNC_MODELS  a LoopBack model-config.json, or a folder of model JSON
                   (default: the example app in testproject/loopback/)
    LBSYNC_DATASOURCES
                   LoopBack datasource -> Django alias, as DATASOURCE=ALIAS pairs: "db=default,tenantA=default".
                   Without it, every SQL datasource in the app's datasources.json maps to "default" (and "db"
                   does when there is no datasources.json), so any app runs without edits.
"""
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from django_lbsync.datasources import parse_datasource_map, sql_datasources

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-lbsync example project, not a secret"
DEBUG = True
ALLOWED_HOSTS: list[str] = []
INSTALLED_APPS = ["django_lbsync"]
USE_TZ = True



def database(url: str) -> dict:
    """dj-database-url's settings for `url`, except that mssql:// is mssql-django (ENGINE "mssql"): the
    library maps it to the unmaintained django-pyodbc-azure ("sql_server.pyodbc")."""
    engine = "mssql" if urlsplit(url).scheme == "mssql" else None
    return dj_database_url.parse(url, engine=engine)


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}

MODELS = os.environ.get("LBSYNC_MODELS") or str(BASE_DIR / "loopback" / "server" / "model-config.json")


def datasources() -> dict[str, str]:
    if os.environ.get("LBSYNC_DATASOURCES"):
        return parse_datasource_map(os.environ["LBSYNC_DATASOURCES"])
    return {name: "default" for name in sql_datasources(MODELS) or ["db"]}


LBSYNC = {"MODELS": MODELS, "DATASOURCES": datasources()}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_lbsync": {"handlers": ["console"], "level": os.environ.get("LBSYNC_LOG_LEVEL", "WARNING")}},
}
