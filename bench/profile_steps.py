"""Per-step times of one operation, from a cProfile run (bench/worker.py --profile).

Each step is the cumulative time of the functions that do it (outermost call only, so a step is never
counted twice when it calls itself): load JSON, resolve, desired schema, introspect, diff, render, send.
"""
from __future__ import annotations

import cProfile
import pstats

#: step -> (module path suffix, function name) whose cumulative time is the step's.
STEPS = {
    "load JSON": [("django_lbsync/loader.py", "add_folder"), ("django_lbsync/loader.py", "add_file")],
    "resolve": [("django_lbsync/loader.py", "resolve"), ("django_lbsync/loader.py", "_add_relation_properties")],
    "desired schema": [("django_lbsync/desired.py", "build_schema")],
    "introspect": [("django_lbsync/introspect.py", "introspect"), ("django_lbsync/introspect.py", "existing_tables")],
    "diff": [("django_lbsync/diff.py", "diff"), ("django_lbsync/preflight.py", "classify")],
    "render": [("django_lbsync/bridge.py", "render_models")],
    "apply steps (render + editor)": [("django_lbsync/apply.py", "apply")],
    "send": [("django/db/backends/utils.py", "execute"), ("django/db/backends/utils.py", "executemany"),
             ("django_lbsync/batch.py", "send")],
}


def step_times(profile: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profile).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    times = {}
    for step, targets in STEPS.items():
        total = 0.0
        for (path, _line, name), (_cc, _nc, _tt, cumulative, callers) in stats.items():
            if name == targets[0][1] or any(name == n for _, n in targets):
                if not any(path.endswith(p) and name == n for p, n in targets):
                    continue
                # Outermost only: skip calls made from another target of the same step.
                inner = sum(ct for caller, (_c, _n, _t, ct) in callers.items()
                            if any(caller[0].endswith(p) and caller[2] == n for p, n in targets))
                total += cumulative - inner
        times[step] = round(total, 4)
    return times
