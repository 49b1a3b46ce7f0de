"""What a column type means for the values it holds: family, size, range (docs/risk.md).

The preflight (preflight.py) reads these facts to decide what a type change does to existing
values. They are data, one table per database, kept apart from the naming and DDL rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

# Families: a change inside one family is judged by size (length, range, digits, precision);
# a change across families is a conversion.
STRING, FIXED_STRING, INTEGER, DECIMAL, FLOAT, BOOLEAN, DATETIME, DATE, TIME, OTHER = (
    "string", "fixed_string", "integer", "decimal", "float", "boolean", "datetime", "date", "time", "other",
)
CHARS, BYTES = "chars", "bytes"

_TYPE = re.compile(r"^(?P<base>[A-Z][A-Z0-9_]*(?: [A-Z][A-Z0-9_]*)*?)\s*(?:\((?P<args>[0-9 ,]*)\))?"
                   r"(?P<suffix>(?: [A-Z]+)*)$")


@dataclass(frozen=True)
class DataType:
    """One parsed column type: `VARCHAR(5)` -> key VARCHAR, args (5,)."""

    text: str  # the normalized type text
    key: str  # base words and suffix words without the size: `INT UNSIGNED`, `TIMESTAMP WITH TIME ZONE`
    family: str
    args: tuple[int, ...] = ()


def parse(normalized: str, families: Mapping[str, str]) -> DataType:
    match = _TYPE.match(normalized)
    if not match:
        return DataType(normalized, normalized, OTHER)
    suffix = match.group("suffix").strip()
    # MySQL's ZEROFILL only pads the display; it says nothing about the values.
    suffix = " ".join(word for word in suffix.split() if word != "ZEROFILL")
    key = f"{match.group('base')} {suffix}".strip()
    args = tuple(int(a) for a in (match.group("args") or "").replace(" ", "").split(",") if a)
    return DataType(normalized, key, families.get(key, OTHER), args)


def _signed(bits: int) -> tuple[int, int]:
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


# -- PostgreSQL -------------------------------------------------------------------------------
POSTGRESQL_FAMILIES = {
    "VARCHAR": STRING, "TEXT": STRING, "CHAR": FIXED_STRING, "BPCHAR": FIXED_STRING,
    "SMALLINT": INTEGER, "INTEGER": INTEGER, "BIGINT": INTEGER,
    "NUMERIC": DECIMAL, "REAL": FLOAT, "DOUBLE PRECISION": FLOAT,
    "BOOLEAN": BOOLEAN,
    "TIMESTAMP WITH TIME ZONE": DATETIME, "TIMESTAMP WITHOUT TIME ZONE": DATETIME, "DATE": DATE,
    "TIME WITH TIME ZONE": TIME, "TIME WITHOUT TIME ZONE": TIME,
}
POSTGRESQL_INTEGER_RANGES = {"SMALLINT": _signed(16), "INTEGER": _signed(32), "BIGINT": _signed(64)}
#: Unsized string types: (most characters, unit). None: no limit.
POSTGRESQL_STRING_LIMITS = {"VARCHAR": (None, CHARS), "TEXT": (None, CHARS), "CHAR": (1, CHARS)}
FLOAT_MANTISSA_BITS = {"REAL": 24, "DOUBLE PRECISION": 53, "DOUBLE": 53, "FLOAT": 24}

# -- MySQL / MariaDB --------------------------------------------------------------------------
MYSQL_FAMILIES = {
    "VARCHAR": STRING, "TINYTEXT": STRING, "TEXT": STRING, "MEDIUMTEXT": STRING, "LONGTEXT": STRING,
    "CHAR": FIXED_STRING,
    "DECIMAL": DECIMAL, "FLOAT": FLOAT, "DOUBLE": FLOAT,
    # BOOLEAN is TINYINT(1): a small integer, judged by its range.
    "BOOLEAN": INTEGER,
    "DATETIME": DATETIME, "TIMESTAMP": DATETIME, "DATE": DATE, "TIME": TIME,
}
_MYSQL_INT_BITS = {"TINYINT": 8, "SMALLINT": 16, "MEDIUMINT": 24, "INT": 32, "BIGINT": 64}
MYSQL_INTEGER_RANGES = {"BOOLEAN": _signed(8)}
for _name, _bits in _MYSQL_INT_BITS.items():
    MYSQL_FAMILIES[_name] = MYSQL_FAMILIES[f"{_name} UNSIGNED"] = INTEGER
    MYSQL_INTEGER_RANGES[_name] = _signed(_bits)
    MYSQL_INTEGER_RANGES[f"{_name} UNSIGNED"] = (0, 2 ** _bits - 1)
MYSQL_FAMILIES["DECIMAL UNSIGNED"] = DECIMAL
# TEXT types are limited in bytes; VARCHAR(n) and CHAR(n) in characters.
MYSQL_STRING_LIMITS = {
    "TINYTEXT": (255, BYTES), "TEXT": (65535, BYTES), "MEDIUMTEXT": (16777215, BYTES),
    "LONGTEXT": (4294967295, BYTES), "CHAR": (1, CHARS),
}
#: utf8mb4: the most bytes one character takes, to compare a character limit with a byte limit.
MYSQL_MAX_BYTES_PER_CHAR = 4

# -- SQLite -------------------------------------------------------------------------------------
# SQLite stores any value in any column; the declared name only gives an affinity. Families follow
# the names Django and LoopBack use there; sizes are never enforced (enforces_declared_sizes=False).
SQLITE_FAMILIES = {
    "TEXT": STRING, "VARCHAR": STRING, "CHAR": STRING, "CLOB": STRING,
    "INTEGER": INTEGER, "INT": INTEGER, "SMALLINT": INTEGER, "BIGINT": INTEGER, "TINYINT": INTEGER,
    "DECIMAL": DECIMAL, "NUMERIC": DECIMAL, "REAL": FLOAT, "DOUBLE": FLOAT, "FLOAT": FLOAT,
    "BOOL": BOOLEAN, "BOOLEAN": BOOLEAN, "DATETIME": DATETIME, "DATE": DATE, "TIME": TIME,
}
SQLITE_INTEGER_RANGES = {name: _signed(64) for name, family in SQLITE_FAMILIES.items() if family == INTEGER}
SQLITE_STRING_LIMITS = {name: (None, CHARS) for name, family in SQLITE_FAMILIES.items() if family == STRING}
