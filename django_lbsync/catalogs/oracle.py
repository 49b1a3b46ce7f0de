"""Oracle's catalog (the user_* and all_* views): the generic reader's gap hooks, and what DROP TABLE ...
CASCADE CONSTRAINTS takes along (docs/introspection.md, docs/unmanaged-objects.md). Catalog SELECTs only,
values bound. Verified offline only: no Oracle server runs here."""
from __future__ import annotations

import re
from collections import defaultdict

from ..schema import ForeignKey, Table
from ..sqlrules import shown
from .hooks import GapHooks, _plain_word, _with

class OracleHooks(GapHooks):
    """Django's Oracle introspection lower-cases every name (`identifier_converter`), gives an oracledb
    type object instead of the type text, knows identity columns only, one referenced column and no
    delete rule per foreign key, and hides a DESC or function index's columns behind `SYS_NC...$`.
    All of it is in the user's own catalog (`user_*` views; Django reads only the login schema)."""

    def current_schema(self):
        return self._rows("SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL")[0][0]

    def true_name(self, name):
        return self.facts["tables"].get(name, name)

    def schema_facts(self):
        facts: dict = {"tables": {}, "columns": {}, "types": {}, "names": {}, "expressions": {}, "sequences": {},
                       "fks": defaultdict(dict)}
        self.facts = facts
        for table, column, data_type, length, char_length, char_used, precision, scale in self._rows(
            "SELECT table_name, column_name, data_type, data_length, char_length, char_used, data_precision, "
            "data_scale FROM user_tab_columns ORDER BY table_name, column_id"
        ):
            facts["tables"][table.lower()] = table
            facts["columns"][(table, column.lower())] = column
            facts["types"][(table, column)] = _oracle_type(data_type, length, char_length, char_used, precision,
                                                           scale)
        # Constraint and index names as created ("fk_order_customerId" is quoted, so case-sensitive).
        for table, name in self._rows(
            "SELECT table_name, constraint_name FROM user_constraints WHERE constraint_type IN ('P', 'U', 'R') "
            "UNION ALL SELECT table_name, index_name FROM user_indexes"
        ):
            facts["names"].setdefault((table, name.lower()), set()).add(name)
        # DESC columns and expressions of an index are hidden SYS_NC...$ columns; their text is here.
        for table, index, position, expression in self._rows(
            "SELECT table_name, index_name, column_position, column_expression FROM user_ind_expressions"
        ):
            facts["expressions"][(table, index, position)] = expression
        # LoopBack's generated id: a sequence and a BEFORE INSERT row trigger that writes :new.<id> from it.
        for table, trigger, sequence, column in self._rows(
            "SELECT t.table_name, t.trigger_name, d.referenced_name, c.column_name "
            "FROM user_triggers t "
            "JOIN user_dependencies d ON d.name = t.trigger_name AND d.type = 'TRIGGER' "
            "  AND d.referenced_type = 'SEQUENCE' AND d.referenced_owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') "
            "JOIN user_trigger_cols c ON c.trigger_name = t.trigger_name AND c.table_name = t.table_name "
            "  AND c.column_usage LIKE 'NEW%%OUT' "
            "WHERE t.base_object_type = 'TABLE' AND t.trigger_type = 'BEFORE EACH ROW' "
            "  AND t.triggering_event LIKE '%%INSERT%%' AND t.status = 'ENABLED' "
            "ORDER BY t.table_name, t.trigger_name"
        ):
            facts["sequences"].setdefault(table, (column, sequence, trigger))
        for table, name, delete_rule, column, ref_owner, ref_table, ref_column in self._rows(
            "SELECT c.table_name, c.constraint_name, c.delete_rule, cc.column_name, r.owner, r.table_name, "
            "  rc.column_name "
            "FROM user_constraints c JOIN user_cons_columns cc ON cc.constraint_name = c.constraint_name "
            "JOIN all_constraints r ON r.owner = c.r_owner AND r.constraint_name = c.r_constraint_name "
            "JOIN all_cons_columns rc ON rc.owner = r.owner AND rc.constraint_name = r.constraint_name "
            "  AND rc.position = cc.position "
            "WHERE c.constraint_type = 'R' ORDER BY c.table_name, c.constraint_name, cc.position"
        ):
            entry = facts["fks"][table].setdefault(name, ([], ref_owner, ref_table, [], delete_rule))
            entry[0].append(column)
            entry[3].append(ref_column)
        return facts

    def _column_name(self, table, name):
        return self.facts["columns"].get((table, name), name)

    def _object_name(self, table, name):
        """The catalog's spelling of a lower-cased constraint or index name; kept lower-cased when two
        names of the table differ only in case (then the diff sees it as another name, never a wrong one)."""
        spellings = self.facts["names"].get((table, name), ())
        return next(iter(spellings)) if len(spellings) == 1 else name

    def primary_key(self, facts, table, django_columns):
        return tuple(self._column_name(table, c) for c in django_columns)

    def is_auto(self, facts, table, info):
        sequence = facts["sequences"].get(table)
        return bool(info.is_autofield) or (sequence is not None and sequence[0] == self._column_name(table, info.name))

    def column(self, facts, table, info, primary_key):
        name = self._column_name(table, info.name)
        column = super().column(facts, table, info._replace(name=name), primary_key)
        return _with(column, collation=info.collation if _plain_word(info.collation) else None)

    def index(self, facts, table, name, entry):
        name = self._object_name(table, name)
        columns = []
        for position, column in enumerate(entry["columns"], 1):
            expression = facts["expressions"].get((table, name, position))
            if expression is not None:  # a DESC key is the expression `"COL"`; anything else is a function
                match = re.fullmatch(r'"((?:[^"]|"")+)"', expression.strip())
                column = match.group(1).replace('""', '"') if match else ""  # "": opaque (GapHooks.index)
            else:
                column = self._column_name(table, column)
            columns.append(column)
        index = super().index(facts, table, name, {**entry, "columns": columns})
        # bitmap, domain, reverse-key indexes: not something a model writes or autoupdate may rebuild
        return _with(index, opaque=index.opaque or entry.get("type") not in (None, "idx", "function-based normal"))

    def foreign_keys(self, facts, table, entries):
        return [
            ForeignKey(name, tuple(columns), ref_table, self.ref_schema(ref_owner), tuple(ref_columns),
                       None if delete_rule == "NO ACTION" else delete_rule, None)
            for name, (columns, ref_owner, ref_table, ref_columns, delete_rule) in facts["fks"].get(table, {}).items()
        ]

    def table_sequence(self, facts, table):
        sequence = facts["sequences"].get(table)
        return sequence[1:] if sequence else None


def _oracle_type(data_type, length, char_length, char_used, precision, scale) -> str:
    """user_tab_columns -> the type as LoopBack writes it: VARCHAR2(n), NUMBER(p,s), NUMBER, DATE, CLOB.

    A character length is the declared one, in characters (CHAR semantics) or bytes; the unit itself
    is not part of the text (a model cannot say it, so it is never a difference)."""
    if data_type in ("VARCHAR2", "CHAR", "NVARCHAR2", "NCHAR"):
        return f"{data_type}({char_length if char_used == 'C' else length})"
    if data_type in ("RAW",):
        return f"{data_type}({length})"
    if data_type == "NUMBER":
        if precision is None:
            return "NUMBER" if scale is None else "NUMBER(*,0)"  # INTEGER is stored as NUMBER(*,0)
        return f"NUMBER({precision},{scale or 0})"
    if data_type == "FLOAT":
        return "FLOAT" if precision in (None, 126) else f"FLOAT({precision})"
    return data_type  # DATE, CLOB, BLOB, NCLOB, BINARY_DOUBLE, TIMESTAMP(6) ...: as stored



# -- what DROP TABLE ... CASCADE CONSTRAINTS takes along (dependents.py, docs/unmanaged-objects.md) ----------

_OWN_SCHEMA = "SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL"


def _dropped(cursor, dropped: list[Table]) -> tuple[str, list[tuple[str, str]]]:
    """The connection's own schema and the dropped tables as (owner, name) pairs, as the catalog spells them."""
    cursor.execute(_OWN_SCHEMA)
    own = cursor.fetchone()[0]
    return own, [(t.schema or own, t.name) for t in dropped]


def _matching(owner_column: str, table_column: str, pairs: list) -> tuple[str, list[str]]:
    """`(owner = %s AND table = %s) OR ...` for the pairs, and its parameters: every name is bound."""
    condition = " OR ".join([f"({owner_column} = %s AND {table_column} = %s)"] * len(pairs))
    return f"({condition})", [value for pair in pairs for value in pair]


def _shown_table(own: str, owner: str, table: str) -> str:
    return table if owner == own else f"{owner}.{table}"


def dependents(cursor, dropped: list[Table]) -> list[str]:
    """Other tables' foreign keys, which Django's `DROP TABLE ... CASCADE CONSTRAINTS` drops (restored from
    their models where they have one), and the objects Oracle leaves INVALID until the table is back
    (views, materialized views, other tables' triggers, code): `all_constraints`, `all_dependencies`."""
    own, pairs = _dropped(cursor, dropped)
    gone = set(pairs)
    where, params = _matching("r.owner", "r.table_name", pairs)
    cursor.execute(
        "SELECT c.owner, c.table_name, c.constraint_name, r.owner, r.table_name "
        "FROM all_constraints c JOIN all_constraints r ON r.owner = c.r_owner AND r.constraint_name = c.r_constraint_name "
        f"WHERE c.constraint_type = 'R' AND {where} ORDER BY 1, 2, 3",
        params,
    )
    names = [f"foreign key {shown(name)} on table {shown(_shown_table(own, owner, table))}"
             for owner, table, name, _, _ in cursor.fetchall() if (owner, table) not in gone]
    where, params = _matching("d.referenced_owner", "d.referenced_name", pairs)
    # A trigger of a dropped table goes with it (lost_objects names it); everything else that reads the table stays.
    cursor.execute(
        "SELECT d.owner, d.name, d.type, d.referenced_owner, d.referenced_name, tr.table_owner, tr.table_name "
        "FROM all_dependencies d LEFT JOIN all_triggers tr ON d.type = 'TRIGGER' AND tr.owner = d.owner "
        "  AND tr.trigger_name = d.name "
        f"WHERE d.referenced_type = 'TABLE' AND {where} ORDER BY 1, 2, 4, 5",
        params,
    )
    for owner, name, kind, ref_owner, ref_table, trigger_owner, trigger_table in cursor.fetchall():
        if (trigger_owner, trigger_table) in gone or (owner, name) in gone:
            continue
        names.append(f"{kind.lower()} {shown(_shown_table(own, owner, name))} (left invalid until table "
                     f"{shown(_shown_table(own, ref_owner, ref_table))} is back; Oracle recompiles it on its next use)")
    return names


def lost_objects(cursor, dropped: list[Table]) -> list[tuple]:
    """Triggers (but the id trigger automigrate re-creates), comments and grants of the dropped tables:
    `all_triggers`, `all_tab_comments`, `all_col_comments`, `all_tab_privs`."""
    own, pairs = _dropped(cursor, dropped)
    recreated = {(t.schema or own, t.name, t.sequence[1]) for t in dropped if t.sequence}
    lost: list[tuple] = []

    def rows(kind, sql, owner_column, table_column):
        where, params = _matching(owner_column, table_column, pairs)
        cursor.execute(sql.format(where=where), params)
        for owner, table, detail in cursor.fetchall():
            if kind == "trigger" and (owner, table, detail) in recreated:
                continue
            lost.append((kind, None if owner == own else owner, table, detail))

    rows("trigger", "SELECT table_owner, table_name, trigger_name FROM all_triggers "
                    "WHERE base_object_type = 'TABLE' AND {where} ORDER BY 1, 2, 3", "table_owner", "table_name")
    rows("table comment", "SELECT owner, table_name, NULL FROM all_tab_comments WHERE comments IS NOT NULL "
                          "AND {where} ORDER BY 1, 2", "owner", "table_name")
    rows("column comment", "SELECT owner, table_name, column_name FROM all_col_comments WHERE comments IS NOT NULL "
                           "AND {where} ORDER BY 1, 2, 3", "owner", "table_name")
    where, params = _matching("table_schema", "table_name", pairs)
    cursor.execute(
        "SELECT table_schema, table_name, grantee, privilege, grantable FROM all_tab_privs "
        f"WHERE {where} ORDER BY 1, 2, 3, 4",
        params,
    )
    grants: dict[tuple, list[str]] = {}
    for owner, table, grantee, privilege, grantable in cursor.fetchall():
        grants.setdefault((owner, table, grantee), []).append(
            privilege + (" WITH GRANT OPTION" if grantable == "YES" else ""))
    lost.extend(("grant", None if owner == own else owner, table, f"{', '.join(privileges)} to {grantee}")
                for (owner, table, grantee), privileges in grants.items())
    return lost
