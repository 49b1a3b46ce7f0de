"""The live database -> a `Schema`, through Django's introspection API (issue 11, item 2).

The second introspection path: it relies only on what every Django backend implements
(`get_table_list`, `get_table_description`, `get_constraints`, `identifier_converter`) and asks the
catalog directly only for the facts that API does not give. Those asks are the *gap hooks* below:
one plain SELECT per fact kind and schema, with bound parameters, never one per table. The fast
readers in introspect.py stay the default on PostgreSQL, MySQL and SQLite; this path must produce
exactly the same snapshot there (tests/test_generic_reader.py), which is how it is proven before it
serves Oracle and SQL Server. What each backend leaves out: docs/introspection.md.

Cost: Django's API is per table (measured: PostgreSQL 4 queries a table, MariaDB 11, SQLite 16 for a
three-column table with one index: its JSON probe is one query per column), the hooks a constant
few per schema (PostgreSQL 8 in all for 50 tables: 208 against the fast reader's 4).
"""
from __future__ import annotations

import re
from dataclasses import replace
from collections import defaultdict
from contextlib import contextmanager
from typing import Iterable, Iterator

from . import sqlite_ddl, sqlrules
from .exceptions import UnsupportedDatabase
from .introspect import _PG_ACTIONS, _ZERO_DATE, _mysql_kept_attributes, _sqlite_fk_name
from .schema import Column, ForeignKey, Index, Schema, Table
from .vendors import vendor_for


def introspect_generic(connection, *, schemas: Iterable[str] = (), views: bool = False) -> Schema:
    """Same contract as `introspect.introspect`: the default schema's tables (`schema=None`) and those of
    `schemas`; views too with `views`."""
    vendor_name = vendor_for(connection).django_vendor  # by the backend's class, as introspect.py
    hooks_class = GAP_HOOKS.get(vendor_name)
    if hooks_class is None:
        raise UnsupportedDatabase(
            f"django-lbsync has no catalog hooks for the generic reader on {vendor_name} yet"
        )
    schema = Schema(vendor_name)
    with connection.cursor() as cursor:
        hooks = hooks_class(connection, cursor)
        for wanted in [None] + [s for s in sorted(set(schemas)) if s != hooks.default_schema]:
            if wanted is not None and not (hooks.reads_other_schemas and hooks.schema_exists(wanted)):
                continue  # as the fast reader: nothing to read there
            with hooks.scoped_to(wanted):
                for table in _read_scope(connection, cursor, hooks, wanted, views):
                    schema.add(table)
    return schema


def _read_scope(connection, cursor, hooks: "GapHooks", schema: str | None, views: bool) -> list[Table]:
    """Every table (and view) Django's introspection sees while scoped to one schema."""
    introspection = connection.introspection
    facts = hooks.schema_facts()
    tables = []
    for info in introspection.get_table_list(cursor):
        kind = info.type
        if hooks.system_table(info.name) or kind not in ("t", "p", "v") or (kind == "v" and not views):
            continue
        name = hooks.true_name(info.name)
        description = introspection.get_table_description(cursor, info.name)
        constraints = introspection.get_constraints(cursor, info.name)
        tables.append(_table(hooks, facts, schema, name, kind == "v", description, constraints))
    return tables


def _table(hooks, facts, schema, name, view, description, constraints) -> Table:
    primary_key = hooks.primary_key(facts, name, _primary_key(constraints))
    columns = tuple(hooks.column(facts, name, info, primary_key) for info in description)
    indexes = [hooks.index(facts, name, key, entry) for key, entry in constraints.items() if _is_index(entry)]
    fks = hooks.foreign_keys(facts, name, {k: e for k, e in constraints.items() if e.get("foreign_key")})
    return Table(
        name=name,
        schema=schema,
        columns=columns,
        primary_key=primary_key,
        indexes=tuple(sorted(indexes, key=lambda i: hooks.name_order(i.name))),
        foreign_keys=tuple(sorted(fks, key=lambda f: hooks.name_order(f.name))) if hooks.sort_fks else tuple(fks),
        view=view,
        checks=hooks.table_checks(facts, name),
        sequence=hooks.table_sequence(facts, name),
    )


def _primary_key(constraints: dict) -> tuple[str, ...]:
    for entry in constraints.values():
        if entry.get("primary_key"):
            return tuple(entry["columns"])
    return ()


def _is_index(entry: dict) -> bool:
    """An index or a UNIQUE constraint; not the primary key, a CHECK or a plain foreign key.

    MySQL reports a foreign key and the index it made for it under one name: both are kept."""
    if entry.get("primary_key") or entry.get("check"):
        return False
    return bool(entry.get("index") or entry.get("unique"))


def _is_constraint(entry: dict) -> bool:
    """Django builds an index entry from the index catalog (it carries `type`) and a constraint entry from
    the constraint catalog (no `type`); the SQL Server backend says so outright (`unique_constraint`)."""
    if "unique_constraint" in entry:
        return bool(entry["unique_constraint"])
    return "type" not in entry


class GapHooks:
    """What Django's introspection API does not tell, per vendor: plain catalog SELECTs, bound parameters.

    Kept here, keyed by vendor, until issue 11's vendor object lands; then they move to vendors/.
    `schema_facts()` runs once per schema scope and returns everything the per-table methods need.
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
        orders = tuple(entry.get("orders") or ()) or ("ASC",) * len(columns)
        return Index(name, columns, orders, bool(entry.get("unique")), constraint=_is_constraint(entry),
                     opaque=(table, name) in facts.get("opaque", ()) or "" in columns or bool(entry.get("definition")))

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


class PostgreSQLHooks(GapHooks):
    """Django reads only tables visible on the search path, so each schema is read with the search path
    set to it alone (set_config with a bound, quote_ident-ed value; restored after)."""

    reads_other_schemas = True

    def current_schema(self):
        return self._rows("SELECT current_schema()")[0][0]

    def schema_exists(self, schema):
        return bool(self._rows("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]))

    @contextmanager
    def scoped_to(self, schema):
        (saved,) = self._rows("SELECT current_setting('search_path')")[0]
        self._rows("SELECT set_config('search_path', quote_ident(%s), false)", [schema or self.default_schema])
        try:
            yield
        finally:
            self._rows("SELECT set_config('search_path', %s, false)", [saved])

    def schema_facts(self):
        visible = "pg_table_is_visible(c.oid) AND n.nspname = current_schema()"
        facts = {"types": {}, "collations": {}, "opaque": set(), "fk_details": {}}
        # Types as DDL spells them (Django gives only the type OID), and a collation other than the
        # type's own (Django reports any non-default collation, the type's own included).
        for table, column, type_, collation in self._rows(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
            "  CASE WHEN a.attcollation <> ty.typcollation THEN co.collname END "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_type ty ON ty.oid = a.atttypid "
            "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collnamespace IN "
            "  (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', %s)) "
            f"WHERE {visible} AND a.attnum > 0 AND NOT a.attisdropped",
            [self.default_schema],
        ):
            facts["types"][(table, column)] = type_
            if collation and not sqlrules.identifier_problem(collation, '"'):
                facts["collations"][(table, column)] = collation
        # Partial indexes: Django reports the definition of expression indexes only.
        facts["opaque"] = {tuple(row) for row in self._rows(
            "SELECT c.relname, i.relname FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
            "JOIN pg_class c ON c.oid = ix.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE {visible} AND (ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL)")}
        for table, name, ref_schema, ref_columns, on_delete, on_update in self._rows(
            "SELECT c.relname, con.conname, rn.nspname, "
            "  array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) "
            "        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord), "
            "  con.confdeltype, con.confupdtype "
            "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
            f"WHERE con.contype = 'f' AND {visible}"
        ):
            facts["fk_details"][(table, name)] = (ref_schema, ref_columns, _PG_ACTIONS[on_delete],
                                                  _PG_ACTIONS[on_update])
        return facts

    def is_auto(self, facts, table, info):
        # SERIAL is integer + a nextval() default; an identity column is the modern spelling of the same.
        return bool(info.is_autofield) or bool(info.default and info.default.startswith("nextval("))

    def column(self, facts, table, info, primary_key):
        column = super().column(facts, table, info, primary_key)
        collation = facts["collations"].get((table, info.name))
        return _with(column, collation=collation)


class MySQLHooks(GapHooks):
    """Django's MySQL introspection gives EXTRA, the collation (None when the table's) and the comment,
    but not the full column type, prefix lengths, or a foreign key's rules and every referenced column.
    Other schemas (databases) are read by switching the connection's database (`USE`) and back."""

    reads_other_schemas = True

    def current_schema(self):
        return self._rows("SELECT DATABASE()")[0][0]

    def schema_exists(self, schema):
        return bool(self._rows("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema]))

    @contextmanager
    def scoped_to(self, schema):
        if schema is None:
            yield
            return
        self._use(schema)
        try:
            yield
        finally:
            self._use(self.default_schema)

    def _use(self, schema: str) -> None:
        problem = sqlrules.identifier_problem(schema, "`")
        if problem:
            raise UnsupportedDatabase(f"cannot read schema: {problem}")
        self.cursor.execute(f"USE {self.connection.ops.quote_name(schema)}")

    def name_order(self, name):
        # As the fast reader's ORDER BY under information_schema's *_general_ci collation, which
        # compares upper-cased text ('_' after letters).
        return name.upper()

    def schema_facts(self):
        facts = {"types": {}, "opaque": set(), "fk_details": {}}
        for table, column, type_ in self._rows(
            "SELECT table_name, column_name, column_type FROM information_schema.columns "
            "WHERE table_schema = DATABASE()"
        ):
            facts["types"][(table, column)] = type_
        facts["opaque"] = {tuple(row) for row in self._rows(
            "SELECT DISTINCT table_name, index_name FROM information_schema.statistics "
            "WHERE table_schema = DATABASE() AND (sub_part IS NOT NULL OR column_name IS NULL)")}
        fks: dict = {}
        elsewhere = set()
        for table, name, column, ref_schema, ref_table, ref_column, on_delete, on_update, other in self._rows(
            "SELECT k.table_name, k.constraint_name, k.column_name, k.referenced_table_schema, "
            "  k.referenced_table_name, k.referenced_column_name, r.delete_rule, r.update_rule, "
            "  k.referenced_table_schema <> k.table_schema "
            "FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r "
            "  ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name "
            "  AND r.table_name = k.table_name "
            "WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL "
            "ORDER BY k.table_name, k.constraint_name, k.ordinal_position"
        ):
            entry = fks.setdefault((table, name), (ref_schema, [], on_delete, on_update, ref_table, []))
            entry[1].append(ref_column)
            entry[5].append(column)
            if other:
                elsewhere.add((table, name))
        facts["fk_details"] = {key: value[:4] for key, value in fks.items()}
        facts["fk_elsewhere"] = {key: value[4:] for key, value in fks.items() if key in elsewhere}
        return facts

    def is_auto(self, facts, table, info):
        return "auto_increment" in (info.extra or "").lower()

    def column(self, facts, table, info, primary_key):
        column = super().column(facts, table, info, primary_key)
        default = column.default
        if default == "NULL":  # MariaDB >= 10.2.7 reports "no default" as the text NULL
            default = None
        kept = _mysql_kept_attributes(info.extra, info.collation, None, info.comment)
        if kept.get("on_update") and not column.null and default and _ZERO_DATE.match(default):
            default = None  # MariaDB's implicit zero-date default of a NOT NULL ... ON UPDATE column
        return _with(column, default=default, **kept)

    def foreign_keys(self, facts, table, entries):
        # Django drops a key to another database and keeps one referenced column: the hook has them all.
        entries = dict(entries)
        for (fk_table, name), (ref_table, columns) in facts["fk_elsewhere"].items():
            if fk_table == table and name not in entries:
                entries[name] = {"columns": columns, "foreign_key": (ref_table, None)}
        return super().foreign_keys(facts, table, entries)


class SQLiteHooks(GapHooks):
    """SQLite keeps collations, CHECKs, AUTOINCREMENT and foreign key names only in the CREATE TABLE text,
    names no inline UNIQUE constraint (Django invents `__unnamed_constraint_N__`), and Django's foreign
    keys are one per column with invented names: those come from the pragmas."""

    sort_fks = False  # in pragma_foreign_key_list order, as the fast reader

    def system_table(self, name):
        return name.startswith("sqlite_")

    def schema_facts(self):
        facts: dict = {"ddl": {}, "sql": {}, "pk": defaultdict(list), "constraint_indexes": {}, "opaque": set(),
                       "fks": defaultdict(dict)}
        for name, sql in self._rows("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
            facts["sql"][name] = sql or ""
            try:
                facts["ddl"][name] = sqlite_ddl.parse_create_table(sql or "")
            except sqlite_ddl.UnreadableDDL:
                facts["ddl"][name] = sqlite_ddl.TableDDL()
        # Composite primary key order: Django lists key columns in table order, not key order.
        for table, column, position in self._rows(
            "SELECT m.name, p.name, p.pk FROM sqlite_master m, pragma_table_info(m.name) p "
            "WHERE m.type = 'table' AND p.pk > 0"
        ):
            facts["pk"][table].append((position, column))
        grouped: dict = defaultdict(lambda: ([], []))
        for table, name, origin, partial, column, desc in self._rows(
            "SELECT m.name, il.name, il.origin, il.partial, ii.name, ii.\"desc\" "
            "FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_xinfo(il.name) ii "
            "WHERE m.type = 'table' AND ii.key = 1 AND (il.origin = 'u' OR il.partial = 1) "
            "ORDER BY m.name, il.name, ii.seqno"
        ):
            if partial:
                facts["opaque"].add((table, name))
            if origin == "u":
                grouped[(table, name)][0].append(column or "")
                grouped[(table, name)][1].append("DESC" if desc else "ASC")
        for (table, name), (columns, orders) in grouped.items():
            facts["constraint_indexes"][(table, tuple(columns))] = (name, tuple(orders))
        for table, fk_id, column, ref_table, ref_column, on_delete, on_update in self._rows(
            "SELECT m.name, fk.id, fk.\"from\", fk.\"table\", fk.\"to\", fk.on_delete, fk.on_update "
            "FROM sqlite_master m, pragma_foreign_key_list(m.name) fk WHERE m.type = 'table' "
            "ORDER BY m.name, fk.id, fk.seq"
        ):
            entry = facts["fks"][table].setdefault(fk_id, [[], ref_table, [], on_delete, on_update])
            entry[0].append(column)
            entry[2].append(ref_column)
        return facts

    def primary_key(self, facts, table, django_columns):
        ordered = tuple(c for _, c in sorted(facts["pk"].get(table, ())))
        return ordered if sorted(ordered) == sorted(django_columns) else django_columns

    def is_auto(self, facts, table, info):
        sql = facts["sql"].get(table, "")
        return bool(info.pk) and re.search(rf'"?{re.escape(info.name)}"?\s[^,]*\bAUTOINCREMENT\b', sql, re.I) is not None

    def column(self, facts, table, info, primary_key):
        column = super().column(facts, table, info, primary_key)
        ddl = facts["ddl"].get(table)
        if ddl is None:  # a view
            return column
        kept = ddl.column(info.name)
        return _with(column, collation=kept.collation, check=kept.check)

    def index(self, facts, table, name, entry):
        index = super().index(facts, table, name, entry)
        if index.constraint:  # an inline UNIQUE: the index SQLite made for it has the name to use
            named = facts["constraint_indexes"].get((table, index.columns))
            if named:
                index = _with(index, name=named[0], orders=named[1])
        return index

    def foreign_keys(self, facts, table, entries):
        sql = facts["sql"].get(table, "")
        return [
            ForeignKey(_sqlite_fk_name(sql, columns[0]), tuple(columns), ref_table, None, tuple(ref_columns),
                       on_delete, on_update)
            for columns, ref_table, ref_columns, on_delete, on_update in facts["fks"].get(table, {}).values()
        ]

    def table_checks(self, facts, table):
        ddl = facts["ddl"].get(table)
        return tuple(ddl.checks) if ddl else ()


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


def _plain_word(text: str | None) -> bool:
    return bool(text) and re.fullmatch(r"[A-Za-z0-9_]+", text) is not None


def _with(obj, **changes):
    return replace(obj, **changes)


#: Keyed by Django's `connection.vendor` (mssql-django says "microsoft").
GAP_HOOKS: dict[str, type[GapHooks]] = {
    "postgresql": PostgreSQLHooks,
    "mysql": MySQLHooks,
    "sqlite": SQLiteHooks,
    "oracle": OracleHooks,
    "microsoft": MssqlHooks,
}
