#!/usr/bin/env python3
"""Time the PostgreSQL catalog read (introspect.introspect) at a few table counts.

    PYTHONPATH=. .venv/bin/python scripts/bench_catalog_read.py 500 2000

For each count: a scratch database with a unique name on the local server (LBSYNC_BENCH_PG_HOST,
127.0.0.1:5432, user postgres) gets that many tables (SERIAL key, 8 more columns, three of them with
a default, a unique and a two-column index, a foreign key to the table before), introspect() reads it
5 times (after one warm-up read), and the median is printed. The database is dropped afterwards.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid

import django
from django.conf import settings

HOST = os.environ.get("LBSYNC_BENCH_PG_HOST", "127.0.0.1")
READS = 5


def configure(name: str) -> None:
    settings.configure(
        INSTALLED_APPS=["django_lbsync"], USE_TZ=True,
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "postgres", "USER": "postgres",
                               "HOST": HOST, "PORT": 5432},
                   "bench": {"ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": "postgres",
                             "HOST": HOST, "PORT": 5432}})
    django.setup()


def create_tables(cursor, first: int, count: int) -> None:
    for i in range(first, count):
        fk = f", prev_id integer REFERENCES t{i - 1} (id)" if i else ""
        cursor.execute(
            f"CREATE TABLE t{i} (id SERIAL PRIMARY KEY, code varchar(20) NOT NULL, title text, "
            f"qty integer DEFAULT 0, price numeric(10, 2), made timestamptz DEFAULT now(), "
            f"flag boolean DEFAULT false, note varchar(200), n2 bigint{fk})")
        cursor.execute(f"CREATE UNIQUE INDEX t{i}_code ON t{i} (code)")
        cursor.execute(f"CREATE INDEX t{i}_title_qty ON t{i} (title, qty DESC)")


def main(counts: list[int]) -> None:
    from django.db import connections

    from django_lbsync.introspect import introspect

    name = f"lbsync_bench_{uuid.uuid4().hex[:8]}"
    configure(name)
    admin = connections["default"]
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        bench = connections["bench"]
        made = 0
        for count in sorted(counts):
            with bench.cursor() as cursor:
                for first in range(made, count, 200):  # 200 a transaction: the lock table is bounded
                    cursor.execute("BEGIN")
                    create_tables(cursor, first, min(first + 200, count))
                    cursor.execute("COMMIT")
                cursor.execute("VACUUM ANALYZE")
            made = count
            assert len(introspect(bench).tables) == count  # warm-up, and the read is complete
            times = []
            for _ in range(READS):
                start = time.perf_counter()
                introspect(bench)
                times.append(time.perf_counter() - start)
            print(f"{count:>6} tables: median {statistics.median(times) * 1000:.0f} ms "
                  f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {READS} reads)", flush=True)
        bench.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 2000])
