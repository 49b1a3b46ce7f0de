"""isactual at one size, each tool on a server that holds only its own benchmark database.

bench/run.py keeps every database of a run until the end (dropping one leaves the file system slow for
minutes); a MariaDB server that holds thousands of other tables slows LoopBack's per-table catalog queries
several times. This check measures isactual with one database on the server at a time:

    python bench/isactual_check.py [N] [RUNS]
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write  # noqa: E402
from run import CACHE, drop_databases, fresh_database, loopback, ours  # noqa: E402


def main(n: int = 500, runs: int = 3) -> None:
    models = write(CACHE / f"models-{n}-v1", n, 1)
    tools = [ours(), loopback()]
    print(f"| database | N | tool | isactual op s (median of {runs}) | of which define s | process s | result |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("postgresql", "mysql"):
        for tool in tools:
            if tool is None:
                continue
            url = fresh_database(kind, f"lbsync_check_{tool.name.replace('-', '_').lower()}")
            tool.run(url, models, "setup")
            rows = [tool.run(url, models, "isactual") for _ in range(runs)]
            print(f"| {kind} | {n} | {tool.name} | {statistics.median(r['seconds'] for r in rows):.3f} | "
                  f"{define(rows)} | {statistics.median(r['process'] for r in rows):.2f} | {rows[-1]['result']} |", flush=True)
            drop_databases([kind])
            time.sleep(5)


def define(rows) -> str:
    """LoopBack's reading and defining of its models, part of its op (bench/loopback_worker.js)."""
    return f"{statistics.median(r['define'] for r in rows):.3f}" if all("define" in r for r in rows) else "-"


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
