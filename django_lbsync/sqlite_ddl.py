"""Reading SQLite's stored CREATE TABLE text for what a table rebuild must write back.

SQLite keeps a table's definition only as the text it accepted (sqlite_master.sql). Django rebuilds
a table from the model, so whatever the model does not say is lost unless it is read from that text:
column COLLATE and CHECK clauses and table-level CHECK constraints are carried over; what cannot
be carried (generated columns, WITHOUT ROWID / STRICT) is reported so the rebuild is refused.

The text is untrusted (DESIGN decision 9). It is split with SQLite's own lexical rules (strings
'..', identifiers "..", `..`, [..], comments) and every clause kept is one balanced parenthesised
group or one plain word, so a kept clause can never close the column list or start a statement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
      | (?P<string>'(?:[^']|'')*')
      | (?P<ident>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
      | (?P<open>\() | (?P<close>\)) | (?P<comma>,)
      | (?P<word>[\w$]+)
      | (?P<other>[^\s'"`\[(),\w$]+)
    """,
    re.X | re.S,
)
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TABLE_CONSTRAINTS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}


class UnreadableDDL(ValueError):
    """The stored text does not split the way SQLite's lexer would (an unterminated quote ...)."""


@dataclass
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@dataclass
class ColumnClauses:
    collation: str | None = None
    check: str | None = None  # every CHECK clause of the column, as stored
    generated: bool = False


@dataclass
class TableDDL:
    columns: dict[str, ColumnClauses] = field(default_factory=dict)  # casefolded column name -> clauses
    checks: list[str] = field(default_factory=list)  # table-level CHECK clauses, as stored
    options: str = ""  # what follows the column list: WITHOUT ROWID, STRICT

    def column(self, name: str) -> ColumnClauses:
        return self.columns.get(name.casefold(), ColumnClauses())


def tokens(sql: str) -> list[Token]:
    """The meaningful tokens of `sql` (no spaces, no comments)."""
    out: list[Token] = []
    position = 0
    while position < len(sql):
        match = _TOKEN.match(sql, position)
        if match is None:  # an opening quote without its end
            raise UnreadableDDL(f"unterminated quote at offset {position}")
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            out.append(Token(kind, match.group(), match.start(), match.end()))
        position = match.end()
    return out


def unquote(token: Token) -> str:
    if token.kind != "ident":
        return token.text
    body, quote = token.text[1:-1], token.text[0]
    return body if quote == "[" else body.replace(quote * 2, quote)


def identifiers(sql: str) -> set[str]:
    """Every name `sql` mentions, casefolded (to find what refers to a column)."""
    return {unquote(t).casefold() for t in tokens(sql) if t.kind in ("word", "ident")}


def parse_create_table(sql: str) -> TableDDL:
    """The clauses of a stored `CREATE TABLE` that a rebuild from the model would not write."""
    toks = tokens(sql)
    opening = next((i for i, t in enumerate(toks) if t.kind == "open"), None)
    result = TableDDL()
    if opening is None:  # CREATE TABLE .. AS SELECT: plain columns, nothing to keep
        return result
    items, closing = _split_items(toks, opening)
    result.options = " ".join(t.text for t in toks[closing + 1:])
    for item in items:
        if not item:
            raise UnreadableDDL("empty item in the column list")
        if item[0].upper in _TABLE_CONSTRAINTS:
            if any(t.upper == "CHECK" for t in _top_level(item)):
                result.checks.append(_clause_text(sql, item, 0, len(item)))
            continue
        result.columns[unquote(item[0]).casefold()] = _column_clauses(sql, item)
    return result


def _split_items(toks: list[Token], opening: int) -> tuple[list[list[Token]], int]:
    """The comma-separated items of the parenthesised list starting at `opening`, and its end."""
    items: list[list[Token]] = [[]]
    depth = 0
    for i in range(opening + 1, len(toks)):
        token = toks[i]
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            if depth == 0:
                return items, i
            depth -= 1
        elif token.kind == "comma" and depth == 0:
            items.append([])
            continue
        items[-1].append(token)
    raise UnreadableDDL("the column list does not end")


def _top_level(item: list[Token]) -> list[Token]:
    depth, out = 0, []
    for token in item:
        if depth == 0:
            out.append(token)
        depth += token.kind == "open"
        depth -= token.kind == "close"
    return out


def _group_end(item: list[Token], opening: int) -> int:
    """The index after the `)` matching the `(` at `opening`."""
    depth = 0
    for i in range(opening, len(item)):
        depth += item[i].kind == "open"
        depth -= item[i].kind == "close"
        if depth == 0:
            return i + 1
    raise UnreadableDDL("unbalanced parentheses")


def _clause_text(sql: str, item: list[Token], first: int, end: int) -> str:
    """The clause from token `first` to `end`, comments dropped, as the tokens' own text."""
    pieces, previous = [], None
    for token in item[first:end]:
        if previous is not None and token.start > previous.end:
            pieces.append(" ")
        pieces.append(token.text)
        previous = token
    return "".join(pieces)


def _column_clauses(sql: str, item: list[Token]) -> ColumnClauses:
    clauses = ColumnClauses()
    checks: list[str] = []
    i = 1
    while i < len(item):
        word = item[i].upper
        if word == "COLLATE" and i + 1 < len(item):
            name = unquote(item[i + 1])
            if not _PLAIN_NAME.match(name):
                raise UnreadableDDL(f"collation name {name!r} is not a plain word")
            clauses.collation = name
            i += 2
            continue
        if word in ("CONSTRAINT", "CHECK"):
            start = i
            if word == "CONSTRAINT":
                i += 2  # CONSTRAINT <name>
            if i < len(item) and item[i].upper == "CHECK" and i + 1 < len(item) and item[i + 1].kind == "open":
                end = _group_end(item, i + 1)
                checks.append(_clause_text(sql, item, start, end))
                i = end
                continue
            continue
        if word == "AS" and i + 1 < len(item) and item[i + 1].kind == "open":
            clauses.generated = True
        if item[i].kind == "open":
            i = _group_end(item, i)
            continue
        i += 1
    clauses.check = " ".join(checks) or None
    return clauses
