"""loopback-connector-mssql 3.8 rules (docs/loopback-rules/README.md), through mssql-django. Names keep their case."""
from __future__ import annotations

from ..definitions import ModelDefinition, PropertyDefinition
from ..catalogs import mssql as catalog_sql
from .base import Vendor


class MssqlVendor(Vendor):
    editor_shuffles_deferred_sql = True  # mssql-django: deferred_sql = list(set(deferred_sql))
    rolls_back_ddl = True
    online_unsupported = (
        "SQL Server: autoupdate --online is not supported. Its online forms (CREATE INDEX ... WITH (ONLINE = ON), "
        "ADD CONSTRAINT ... WITH NOCHECK then CHECK CONSTRAINT) need Enterprise Edition, which django-lbsync can "
        "neither check nor test here; run autoupdate without --online in a maintenance window, or edit its --sql "
        "output by hand"
    )
    django_vendor = "microsoft"
    django_backends = ("mssql.base.DatabaseWrapper",)
    connector_key = "mssql"
    fk_name_scope = "schema"  # a constraint is an object of its schema: error 2714 on the second of one name
    gap_hooks = catalog_sql.MssqlHooks  # no fast reader: Django's introspection API plus these
    # mssql-django's DROP TABLE first drops every FK that references the table (restored from their
    # models); views and code stay and fail until it is back; a schema-bound one makes the DROP fail.
    drop_table_dependents = "cascade"
    dependents_reader = staticmethod(catalog_sql.dependents)
    lost_objects_reader = staticmethod(catalog_sql.lost_objects)
    char_length_sql = "LEN({})"
    byte_length_sql = "DATALENGTH({})"
    default_schema = "dbo"
    auto_suffix = "IDENTITY(1,1)"
    case_insensitive_columns = True
    case_insensitive_names = True  # the default collations (…_CI_AS) compare table and schema names without case
    identifier_quotes = '[]"'
    size_words = ("MAX",)
    name_limit = 128  # characters (sysname is nvarchar(128))
    fk_actions = ("CASCADE", "SET NULL", "SET DEFAULT", "NO ACTION")
    set_null_needs_nullable_column = True  # error 1761
    # The schema unqualified names resolve to, and every schema but the system ones (guest,
    # INFORMATION_SCHEMA, sys) and the fixed database-role schemas (db_owner ..., ids 16384 and up).
    sql_current_schema = "SELECT SCHEMA_NAME()"
    sql_list_schemas = ("SELECT name FROM sys.schemas WHERE schema_id < 16384 "
                        "AND name NOT IN ('guest', 'INFORMATION_SCHEMA', 'sys') ORDER BY name")
    # n in nvarchar(n)/nchar(n) counts 2-byte units, in varchar/char/varbinary/binary bytes; 8000-byte pages.
    declared_size_limits = {"NVARCHAR": 4000, "NCHAR": 4000, "VARCHAR": 8000, "CHAR": 8000,
                            "VARBINARY": 8000, "BINARY": 8000}
    oversize_advice = 'give "mssql": {"dataType": "nvarchar", "dataLength": "max"} for longer text'

    def fk_types_match(self, column_type, ref_type):
        # Error 1778: the same data type on both sides; only string lengths may differ.
        return self.normalize_type(column_type).split("(")[0] == self.normalize_type(ref_type).split("(")[0]

    def column_type(self, prop: PropertyDefinition, model: ModelDefinition) -> str:
        block = prop.connector("mssql")
        data_type = block.get("dataType")
        if data_type:
            type_word = self.type_words_upper(str(data_type))
            precision, scale = block.get("dataPrecision"), block.get("dataScale")
            length = block.get("dataLength") or prop.get("length")
            if precision and scale:  # JavaScript truthiness, as LoopBack: scale 0 gives TYPE(p)
                return f"{type_word}({precision}, {scale})"
            return f"{type_word}({length})" if length else type_word
        if prop.type == "String":
            if prop.id and prop.generated and prop.get("useDefaultIdType") is False:
                return "uniqueidentifier"
            return f"nvarchar({prop.get('length') or prop.get('limit') or 255})"
        # LoopBack's datatype(): every other type (Object, Any, Array, Buffer, GeoPoint, JSON ...) is
        # nvarchar sized like a String (docs/loopback-rules/types.md#default-mapping).
        return {"Number": "int", "Boolean": "bit", "Date": "datetime", "Text": "text", "Point": "float"}.get(
            prop.type, f"nvarchar({prop.get('length') or prop.get('limit') or 255})"
        )

    def auto_increment(self, prop, model, column_type):
        # IDENTITY whenever a Number id is not `generated: false`, even when `generated` is absent
        # (docs/loopback-rules/types.md#ids-and-generated-ids).
        if prop.type == "Number" and prop.generated is not False and len(model.ids) == 1:
            return column_type
        return None

    def is_nullable(self, prop):
        """MSSQL's own rule: NOT NULL iff required, id, or nullable/allowNull/null === false
        (docs/loopback-rules/types.md#not-null)."""
        if prop.required or prop.id:
            return False
        return not any(prop.get(key) is False for key in ("nullable", "null", "allowNull"))

    def default_sql(self, prop, column_type):
        if column_type == "uniqueidentifier" and prop.id:
            return "newid()"
        return None

    def property_index_name(self, table, column, prop):
        spec = prop.index if isinstance(prop.index, dict) else {}
        if spec.get("name"):
            return spec["name"]
        return f"{prop.name}_{str(spec.get('kind') or 'NONCLUSTERED').upper()}_{str(spec.get('type') or 'ASC').upper()}_idx"

    def db_table(self, table) -> str:
        return f"[{table.schema}].[{table.name}]" if table.schema else table.name

    def model_index_name(self, table, key, spec, columns):
        # The model's index key is ignored; the name is built from the columns
        # (docs/loopback-rules/indexes-and-keys.md#index-names).
        unique = bool(spec.get("unique")) or str(spec.get("kind") or "").upper() == "UNIQUE" or bool(
            (spec.get("options") or {}).get("unique")
        )
        kind = "UNIQUE" if unique else str(spec.get("kind") or "NONCLUSTERED").upper()
        return "_".join(columns) + f"_{kind}_{str(spec.get('type') or 'ASC').upper()}_idx"


