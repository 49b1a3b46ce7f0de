"""The cyclic garbage collector paused for one run.

A run at 5,000 models allocates millions of small objects that live until it ends (definitions, tables,
columns, catalog rows). Each of CPython's full collections walks all of them, and the collector starts
one every time enough new objects accumulate, so the pauses grow with the schema: at 5,000 models they
were about a fifth of isactual's time. Nearly everything allocated is reachable until the run returns,
so collecting during it frees little. The collector is switched back on when the run ends (it then
runs on its own schedule); a run inside another paused run leaves the switch to the outer one.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    """Also a decorator (each call gets its own pause)."""
    if not gc.isenabled():  # already paused (an outer run) or switched off by the application
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
