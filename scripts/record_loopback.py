"""Record LoopBack's own automigrate() SQL for the app corpus (tests/fixtures/apps/<app>/).

    .venv/bin/python scripts/record_loopback.py [APP ...] [--connectors postgresql mysql]

Regenerating the recordings is a MANUAL step: the tests never run this script, they replay the committed
files in tests/expected/loopback/<app>.<postgresql|mysql>.sql (reviewed fixtures; review the diff before
committing a new recording). It needs node + npm and the local servers (PostgreSQL 127.0.0.1:5432 user
postgres, MariaDB/MySQL 127.0.0.1:3306 user root).

What it does: installs loopback-datasource-juggler@6, loopback-connector-postgresql@8 and
loopback-connector-mysql@8 (as bench/run.py does) into ~/.cache/lbsync-bench/loopback-record (outside the
repository), takes LoopBack's built-in model JSON from the loopback@3.28.0 package, then for each app and
connector creates an empty scratch database, lets scripts/record_loopback.js boot the app's models into a
juggler DataSource with the real connector and run automigrate(), and writes every statement the connector
sent (its executeSQL, wrapped), in order, with the errors the connector met and went past.

File format: header comments (`-- `), then per statement a line `-- lbsync:statement N` (with
` failed: <code> <message>` when the server refused it and the connector carried on, as LoopBack does with its
`CREATE SCHEMA "public"`), then the statement exactly as sent, then `;`.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "tests" / "fixtures" / "apps"
EXPECTED = ROOT / "tests" / "expected" / "loopback"
CACHE = Path(os.environ.get("LBSYNC_BENCH_CACHE", Path.home() / ".cache" / "lbsync-bench")) / "loopback-record"
PACKAGES = ("loopback-datasource-juggler@6", "loopback-connector-postgresql@8", "loopback-connector-mysql@8")
LOOPBACK = "loopback@3.28.0"  # only its common/models/*.json (the built-in models) are used
SCRATCH = "lbsync_record_loopback"
STATEMENT = "-- lbsync:statement"


def install() -> Path:
    """The node_modules folder, installed once; and LoopBack's built-in model JSON beside it."""
    if not (CACHE / "node_modules" / "loopback-connector-mysql").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "init", "-y"], cwd=CACHE, capture_output=True, check=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", *PACKAGES], cwd=CACHE, check=True,
                       capture_output=True)
    builtins = CACHE / "loopback-builtins"
    if not builtins.exists():
        packed = subprocess.run(["npm", "pack", LOOPBACK], cwd=CACHE, check=True, capture_output=True, text=True)
        tarball = CACHE / packed.stdout.strip().splitlines()[-1]
        builtins.mkdir()
        with tarfile.open(tarball) as tar:
            for member in tar.getmembers():
                if member.name.startswith("package/common/models/") and member.name.endswith(".json"):
                    member.name = Path(member.name).name
                    tar.extract(member, builtins)
        tarball.unlink()
    return builtins


def version(package: str) -> str:
    return json.loads((CACHE / "node_modules" / package / "package.json").read_text())["version"]


def postgresql_server():
    import psycopg

    admin = psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True)

    def fresh():
        admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}"')
        admin.execute(f'CREATE DATABASE "{SCRATCH}"')
        return f"postgres://postgres@127.0.0.1:5432/{SCRATCH}"

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}"')

    server = admin.execute("SHOW server_version").fetchone()[0]
    return fresh, drop, f"PostgreSQL {server}"


def mysql_server():
    import MySQLdb

    admin = MySQLdb.connect(host="127.0.0.1", port=3306, user="root", passwd="")
    cursor = admin.cursor()

    def fresh():
        cursor.execute(f"DROP DATABASE IF EXISTS `{SCRATCH}`")
        # the same character set as the test databases (tests/settings.py)
        cursor.execute(f"CREATE DATABASE `{SCRATCH}` CHARACTER SET utf8mb4")
        return f"mysql://root@127.0.0.1:3306/{SCRATCH}"

    def drop():
        cursor.execute(f"DROP DATABASE IF EXISTS `{SCRATCH}`")

    cursor.execute("SELECT VERSION()")
    return fresh, drop, f"MySQL server {cursor.fetchone()[0]}"


def record(app: str, connector: str, server, builtins: Path) -> Path:
    fresh, drop, server_name = server
    url = fresh()
    try:
        run = subprocess.run(
            ["node", str(ROOT / "scripts" / "record_loopback.js"), str(APPS / app), connector, url, str(builtins)],
            capture_output=True, text=True, timeout=300, env={**os.environ, "NODE_PATH": str(CACHE / "node_modules")},
        )
    finally:
        drop()
    if run.returncode != 0 or not run.stdout.strip():
        raise SystemExit(f"{app} on {connector}: node failed\n{run.stderr}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    lines = [
        f"-- LoopBack automigrate() of tests/fixtures/apps/{app}/ on {connector}, "
        "recorded by scripts/record_loopback.py",
        f"-- loopback-datasource-juggler {version('loopback-datasource-juggler')}, "
        f"loopback-connector-{connector} {version('loopback-connector-' + connector)}, "
        f"loopback-connector {version('loopback-connector')}; built-in models from {LOOPBACK}; {server_name}",
        f"-- attached: {', '.join(result['attached'])}",
        f"-- migrated: {', '.join(result['migrated'])}",
        f"-- automigrate: {'error: ' + result['error'] if result['error'] else 'ok'}",
    ]
    for number, statement in enumerate(result["statements"], 1):
        if statement.get("params"):
            raise SystemExit(f"{app} on {connector}: statement {number} has parameters, not replayable: {statement}")
        failed = statement.get("error")
        lines.append(f"{STATEMENT} {number}" + (f" failed: {' '.join(failed.split())}" if failed else ""))
        lines.append(statement["sql"].rstrip().rstrip(";") + ";")
    EXPECTED.mkdir(parents=True, exist_ok=True)
    out = EXPECTED / f"{app}.{connector}.sql"
    out.write_text("\n".join(lines) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apps", nargs="*", help="app folders under tests/fixtures/apps (default: all)")
    parser.add_argument("--connectors", nargs="+", default=["postgresql", "mysql"], choices=["postgresql", "mysql"])
    args = parser.parse_args()
    if not (shutil.which("node") and shutil.which("npm")):
        raise SystemExit("node and npm are needed")
    builtins = install()
    apps = args.apps or sorted(p.name for p in APPS.iterdir() if (p / "server" / "model-config.json").is_file())
    servers = {"postgresql": postgresql_server, "mysql": mysql_server}
    for connector in args.connectors:
        server = servers[connector]()
        for app in apps:
            out = record(app, connector, server, builtins)
            text = out.read_text()
            print(f"{out.relative_to(ROOT)}: {text.count(STATEMENT)} statements, "
                  f"{text.count(' failed: ')} failed; {text.splitlines()[4][3:]}", file=sys.stderr)


if __name__ == "__main__":
    main()
