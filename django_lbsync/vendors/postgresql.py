"""loopback-connector-postgresql 8.x/9.x rules (docs/loopback-rules/README.md)."""
from __future__ import annotations

import hashlib
import re

from .. import locks
from ..locks import INSTANT, REWRITE, SCAN, LockCost, OnlineStatement
from ..definitions import ModelDefinition, PropertyDefinition
from . import datatypes
from ..catalogs import postgresql as catalog_sql
from .base import Vendor

# Types that take no length: LoopBack writes `INTEGER(22)` when a length is set (a syntax error,
# PG#284); we leave the length off instead.
NO_LENGTH_TYPES = {
    "INTEGER", "INT", "INT2", "INT4", "INT8", "SMALLINT", "BIGINT", "SERIAL", "BIGSERIAL", "TEXT", "BOOLEAN",
    "BOOL", "DATE", "JSON", "JSONB", "UUID", "REAL", "DOUBLE PRECISION", "FLOAT4", "FLOAT8", "BYTEA", "POINT",
    "MONEY", "INET", "CIDR", "MACADDR",
}


class PostgresqlVendor(Vendor):
    django_vendor = "postgresql"
    django_backends = ("django.db.backends.postgresql.base.DatabaseWrapper",)
    connector_key = "postgresql"
    sql_create_schema = "CREATE SCHEMA IF NOT EXISTS {schema}"
    batches_ddl = True
    sends_ddl_in_one_transaction = True  # transactional DDL: a failed batch rolls everything back
    limits_locks_per_transaction = True  # max_locks_per_transaction
    drop_table_dependents = "cascade"  # Django's editor writes DROP TABLE ... CASCADE
    connect_timeout_parameter = "connect_timeout"  # libpq
    lock_strategy = "advisory_lock"  # a session advisory lock, per database by nature
    prefetches_catalog = True
    catalog_reader = staticmethod(catalog_sql.read_tables)  # pg_catalog, one statement (one snapshot)
    gap_hooks = catalog_sql.PostgreSQLHooks
    dependents_reader = staticmethod(catalog_sql.dependents)  # pg_depend, as CASCADE follows it
    lost_objects_reader = staticmethod(catalog_sql.lost_objects)
    sql_current_schema = "SELECT current_schema()"
    sql_list_schemas = ("SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', "
                        "'information_schema') AND nspname NOT LIKE 'pg_toast%%' AND nspname NOT LIKE 'pg_temp%%'")
    default_schema = "public"
    backslash_literal_prefix = "E"
    literal_readings = (False, True)  # standard_conforming_strings on / off
    type_families = datatypes.POSTGRESQL_FAMILIES
    integer_ranges = datatypes.POSTGRESQL_INTEGER_RANGES
    string_limits = datatypes.POSTGRESQL_STRING_LIMITS
    # SHARE ROW EXCLUSIVE blocks INSERT/UPDATE/DELETE but not reads, and only one session holds it.
    block_writers_sql = "LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"
    # NAMEDATALEN - 1. A longer name is cut to 63 bytes with only a NOTICE, so two long names can
    # become one, and the cut name never matches the model again.
    name_limit = 63
    name_limit_unit = "bytes"
    type_aliases = (
        (r"^CHARACTER VARYING", "VARCHAR"),
        (r"^CHARACTER\b", "CHAR"),
        (r"^CHAR$", "CHAR(1)"),
        (r"^(INT|INT4|SERIAL|SERIAL4)$", "INTEGER"),
        (r"^(INT8|BIGSERIAL|SERIAL8)$", "BIGINT"),
        (r"^(INT2|SMALLSERIAL|SERIAL2)$", "SMALLINT"),
        (r"^BOOL$", "BOOLEAN"),
        (r"^(FLOAT8|FLOAT)$", "DOUBLE PRECISION"),
        (r"^FLOAT4$", "REAL"),
        (r"^DECIMAL", "NUMERIC"),
        (r"^NUMERIC\((\d+)\)$", r"NUMERIC(\1,0)"),  # a precision alone means scale 0; PostgreSQL says (p,0)
        (r"^TIMESTAMPTZ(\(\d+\))?$", r"TIMESTAMP\1 WITH TIME ZONE"),
        (r"^TIMESTAMP(\(\d+\))?$", r"TIMESTAMP\1 WITHOUT TIME ZONE"),
        (r"^TIMETZ(\(\d+\))?$", r"TIME\1 WITH TIME ZONE"),
        (r"^TIME(\(\d+\))?$", r"TIME\1 WITHOUT TIME ZONE"),
        # 6 digits is what a time type without a precision keeps, and the most there is: the catalog
        # says timestamp(6) for a column declared so, timestamp for one declared without.
        (r"^(TIMESTAMP|TIME)\((?:[6-9]|\d\d+)\)( WITH| WITHOUT)", r"\1\2"),
    )

    # The functions of the extensions a LoopBack model's dbDefault commonly calls. gen_random_uuid() is
    # built in since PostgreSQL 13 (pgcrypto's before), so it is not listed.
    function_extensions = {
        **{name: "uuid-ossp" for name in ("uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v3",
                                          "uuid_generate_v4", "uuid_generate_v5", "uuid_nil", "uuid_ns_dns",
                                          "uuid_ns_url", "uuid_ns_oid", "uuid_ns_x500")},
        **{name: "pgcrypto" for name in ("gen_random_bytes", "crypt", "gen_salt", "digest", "hmac")},
    }
    sql_extension_states = (
        "SELECT e.name, e.installed_version IS NOT NULL, COALESCE(v.trusted, false) FROM pg_available_extensions e "
        "LEFT JOIN pg_available_extension_versions v ON v.name = e.name AND v.version = e.default_version "
        "WHERE e.name = ANY(%s)")
    sql_role = ("SELECT current_user, current_database(), "
                "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
                "has_database_privilege(current_database(), 'CREATE')")
    sql_create_extension = "CREATE EXTENSION IF NOT EXISTS {name}"
    index_name_scope = "schema"
    index_names_share_table_namespace = True  # both are relations in pg_class

    def implicit_relation_names(self, table) -> list[tuple[str, str]]:
        # CREATE TABLE names the primary key's index `<table>_pkey` and a serial or identity column's sequence
        # `<table>_<column>_seq` (ChooseRelationName), both relations in pg_class beside the indexes.
        names = [(object_name(table.name, None, "pkey"), "the primary key's own index")] if table.primary_key else []
        return names + [(object_name(table.name, column.name, "seq"), f"the sequence of column {column.name}")
                        for column in table.columns if column.auto]

    def connection_broken(self, connection) -> bool:
        # psycopg (2 and 3) marks a connection `closed` once the server has ended it (AdminShutdown, a restart);
        # an aborted transaction on a live connection leaves it open.
        raw = connection.connection
        return raw is None or bool(getattr(raw, "closed", False))

    def referenced_type(self, column):
        return {"SERIAL": "INTEGER", "BIGSERIAL": "BIGINT", "SMALLSERIAL": "SMALLINT"}.get(column.type, column.type)
    # -- locks and online changes (docs/online.md#postgresql) -----------------------------------------
    rolls_back_ddl = True
    online_unsupported = None
    # reltuples: the estimate VACUUM/ANALYZE keep (-1 before the first one, PostgreSQL 14+).
    sql_estimated_rows = ("SELECT t.k, c.reltuples::bigint FROM unnest(%s::text[]) AS t(k) "
                          "LEFT JOIN pg_class c ON c.oid = to_regclass(t.k)")
    lock_costs = {
        "create_table": LockCost("no lock on existing tables", INSTANT, False),
        "drop_table": LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True),
        "add_column": LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True,
                               note="a constant default is kept in the catalog, no rewrite (PostgreSQL 11+)"),
        "drop_column": LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True),
        "alter_type": LockCost("ACCESS EXCLUSIVE", REWRITE, True, blocks_reads=True, rewrites=True),
        "set_not_null": LockCost("ACCESS EXCLUSIVE", SCAN, True, blocks_reads=True, scans=True),
        "drop_not_null": LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True),
        "alter_default": LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True),
        "add_index": LockCost("SHARE", SCAN, True, scans=True),
        "add_unique_index": LockCost("SHARE", SCAN, True, scans=True),
        "add_unique_constraint": LockCost("ACCESS EXCLUSIVE", SCAN, True, blocks_reads=True, scans=True),
        "drop_index": LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True),
        "drop_constraint": LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True),
        "add_foreign_key": LockCost("SHARE ROW EXCLUSIVE (both tables)", SCAN, True, scans=True,
                                    note="validates every row"),
        "drop_foreign_key": LockCost("ACCESS EXCLUSIVE (both tables)", INSTANT, True, blocks_reads=True),
        "add_generator": LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True,
                                  note="an identity is catalog-only; setval reads MAX(id) through the key's index"),
    }
    online_lock_costs = {
        "add_index": LockCost("SHARE UPDATE EXCLUSIVE", SCAN, False, scans=True, method="CREATE INDEX CONCURRENTLY"),
        "add_unique_index": LockCost("SHARE UPDATE EXCLUSIVE", SCAN, False, scans=True,
                                     method="CREATE UNIQUE INDEX CONCURRENTLY"),
        "add_unique_constraint": LockCost(
            "SHARE UPDATE EXCLUSIVE", SCAN, False, scans=True,
            method="CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX (a moment)"),
        "drop_index": LockCost("SHARE UPDATE EXCLUSIVE", INSTANT, False, method="DROP INDEX CONCURRENTLY"),
        "add_foreign_key": LockCost(
            "SHARE UPDATE EXCLUSIVE", SCAN, False, scans=True,
            method="ADD CONSTRAINT ... NOT VALID (SHARE ROW EXCLUSIVE for a moment), then VALIDATE CONSTRAINT"),
        "set_not_null": LockCost(
            "SHARE UPDATE EXCLUSIVE", SCAN, False, scans=True,
            method="CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL (no scan), DROP the CHECK"),
    }

    def estimate_key(self, table) -> str:
        name = '"' + table.name + '"'  # to_regclass reads a quoted name: a bound string, never SQL
        return f'"{table.schema}".{name}' if table.schema else name

    def estimated_rows_query(self, names):
        return self.sql_estimated_rows, [list(names)]  # one array parameter

    def shape_cost(self, shape, change, online):
        if shape == "alter_type" and not _type_change_rewrites(self, change.live.type, change.desired.type):
            return LockCost("ACCESS EXCLUSIVE", INSTANT, True, blocks_reads=True,
                            note="a wider string type: no rewrite")
        if shape == "add_column" and _volatile_default(change.column):
            return LockCost("ACCESS EXCLUSIVE", REWRITE, True, blocks_reads=True, rewrites=True,
                            note="a generated or volatile default is written into every row")
        return super().shape_cost(shape, change, online)

    def online_statements(self, change, statements: list[str], quote) -> list[OnlineStatement]:
        """The plan's statements for `change` (as the ordinary run renders them) in their online forms."""
        shapes = locks.shapes(change)
        table = quote(self.db_table(change.table))
        if "add_unique_constraint" in shapes:
            index = self._qualified_index(change.table, change.index.name, quote)
            columns = ", ".join(quote(self.db_column(c)) for c in change.index.columns)
            drop = f"DROP INDEX CONCURRENTLY IF EXISTS {index}"
            return [OnlineStatement(drop),
                    OnlineStatement(f"CREATE UNIQUE INDEX CONCURRENTLY {quote(change.index.name)} ON {table} "
                                    f"({columns})", cleanup=drop),
                    OnlineStatement(f"ALTER TABLE {table} ADD CONSTRAINT {quote(change.index.name)} "
                                    f"UNIQUE USING INDEX {quote(change.index.name)}")]
        out: list[OnlineStatement] = []
        not_null = None
        if "set_not_null" in shapes:
            not_null = f"ALTER COLUMN {quote(self.db_column(change.live.name))} SET NOT NULL"
        for sql in statements:
            create = re.match(r"CREATE (UNIQUE )?INDEX ", sql)
            if create and shapes[0] in ("add_index", "add_unique_index"):
                drop = f"DROP INDEX CONCURRENTLY IF EXISTS {self._qualified_index(change.table, change.index.name, quote)}"
                out += [OnlineStatement(drop),
                        OnlineStatement(f"CREATE {create.group(1) or ''}INDEX CONCURRENTLY " + sql[create.end():],
                                        cleanup=drop)]
            elif shapes == ["drop_index"] and sql.startswith("DROP INDEX IF EXISTS "):
                out.append(OnlineStatement("DROP INDEX CONCURRENTLY IF EXISTS " + sql[len("DROP INDEX IF EXISTS "):]))
            elif shapes == ["add_foreign_key"] and " FOREIGN KEY " in sql and sql.startswith("ALTER TABLE "):
                name = quote(self.db_object_name(change.fk.name))
                out += [OnlineStatement(sql + " NOT VALID"),
                        OnlineStatement(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")]
            elif not_null and not_null in sql:
                rest = [part for part in sql[len(f"ALTER TABLE {table} "):].split(", ") if part != not_null] \
                    if sql.startswith(f"ALTER TABLE {table} ") else None
                if rest is None:
                    out.append(OnlineStatement(sql))
                    continue
                if rest:
                    out.append(OnlineStatement(f"ALTER TABLE {table} " + ", ".join(rest)))
                out += self._online_not_null(change, table, quote)
            else:
                out.append(OnlineStatement(sql))
        return out

    def _online_not_null(self, change, table: str, quote) -> list[OnlineStatement]:
        """SET NOT NULL without a scan under ACCESS EXCLUSIVE: a validated CHECK proves it (PostgreSQL 12+)."""
        column = quote(self.db_column(change.live.name))
        check = quote(not_null_check_name(change.table.key, change.live.name))
        return [OnlineStatement(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {check}"),
                OnlineStatement(f"ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID"),
                OnlineStatement(f"ALTER TABLE {table} VALIDATE CONSTRAINT {check}"),
                OnlineStatement(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL"),
                OnlineStatement(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {check}")]

    @staticmethod
    def _qualified_index(table, name: str, quote) -> str:
        return f"{quote(table.schema)}.{quote(name)}" if table.schema else quote(name)

    def online_leftovers(self, connection, tables, quote) -> list[tuple[str, str]]:
        """What a failed online run left on `tables`, as (what, the statement that settles it): INVALID indexes
        of a failed concurrent build (dropped: the plan builds them again), our NOT NULL checks (dropped: the
        plan adds them again if the column is still nullable) and NOT VALID foreign keys a model declares
        (validated). Catalog names pass the identifier rule before they are written into SQL."""
        found = []
        with connection.cursor() as cursor:
            for table in tables:
                regclass = self.estimate_key(table)
                cursor.execute(
                    "SELECT n.nspname, i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                    "JOIN pg_namespace n ON n.oid = i.relnamespace WHERE NOT x.indisvalid AND x.indrelid = "
                    "to_regclass(%s) ORDER BY i.relname", [regclass])
                for schema, index in cursor.fetchall():
                    if self.identifier_problem(index) or self.identifier_problem(schema):
                        continue
                    found.append((f"INVALID index {index} on {table.key} (a failed concurrent build)",
                                  f"DROP INDEX CONCURRENTLY IF EXISTS {quote(schema)}.{quote(index)}"))
                cursor.execute("SELECT con.conname, con.contype FROM pg_constraint con WHERE con.conrelid = "
                               "to_regclass(%s) AND NOT con.convalidated ORDER BY con.conname", [regclass])
                declared = {fk.name for fk in table.foreign_keys}
                target = quote(self.db_table(table))
                for name, kind in cursor.fetchall():
                    if self.identifier_problem(name):
                        continue
                    if kind == "c" and name.startswith(NOT_NULL_CHECK_PREFIX):
                        found.append((f"NOT NULL check {name} on {table.key} (a failed online NOT NULL)",
                                      f"ALTER TABLE {target} DROP CONSTRAINT IF EXISTS {quote(name)}"))
                    elif kind == "f" and name in declared:
                        found.append((f"NOT VALID foreign key {name} on {table.key} (a failed validation)",
                                      f"ALTER TABLE {target} VALIDATE CONSTRAINT {quote(name)}"))
        return found

    def db_name(self, name: str) -> str:
        return name.lower()

    def discovered_data_type(self, data_type, precision):
        if data_type in ("real", "double precision"):
            data_type = "float"  # as LoopBack's PostgreSQL discovery reports them
        if data_type in ("integer", "bigint", "smallint"):
            precision = None  # PG#284: a precision on an integer breaks autoupdate
        return data_type, precision

    def normalize_default(self, default: str | None, type_text: str | None = None) -> str | None:
        # Our literals holding a backslash are written E'a\\b' (sqlrules.quote_literal); the catalog
        # shows the same value as 'a\b'.
        return super().normalize_default(_standard_literal(default) if default else default, type_text)

    def _normalize_type(self, type_text: str) -> str:
        text = super()._normalize_type(type_text)
        # FLOAT(p) is REAL for p up to 24 and DOUBLE PRECISION up to 53 (binary digits); the catalog
        # only knows those two. Over 53 the server refuses it (declared_size_limits).
        match = re.fullmatch(r"FLOAT\((\d+)\)", text)
        if match and 1 <= int(match.group(1)) <= 53:
            return "REAL" if int(match.group(1)) <= 24 else "DOUBLE PRECISION"
        return text

    def column_type(self, prop: PropertyDefinition, model: ModelDefinition) -> str:
        block = prop.connector("postgresql")
        data_type = block.get("dataType")
        if not data_type:
            return {
                "Number": "INTEGER",
                "Boolean": "BOOLEAN",
                "Date": "TIMESTAMP WITH TIME ZONE",
                "GeoPoint": "POINT",
                "Point": "POINT",
            }.get(prop.type, "TEXT")
        type_word = self.type_words_upper(str(data_type))
        length = self.length_of(prop, block)
        precision, scale = block.get("dataPrecision"), block.get("dataScale")
        if type_word == "CHARACTER VARYING":
            return f"VARCHAR({length})" if length else "VARCHAR"
        if length and type_word not in NO_LENGTH_TYPES:
            return f"{type_word}({length})"
        if precision and scale and type_word not in NO_LENGTH_TYPES:  # JS truthiness, as LoopBack
            return f"{type_word}({precision},{scale})"
        time_type = _time_type(type_word, precision)
        if time_type:
            return time_type
        if precision and type_word not in NO_LENGTH_TYPES:
            return f"{type_word}({precision})"
        return type_word

    def auto_increment(self, prop, model, column_type):
        if not prop.generated or len(model.ids) != 1:
            return None
        if column_type == "INTEGER":
            return "SERIAL"
        if column_type == "BIGINT":
            # LoopBack only warns and creates no sequence, so the "generated" id is never generated.
            return "BIGSERIAL"
        return None

    def default_sql(self, prop, column_type):
        db_default = prop.connector("postgresql").get("dbDefault")
        if db_default is not None:
            return str(db_default)
        if prop.generated and column_type == "UUID":
            # LoopBack uses uuid_generate_v4() and creates the uuid-ossp extension before every table
            # (PG#448); gen_random_uuid() is built in since PostgreSQL 13 and needs no privilege.
            return "gen_random_uuid()"
        return self.literal_default(prop, column_type)

    # -- a generator for an existing id column (changes.AddGenerator) ---------------------------------
    adds_generators = True

    def add_generator_sql(self, table_sql, column_sql, column):
        # An identity, as Django makes for its own AutoFields, then moved past the ids already there
        # (pg_get_serial_sequence finds an identity's sequence too; it parses its first argument as SQL
        # does, so it gets the quoted table, and takes the column name as written). Both reach it through
        # the literal rule.
        return [
            f"ALTER TABLE {table_sql} ALTER COLUMN {column_sql} ADD GENERATED BY DEFAULT AS IDENTITY",
            f"SELECT setval(pg_get_serial_sequence({self.quote_literal(table_sql)}, "
            f"{self.quote_literal(column.name)}), COALESCE(MAX({column_sql}), 0) + 1, false) FROM {table_sql}",
        ]


NOT_NULL_CHECK_PREFIX = "lbsync_nn_"


def not_null_check_name(table_key: str, column: str) -> str:
    """The CHECK that proves a column holds no NULL before SET NOT NULL (online): short and stable."""
    return NOT_NULL_CHECK_PREFIX + hashlib.sha1(f"{table_key}.{column}".encode()).hexdigest()[:16]


#: Types a wider declaration of which PostgreSQL changes in the catalog alone (binary coercible).
_NO_REWRITE_TARGETS = {"VARCHAR": ("VARCHAR", "TEXT"), "TEXT": ("TEXT", "VARCHAR")}


def _type_change_rewrites(vendor, live: str, desired: str) -> bool:
    """Whether ALTER TYPE rewrites the table: not for VARCHAR(n) -> VARCHAR(m >= n) / VARCHAR / TEXT."""
    old, new = vendor.data_type(live), vendor.data_type(desired)
    if new.key not in _NO_REWRITE_TARGETS.get(old.key, ()):
        return True
    if new.key == "TEXT" or not new.args:
        return False
    return bool(not old.args or new.args[0] < old.args[0])


def _volatile_default(column) -> bool:
    """A default written into every existing row when the column is added (not a constant)."""
    default = (column.default or "").lower()
    return bool(column.auto) or any(word in default for word in ("random", "uuid", "nextval", "clock_timestamp"))


#: A time type as written in `dataType`: TIMESTAMP(0), timestamptz(3), time (2) with time zone ...



_TIME_TYPE = re.compile(r"(?P<base>TIMESTAMP|TIME)(?P<tz>TZ)?(?: ?\( ?(?P<precision>\d+) ?\))?"
                        r"(?: (?P<zone>WITH|WITHOUT) TIME ZONE)?")


def _time_type(type_word: str, data_precision) -> str | None:
    """docs/loopback-rules/types.md#postgresql: TIMESTAMP/TIMESTAMPTZ/TIME... become the long forms; (p) only below 6.

    A precision written in the type wins over `dataPrecision`; 6 and more is what no precision keeps.
    """
    match = _TIME_TYPE.fullmatch(re.sub(r"\s+", " ", type_word))
    if match is None or (match["tz"] and match["zone"]):
        return None  # not a time type (or TIMESTAMPTZ WITH TIME ZONE, which the database refuses)
    with_zone = bool(match["tz"]) or match["zone"] == "WITH"
    precision = match["precision"] if match["precision"] is not None else data_precision
    digits = None if isinstance(precision, bool) or not str(precision).isdigit() else int(precision)
    precision_sql = f"({digits})" if digits is not None and digits < 6 else ""
    return f"{match['base']}{precision_sql} {'WITH' if with_zone else 'WITHOUT'} TIME ZONE"


def _standard_literal(text: str) -> str:
    """`E'a\\b''c'` as the standard literal `'a\b''c'`; anything else unchanged."""
    match = re.fullmatch(r"E'((?:[^'\\]|''|\\[\\'])*)'", text.strip())
    if not match:
        return text
    value = re.sub(r"\\([\\'])", r"\1", match.group(1).replace("''", "'"))
    return "'" + value.replace("'", "''") + "'"


def object_name(name1: str, name2: str | None, label: str, limit: int = 63) -> str:
    """The name PostgreSQL makes from parts (makeObjectName in indexcmds.c): `name1[_name2]_label` in at most
    `limit` bytes (NAMEDATALEN - 1), the longer part cut first, byte by byte, then each cut back to a whole
    UTF-8 character."""
    first, second = name1.encode(), (name2 or "").encode()
    overhead = len(label.encode()) + 1 + (1 if name2 is not None else 0)
    available = limit - overhead
    first_size, second_size = len(first), len(second)
    while first_size + second_size > available:
        if first_size > second_size:
            first_size -= 1
        else:
            second_size -= 1
    parts = [first[:first_size].decode("utf-8", "ignore")]
    if name2 is not None:
        parts.append(second[:second_size].decode("utf-8", "ignore"))
    return "_".join(parts + [label])
