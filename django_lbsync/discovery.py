"""The reverse direction: a live database -> LoopBack model JSON (loopback-semantics.md §11).

`discover_model_definitions`, `discover_model_properties` and `discover_schemas` mirror the
juggler's discoverModelDefinitions / discoverModelProperties / discoverSchemas, with the field names
and value conventions of LoopBack's connector for each database. Unlike LoopBack, discovered
schemas also carry `indexes` and `foreignKeys`, and connector `dbDefault`/`default`, so that
automigrating the JSON re-creates the same tables.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from .introspect import introspect
from .schema import Column, Schema, Table

# The LoopBack connector key per Django vendor.
CONNECTOR = {"postgresql": "postgresql", "mysql": "mysql", "sqlite": "sqlite3", "oracle": "oracle",
             "microsoft": "mssql"}
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


def parse_type(vendor: str, type_text: str) -> ColumnTypeInfo:
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


def loopback_type(vendor: str, info: ColumnTypeInfo) -> str:
    """§11 `buildPropertyType`, per connector."""
    t = info.data_type.upper()
    if vendor == "mysql":
        if t == "TINYINT" and info.precision == 1:
            return "Number"  # treatTINYINT1AsTinyInt defaults to true
        if t == "CHAR" and info.length == 1:
            return "Boolean"  # treatCHAR1AsString defaults to false
        if t.endswith("BLOB") or t in ("BINARY", "VARBINARY", "BIT"):
            return "Buffer"
        if t in ("BOOL", "BOOLEAN"):
            return "Boolean"
        if t == "JSON":
            return "Object"
    if vendor == "oracle" and t == "CHAR" and info.length == 1:
        return "Boolean"
    if t in ("BOOLEAN", "BOOL", "BIT") and vendor != "mysql":
        return "Boolean"
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


def _connection(using: Using):
    return using.connection if isinstance(using, BaseDatabaseSchemaEditor) else connections[using]


# -- discoverModelDefinitions --------------------------------------------------------------------------

def _default_owner(connection) -> str:
    """The owner of tables whose `schema` is None: the connection's schema or database (one query)."""
    with connection.cursor() as cursor:
        cursor.execute({"postgresql": "SELECT current_schema()", "mysql": "SELECT DATABASE()"}.get(
            connection.vendor, "SELECT 'main'"))
        return cursor.fetchone()[0]


def _all_schemas(connection) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', "
                           "'information_schema') AND nspname NOT LIKE 'pg_toast%%' AND nspname NOT LIKE 'pg_temp%%'")
        elif connection.vendor == "mysql":
            cursor.execute("SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN "
                           "('mysql', 'information_schema', 'performance_schema', 'sys')")
        else:
            return []
        return [row[0] for row in cursor.fetchall()]


def read_live(connection, *, schema: str | None = None, all_schemas: bool = False, views: bool = False) -> Schema:
    """The live tables one discovery call is about: the default schema, one `schema`, or all."""
    schemas = _all_schemas(connection) if all_schemas else ([schema] if schema else [])
    live = introspect(connection, schemas=schemas, views=views)
    if schema and not all_schemas:
        default = _default_owner(connection)
        wanted = None if schema == default else schema
        live.tables = {k: t for k, t in live.tables.items() if t.schema == wanted}
    return live


def discover_model_definitions(using: Using = DEFAULT_DB_ALIAS, *, schema: str | None = None, all_schemas: bool = False,
                               views: bool = False) -> list[dict[str, str]]:
    """[{type: 'table'|'view', name, owner}], like `discoverModelDefinitions()`."""
    connection = _connection(using)
    live = read_live(connection, schema=schema, all_schemas=all_schemas, views=views)
    default_owner = _default_owner(connection)
    return [{"type": "view" if t.view else "table", "name": t.name, "owner": t.schema or default_owner}
            for t in sorted(live.tables.values(), key=lambda t: (t.schema or "", t.name))]


# -- discoverModelProperties ----------------------------------------------------------------------------

def _find(live: Schema, table: str) -> Table:
    for candidate in live.tables.values():
        if candidate.name == table:
            return candidate
    raise LookupError(f"no table or view named {table!r}")


def discover_model_properties(table: str, *, using: Using = DEFAULT_DB_ALIAS, schema: str | None = None
                              ) -> list[dict[str, Any]]:
    """One row per column, with the field names and value conventions of LoopBack's connector (§11)."""
    connection = _connection(using)
    live = read_live(connection, schema=schema, views=True)
    found = _find(live, table)
    owner = found.schema or _default_owner(connection)
    return [_property_row(connection.vendor, owner, found, column) for column in found.columns]


def _property_row(vendor: str, owner: str, table: Table, column: Column) -> dict[str, Any]:
    info = parse_type(vendor, column.type)
    data_type = info.data_type
    precision = info.precision
    if vendor == "postgresql":
        if data_type in ("real", "double precision"):
            data_type = "float"  # as LoopBack's PostgreSQL discovery reports them
        if data_type in ("integer", "bigint", "smallint"):
            precision = None  # PG#284: a precision on an integer breaks autoupdate
    row: dict[str, Any] = {
        "owner": owner,
        "tableName": table.name,
        "columnName": column.name,
        "dataType": data_type,
        "dataLength": info.length,
        "dataPrecision": precision,
        "dataScale": info.scale,
        "nullable": {"mysql": "Y", "oracle": "Y"}.get(vendor, "YES") if column.null else
        {"mysql": "N", "oracle": "N"}.get(vendor, "NO"),
        "type": loopback_type(vendor, info),
    }
    if vendor == "mysql":
        row["generated"] = 1 if column.auto else 0
        row["columnType"] = column.type
    else:
        row["generated"] = column.auto
    return row


# -- discoverSchemas ---------------------------------------------------------------------------------------

def discover_schemas(tables: list[str] | None = None, *, using: Using = DEFAULT_DB_ALIAS, schema: str | None = None,
                     all_schemas: bool = False, relations: bool = False, keep_names: bool = False,
                     views: bool = False) -> dict[str, dict]:
    """LoopBack model definitions keyed `"<owner>.<table>"`, like `discoverSchemas()`.

    `keep_names` keeps table and column names as they are (LoopBack's `nameMapper: null`).
    """
    connection = _connection(using)
    live = read_live(connection, schema=schema, all_schemas=all_schemas, views=views or bool(tables))
    chosen = [_find(live, name) for name in tables] if tables else [t for t in live.tables.values() if not t.view]
    key = CONNECTOR[connection.vendor]
    model_name = (lambda t: t) if keep_names else pascal_case
    names = {t.key: model_name(t.name) for t in live.tables.values()}
    default_owner = _default_owner(connection)
    out = {}
    for table in chosen:
        owner = table.schema or default_owner
        out[f"{owner}.{table.name}"] = _schema_for(connection.vendor, key, table, owner, names, live, relations,
                                                   keep_names)
    return out


def _property_names(table: Table, keep_names: bool) -> dict[str, str]:
    names: dict[str, str] = {}
    taken: set[str] = set()
    for column in table.columns:
        name = column.name if keep_names else camel_case(column.name)
        if name in taken or "." in name:
            name = column.name  # two columns map to one name: keep this one as it is
        taken.add(name)
        names[column.name] = name
    return names


def _schema_for(vendor, key, table: Table, owner, model_names, live: Schema, relations: bool, keep_names):
    props = _property_names(table, keep_names)
    properties = {}
    for column in table.columns:
        properties[props[column.name]] = _property(vendor, key, table, column)
    definition: dict[str, Any] = {
        "name": model_names[table.key],
        "options": {"idInjection": False, key: {"schema": owner, "table": table.name}},
        "properties": properties,
    }
    indexes = {}
    for index in table.indexes:
        if index.opaque or (vendor == "mysql" and index.name in {fk.name for fk in table.foreign_keys}):
            continue  # expression/partial indexes cannot be said in LoopBack JSON; MySQL's FK indexes are implicit
        spec: dict[str, Any] = {"keys": {props[c]: (-1 if o == "DESC" else 1)
                                         for c, o in zip(index.columns, index.orders)}}
        if index.unique:
            spec["options"] = {"unique": True}
        indexes[index.name] = spec
    if indexes:
        definition["indexes"] = indexes
    foreign_keys, belongs_to = {}, {}
    for fk in table.foreign_keys:
        ref = live.tables.get(f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table)
        if ref is None or len(fk.columns) != 1:
            continue
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


def _property(vendor: str, key: str, table: Table, column: Column) -> dict[str, Any]:
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
    if info.data_type == "enum" and vendor == "mysql":
        values = re.findall(r"'((?:[^']|'')*)'", column.type)
        prop["jsonSchema"] = {"enum": [v.replace("''", "'") for v in values]}
        block["dataType"] = "enum"
    default = _default_for(vendor, column)
    if default is not None:
        block["default" if vendor == "mysql" else "dbDefault"] = default
    prop[key] = block
    return prop


def _default_for(vendor: str, column: Column) -> Any:
    """The live default as the connector block that re-creates it: `dbDefault` SQL, or MySQL's `default`."""
    if column.default is None or column.auto:
        return None
    if vendor != "mysql":
        return column.default
    text = column.default
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return int(text) if "." not in text else float(text)
    if text.lower() in ("current_timestamp()", "current_timestamp"):
        return "CURRENT_TIMESTAMP"
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def write_models(schemas: dict[str, dict], folder: Path, datasource: str = "db") -> list[Path]:
    """One `<model>.json` per schema plus a model-config.json that attaches them to `datasource`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    config: dict[str, Any] = {"_meta": {"sources": ["loopback/common/models", "./"]}}
    for definition in schemas.values():
        path = folder / f"{_file_name(definition['name'])}.json"
        path.write_text(json.dumps(definition, indent=2) + "\n")
        written.append(path)
        config[definition["name"]] = {"dataSource": datasource}
    config_path = folder / "model-config.json"
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    return written + [config_path]


def _file_name(model: str) -> str:
    """LoopBack's file naming: `CustomerTest` -> `customer-test`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", model).lower().replace("_", "-")

