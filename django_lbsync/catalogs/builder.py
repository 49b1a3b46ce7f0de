"""Collects catalog rows per table, then freezes them into `Table`s: shared by the fast readers.

The catalog is untrusted input (docs/introspection.md): a row may hold NULL where a name belongs, or not fit
with the rows of another query. A schema change by another session between the reader's queries does that
(MariaDB's reader, the generic reader; PostgreSQL's fast reader is one statement, one snapshot, and this is
its safety net): a table dropped and created again between the column and the index query has a new oid, so
its primary key's attribute numbers name no column read. `sound_table` gives every Table the types the diff
relies on, whatever the rows held: a name missing from a list of names is "" (as an expression index's
column), so the table reads as different from what the models want (out of sync), never as a Python error.
"""
from __future__ import annotations

import functools
import hashlib
import marshal
from collections import defaultdict
from dataclasses import replace
from typing import Callable, Iterable

from ..schema import Column, ForeignKey, Index, Table


class Fetched:
    """One read of the catalog, its rows fetched but not yet built into tables (docs/verdict-cache.md).

    `digest` names the rows exactly: equal digests, equal rows (the same values of the same types in the same
    order), so whatever is computed from the rows alone can be kept under it. None when a value has no one
    spelling (a type marshal does not write): then nothing is kept. It is worked out when first asked for: a
    read nobody asks it of (autoupdate's, discovery's) does not pay for it. `tables()` builds them, as the
    reader's read_tables returns them; a caller that already knows its answer for these rows never calls it."""

    def __init__(self, digest: Callable[[], str | None], build: Callable[[], list[Table]]):
        self._digest = digest
        self._build = build

    @functools.cached_property
    def digest(self) -> str | None:
        return self._digest()

    def tables(self) -> list[Table]:
        return self._build()


class RowsDigest:
    """The digest of a read's rows, fed one row or one result at a time.

    marshal's version 2 writes each value one way (no references, no interning marks) and tells the types
    apart (1, 1.0 and True; a str and its bytes), and each value's bytes say where they end, so the bytes of
    the rows in order stand for the rows. BLAKE2b of them is the digest."""

    def __init__(self, *context):
        self._hash = hashlib.blake2b(digest_size=32)
        self._ok = True
        self.add(context)

    def add(self, value) -> None:
        if self._ok:
            try:
                self._hash.update(marshal.dumps(value, 2))
            except ValueError:  # a type marshal does not write: no digest for this read
                self._ok = False

    def add_all(self, rows: Iterable) -> None:
        for row in rows:
            self.add(row)

    def hexdigest(self) -> str | None:
        return self._hash.hexdigest() if self._ok else None

    def of(self, *rows) -> str | None:
        """The digest of these rows (each a row, or a statement's rows), after the context."""
        self.add_all(rows)
        return self.hexdigest()


class TableBuilder:
    """Collects catalog rows per table, then freezes them into Tables."""

    def __init__(self):
        self.views: set[tuple] = set()
        self.columns: dict[tuple, list[Column]] = defaultdict(list)
        self.pk: dict[tuple, tuple[str, ...]] = {}
        self.indexes: dict[tuple, list[Index]] = defaultdict(list)
        self.fks: dict[tuple, list[ForeignKey]] = defaultdict(list)
        self.checks: dict[tuple, tuple[str, ...]] = {}

    def tables(self) -> list[Table]:
        built = (
            sound_table(Table(
                name=name,
                schema=schema,
                columns=tuple(columns),
                primary_key=self.pk.get((schema, name), ()),
                indexes=tuple(self.indexes.get((schema, name), ())),
                foreign_keys=tuple(self.fks.get((schema, name), ())),
                view=(schema, name) in self.views,
                checks=self.checks.get((schema, name), ()),
            ))
            for (schema, name), columns in self.columns.items()
        )
        return [table for table in built if table is not None]


def _text(value) -> str | None:
    """A catalog value that should be text: None stays None, anything else becomes its text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _names(values) -> tuple[str, ...]:
    """A list of names from the catalog: a missing one (NULL, or a number no column row explained) is ""."""
    if values is None or isinstance(values, (str, bytes)):
        values = () if values is None else (values,)
    try:
        return tuple(_text(v) or "" for v in values)
    except TypeError:  # not a list at all
        return ("",)


def sound_table(table: Table) -> Table | None:
    """`table` with the types every field must have (str names, tuples of str, bools), or None when it has no
    name to go by. Unchanged (the same object) when it already had them: the common case, checked first and
    kept cheap. Anything it had to mend (a NULL name left out, a list re-typed, index orders that do not fit
    its columns) marks the copy `unsound`: read while the table changed, not to be planned from."""
    if _is_sound(table):
        return table
    name = _text(table.name)
    if name is None:
        return None
    columns = tuple(c for c in (_sound_column(c) for c in table.columns) if c is not None)
    indexes = tuple(i for i in (_sound_index(i) for i in table.indexes) if i is not None)
    fks = tuple(f for f in (_sound_fk(f) for f in table.foreign_keys) if f is not None)
    primary_key = _names(table.primary_key)
    sequence = table.sequence
    if sequence is not None and not (isinstance(sequence, tuple) and len(sequence) == 2
                                     and all(isinstance(s, str) and s for s in sequence)):
        sequence = None  # no (sequence, trigger) pair to go by: as a table without one
    mended = _same(table, name=name, schema=_text(table.schema) or None, columns=_same_tuple(columns, table.columns),
                   primary_key=_same_tuple(primary_key, table.primary_key),
                   indexes=_same_tuple(indexes, table.indexes), foreign_keys=_same_tuple(fks, table.foreign_keys),
                   view=bool(table.view), sequence=sequence,
                   checks=_same_tuple(tuple(c for c in (_text(c) for c in table.checks or ()) if c), table.checks))
    return mended if mended is table else replace(mended, unsound=True)


def _is_sound(table: Table) -> bool:
    """Every field already of its type: the check the readers' normal output passes, without building
    anything (65,000 columns at 5,000 tables)."""
    if type(table.name) is not str or not (table.schema is None or type(table.schema) is str):
        return False
    if type(table.columns) is not tuple or type(table.primary_key) is not tuple or \
            type(table.indexes) is not tuple or type(table.foreign_keys) is not tuple:
        return False
    optional = (None.__class__, str)
    for c in table.columns:
        if (type(c.name) is not str or type(c.type) is not str or type(c.null) is not bool
                or type(c.auto) is not bool or type(c.default) not in optional or type(c.collation) not in optional
                or type(c.check) not in optional or type(c.on_update) not in optional
                or type(c.comment) not in optional or type(c.generated) not in optional):
            return False
    if any(type(n) is not str for n in table.primary_key):
        return False
    for i in table.indexes:
        if (type(i.name) is not str or type(i.columns) is not tuple or type(i.orders) is not tuple
                or len(i.orders) != len(i.columns) or any(type(n) is not str for n in i.columns)
                or any(o not in ("ASC", "DESC") for o in i.orders) or type(i.unique) is not bool
                or type(i.constraint) is not bool or type(i.opaque) is not bool or type(i.kind) not in optional):
            return False
    for f in table.foreign_keys:
        if (type(f.name) is not str or type(f.columns) is not tuple or not f.columns
                or any(type(n) is not str for n in f.columns) or type(f.ref_table) is not str
                or type(f.ref_schema) not in optional or type(f.ref_columns) is not tuple
                or any(type(n) is not str for n in f.ref_columns)
                or type(f.on_delete) not in optional or type(f.on_update) not in optional):
            return False
    return (table.sequence is None or type(table.sequence) is tuple) and type(table.view) is bool \
        and type(table.checks) is tuple and all(type(c) is str and c for c in table.checks)


def _same_tuple(new: tuple, old) -> tuple:
    """`old` itself when it holds the same objects (nothing was changed), else `new`."""
    if isinstance(old, tuple) and len(new) == len(old) and all(a is b for a, b in zip(new, old)):
        return old
    return new


def _same(obj, **fields):
    """`obj` itself when every field already is the value given (the common case), else a copy with them."""
    if all(getattr(obj, key) is value for key, value in fields.items()):
        return obj
    return replace(obj, **fields)


def _sound_column(column: Column) -> Column | None:
    name = _text(column.name)
    if name is None:  # a column row without a name: nothing to compare it by ("" is a name: the rules refuse it)
        return None
    default = _text(column.default)
    return _same(column, name=name, type=_text(column.type) or "", null=bool(column.null), default=default,
                 auto=bool(column.auto), collation=_text(column.collation), check=_text(column.check),
                 on_update=_text(column.on_update), comment=_text(column.comment),
                 generated=_text(column.generated))


def _sound_index(index: Index) -> Index | None:
    name = _text(index.name)
    if name is None:  # an index row without a name cannot be matched, kept or dropped by name
        return None
    columns = _same_tuple(_names(index.columns) or ("",), index.columns)
    orders = tuple(o if o in ("ASC", "DESC") else "ASC" for o in (index.orders or ()))[:len(columns)]
    fitting = len(orders) == len(columns)
    orders = _same_tuple(orders + ("ASC",) * (len(columns) - len(orders)), index.orders)
    # Orders that do not fit the columns: no model index can be this one (never padded into a match).
    opaque = bool(index.opaque) or "" in columns or not fitting
    return _same(index, name=name, columns=columns, orders=orders, unique=bool(index.unique),
                 constraint=bool(index.constraint), kind=_text(index.kind), opaque=opaque)


def _sound_fk(fk: ForeignKey) -> ForeignKey | None:
    columns = _names(fk.columns)
    if not columns:
        return None  # a key over no column read: no foreign key to compare
    return _same(fk, name=_text(fk.name) or "", columns=_same_tuple(columns, fk.columns),
                 ref_table=_text(fk.ref_table) or "", ref_schema=_text(fk.ref_schema) or None,
                 ref_columns=_same_tuple(_names(fk.ref_columns), fk.ref_columns),
                 on_delete=_text(fk.on_delete), on_update=_text(fk.on_update))
