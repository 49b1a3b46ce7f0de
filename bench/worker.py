"""One measured operation in a fresh process: prints JSON with operation time, SQL statements, peak memory.

    python bench/worker.py DATABASE_URL MODELS_DIR automigrate|isactual|autoupdate|setup [--profile]

With --profile the operation runs under cProfile and the JSON also holds "steps": each step's time
(bench/profile_steps.py), plus "startup": the seconds from process start to the operation.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent))


STARTED = time.perf_counter()


def main(url: str, models: str, op: str, profile: bool = False) -> None:
    import dj_database_url
    import django
    from django.conf import settings

    lbsync = {"MODELS": models}
    # The desired-schema cache (docs/desired-cache.md): LBSYNC_BENCH_DESIRED_CACHE names its folder ("off": none);
    # unset, the default folder. Every Django project has a SECRET_KEY, which the cache needs.
    cache = os.environ.get("LBSYNC_BENCH_DESIRED_CACHE")
    if cache:
        lbsync["CACHE_DIR"] = None if cache == "off" else cache
    settings.configure(
        DATABASES={"default": dj_database_url.parse(url)}, INSTALLED_APPS=["django_lbsync"], USE_TZ=True,
        LBSYNC=lbsync, SECRET_KEY="django-lbsync benchmark",
    )
    django.setup()
    from django.db import connection

    if os.environ.get("LBSYNC_BENCH_NO_ANSWERS"):
        # bench/run.py's "no answer kept" row: the answers kept by catalog digest are looked up as always and none
        # fits (the first isactual after the database changed: the digest waited for, then the build).
        from django_lbsync import verdict_cache

        verdict_cache.Remembered.plan_for = lambda self, digest, **kwargs: None

    from django_lbsync import automigrate, autoupdate, is_actual

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    connection.ensure_connection()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    with connection.execute_wrapper(count):
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = None
        if op in ("automigrate", "setup"):
            automigrate()
        elif op == "isactual":
            result = is_actual()
        elif op == "autoupdate":
            result = len(autoupdate(allow_destructive=True).applied)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start
    data = {"seconds": elapsed, "statements": statements[0], "result": result,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            # CPU seconds of this process (operation and start-up): steadier than wall time on shared cores.
            "cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
            "startup": start - STARTED}
    if profiler:
        from profile_steps import step_times

        data["steps"] = step_times(profiler)
        dump = os.environ.get("LBSYNC_BENCH_PSTATS")
        if dump:
            profiler.dump_stats(dump)
    print(json.dumps(data))


if __name__ == "__main__":
    main(*sys.argv[1:4], profile="--profile" in sys.argv[4:])
