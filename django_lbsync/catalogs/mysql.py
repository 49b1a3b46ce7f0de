"""MySQL / MariaDB's catalog (information_schema): the fast reader, the generic reader's gap hooks, and what
DROP TABLE takes along (docs/introspection.md, docs/unmanaged-objects.md). Catalog SELECTs only, values bound."""
from __future__ import annotations

import re
from collections import defaultdict
from contextlib import contextmanager

from .. import sqlrules
from ..exceptions import UnsupportedDatabase
from ..schema import ForeignKey, Index, Table, live_column
from .builder import Fetched, RowsDigest, TableBuilder
from .hooks import GapHooks, _with, django_index_method

#: The index types MySQL/MariaDB have a keyword for, read as the index's kind (Vendor.special_index_kinds).
SPECIAL_KINDS = ("FULLTEXT", "SPATIAL")

def read_tables(cursor, schemas: list[str], views: bool) -> list[Table]:
    return fetch(cursor, schemas, views).tables()


def fetch(cursor, schemas: list[str], views: bool) -> Fetched:
    """The five catalog queries, sent now; their rows built into tables by `tables()` (builder.Fetched)."""
    in_extra = "".join(", %s" for _ in schemas)
    # Tables and columns are read apart: MariaDB's information_schema is slow to join (0.5 s for 500 tables).
    cursor.execute(
        "SELECT DATABASE(), table_schema, table_name, table_type, table_collation FROM information_schema.tables "
        f"WHERE table_schema IN (DATABASE(){in_extra})",
        schemas,
    )
    tables = cursor.fetchall()
    current = tables[-1][0] if tables else None
    wanted = [current] + [s for s in schemas if s != current]
    in_wanted = ", ".join(["%s"] * len(wanted))
    # No ORDER BY: MariaDB sorts these rows in a file (0.1 s of columns, 0.3-0.5 s of statistics at 5,000
    # tables); they are put in that order here (_in_catalog_order) for the price of checking it.
    cursor.execute(
        "SELECT table_schema, table_name, column_name, column_type, is_nullable, column_default, extra, "
        "  collation_name, column_comment, ordinal_position "
        f"FROM information_schema.columns WHERE table_schema IN ({in_wanted})",
        wanted,
    )
    columns = cursor.fetchall()
    cursor.execute(
        "SELECT table_schema, table_name, index_name, non_unique, column_name, collation, sub_part, index_type, "
        "  seq_in_index "
        f"FROM information_schema.statistics WHERE table_schema IN ({in_wanted})",
        wanted,
    )
    statistics = cursor.fetchall()
    # The key columns and the rules are read apart and joined here: MariaDB's information_schema join of the
    # two took 0.59 s at 5,000 tables, the two reads 0.25 s together.
    cursor.execute(
        "SELECT constraint_schema, table_name, constraint_name, delete_rule, update_rule "
        f"FROM information_schema.referential_constraints WHERE constraint_schema IN ({in_wanted})",
        wanted,
    )
    rules = cursor.fetchall()
    cursor.execute(
        "SELECT table_schema, table_name, constraint_name, column_name, referenced_table_schema, "
        "  referenced_table_name, referenced_column_name, ordinal_position "
        f"FROM information_schema.key_column_usage WHERE table_schema IN ({in_wanted}) "
        "AND referenced_table_name IS NOT NULL",
        wanted,
    )
    key_columns = cursor.fetchall()
    return Fetched(lambda: RowsDigest("mysql", schemas, views).of(tables, columns, statistics, rules, key_columns),
                   lambda: _build(current, tables, columns, statistics, rules, key_columns, views))


def _build(current, table_rows, column_rows, statistic_rows, rule_rows, key_column_rows, views) -> list[Table]:
    out = TableBuilder()
    kinds: dict[tuple, str] = {}
    table_collations: dict[tuple, str] = {}
    for _, schema, table, table_type, collation in table_rows:
        kinds[(schema, table)] = table_type
        table_collations[(schema, table)] = collation
    allowed = ("BASE TABLE", "VIEW", "SYSTEM VIEW") if views else ("BASE TABLE",)

    def key(schema, table):
        return (None if schema == current else schema, table)

    for schema, table, column, type_, nullable, default, extra, collation, comment, _ in _in_catalog_order(
            column_rows, _by_position):
        table_type = kinds.get((schema, table))
        if table_type not in allowed:
            continue
        if default == "NULL":  # MariaDB >= 10.2.7 reports "no default" as the text NULL
            default = None
        auto = "auto_increment" in (extra or "").lower()
        kept = _mysql_kept_attributes(extra, collation, table_collations.get((schema, table)), comment)
        generated = mysql_generated(extra)
        if generated:
            default = None  # the generation expression (GENERATION_EXPRESSION) is no default
        if kept.get("on_update") and nullable == "NO" and default and _ZERO_DATE.match(default):
            # MariaDB gives a NOT NULL column with ON UPDATE an implicit zero-date default: not a default
            # anybody wrote, so not one to compare (keeping ON UPDATE must not look like drift).
            default = None
        out.columns[key(schema, table)].append(live_column(column, type_, nullable == "YES", default, auto,
                                                           generated=generated, **kept))
        if table_type != "BASE TABLE":
            out.views.add(key(schema, table))
    grouped: dict[tuple, dict] = defaultdict(dict)
    for schema, table, name, non_unique, column, collation, sub_part, index_type, _ in _in_catalog_order(
            statistic_rows, _by_index_and_position):
        # FULLTEXT / SPATIAL indexes keep their kind (docs/loopback-rules/indexes-and-keys.md); their
        # sub_part (SPATIAL's 32) is the engine's, not a prefix anybody declared.
        kind = index_type if index_type in SPECIAL_KINDS else None
        entry = grouped[key(schema, table)].setdefault(name, {"columns": [], "orders": [], "unique": not non_unique,
                                                         "opaque": False, "kind": kind})
        entry["columns"].append(column or "")
        entry["orders"].append("ASC" if kind else "DESC" if collation == "D" else "ASC")
        entry["opaque"] = entry["opaque"] or column is None or (sub_part is not None and not kind)
    for table_key, indexes in grouped.items():
        for name, entry in indexes.items():
            if name == "PRIMARY":
                out.pk[table_key] = tuple(entry["columns"])
            else:
                out.indexes[table_key].append(
                    Index(name, tuple(entry["columns"]), tuple(entry["orders"]), entry["unique"],
                          opaque=entry["opaque"], kind=entry["kind"])
                )
    # The key columns joined with their rules, sorted as the server's ORDER BY would (its *_general_ci collation
    # compares upper-cased names).
    rules = {(schema, table, name): (on_delete, on_update)
             for schema, table, name, on_delete, on_update in rule_rows}
    key_columns = sorted(key_column_rows, key=lambda r: (str(r[0] or "").upper(), str(r[1] or "").upper(),
                                                         str(r[2] or "").upper(), r[7] or 0))
    fks: dict[tuple, dict] = defaultdict(dict)
    for schema, table, name, column, ref_schema, ref_table, ref_column, _position in key_columns:
        rule = rules.get((schema, table, name))
        if rule is None:  # as the join: a key column without its constraint's rules is no foreign key
            continue
        on_delete, on_update = rule
        entry = fks[key(schema, table)].setdefault(name, [[], key(ref_schema, ref_table)[0], ref_table, [],
                                                          on_delete, on_update])
        entry[0].append(column)
        entry[3].append(ref_column)
    for table_key, by_name in fks.items():
        for name, (columns, ref_schema, ref_table, ref_columns, on_delete, on_update) in by_name.items():
            out.fks[table_key].append(ForeignKey(name, tuple(columns), ref_table, ref_schema, tuple(ref_columns),
                                                 on_delete, on_update))
    return out.tables()


def _in_catalog_order(rows, within) -> list:
    """`rows` (schema and table first) as ORDER BY table_schema, table_name, <within> gives them: tables in the
    order of the server's *_general_ci collation (upper-cased names, as the key columns' sort above), each
    table's rows by `within`. MariaDB sends each table's rows together and in order: both sorts then only check."""
    groups: dict[tuple, list] = {}
    for row in rows:
        group = groups.get((row[0], row[1]))
        if group is None:
            groups[(row[0], row[1])] = group = []
        group.append(row)
    ordered = []
    for key in sorted(groups, key=_ci_table_order):
        ordered.extend(sorted(groups[key], key=within))
    return ordered


def _ci_table_order(key: tuple) -> tuple[str, str]:
    return (str(key[0] or "").upper(), str(key[1] or "").upper())


def _by_position(row) -> int:
    return row[9] or 0  # NULL-safe: the catalog is untrusted (catalogs/builder.py)


def _by_index_and_position(row) -> tuple[str, int]:
    return (str(row[2] or "").upper(), row[8] or 0)


#: EXTRA's ON UPDATE clause: MariaDB `on update current_timestamp(3)`, MySQL `on update CURRENT_TIMESTAMP(3)`.
_MYSQL_ON_UPDATE = re.compile(r"\bon update (current_timestamp|now|localtime|localtimestamp)(?:\((\d)?\))?", re.I)
#: EXTRA of a generated column: `VIRTUAL GENERATED`, `STORED GENERATED` (MySQL 5.7+, MariaDB 10.2+, which also
#: accepts PERSISTENT for STORED). Not MySQL 8's `DEFAULT_GENERATED`: that is a plain column with an expression default.
_MYSQL_GENERATED = re.compile(r"\b(VIRTUAL|STORED|PERSISTENT)\s+GENERATED\b", re.I)
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_]+\Z")
_ZERO_DATE = re.compile(r"'?0000-00-00 00:00:00(\.0+)?'?\Z")


def mysql_generated(extra: str | None) -> str | None:
    """Column.generated from EXTRA: "VIRTUAL", "STORED", or None for a plain column."""
    match = _MYSQL_GENERATED.search(extra or "")
    if match is None:
        return None
    return "VIRTUAL" if match.group(1).upper() == "VIRTUAL" else "STORED"


def _mysql_kept_attributes(extra: str | None, collation: str | None, table_collation: str | None,
                           comment: str | None) -> dict:
    """What MODIFY would drop unless it is written again: ON UPDATE, a collation other than the
    table's, the comment. Catalog text is untrusted: ON UPDATE is rebuilt from its parsed parts and a
    collation must be a plain word, or it is not carried (then MODIFY falls back to the table's)."""
    kept: dict = {}
    match = _MYSQL_ON_UPDATE.search(extra or "")
    if match:
        kept["on_update"] = "CURRENT_TIMESTAMP" + (f"({match.group(2)})" if match.group(2) else "")
    if collation and collation != table_collation and _PLAIN_WORD.match(collation):
        kept["collation"] = collation
    if comment:
        kept["comment"] = comment
    return kept


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
            "WHERE table_schema = DATABASE() AND (column_name IS NULL "
            "  OR (sub_part IS NOT NULL AND index_type NOT IN ('FULLTEXT', 'SPATIAL')))")}
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

    def index(self, facts, table, name, entry):
        index = super().index(facts, table, name, entry)
        kind = django_index_method(entry)
        if kind in SPECIAL_KINDS:
            # As the fast reader: the kind kept, no order (MySQL has none there); SPATIAL's sub_part (32) is the
            # engine's, not a declared prefix, so it is left out of the opaque facts above.
            index = _with(index, orders=("ASC",) * len(index.columns), kind=kind)
        return index

    def column(self, facts, table, info, primary_key):
        column = super().column(facts, table, info, primary_key)
        default = column.default
        if default == "NULL":  # MariaDB >= 10.2.7 reports "no default" as the text NULL
            default = None
        kept = _mysql_kept_attributes(info.extra, info.collation, None, info.comment)
        if kept.get("on_update") and not column.null and default and _ZERO_DATE.match(default):
            default = None  # MariaDB's implicit zero-date default of a NOT NULL ... ON UPDATE column
        generated = mysql_generated(info.extra)
        if generated:
            default = None  # as the fast reader
        return _with(column, default=default, generated=generated, **kept)

    def foreign_keys(self, facts, table, entries):
        # Django drops a key to another database and keeps one referenced column: the hook has them all.
        entries = dict(entries)
        for (fk_table, name), (ref_table, columns) in facts["fk_elsewhere"].items():
            if fk_table == table and name not in entries:
                entries[name] = {"columns": columns, "foreign_key": (ref_table, None)}
        return super().foreign_keys(facts, table, entries)



#: (kind, SELECT schema, table, detail ... ({where}) with {where} matching the dropped tables, schema column,
#: table column). MySQL keeps table grants (mysql.tables_priv) across DROP TABLE: the new table has them.
_MYSQL_LOST = [
    ("trigger", "SELECT event_object_schema, event_object_table, trigger_name FROM information_schema.triggers "
                "WHERE ({where}) ORDER BY 1, 2, 3", "event_object_schema", "event_object_table"),
    ("table comment", "SELECT table_schema, table_name, NULL FROM information_schema.tables "
                      "WHERE table_comment <> '' AND table_type = 'BASE TABLE' AND ({where}) ORDER BY 1, 2",
     "table_schema", "table_name"),
    ("column comment", "SELECT table_schema, table_name, column_name FROM information_schema.columns "
                       "WHERE column_comment <> '' AND ({where}) ORDER BY 1, 2, ordinal_position",
     "table_schema", "table_name"),
]


def lost_objects(cursor, dropped: list[Table]) -> list[tuple]:
    cursor.execute("SELECT DATABASE()")
    current = cursor.fetchone()[0]
    params = [value for table in dropped for value in (table.schema or current, table.name)]
    lost = []
    for kind, query, schema_column, table_column in _MYSQL_LOST:
        where = " OR ".join([f"({schema_column} = %s AND {table_column} = %s)"] * len(dropped))
        cursor.execute(query.format(where=where), params)
        lost.extend((kind, None if schema == current else schema, table, detail)
                    for schema, table, detail in cursor.fetchall())
    return lost



read_tables.fetch = fetch  # introspect.read_catalog: the rows first, the tables only when needed
fetch.reads_for = read_tables  # and only for this reader: not a wrapper that copied read_tables' __dict__
