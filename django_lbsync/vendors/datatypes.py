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

# SQLite converts a value when it is stored, by the column's affinity (SQLite docs, sqlite.org/datatype3.html §3.1):
# the first rule whose word the declared type contains decides.
TEXT_AFFINITY, NUMERIC_AFFINITY, REAL_AFFINITY, BLOB_AFFINITY = "TEXT", "NUMERIC", "REAL", "BLOB"
_SQLITE_AFFINITY_WORDS = (
    (("INT",), NUMERIC_AFFINITY),  # INTEGER affinity stores values exactly as NUMERIC does (only CAST differs)
    (("CHAR", "CLOB", "TEXT"), TEXT_AFFINITY),
    (("BLOB",), BLOB_AFFINITY),
    (("REAL", "FLOA", "DOUB"), REAL_AFFINITY),
)


def sqlite_affinity(normalized: str) -> str:
    """How SQLite stores values in a column of this (upper-cased) declared type."""
    if not normalized.strip():
        return BLOB_AFFINITY
    for words, affinity in _SQLITE_AFFINITY_WORDS:
        if any(word in normalized for word in words):
            return affinity
    return NUMERIC_AFFINITY


#: The CAST that gives what a well-formed number in text becomes when stored under the affinity.
SQLITE_NUMBER_CAST = {NUMERIC_AFFINITY: "NUMERIC", REAL_AFFINITY: "REAL"}
# Conditions (`{0}` is the quoted column) under which a stored value differs after the table rebuild
# copies it into a column of another affinity (INSERT ... SELECT applies the new affinity):
#: an integer stored as a REAL is rounded beyond 2^53 (SQLite compares INTEGER with REAL exactly)
SQLITE_INTEGER_ROUNDED = "typeof({0}) = 'integer' AND CAST({0} AS REAL) <> {0}"
#: a REAL written as text keeps 15 significant digits (0.30000000000000004 becomes '0.3')
SQLITE_REAL_AS_TEXT_DIFFERS = "typeof({0}) = 'real' AND CAST(CAST({0} AS TEXT) AS REAL) <> {0}"
#: a text stored as a number reads back differently ('1.10' -> 1.1, '2.00' -> 2, '007' -> 7).
#: Text that is no number stays text, but is counted too: refusing is the side we err on.
SQLITE_TEXT_AS_NUMBER_DIFFERS = "typeof({0}) = 'text' AND CAST(CAST({0} AS {cast}) AS TEXT) <> {0}"


def sqlite_value_changes(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """(condition, what happens) for each way a change of affinity from `old` to `new` can change a
    stored value."""
    if old == new or new == BLOB_AFFINITY:
        return ()  # the same conversion again changes nothing; BLOB converts nothing
    if new == TEXT_AFFINITY:  # integers become their exact decimal text
        return ((SQLITE_REAL_AS_TEXT_DIFFERS, "lose digits as text (a REAL is written with 15 significant digits)"),)
    changes = []
    if new == REAL_AFFINITY:
        changes.append((SQLITE_INTEGER_ROUNDED, "be rounded (integers beyond 2^53 as a REAL)"))
    if old in (TEXT_AFFINITY, BLOB_AFFINITY):
        changes.append((SQLITE_TEXT_AS_NUMBER_DIFFERS.replace("{cast}", SQLITE_NUMBER_CAST[new]),
                        "change (text stored as a number reads back differently, e.g. '1.10' as 1.1)"))
    # REAL -> NUMERIC: an integral REAL becomes the equal INTEGER; a NUMERIC column holds no
    # well-formed number as text, so no text there is converted.
    return tuple(changes)


# -- default values: what a JSON default means in a column of one family
# (docs/loopback-rules/types.md#defaults-by-column-type)

#: The spellings of a boolean that a default may use, as the juggler and the databases read them.
TRUE_WORDS = ("true", "1", "t", "yes", "y", "on")
FALSE_WORDS = ("false", "0", "f", "no", "n", "off")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def boolean_value(value: object) -> bool | None:
    """True/False for a boolean default written as a boolean, 0/1 or a word ("false", "1", "yes"); None
    for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def number_text(value: object) -> str | None:
    """A number default as one canonical decimal text ("1.50" -> "1.5", 1e3 -> "1000"), or None when the
    value is no number. Booleans count as 0/1, as JavaScript's Number(true) does."""
    from decimal import Decimal, InvalidOperation

    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, (int, float)):
        text = repr(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        text = value.strip()
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    out = format(number.normalize(), "f")
    return "0" if out in ("-0", "+0") else out


_ISO_TAIL = re.compile(r"(?P<clock>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<fraction>\d+))?(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?$")


def _iso(text: str) -> str:
    """ISO text as every supported Python's fromisoformat takes it: Python 3.10 refuses `Z`, an offset
    without minutes (`+00`, as PostgreSQL prints it) and fractions of other than 3 or 6 digits."""
    match = _ISO_TAIL.search(text)
    if not match:
        return text
    fraction, zone = match.group("fraction"), match.group("zone")
    tail = match.group("clock") + (f".{(fraction + '000000')[:6]}" if fraction else "")
    if zone:
        if zone in ("Z", "z"):
            zone = "+00:00"
        elif len(zone) == 3:
            zone += ":00"
        elif ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        tail += zone
    return text[:match.start()] + tail


def moment_literal(value: str, family: str, digits: int, with_zone: bool) -> str | None:
    """A date/time default as the database takes it whole: `2020-01-02T03:04:05.000Z` (what JSON and the
    juggler write, and MySQL refuses) as `2020-01-02 03:04:05` in UTC, fractions cut to the column's
    `digits` (so no database rounds it its own way), `+00:00` kept for a WITH TIME ZONE column. None:
    not an ISO date or time (`infinity`, `epoch` ...), written as it is."""
    import datetime

    text = _iso(value.strip())
    try:
        if family == TIME:
            moment = datetime.time.fromisoformat(text)
        else:
            moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    aware = moment.tzinfo is not None
    if aware and isinstance(moment, datetime.datetime):
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    elif aware:
        if moment.utcoffset() != datetime.timedelta(0):
            return None
        moment = moment.replace(tzinfo=None)
    if family == DATE:
        return moment.date().isoformat()
    out = (moment.isoformat(sep=" ", timespec="seconds") if isinstance(moment, datetime.datetime)
           else moment.isoformat(timespec="seconds"))
    fraction = f"{moment.microsecond:06d}"[:digits].rstrip("0")
    return out + (f".{fraction}" if fraction else "") + ("+00:00" if aware and with_zone else "")


def moment_text(value: str) -> str | None:
    """A date, time or timestamp literal's value as one ISO text (an instant with an offset in UTC,
    without the offset), or None when it is none of those."""
    import datetime

    text = _iso(value.strip())
    for parse in (datetime.datetime.fromisoformat, datetime.time.fromisoformat):
        try:
            moment = parse(text)
        except ValueError:
            continue
        if moment.tzinfo is not None and isinstance(moment, datetime.datetime):
            moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        elif moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None) if moment.utcoffset() == datetime.timedelta(0) else moment
        return moment.isoformat(sep=" ") if isinstance(moment, datetime.datetime) else moment.isoformat()
    return None
