"""The reverse direction: a live database -> LoopBack model JSON (docs/loopback-rules/discovery.md).

`discover_model_definitions`, `discover_model_properties` and `discover_schemas` mirror the
juggler's discoverModelDefinitions / discoverModelProperties / discoverSchemas, with the field names
and value conventions of LoopBack's connector for each database. Unlike LoopBack, discovered
schemas also carry `indexes` and `foreignKeys`, and connector `dbDefault`/`default`, so that
automigrating the JSON re-creates the same tables.
"""
from __future__ import annotations

import errno
import json
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Union

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from .connecting import reachable
from .introspect import introspect, refuse_unsound
from .exceptions import OtherModelFiles, UnsafeLiveName
from .jsonfiles import read_json
from .loader import NOT_MODEL_FILES
from .schema import Column, Schema, Table
from .django_owned import django_owned_tables, is_django_owned
from .sqlrules import shown
from .vendors import Vendor, vendor_for

logger = logging.getLogger("django_lbsync")

_INTEGER_WORDS = {"integer", "int", "bigint", "smallint", "tinyint", "mediumint", "int2", "int4", "int8"}


# -- column types: the database's type text -> LoopBack's (dataType, length, precision, scale) --------

@dataclass(frozen=True)
class ColumnTypeInfo:
    data_type: str  # as the connector's discovery reports it (`character varying`, `varchar`, `int`)
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    verbatim: str | None = None  # a type the length fields cannot rebuild (arrays, enums, unsigned)


_TYPE_TEXT = re.compile(r"^(?P<head>[a-z][a-z0-9_ ]*?)\s*(?:\((?P<args>[^)]*)\))?(?P<tail>(?: [a-z ]+)?)$")


def parse_type(vendor: Vendor, type_text: str) -> ColumnTypeInfo:
    text = type_text.strip()
    lower = text.lower()
    if "[]" in lower or lower.startswith(("enum(", "set(")) or " unsigned" in lower or " zerofill" in lower:
        base = lower.split("(")[0].split("[")[0].strip()
        return ColumnTypeInfo("ARRAY" if "[]" in lower else base, verbatim=text)
    match = _TYPE_TEXT.match(lower)
    if not match:
        return ColumnTypeInfo(lower, verbatim=text)
    head, args, tail = match.group("head").strip(), match.group("args"), match.group("tail").strip()
    data_type = f"{head} {tail}".strip() if tail else head
    numbers = [int(a) for a in re.split(r"\s*,\s*", args)] if args and re.fullmatch(r"[\d ,]+", args) else []
    if not numbers:
        return ColumnTypeInfo(data_type)
    if head in ("character varying", "varchar", "character", "char", "nvarchar", "nchar", "varchar2", "nvarchar2",
                "bit", "bit varying", "binary", "varbinary", "raw"):
        return ColumnTypeInfo(data_type, length=numbers[0])
    if head.startswith(("timestamp", "time", "datetime", "interval")):
        return ColumnTypeInfo(data_type, precision=numbers[0])
    if head in _INTEGER_WORDS:
        # MySQL's display width (int(11), tinyint(1)): kept as precision so the column comes back the same.
        return ColumnTypeInfo(data_type, precision=numbers[0])
    return ColumnTypeInfo(data_type, precision=numbers[0], scale=numbers[1] if len(numbers) > 1 else 0)


def loopback_type(vendor: Vendor, info: ColumnTypeInfo) -> str:
    """`buildPropertyType`: the connector's own rules (Vendor.discovered_loopback_type), then the shared ones
    (docs/loopback-rules/discovery.md#loopback-type-of-a-column)."""
    t = info.data_type.upper()
    own = vendor.discovered_loopback_type(t, info.length, info.precision)
    if own is not None:
        return own
    if t in ("BYTEA", "BLOB", "LONG", "CLOB", "NCLOB", "BINARY", "VARBINARY", "IMAGE", "RAW"):
        return "Buffer"
    if t.split()[0] in ("SMALLINT", "INTEGER", "INT", "BIGINT", "MEDIUMINT", "TINYINT", "DECIMAL", "NUMERIC",
                        "REAL", "DOUBLE", "FLOAT", "SERIAL", "BIGSERIAL", "NUMBER", "YEAR", "MONEY", "SMALLMONEY",
                        "BINARY_FLOAT", "BINARY_DOUBLE", "INT2", "INT4", "INT8", "FLOAT4", "FLOAT8"):
        return "Number"
    if t.startswith(("DATE", "TIMESTAMP", "TIME", "DATETIME", "SMALLDATETIME")):
        return "Date"
    if t == "POINT":
        return "GeoPoint"
    return "String"


# -- name mapping (juggler >= 4: change-case pascalCase / camelCase) -----------------------------------

def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z])([A-Z][a-z])", r"\1 \2", spaced)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def camel_case(name: str) -> str:
    """`first_name` -> `firstName`, `FIRSTNAME` -> `firstname`, `col_2` -> `col_2`, `ABC123Def` -> `abc123Def`."""
    words = _words(name)
    if not words:
        return name
    out = words[0].lower()
    for word in words[1:]:
        out += ("_" + word.lower()) if word[0].isdigit() else word[:1].upper() + word[1:].lower()
    return out


def pascal_case(name: str) -> str:
    """`customer_test` -> `CustomerTest`, `INVENTORY_VIEW` -> `InventoryView`."""
    words = _words(name)
    out = ""
    for word in words:
        out += ("_" + word.lower()) if word[0].isdigit() and out else word[:1].upper() + word[1:].lower()
    return out or name


Using = Union[str, BaseDatabaseSchemaEditor]


# -- live names are untrusted (DESIGN decision 9; docs/discovery-safety.md) -----------------------------


class _NameCheck:
    """Collects every live name of one discovery call that fails the vendor's identifier rule."""

    def __init__(self, connection):
        self.vendor = vendor_for(connection)
        self.problems: list[str] = []

    def __call__(self, what: str, name: Any, *where: str) -> None:
        problem = self.vendor.identifier_problem(name)
        if problem:
            self.problems.append(f"{'.'.join(self.shown(w) for w in where)}: {what} {problem}")

    def shown(self, name: Any) -> str:
        return repr(name) if self.vendor.identifier_problem(name) else shown(name)

    def table(self, owner: str, table: Table, columns: bool = True) -> None:
        self("schema", owner, owner)
        self("table" if not table.view else "view", table.name, owner, table.name)
        for column in table.columns if columns else ():
            self("column", column.name, owner, table.name, column.name)

    def raise_if_any(self) -> None:
        if self.problems:
            raise UnsafeLiveName(self.problems, consequence="discovery wrote nothing; name the other tables to "
                                                            "discover them")


def _connection(using: Using):
    return using.connection if isinstance(using, BaseDatabaseSchemaEditor) else connections[using]


# -- discoverModelDefinitions --------------------------------------------------------------------------

def _default_owner(connection) -> str:
    """The owner of tables whose `schema` is None: the connection's schema or database (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(vendor_for(connection).sql_current_schema)
        return cursor.fetchone()[0]


def _all_schemas(connection) -> list[str]:
    sql = vendor_for(connection).sql_list_schemas
    if sql is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def read_live(connection, *, schema: str | None = None, all_schemas: bool = False, views: bool = False) -> Schema:
    """The live tables one discovery call is about: the default schema, one `schema`, or all.

    The first query of every discovery call: it opens the connection, with the connect timeout and
    as read-only work (a missing SQLite file is DatabaseUnreachable, never created)."""
    with reachable(connection):
        schemas = _all_schemas(connection) if all_schemas else ([schema] if schema else [])
        live = introspect(connection, schemas=schemas, views=views)
    if schema and not all_schemas:
        default = _default_owner(connection)
        wanted = None if schema == default else schema
        live.tables = {k: t for k, t in live.tables.items() if t.schema == wanted}
    return live


def discover_model_definitions(using: Using = DEFAULT_DB_ALIAS, *, schema: str | None = None, all_schemas: bool = False,
                               views: bool = False, mark_unsafe: bool = False,
                               include_django: bool = False) -> list[dict[str, str]]:
    """[{type: 'table'|'view', name, owner}], like `discoverModelDefinitions()`.

    A name that fails the identifier rule raises UnsafeLiveName; with `mark_unsafe` (a plain listing,
    as `discovermodels` prints it) its row is kept and gets `unsafe`: what is wrong with which name.
    The tables Django owns are left out unless `include_django` (discover_schemas says why).
    """
    connection = _connection(using)
    live = read_live(connection, schema=schema, all_schemas=all_schemas, views=views)
    default_owner = _default_owner(connection)
    check = _NameCheck(connection)
    owned = set() if include_django else django_owned_tables(connection)
    rows = []
    for table in sorted(live.tables.values(), key=lambda t: (t.schema or "", t.name)):
        if _django_owned(table, owned, default_owner):
            continue
        owner = table.schema or default_owner
        row = {"type": "view" if table.view else "table", "name": table.name, "owner": owner}
        problems = [f"{what} {problem}" for what, name in (("schema", owner), (row["type"], table.name))
                    if (problem := check.vendor.identifier_problem(name))]
        if problems:
            row["unsafe"] = "; ".join(problems)
        check.table(owner, table, columns=False)
        rows.append(row)
    if not mark_unsafe:
        check.raise_if_any()
    return rows


# -- discoverModelProperties ----------------------------------------------------------------------------

def _find(live: Schema, table: str) -> Table:
    for candidate in live.tables.values():
        if candidate.name == table:
            return candidate
    raise LookupError(f"no table or view named {table!r}")


def discover_model_properties(table: str, *, using: Using = DEFAULT_DB_ALIAS, schema: str | None = None
                              ) -> list[dict[str, Any]]:
    """One row per column, with the field names and value conventions of LoopBack's connector
    (docs/loopback-rules/discovery.md#property-rows)."""
    connection = _connection(using)
    live = read_live(connection, schema=schema, views=True)
    found = _find(live, table)
    owner = found.schema or _default_owner(connection)
    check = _NameCheck(connection)
    check.table(owner, found)
    check.raise_if_any()
    vendor = vendor_for(connection)
    return [_property_row(vendor, owner, found, column) for column in found.columns]


def _property_row(vendor: Vendor, owner: str, table: Table, column: Column) -> dict[str, Any]:
    info = parse_type(vendor, column.type)
    data_type, precision = vendor.discovered_data_type(info.data_type, info.precision)
    row: dict[str, Any] = {
        "owner": owner,
        "tableName": table.name,
        "columnName": column.name,
        "dataType": data_type,
        "dataLength": info.length,
        "dataPrecision": precision,
        "dataScale": info.scale,
        "nullable": vendor.discovery_nullable[0] if column.null else vendor.discovery_nullable[1],
        "type": loopback_type(vendor, info),
    }
    if vendor.discovery_reports_column_type:
        row["generated"] = 1 if column.auto else 0
        row["columnType"] = column.type
    else:
        row["generated"] = column.auto
    return row


# -- discoverSchemas ---------------------------------------------------------------------------------------

def discover_schemas(tables: list[str] | None = None, *, using: Using = DEFAULT_DB_ALIAS, schema: str | None = None,
                     all_schemas: bool = False, relations: bool = False, keep_names: bool = False,
                     views: bool = False, report: Callable[[str], None] | None = None,
                     include_django: bool = False) -> dict[str, dict]:
    """LoopBack model definitions keyed `"<owner>.<table>"`, like `discoverSchemas()`.

    `keep_names` keeps table and column names as they are (LoopBack's `nameMapper: null`).
    A live name that fails the identifier rule raises `UnsafeLiveName` and nothing is returned.
    Model names that would clash get a number; `report` hears of each such rename.
    Without `tables`, the tables Django owns (its models' and `django_migrations`, in the connection's own
    schema) are left out unless `include_django`: as LoopBack models, the next automigrate would drop them.
    """
    connection = _connection(using)
    live = read_live(connection, schema=schema, all_schemas=all_schemas, views=views or bool(tables))
    default_owner = _default_owner(connection)
    if tables:
        chosen = [_find(live, name) for name in tables]
    else:
        owned = set() if include_django else django_owned_tables(connection)
        chosen = [t for t in live.tables.values() if not t.view and not _django_owned(t, owned, default_owner)]
    vendor = vendor_for(connection)
    key = vendor.connector_key
    _refuse_unsafe_names(connection, chosen, live, default_owner)
    # A table read while it changed (catalogs/builder.sound_table) would become a model missing its pieces.
    refuse_unsound(connection, [t.key for t in chosen if t.unsound], "No model was written")
    names = _model_names(live, keep_names, default_owner, report)
    out = {}
    for table in chosen:
        owner = table.schema or default_owner
        out[f"{owner}.{table.name}"] = _schema_for(vendor, key, table, owner, names, live, relations,
                                                   keep_names)
    return out


def _django_owned(table: Table, owned: set[str], default_owner: str) -> bool:
    """A table of Django's own (django_owned.py), in the schema Django's connection uses."""
    return (table.schema or default_owner) == default_owner and is_django_owned(table.name, owned)


def _refuse_unsafe_names(connection, chosen: list[Table], live: Schema, default_owner: str) -> None:
    """Every live name the written JSON would carry passes the identifier rule, or nothing is written."""
    check = _NameCheck(connection)
    for table in chosen:
        owner = table.schema or default_owner
        check.table(owner, table)
        for index in _written_indexes(check.vendor, table):
            check("index", index.name, owner, table.name, index.name)
        for fk, ref in _written_foreign_keys(table, live):
            if fk.name:  # SQLite reports a constraint made without CONSTRAINT <name> as ""
                check("foreign key", fk.name, owner, table.name, fk.name)
            ref_owner = ref.schema or default_owner
            check.table(ref_owner, ref, columns=False)
            check("column", fk.ref_columns[0], ref_owner, ref.name, fk.ref_columns[0])
    check.raise_if_any()


# Model names a model-config.json cannot hold: its own section, and nothing.
_RESERVED_MODEL_NAMES = {"_meta", ""}


def _model_names(live: Schema, keep_names: bool, default_owner: str,
                 report: Callable[[str], None] | None) -> dict[tuple, str]:
    """One distinct model name per live table: `customer` and `CUSTOMER` both map to `Customer`, so the
    second (in owner, table order) becomes `Customer2`. Numbers never take a name another table maps to."""
    tables = sorted(live.tables.values(), key=lambda t: (t.schema or "", t.name))
    wanted = {t.key: (t.name if keep_names else pascal_case(t.name)) for t in tables}
    taken: set[str] = set(_RESERVED_MODEL_NAMES)
    all_wanted = set(wanted.values())
    names: dict[tuple, str] = {}
    for table in tables:
        name = wanted[table.key]
        if name in taken:
            base, number = name or "Model", 2
            while f"{base}{number}" in taken or f"{base}{number}" in all_wanted:
                number += 1
            renamed = f"{base}{number}"
            message = (f"table {shown(table.schema or default_owner)}.{shown(table.name)}: model name "
                       f"{shown(renamed)}, because {shown(name)} is taken")
            logger.warning("%s", message)
            if report:
                report(message)
            name = renamed
        taken.add(name)
        names[table.key] = name
    return names


def _property_names(table: Table, keep_names: bool) -> dict[str, str]:
    """Column -> property name, distinct, without '.' (LoopBack reads a dot as a path)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for column in table.columns:
        name = column.name if keep_names else camel_case(column.name)
        if name in taken or "." in name:
            name = column.name.replace(".", "_")  # two columns map to one name: keep this one as it is
        base, number = name, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        taken.add(name)
        names[column.name] = name
    return names


def _written_indexes(vendor: Vendor, table: Table) -> list:
    """The indexes LoopBack JSON can say: not expression/partial ones, not MySQL's implicit FK indexes."""
    fk_names = {fk.name for fk in table.foreign_keys} if vendor.creates_implicit_fk_indexes else set()
    return [index for index in table.indexes if not index.opaque and index.name not in fk_names]


def _written_foreign_keys(table: Table, live: Schema) -> list[tuple]:
    """(foreign key, referenced table) for each single-column FK to a table discovery can see."""
    out = []
    for fk in table.foreign_keys:
        ref = live.tables.get(f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table)
        if ref is not None and len(fk.columns) == 1:
            out.append((fk, ref))
    return out


def _schema_for(vendor, key, table: Table, owner, model_names, live: Schema, relations: bool, keep_names):
    props = _property_names(table, keep_names)
    properties = {}
    for column in table.columns:
        properties[props[column.name]] = _property(vendor, key, table, column)
    if not table.primary_key and "id" not in properties:
        # A table without a key: `idInjection: false` alone would still inherit PersistedModel's `id`
        # (docs/loopback-rules/models.md#tables-without-a-primary-key); `"id": false` removes it.
        properties["id"] = False
    definition: dict[str, Any] = {
        "name": model_names[table.key],
        "options": {"idInjection": False, key: {"schema": owner, "table": table.name}},
        "properties": properties,
    }
    indexes = {}
    for index in _written_indexes(vendor, table):
        spec: dict[str, Any] = {"keys": {props[c]: (-1 if o == "DESC" else 1)
                                         for c, o in zip(index.columns, index.orders)}}
        if index.kind:
            spec = {"columns": ",".join(props[c] for c in index.columns), "kind": index.kind}  # FULLTEXT / SPATIAL
        elif index.unique:
            spec["options"] = {"unique": True}
        indexes[index.name] = spec
    if indexes:
        definition["indexes"] = indexes
    foreign_keys, belongs_to = {}, {}
    for fk, ref in _written_foreign_keys(table, live):
        ref_props = _property_names(ref, keep_names)
        spec = {"name": fk.name, "entity": model_names[ref.key], "entityKey": ref_props[fk.ref_columns[0]],
                "foreignKey": props[fk.columns[0]]}
        for field, action in (("onDelete", fk.on_delete), ("onUpdate", fk.on_update)):
            if action and action.upper() not in ("NO ACTION", "RESTRICT"):
                spec[field] = action.upper()
        foreign_keys[fk.name] = spec
        belongs_to[camel_case(fk.name + "Rel")] = {"model": model_names[ref.key], "type": "belongsTo",
                                                   "foreignKey": props[fk.columns[0]]}
    if foreign_keys:
        definition["foreignKeys"] = foreign_keys
    if relations and belongs_to:
        definition["options"]["relations"] = belongs_to
    return definition


def _property(vendor: Vendor, key: str, table: Table, column: Column) -> dict[str, Any]:
    info = parse_type(vendor, column.type)
    row = _property_row(vendor, "", table, column)
    prop: dict[str, Any] = {
        "type": row["type"],
        "required": not column.null and not column.auto,
        "length": info.length,
        "precision": row["dataPrecision"],
        "scale": info.scale,
    }
    if column.name in table.primary_key:
        prop["id"] = table.primary_key.index(column.name) + 1
    elif not table.primary_key and column.name == "id":
        prop["id"] = 1  # a table or view without a key: its `id` column becomes the model's id
    if column.auto:
        prop["generated"] = True
        if row["type"] != "Number":
            prop["useDefaultIdType"] = False
    # The type as the database spells it (PostgreSQL's `float` in row["dataType"] would mean double precision).
    block: dict[str, Any] = {
        "columnName": column.name,
        "dataType": info.verbatim or info.data_type,
        "dataLength": info.length,
        "dataPrecision": row["dataPrecision"],
        "dataScale": info.scale,
        "nullable": row["nullable"],
    }
    if info.data_type == "enum" and vendor.has_enum_type:
        values = re.findall(r"'((?:[^']|'')*)'", column.type)
        prop["jsonSchema"] = {"enum": [v.replace("''", "'") for v in values]}
        block["dataType"] = "enum"
    default = _default_for(vendor, column)
    if default is not None:
        block[vendor.discovered_default_key] = default
    prop[key] = block
    return prop


def _default_for(vendor: Vendor, column: Column) -> Any:
    """The live default as the connector block that re-creates it: `dbDefault` SQL, or MySQL's `default`."""
    if column.default is None or column.auto:
        return None
    return vendor.discovered_default(column.default)


# -- writing files: only inside the folder, one distinct file per model (docs/discovery-safety.md) -------

@dataclass(frozen=True)
class WrittenFile:
    path: Path
    model: str | None = None  # None for model-config.json
    table: str | None = None  # "owner.table" as the schema's connector block names it
    note: str | None = None  # why the file name differs from LoopBack's `<model>.json`, if it does


def write_models(schemas: dict[str, dict], folder: "str | os.PathLike[str]", datasource: str = "db",
                 report: Callable[[WrittenFile], None] | None = None, force: bool = False) -> list[Path]:
    """One `<model>.json` per schema plus a model-config.json that attaches them to `datasource`.

    Every file lands directly in `folder`, whatever the model or table is called; file names that
    would clash on a case-insensitive file system, or with model-config.json, get a distinct name and
    a note. `report` hears of each file written. Files of an earlier run with the same names are
    replaced; any other file the loader would read as a model raises OtherModelFiles before anything
    is written, unless `force`.
    """
    folder = Path(folder)
    definitions = list(schemas.values())
    names = _unique_model_names(definitions)
    stems = model_file_stems(names)
    targets = [_inside(folder, stem + ".json") for stem, _ in stems] + [_inside(folder, "model-config.json")]
    others = other_model_files(folder, targets)
    config_reason = None if force else _configuration_it_would_replace(targets[-1], names)
    if (others or config_reason) and not force:
        raise OtherModelFiles(folder, others, targets[-1] if config_reason else None, config_reason)
    for target in targets:  # found before writing, so a folder in the way leaves no half-written set
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(errno.EISDIR, f"{target.name} is a folder", str(target))
    folder.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"_meta": dict(_WRITTEN_META)}
    paths = []
    for definition, name, (stem, note), target in zip(definitions, names, stems, targets):
        written = WrittenFile(target, name, _table_of(definition), note)
        _write_json(written.path, definition)
        paths.append(written.path)
        config[name] = {"dataSource": datasource}
        if report:
            report(written)
    config_file = WrittenFile(_inside(folder, "model-config.json"))
    _write_json(config_file.path, config)
    if report:
        report(config_file)
    return paths + [config_file.path]


#: The `_meta` of the model-config.json discovery writes: the built-ins, and every model file of the folder.
_WRITTEN_META = {"sources": ["loopback/common/models", "./"]}


def _configuration_it_would_replace(path: Path, names: list[str]) -> str | None:
    """What an existing model-config.json at `path` configures that writing one for `names` would lose, or
    None. The one an earlier discovery wrote there (the same `_meta`, models among `names`) is replaced
    freely, so discovery can refresh its own folder; a LoopBack app's own server/model-config.json is not.
    A symlink is replaced, never read or followed."""
    if path.is_symlink() or not path.exists():
        return None
    problems: list = []
    data = read_json(path, problems)  # bounded: no FIFO, device or huge file is read
    if problems or not isinstance(data, dict):
        return "it is not a model-config.json this discovery can read" + (f" ({problems[0].message})" if problems else "")
    reasons = []
    if data.get("_meta") != _WRITTEN_META:
        reasons.append("a different _meta (model sources)")
    wanted = set(names)
    other = [name for name in data if name != "_meta" and name not in wanted]
    if other:
        shown_names = ", ".join(shown(name) for name in other[:10]) + (", ..." if len(other) > 10 else "")
        reasons.append(f"{len(other)} model{'s' if len(other) != 1 else ''} this discovery does not write "
                       f"({shown_names})")
    return "; ".join(reasons) or None


def _unique_model_names(definitions: Iterable[dict]) -> list[str]:
    names = [d.get("name") for d in definitions]
    for name in names:
        if not isinstance(name, str) or name in _RESERVED_MODEL_NAMES:
            raise ValueError(f"cannot write a model named {name!r}")
    if len(set(names)) != len(names):
        raise ValueError("two schemas have the same model name")
    return names


def _table_of(definition: dict) -> str | None:
    for block in (definition.get("options") or {}).values():
        if isinstance(block, dict) and "table" in block:
            return f"{shown(str(block.get('schema')))}.{shown(str(block['table']))}"
    return None


def _inside(folder: Path, file_name: str) -> Path:
    """`folder / file_name`, after making sure the name is one plain entry of that folder."""
    path = folder / file_name
    if path.parent != folder or file_name in (".", "..") or os.sep in file_name or "/" in file_name:
        raise ValueError(f"unsafe file name {file_name!r}")  # unreachable by construction; belt and braces
    return path


def other_model_files(folder: Path, targets: list[Path]) -> list[Path]:
    """Files in `folder` that the loader reads as models (its own rule: `*.json`, not configuration)
    and that writing `targets` does not replace (compared as the file system compares names)."""
    if not folder.is_dir():
        return []
    names = {target.name for target in targets}
    others = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith(NOT_MODEL_FILES) or path.name in names:
            continue
        if any(_same_file(path, target) for target in targets):  # `Customer.json` on a case-insensitive disk
            continue
        others.append(path)
    return others


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _write_json(path: Path, data: Any) -> None:
    """Write through a temporary file in the same folder, then rename over the target: a symlink
    already sitting at `path` is replaced, never followed out of the folder."""
    fd, temporary = _new_temporary_file(path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, indent=2) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_temporary_file(folder: Path) -> tuple[int, Path]:
    """A new, empty file in `folder`, created with the mode open() would give it (0666 less the umask;
    tempfile.mkstemp makes 0600, which other users and tools reading the models could not read).
    O_EXCL never follows or reuses an existing entry."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        candidate = folder / f".lbsync-{secrets.token_hex(8)}.tmp"
        try:
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {folder}")


# Device names Windows reserves with any extension (`CON.json`, `nul.json`, `COM1.json`).
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", "conin$", "conout$"} | {
    f"{kind}{n}" for kind in ("com", "lpt") for n in (*"0123456789", "\u00b9", "\u00b2", "\u00b3")}
# Stay well below every file system's 255-byte limit, with room for "-NN.json".
_MAX_STEM_BYTES = 200


def model_file_stems(model_names: list[str]) -> list[tuple[str, str | None]]:
    """(file stem, note) per model name: LoopBack's `customer-test`, made safe and distinct.

    Names are compared as a case-insensitive, Unicode-normalising file system would compare them;
    the generated model-config.json takes its name first. A note says why a stem is not LoopBack's.
    """
    taken = {_file_key("model-config")}
    first_owner: dict[str, str] = {}
    out = []
    for model in model_names:
        plain = _file_name(model)
        stem, why = _safe_stem(plain)
        key, base, number = _file_key(stem), stem, 2
        if key in taken:
            while _file_key(f"{base}-{number}") in taken:
                number += 1
            stem = f"{base}-{number}"
            holder = first_owner.get(key)
            clash = f"model {holder}" if holder else "the generated model-config.json"
            taken_note = f"{base}.json is taken by {clash} (file names are compared without case)"
            why = f"{why}; {taken_note}" if why else taken_note
        taken.add(_file_key(stem))
        first_owner.setdefault(_file_key(stem), model)
        out.append((stem, why))
    return out


def _safe_stem(plain: str) -> tuple[str, str | None]:
    """A file stem with letters, digits, `-` and `_` only, that no loader or OS treats specially."""
    text = unicodedata.normalize("NFC", plain)
    stem = "".join(ch if (ch.isalnum() and ch.isprintable()) or ch in "-_" else "_" for ch in text)
    notes = []
    if stem != text:
        notes.append("characters that are not letters, digits, '-' or '_' became '_'")
    if len(stem.encode("utf-8")) > _MAX_STEM_BYTES:
        stem = stem.encode("utf-8")[:_MAX_STEM_BYTES].decode("utf-8", "ignore")
        notes.append("shortened")
    if not stem:
        stem = "model"
    if stem.casefold().startswith(NOT_MODEL_FILES):
        stem = "m-" + stem  # the loader skips model-config*, datasources*, config* ... files
        notes.append("the loader would read a file named like this as configuration, not as a model")
    if stem.startswith("_"):
        stem = "m" + stem  # loopback-boot (and the loader) skip files whose name starts with "_"
        notes.append("loopback-boot skips files whose name starts with '_'")
    if stem.casefold() in _WINDOWS_DEVICES:
        stem += "_"
        notes.append("a device name on Windows")
    return stem, ("; ".join(notes) if notes else None)


def _file_key(stem: str) -> str:
    return unicodedata.normalize("NFKC", stem).casefold()


def _file_name(model: str) -> str:
    """LoopBack's file naming: `CustomerTest` -> `customer-test`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", model).lower().replace("_", "-")
