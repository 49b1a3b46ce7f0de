"""What Django's introspection API does not tell: the base of every vendor's gap hooks.

The generic reader (introspect_generic.py, docs/introspection.md) asks Django's API per table; a vendor's
hooks (`Vendor.gap_hooks`, a subclass of `GapHooks` in catalogs/<vendor>.py) fill the rest with plain
catalog SELECTs, bound parameters, one per fact kind and schema, never one per table.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator

from django.db.models import Index as DjangoIndex

from ..schema import Column, ForeignKey, Index


def _is_constraint(entry: dict) -> bool:
    """Django builds an index entry from the index catalog (it carries `type`) and a constraint entry from
    the constraint catalog (no `type`); the SQL Server backend says so outright (`unique_constraint`)."""
    if "unique_constraint" in entry:
        return bool(entry["unique_constraint"])
    return "type" not in entry


class GapHooks:
    """What Django's introspection API does not tell, per vendor: plain catalog SELECTs, bound parameters.

    A vendor names its subclass in `Vendor.gap_hooks`. `schema_facts()` runs once per schema scope and returns everything the per-table methods need.
    """

    reads_other_schemas = False
    sort_fks = True

    def __init__(self, connection, cursor):
        self.connection = connection
        self.cursor = cursor
        self.default_schema = self.current_schema()

    # -- scope -------------------------------------------------------------------------------
    def current_schema(self) -> str | None:
        return None

    @contextmanager
    def scoped_to(self, schema: str | None) -> Iterator[None]:
        yield

    def schema_exists(self, schema: str) -> bool:
        return False

    def system_table(self, name: str) -> bool:
        return False

    def true_name(self, name: str) -> str:
        """Django's `identifier_converter` may fold case (Oracle lower-cases); the catalog's own spelling."""
        return name

    def name_order(self, name: str):
        return name

    def ref_schema(self, schema: str | None) -> str | None:
        return None if schema in (None, self.default_schema) else schema

    # -- facts -------------------------------------------------------------------------------
    def schema_facts(self) -> dict:
        return {}

    def _rows(self, sql: str, params=()) -> list[tuple]:
        self.cursor.execute(sql, params)
        return list(self.cursor.fetchall())

    # -- per table ---------------------------------------------------------------------------
    def describe(self, introspection, cursor, table: str) -> list:
        """Django's `get_table_description`; a vendor whose backend fails on some legal table answers
        from its own catalog rows instead (SQLite)."""
        return introspection.get_table_description(cursor, table)

    def constraints(self, introspection, cursor, table: str) -> dict:
        """Django's `get_constraints` (the same exception as `describe`)."""
        return introspection.get_constraints(cursor, table)

    def primary_key(self, facts, table, django_columns: tuple[str, ...]) -> tuple[str, ...]:
        return django_columns

    def column(self, facts, table, info, primary_key) -> Column:
        auto = self.is_auto(facts, table, info)
        return Column(
            info.name,
            facts.get("types", {}).get((table, info.name)) or str(info.type_code),
            # A primary key column holds no NULLs whatever its declaration says (SQLite `id integer PRIMARY KEY`).
            bool(info.null_ok) and info.name not in primary_key,
            None if auto else info.default,
            auto,
        )

    def is_auto(self, facts, table, info) -> bool:
        return bool(getattr(info, "is_autofield", False))

    def index(self, facts, table, name, entry) -> Index:
        columns = tuple(c or "" for c in entry["columns"]) or ("",)
        # Django's backends give one order per column, or none at all for a constraint: read as such, so a
        # backend's own shape never makes the table look read mid-change (builder.sound_table: unsound).
        given = [("DESC" if o == "DESC" else "ASC") for o in (entry.get("orders") or ())]
        orders = tuple(given[:len(columns)] + ["ASC"] * (len(columns) - len(given)))
        return Index(name, columns, orders, bool(entry.get("unique")), constraint=_is_constraint(entry),
                     opaque=(table, name) in facts.get("opaque", ()) or "" in columns or bool(entry.get("definition")))

    def constraint_index(self, facts, table: str, name: str) -> bool:
        """Whether a `get_constraints` entry that Django marks as no index stands for one all the same: a
        constraint that owns an index Django leaves out (PostgreSQL EXCLUDE). It is then read by `index`."""
        return False

    def foreign_keys(self, facts, table, entries: dict) -> list[ForeignKey]:
        """Django gives name, columns and the referenced table and first column; the hook adds the
        referenced schema, every referenced column in order, and ON DELETE / ON UPDATE."""
        details = facts.get("fk_details", {})
        out = []
        for name, entry in entries.items():
            ref_table, ref_column = entry["foreign_key"]
            ref_schema, ref_columns, on_delete, on_update = details.get((table, name), (None, [ref_column], None, None))
            out.append(ForeignKey(name, tuple(entry["columns"]), ref_table, self.ref_schema(ref_schema),
                                  tuple(ref_columns), on_delete, on_update))
        return out

    def table_checks(self, facts, table) -> tuple[str, ...]:
        return ()

    def table_sequence(self, facts, table) -> tuple[str, str] | None:
        """Oracle: the (sequence, trigger) that fill the generated id."""
        return None



def django_index_method(entry: dict) -> str | None:
    """The access method Django's get_constraints reports for an index (`type`), upper-cased as the fast
    readers spell a kind; None for a plain B-tree (Django's `Index.suffix`, "idx", or "btree" when it has
    storage options) and for a constraint, which has no `type`."""
    method = entry.get("type")
    if not method or method in (DjangoIndex.suffix, "btree"):
        return None
    return str(method).upper()


def _plain_word(text: str | None) -> bool:
    return bool(text) and re.fullmatch(r"[A-Za-z0-9_]+", text) is not None


def _with(obj, **changes):
    return replace(obj, **changes)

