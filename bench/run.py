#!/usr/bin/env python3
"""Benchmark django-lbsync against LoopBack on the same databases with the same model JSON.

    .venv/bin/python bench/run.py [--sizes 10 100 500 2000] [--runs 3] [--databases sqlite postgresql mysql]
                                  [--ops automigrate isactual autoupdate] [--no-loopback] [--profile]
                                  [--output bench/RESULTS.md]

For each database and N it measures automigrate (v1), isactual in sync, isactual with drift (v2 models on
a v1 database) and autoupdate v1 -> v2 (20% of the models changed): operation time (inside the process),
whole-process time (Django start included), SQL statements and peak memory; the median of --runs.
django-lbsync keeps each desired schema it builds between runs (docs/desired-cache.md), here in the
benchmark's own folder (~/.cache/lbsync-bench/desired-cache, emptied when the benchmark starts). The database
name is part of an entry's key and every automigrate and autoupdate run gets a new database, so those rows
never have an entry: the whole build is in them. The isactual rows run on the database automigrate made
(whose build kept the v1 entry; the drift rows' first run keeps the v2 one, so their median has an entry);
isactual also keeps its answer under the digest of the catalog rows it read (docs/verdict-cache.md), so the
second and third run of each isactual row answer from it; "isactual (in sync), no answer kept" is the same
operation where no kept answer fits (the desired schema's entry only: the first run after the schema changed);
"isactual (in sync), no cache entry" the same with an empty cache folder (the first run after the JSON or the
settings changed). Both are compared with the same LoopBack run.
When node and npm are present, LoopBack's juggler 6 and the official PostgreSQL and MySQL connectors 8
are installed from the npm registry into ~/.cache/lbsync-bench (outside the repository) and measured the
same way, and the ratio is printed. It also reports whether each tool's isactual is true right after its
own autoupdate. Databases used: lbsync_bench and lbsync_bench_lb (created and dropped here).

--profile runs django-lbsync's operations under cProfile (bench/profile_steps.py) and adds a table of each
step's time (load JSON, resolve, desired schema, introspect, diff, render, send; median of the runs). The
profiler slows the run down, so op and process times are from a run without it only when --profile is off.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import write  # noqa: E402

CACHE = Path(os.environ.get("LBSYNC_BENCH_CACHE", Path.home() / ".cache" / "lbsync-bench"))
OPS = ("automigrate", "automigrate, no cache entry", "isactual (in sync)", "isactual (drift)",
       "isactual (in sync), no answer kept", "isactual (in sync), no cache entry", "autoupdate v1->v2")
#: Rows of django-lbsync alone (LoopBack keeps nothing between runs): compared with LoopBack's row of this name.
OUR_VARIANTS = {"automigrate, no cache entry": "automigrate",
                "isactual (in sync), no answer kept": "isactual (in sync)",
                "isactual (in sync), no cache entry": "isactual (in sync)"}
#: django-lbsync keeps desired schemas between runs (docs/desired-cache.md); the benchmark's own folder for them.
DESIRED_CACHE = CACHE / "desired-cache"
URLS = {
    "postgresql": "postgres://postgres@127.0.0.1:5432/{db}",
    "mysql": "mysql://root@127.0.0.1:3306/{db}",
}


# Every run gets a database of its own, and all are dropped when the benchmark ends. Dropping a
# database deletes thousands of files, and for minutes afterwards ext4 spends kernel CPU skipping the
# recently freed inodes on every file the server creates (perf on the PostgreSQL backend: 70% of its time
# in find_inode_bit/recently_deleted; 500 CREATE TABLEs by psql took 4.3 s right after a drop and 1.3 s on a
# quiet disk). A drop before each run measured the file system, not the tools.
CREATED: list[tuple[str, str]] = []


def fresh_database(kind: str, name: str) -> str:
    name = f"{name}_{len(CREATED)}"
    CREATED.append((kind, name))
    if kind == "sqlite":
        path = CACHE / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if kind == "postgresql":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    else:
        import MySQLdb

        conn = MySQLdb.connect(host="127.0.0.1", user="root", passwd="")
        conn.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
        conn.cursor().execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        conn.close()
    return URLS[kind].format(db=name)


def measure(command: list[str], cache: Path | None = None, no_answers: bool = False) -> dict:
    """One run; `cache`: django-lbsync's desired-schema cache folder for it (default: the benchmark's);
    `no_answers`: no answer kept by catalog digest fits (docs/verdict-cache.md): the first run after a change."""
    env = {**os.environ, "LBSYNC_BENCH_DESIRED_CACHE": str(cache or DESIRED_CACHE),
           "LBSYNC_BENCH_NO_ANSWERS": "1" if no_answers else ""}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data["process"] = wall
    return data


class Tool:
    def __init__(self, name: str, command):
        self.name, self.command = name, command

    def run(self, url, models, op, cache: Path | None = None, no_answers: bool = False) -> dict:
        return measure(self.command(url, models, op), cache, no_answers)


def ours(profile: bool = False) -> Tool:
    extra = ["--profile"] if profile else []
    byte_compile()
    return Tool("django-lbsync",
                lambda url, models, op: [sys.executable, str(HERE / "worker.py"), url, str(models), op, *extra])


def byte_compile() -> None:
    """Compile the package's modules once, as `pip install` of the wheel does. A source checkout installed
    in editable mode under PYTHONDONTWRITEBYTECODE (set on this machine) otherwise compiles all of
    django_lbsync again in every process: 0.08-0.1 s of CPU per process that no installed copy pays."""
    import compileall

    compileall.compile_dir(str(HERE.parent / "django_lbsync"), quiet=1)


def loopback() -> Tool | None:
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    folder = CACHE / "loopback"
    if not (folder / "node_modules" / "loopback-connector-mysql").exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "init", "-y"], cwd=folder, capture_output=True, check=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "loopback-datasource-juggler@6",
                        "loopback-connector-postgresql@8", "loopback-connector-mysql@8"], cwd=folder, check=True,
                       capture_output=True)
    shutil.copy(HERE / "loopback_worker.js", folder / "worker.js")

    def command(url, models, op):
        kind = "postgresql" if url.startswith("postgres") else "mysql"
        return ["node", str(folder / "worker.js"), kind, url, str(models), op]

    return Tool("LoopBack", command)


def bench_tool(tool: Tool, kind: str, database: str, v1: Path, v2: Path, runs: int, ops=OPS) -> dict:
    """Every automigrate (and the v1 set-up before each autoupdate) starts from an empty database:
    LoopBack's automigrate cannot run twice over foreign keys (its DROP has no CASCADE, §8).
    A failing operation is recorded with its error instead of stopping the benchmark."""
    results: dict[str, list[dict]] = {op: [] for op in OPS}
    errors: dict[str, str] = {}

    def attempt(op: str, url: str, models: Path, action: str, cold: bool = False) -> dict | None:
        """`cold`: in an empty desired-schema cache folder (the first run after the JSON or settings changed)."""
        try:
            if cold:
                empty = DESIRED_CACHE.with_name(f"desired-cache-empty-{time.time_ns()}")
                try:
                    row = tool.run(url, models, action, cache=empty)
                finally:
                    shutil.rmtree(empty, ignore_errors=True)
            else:
                row = tool.run(url, models, action)
        except RuntimeError as exc:
            last = [line for line in str(exc).splitlines() if line.strip()]
            errors[op] = next((line.strip() for line in last if "rror" in line), last[-1] if last else "failed")[:160]
            return None
        results.setdefault(op, []).append(row)
        return row

    url = fresh_database(kind, database)
    isactual = any(op.startswith("isactual") for op in ops)
    for _ in range(runs if "automigrate" in ops else 0):
        url = fresh_database(kind, database)
        attempt("automigrate", url, v1, "automigrate")
    for _ in range(runs if "automigrate" in ops and tool.name == "django-lbsync" else 0):
        url = fresh_database(kind, database)  # the first automigrate after the JSON or the settings changed
        attempt("automigrate, no cache entry", url, v1, "automigrate", cold=True)
    if isactual and "automigrate" not in ops:
        tool.run(url, v1, "setup")
    for _ in range(runs if isactual else 0):
        attempt("isactual (in sync)", url, v1, "isactual")
    for _ in range(runs if isactual else 0):
        attempt("isactual (drift)", url, v2, "isactual")
    for _ in range(runs if isactual and tool.name == "django-lbsync" else 0):
        row = tool.run(url, v1, "isactual", no_answers=True)  # the desired schema's entry, no answer kept
        results["isactual (in sync), no answer kept"].append(row)
    for _ in range(runs if isactual and tool.name == "django-lbsync" else 0):
        attempt("isactual (in sync), no cache entry", url, v1, "isactual", cold=True)
    actual_after = None
    for _ in range(runs if "autoupdate v1->v2" in ops else 0):
        url = fresh_database(kind, database)
        if attempt("autoupdate v1->v2 (set-up)", url, v1, "setup") is None:
            continue
        if attempt("autoupdate v1->v2", url, v2, "autoupdate") is not None:
            after = attempt("isactual after autoupdate", url, v2, "isactual")
            actual_after = after["result"] if after else None
    summary: dict = {"errors": errors}
    for op in OPS:
        rows = results[op]
        summary[op] = {key: statistics.median(r[key] for r in rows) for key in
                       ("seconds", "process", "statements", "maxrss_mb")} if rows else None
        if rows and all("define" in r for r in rows):  # LoopBack: reading and defining its models, part of op
            summary[op]["define"] = statistics.median(r["define"] for r in rows)
        if rows and all("steps" in r for r in rows):
            summary[op]["steps"] = {step: statistics.median(r["steps"][step] for r in rows) for step in rows[0]["steps"]}
            summary[op]["steps"]["start-up"] = statistics.median(r["startup"] for r in rows)
    summary["isactual right after its own autoupdate"] = actual_after
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500, 2000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql", "mysql"])
    parser.add_argument("--ops", nargs="+", choices=["automigrate", "isactual", "autoupdate"],
                        default=["automigrate", "isactual", "autoupdate"])
    parser.add_argument("--no-loopback", action="store_true")
    parser.add_argument("--profile", action="store_true", help="per-step times of django-lbsync (cProfile)")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(DESIRED_CACHE, ignore_errors=True)  # no entry from an earlier benchmark (names repeat)
    args.load_before = os.getloadavg()
    lb = None if args.no_loopback else loopback()
    ops = tuple(op for op in OPS if op.split()[0].rstrip(",") in args.ops)
    rows = []
    try:
        _run_all(args, lb, ops, rows)
    finally:
        drop_databases(args.databases)
    args.load_after = os.getloadavg()
    table = render(rows, ops)
    if args.profile:
        table += "\n\nPer-step seconds (django-lbsync, under cProfile):\n\n" + render_steps(rows, ops)
    print(table)
    args.output.write_text(report(table, args))


def _run_all(args, lb, ops, rows) -> None:
    for kind in args.databases:
        for n in args.sizes:
            v1 = write(CACHE / f"models-{n}-v1", n, 1)
            v2 = write(CACHE / f"models-{n}-v2", n, 2)
            print(f"{kind} N={n}: django-lbsync ...", flush=True)
            mine = bench_tool(ours(args.profile), kind, "lbsync_bench", v1, v2, args.runs, ops)
            theirs = None
            if lb and kind != "sqlite":
                print(f"{kind} N={n}: LoopBack ...", flush=True)
                theirs = bench_tool(lb, kind, "lbsync_bench_lb", v1, v2, args.runs, ops)
            rows.append((kind, n, mine, theirs))
            print(render([rows[-1]], ops), flush=True)
            if args.profile:
                print(render_steps([rows[-1]], ops), flush=True)


def drop_databases(kinds) -> None:
    """Leave the servers as they were: thousands of tables slow down everything else on them."""
    for kind, name in CREATED:
        if kind == "sqlite":
            (CACHE / f"{name}.sqlite3").unlink(missing_ok=True)
        elif kind == "postgresql":
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        elif kind == "mysql":
            import MySQLdb

            conn = MySQLdb.connect(host="127.0.0.1", user="root", passwd="")
            conn.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
            conn.close()
    CREATED.clear()


def render_steps(rows, ops=OPS) -> str:
    steps = next((list(mine[op]["steps"]) for _, _, mine, _ in rows for op in ops
                  if mine.get(op) and "steps" in mine[op]), [])
    lines = ["| database | N | operation | " + " | ".join(steps) + " |", "|---|---|---|" + "---|" * len(steps)]
    for kind, n, mine, _ in rows:
        for op in ops:
            if mine.get(op) and "steps" in mine[op]:
                lines.append(f"| {kind} | {n} | {op} | " + " | ".join(f"{mine[op]['steps'][s]:.3f}" for s in steps) + " |")
    return "\n".join(lines)


def render(rows, ops=OPS) -> str:
    lines = ["| database | N | operation | lbsync op s | lbsync process s | lbsync SQL | lbsync peak MB "
             "| LoopBack op s | of which define s | LoopBack process s | LoopBack SQL | LoopBack / lbsync op "
             "| LoopBack / lbsync process |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for kind, n, mine, theirs in rows:
        for op in ops:
            # A row without a cache entry is compared with LoopBack's same operation (LoopBack keeps nothing).
            theirs_op = OUR_VARIANTS.get(op, op)
            m, t = mine[op], (theirs[theirs_op] if theirs else None)
            ours_cells = (f"{m['seconds']:.3f} | {m['process']:.2f} | {m['statements']:.0f} | {m['maxrss_mb']:.0f}"
                          if m else f"failed: {mine['errors'].get(op, '?')} | | |")
            if theirs is None:
                theirs_cells = "- | - | - | - | - | -"
            elif t is None:
                theirs_cells = (f"failed: {theirs['errors'].get(theirs_op) or theirs['errors'].get(theirs_op + ' (set-up)', '?')}"
                                " | | | | | ")
            else:
                ratio = f"{t['seconds'] / m['seconds']:.1f}x" if m and m["seconds"] else "-"
                process = f"{t['process'] / m['process']:.1f}x" if m and m["process"] else "-"
                define = f"{t['define']:.3f}" if "define" in t else "-"
                theirs_cells = (f"{t['seconds']:.3f} | {define} | {t['process']:.2f} | {t['statements']:.0f} | {ratio} "
                                f"| {process}")
            lines.append(f"| {kind} | {n} | {op} | {ours_cells} | {theirs_cells} |")
        after = f"django-lbsync: {mine['isactual right after its own autoupdate']}"
        if theirs:
            after += f"; LoopBack: {theirs['isactual right after its own autoupdate']}"
        if "autoupdate v1->v2" in ops:
            lines.append(f"| {kind} | {n} | isactual right after own autoupdate | {after} | | | | | | | | | |")
    return "\n".join(lines)


def _load(average) -> str:
    return ", ".join(f"{x:.2f}" for x in average)


def report(table: str, args) -> str:
    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip().splitlines()[0]
        except Exception:  # noqa: BLE001
            return "unknown"

    return f"""# Benchmark results

Regenerate with `.venv/bin/python bench/run.py` (options: `--sizes`, `--runs`, `--databases`, `--no-loopback`).

Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},
{version("psql --version")}, {version("mariadb --version")}, node {version("node --version")};
run on {date.today().isoformat()} with sizes {args.sizes}, median of {args.runs} run(s); load average (1, 5,
15 min) {_load(args.load_before)} before and {_load(args.load_after)} after: other work shares the cores, so
compare the ratios (measured in the same run) rather than the seconds across runs.
LoopBack: loopback-datasource-juggler 6, loopback-connector-postgresql 8, loopback-connector-mysql 8.

Each model has 12 properties (strings, numbers, booleans, dates, text, object), a unique and a plain index,
and every fifth model a foreign key; in v2, 20% of the models change (add, drop, widen, required, index).
"op s" is the operation alone, for both tools from the model JSON on disk to the answer with the connection
already open: django-lbsync reads, resolves and maps the JSON in its operation, and LoopBack's operation
likewise includes reading the files and defining its models in the juggler ("of which define s"; until
2026-11-27 LoopBack's op left that out: 0.12-0.14 s at 500 models, 0.43-0.46 s at 2,000). "process s" is the
whole process (`python`, Django start included, or `node`; the
package byte-compiled first, as an installed wheel is: bench/run.py byte_compile); "SQL" is
the number of statements the operation sent; "peak MB" the process's maximum resident memory.
django-lbsync keeps each desired schema it builds between runs (docs/desired-cache.md; the benchmark's folder is
emptied when it starts). Every automigrate and autoupdate run here gets a new database. These models name no
schema, so their desired schema is kept once for every database name (docs/desired-cache.md): the first
automigrate builds it from the JSON, the second and third (the median) take it from the entry, as a project
does that migrates a new test or tenant database with models it built before. "automigrate, no cache entry" is
django-lbsync's automigrate with an empty cache folder (the first run after the JSON or the settings changed),
compared with the same LoopBack automigrate. The isactual rows run on the database
automigrate made, with an entry (the drift rows' first run makes the v2 one; the median has it). isactual keeps
its answer under the digest of the catalog rows it read (docs/verdict-cache.md): the second and third run of
each isactual row answer from it (the median is such a run). "isactual (in sync), no answer kept" is the same
operation with the desired schema's entry where no kept answer fits (the first isactual after the database changed);
"isactual (in sync), no cache entry" is the same with an empty cache folder (the first run after the JSON or the
settings changed). Their ratios are to the same LoopBack run.

{table}
"""


if __name__ == "__main__":
    main()
