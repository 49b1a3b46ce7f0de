"""PostgreSQL's catalog (pg_catalog): the fast reader, the generic reader's gap hooks, and what DROP TABLE
... CASCADE takes along (docs/introspection.md, docs/unmanaged-objects.md). Catalog SELECTs only, values bound."""
from __future__ import annotations

from collections import defaultdict
from itertools import zip_longest
from contextlib import contextmanager

from .. import sqlrules
from ..schema import ForeignKey, Index, Table, live_column
from .builder import Fetched, RowsDigest, TableBuilder
from .hooks import GapHooks, _with, django_index_method

_PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
#: pg_attribute.attgenerated -> Column.generated ('s' since PostgreSQL 12, 'v' since 18; '' for a plain column).
PG_GENERATED = {"s": "STORED", "v": "VIRTUAL"}


def read_tables(cursor, schemas: list[str], views: bool) -> list[Table]:
    """Every table (and with `views`, view) of the current schema and of `schemas`, from ONE statement.

    One statement sees one snapshot of the catalog, also in READ COMMITTED: columns, indexes and foreign
    keys come from the same instant, so another session's DDL between two reads can no longer make them
    not fit together (docs/introspection.md, "One statement, one snapshot"). The statement returns the
    three row sets, and a row for the current schema, as one UNION ALL of tagged rows (the layout below).

    The rows are taken one at a time and each column row becomes its Column at once: the 21-slot rows of
    65,000 columns (5,000 tables) never sit in memory together, and nothing is sorted by the server (a sort of
    every tagged row spilled to disk at 2,000 tables). Tables, columns, indexes and keys are put in order here."""
    return fetch(cursor, schemas, views).tables()


def fetch(cursor, schemas: list[str], views: bool) -> Fetched:
    """The one statement, sent now; its rows built into tables by `tables()` (builder.Fetched).

    The digest, when asked for, is taken from the rows as they come, none kept: the result stays in the cursor,
    and `tables()` goes through it from the start (the read_tables docstring: the rows never sit in memory
    together)."""
    cursor.execute(_CATALOG_IN_ONE_STATEMENT.format(kinds="'r', 'p', 'v', 'm'" if views else "'r', 'p'"),
                   [schemas] * 4)
    return Fetched(lambda: RowsDigest("postgresql", schemas, views).of(*cursor), lambda: _build(cursor))


def _build(cursor) -> list[Table]:
    cursor.scroll(0, "absolute")
    read = _Rows()
    for row in cursor:
        kind = row[0]
        if kind == _COLUMN:
            read.column(row)
        elif kind == _INDEX:
            read.indexes.append(row)
        elif kind == _FOREIGN_KEY:
            read.fks.append(row)
        elif kind == _CURRENT_SCHEMA:
            read.current = row[1]
    return read.tables()


_CURRENT_SCHEMA, _COLUMN, _INDEX, _FOREIGN_KEY = 0, 1, 2, 3
# The tagged row: the same 26 slots for every kind (a UNION ALL needs one type per slot), NULL where a
# kind has nothing. A table's columns come in one row, as arrays in column order (a table without columns: one
# row, its arrays NULL). _Rows unpacks each row in place (a copy of each, cut to its kind, made the collector's
# work show at 2,000 tables). The index rows name
# their columns from the column rows (attribute numbers), so they are kept until every row has come; tables
# are put in order by schema and name, indexes and keys by name.
#
# slot    0     1       2      3   4     5           6          7          8          9
# columns kind  schema  table  0   -     -           -          -          relkind    -
# index   kind  schema  table  0   name  method      -          -          -          owner
# fk      kind  schema  table  0   name  ref schema  ref table  on delete  on update  -
#
# slot    10      11       12      13  14   15    16       17       18         19       20
# columns -       -        -       -   oid  -     -        attnums  -          names    -
# index   unique  primary  opaque  -   oid  keys  columns  indkey   indoption  -        -
# fk      -       -        -       -   -    -     -        -        -          columns  ref columns
#
# slot    21     22        23          24          25
# columns types  defaults  identities  collations  flags (n nullable; s, v generated stored, virtual)


def _row_order(row):
    # NULL-safe: the catalog is untrusted, a value missing must not stop the read (catalogs/builder.py).
    return (row[1] or "", row[2] or "", row[3] or 0, row[4] or "")


def _name_order(pair) -> tuple[str, str]:
    schema, table = pair
    return (schema or "", table or "")


# A relation of the current schema or of one asked for: {kinds} is one of two constant lists, the schemas are bound.
_REL = "c.relkind IN ({kinds}) AND (n.nspname = current_schema() OR n.nspname = ANY(%s::text[]))"
_CATALOG_IN_ONE_STATEMENT = (
    "SELECT 0 AS kind, current_schema() AS nsp, NULL::name AS rel, 0 AS pos, NULL::name AS name, "
    "  NULL::text AS t1, NULL::text AS t2, NULL::text AS t3, NULL::text AS t4, NULL::text AS t5, "
    "  NULL::bool AS b1, NULL::bool AS b2, NULL::bool AS b3, NULL::bool AS b4, NULL::oid AS oid, "
    "  NULL::int AS i1, NULL::int AS i2, NULL::int2[] AS a1, NULL::int2[] AS a2, NULL::name[] AS n1, "
    "  NULL::name[] AS n2, NULL::text[] AS x1, NULL::text[] AS x2, NULL::text[] AS x3, NULL::text[] AS x4, "
    "  NULL::text[] AS x5 "
    "UNION ALL "
    # One row per table, its columns as arrays in column order: one field per column and kind of fact, where a
    # row per column cost 21 fields each (libpq keeps every field of the one result: 22 MB at 5,000 tables).
    "SELECT 1, n.nspname, c.relname, 0, NULL, NULL, NULL, NULL, c.relkind::text, NULL, "
    "  NULL, NULL, NULL, NULL, c.oid, NULL, NULL, array_agg(a.attnum ORDER BY a.attnum), NULL, "
    "  array_agg(a.attname ORDER BY a.attnum), NULL, "
    "  array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum), "
    # A default is deparsed without its table (a default names no column). Given the table, pg_get_expr opens it
    # (AccessShareLock): it waits behind another session's DDL, then finds a table dropped after this statement's
    # snapshot gone and answers NULL. A generated column's expression (it names columns, so it would need the
    # table) is not read at all: it is no default (Column.generated).
    "  array_agg(CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) END ORDER BY a.attnum), "
    "  array_agg(a.attidentity::text ORDER BY a.attnum), "
    # A collation other than the type's own; ALTER ... TYPE would reset it unless written again.
    "  array_agg(CASE WHEN a.attcollation <> ty.typcollation THEN co.collname::text END ORDER BY a.attnum), "
    # Flags: n nullable; s or v a stored or virtual generated column.
    "  array_agg(CASE WHEN a.attnotnull THEN '' ELSE 'n' END || CASE a.attgenerated WHEN 's' THEN 's' "
    "    WHEN 'v' THEN 'v' ELSE '' END ORDER BY a.attnum) "
    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "LEFT JOIN pg_type ty ON ty.oid = a.atttypid "
    "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collnamespace IN "
    "  (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', current_schema())) "
    f"WHERE {_REL} AND a.attnum > 0 AND NOT a.attisdropped GROUP BY n.nspname, c.relname, c.relkind, c.oid "
    "UNION ALL "
    # A relation with no column (CREATE TABLE t (), or every column dropped) has no row above, but it is a table:
    # read as one without columns (as the generic reader reads it), not as none (CREATE TABLE would then fail).
    "SELECT 1, n.nspname, c.relname, 0, NULL, NULL, NULL, NULL, c.relkind::text, NULL, "
    "  NULL, NULL, NULL, NULL, c.oid, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    f"WHERE {_REL} AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 "
    "  AND NOT a.attisdropped) "
    "UNION ALL "
    # Index columns come as attribute numbers, named from the column rows (no subquery per index).
    "SELECT 2, n.nspname, c.relname, 0, i.relname, am.amname::text, NULL, NULL, NULL, "
    # The constraint that owns the index: 'u' UNIQUE, 'x' EXCLUDE (the primary key's is read apart).
    "  (SELECT con.contype::text FROM pg_constraint con WHERE con.conindid = ix.indexrelid "
    "   AND con.conrelid = ix.indrelid AND con.contype IN ('u', 'x') LIMIT 1), "
    "  ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL, NULL, "
    "  c.oid, ix.indnkeyatts::int, ix.indnatts::int, ix.indkey::int2[], ix.indoption::int2[], NULL, NULL, "
    "  NULL, NULL, NULL, NULL, NULL "
    "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid "
    "JOIN pg_am am ON am.oid = i.relam "
    f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_REL} "
    "UNION ALL "
    "SELECT 3, n.nspname, c.relname, 0, con.conname, rn.nspname::text, rc.relname::text, con.confdeltype::text, "
    "  con.confupdtype::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "  array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord) "
    "        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord), "
    "  array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) "
    "        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord), "
    "  NULL, NULL, NULL, NULL, NULL "
    "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
    f"WHERE con.contype = 'f' AND {_REL}"
)


class _Rows:
    """The tagged rows of one read (the layout above; `_`: a slot the kind leaves NULL), columns built as they
    come, then put together into tables once the current schema (a row of its own, in any place) is known."""

    def __init__(self):
        self.current = None
        self.columns: dict[tuple, list[tuple[int, Column]]] = defaultdict(list)  # (schema, table) as read
        self.views: set[tuple] = set()
        self.attnames: dict[tuple[int, int], str] = {}
        self.indexes: list[tuple] = []
        self.fks: list[tuple] = []

    def column(self, row) -> None:
        """One table's columns: its arrays, one item per column (a missing item, from an untrusted catalog, is
        None: catalogs/builder.sound_table judges the table)."""
        (_, schema, table, _, _, _, _, _, relkind, _, _, _, _, _, oid, _, _, attnums, _, names, _,
         types, defaults, identities, collations, flags) = row
        if relkind in ("v", "m"):
            self.views.add((schema, table))
        columns = self.columns[(schema, table)]
        for attnum, column, type_, default, identity, collation, flag in zip_longest(
                attnums or (), names or (), types or (), defaults or (), identities or (), collations or (),
                flags or ()):
            self.attnames[(oid, attnum)] = column
            # SERIAL is integer + a nextval() default; an identity column is the modern spelling of the same.
            auto = bool(identity) or bool(isinstance(default, str) and default.startswith("nextval("))
            if collation and sqlrules.identifier_problem(collation, '"'):
                collation = None  # untrusted catalog text: a name that could leave its quotes is not written
            flag = flag if isinstance(flag, str) else None
            # A generated column's expression sits in pg_attrdef as a default would: it is none (the server
            # refuses SET / DROP DEFAULT on that column). attgenerated 's': stored (12+), 'v': virtual (18+).
            generated = None if flag is None else "STORED" if "s" in flag else "VIRTUAL" if "v" in flag else None
            if generated:
                default = None
            columns.append((attnum, live_column(column, type_, None if flag is None else "n" in flag,
                                                None if auto else default, auto, collation=collation,
                                                generated=generated)))

    def tables(self) -> list[Table]:
        current, attnames = self.current, self.attnames
        out = TableBuilder()

        def key(schema, table):
            return (None if schema == current else schema, table)

        for schema, table in sorted(self.columns, key=_name_order):
            # In column order (a NULL position, from an untrusted catalog, first).
            numbered = sorted(self.columns[(schema, table)], key=lambda pair: pair[0] or 0)
            out.columns[key(schema, table)] = [column for _, column in numbered]
            if (schema, table) in self.views:
                out.views.add(key(schema, table))
        self._add_indexes(out, key, attnames)
        for (_, schema, table, _, name, ref_schema, ref_table, on_delete, on_update, _,
             _, _, _, _, _, _, _, _, _, columns, ref_columns, *_) in sorted(self.fks, key=_row_order):
            out.fks[key(schema, table)].append(
                ForeignKey(name, tuple(columns or ()), ref_table, key(ref_schema, ref_table)[0],
                           tuple(ref_columns or ()), _PG_ACTIONS.get(on_delete), _PG_ACTIONS.get(on_update))
            )
        return out.tables()

    def _add_indexes(self, out: TableBuilder, key, attnames) -> None:
        for (_, schema, table, _, name, method, _, _, _, owner, unique, primary, opaque, _, oid, keys, all_columns,
             attnums, options, _, _, *_) in sorted(self.indexes, key=_row_order):
            # An EXCLUDE constraint's index: the server refuses DROP INDEX on it (only its constraint can go, with
            # ALTER TABLE), and no model writes one, so it is constraint-owned and opaque whatever its method.
            constraint = owner in ("u", "x")
            opaque = opaque or owner == "x"
            # A GIN, GiST, hash or BRIN index is one no model writes (the models' indexes are btree): its method is
            # its kind, so it never compares equal to the model's index on the same columns.
            kind = None if method in (None, "btree") else _text_kind(method)
            opaque = opaque or kind is not None
            # indkey lists the INCLUDE columns after the key columns (indoption covers the keys only): an index
            # with INCLUDE columns is one no model writes, so it is read as its key columns, and opaque.
            if keys is not None and all_columns is not None and all_columns > keys:
                opaque, attnums = True, list(attnums or ())[:keys]
            # A number no column row explains is None (rows that do not fit: the one statement makes that rare,
            # catalogs/builder.sound_table still catches it).
            columns = [attnames.get((oid, n)) if n else None for n in attnums or ()]
            if primary:
                out.pk[key(schema, table)] = tuple(columns)
                continue
            orders = tuple("DESC" if ((opt or 0) & 1) else "ASC" for opt in options or ())
            out.indexes[key(schema, table)].append(
                Index(name, tuple(c or "" for c in columns), orders, unique, constraint=constraint,
                      opaque=opaque or None in columns, kind=kind)
            )


def _text_kind(method) -> str:
    return (method if isinstance(method, str) else str(method)).upper()


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
        facts["generated"] = {}
        for table, column, type_, collation, generated in self._rows(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
            "  CASE WHEN a.attcollation <> ty.typcollation THEN co.collname END, a.attgenerated "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_type ty ON ty.oid = a.atttypid "
            "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collnamespace IN "
            "  (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', %s)) "
            f"WHERE {visible} AND a.attnum > 0 AND NOT a.attisdropped",
            [self.default_schema],
        ):
            facts["types"][(table, column)] = type_
            if generated in PG_GENERATED:  # Django gives the generation expression as the default
                facts["generated"][(table, column)] = PG_GENERATED[generated]
            if collation and not sqlrules.identifier_problem(collation, '"'):
                facts["collations"][(table, column)] = collation
        # Partial indexes (Django reports the definition of expression indexes only), and indexes with INCLUDE
        # columns, which Django lists after the key columns as if they were keys: both opaque, as the fast
        # reader reads them, and the latter cut to their key columns.
        # EXCLUDE constraints too: Django reports one as a constraint that is no index (and leaves its index out),
        # so the index is read here as the fast reader reads it, key columns and orders from pg_index.
        facts["key_counts"] = {}
        facts["exclusions"] = {}
        for table, name, keys, all_columns, excludes, columns, options, method in self._rows(
            "SELECT c.relname, i.relname, ix.indnkeyatts, ix.indnatts, x.oid IS NOT NULL, "
            "  CASE WHEN x.oid IS NOT NULL THEN array(SELECT a.attname FROM unnest(ix.indkey::int2[]) "
            "    WITH ORDINALITY k(attnum, ord) LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid "
            "    AND a.attnum = k.attnum ORDER BY k.ord) END, "
            "  ix.indoption::int2[], am.amname "
            "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_am am ON am.oid = i.relam "
            "JOIN pg_class c ON c.oid = ix.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_constraint x ON x.conindid = ix.indexrelid AND x.conrelid = ix.indrelid "
            "  AND x.contype = 'x' "
            f"WHERE {visible} AND (ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL OR ix.indnatts > ix.indnkeyatts "
            "  OR x.oid IS NOT NULL)"
        ):
            facts["opaque"].add((table, name))
            if all_columns > keys:
                facts["key_counts"][(table, name)] = keys
            if excludes:
                facts["exclusions"][(table, name)] = (
                    tuple(c or "" for c in (columns or ())[:keys]),
                    tuple("DESC" if ((opt or 0) & 1) else "ASC" for opt in options or ()),
                    None if method in (None, "btree") else _text_kind(method))
        for table, name, ref_schema, ref_columns, on_delete, on_update in self._rows(
            "SELECT c.relname, con.conname, rn.nspname, "
            "  array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) "
            "        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord), "
            "  con.confdeltype, con.confupdtype "
            "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
            f"WHERE con.contype = 'f' AND {visible}"
        ):
            facts["fk_details"][(table, name)] = (ref_schema, ref_columns or [], _PG_ACTIONS.get(on_delete),
                                                  _PG_ACTIONS.get(on_update))
        return facts

    def is_auto(self, facts, table, info):
        # SERIAL is integer + a nextval() default; an identity column is the modern spelling of the same.
        return bool(info.is_autofield) or bool(info.default and info.default.startswith("nextval("))

    def column(self, facts, table, info, primary_key):
        column = super().column(facts, table, info, primary_key)
        collation = facts["collations"].get((table, info.name))
        generated = facts["generated"].get((table, info.name))
        if generated:  # as the fast reader: the generation expression is no default
            column = _with(column, default=None, generated=generated)
        return _with(column, collation=collation)

    def constraint_index(self, facts, table, name):
        return (table, name) in facts["exclusions"]

    def index(self, facts, table, name, entry):
        index = super().index(facts, table, name, entry)
        exclusion = facts["exclusions"].get((table, name))
        if exclusion is not None:  # as the fast reader: the constraint's index, owned by it, opaque
            columns, orders, kind = exclusion
            return _with(index, columns=columns, orders=orders, unique=False, constraint=True, opaque=True,
                         kind=kind)
        keys = facts["key_counts"].get((table, name))
        if keys is not None:
            index = _with(index, columns=index.columns[:keys], orders=index.orders[:keys])
        # As the fast reader: a GIN, GiST, hash or BRIN index carries its method as its kind, and is opaque.
        kind = django_index_method(entry)
        if kind is not None:
            index = _with(index, kind=kind, opaque=True)
        return index



# Everything DROP ... CASCADE removes, recursively: objects that depend on a dropped object normally
# ('n') or automatically ('a'), and the owner of a dropped internal part ('i': a view owns its rule).
# Then only what is not part of a dropped table itself (its indexes, constraints, sequences ...; its
# triggers, rules and policies are named by lost_with_tables). A view's own rule stands for the view.
_PG_DEPENDENTS = """
WITH RECURSIVE roots AS (
  SELECT c.oid, c.reltype FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN unnest(%s::text[], %s::text[]) AS r(nsp, rel) ON n.nspname = r.nsp AND c.relname = r.rel
), dropped(classid, objid, objsubid) AS (
  SELECT 'pg_class'::regclass::oid, oid, 0 FROM roots
  UNION SELECT 'pg_type'::regclass::oid, reltype, 0 FROM roots
  UNION
  SELECT CASE WHEN d.deptype = 'i' THEN d.refclassid ELSE d.classid END,
         CASE WHEN d.deptype = 'i' THEN d.refobjid ELSE d.objid END,
         CASE WHEN d.deptype = 'i' THEN 0 ELSE d.objsubid END
  FROM pg_depend d JOIN dropped p ON
       (d.deptype IN ('n', 'a') AND d.refclassid = p.classid AND d.refobjid = p.objid
        AND (p.objsubid = 0 OR d.refobjsubid = p.objsubid))
    OR (d.deptype = 'i' AND d.classid = p.classid AND d.objid = p.objid)
)
SELECT DISTINCT pg_describe_object(x.classid, x.objid, x.objsubid), c.relkind
FROM dropped x LEFT JOIN pg_class c ON x.classid = 'pg_class'::regclass AND c.oid = x.objid
WHERE x.classid <> 'pg_type'::regclass
  AND NOT (x.classid = 'pg_rewrite'::regclass AND EXISTS (
        SELECT 1 FROM pg_rewrite w WHERE w.oid = x.objid
        AND (w.rulename = '_RETURN' OR w.ev_class IN (SELECT oid FROM roots))))
  AND NOT (x.classid = 'pg_class'::regclass AND x.objsubid = 0 AND (
        x.objid IN (SELECT oid FROM roots)
        OR EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = x.classid AND o.objid = x.objid
                   AND o.deptype IN ('a', 'i') AND o.refclassid = 'pg_class'::regclass
                   AND o.refobjid IN (SELECT oid FROM roots))))
  AND NOT (x.classid = 'pg_class'::regclass AND x.objsubid > 0 AND x.objid IN (SELECT oid FROM roots))
  AND NOT (x.classid = 'pg_constraint'::regclass AND
           (SELECT conrelid FROM pg_constraint WHERE oid = x.objid) IN (SELECT oid FROM roots))
  AND NOT (x.classid = 'pg_attrdef'::regclass AND
           (SELECT adrelid FROM pg_attrdef WHERE oid = x.objid) IN (SELECT oid FROM roots))
  AND NOT (x.classid = 'pg_trigger'::regclass AND
           (SELECT tgrelid FROM pg_trigger WHERE oid = x.objid) IN (SELECT oid FROM roots))
  AND NOT (x.classid = 'pg_policy'::regclass AND
           (SELECT polrelid FROM pg_policy WHERE oid = x.objid) IN (SELECT oid FROM roots))
ORDER BY 1
"""


def dependents(cursor, dropped: list[Table]) -> list[str]:
    """Every object DROP TABLE ... CASCADE removes with `dropped` that is not part of them, as the server
    names it (pg_describe_object)."""
    cursor.execute("SELECT current_schema()")
    current = cursor.fetchone()[0]
    cursor.execute(_PG_DEPENDENTS, [[t.schema or current for t in dropped], [t.name for t in dropped]])
    rows = cursor.fetchall()
    return [f"{name} (with its data)" if relkind == "m" else name for name, relkind in rows]



# The dropped tables by oid, with the schema as Table.key spells it (None: the current schema).
_PG_ROOTS = """
WITH roots AS (
  SELECT c.oid, c.relowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity,
         CASE WHEN r.given THEN n.nspname END AS nsp, c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN unnest(%s::text[], %s::text[], %s::bool[]) AS r(nsp, rel, given) ON n.nspname = r.nsp AND c.relname = r.rel
)
"""

#: kind -> SELECT schema, table, detail (appended to _PG_ROOTS).
_PG_LOST = {
    "trigger": "SELECT nsp, relname, t.tgname FROM roots JOIN pg_trigger t ON t.tgrelid = roots.oid "
               "WHERE NOT t.tgisinternal ORDER BY 1, 2, 3",
    "rule": "SELECT nsp, relname, w.rulename FROM roots JOIN pg_rewrite w ON w.ev_class = roots.oid "
            "WHERE w.rulename <> '_RETURN' ORDER BY 1, 2, 3",
    "policy": "SELECT nsp, relname, p.polname FROM roots JOIN pg_policy p ON p.polrelid = roots.oid ORDER BY 1, 2, 3",
    "row level security": "SELECT nsp, relname, CASE WHEN relforcerowsecurity THEN 'enabled, forced' "
                          "ELSE 'enabled' END FROM roots WHERE relrowsecurity ORDER BY 1, 2",
    # Privileges the owner does not hold by owning the table, on the table and on its columns.
    "grant": ", acls AS (SELECT nsp, relname, relowner, NULL::name AS attname, relacl AS acl FROM roots "
             "WHERE relacl IS NOT NULL UNION ALL SELECT nsp, relname, relowner, col.attname, col.attacl "
             "FROM roots JOIN pg_attribute col ON col.attrelid = roots.oid AND col.attnum > 0 "
             "AND NOT col.attisdropped AND col.attacl IS NOT NULL) "
             "SELECT nsp, relname, string_agg(a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT "
             "OPTION' ELSE '' END, ', ' ORDER BY a.privilege_type) || CASE WHEN attname IS NULL THEN '' "
             "ELSE ' (' || quote_ident(attname) || ')' END || ' to ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
             "ELSE quote_ident(pg_get_userbyid(a.grantee)) END "
             "FROM acls CROSS JOIN LATERAL aclexplode(acl) a WHERE a.grantee <> relowner "
             "GROUP BY nsp, relname, attname, a.grantee ORDER BY 1, 2, 3",
    "table comment": "SELECT nsp, relname, NULL FROM roots JOIN pg_description d ON d.objoid = roots.oid "
                     "AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0 ORDER BY 1, 2",
    "column comment": "SELECT nsp, relname, col.attname FROM roots JOIN pg_description d ON d.objoid = roots.oid "
                      "AND d.classoid = 'pg_class'::regclass JOIN pg_attribute col ON col.attrelid = roots.oid "
                      "AND col.attnum = d.objsubid AND d.objsubid > 0 ORDER BY 1, 2, d.objsubid",
    # CREATE TABLE makes the role running automigrate the owner.
    "owner": "SELECT nsp, relname, pg_get_userbyid(relowner) FROM roots "
             "WHERE pg_get_userbyid(relowner) <> current_user ORDER BY 1, 2",
}


def lost_objects(cursor, dropped: list[Table]) -> list[tuple]:
    cursor.execute("SELECT current_schema()")
    current = cursor.fetchone()[0]
    roots = [[t.schema or current for t in dropped], [t.name for t in dropped], [bool(t.schema) for t in dropped]]
    lost = []
    for kind, query in _PG_LOST.items():
        cursor.execute(_PG_ROOTS + query, roots)
        lost.extend((kind, *row) for row in cursor.fetchall())
    return lost



read_tables.fetch = fetch  # introspect.read_catalog: the rows first, the tables only when needed
fetch.reads_for = read_tables  # and only for this reader: not a wrapper that copied read_tables' __dict__
