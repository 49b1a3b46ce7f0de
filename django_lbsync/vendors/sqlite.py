"""SQLite: LoopBack has no connector of record, so Django's natural SQLite types are used.

Names keep their case (as MySQL and MSSQL do); defaults follow PostgreSQL's rule; the per-property
block key is `sqlite3`, as in the community loopback-connector-sqlite3.
"""
from __future__ import annotations

from ..definitions import ModelDefinition, PropertyDefinition
from . import datatypes
from ..catalogs import sqlite as catalog_sql
from .base import Vendor
from ..locks import INSTANT, REWRITE, SCAN, LockCost


class SqliteVendor(Vendor):
    django_vendor = "sqlite"
    django_backends = ("django.db.backends.sqlite3.base.DatabaseWrapper",)
    connector_key = "sqlite3"
    inline_foreign_keys = True  # SQLite cannot ALTER TABLE ADD CONSTRAINT
    rolls_back_ddl = True
    commit_answer_is_local = True  # in-process: a failed COMMIT ("database is locked") was answered, never lost
    online_unsupported = (
        "SQLite has no online schema change: every write, DDL included, takes the whole database's write lock, "
        "and most ALTERs rebuild the table; run autoupdate without --online"
    )
    lock_costs = {
        **Vendor.lock_costs,
        **{shape: LockCost("database write lock", REWRITE, True, rewrites=True, note="Django rebuilds the table")
           for shape in ("drop_column", "alter_type", "set_not_null", "drop_not_null", "alter_default",
                         "add_foreign_key", "drop_foreign_key")},
        "create_table": LockCost("database write lock", INSTANT, True),
        "drop_table": LockCost("database write lock", INSTANT, True),
        "add_column": LockCost("database write lock", INSTANT, True),
        "add_index": LockCost("database write lock", SCAN, True, scans=True),
        "add_unique_index": LockCost("database write lock", SCAN, True, scans=True),
        "add_unique_constraint": LockCost("database write lock", REWRITE, True, rewrites=True,
                                          note="Django rebuilds the table"),
        "drop_index": LockCost("database write lock", INSTANT, True),
        "drop_constraint": LockCost("database write lock", REWRITE, True, rewrites=True),
    }
    database_is_local_file = True
    lock_strategy = "lock_file"  # an OS lock on a file beside the database file
    keys_schemas = False  # one database file (attached databases are not modelled)
    catalog_reader = staticmethod(catalog_sql.read_tables)  # sqlite_master + pragmas, 3 queries
    # Not read in a second thread (introspect.CatalogPrefetch): the sqlite3 driver lets go of the GIL while SQLite
    # steps, but building the rows into tables is Python work that then fights the JSON loading for the GIL. At
    # 5,000 tables, side by side: 1.96-2.01 s in one thread, 2.11-2.60 s with the second.
    prefetches_catalog = False
    gap_hooks = catalog_sql.SQLiteHooks
    lost_objects_reader = staticmethod(catalog_sql.lost_objects)
    foreign_keys_reader = staticmethod(catalog_sql.foreign_keys)
    foreign_key_violations_reader = staticmethod(catalog_sql.foreign_key_violations)
    auto_suffix = "AUTOINCREMENT"
    case_insensitive_columns = True
    case_insensitive_names = True  # SQLite matches table names without (ASCII) case
    type_families = datatypes.SQLITE_FAMILIES
    integer_ranges = datatypes.SQLITE_INTEGER_RANGES
    string_limits = datatypes.SQLITE_STRING_LIMITS
    # SQLite keeps every value as written, whatever the declared length, range or precision.
    enforces_declared_sizes = False
    char_length_sql = "LENGTH({})"  # characters, for TEXT values
    byte_length_sql = "LENGTH(CAST({} AS BLOB))"
    regex_match_sql = "{value} REGEXP {pattern}"  # Django registers REGEXP on its SQLite connections
    exact_number_type = "NUMERIC"
    substring_sql = "SUBSTR({col}, 1, {n})"
    #: Values are converted on storage by the column's affinity, not by its type (preflight.py):
    #: a type change is judged by what the new affinity does to the values already stored.
    stores_by_affinity = True

    type_change_keeps_default = False  # a type change rebuilds the table, new default and all
    index_name_scope = "schema"  # one database: index names are unique in it
    index_names_share_table_namespace = True  # sqlite_master

    def fk_types_match(self, column_type, ref_type):
        return True  # SQLite compares values, never the declared types of an FK's columns

    def affinity(self, type_text: str) -> str:
        return datatypes.sqlite_affinity(self.normalize_type(type_text))

    def schema_name(self, model, own_schema=None):
        return None

    def column_type(self, prop: PropertyDefinition, model: ModelDefinition) -> str:
        block = prop.connector("sqlite3")
        if block.get("dataType"):
            type_word = str(block["dataType"]).lower()
            length = self.length_of(prop, block)
            precision, scale = block.get("dataPrecision"), block.get("dataScale")
            if length:
                return f"{type_word}({length})"
            if precision and scale:
                return f"{type_word}({precision}, {scale})"
            return type_word
        if prop.type == "String":
            length = prop.get("length")
            return f"varchar({length})" if length else "text"
        return {"Number": "integer", "Boolean": "bool", "Date": "datetime", "Buffer": "blob"}.get(prop.type, "text")

    def generates_without_keyword(self, column, table) -> bool:
        # An INTEGER PRIMARY KEY is the row id: SQLite numbers it without AUTOINCREMENT.
        return tuple(table.primary_key) == (column.name,) and column.type.strip().lower() == "integer"

    def auto_increment(self, prop, model, column_type):
        if prop.generated and len(model.ids) == 1 and column_type == "integer":
            return "integer"
        return None

    def default_sql(self, prop, column_type):
        db_default = prop.connector("sqlite3").get("dbDefault")
        if db_default is not None:
            return str(db_default)
        return self.literal_default(prop, column_type)
