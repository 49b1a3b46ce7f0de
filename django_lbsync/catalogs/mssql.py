"""SQL Server's catalog (sys.*): the generic reader's gap hooks, and what mssql-django's DROP TABLE takes
along (docs/introspection.md, docs/unmanaged-objects.md). Catalog SELECTs only, values bound. Verified
offline only: no SQL Server runs here."""
from __future__ import annotations

from collections import defaultdict

from ..schema import ForeignKey
from .hooks import GapHooks, _with

class MssqlHooks(GapHooks):
    """mssql-django gives pyodbc type codes (nvarchar below 4000 as SQL_WCHAR), strips at most two levels
    of parentheses from a default (breaking `((1)+(2))`), lists DEFAULT constraints and an index's included
    columns as if they were keys, says nothing of filtered indexes, and one referenced column and no rules
    per foreign key. sys.* has all of it. Django reads SCHEMA_NAME() only (or SCHEMA_TO_INSPECT)."""

    _IN_SCHEMA = "o.schema_id = SCHEMA_ID() AND o.type IN ('U', 'V')"

    def current_schema(self):
        return self._rows("SELECT SCHEMA_NAME()")[0][0]

    def schema_facts(self):
        facts: dict = {"types": {}, "identity": set(), "defaults": {}, "included": defaultdict(set),
                       "opaque": set(), "fks": defaultdict(dict)}
        for table, column, type_name, max_length, precision, scale, identity, default in self._rows(
            "SELECT o.name, c.name, ty.name, c.max_length, c.precision, c.scale, c.is_identity, dc.definition "
            "FROM sys.columns c JOIN sys.objects o ON o.object_id = c.object_id "
            "JOIN sys.types ty ON ty.user_type_id = c.user_type_id "
            "LEFT JOIN sys.default_constraints dc ON dc.object_id = c.default_object_id "
            f"WHERE {self._IN_SCHEMA} ORDER BY o.name, c.column_id"
        ):
            facts["types"][(table, column)] = _mssql_type(type_name, max_length, precision, scale)
            if identity:
                facts["identity"].add((table, column))
            facts["defaults"][(table, column)] = _unwrapped(default)
        for table, index, column, included, filtered, kind in self._rows(
            "SELECT o.name, i.name, c.name, ic.is_included_column, i.has_filter, i.type "
            "FROM sys.indexes i JOIN sys.objects o ON o.object_id = i.object_id "
            "JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id "
            "JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id "
            f"WHERE {self._IN_SCHEMA} AND (ic.is_included_column = 1 OR i.has_filter = 1 OR i.type NOT IN (1, 2))"
        ):
            if included:
                facts["included"][(table, index)].add(column)
            if filtered or kind not in (1, 2):  # filtered, or columnstore / XML / spatial
                facts["opaque"].add((table, index))
        for table, name, on_delete, on_update, column, ref_schema, ref_table, ref_column in self._rows(
            "SELECT o.name, fk.name, fk.delete_referential_action_desc, fk.update_referential_action_desc, "
            "  pc.name, SCHEMA_NAME(r.schema_id), r.name, rc.name "
            "FROM sys.foreign_keys fk JOIN sys.objects o ON o.object_id = fk.parent_object_id "
            "JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id "
            "JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id "
            "JOIN sys.objects r ON r.object_id = fkc.referenced_object_id "
            "JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id "
            f"WHERE {self._IN_SCHEMA} ORDER BY o.name, fk.name, fkc.constraint_column_id"
        ):
            entry = facts["fks"][table].setdefault(name, ([], ref_schema, ref_table, [], _mssql_action(on_delete),
                                                          _mssql_action(on_update)))
            entry[0].append(column)
            entry[3].append(ref_column)
        return facts

    def is_auto(self, facts, table, info):
        return (table, info.name) in facts["identity"]

    def column(self, facts, table, info, primary_key):
        # Django's default lost its parentheses unevenly; the catalog's definition, unwrapped whole.
        info = info._replace(default=facts["defaults"].get((table, info.name), info.default))
        column = super().column(facts, table, info, primary_key)
        return _with(column, collation=None)  # the database's own collation is reported for every column

    def index(self, facts, table, name, entry):
        included = facts["included"].get((table, name), set())
        if included:
            keys = [(c, o) for c, o in zip(entry["columns"], entry.get("orders") or ["ASC"] * len(entry["columns"]))
                    if c not in included]
            entry = {**entry, "columns": [c for c, _ in keys], "orders": [o for _, o in keys]}
        return super().index(facts, table, name, entry)

    def foreign_keys(self, facts, table, entries):
        return [
            ForeignKey(name, tuple(columns), ref_table, self.ref_schema(ref_schema), tuple(ref_columns),
                       on_delete, on_update)
            for name, (columns, ref_schema, ref_table, ref_columns, on_delete, on_update)
            in facts["fks"].get(table, {}).items()
        ]


def _mssql_type(type_name: str, max_length: int, precision: int, scale: int) -> str:
    """sys.columns -> the type as LoopBack and SSMS write it: nvarchar(n), nvarchar(max), decimal(p,s), int."""
    if type_name in ("nvarchar", "nchar"):
        return f"{type_name}({'max' if max_length == -1 else max_length // 2})"
    if type_name in ("varchar", "char", "varbinary", "binary"):
        return f"{type_name}({'max' if max_length == -1 else max_length})"
    if type_name in ("decimal", "numeric"):
        return f"{type_name}({precision},{scale})"
    if type_name in ("datetime2", "time", "datetimeoffset"):
        return type_name if scale == 7 else f"{type_name}({scale})"
    if type_name == "float":
        return "float" if precision == 53 else f"float({precision})"
    return type_name  # int, bigint, bit, datetime, text, ntext, uniqueidentifier ...


def _mssql_action(action: str | None) -> str | None:
    """sys.foreign_keys spells NO_ACTION, SET_NULL; the default (NO ACTION) is None as in the model."""
    return None if action in (None, "NO_ACTION") else action.replace("_", " ")


def _unwrapped(default: str | None) -> str | None:
    """SQL Server stores a default wrapped: `((0))`, `('x')`, `(getdate())`. Parentheses around the
    whole expression are removed, however many; `((1)+(2))` gives `(1)+(2)`."""
    if default is None:
        return None
    text = default.strip()
    while text.startswith("(") and _closes_at_end(text):
        text = text[1:-1].strip()
    return text


def _closes_at_end(text: str) -> bool:
    """Whether the `(` at text[0] is closed by the last character (quotes skipped)."""
    depth, quoted = 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted:
            depth += (ch == "(") - (ch == ")")
            if depth == 0:
                return i == len(text) - 1
    return False

