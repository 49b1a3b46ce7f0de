"""automigrate on PostgreSQL against its floor: the same statements sent by nothing but the driver.

    python bench/ddl_floor.py [N] [RUNS]

Captures the statements django-lbsync's automigrate sends for N models (bench/generate.py), then, each run on a
new database: those statements replayed by psycopg alone in one transaction, as one multi-statement string
("DDL alone": the server's own time for this DDL, with nothing rendered), django-lbsync's automigrate and
LoopBack's, in turn. Prints the medians and the best whole-process ratio to LoopBack that any tool could reach
here: LoopBack's process over (the DDL alone + django-lbsync's start-up).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write  # noqa: E402
from run import CACHE, drop_databases, fresh_database, loopback, ours  # noqa: E402


def capture(url: str, models: Path) -> str:
    """The statements of one automigrate (it runs it, on the database `url` names)."""
    import dj_database_url
    import django
    from django.conf import settings

    settings.configure(DATABASES={"default": dj_database_url.parse(url)}, INSTALLED_APPS=["django_lbsync"],
                       USE_TZ=True, LBSYNC={"MODELS": str(models), "CACHE_DIR": None}, SECRET_KEY="bench")
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
    connection.close()
    return "\n".join(sent)


def ddl_alone(url: str, ddl: str) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        start = time.perf_counter()
        with conn.transaction():
            conn.execute(ddl.encode())
        return time.perf_counter() - start


def main(n: int = 500, runs: int = 3) -> None:
    models = write(CACHE / f"models-{n}-v1", n, 1)
    ddl = capture(fresh_database("postgresql", "lbsync_floor_capture"), models)
    tools = [t for t in (ours(), loopback()) if t is not None]
    rows: dict[str, list] = {"DDL alone": [], **{t.name: [] for t in tools}}
    for _ in range(runs):
        rows["DDL alone"].append({"seconds": ddl_alone(fresh_database("postgresql", "lbsync_floor"), ddl)})
        for tool in tools:
            rows[tool.name].append(tool.run(fresh_database("postgresql", "lbsync_floor"), models, "automigrate"))
    drop_databases(["postgresql"])
    print(f"| PostgreSQL, N = {n}, median of {runs} | op s | process s | start-up s |")
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


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
