"""loopback-connector-postgresql 8.x/9.x rules (docs/loopback-rules/README.md)."""
from __future__ import annotations

import re

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
    catalog_reader = staticmethod(catalog_sql.read_tables)  # pg_catalog, 4 queries
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

    def referenced_type(self, column):
        return {"SERIAL": "INTEGER", "BIGSERIAL": "BIGINT", "SMALLSERIAL": "SMALLINT"}.get(column.type, column.type)

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


#: A time type as written in `dataType`: TIMESTAMP(0), timestamptz(3), time (2) with time zone ...


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
