"""SQL Server's catalog (sys.*): the generic reader's gap hooks, and what mssql-django's DROP TABLE takes
along (docs/introspection.md, docs/unmanaged-objects.md). Catalog SELECTs only, values bound. Verified
offline only: no SQL Server runs here."""
from __future__ import annotations

from collections import defaultdict

from ..exceptions import AutomigrateRefused
from ..schema import ForeignKey, Table
from ..sqlrules import shown
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
            # An index with INCLUDE columns is one no model writes: never the model's index of its keys.
            return _with(super().index(facts, table, name, entry), opaque=True)
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



# -- what mssql-django's DROP TABLE takes along (dependents.py, docs/unmanaged-objects.md) ---------------------

def _dropped(cursor, dropped: list[Table]) -> tuple[str, list[tuple[str, str]]]:
    """The connection's own schema and the dropped tables as (schema, name) pairs."""
    cursor.execute("SELECT SCHEMA_NAME()")
    own = cursor.fetchone()[0]
    return own, [(t.schema or own, t.name) for t in dropped]


def _matching(object_alias: str, pairs: list) -> tuple[str, list[str]]:
    """`(SCHEMA_NAME(o.schema_id) = %s AND o.name = %s) OR ...` and its parameters: every name is bound."""
    one = f"(SCHEMA_NAME({object_alias}.schema_id) = %s AND {object_alias}.name = %s)"
    return "(" + " OR ".join([one] * len(pairs)) + ")", [value for pair in pairs for value in pair]


def _key(schema: str, name: str) -> tuple[str, str]:
    return schema.casefold(), name.casefold()  # the default collations compare names without case


def _shown_table(own: str, schema: str, table: str) -> str:
    return table if schema.casefold() == own.casefold() else f"{schema}.{table}"


def dependents(cursor, dropped: list[Table]) -> list[str]:
    """Other tables' foreign keys, which mssql-django's DROP TABLE drops first (restored from their models
    where they have one), and the views and code that read the table: they stay, and fail until it is
    back (`sys.foreign_keys`, `sys.sql_expression_dependencies`). A schema-bound reference (a view or
    function WITH SCHEMABINDING) makes SQL Server refuse the DROP: automigrate is refused before it starts."""
    own, pairs = _dropped(cursor, dropped)
    gone = {_key(*pair) for pair in pairs}
    where, params = _matching("r", pairs)
    cursor.execute(
        "SELECT SCHEMA_NAME(p.schema_id), p.name, fk.name FROM sys.foreign_keys fk "
        "JOIN sys.objects p ON p.object_id = fk.parent_object_id "
        f"JOIN sys.objects r ON r.object_id = fk.referenced_object_id WHERE {where} ORDER BY 1, 2, 3",
        params,
    )
    names = [f"foreign key {shown(name)} on table {shown(_shown_table(own, schema, table))}"
             for schema, table, name in cursor.fetchall() if _key(schema, table) not in gone]
    cursor.execute(
        "SELECT SCHEMA_NAME(o.schema_id), o.name, o.type_desc, d.is_schema_bound_reference, "
        "  SCHEMA_NAME(r.schema_id), r.name, SCHEMA_NAME(po.schema_id), po.name "
        "FROM sys.sql_expression_dependencies d JOIN sys.objects o ON o.object_id = d.referencing_id "
        "JOIN sys.objects r ON r.object_id = d.referenced_id "
        "LEFT JOIN sys.objects po ON o.type = 'TR' AND po.object_id = o.parent_object_id "
        f"WHERE {where} ORDER BY 1, 2, 5, 6",
        params,
    )
    blocking = []
    for schema, name, kind, schema_bound, ref_schema, ref_table, parent_schema, parent in cursor.fetchall():
        if parent is not None and _key(parent_schema, parent) in gone:
            continue  # a trigger of a dropped table goes with it (lost_objects names it)
        if _key(schema, name) in gone:
            continue
        what = f"{kind.lower().replace('_', ' ')} {shown(_shown_table(own, schema, name))}"
        table = shown(_shown_table(own, ref_schema, ref_table))
        if schema_bound:
            blocking.append(f"{what} is bound to table {table} (WITH SCHEMABINDING)")
        else:
            names.append(f"{what} (stays; it fails until table {table} is back)")
    if blocking:
        raise AutomigrateRefused("SQL Server refuses to drop a table that a schema-bound object references; "
                                 "drop or alter these first, nothing was changed:\n  " + "\n  ".join(blocking))
    return names


def lost_objects(cursor, dropped: list[Table]) -> list[tuple]:
    """Triggers, descriptions (MS_Description) and grants of the dropped tables: `sys.triggers`,
    `sys.extended_properties`, `sys.database_permissions`."""
    own, pairs = _dropped(cursor, dropped)
    where, params = _matching("t", pairs)
    lost: list[tuple] = []

    def schema_of(schema):
        return None if schema.casefold() == own.casefold() else schema

    cursor.execute(
        "SELECT SCHEMA_NAME(t.schema_id), t.name, tr.name FROM sys.triggers tr "
        f"JOIN sys.objects t ON t.object_id = tr.parent_id WHERE tr.parent_class = 1 AND {where} ORDER BY 1, 2, 3",
        params,
    )
    lost.extend(("trigger", schema_of(schema), table, name) for schema, table, name in cursor.fetchall())
    cursor.execute(
        "SELECT SCHEMA_NAME(t.schema_id), t.name, c.name FROM sys.extended_properties ep "
        "JOIN sys.objects t ON t.object_id = ep.major_id "
        "LEFT JOIN sys.columns c ON c.object_id = ep.major_id AND c.column_id = ep.minor_id "
        f"WHERE ep.class = 1 AND ep.name = 'MS_Description' AND {where} ORDER BY 1, 2, ep.minor_id",
        params,
    )
    lost.extend(("table comment" if column is None else "column comment", schema_of(schema), table, column)
                for schema, table, column in cursor.fetchall())
    cursor.execute(
        "SELECT SCHEMA_NAME(t.schema_id), t.name, g.name, p.permission_name, p.state "
        "FROM sys.database_permissions p JOIN sys.objects t ON t.object_id = p.major_id "
        "JOIN sys.database_principals g ON g.principal_id = p.grantee_principal_id "
        f"WHERE p.class = 1 AND p.state IN ('G', 'W') AND {where} ORDER BY 1, 2, 3, 4",
        params,
    )
    grants: dict[tuple, list[str]] = {}
    for schema, table, grantee, permission, state in cursor.fetchall():
        grants.setdefault((schema, table, grantee), []).append(
            permission + (" WITH GRANT OPTION" if state == "W" else ""))
    lost.extend(("grant", schema_of(schema), table, f"{', '.join(permissions)} to {grantee}")
                for (schema, table, grantee), permissions in grants.items())
    return lost
