"""Hostile and careless input, on SQLite, PostgreSQL and MariaDB (issue 9; docs/sql-safety.md).

Every case runs the commands a user or CI would (automigrate, autoupdate, `--sql`, isactual, check,
discovery) next to a victim table holding rows. Judged by a reader independent of the product (raw
catalog SQL and checksums written here): after every command the victim holds the same rows and
values, no object appeared or vanished, and the outcome is either exit 2 (a definition error,
nothing sent) or success with exactly the value the JSON asked for in the database.
"""
from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connections

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

CONNECTOR = {"default": "sqlite3", "postgresql": "postgresql", "mysql": "mysql"}
#: The identifier quote of each database: a name holding it (or a control character) is refused.
QUOTE = {"default": '"', "postgresql": '"', "mysql": "`"}
VICTIM_ROWS = 40

#: One of each character class that could end a quote, a literal, a statement or a line.
HOSTILE = ['a"b', "a`b", "a]b", "a[b", "a'b", "a\nb", "a\rb", "a\x00b", "a\x01b", "a\x1bb", "a;b", "a--b",
           "a/*b", "a#b", "a\\", "a%sb", "100%", ""]


def attacks(alias: str) -> list[str]:
    """Names written to break out of this database's identifier quotes and drop the victim."""
    q = QUOTE[alias]
    return [f"x{q} int); DROP TABLE {q}victim{q}; --", f"c{q} int, DROP COLUMN {q}secret{q}, ADD COLUMN {q}d",
            f"x{q};\nDROP TABLE victim;\n--"]


def refused_name(alias: str, name: str) -> bool:
    """The identifier rule, written independently of the product: empty, a control character, the quote,
    or `%` (Django %-formats some statements; test_percent_in_names_is_refused shows what it does); on
    MySQL/MariaDB also a trailing space, which the server refuses only when the statement runs."""
    return (not name or QUOTE[alias] in name or "%" in name or (alias == "mysql" and name.endswith(" "))
            or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in name))


# -- an independent reader ------------------------------------------------------------------------

def raw(alias: str, sql: str, params=None) -> list[tuple]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def qn(alias: str, name: str) -> str:
    q = QUOTE[alias]
    return q + name.replace(q, q + q) + q


def make_victim(alias: str) -> None:
    raw(alias, "CREATE TABLE victim (id integer PRIMARY KEY, secret varchar(40) NOT NULL)")
    for start in range(1, VICTIM_ROWS + 1, 10):
        values = ", ".join(f"({i}, 'secret-{i * 7919 % 1000}')" for i in range(start, start + 10))
        raw(alias, f"INSERT INTO victim (id, secret) VALUES {values}")


def victim_state(alias: str) -> tuple:
    rows = raw(alias, "SELECT COUNT(*), SUM(id), SUM(LENGTH(secret)), MIN(secret), MAX(secret) FROM victim")
    columns = [c.lower() for c in _columns(alias, "victim")]
    return tuple(int(v) if isinstance(v, (int, float)) or hasattr(v, "as_tuple") else v for v in rows[0]), columns


def inventory(alias: str) -> set[tuple]:
    """Every schema object of the test database: tables, views, indexes, sequences, triggers, schemas."""
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return set(raw(alias, "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%%'"))
    if vendor == "postgresql":
        objects = set(raw(alias, "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
                                 "ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                                 "AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'"))
        objects |= {("schema", n) for (n,) in raw(alias, "SELECT nspname FROM pg_namespace")}
        return objects | {("constraint", n) for (n,) in raw(alias, "SELECT conname FROM pg_constraint")}
    tables = set(raw(alias, "SELECT table_name, table_type FROM information_schema.tables "
                            "WHERE table_schema = DATABASE()"))
    indexes = {("index", t, i) for t, i in raw(alias, "SELECT table_name, index_name FROM information_schema.statistics "
                                                      "WHERE table_schema = DATABASE()")}
    return tables | indexes


def _columns(alias: str, table: str) -> list[str]:
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return [r[1] for r in raw(alias, f"PRAGMA table_info({qn(alias, table)})")]
    if vendor == "postgresql":
        return [r[0] for r in raw(alias, "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                         "AND table_schema = current_schema() ORDER BY ordinal_position", [table])]
    return [r[0] for r in raw(alias, "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                     "AND table_schema = DATABASE() ORDER BY ordinal_position", [table])]


def user_tables(alias: str) -> set[tuple[str | None, str]]:
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return {(None, n) for (n,) in raw(alias, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                                 "AND name NOT LIKE 'sqlite_%%'")}
    if vendor == "postgresql":
        return {(None if s == "public" else s, n) for s, n in raw(
            alias, "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
                   "'information_schema')")}
    return {(None, n) for (n,) in raw(alias, "SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = DATABASE()")}


def drop_all_but_victim(alias: str) -> None:
    vendor = connections[alias].vendor
    if vendor == "mysql":
        raw(alias, "SET FOREIGN_KEY_CHECKS = 0")
    for schema, table in user_tables(alias):
        if (schema, table) in ((None, "victim"), (None, "django_migrations")):
            continue
        qualified = f"{qn(alias, schema)}.{qn(alias, table)}" if schema else qn(alias, table)
        raw(alias, f"DROP TABLE {qualified}" + (" CASCADE" if vendor == "postgresql" else ""))
    if vendor == "postgresql":
        for (schema,) in raw(alias, "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', "
                                    "'information_schema') AND nspname NOT LIKE 'pg_%%'"):
            raw(alias, f"DROP SCHEMA {qn(alias, schema)} CASCADE")
    if vendor == "mysql":
        raw(alias, "SET FOREIGN_KEY_CHECKS = 1")


# -- running commands -------------------------------------------------------------------------------

def run(command: str, *args, **options) -> tuple[int | str, str]:
    """(exit code, everything printed). A definition error in `check` is "E001"; anything other than
    CommandError / SystemExit (a traceback) fails the test."""
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err, **options)
    except SystemCheckError as exc:
        return ("E001" if "lbsync.E001" in str(exc) else f"check: {exc}"), str(exc)
    except CommandError as exc:
        return exc.returncode, f"{out.getvalue()}{err.getvalue()}{exc}"
    except SystemExit as exc:
        return exc.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


COMMANDS = [("automigrate", "--noinput"), ("autoupdate", "--noinput"), ("autoupdate", "--sql"), ("isactual",),
            ("automigrate", "--sql")]


class Case:
    """One live database with a victim table; every command must leave it as it was."""

    def __init__(self, alias: str, model_dir, settings):
        self.alias, self.model_dir, self.settings = alias, model_dir, settings
        make_victim(alias)
        self.victim = victim_state(alias)
        self.baseline = inventory(alias)

    def use(self, *models: dict) -> None:
        folder = self.model_dir({f"m{i}.json": json.dumps(m) for i, m in enumerate(models)})
        self.settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": self.alias}}

    def intact(self, what: str, allow_new: bool = False) -> None:
        assert victim_state(self.alias) == self.victim, f"victim changed by {what}"
        now = inventory(self.alias)
        assert self.baseline <= now, f"{what} dropped {self.baseline - now}"
        if not allow_new:
            assert now == self.baseline, f"{what} created {now - self.baseline}"

    def refused(self, what: str) -> None:
        """Every command says exit 2 (check: lbsync.E001), nothing changes, nothing is printed raw."""
        for command in COMMANDS:
            code, text = run(*command, database=self.alias)
            assert code == 2, f"{what}: {' '.join(command)} gave {code}: {text}"
            assert "Traceback" not in text
            self.intact(f"{what}: {' '.join(command)}")
        code, text = run("check", databases=[self.alias])
        assert code == "E001", f"{what}: check gave {code}"
        self.intact(f"{what}: check")

    def accepted(self, what: str) -> None:
        """automigrate succeeds; then the database is in sync and a second autoupdate has nothing to do."""
        code, text = run("automigrate", "--noinput", database=self.alias)
        assert code == 0, f"{what}: automigrate gave {code}: {text}"
        self.intact(f"{what}: automigrate", allow_new=True)
        for command in (("isactual",), ("autoupdate", "--noinput"), ("autoupdate", "--sql")):
            code, text = run(*command, database=self.alias)
            assert code == 0, f"{what}: {' '.join(command)} gave {code}: {text}"
            self.intact(f"{what}: {' '.join(command)}", allow_new=True)
        assert run("check", databases=[self.alias])[0] == 0, what

    def harmless(self, what: str) -> None:
        """Each command succeeds or fails cleanly (the database's own refusal, rolled back); only the
        model's own table may appear."""
        for command in COMMANDS:
            code, text = run(*command, database=self.alias)
            assert code in (0, 1, 2) and "Traceback" not in text, f"{what}: {' '.join(command)}: {code} {text}"
            self.intact(f"{what}: {' '.join(command)}", allow_new=True)
            assert {t for _, t in user_tables(self.alias)} <= {"victim", "thing", "Thing", "django_migrations"}, what
        self.reset()

    def reset(self) -> None:
        drop_all_but_victim(self.alias)
        self.intact("the test's own cleanup")


@pytest.fixture
def case(live, model_dir, settings):
    return Case(live, model_dir, settings)


def thing(properties: dict | None = None, **options) -> dict:
    return {"name": "Thing", "idInjection": True, "properties": {"label": {"type": "string"}, **(properties or {})},
            **options}


def other(**options) -> dict:
    return {"name": "Other", "idInjection": True, "properties": {"title": {"type": "string"}}, **options}


def with_fk(fk_key: str = "fk_other", **fk) -> dict:
    spec = {"name": fk_key, "entity": "Other", "entityKey": "id", "foreignKey": "otherId", **fk}
    return thing({"otherId": {"type": "number"}}, foreignKeys={fk_key: spec})


# -- names ----------------------------------------------------------------------------------------

def name_cases(alias: str):
    c = CONNECTOR[alias]
    pg = alias == "postgresql"
    # An empty model name is JavaScript-false too: loopback-boot names the model after its file (m0.json -> M0).
    yield "model name", lambda n: [thing() | {"name": n}], lambda n: (None, (n or "M0").lower() if pg else n or "M0")
    # An empty table name is JavaScript-false: LoopBack falls back to the model name.
    fallback = "thing" if pg else "Thing"
    yield f"{c}.table", lambda n: [thing(options={c: {"table": n}})], lambda n: (None, n or fallback)
    yield f"{c}.tableName", lambda n: [thing(**{c: {"tableName": n}})], lambda n: (None, n or fallback)
    yield f"{c}.schema", lambda n: [thing(options={c: {"schema": "lbsync_" + n}})], (
        lambda n: ("lbsync_" + n if pg else None, "thing" if pg else "Thing"))


@pytest.mark.parametrize("value_kind", ["hostile", "attack"])
def test_table_and_schema_names(case, value_kind):
    alias = case.alias
    values = HOSTILE if value_kind == "hostile" else attacks(alias)
    for position, models, where in name_cases(alias):
        for name in values:
            what = f"{position} = {name!r}"
            case.use(*models(name))
            schema, table = where(name)
            if refused_name(alias, name if "schema" not in position else "lbsync_" + name) and not (
                    "schema" in position and alias != "postgresql") and not (name == "" and ("table" in position or position == "model name")):
                case.refused(what)
                continue
            case.accepted(what)
            assert (schema, table) in user_tables(alias), what
            case.reset()


@pytest.mark.parametrize("value_kind", ["hostile", "attack"])
def test_column_index_and_foreign_key_names(case, value_kind):
    alias = case.alias
    c = CONNECTOR[alias]
    values = HOSTILE if value_kind == "hostile" else attacks(alias)
    table = "thing" if alias == "postgresql" else "Thing"
    for name in values:
        # An empty columnName or foreign key `name` is JavaScript-false: the property name / key is used.
        refused = refused_name(alias, name)
        falls_back = ({"columnName", "columnName with index", "foreign key name", "foreign key entity table"}
                      if name == "" else set())
        positions = [
            ("columnName", [thing({"x": {"type": "string", c: {"columnName": name}}})]),
            ("columnName with index", [thing({"x": {"type": "string", "index": True, c: {"columnName": name}}})]),
            ("property index name", [thing({"x": {"type": "string", "index": {"name": name, "unique": True}}})]),
            ("model index name", [thing(indexes={name: {"keys": {"label": 1}}})]),
            ("foreign key name", [with_fk(name=name), other()]),
            ("foreign key key", [with_fk(name) | {"foreignKeys": {name: {"entity": "Other", "entityKey": "id",
                                                                           "foreignKey": "otherId"}}}, other()]),
            ("foreign key entity table", [with_fk(), other(options={c: {"table": name}})]),
        ]
        for position, models in positions:
            what = f"{position} = {name!r}"
            case.use(*models)
            # The property index name is MSSQL's alone: elsewhere LoopBack names it from table and column.
            if refused and position != "property index name" and position not in falls_back:
                case.refused(what)
                continue
            case.accepted(what)
            if position.startswith("columnName"):
                assert (name or "x") in _columns(alias, table), what
            if position == "model index name":
                assert name in _index_names(alias, table), what
            if position.startswith("foreign key") and connections[alias].vendor != "sqlite":
                assert ("foreign key entity" in position or (name or "fk_other") in _fk_names(alias, table)), what
            case.reset()


def _index_names(alias: str, table: str) -> set[str]:
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return {r[1] for r in raw(alias, f"PRAGMA index_list({qn(alias, table)})")}
    if vendor == "postgresql":
        return {r[0] for r in raw(alias, "SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])}
    return {r[0] for r in raw(alias, "SELECT index_name FROM information_schema.statistics WHERE table_name = %s "
                                     "AND table_schema = DATABASE()", [table])}


def _fk_names(alias: str, table: str) -> set[str]:
    if connections[alias].vendor == "postgresql":
        return {r[0] for r in raw(alias, "SELECT conname FROM pg_constraint WHERE contype = 'f' "
                                         "AND conrelid = %s::regclass", [qn(alias, table)])}
    return {r[0] for r in raw(alias, "SELECT constraint_name FROM information_schema.referential_constraints "
                                     "WHERE table_name = %s AND constraint_schema = DATABASE()", [table])}


# -- fragments --------------------------------------------------------------------------------------

TYPE_ATTACKS = ["int); DROP TABLE victim; --", "int, DROP COLUMN secret", "text DEFAULT 'x'", "int NOT NULL",
                "int GENERATED ALWAYS AS (1) STORED", "varchar(10) CHECK (1 = 1)", "int REFERENCES victim (id)",
                "int /* x */", "int -- x", "int # x", "int;", "text COMMENT 'x'"]
#: Where a backslash escapes a quote (PostgreSQL may, MySQL does), these literals never end.
BACKSLASH_TYPE_ATTACKS = ["ENUM('a\\')", "ENUM('a\\'', 'b'); DROP TABLE victim; --')"]
DEFAULT_ATTACKS = ["'x'); DROP TABLE victim; --", "'x', secret = 'y'", "1; DROP TABLE victim", "0 NOT NULL",
                   "0 PRIMARY KEY", "0 REFERENCES victim (id)", "'a\\'; DROP TABLE victim; --'",
                   "$$'$$; DROP TABLE victim; --'", "1 -- c", "1 /* c */",
                   "(1", "1)", "'unterminated", "q'[x]'", "'x'; DROP TABLE victim"]
#: One expression each, so the rule lets them through; the database refuses them in a default (or,
#: MySQL, never reads dbDefault). Nothing else may run.
ONE_EXPRESSION = ["'x' || (SELECT secret FROM victim)", "a#b", "a%sb", "a-b", "100%"]


def test_data_type_and_db_default(case):
    alias = case.alias
    c = CONNECTOR[alias]
    backslash = BACKSLASH_TYPE_ATTACKS if alias != "default" else []
    for value in [v for v in HOSTILE if v] + TYPE_ATTACKS + backslash:  # an empty dataType is JS-false: ignored
        case.use(thing({"x": {"type": "string", c: {"dataType": value}}}))
        case.refused(f"{c}.dataType = {value!r}")
    if alias == "mysql":
        case.use(thing({"x": {"type": "string", "dataType": "int); DROP TABLE victim; --"}}))
        case.refused("top-level dataType")
    # E'\'' ends after its second quote where a backslash escapes (PostgreSQL E strings, MySQL); where
    # it never does (SQLite), the whole text is one literal after a word, which SQLite refuses.
    escape_string = ["E'\\''; DROP TABLE victim; --'"]
    for value in [v for v in HOSTILE if v not in ONE_EXPRESSION] + DEFAULT_ATTACKS + (
            escape_string if alias != "default" else []):
        case.use(thing({"x": {"type": "string", c: {"dbDefault": value}}}))
        case.refused(f"{c}.dbDefault = {value!r}")
    for value in ONE_EXPRESSION + (escape_string if alias == "default" else []):
        case.use(thing({"x": {"type": "string", c: {"dbDefault": value}}}))
        case.harmless(f"{c}.dbDefault = {value!r}")
    # A subquery is one expression: the rule lets it through, and the database itself refuses it in a
    # default; either way nothing else runs.
    case.use(thing({"x": {"type": "string", c: {"dataType": "varchar(20)"}}}))
    case.accepted("a plain dataType")


SIZE_ATTACKS = ["10); DROP TABLE victim; --", "10,2", -1, 1.5, True, "1e3", " 10", [10], {"a": 1}, "10 CHAR)"]


def test_lengths_precision_and_scale(case):
    c = CONNECTOR[case.alias]
    for value in SIZE_ATTACKS:
        for position, prop in [
            ("length", {"type": "string", "length": value}),
            ("limit", {"type": "string", "limit": value}),
            (f"{c}.dataLength", {"type": "string", c: {"dataType": "varchar", "dataLength": value}}),
            (f"{c}.dataPrecision", {"type": "number", c: {"dataType": "decimal", "dataPrecision": value,
                                                          "dataScale": 2}}),
            (f"{c}.dataScale", {"type": "number", c: {"dataType": "decimal", "dataPrecision": 10, "dataScale": value}}),
            ("precision", {"type": "number", "precision": value, "scale": 2}),
            ("scale", {"type": "number", "precision": 10, "scale": value}),
        ]:
            case.use(thing({"x": prop}))
            case.refused(f"{position} = {value!r}")
    case.use(thing({"x": {"type": "string", "length": "20", c: {"dataType": "varchar"}}}))
    case.accepted('length "20" (a digit string, as JavaScript prints it)')


# -- literals: stored exactly -------------------------------------------------------------------------

LITERALS = ["x\\'", "a\\", "\\", "it's", "'; DROP TABLE victim; --", "a\nb", "100%", "%s", "%(x)s", "x`y", 'x"y',
            "a]b", "/*", "--", "#x", "\\'; DROP TABLE victim; --", "é ü", "\\\\", "''", "a\tb"]


def default_read_back(alias: str, table: str, column: str) -> object:
    """Insert a row that names no value for `column`, read what the database put there."""
    raw(alias, f"INSERT INTO {qn(alias, table)} ({qn(alias, 'label')}) VALUES ('row')")
    return raw(alias, f"SELECT {qn(alias, column)} FROM {qn(alias, table)}")[0][0]


def test_literal_defaults_are_stored_exactly(case):
    alias = case.alias
    c = CONNECTOR[alias]
    table = "thing" if alias == "postgresql" else "Thing"
    for value in LITERALS:
        # LoopBack's `default` is a database default on PostgreSQL (and SQLite); MySQL takes `mysql.default`.
        for position, prop in [("default", {"type": "string", "default": value}),
                               ("mysql.default", {"type": "string", "mysql": {"default": value}})]:
            case.use(thing({"x": prop}))
            case.accepted(f"{position} = {value!r}")
            expected = value if (position == "default") != (alias == "mysql") else None
            assert default_read_back(alias, table, "x") == expected, f"{position} = {value!r}"
            case.reset()
    for position, prop in [("default", {"type": "string", "default": "a\x00b"}),
                           ("mysql.default", {"type": "string", "mysql": {"default": "a\x00b"}}),
                           ("default", {"type": "number", "default": float("nan")}),
                           ("default", {"type": "number", "default": float("inf")})]:
        case.use(thing({"x": prop}))
        if position == "mysql.default" and alias != "mysql":
            continue  # another connector's block: never read here
        case.refused(f"{position} = {prop}")


def test_enum_values_are_stored_exactly(case):
    alias = case.alias
    values = [v for v in LITERALS if v.rstrip(" ") == v]  # MySQL strips trailing spaces from ENUM values
    case.use(thing({"x": {"type": "string", "mysql": {"dataType": "ENUM"}, "jsonSchema": {"enum": values}}}))
    case.accepted("ENUM values")
    if alias == "mysql":
        raw(alias, "SET SESSION sql_mode = 'STRICT_ALL_TABLES'")
        for value in values:
            raw(alias, "INSERT INTO Thing (label, x) VALUES ('row', %s)", [value])
        assert [r[0] for r in raw(alias, "SELECT x FROM Thing ORDER BY id")] == values
        with pytest.raises(DatabaseError, match="Data truncated for column 'x'"):  # strict mode: not a member
            raw(alias, "INSERT INTO Thing (label, x) VALUES ('row', 'not listed')")
    case.reset()
    case.use(thing({"x": {"type": "string", "mysql": {"dataType": "ENUM"}, "jsonSchema": {"enum": ["a\x00"]}}}))
    if alias == "mysql":
        case.refused("an ENUM value with NUL")


# -- names from the live catalog ----------------------------------------------------------------------

def live_attack_names(alias: str) -> list[str]:
    q = QUOTE[alias]
    return [f"x{q}; DROP TABLE victim; --", "a\nb", f"c{q} int, DROP COLUMN {q}secret"]


def test_live_names_are_never_built_into_sql(case):
    """Hostile names made by hand in the database: autoupdate refuses the tables that hold them
    (exit 2, nothing sent); isactual and check only show them, escaped; discovery refuses them."""
    alias = case.alias
    case.use(thing())
    assert run("automigrate", "--noinput", database=alias)[0] == 0
    table = "thing" if alias == "postgresql" else "Thing"
    for name in live_attack_names(alias):
        # A column no property maps to: autoupdate would drop it, rendering its name.
        raw(alias, f"ALTER TABLE {qn(alias, table)} ADD COLUMN {qn(alias, name)} integer")
        # A table no model maps to: left alone, so it does not stop the run.
        raw(alias, f"CREATE TABLE {qn(alias, name + '_t')} (id integer PRIMARY KEY)")
        case.baseline = inventory(alias)
        what = f"live column {name!r}"
        for command in (("autoupdate", "--noinput"), ("autoupdate", "--sql"), ("autoupdate", "--noinput", "--prune")):
            code, text = run(*command, database=alias)
            assert code == 2 and "live name" in text and repr(name) in text, f"{what}: {command}: {code} {text}"
            case.intact(f"{what}: {' '.join(command)}")
        code, text = run("isactual", database=alias)
        assert code == 1, f"{what}: isactual: {code} {text}"
        # Shown, never printed raw: a newline from the catalog must not start a line of its own.
        assert (name not in text and "a\\nb" in text) if "\n" in name else name in text, text
        case.intact(f"{what}: isactual")
        assert run("check", databases=[alias])[0] == 0
        case.intact(f"{what}: check")
        code, text = run("discoverschema", "--output-dir", str(case.model_dir({})), database=alias)
        assert code in (0, 2), f"{what}: discoverschema: {code} {text}"
        case.intact(f"{what}: discoverschema")
        raw(alias, f"ALTER TABLE {qn(alias, table)} DROP COLUMN {qn(alias, name)}")
        raw(alias, f"DROP TABLE {qn(alias, name + '_t')}")
    case.baseline = inventory(alias)
    assert run("isactual", database=alias)[0] == 0


def test_live_index_and_foreign_key_names(case):
    alias = case.alias
    case.use(thing({"otherId": {"type": "number"}}), other())
    assert run("automigrate", "--noinput", database=alias)[0] == 0
    table = "thing" if alias == "postgresql" else "Thing"
    name = live_attack_names(alias)[0]
    raw(alias, f"CREATE INDEX {qn(alias, name)} ON {qn(alias, table)} ({qn(alias, 'label')})")
    case.baseline = inventory(alias)
    code, text = run("autoupdate", "--noinput", "--prune", database=alias)
    assert code == 2 and repr(name) in text, text
    case.intact("a hostile live index with --prune")
    assert run("autoupdate", "--noinput", database=alias)[0] == 0  # kept and not touched: nothing to do
    case.intact("a hostile live index without --prune")


# -- batching and `%` -------------------------------------------------------------------------------

def test_statement_text_inside_names_stays_inside_them(case):
    """PostgreSQL runs automigrate's statements joined in one round trip (batch.py): names full of
    statement text stay names. A split on `;` or a line would run the tail as SQL."""
    alias = case.alias
    names = ["a; DROP TABLE victim; --", "b -- c", "d /* e", "f' OR '1", "k\\", "l\\'); DROP TABLE victim; --"]
    properties = {f"p{i}": {"type": "string", "index": True, CONNECTOR[alias]: {"columnName": n}}
                  for i, n in enumerate(names)}
    case.use(thing(properties, options={CONNECTOR[alias]: {"table": "t; DROP TABLE victim; --"}}))
    case.accepted("statement text in names")
    assert set(names) <= set(_columns(alias, "t; DROP TABLE victim; --"))
    case.reset()


def test_percent_in_defaults_through_every_change(case):
    """Django passes an empty parameter list with some DDL (alter_field; and SQLite formats every
    literal default once): a `%` in a default must come out as written on every path: create, add
    column, NOT NULL over existing rows, change of default."""
    alias = case.alias
    c = CONNECTOR[alias]
    first, second = "50%s %(x)s %%", "%d%% off"

    def props(value, **extra):
        default = {"default": value} if alias != "mysql" else {"mysql": {"default": value}}
        return {"b": {"type": "string", "length": 40, **default, **extra}}

    case.use(thing(props(first)))
    case.accepted("a default with %")
    assert default_read_back(alias, "thing" if alias == "postgresql" else "Thing", "b") == first
    case.reset()
    case.use(thing())
    assert run("automigrate", "--noinput", database=alias)[0] == 0
    table = "thing" if alias == "postgresql" else "Thing"
    raw(alias, f"INSERT INTO {qn(alias, table)} ({qn(alias, 'label')}) VALUES ('old row')")
    for step, models in [("add column", thing(props(first))), ("required", thing(props(first, required=True))),
                         ("new default", thing(props(second, required=True)))]:
        case.use(models)
        code, text = run("autoupdate", "--sql", database=alias)
        assert code == 0 and ("%" in text or step == "required"), f"{step}: {text}"
        code, text = run("autoupdate", "--noinput", "--allow-destructive", database=alias)
        assert code == 0, f"{step}: {text}"
        assert run("isactual", database=alias)[0] == 0, step
        case.intact(step, allow_new=True)
    raw(alias, f"INSERT INTO {qn(alias, table)} ({qn(alias, 'label')}) VALUES ('new row')")
    rows = raw(alias, f"SELECT {qn(alias, 'label')}, {qn(alias, 'b')} FROM {qn(alias, table)} ORDER BY 1")
    assert rows == [("new row", second), ("old row", first)]
    case.reset()


def test_percent_in_names_is_refused(case):
    """Django formats index and constraint names with `%` (`%(app_label)s`), and runs some statements
    through %-formatting: a `%` in a name would be changed or fail half-way, so it is a definition error."""
    c = CONNECTOR[case.alias]
    for name in ("a%sb", "100%", "%(class)s", "%%"):
        for models in ([thing(options={c: {"table": name}})], [thing({"x": {"type": "string", c: {"columnName": name}}})],
                       [thing(indexes={name: {"keys": {"label": 1}}})], [with_fk(name=name), other()]):
            case.use(*models)
            case.refused(f"{name!r} in {models}")


def test_a_name_ending_in_a_space(case):
    """MySQL/MariaDB refuse a table, column, index or key name that ends with a space, but only when the
    statement runs: there it is a definition error before anything is sent (a run stopped half-way made the
    tables before it). PostgreSQL and SQLite take the name as written."""
    c = CONNECTOR[case.alias]
    for what, models in [("table", [thing(options={c: {"table": "T "}})]),
                         ("column", [thing({"x": {"type": "string", c: {"columnName": "b "}}})]),
                         ("property", [thing({"b ": {"type": "string"}})]),
                         ("index", [thing(indexes={"i ": {"keys": {"label": 1}}})]),
                         ("foreign key", [with_fk(name="f "), other()])]:
        case.use(*models)
        if case.alias == "mysql":
            case.refused(f"{what} name ending in a space")
        else:
            case.accepted(f"{what} name ending in a space")
            case.reset()


# -- Oracle and SQL Server, offline -----------------------------------------------------------------

def offline_cases(key: str):
    """(what, model, exit code on Oracle, exit code on SQL Server)."""
    yield "model name with a double quote", thing() | {"name": 'A"B'}, 2, 2
    yield "model name with ]", thing() | {"name": "A]B"}, 0, 2  # a plain character inside Oracle's quotes
    yield "model name with [", thing() | {"name": "A[B"}, 0, 2
    yield "columnName with a newline", thing({"x": {"type": "string", key: {"columnName": "a\nb"}}}), 2, 2
    yield "table with NUL", thing(options={key: {"table": "T\x00"}}), 2, 2
    yield "dataType", thing({"x": {"type": "string", key: {"dataType": "int); DROP TABLE victim; --"}}}), 2, 2
    yield "dataLength", thing({"x": {"type": "string", key: {"dataType": "varchar2", "dataLength": "1) --"}}}), 2, 2
    # SQL Server names a property index by its `name`; Oracle from table and column.
    yield "property index name", thing({"x": {"type": "string", "index": {"name": "i]; DROP TABLE v; --"}}}), 0, 2
    # Oracle names a model index by its key; SQL Server from its columns.
    yield "model index key", thing(indexes={'i"; DROP TABLE v; --': {"keys": {"label": 1}}}), 2, 0
    yield "foreign key name", [with_fk('f"k'), other()], 2, 2


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_offline_renderings_apply_the_same_rules(alias, model_dir, settings):
    from .conftest import require_alias

    require_alias(alias)
    key = "oracle" if alias == "oracle" else "mssql"
    for what, models, oracle_code, mssql_code in offline_cases(key):
        models = models if isinstance(models, list) else [models]
        folder = model_dir({f"m{i}.json": json.dumps(m) for i, m in enumerate(models)})
        settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": alias}}
        code, text = run("automigrate", "--sql", "--assume-empty", database=alias)
        assert code == (oracle_code if alias == "oracle" else mssql_code), f"{alias}: {what}: {code} {text}"
        assert ("CREATE TABLE" in text) == (code == 0), what


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_offline_quotes_in_legal_names_render_as_reviewed(alias, model_dir, settings):
    """Names with a single quote, `%`, `;` and `--` are legal identifiers; they render inside the
    identifier quotes, and the Oracle sequence drop writes the name as a doubled-quote literal."""
    from pathlib import Path

    from .conftest import regenerate, require_alias

    require_alias(alias)
    key = "oracle" if alias == "oracle" else "mssql"
    folder = model_dir({"m.json": json.dumps({
        "name": "O'Brien", "properties": {
            "id": {"type": "number", "id": True, "generated": True},
            "note": {"type": "string", "default": "it's 100%", key: {"columnName": "n'o;te -- x"}}}})})
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": alias}}
    code, sql = run("automigrate", "--sql", "--assume-empty", database=alias)
    assert code == 0, sql
    expected = Path(__file__).with_name("expected") / f"hostile_quotes.{alias}.sql"
    import os

    regenerate(expected, sql)
    assert sql == expected.read_text()
    if alias == "oracle":
        from django_lbsync.schema import Table
        from django_lbsync.vendors.oracle import OracleVendor

        drop = OracleVendor().drop_sequence_sql(Table("O'BRIEN", None, (), (), sequence=("O'Brien_ID_SEQUENCE", "t")))
        assert "SEQUENCE_NAME = 'O''Brien_ID_SEQUENCE'" in drop
        assert "'DROP SEQUENCE \"O''Brien_ID_SEQUENCE\"'" in drop
        assert re.sub(r"'(?:[^']|'')*'", "''", drop).count(";") == 5  # no ; outside a literal but the block's
