"""Reading JSON files with errors that say where (file, line, column), and warnings for what LoopBack
reads silently (docs/input-validation.md)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import sourcefs
from .exceptions import DefinitionProblem

#: Deepest nesting of arrays and objects a definition file may have. Real model files nest a few levels;
#: deeper input is refused as a problem instead of exhausting Python's stack later (copying, merging).
MAX_DEPTH = 100

#: Warning code of a key written twice in one JSON object (checks.py shows it; docs/input-validation.md).
DUPLICATE_KEY = "lbsync.W004"


class _NotFinite:
    """Stands for `NaN`, `Infinity` or `-Infinity` while the file is read: Python's json accepts them, but
    they are not JSON and Node's JSON.parse (hence LoopBack) refuses the file. Replaced by None after the
    problem is recorded, so the rest of the file is still checked."""

    def __init__(self, literal: str):
        self.literal = literal


def read_json(path: Path, problems: list[DefinitionProblem],
              warnings: list[DefinitionProblem] | None = None) -> Any | None:
    """Parse one file; on failure record a problem naming line and column and return None.

    A UTF-8 byte-order mark is allowed (Node's `require` strips it). `NaN`/`Infinity` and nesting deeper
    than MAX_DEPTH are problems naming the JSON path; a key written twice in one object is a warning
    (LoopBack keeps the last value, and so do we)."""
    try:
        text = sourcefs.read_bytes(path).decode("utf-8-sig")
    except sourcefs.Unreadable as exc:
        problems.append(DefinitionProblem(str(exc), path=path))
        return None
    except OSError as exc:
        problems.append(DefinitionProblem(f"cannot read file: {exc.strerror or exc}", path=path))
        return None
    except UnicodeDecodeError as exc:
        problems.append(_not_utf8(path, exc))
        return None
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        seen = dict(items)  # the last value of a key wins, as in LoopBack
        if len(seen) != len(items):  # rare: find which keys repeat
            counted: set[str] = set()
            for key, _value in items:
                if key in counted and key not in duplicates:
                    duplicates.append(key)
                counted.add(key)
        return seen

    not_finite: list[_NotFinite] = []

    def constant(literal: str) -> _NotFinite:
        not_finite.append(_NotFinite(literal))
        return not_finite[-1]

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        problems.append(
            DefinitionProblem(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", path=path)
        )
        return None
    except ValueError as exc:  # e.g. an integer literal longer than Python's digit limit
        problems.append(DefinitionProblem(f"invalid JSON: {exc}", path=path))
        return None
    except RecursionError:
        problems.append(DefinitionProblem(f"invalid JSON: nested deeper than {MAX_DEPTH} levels", path=path))
        return None
    model = data.get("name") if isinstance(data, dict) and isinstance(data.get("name"), str) else None
    if not_finite:
        data, found, too_deep = _checked(data)
    else:  # nearly every file: only the depth to check, and no JSON paths to build
        # Nesting cannot be deeper than the number of brackets (counted in C); a model file has a few dozen.
        found = []
        too_deep = text.count("{") + text.count("[") >= MAX_DEPTH and _too_deep(data)
    if too_deep:
        problems.append(DefinitionProblem(f"invalid JSON: nested deeper than {MAX_DEPTH} levels", path=path,
                                          model=model))
        return None
    for where, why in found:
        prop = where.split(".")[1] if where.startswith("properties.") else None
        problems.append(DefinitionProblem(f'at "{where}": {why}' if where else why, path=path, model=model,
                                          prop=prop))
    if warnings is not None:
        for key in duplicates:
            warnings.append(DefinitionProblem(
                f'key "{key}" appears more than once in one JSON object; LoopBack keeps the last value, and so '
                "does django-lbsync", path=path, model=model, code=DUPLICATE_KEY))
    return data


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> DefinitionProblem:
    """Where the undecodable byte is: line and column, and the model and property when the rest of the file
    is JSON (read with the bad bytes replaced, only to find them)."""
    raw = exc.object
    line = raw.count(b"\n", 0, exc.start) + 1
    column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
    message = f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}, column {column} cannot be decoded"
    model = prop = None
    try:
        data = json.loads(raw.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        model = data.get("name") if isinstance(data.get("name"), str) else None
        properties = data.get("properties")
        if isinstance(properties, dict):
            prop = next((name for name, value in properties.items()
                         if "\ufffd" in name + json.dumps(value, ensure_ascii=False)), None)
    return DefinitionProblem(message, path=path, model=model, prop=prop)


def _too_deep(data: Any) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH (iterative: no depth exhausts the stack)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth >= MAX_DEPTH:
            return True
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def _checked(data: Any) -> tuple[Any, list[tuple[str, str]], bool]:
    """The data with every NaN/Infinity replaced by None, the problems as (JSON path, message), and
    whether the nesting is too deep. Iterative, so no nesting depth can exhaust the stack."""
    found: list[tuple[str, str]] = []
    root = [data]
    stack: list[tuple[Any, Any, str, int]] = [(root, 0, "", 0)]
    while stack:
        parent, key, where, depth = stack.pop()
        value = parent[key]
        if isinstance(value, _NotFinite):
            parent[key] = None
            found.append((where, f"{value.literal} is not JSON (Node's JSON.parse, hence LoopBack, refuses "
                                 "it); write a number or a string"))
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                return None, [], True
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for child_key, _child in items:
                child_where = f"{where}.{child_key}" if where else str(child_key)
                stack.append((value, child_key, child_where, depth + 1))
    found.sort()
    return root[0], found, False
