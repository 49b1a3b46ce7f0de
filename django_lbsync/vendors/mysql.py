"""loopback-connector-mysql 8.x/9.x rules (docs/loopback-rules/README.md). Names keep their case."""
from __future__ import annotations

import re
from typing import Any, Mapping

from ..definitions import ModelDefinition, PropertyDefinition
from . import datatypes
from ..catalogs import mysql as catalog_sql
from .base import Vendor

INTEGER_TYPES = ("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT")
NO_DEFAULT_TYPES = ("BLOB", "JSON", "TEXT")


class MysqlVendor(Vendor):
    django_vendor = "mysql"
    django_backends = ("django.db.backends.mysql.base.DatabaseWrapper",)
    connector_key = "mysql"
    batches_ddl = True
    folds_indexes_into_create_table = True
    creates_implicit_fk_indexes = True  # InnoDB, named after the FK
    primary_key_first = True  # docs/loopback-rules/models.md#column-order
    drop_table_dependents = "refuses"  # an FK of another table blocks DROP TABLE
    connect_timeout_parameter = "connect_timeout"  # bounds the TCP connect and the server's greeting
    lock_strategy = "named_lock"  # GET_LOCK, server-wide names carrying the database name
    catalog_reader = staticmethod(catalog_sql.read_tables)  # information_schema, 4 queries
    gap_hooks = catalog_sql.MySQLHooks
    lost_objects_reader = staticmethod(catalog_sql.lost_objects)
    sql_current_schema = "SELECT DATABASE()"
    keys_schemas = False  # the connector ignores `schema`: the table lives in the connection's database
    sql_list_schemas = ("SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN "
                        "('mysql', 'information_schema', 'performance_schema', 'sys')")
    discovery_nullable = ("Y", "N")
    discovery_reports_column_type = True
    has_enum_type = True
    # Only `mysql.default` becomes a DB default (docs/loopback-rules/types.md#defaults).
    discovered_default_key = "default"
    auto_suffix = "AUTO_INCREMENT"
    default_fk_action = "RESTRICT"
    case_insensitive_columns = True
    special_index_kinds = ("FULLTEXT", "SPATIAL")
    identifier_quotes = "`"
    backslash_escapes = True
    collation_in_column_type = True
    comment_starts = ("--", "/*", "#")
    literal_readings = (True, False)  # NO_BACKSLASH_ESCAPES off / on
    reads_top_level_data_type = True
    name_limit = 64  # characters, whatever their bytes
    type_families = datatypes.MYSQL_FAMILIES
    integer_ranges = datatypes.MYSQL_INTEGER_RANGES
    string_limits = datatypes.MYSQL_STRING_LIMITS
    max_bytes_per_char = datatypes.MYSQL_MAX_BYTES_PER_CHAR
    default_time_precision = 0  # DATETIME is DATETIME(0)
    regex_match_sql = "{value} REGEXP {pattern}"
    exact_number_type = "DECIMAL(65,30)"
    text_type = "CHAR"
    microseconds_sql = "MICROSECOND({})"
    fraction_reduction = "rounded (MySQL) or truncated (MariaDB)"
    #: InnoDB takes an FK whose referenced columns lead any index, unique or not (preflight.py).
    fk_target_any_index = True
    # STRICT_ALL_TABLES: a value that does not fit is an error, not a warning with a clamped value.
    # Not NO_BACKSLASH_ESCAPES: our literals escape backslashes (sqlrules.quote_literal).
    strict_sql_mode = "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION"
    type_aliases = (
        (r"^TINYINT\(1\)", "BOOLEAN"),  # kept apart from other TINYINTs: it is LoopBack's Boolean
        (r"^(BOOL|BOOLEAN)$", "BOOLEAN"),
        (r"^INTEGER", "INT"),
        (r"^(TINYINT|SMALLINT|MEDIUMINT|INT|BIGINT)\(\d+\)", r"\1"),  # display widths: int(11) is INT
        (r"^(DEC|NUMERIC|FIXED)\b", "DECIMAL"),
        (r"^DECIMAL$", "DECIMAL(10,0)"),
        (r"^DECIMAL\((\d+)\)$", r"DECIMAL(\1,0)"),  # a precision alone means scale 0; MySQL says (p,0)
        (r"^(DOUBLE PRECISION|REAL)$", "DOUBLE"),
        (r"^CHARACTER VARYING", "VARCHAR"),
        (r"^CHAR$", "CHAR(1)"),
        (r"^(DATETIME|TIMESTAMP|TIME)\(0\)", r"\1"),  # 0 digits is what no precision keeps; MySQL says datetime
    )

    def schema_name(self, model, own_schema=None):
        # The connector ignores `schema` in DDL (docs/loopback-rules/names.md#schema); the table lives in the
        # connection's database.
        return None

    def column_type(self, prop: PropertyDefinition, model: ModelDefinition) -> str:
        block = prop.connector("mysql")
        if block.get("dataType"):
            return self._override(prop, block)
        if prop.get("dataType"):
            return self._top_level_override(prop)
        if prop.type == "String":
            length = prop.get("length") or prop.get("limit") or (255 if prop.id or prop.index else 512)
            return f"VARCHAR({length})"
        if prop.type == "Number":
            return "INT UNSIGNED" if prop.get("unsigned") else "INT"
        if prop.type == "Boolean":
            return "TINYINT(1)"
        if prop.type == "Date":
            precision = prop.get("precision")
            return f"DATETIME({precision})" if precision else "DATETIME"
        if prop.type in ("GeoPoint", "Point"):
            return "POINT"
        return "TEXT"

    def _override(self, prop: PropertyDefinition, block: Mapping[str, Any]) -> str:
        type_word = self.type_words_upper(str(block["dataType"]))  # ENUM('yes','No') keeps its values
        if type_word == "ENUM":
            values = (prop.get("jsonSchema") or {}).get("enum") or block.get("value") or []
            return "ENUM(" + ",".join(self.quote_literal(str(v)) for v in values) + ")"
        length = self.length_of(prop, block)
        precision = block.get("dataPrecision") or prop.get("precision")
        scale = block.get("dataScale") if block.get("dataScale") is not None else prop.get("scale")
        if length:
            return f"{type_word}({length})"
        if precision and scale:  # JavaScript truthiness, as LoopBack: scale 0 gives TYPE(p)
            return f"{type_word}({precision},{scale})"
        if precision:
            return f"{type_word}({precision})"
        return type_word

    def _top_level_override(self, prop: PropertyDefinition) -> str:
        """Without `mysql.dataType` the builder honours a top-level `dataType` and its knobs
        (docs/loopback-rules/types.md#mysql)."""
        type_word = self.type_words_upper(str(prop.get("dataType")))  # string literals keep their case
        if "(" in type_word:
            return type_word
        length, precision, scale = prop.get("length"), prop.get("precision"), prop.get("scale")
        if type_word in ("DECIMAL", "NUMERIC"):
            return f"{type_word}({precision or 9},{scale if scale is not None else 2})"
        if type_word in ("FLOAT", "DOUBLE"):
            if precision and scale is not None:
                return f"{type_word}({precision},{scale})"
            return f"{type_word}({precision})" if precision else type_word
        if type_word == "CHAR":
            return f"CHAR({length or 255})"
        if type_word == "VARCHAR":
            return f"VARCHAR({length or (512 if prop.type == 'String' else 4096)})"
        if type_word in ("TEXT", "MEDIUMTEXT", "LONGTEXT", "TINYTEXT"):
            return type_word
        suffix = " UNSIGNED" if prop.get("unsigned") and type_word in INTEGER_TYPES else ""
        return (f"{type_word}({length})" if length else type_word) + suffix

    def auto_increment(self, prop, model, column_type):
        if prop.generated and len(model.ids) == 1 and column_type.split("(")[0].split()[0] in INTEGER_TYPES:
            return column_type
        return None

    def default_sql(self, prop, column_type):
        """Only `mysql.default` becomes a DB default; LoopBack's `default` is applied in JS
        (docs/loopback-rules/types.md#defaults).

        LoopBack drops a falsy default such as 0 (MY#445); we keep it.
        """
        value = prop.connector("mysql").get("default")
        type_words = self.literal_pattern.sub("''", column_type)  # ENUM('TEXT') is no TEXT column
        if value is None or any(word in type_words for word in NO_DEFAULT_TYPES):
            return None
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float)):
            return repr(value)
        if str(value).upper() in ("CURRENT_TIMESTAMP", "NOW"):
            return "CURRENT_TIMESTAMP"
        return self.quote_literal(str(value))

    def property_index_name(self, table, column, prop):
        # MySQL names a property index after its column (docs/loopback-rules/indexes-and-keys.md#index-names)
        return column

    def discovered_loopback_type(self, type_word, length, precision):
        # LoopBack's MySQL discovery: no BIT-as-Boolean rule, its own TINYINT(1)/CHAR(1) settings.
        if type_word == "TINYINT" and precision == 1:
            return "Number"  # treatTINYINT1AsTinyInt defaults to true
        if type_word == "CHAR" and length == 1:
            return "Boolean"  # treatCHAR1AsString defaults to false
        if type_word.endswith("BLOB") or type_word in ("BINARY", "VARBINARY", "BIT"):
            return "Buffer"
        if type_word in ("BOOL", "BOOLEAN"):
            return "Boolean"
        if type_word == "JSON":
            return "Object"
        return None

    def discovered_default(self, default):
        """A MySQL default as `mysql.default` takes it: numbers as numbers, strings unquoted."""
        if re.fullmatch(r"-?\d+(\.\d+)?", default):
            return int(default) if "." not in default else float(default)
        if default.lower() in ("current_timestamp()", "current_timestamp"):
            return "CURRENT_TIMESTAMP"
        if len(default) >= 2 and default[0] == default[-1] == "'":
            return default[1:-1].replace("''", "'")
        return default

    def _type_literal(self, literal: str) -> str:
        # ENUM/SET values spelled one way: MariaDB's catalog escapes a newline as `\\n` where we
        # write it as it is. Their case is kept (base._normalize_type).
        value = _literal_value(literal)
        return self.quote_literal(value) if value is not None and "\x00" not in value else literal

    def normalize_default(self, default):
        # MariaDB shows a literal default escaped its own way (`'a\\nb'` for a newline); ours doubles
        # only backslashes and quotes (sqlrules.quote_literal). Compare the values, spelled one way.
        value = _literal_value(default.strip()) if default else None
        if value is not None and "\x00" not in value:
            default = self.quote_literal(value)
        return super().normalize_default(default)

    def normalize_fk_action(self, action):
        # InnoDB: NO ACTION is RESTRICT, and that is what it reports.
        action = super().normalize_fk_action(action)
        return "RESTRICT" if action == "NO ACTION" else action


#: MySQL's backslash escapes in string literals; `\\%` and `\\_` keep their backslash (LIKE patterns).
_ESCAPES = {"0": "\x00", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "%": "\\%", "_": "\\_"}


def _literal_value(text: str) -> str | None:
    """The value of one MySQL string literal `'...'` (backslash escapes, doubled quotes), or None."""
    if len(text) < 2 or text[0] != "'":
        return None
    out, i, end = [], 1, len(text) - 1
    while i < end:
        ch = text[i]
        if ch == "\\" and i + 1 < end:
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
        elif ch == "'":
            if text[i + 1] != "'" or i + 1 >= end:
                return None  # the literal ended before the text did
            out.append("'")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out) if i == end and text[end] == "'" else None
