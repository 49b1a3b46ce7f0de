"""The cyclic garbage collector paused while a run builds its long-lived data.

A run at 5,000 models allocates millions of small objects that live until it ends (definitions, tables,
columns, catalog rows). Each of CPython's full collections walks all of them, and the collector starts
one every time enough new objects accumulate, so the pauses grow with the schema: at 5,000 models they
were about a fifth of isactual's time. Nearly everything allocated then is reachable until the run
returns, so collecting frees little.

Rendering is different: Django model classes are cycles (class, _meta, fields), and a run that renders
thousands of them must get each one's memory back once its table is made. So the steps that render
(`collecting_new_garbage`) freeze what exists (gc.freeze: never scanned again) and switch the collector on
for what they allocate; the frozen objects are handed back when they end.

The collector is switched back on when the run ends (it then runs on its own schedule); a run inside
another paused run leaves the switch to the outer one, and an application that switched it off keeps it off.
The switch is the process's: while a run holds it, other threads' cyclic garbage waits for the run's end.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_state = threading.local()
#: What the interpreter itself froze before any application code ran (CPython 3.12 starts with a few hundred
#: objects frozen; 3.11 and 3.13 with none): more than this means the application froze its own.
_FROZEN_AT_START = gc.get_freeze_count()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Also a decorator (each call gets its own pause)."""
    if not gc.isenabled():  # already paused (an outer run) or switched off by the application
        yield
        return
    gc.disable()
    outer = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = outer  # a run started from inside another (a progress callback) hands it back
        gc.enable()


@contextmanager
def collecting_new_garbage() -> Iterator[None]:
    """Inside this thread's paused run: collect what the block allocates, and never scan what existed before."""
    if gc.isenabled() or not getattr(_state, "paused", False):
        yield
        return
    # An application may have frozen its own objects (gc.freeze before forking workers); unfreeze() would
    # hand those back too. Then the collector only runs, scanning the run's objects as well: slower, not wrong.
    freeze = gc.get_freeze_count() <= _FROZEN_AT_START
    if freeze:
        gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.disable()
        if freeze:
            gc.unfreeze()
