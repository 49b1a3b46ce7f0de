"""autoupdate and isactual on Oracle and SQL Server for every fixture, offline (issue 11, Tests).

No server exists here. A live-like snapshot is made in the test by *executing* automigrate's own
DDL (`automigrate(dry_run=True, assume_empty=True)`, the statements `--sql --assume-empty` prints)
into a fake catalog, the way the server would store it: Oracle keeps quoted names as written (Django's
quote_name has upper-cased index and constraint names), stores VARCHAR as VARCHAR2 and INTEGER as
NUMBER(*,0), names the primary key SYS_C...; SQL Server names it PK__..., stores types in sys.types
spelling. That catalog is served to the product through the fakes of tests/test_offline_readers.py
(Django's Oracle / mssql-django introspection row shapes, and the generic reader's catalog hooks).

What each fixture must show, on both databases:
- from an empty catalog, autoupdate renders the same statements as automigrate --sql --assume-empty
  (compared sorted: mssql-django runs its deferred statements through a set);
- from the catalog automigrate's DDL made, isactual is true and autoupdate renders nothing;
- transitions render reviewed ALTER SQL (tests/expected/autoupdate_<transition>.<db>.sql): customer_v1 <->
  customer_v2 (on Oracle also without oracle.schema), indexes added, foreign keys (and a column) added and,
  with prune, removed, an indexed column removed (prune); that SQL, executed into the same catalog, leaves the target models in sync.
The schema editor's own look-ups (constraint names, identity columns) are answered from the snapshot.
"""
from __future__ import annotations

import json
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connections

from django_lbsync.api import autoupdate, automigrate, is_actual
from django_lbsync.schema import ForeignKey

from .conftest import FIXTURES, require_alias
from .test_offline_oracle_mssql import check_against_file
from .test_offline_readers import (
    ORACLE_USER, CatalogCursor, MssqlCatalog, MssqlIndex, MssqlTable, OracleCatalog, OracleColumn, OracleIndex,
    OracleTable, oracle_type_rows,
)

#: Every model set under tests/fixtures/ (pg_schema included: on these two databases its postgresql/mysql
#: schema settings must be ignored, and that is worth proving too).
EVERY_FIXTURE = ["base_chain", "builtins/model-config.json", "composite", "customer_v1", "customer_v2",
                 "foreign_keys", "indexes", "overrides", "pg_schema", "types"]
#: Fixtures naming the Oracle login schema (LOOPBACK) explicitly. Connected, a model naming the login schema
#: is keyed as one naming none (Vendor.own_schema; docs/introspection.md), so autoupdate writes the table
#: unqualified; automigrate --assume-empty, with no connection, qualifies it as LoopBack does. The same table.
LOGIN_SCHEMA_FIXTURES = {"customer_v1", "customer_v2"}


def cases(fixtures):
    return [pytest.param(alias, fixture, id=f"{alias}-{fixture.split('/')[0]}")
            for alias in ("oracle", "mssql") for fixture in fixtures]


# -- executing DDL into a fake catalog ---------------------------------------------------------------

def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split at `sep` outside parentheses and quotes."""
    parts, depth, quote, current = [], 0, None, ""
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"[":
            quote = '"' if ch == '"' else "]"
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


_IDENT = r'(?:"(?:[^"]|"")+"|\[(?:[^\]]|\]\])+\])'
_QUALIFIED = rf"{_IDENT}(?:\.{_IDENT})?"


def _name(quoted: str) -> str:
    if quoted.startswith('"'):
        return quoted[1:-1].replace('""', '"')
    return quoted[1:-1].replace("]]", "]")


def _table_name(qualified: str) -> tuple[str | None, str]:
    names = re.findall(_IDENT, qualified)
    return (None, _name(names[0])) if len(names) == 1 else (_name(names[0]), _name(names[1]))


def _columns_with_orders(text: str) -> tuple[list[str], list[str]]:
    columns, orders = [], []
    for part in _split_top(text):
        match = re.fullmatch(rf"({_IDENT})(?:\s+(ASC|DESC))?", part)
        assert match, part
        columns.append(_name(match.group(1)))
        orders.append(match.group(2) or "ASC")
    return columns, orders


@dataclass
class ParsedColumn:
    name: str
    type: str
    null: bool
    default: str | None = None
    identity: bool = False


@dataclass
class ParsedTable:
    schema: str | None
    name: str
    columns: list[ParsedColumn]
    pk: list[str]
    indexes: list[tuple[str, list[str], list[str], bool]] = field(default_factory=list)
    fks: list[ForeignKey] = field(default_factory=list)
    sequence: tuple[str, str] | None = None


class FakeServer:
    """Runs the DDL these tests render (CREATE TABLE / INDEX / SEQUENCE / TRIGGER, ALTER TABLE ADD,
    MODIFY / ALTER COLUMN, DROP COLUMN, ADD CONSTRAINT ... FOREIGN KEY) into tables, then serves them as
    the backend's catalog. Any other statement fails the test: the snapshot must hold all of it."""

    def __init__(self, alias: str):
        self.alias = alias
        self.tables: dict[str, ParsedTable] = {}
        self.sequences: set[str] = set()

    def _own(self, schema: str | None) -> bool:
        # Oracle: the login user's schema is its own; mssql: dbo
        return schema in (None, ORACLE_USER if self.alias == "oracle" else "dbo")

    def _table(self, qualified: str) -> ParsedTable:
        schema, name = _table_name(qualified)
        assert self._own(schema), f"a table outside the login schema: {qualified}"
        return self.tables[name]

    def run(self, statements: list[str]) -> "FakeServer":
        for sql in statements:
            self.execute(sql.strip().rstrip(";") if not sql.rstrip().endswith("END;") else sql.strip())
        return self

    def execute(self, sql: str) -> None:
        if match := re.fullmatch(rf"CREATE TABLE ({_QUALIFIED}) \((.*)\)", sql, re.S):
            return self._create_table(match.group(1), match.group(2))
        if match := re.fullmatch(rf"CREATE (UNIQUE )?INDEX ({_IDENT}) ON ({_QUALIFIED}) \((.*)\)", sql, re.S):
            columns, orders = _columns_with_orders(match.group(4))
            self._table(match.group(3)).indexes.append((_name(match.group(2)), columns, orders, bool(match.group(1))))
            return None
        if match := re.fullmatch(rf'CREATE SEQUENCE ({_IDENT}) START WITH 1 INCREMENT BY 1 CACHE 100', sql):
            self.sequences.add(_name(match.group(1)))
            return None
        if match := re.fullmatch(
            rf"CREATE OR REPLACE TRIGGER ({_IDENT}) BEFORE INSERT ON ({_QUALIFIED}) FOR EACH ROW\n"
            rf"WHEN \(new\.({_IDENT}) IS NULL\)\nBEGIN\n  SELECT ({_IDENT})\.NEXTVAL INTO :new\.({_IDENT}) FROM dual;\nEND;",
            sql,
        ):
            table, sequence = self._table(match.group(2)), _name(match.group(4))
            assert sequence in self.sequences and match.group(3) == match.group(5)
            assert table.pk == [_name(match.group(3))]
            table.sequence = (sequence, _name(match.group(1)))
            return None
        if match := re.fullmatch(rf"DROP INDEX ({_IDENT})(?: ON ({_QUALIFIED}))?", sql):
            name = _name(match.group(1))
            owners = [t for t in self.tables.values() if name in [i[0] for i in t.indexes]]
            assert len(owners) == 1, f"no index {name}: the server refuses"
            owners[0].indexes = [i for i in owners[0].indexes if i[0] != name]
            return None
        if match := re.fullmatch(rf"ALTER TABLE ({_QUALIFIED}) (.*)", sql, re.S):
            return self._alter(self._table(match.group(1)), match.group(2))
        raise AssertionError(f"the fake server does not know this statement: {sql}")

    def _create_table(self, qualified: str, body: str) -> None:
        schema, name = _table_name(qualified)
        assert self._own(schema) and name not in self.tables, qualified
        table = ParsedTable(schema, name, [], [])
        for part in _split_top(body):
            if match := re.fullmatch(r"PRIMARY KEY \((.*)\)", part):
                table.pk = _columns_with_orders(match.group(1))[0]
                continue
            column, inline_pk = self._column(part)
            table.columns.append(column)
            if inline_pk:
                table.pk = [column.name]
        self.tables[name] = table

    @staticmethod
    def _column(text: str) -> tuple[ParsedColumn, bool]:
        match = re.fullmatch(
            rf"({_IDENT}) (.+?)(?: DEFAULT (.+?))? (NOT NULL|NULL)( PRIMARY KEY)?( IDENTITY\(1,1\))?", text, re.S)
        assert match, text
        return ParsedColumn(_name(match.group(1)), match.group(2), match.group(4) == "NULL", match.group(3),
                            bool(match.group(6))), bool(match.group(5))

    def _alter(self, table: ParsedTable, action: str) -> None:
        if match := re.fullmatch(rf"ADD CONSTRAINT ({_IDENT}) FOREIGN KEY \((.*?)\) REFERENCES ({_QUALIFIED}) "
                                 rf"\((.*?)\)(?: ON DELETE (CASCADE|SET NULL|SET DEFAULT|NO ACTION))?"
                                 rf"(?: ON UPDATE (CASCADE|SET NULL|SET DEFAULT|NO ACTION))?", action):
            ref_schema, ref_table = _table_name(match.group(3))
            assert ref_table in self.tables, match.group(3)
            table.fks.append(ForeignKey(_name(match.group(1)), tuple(_columns_with_orders(match.group(2))[0]),
                                        ref_table, None if self._own(ref_schema) else ref_schema,
                                        tuple(_columns_with_orders(match.group(4))[0]), match.group(5),
                                        match.group(6)))
            return
        if match := re.fullmatch(r"ADD (.*)", action, re.S):
            column, inline_pk = self._column(match.group(1))
            assert not inline_pk and column.name not in [c.name for c in table.columns]
            table.columns.append(column)
            return
        if match := re.fullmatch(rf"(?:MODIFY|ALTER COLUMN) ({_IDENT}) (.+?)(?: (NOT NULL|NULL))?", action, re.S):
            column = next(c for c in table.columns if c.name == _name(match.group(1)))
            column.type = match.group(2)
            if match.group(3):
                column.null = match.group(3) == "NULL"
            return
        if match := re.fullmatch(rf"DROP CONSTRAINT ({_IDENT})", action):
            name = _name(match.group(1))
            # SQL Server: Msg 3728 "is not a constraint"; Oracle: ORA-02443 "cannot drop constraint"
            assert name in [fk.name for fk in table.fks], f"no constraint {name} on {table.name}: the server refuses"
            table.fks = [fk for fk in table.fks if fk.name != name]
            return
        if match := re.fullmatch(rf"DROP COLUMN ({_IDENT})", action):
            name = _name(match.group(1))
            assert not any(name in columns for _, columns, _, _ in table.indexes), "an index would go with it"
            assert not any(name in fk.columns for fk in table.fks), f"{name} still carries a foreign key"
            table.columns = [c for c in table.columns if c.name != name]
            return
        raise AssertionError(f"the fake server does not know this ALTER: {action}")

    # -- the catalog the backends would read --------------------------------------------------------
    def catalog(self):
        return (self._oracle_catalog if self.alias == "oracle" else self._mssql_catalog)()

    def _oracle_catalog(self) -> OracleCatalog:
        tables = []
        for n, t in enumerate(self.tables.values()):
            columns = []
            for c in t.columns:
                stored = re.sub(r"^VARCHAR\(", "VARCHAR2(", c.type)  # Oracle keeps VARCHAR as VARCHAR2
                data_type, length, char_length, char_used, precision, scale = oracle_type_rows(stored)
                columns.append(OracleColumn(c.name, data_type, length, char_length, char_used, precision, scale,
                                            c.null, c.default))
            indexes = [OracleIndex(name, columns, orders, unique) for name, columns, orders, unique in t.indexes]
            tables.append(OracleTable(t.name, columns, f"SYS_C{20000 + n:07d}", list(t.pk), indexes, {},
                                      list(t.fks), t.sequence))
        return OracleCatalog(tables)

    def _mssql_catalog(self) -> MssqlCatalog:
        tables = []
        for n, t in enumerate(self.tables.values()):
            columns = [(c.name, c.type, c.null, None if c.default is None else f"({c.default})", c.identity)
                       for c in t.columns]
            indexes = [MssqlIndex(name, columns, orders, unique) for name, columns, orders, unique in t.indexes]
            tables.append(MssqlTable(t.name, columns, f"PK__{t.name[:8]}__3213E83F{n:08X}", list(t.pk), indexes,
                                     list(t.fks)))
        return MssqlCatalog(tables)


# -- serving the catalog: Django's introspection, the reader's hooks, the editor's look-ups ------------

class SnapshotCursor(CatalogCursor):
    """CatalogCursor (the reader's own SELECTs, no values), plus the look-ups Django's schema editors make
    with bound values, answered from the same snapshot."""

    def __init__(self, catalog, alias):
        super().__init__(catalog.hook_answers())
        self.catalog, self.alias = catalog, alias
        self.lookups: list[str] = []

    def execute(self, sql, params=()):
        if params and self.alias == "oracle" and "FROM user_tab_cols" in sql and "identity_column" in sql:
            table, column = (p.strip('"') for p in params)
            table = table.split('"."')[-1]
            match = [c for c in self.catalog.tables[table].columns if c.name == column]
            self.lookups.append(sql)
            self._rows = [(1 if match[0].identity else 0,)] if match else []
            return
        super().execute(sql, params)


def _oracle_sequences(catalog: OracleCatalog, django_name: str):
    """DatabaseIntrospection.get_sequences (oracle): identity columns only, names lower-cased; LoopBack's
    sequence + trigger is no identity, so Django lists nothing for it."""
    table = catalog.tables[django_name.upper()]
    return [{"name": f"iseq$$_{70000 + n}", "table": django_name, "column": c.name.lower()}
            for n, c in enumerate(table.columns) if c.identity]


def _mssql_sequences(catalog: MssqlCatalog, name: str):
    """DatabaseIntrospection.get_sequences (mssql): [{'table', 'column'}] of the IDENTITY column."""
    return [{"table": name, "column": column} for column, _, _, _, identity in catalog.tables[name].columns
            if identity][:1]


@contextmanager
def served(alias, monkeypatch, server: FakeServer):
    """`connections[alias]` answered from `server`'s catalog: introspection (the backends' row shapes),
    the reader's catalog SELECTs and the editor's look-ups; anything else fails the test."""
    catalog = server.catalog()
    cursor = SnapshotCursor(catalog, alias)
    connection = connections[alias]

    @contextmanager
    def fake_cursor(*args, **kwargs):
        yield cursor

    monkeypatch.setattr(connection, "cursor", fake_cursor)
    monkeypatch.setattr(connection, "ensure_connection",
                        lambda: pytest.fail("an offline test must not connect"))
    introspection = connection.introspection
    monkeypatch.setattr(introspection, "get_table_list", lambda c: catalog.table_list())
    monkeypatch.setattr(introspection, "get_table_description", lambda c, name, *a, **k: catalog.description(name))
    monkeypatch.setattr(introspection, "get_constraints", lambda c, name: catalog.constraints(name))
    if alias == "oracle":
        monkeypatch.setattr(introspection, "get_sequences", lambda c, name, fields=(): _oracle_sequences(catalog, name))
        monkeypatch.setattr(introspection, "get_primary_key_columns", lambda c, name: [
            column.lower() for column in catalog.tables[name.upper()].pk])
    else:
        monkeypatch.setattr(introspection, "get_sequences", lambda c, name, fields=(): _mssql_sequences(catalog, name))
        monkeypatch.setattr(introspection, "get_primary_key_columns", lambda c, name: list(catalog.tables[name].pk))
    yield cursor


# -- helpers ------------------------------------------------------------------------------------------

def use(settings, alias, source: str | Path) -> None:
    path = source if isinstance(source, Path) else FIXTURES / source
    settings.LBSYNC = {"MODELS": [str(path)], "DATASOURCES": {"db": alias}}


def automigrate_statements(alias) -> list[str]:
    return list(automigrate(using=alias, dry_run=True, assume_empty=True).sql)


def autoupdate_statements(alias, monkeypatch, server) -> list[str]:
    with served(alias, monkeypatch, server):
        return list(autoupdate(using=alias, dry_run=True).sql)


def made_by_automigrate(alias, settings, source) -> FakeServer:
    use(settings, alias, source)
    return FakeServer(alias).run(automigrate_statements(alias))


def _normalised(statements: list[str]) -> list[str]:
    return sorted(s.strip() for s in statements)


# -- the tests ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("alias, fixture", cases(EVERY_FIXTURE))
def test_autoupdate_of_an_empty_schema_renders_what_automigrate_renders(alias, fixture, settings, monkeypatch):
    require_alias(alias)
    use(settings, alias, fixture)
    expected = automigrate_statements(alias)
    got = autoupdate_statements(alias, monkeypatch, FakeServer(alias))
    if alias == "oracle" and fixture in LOGIN_SCHEMA_FIXTURES:  # the login's schema, qualified or not
        assert any('"LOOPBACK".' in s for s in expected)
        expected = [s.replace('"LOOPBACK".', "") for s in expected]
    assert expected and _normalised(got) == _normalised(expected)


@pytest.mark.parametrize("alias, fixture", cases(EVERY_FIXTURE))
def test_what_automigrate_made_is_actual_and_autoupdate_renders_nothing(alias, fixture, settings, monkeypatch):
    require_alias(alias)
    server = made_by_automigrate(alias, settings, fixture)
    assert server.tables, "automigrate made nothing: nothing compared"
    with served(alias, monkeypatch, server) as cursor:
        assert is_actual(using=alias)
        result = autoupdate(using=alias, dry_run=True)
    assert result.plan.is_empty and result.sql == [], result.plan.describe()
    assert not cursor.lookups


def _edited_copy(tmp_path: Path, fixture: str, edit) -> Path:
    """A copy of the fixture with `edit(model)` applied to each model JSON."""
    folder = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, folder)
    for path in folder.glob("*.json"):
        model = json.loads(path.read_text())
        edit(model)
        path.write_text(json.dumps(model))
    return folder


def _no_oracle_schema(model):
    """The same models in the login schema, unqualified."""
    model.get("options", {}).get("oracle", {}).pop("schema", None)


def _no_indexes(model):
    """An older version of the models: no model indexes, no property indexes."""
    model.pop("indexes", None)
    for prop in model.get("properties", {}).values():
        if isinstance(prop, dict):
            prop.pop("index", None)


def _no_foreign_keys(model):
    """An older version of foreign_keys: no foreignKeys, and Order has no shipTo relation (so no
    shippingAddressId column)."""
    model.pop("foreignKeys", None)
    model.get("relations", {}).pop("shipTo", None)


def _no_age(model):
    """A newer version of indexes: the indexed property age is gone."""
    model["properties"].pop("age")


def _source(tmp_path: Path, fixture: str, edit, tag: str):
    return _edited_copy(tmp_path / tag, fixture, edit) if edit else fixture



#: name -> (old fixture, edit making the old version, new fixture, edit making the new version, prune).
TRANSITIONS = {
    "customer_v1_customer_v2": ("customer_v1", None, "customer_v2", None, False),
    "customer_v2_customer_v1": ("customer_v2", None, "customer_v1", None, False),
    "customer_v1_customer_v2.unqualified": ("customer_v1", _no_oracle_schema, "customer_v2", _no_oracle_schema, False),
    "customer_v2_customer_v1.unqualified": ("customer_v2", _no_oracle_schema, "customer_v1", _no_oracle_schema, False),
    "indexes_added": ("indexes", _no_indexes, "indexes", None, False),
    "foreign_keys_added": ("foreign_keys", _no_foreign_keys, "foreign_keys", None, False),
    "foreign_keys_removed": ("foreign_keys", None, "foreign_keys", _no_foreign_keys, True),
    "indexed_column_removed": ("indexes", None, "indexes", _no_age, True),
}


def transition_cases():
    out = []
    for alias in ("oracle", "mssql"):
        for name in TRANSITIONS:
            if name.endswith(".unqualified") and alias != "oracle":
                continue  # the oracle.schema setting means nothing on SQL Server
            marks = []
            out.append(pytest.param(alias, name, marks=marks, id=f"{alias}-{name}"))
    return out


@pytest.mark.parametrize("alias, name", transition_cases())
def test_transition_renders_reviewed_alter_sql_and_converges(alias, name, settings, monkeypatch, tmp_path):
    require_alias(alias)
    old, old_edit, new, new_edit, prune = TRANSITIONS[name]
    server = made_by_automigrate(alias, settings, _source(tmp_path, old, old_edit, "old"))
    use(settings, alias, _source(tmp_path, new, new_edit, "new"))
    with served(alias, monkeypatch, server):
        result = autoupdate(using=alias, dry_run=True, prune=prune)
    assert result.sql, "the transition changed nothing"
    check_against_file("".join(s.strip() + "\n" for s in result.sql), f"autoupdate_{name}.{alias}.sql")
    # The statements, run on the snapshot, leave the new models in sync, with nothing more to do.
    server.run(result.sql)
    with served(alias, monkeypatch, server):
        assert is_actual(using=alias)
        assert autoupdate(using=alias, dry_run=True, prune=prune).sql == []


MIXED_CASE = {"name": "Mixed", "options": {"oracle": {"table": "MixedCase"}},
              "properties": {"code": {"type": "string", "oracle": {"columnName": "code"}}}}


def test_oracle_mapped_mixed_case_names_are_actual_after_automigrate(settings, monkeypatch, tmp_path):
    require_alias("oracle")
    (tmp_path / "mixed.json").write_text(json.dumps(MIXED_CASE))
    server = made_by_automigrate("oracle", settings, tmp_path)
    assert list(server.tables) == ["MIXEDCASE"]  # what the server holds: the DDL's spelling
    with served("oracle", monkeypatch, server):
        assert is_actual(using="oracle")


# -- the snapshot tests can fail --------------------------------------------------------------------------

def test_the_fake_server_refuses_statements_it_does_not_know():
    with pytest.raises(AssertionError, match="does not know"):
        FakeServer("oracle").execute('DROP TABLE "X"')
    server = FakeServer("mssql").run(["CREATE TABLE [T] ([a] int NOT NULL PRIMARY KEY, [b] int NULL);"])
    with pytest.raises(AssertionError, match="does not know this ALTER"):
        server.execute("ALTER TABLE [T] RENAME COLUMN [b] TO [c]")


@pytest.mark.parametrize("alias", ["oracle", "mssql"])
def test_a_snapshot_missing_a_column_and_an_index_is_not_actual(alias, settings, monkeypatch):
    """The same machinery sees drift: automigrate's snapshot of `indexes` without Customer's zip column
    (and the index over it) is out of sync, and autoupdate renders exactly the ADD and the CREATE INDEX."""
    require_alias(alias)
    server = made_by_automigrate(alias, settings, "indexes")
    (table,) = server.tables.values()
    zip_column = next(c for c in table.columns if c.name.lower() == "zip")
    table.columns.remove(zip_column)
    lost = [i for i in table.indexes if zip_column.name in i[1]]
    table.indexes = [i for i in table.indexes if i not in lost]
    assert len(lost) == 1
    with served(alias, monkeypatch, server):
        assert not is_actual(using=alias)
    sql = autoupdate_statements(alias, monkeypatch, server)
    assert len(sql) == 2 and " ADD " in sql[0] and zip_column.name in sql[0], sql
    assert sql[1].startswith("CREATE UNIQUE INDEX") and lost[0][0] in sql[1], sql
    server.run(sql)
    with served(alias, monkeypatch, server):
        assert is_actual(using=alias)
