"""The one identifier rule and the one fragment rule (DESIGN Part 1, decision 9; docs/sql-safety.md).

Every string from model JSON, datasources.json or the live catalog is untrusted. Before any SQL is
built, each name is checked with `identifier_problem` and each SQL fragment LoopBack passes through
by design (`dataType`, `dbDefault`, lengths) with `type_expression_problem`,
`default_expression_problem` and `size_problem`. A string that fails is a definition error (exit 2,
lbsync.E001); nothing reaches the database. Literal values are written with `quote_literal`, which
applies the vendor's full escaping.

The vendor supplies only data: its identifier quote characters, whether its string literals treat a
backslash as an escape, and its comment starts (`Vendor.identifier_quotes`, `backslash_escapes`,
`comment_starts`).

Fragments are refused, never repaired: a fragment is accepted only when it is ONE type expression
or ONE value expression under every reading of a string literal the server may use (backslash as an
escape or as a plain character: `Vendor.literal_readings`), so a server setting such as PostgreSQL's
`standard_conforming_strings` or MySQL's `NO_BACKSLASH_ESCAPES` cannot move the end of a literal.
"""
from __future__ import annotations

import re
from typing import Iterable

from .exceptions import UnsafeLiveName

# NUL and every control character (C0, DEL, C1). A newline in a name or fragment lets batched
# statements run together; NUL truncates strings in C drivers.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def identifier_problem(name: object, quotes: str) -> str | None:
    """Why `name` cannot be used as an identifier on a database quoting with `quotes`, or None.

    The rule: a string, not empty, without the target's quote characters, NUL, control characters
    or `%`. Django's schema editor sends some statements through Python %-formatting (index and
    constraint names always; a statement with an empty parameter list on PostgreSQL, MySQL and
    SQLite), so a `%` in a name would be read as a placeholder there.
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
    if "%" in name:
        return f"name {name!r} contains %, which Django's schema editor reads as a placeholder"
    return None


def literal_problem(value: str) -> str | None:
    """Why `value` cannot be written as a string literal, or None (NUL ends strings in C drivers)."""
    if "\x00" in value:
        return f"value {value!r} contains NUL"
    return None


def quote_literal(value: str, *, backslash_escapes: bool, backslash_prefix: str = "") -> str:
    """A string literal with the vendor's full escaping: `'` doubled, and `\\` doubled where the
    database reads backslash escapes in literals (MySQL/MariaDB without NO_BACKSLASH_ESCAPES).

    `backslash_prefix` (PostgreSQL: `E`) marks a literal that holds a backslash as an escape string,
    with the backslashes doubled, so its end is the same whatever the server's string settings.
    """
    problem = literal_problem(value)
    if problem:
        raise ValueError(problem)
    prefix = ""
    text = value
    if "\\" in value and (backslash_escapes or backslash_prefix):
        text = value.replace("\\", "\\\\")
        prefix = "" if backslash_escapes else backslash_prefix
    return prefix + "'" + text.replace("'", "''") + "'"


# -- lengths, precision, scale ------------------------------------------------------------------

#: The property and connector keys whose value is written into a type as a number.
SIZE_KEYS = ("length", "limit", "dataLength", "dataPrecision", "dataScale", "precision", "scale")


def size_problem(value: object, words: Iterable[str] = ()) -> str | None:
    """Why `value` is not a length / precision / scale, or None.

    Absent values (None, "", false-y as JavaScript reads them) are fine: LoopBack ignores them. A
    non-negative integer or a string of digits ("255", as JavaScript would print it) is fine, and so
    is one of the vendor's size words (SQL Server `max`). Nothing else reaches a type.
    """
    if value is None or value == "" or value is False:
        return None
    if isinstance(value, bool):
        return f"must be a non-negative integer, got {value!r}"
    if isinstance(value, int):
        return None if value >= 0 else f"must be a non-negative integer, got {value!r}"
    if isinstance(value, str) and (re.fullmatch(r"[0-9]{1,9}", value) or value.upper() in words):
        return None
    return f"must be a non-negative integer, got {value!r}"


# -- fragments: the tokenizer -------------------------------------------------------------------

class _Refused(Exception):
    pass


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Punctuation an expression may hold outside string literals (operators, casts, arrays).
_EXPRESSION_PUNCT = set("(),+-*/%<>=!|&~^:.[]#@")
#: Oracle's q'[...]' strings choose their own closing delimiter: never accepted.
_Q_QUOTE_PREFIXES = {"q", "nq"}


def _tokens(text: str, backslash_escapes: bool) -> list[tuple[str, str]]:
    """(kind, text) tokens: word, number, string, space, punct. Raises _Refused for what no rule allows."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\x00":
            raise _Refused("contains NUL")
        if ch == "'":
            if out and out[-1][0] == "word" and out[-1][1].lower() in _Q_QUOTE_PREFIXES:
                raise _Refused("holds an Oracle q'...' string")
            end = _literal_end(text, i, backslash_escapes)
            out.append(("string", text[i:end]))
            i = end
            continue
        if ch == " ":
            j = i
            while j < n and text[j] == " ":
                j += 1
            out.append(("space", text[i:j]))
            i = j
            continue
        if _CONTROL.match(ch) or ch.isspace():
            raise _Refused(f"contains the control character {ch!r} outside a string literal")
        match = _WORD.match(text, i) or _NUMBER.match(text, i)
        if match:
            kind = "word" if match.re is _WORD else "number"
            out.append((kind, match.group()))
            i = match.end()
            continue
        out.append(("punct", ch))
        i += 1
    return out


def _literal_end(text: str, start: int, backslash_escapes: bool) -> int:
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\x00":
            raise _Refused("contains NUL")
        if ch == "\\" and backslash_escapes:
            i += 2
            continue
        if ch == "'":
            if i + 1 < n and text[i + 1] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    raise _Refused("has a string literal that does not end"
                   + (" (a backslash before a quote is an escape on some servers)" if "\\" in text else ""))


def _every_reading(text: str, check, readings: Iterable[bool]) -> str | None:
    """Run `check(tokens)` on the text as each reading of backslashes sees it; the first problem."""
    for backslash_escapes in readings:
        try:
            check(_tokens(text, backslash_escapes))
        except _Refused as refused:
            return str(refused)
    return None


def _punct_problem(ch: str, quotes: str, comment_starts: Iterable[str], after: str) -> str | None:
    if ch == ";":
        return "holds a statement separator ;"
    for start in comment_starts:
        if (ch + after).startswith(start):
            return f"holds a comment start {start}"
    if ch in quotes or ch in "\"`":
        return f"holds the identifier quote {ch}"
    if ch == "$":
        return "holds $ (PostgreSQL dollar quoting)"
    return None


def _comments(tokens: list[tuple[str, str]], quotes: str, comment_starts: Iterable[str], allowed: set) -> None:
    """Refuse separators, comments, identifier quotes and any punctuation outside `allowed`."""
    for index, (kind, value) in enumerate(tokens):
        if kind != "punct":
            continue
        after = "".join(v for _, v in tokens[index + 1:index + 3])
        problem = _punct_problem(value, quotes, comment_starts, after)
        if problem is None and (value not in allowed or value in quotes):
            problem = f"holds {value!r}, which no rule allows here"
        if problem:
            raise _Refused(problem)


# -- dbDefault: one value expression ------------------------------------------------------------

#: Words that start a column clause of their own; outside parentheses they cannot be part of a
#: default value, only the start of something added after it.
DEFAULT_CLAUSE_WORDS = frozenset({
    "PRIMARY", "KEY", "UNIQUE", "REFERENCES", "CHECK", "CONSTRAINT", "GENERATED", "ALWAYS", "STORED", "VIRTUAL",
    "DEFAULT", "FOREIGN", "AUTO_INCREMENT", "AUTOINCREMENT", "IDENTITY", "COMMENT", "ON", "FIRST",
    "AFTER", "INVISIBLE", "PERSISTENT",
})


def default_expression_problem(text: object, *, quotes: str, comment_starts: Iterable[str],
                               readings: Iterable[bool] = (False, True)) -> str | None:
    """Why `text` is not ONE SQL value expression (a `dbDefault`), or None.

    Outside string literals: no statement separator, no comment start, no identifier quote, no
    dollar quoting, no control character, balanced parentheses, no comma and no column-clause word
    outside parentheses. Checked under every reading of backslashes in literals the server may use
(`readings`: True reads a backslash as an escape).
    """
    if not isinstance(text, str):
        return f"must be a string, got {type(text).__name__}"
    if not text.strip():
        return "is empty"
    comment_starts = tuple(comment_starts)

    def check(tokens):
        _comments(tokens, quotes, comment_starts, _EXPRESSION_PUNCT)
        stack: list[str] = []  # open ( and [
        previous = ""  # the word before, across spaces: NOT NULL is a clause, not a value
        for kind, value in tokens:
            if kind == "punct" and value in "([":
                stack.append(value)
            elif kind == "punct" and value in ")]":
                if not stack or stack.pop() != "([)]"[")]".index(value)]:
                    raise _Refused(f"has a {value} without its opening bracket")
            elif kind == "punct" and value == "," and not stack:
                raise _Refused("holds a comma outside parentheses (more than one expression)")
            elif kind == "word" and not stack:
                word = value.upper()
                if word in DEFAULT_CLAUSE_WORDS or (word == "NULL" and previous == "NOT"):
                    raise _Refused(f"holds {value!r}, which would start another column clause")
                previous = word
            if kind not in ("space", "word"):
                previous = ""
        if stack:
            raise _Refused(f"has a {stack[-1]} without its closing bracket")

    problem = _every_reading(text, check, readings)
    return f"is not one expression: {problem}" if problem else None


# -- dataType: one type expression --------------------------------------------------------------

#: Words that add a clause to a column definition (or a statement); never part of a type.
TYPE_CLAUSE_WORDS = DEFAULT_CLAUSE_WORDS | frozenset({
    "NOT", "NULL", "AS", "UPDATE", "DELETE", "CASCADE", "INDEX", "DROP", "ALTER", "ADD", "CREATE", "TABLE",
    "COLUMN", "SELECT", "INSERT", "INTO", "FROM", "WHERE", "USING", "RENAME", "MODIFY", "CHANGE", "GRANT",
    "TRUNCATE", "EXEC", "EXECUTE", "BEGIN", "END", "DECLARE",
})


def type_expression_problem(text: object, *, quotes: str, comment_starts: Iterable[str] = ("--", "/*"),
                            readings: Iterable[bool] = (False, True)) -> str | None:
    """Why `text` is not ONE column type of the target, or None.

    A type is words (`DOUBLE PRECISION`, `INT UNSIGNED`, `TIMESTAMP WITH TIME ZONE`, `CHARACTER SET
    utf8mb4`, `public.citext`), each optionally followed by one parenthesised list of numbers, words,
    `*` and string literals (`NUMERIC(12,2)`, `VARCHAR2(20 CHAR)`, `ENUM('a','b')`), and array
    brackets (`INTEGER[]`, `INT[3]`). Single spaces only; no nesting, no comma outside parentheses,
    no clause word (DEFAULT, NOT, NULL, PRIMARY, REFERENCES, CHECK, GENERATED, AS ...).
    """
    if not isinstance(text, str):
        return f"must be a string, got {type(text).__name__}"
    if not text.strip():
        return "is empty"
    comment_starts = tuple(comment_starts)

    def check(tokens):
        _comments(tokens, quotes, comment_starts, set("(),-*.[]"))
        _type_grammar([t for t in tokens if t[0] != "space"], quotes)
        for kind, value in tokens:
            if kind == "word" and value.upper() in TYPE_CLAUSE_WORDS:
                raise _Refused(f"holds {value!r}, which would add a column clause")

    problem = _every_reading(text, check, readings)
    return f"is not one type: {problem}" if problem else None


def _type_grammar(tokens: list[tuple[str, str]], quotes: str) -> None:
    """word ( '.' word | '(' items ')' | '[' number? ']' | word )*  with items at depth one only."""
    if not tokens or tokens[0][0] != "word":
        raise _Refused("must start with a type name")
    i, n = 1, len(tokens)
    previous = "word"
    while i < n:
        kind, value = tokens[i]
        if kind == "word" and previous in ("word", "group", "array"):
            previous = "word"
        elif value == "." and previous == "word" and i + 1 < n and tokens[i + 1][0] == "word":
            i += 1
            previous = "word"
        elif value == "(" and previous == "word":
            i = _type_group(tokens, i + 1)
            previous = "group"
        elif value == "[" and previous in ("word", "group", "array") and "[" not in quotes:
            if i + 1 < n and tokens[i + 1][0] == "number" and tokens[i + 1][1].isdigit():
                i += 1
            if i + 1 >= n or tokens[i + 1][1] != "]":
                raise _Refused("has an array bracket [ without its ]")
            i += 1
            previous = "array"
        else:
            raise _Refused(f"has {value!r} where a type cannot have it")
        i += 1


def _type_group(tokens: list[tuple[str, str]], i: int) -> int:
    """Items of one ( ... ): numbers (a leading - allowed), words, *, strings; returns the index of )."""
    expect_item = True
    n = len(tokens)
    while i < n:
        kind, value = tokens[i]
        if value == ")" and kind == "punct":
            if expect_item:
                raise _Refused("has an empty item in parentheses")
            return i
        if value == "," and kind == "punct":
            if expect_item:
                raise _Refused("has an empty item in parentheses")
            expect_item = True
        elif value == "-" and kind == "punct" and i + 1 < n and tokens[i + 1][0] == "number":
            pass
        elif kind == "number" and value.isdigit() or kind in ("word", "string") or value == "*":
            expect_item = False
        elif value == "(":
            raise _Refused("has nested parentheses")
        else:
            raise _Refused(f"has {value!r} inside parentheses")
        i += 1
    raise _Refused("has a ( without its )")


# -- live names ----------------------------------------------------------------------------------

def shown(name: object) -> str:
    """A name as it may appear in output: as is when printable, else its escaped repr (no spoofing)."""
    return name if isinstance(name, str) and name and name.isprintable() else repr(name)


def refuse_unsafe_live_names(live, plan, vendor) -> None:
    """Raise UnsafeLiveName when a live table the plan changes holds a name that fails the identifier
    rule. autoupdate renders such names into SQL (dropped and altered columns, dropped indexes and
    foreign keys, SQLite's table rebuild of every column and index, the preflight counts); this runs
    before any of that, so nothing is sent. Read-only paths (isactual, --sql plans) only show them."""
    touched = {change.table.key for change in plan.changes}
    problems: list[str] = []
    for key in touched:
        table = live.tables.get(key)
        if table is not None:
            problems.extend(live_name_problems(table, vendor.identifier_problem))
    if problems:
        raise UnsafeLiveName(problems, consequence="nothing was sent to the database; rename them by hand first")


def live_name_problems(table, identifier_problem) -> list[str]:
    """Every name of one live table (schema, table, columns, keys, indexes, foreign keys) that fails."""
    where = shown(table.key)
    names = [("schema", table.schema)] if table.schema is not None else []
    names += [("table", table.name)]
    names += [("column", column.name) for column in table.columns]
    names += [("primary key column", name) for name in table.primary_key]
    for index in table.indexes:
        names.append(("index", index.name))
        names += [(f"index {shown(index.name)} column", name) for name in index.columns if name]
    for fk in table.foreign_keys:
        if fk.name:  # SQLite keeps no name for an FK written without CONSTRAINT <name>; none is rendered
            names.append(("foreign key", fk.name))
        names.append((f"foreign key {shown(fk.name)} references table", fk.ref_table))
        names += [(f"foreign key {shown(fk.name)} column", name) for name in fk.columns + fk.ref_columns]
        if fk.ref_schema is not None:
            names.append((f"foreign key {shown(fk.name)} references schema", fk.ref_schema))
    out = []
    for what, name in names:
        problem = identifier_problem(name)
        if problem and f"{where}: {what} {problem}" not in out:
            out.append(f"{where}: {what} {problem}")
    return out


def printable(text: str) -> str:
    """`text` with every non-printable character escaped as repr() would (`\\n`, `\\x1b`): a name read
    from the catalog cannot start a line of output of its own, or move the cursor."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
