"""loopback-connector-mysql 8.x/9.x rules (docs/loopback-rules/README.md). Names keep their case."""
from __future__ import annotations

import re
from typing import Any, Mapping

from ..definitions import ModelDefinition, PropertyDefinition
from ..exceptions import RefusedValue
from . import datatypes
from .. import locks
from ..locks import INSTANT, REWRITE, SCAN, LockCost, OnlineStatement
from ..catalogs import mysql as catalog_sql
from .base import Vendor, _javascript_string

INTEGER_TYPES = ("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT")
NO_DEFAULT_TYPES = ("BLOB", "JSON", "TEXT")
#: Types MySQL refuses a size on. Discovery reports one anyway (`longtext` with dataLength 4294967295),
#: and LoopBack writes it back: `LONGTEXT(4294967295)`, a syntax error. Written bare here.
NO_SIZE_TYPES = {
    "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "JSON", "DATE", "BOOLEAN", "BOOL",
    "GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
    "GEOMETRYCOLLECTION", "SERIAL",
}
#: TEXT and BLOB types by the most bytes they hold; `TEXT(n)` / `BLOB(n)` become the first that holds n.
_TEXT_BY_BYTES = ((255, "TINY"), (65535, ""), (16777215, "MEDIUM"), (4294967295, "LONG"))


class MysqlVendor(Vendor):
    django_vendor = "mysql"
    django_backends = ("django.db.backends.mysql.base.DatabaseWrapper",)
    connector_key = "mysql"
    batches_ddl = True
    folds_indexes_into_create_table = True
    fans_out_create_table = True
    creates_implicit_fk_indexes = True  # InnoDB, named after the FK
    primary_key_first = True  # docs/loopback-rules/models.md#column-order
    drop_table_dependents = "refuses"  # an FK of another table blocks DROP TABLE
    set_null_needs_nullable_column = True  # error 1830 (MariaDB: errno 150)
    connect_timeout_parameter = "connect_timeout"  # bounds the TCP connect and the server's greeting
    lock_strategy = "named_lock"  # GET_LOCK, server-wide names carrying the database name
    prefetches_catalog = True
    catalog_reader = staticmethod(catalog_sql.read_tables)  # information_schema, 4 queries
    gap_hooks = catalog_sql.MySQLHooks
    lost_objects_reader = staticmethod(catalog_sql.lost_objects)
    sql_current_schema = "SELECT DATABASE()"
    keys_schemas = False  # the connector ignores `schema`: the table lives in the connection's database
    # Nor does it read a model-level `database` (only the datasource's, for the connection): all three
    # are warned about (lbsync.W012).
    ignored_placement_keys = ("schema", "schemaName", "database")
    sql_list_schemas = ("SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN "
                        "('mysql', 'information_schema', 'performance_schema', 'sys')")
    discovery_nullable = ("Y", "N")
    discovery_reports_column_type = True
    has_enum_type = True
    # Only `mysql.default` becomes a DB default (docs/loopback-rules/types.md#defaults).
    discovered_default_key = "default"
    boolean_literals = ("1", "0")  # what TINYINT(1) holds, and what the catalog shows
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
    float_scale_rounds = True  # DOUBLE(10,2) keeps 0.30000000000000004 as 0.3
    regex_match_sql = "{value} REGEXP {pattern}"
    exact_number_type = "DECIMAL(65,30)"
    text_type = "CHAR"
    microseconds_sql = "MICROSECOND({})"
    fraction_reduction = "rounded (MySQL) or truncated (MariaDB)"
    reserved_index_names = ("PRIMARY",)  # error 1280 "Incorrect index name"
    fk_index_takes_fk_name = True
    fk_name_scope = "schema"  # InnoDB keeps FK names per database: errno 121 on the second
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

    # -- locks and online changes (docs/online.md#mysql-and-mariadb) ------------------------------------
    # Without ALGORITHM the server already picks the least locking algorithm it has (INSTANT, else INPLACE
    # with concurrent writes); these are what it picks. DDL commits on its own: no step is in a transaction.
    online_unsupported = None
    sql_estimated_rows = ("SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                          "DATABASE() AND TABLE_NAME IN ({placeholders})")
    lock_costs = {
        "create_table": LockCost("no lock on existing tables", INSTANT, False),
        "drop_table": LockCost("exclusive metadata lock", INSTANT, True, blocks_reads=True),
        "add_column": LockCost("metadata lock", INSTANT, False, method="ALGORITHM=INSTANT"),
        "drop_column": LockCost("metadata lock", REWRITE, False, rewrites=True,
                                method="ALGORITHM=INSTANT where the server has it, else INPLACE (rebuild)"),
        "alter_type": LockCost("shared lock for the table copy", REWRITE, True, rewrites=True,
                               method="ALGORITHM=COPY"),
        "set_not_null": LockCost("metadata lock", REWRITE, False, rewrites=True, method="ALGORITHM=INPLACE (rebuild)"),
        "drop_not_null": LockCost("metadata lock", REWRITE, False, rewrites=True, method="ALGORITHM=INPLACE (rebuild)"),
        "alter_default": LockCost("metadata lock", INSTANT, False, method="ALGORITHM=INSTANT"),
        "add_index": LockCost("metadata lock", SCAN, False, scans=True, method="ALGORITHM=INPLACE"),
        "add_unique_index": LockCost("metadata lock", SCAN, False, scans=True, method="ALGORITHM=INPLACE"),
        "add_unique_constraint": LockCost("metadata lock", SCAN, False, scans=True, method="ALGORITHM=INPLACE"),
        "drop_index": LockCost("metadata lock", INSTANT, False, method="ALGORITHM=INPLACE"),
        "drop_constraint": LockCost("metadata lock", INSTANT, False, method="ALGORITHM=INPLACE"),
        "add_foreign_key": LockCost("shared lock for the table copy", REWRITE, True, rewrites=True,
                                    method="ALGORITHM=COPY", note="with foreign_key_checks on, only a copy adds an FK"),
        "drop_foreign_key": LockCost("metadata lock", INSTANT, False, method="ALGORITHM=INPLACE"),
        "add_generator": LockCost("shared lock for the table copy", REWRITE, True, rewrites=True,
                                  note="MODIFY ... AUTO_INCREMENT copies the table"),
    }
    online_lock_costs = {
        "add_foreign_key": LockCost(
            "metadata lock", SCAN, False, scans=True,
            method="foreign_key_checks=0, ALGORITHM=INPLACE, LOCK=NONE; orphans counted before and after"),
    }

    def shape_cost(self, shape, change, online):
        if shape == "alter_type" and not _type_change_copies(self, change.live.type, change.desired.type):
            return LockCost("metadata lock", INSTANT, False, method="ALGORITHM=INPLACE",
                            note="a longer VARCHAR in the same length-byte class")
        if shape == "add_column" and change.column.auto:
            return self.lock_costs["alter_type"]  # a new AUTO_INCREMENT column copies the table
        cost = super().shape_cost(shape, change, online)
        if online and not cost.blocks_writes and cost.method.startswith("ALGORITHM=INPLACE"):
            from dataclasses import replace

            cost = replace(cost, method="ALGORITHM=INPLACE, LOCK=NONE" + cost.method[len("ALGORITHM=INPLACE"):])
        return cost

    def online_statements(self, change, statements: list[str], quote) -> list[OnlineStatement]:
        """Each ALTER with ALGORITHM=INSTANT, else ALGORITHM=INPLACE, LOCK=NONE: the server refuses a form it
        cannot do before it changes anything (errors 1845/1846), so the next is tried, and refusing the last
        refuses the step rather than copying the table under a lock."""
        out = []
        foreign_key = locks.shapes(change) == ["add_foreign_key"]
        for sql in statements:
            if foreign_key and sql.startswith("ALTER TABLE ") and " FOREIGN KEY " in sql:
                # With the server's check, only ALGORITHM=COPY can add an FK; without it INPLACE can. The
                # orphans are counted before (preflight) and again once the FK holds (verify).
                out.append(OnlineStatement(sql + ", ALGORITHM=INPLACE, LOCK=NONE",
                                           session_before="SET SESSION foreign_key_checks = 0",
                                           session_after="SET SESSION foreign_key_checks = 1", verify=True))
            elif sql.startswith("ALTER TABLE "):
                out.append(OnlineStatement(sql + ", ALGORITHM=INSTANT",
                                           alternatives=(sql + ", ALGORITHM=INPLACE, LOCK=NONE",)))
            elif re.match(r"(CREATE (UNIQUE )?INDEX|DROP INDEX) ", sql):
                out.append(OnlineStatement(sql + " ALGORITHM=INSTANT",
                                           alternatives=(sql + " ALGORITHM=INPLACE LOCK=NONE",)))
            else:
                out.append(OnlineStatement(sql))
        return out

    #: ER_ALTER_OPERATION_NOT_SUPPORTED(_REASON): the ALGORITHM/LOCK asked for is not possible for this ALTER.
    ONLINE_REFUSALS = (1845, 1846)

    def is_online_refusal(self, error) -> bool:
        args = getattr(error, "args", ())
        return bool(args) and args[0] in self.ONLINE_REFUSALS

    def online_leftovers(self, connection, tables, quote) -> list[tuple[str, str]]:
        return []  # each ALTER is atomic on InnoDB: a failed one leaves nothing half-built

    def identifier_problem(self, name: object) -> str | None:
        # MySQL/MariaDB refuse a name that ends with a space (error 1166/1280) only once the statement runs;
        # said here, it is a definition error before anything is sent, not a run stopped half-way.
        problem = super().identifier_problem(name)
        if problem is None and isinstance(name, str) and name.endswith(" "):
            return f"name {name!r} ends with a space, which MySQL and MariaDB refuse"
        if problem is None and isinstance(name, str) and any(ord(ch) > 0xFFFF for ch in name):
            # Identifiers are utf8mb3 in the catalog: error 1300 "Invalid utf8mb4 character string".
            return (f"name {name!r} has a character beyond U+FFFF (an emoji, say), which MySQL and MariaDB "
                    "refuse in names")
        return problem

    def identifier_key(self, name: str) -> str:
        # MySQL compares column and index names by lower-casing each character, not by casefolding: İ
        # (U+0130) lowers to a plain i (`xİ` and `xi` are one column), and ß stays ß (`straße` and
        # `strasse` are two: casefold made them one, and isactual called a missing column in sync).
        if name.isascii():  # nearly every name: one call (the diff asks for 100,000 keys at 5,000 models)
            return name.lower()
        # Character by character: str.lower() of a whole string ends a word's Σ as ς, MySQL lowers it to σ.
        return "".join("i" if ch == "\u0130" else ch.lower() for ch in name)

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
        if type_word in ("ENUM", "ENUM()"):
            return "ENUM(" + ",".join(self.quote_literal(str(v)) for v in _enum_values(prop, block)) + ")"
        if type_word in NO_SIZE_TYPES:
            return type_word
        length = self.length_of(prop, block)
        precision = block.get("dataPrecision") or prop.get("precision")
        scale = block.get("dataScale") if block.get("dataScale") is not None else prop.get("scale")
        if length:
            return f"{type_word}({length})"
        if type_word in ("DOUBLE", "REAL", "DOUBLE PRECISION") and not (precision and scale):
            # DOUBLE takes (M,D) or nothing: discovery's dataPrecision 22 alone would be `DOUBLE(22)`,
            # a syntax error.
            return type_word
        if type_word in INTEGER_TYPES:
            # An integer takes a display width only: `INT(10,2)` from discovered metadata is INT(10).
            return f"{type_word}({precision})" if precision else type_word
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
        if isinstance(value, str) and value.upper() in ("CURRENT_TIMESTAMP", "NOW"):
            return "CURRENT_TIMESTAMP"
        if not isinstance(value, (bool, int, float, str)):
            value = str(value)
        return self.typed_literal(value, column_type, "mysql.default")

    def typed_literal(self, value, column_type, what="default"):
        kind = re.match(r"\s*(ENUM|SET)\s*\(", column_type, re.I)
        if not kind:
            return super().typed_literal(value, column_type, what)
        # An ENUM or SET default is one of its values, as a string (a number would pick a value by position).
        text = ("true" if value else "false") if isinstance(value, bool) else (
            _javascript_string(value) if isinstance(value, (int, float)) else str(value))
        allowed = [_literal_value(m.group()) for m in self.literal_pattern.finditer(column_type)]
        parts = text.split(",") if kind.group(1).upper() == "SET" and text else [text]
        if any(part not in allowed for part in parts):
            raise RefusedValue(f"{what} {value!r} is not one of the values of {column_type}")
        return self.quote_literal(text)

    def fk_types_match(self, column_type, ref_type):
        """InnoDB (errno 150): integers of one size and sign, decimals of one precision and scale; string
        lengths may differ."""
        column, ref = self.data_type(column_type), self.data_type(ref_type)
        if column.family in (datatypes.STRING, datatypes.FIXED_STRING) and column.family == ref.family:
            return column.key == ref.key or {column.key, ref.key} <= {"VARCHAR", "CHAR"}
        return self.normalize_type(column_type) == self.normalize_type(ref_type)

    def is_boolean_type(self, column_type):
        # TINYINT(1), BOOL and BOOLEAN are LoopBack's Boolean (the alias BOOLEAN); BIT(1) is a bit.
        return self.data_type(column_type).key == "BOOLEAN"

    def same_type(self, live_type, desired_type):
        """`TEXT(n)` becomes the smallest TEXT type that holds n characters in the column's character
        set: MEDIUMTEXT for TEXT(65535) in utf8mb4, TEXT in latin1. Any character width (1 to 4 bytes)
        is accepted, since the desired side does not know the character set."""
        desired = self.normalize_type(desired_type)
        if desired == "JSON" and self.normalize_type(live_type) == "LONGTEXT":
            return True  # MariaDB: JSON is LONGTEXT with a json_valid CHECK, and its catalog says longtext
        match = re.fullmatch(r"TEXT\((\d+)\)", desired)
        if match:
            n = int(match.group(1))
            return self.normalize_type(live_type) in {_text_type("TEXT", n * width) for width in (1, 2, 3, 4)}
        return self.normalize_type(live_type) == desired

    def _normalize_type(self, type_text):
        text = super()._normalize_type(type_text)
        match = re.fullmatch(r"(FLOAT|BLOB)\((\d+)\)", text)
        if match and match.group(1) == "FLOAT" and int(match.group(2)) <= 53:
            # FLOAT(p) is FLOAT up to 24 binary digits, DOUBLE up to 53 (the catalog says float / double).
            return "FLOAT" if int(match.group(2)) <= 24 else "DOUBLE"
        if match and match.group(1) == "BLOB":
            return _text_type("BLOB", int(match.group(2)))  # BLOB(n) counts bytes: no character set
        return text

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

    def normalize_default(self, default, type_text=None):
        # MariaDB shows a literal default escaped its own way (`'a\\nb'` for a newline); ours doubles
        # only backslashes and quotes (sqlrules.quote_literal). Compare the values, spelled one way.
        value = _literal_value(default.strip()) if default else None
        if value is not None and "\x00" not in value:
            default = self.quote_literal(value)
        return super().normalize_default(default, type_text)

    def normalize_fk_action(self, action):
        # InnoDB: NO ACTION is RESTRICT, and that is what it reports.
        action = super().normalize_fk_action(action)
        return "RESTRICT" if action == "NO ACTION" else action


#: MySQL's backslash escapes in string literals; `\\%` and `\\_` keep their backslash (LIKE patterns).


    # -- a generator for an existing id column (changes.AddGenerator) ---------------------------------
    adds_generators = True

    def add_generator_sql(self, table_sql, column_sql, column):
        # MODIFY keeps the model's type (already checked by the fragment rule); AUTO_INCREMENT starts after
        # the highest id by itself. A row whose id is 0 would be renumbered: preflight refuses that.
        return [f"ALTER TABLE {table_sql} MODIFY {column_sql} {column.type} NOT NULL AUTO_INCREMENT"]

    def generator_renumbers(self, column_sql):
        return f"{column_sql} = 0"  # unless NO_AUTO_VALUE_ON_ZERO, MySQL numbers a 0 anew


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


def _text_type(kind: str, size: int) -> str:
    """The TEXT or BLOB type MySQL picks for `kind(size)`: the first that holds `size` bytes."""
    for limit, prefix in _TEXT_BY_BYTES:
        if size <= limit:
            return prefix + kind
    return "LONG" + kind


def _enum_values(prop: PropertyDefinition, block: Mapping[str, Any]) -> list:
    """ENUM's values: `jsonSchema.enum`, else `mysql.value`, else the property's `enum`. None at all is
    `ENUM()`, which MySQL refuses (LoopBack sends it): refused here, before any SQL."""
    json_schema = prop.get("jsonSchema")
    for values in ((json_schema or {}).get("enum") if isinstance(json_schema, dict) else None,
                   block.get("value"), prop.get("enum")):
        if isinstance(values, list) and values:
            return values
    raise RefusedValue('mysql.dataType "ENUM" has no values; list them in "jsonSchema": {"enum": [...]} '
                                 '(or the property\'s "enum")')


def _type_change_copies(vendor, live: str, desired: str) -> bool:
    """Whether MODIFY copies the table: all but a longer VARCHAR whose length prefix stays 1 or 2 bytes."""
    old, new = vendor.data_type(live), vendor.data_type(desired)
    if old.key != "VARCHAR" or new.key != "VARCHAR" or not old.args or not new.args or new.args[0] < old.args[0]:
        return True
    per_char = vendor.max_bytes_per_char
    return (old.args[0] * per_char > 255) != (new.args[0] * per_char > 255)
