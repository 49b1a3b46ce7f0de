"""automigrate against its floor: the same statements sent by nothing but the driver.

    python bench/ddl_floor.py [N] [RUNS] [postgresql|mysql ...]

Captures the statements django-lbsync's automigrate sends for N models (bench/generate.py), then, each run on a
new database: those statements replayed by the driver alone ("DDL alone": the server's own time for this DDL,
with nothing rendered), django-lbsync's automigrate and LoopBack's, in turn. PostgreSQL: in one transaction,
as one multi-statement string. MySQL/MariaDB (no transactional DDL): the CREATE TABLEs on WORKERS connections
at once with foreign-key checks off (so their order does not matter), the other statements after them on one.
Prints the medians and the best whole-process ratio to LoopBack that any tool could reach here: LoopBack's
process over (the DDL alone + django-lbsync's start-up).
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write  # noqa: E402
from run import CACHE, drop_databases, fresh_database, loopback, ours  # noqa: E402

#: Connections the MySQL replay uses at once (as many as django-lbsync's automigrate does: fanout.py).
WORKERS = 4


def capture(url: str, models: Path) -> list[str]:
    """The DDL statements of one automigrate of `models` (run, in a process of its own, on the database `url`)."""
    done = subprocess.run([sys.executable, __file__, "--capture", url, str(models)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def _capture_here(url: str, models: str) -> None:
    import dj_database_url
    import django
    from django.conf import settings

    settings.configure(DATABASES={"default": dj_database_url.parse(url)}, INSTALLED_APPS=["django_lbsync"],
                       USE_TZ=True, LBSYNC={"MODELS": models, "CACHE_DIR": None}, SECRET_KEY="bench")
    django.setup()
    from django.db import connection

    from django_lbsync import automigrate

    sent: list[str] = []

    def keep(execute, sql, params, many, context):
        if not params and sql.lstrip().upper().startswith(("CREATE", "ALTER", "COMMENT")):
            sent.append(sql.rstrip().rstrip(";") + ";")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        automigrate()
    print(json.dumps(sent))


def replay(kind: str, url: str, sent: list[str]) -> float:
    return ddl_alone(url, "\n".join(sent)) if kind == "postgresql" else mysql_ddl_alone(url, sent)


def ddl_alone(url: str, ddl: str) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        start = time.perf_counter()
        with conn.transaction():
            conn.execute(ddl.encode())
        return time.perf_counter() - start


def mysql_ddl_alone(url: str, sent: list[str]) -> float:
    import queue
    import threading
    from urllib.parse import urlparse

    import MySQLdb

    where = urlparse(url)

    def connect():
        conn = MySQLdb.connect(host=where.hostname, port=where.port or 3306, user=where.username or "root",
                               passwd=where.password or "", db=where.path.lstrip("/"))
        conn.cursor().execute("SET SESSION foreign_key_checks = 0")
        return conn

    creates = queue.Queue()
    for sql in sent:
        if sql.lstrip().upper().startswith("CREATE TABLE"):
            creates.put(sql)
    others = [sql for sql in sent if not sql.lstrip().upper().startswith("CREATE TABLE")]
    connections = [connect() for _ in range(WORKERS)]

    def work(conn):
        cursor = conn.cursor()
        while True:
            try:
                sql = creates.get_nowait()
            except queue.Empty:
                return
            cursor.execute(sql)

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(conn,)) for conn in connections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cursor = connections[0].cursor()
    for sql in others:
        cursor.execute(sql)
    elapsed = time.perf_counter() - start
    for conn in connections:
        conn.close()
    return elapsed


def main(n: int = 500, runs: int = 3, kinds: tuple[str, ...] = ("postgresql",)) -> None:
    for kind in kinds:
        measure_floor(kind, n, runs)


def measure_floor(kind: str, n: int, runs: int) -> None:
    models = write(CACHE / f"models-{n}-v1", n, 1)
    sent = capture(fresh_database(kind, "lbsync_floor_capture"), models)
    tools = [t for t in (ours(), loopback()) if t is not None]
    rows: dict[str, list] = {"DDL alone": [], **{t.name: [] for t in tools}}
    for _ in range(runs):
        rows["DDL alone"].append({"seconds": replay(kind, fresh_database(kind, "lbsync_floor"), sent)})
        for tool in tools:
            rows[tool.name].append(tool.run(fresh_database(kind, "lbsync_floor"), models, "automigrate"))
    drop_databases([kind])
    print(f"| {kind}, N = {n}, median of {runs} | op s | process s | start-up s |")
    print("|---|---|---|---|")
    for name, results in rows.items():
        def median(key):
            values = [r[key] for r in results if key in r]
            return f"{statistics.median(values):.2f}" if values else "-"
        print(f"| {name} | {median('seconds')} | {median('process')} | {median('startup')} |")
    floor = statistics.median(r["seconds"] for r in rows["DDL alone"])
    if "LoopBack" in rows and rows["LoopBack"]:
        theirs = statistics.median(r["process"] for r in rows["LoopBack"])
        startup = statistics.median(r["startup"] for r in rows["django-lbsync"])
        mine = statistics.median(r["process"] for r in rows["django-lbsync"])
        print(f"\nLoopBack / django-lbsync, whole process: {theirs / mine:.1f}x; the most any Python tool could reach "
              f"here (LoopBack's process / (DDL alone + start-up)): {theirs / (floor + startup):.1f}x")


if __name__ == "__main__" and sys.argv[1:2] == ["--capture"]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    _capture_here(*sys.argv[2:4])
elif __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]), kinds=tuple(sys.argv[3:]) or ("postgresql",))
