"""The one identifier rule and the one fragment rule (DESIGN Part 1, decision 9; docs/sql-safety.md).

Every string from model JSON, datasources.json or the live catalog is untrusted. Before any SQL is
built, each name is checked with `identifier_problem` and each SQL fragment LoopBack passes through
by design (`dataType`, `dbDefault`) with `type_expression_problem` / `default_expression_problem`.
A string that fails is a definition error (exit 2, lbsync.E001); nothing reaches the database.
Literal values are written with `quote_literal`, which applies the vendor's full escaping.

The vendor supplies only data: its identifier quote characters and whether its string literals
treat a backslash as an escape (`Vendor.identifier_quotes`, `Vendor.backslash_escapes`).
"""
from __future__ import annotations

import re

# NUL and every control character (C0, DEL, C1). A newline in a name or fragment lets batched
# statements run together; NUL truncates strings in C drivers.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def identifier_problem(name: object, quotes: str) -> str | None:
    """Why `name` cannot be used as an identifier on a database quoting with `quotes`, or None.

    The rule: a string, not empty, without the target's quote characters, NUL or control characters.
    """
    if not isinstance(name, str):
        return f"a name must be a string, got {type(name).__name__}"
    if not name:
        return "a name cannot be empty"
    if _CONTROL.search(name):
        return f"name {name!r} contains a control character (newline, NUL ...)"
    bad = sorted({ch for ch in name if ch in quotes})
    if bad:
        return f"name {name!r} contains the quote character {' '.join(bad)} of this database"
    return None


def quote_literal(value: str, *, backslash_escapes: bool) -> str:
    """A string literal with the vendor's full escaping: `'` doubled, and `\\` doubled where the
    database reads backslash escapes in literals (MySQL/MariaDB without NO_BACKSLASH_ESCAPES)."""
    if "\x00" in value:
        raise ValueError(f"literal {value!r} contains NUL")
    text = value.replace("\\", "\\\\") if backslash_escapes else value
    return "'" + text.replace("'", "''") + "'"
