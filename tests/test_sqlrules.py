"""The identifier, fragment and literal rules on their own (django_lbsync/sqlrules.py, docs/sql-safety.md),
for every vendor's quote characters and literal reading. The live proof is tests/test_hostile_input.py."""
from __future__ import annotations

import pytest

from django_lbsync import sqlrules
from django_lbsync.vendors import VENDORS

ALL = sorted(VENDORS)


@pytest.mark.parametrize("vendor", ALL)
def test_identifier_rule(vendor):
    rules = VENDORS[vendor]()
    for name in ("customer", "Customer Order", "a/b", "../../x", "order-item", "ü", "a'b", "a;b", "a--b", "a\\"):
        assert rules.identifier_problem(name) is None, name
    refused = ["", "a\nb", "a\x00b", "a\rb", "a\tb", "a\x1bb", "a\x7fb", "a\x85b", 5, None, "a%sb", "100%"]
    refused += [f"a{q}b" for q in rules.identifier_quotes]
    for name in refused:
        assert rules.identifier_problem(name), name


def test_each_vendor_refuses_its_own_quotes():
    assert VENDORS["mysql"]().identifier_problem("a`b") and not VENDORS["mysql"]().identifier_problem('a"b')
    assert VENDORS["postgresql"]().identifier_problem('a"b') and not VENDORS["postgresql"]().identifier_problem("a`b")
    mssql = VENDORS["microsoft"]()
    assert all(mssql.identifier_problem(f"a{q}b") for q in '[]"')
    assert VENDORS["oracle"]().identifier_problem('a"b') and VENDORS["sqlite"]().identifier_problem('a"b')


GOOD_TYPES = [
    "int", "INTEGER", "VARCHAR(20)", "varchar (20)", "numeric(12, 2)", "DOUBLE PRECISION", "INT UNSIGNED",
    "BIGINT UNSIGNED ZEROFILL", "TIMESTAMP(3) WITH TIME ZONE", "timestamp without time zone",
    "ENUM('a','b''c')", "SET('x','y')", "VARCHAR2(20 CHAR)", "NUMBER(*,0)", "NUMBER(5,-2)",
    "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "public.citext", "geometry(Point, 4326)",
    "INTERVAL DAY(2) TO SECOND(6)", "nvarchar(max)", "bit varying(5)",
]
ATTACKS = [
    "int); DROP TABLE x; --", "int, DROP COLUMN secret", "text DEFAULT 'x'", "int NOT NULL", "int NULL", "int--",
    "int -- x", "int /* x */", "int\nx", "int\rx", "int\x00", "int GENERATED ALWAYS AS (1) STORED",
    "int AS (1)", "int(pg_sleep(1))", "int CHECK (1 = 1)", "int REFERENCES x (id)", "int PRIMARY KEY",
    "int UNIQUE", "int CONSTRAINT c CHECK (true)", "int AUTO_INCREMENT", "int COMMENT 'x'", "int ON UPDATE now",
    "text 'x'", "int`", 'int"', "int;", "(int)", "int(", "int)", "int [",
    "", " ", "int $$", "int # x", "VARCHAR(1.5)", "VARCHAR(x.y)", "int[1,2]", "int -1",
]


@pytest.mark.parametrize("vendor", ALL)
def test_type_rule(vendor):
    rules = VENDORS[vendor]()
    for text in GOOD_TYPES:
        assert rules.type_problem(text) is None, text
    for text in ATTACKS:
        assert rules.type_problem(text), text
    assert rules.type_problem(5) and rules.type_problem(None)


def test_array_brackets_are_identifier_quotes_on_sql_server():
    assert VENDORS["postgresql"]().type_problem("integer[]") is None
    assert VENDORS["postgresql"]().type_problem("int[3][3]") is None
    assert VENDORS["microsoft"]().type_problem("integer[]")


GOOD_DEFAULTS = [
    "now()", "'x'", "'it''s'", "nextval('\"Foo_seq\"'::regclass)", "gen_random_uuid()", "(1 + 2) * 3",
    "CURRENT_TIMESTAMP", "'{}'::int[]", "'50%'", "-1", "1.5e3", "E'a\\\\'", "(1, 2)", "NULL",
    "CASE WHEN true THEN NULL ELSE 1 END", "NOT true", "'a;b -- c /* d # e'", "'line\nbreak'", "lower('X')",
    "'a' COLLATE x",
]
DEFAULT_ATTACKS = [
    "1; DROP TABLE x", "1 -- c", "1--", "1 /* c */", "1; --'",
    "1, 2", "0 PRIMARY KEY", "1 NOT NULL", "0 REFERENCES x (id)", "0 CHECK (true)", "0 CONSTRAINT c CHECK (true)",
    "1 GENERATED ALWAYS AS (2) STORED", "$$x$$", "$a$x$a$", '"col"', "`col`", "q'[x]'", "nq'[x]'", "1)", "(1",
    "f(1]", "1\n", "1\r", "x\x00", "'x\x00'", "'unterminated", "", "   ", "1 DEFAULT 2", "1 ON UPDATE 2",
]


@pytest.mark.parametrize("vendor", ALL)
def test_default_rule(vendor):
    rules = VENDORS[vendor]()
    for text in GOOD_DEFAULTS:
        if vendor == "microsoft" and "[" in text:
            continue
        assert rules.default_problem(text) is None, text
    for text in DEFAULT_ATTACKS:
        assert rules.default_problem(text), text


def test_hash_starts_a_comment_on_mysql_only():
    assert VENDORS["mysql"]().default_problem("1 # x")
    assert VENDORS["postgresql"]().default_problem("1 # 2") is None  # XOR there


def test_a_backslash_cannot_move_the_end_of_a_literal_under_either_reading():
    """`'a\\''` ends after the second quote when backslashes are plain (PostgreSQL), but it is still
    open when they escape (MySQL, or PostgreSQL with standard_conforming_strings off). Both readings
    must give one expression, so neither server can be made to run the tail."""
    for vendor in ("postgresql", "mysql"):
        rules = VENDORS[vendor]()
        assert rules.default_problem("'a\\''") is not None
        assert rules.default_problem("'a\\'' || '; DROP TABLE x; --'") is not None
        assert rules.default_problem("'a\\\\'") is None  # an escaped backslash, or two plain ones
        for attack in ("'a\\'; DROP TABLE x; --'", "E'\\''; DROP TABLE x; --'"):
            assert rules.default_problem(attack) is not None
        assert rules.type_problem("ENUM('a\\')") and rules.type_problem("ENUM('a\\'', 'b')")
    # Where a backslash is always a plain character, `'a\'` is the value a\ and nothing else.
    for vendor in ("sqlite", "oracle", "microsoft"):
        assert VENDORS[vendor]().default_problem("'a\\'") is None
        assert VENDORS[vendor]().default_problem("'a\\'; DROP TABLE x") is not None


@pytest.mark.parametrize("value", ["x", "it's", "a\\", "x\\'", "\\'; DROP TABLE victim; --", "''", "\\\\", "é\n"])
@pytest.mark.parametrize("vendor", ALL)
def test_quoted_literals_are_one_literal_under_both_readings(vendor, value):
    rules = VENDORS[vendor]()
    literal = rules.quote_literal(value)
    assert rules.default_problem(literal) is None, literal
    assert rules.type_problem(f"ENUM({literal})") is None, literal
    assert _read_literal(literal, backslash_escapes=rules.backslash_escapes or literal.startswith("E'")) == value


def test_literal_spellings():
    assert VENDORS["mysql"]().quote_literal("x\\'") == "'x\\\\'''"
    assert VENDORS["postgresql"]().quote_literal("x\\'") == "E'x\\\\'''"
    assert VENDORS["postgresql"]().quote_literal("it's") == "'it''s'"
    assert VENDORS["sqlite"]().quote_literal("x\\'") == "'x\\'''"
    assert VENDORS["oracle"]().quote_literal("a'b") == "'a''b'"
    with pytest.raises(ValueError):
        VENDORS["mysql"]().quote_literal("a\x00b")


def test_postgresql_compares_its_escape_literals_with_the_catalog_spelling():
    rules = VENDORS["postgresql"]()
    assert rules.normalize_default(rules.quote_literal("x\\'")) == rules.normalize_default("'x\\'''::text")
    assert rules.normalize_default(rules.quote_literal("x\\")) != rules.normalize_default("'x\\\\'::text")


def test_size_rule():
    rules = VENDORS["postgresql"]()
    for value in (None, "", 0, 5, 255, "255", "0"):
        assert rules.size_problem(value) is None, value
    for value in (-1, True, 1.5, "12)", "1; DROP", "max", " 5", [5], {"a": 1}, "1e3", "-1"):
        assert rules.size_problem(value), value
    assert VENDORS["microsoft"]().size_problem("max") is None


def _read_literal(literal: str, *, backslash_escapes: bool) -> str:
    """The value a database reads from one literal (an independent reader, for the test)."""
    body = literal[2:-1] if literal.startswith("E'") else literal[1:-1]
    out, i = [], 0
    while i < len(body):
        if backslash_escapes and body[i] == "\\":
            out.append(body[i + 1])
            i += 2
        elif body[i] == "'":
            assert body[i + 1] == "'"
            out.append("'")
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)
