"""loopback-connector-oracle 4.x rules (docs/loopback-rules/README.md). Names are upper-cased."""
from __future__ import annotations

from django.conf import settings

from ..definitions import ModelDefinition, PropertyDefinition
from ..catalogs import oracle as catalog_sql
from .base import Vendor

BARE_TYPES = ("CLOB", "BLOB", "NCLOB", "DATE", "NUMBER", "INTEGER", "FLOAT", "BINARY_FLOAT", "BINARY_DOUBLE")


class OracleVendor(Vendor):
    online_unsupported = (
        "Oracle: autoupdate --online is not supported. Its online forms (CREATE INDEX ... ONLINE, constraints "
        "ENABLE NOVALIDATE then VALIDATE) need Enterprise Edition, which django-lbsync can neither check nor test "
        "here; run autoupdate without --online in a maintenance window, or edit its --sql output by hand"
    )
    django_vendor = "oracle"
    django_backends = ("django.db.backends.oracle.base.DatabaseWrapper",)
    connector_key = "oracle"
    uses_sequences_and_triggers = True  # docs/loopback-rules/types.md#ids-and-generated-ids
    gap_hooks = catalog_sql.OracleHooks  # no fast reader: Django's introspection API plus these
    # Django's editor writes DROP TABLE ... CASCADE CONSTRAINTS: other tables' FKs go (and are restored),
    # views and code that read the table stay, INVALID until it is back.
    drop_table_dependents = "cascade"
    dependents_reader = staticmethod(catalog_sql.dependents)
    lost_objects_reader = staticmethod(catalog_sql.lost_objects)
    discovery_nullable = ("Y", "N")
    char_length_sql = "LENGTH({})"
    byte_length_sql = "LENGTHB({})"
    substring_sql = "SUBSTR({col}, 1, {n})"
    fk_on_update = False  # Oracle has ON DELETE only
    fk_actions = ("CASCADE", "SET NULL")
    index_name_scope = "schema"  # an index name is unique among the schema's indexes (not its tables)
    fk_name_scope = "schema"  # constraint names are unique in the schema (ORA-02264 on the second)
    # 128 bytes since 12.2 (30 before). Django 5.2 supports Oracle 19 and later, but its
    # ops.max_name_length() still says 30: ours applies (docs/loopback-rules/names.md#name-length).
    name_limit = 128
    name_limit_unit = "bytes"
    name_limit_replaces_django = True
    sql_tables_in_schemas = "SELECT owner, table_name FROM all_tables WHERE owner IN ({placeholders})"
    # The catalog keeps "USER" and "CustomerTest" as written; Django's table_names() lower-cases them.
    sql_user_tables = "SELECT table_name FROM user_tables WHERE table_name IN ({placeholders})"
    # The schema unqualified names resolve to: the login user's unless the session altered it (then
    # nothing here works: Django's introspection reads the login user's user_* views).
    sql_current_schema = "SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL"
    # Every schema but those Oracle installs and maintains (SYS, SYSTEM, XDB, ...; ORACLE_MAINTAINED, 12c+).
    sql_list_schemas = "SELECT username FROM all_users WHERE oracle_maintained = 'N' ORDER BY username"
    # MAX_STRING_SIZE = STANDARD, the default: VARCHAR2 holds 4000 bytes. NVARCHAR2/NCHAR count
    # characters of the national character set, AL16UTF16 by default (2 bytes each).
    declared_size_limits = {"VARCHAR2": 4000, "NVARCHAR2": 2000, "CHAR": 2000, "NCHAR": 1000, "RAW": 2000}
    #: With MAX_STRING_SIZE = EXTENDED (LBSYNC["ORACLE_MAX_STRING_SIZE"] = "EXTENDED").
    extended_size_limits = {"VARCHAR2": 32767, "NVARCHAR2": 16383, "RAW": 32767}
    oversize_advice = 'give "oracle": {"dataType": "CLOB"} for longer text'
    type_aliases = (
        (r"^VARCHAR\(", "VARCHAR2("),  # Oracle stores VARCHAR as VARCHAR2
        (r"^INTEGER$", "NUMBER(38)"),
        (r"^NUMBER\(\*,0\)$", "NUMBER(38)"),
    )

    def db_name(self, name: str) -> str:
        return name.upper()

    def table_name(self, model: ModelDefinition) -> str:
        # Upper case, a mapped `table` too: Django's Oracle introspection finds a table only by
        # UPPER(name) (and lists it lower-cased), so a lower- or mixed-case table could be created but
        # never read back, compared or altered (docs/loopback-rules/names.md#oracle-case).
        return _upper(super().table_name(model))

    def named_schema(self, model: ModelDefinition):
        # An Oracle user (schema) created without quotes is upper case, as the login's own is.
        return _upper(super().named_schema(model))

    def documented_own_schema(self, settings_dict):
        """Offline, LoopBack's own rule: a schema equal to the datasource's `user`, as written, is the
        login's (loopback-connector-oracle writes such a table unqualified)."""
        user = settings_dict.get("USER")
        return user if isinstance(user, str) and user else None

    def column_type(self, prop: PropertyDefinition, model: ModelDefinition) -> str:
        block = prop.connector("oracle")
        data_type = block.get("dataType")
        length = block.get("dataLength") or prop.get("length")
        if not data_type:
            # LoopBack's columnDataType: every type but these three is VARCHAR2, sized by dataLength
            # or length, else 1024 (docs/loopback-rules/types.md#default-mapping).
            fixed = {"Number": "NUMBER", "Boolean": "CHAR(1)", "Date": "DATE"}.get(prop.type)
            return fixed or f"VARCHAR2({length or 1024})"
        type_word = self.type_words_upper(str(data_type))
        precision, scale = block.get("dataPrecision"), block.get("dataScale")
        if type_word in ("NUMBER", "DECIMAL", "NUMERIC") and precision:
            # LoopBack drops dataPrecision/dataScale (NUMBER(12,3) becomes NUMBER); we keep them.
            return f"NUMBER({precision},{scale or 0})"
        if length and type_word not in BARE_TYPES:
            return f"{type_word}({length})"
        return type_word

    def declared_size_limit(self, type_key):
        if str(_lbsync_setting("ORACLE_MAX_STRING_SIZE") or "STANDARD").upper() == "EXTENDED":
            return self.extended_size_limits.get(type_key) or super().declared_size_limit(type_key)
        return super().declared_size_limit(type_key)

    def editor_quote_name(self, django_quote_name):
        return exact_quote_name

    def auto_increment(self, prop, model, column_type):
        # A sequence + trigger when there is exactly one id and it is generated
        # (docs/loopback-rules/types.md#ids-and-generated-ids).
        if prop.generated and len(model.ids) == 1:
            return column_type
        return None

    def sequence_names(self, model: ModelDefinition) -> tuple[str, str]:
        """Named after the *model*, quoted, so case-sensitive: "User_ID_SEQUENCE"
        (docs/loopback-rules/names.md#oracle-sequence-and-trigger)."""
        return f"{model.name}_ID_SEQUENCE", f"{model.name}_ID_TRIGGER"

    def property_index_name(self, table, column, prop):
        return f"{table}_{column}_IDX"

    def db_table(self, table) -> str:
        # Quoted: Django would upper-case (and hash-truncate) an unquoted name.
        return super().db_table(table) if table.schema else f'"{table.name}"'

    def db_column(self, name: str) -> str:
        return f'"{name}"'

    def db_object_name(self, name: str) -> str:
        # Pre-quoted, so exact_quote_name keeps its case: `fk_order_customerId` is created as written,
        # as LoopBack's connector quotes it, and read back and compared as written.
        return f'"{name}"'

    def sequence_sql(self, quote_name, table) -> list[str]:
        """LoopBack's Oracle sequence and BEFORE INSERT trigger, named after the model
        (docs/loopback-rules/types.md#ids-and-generated-ids)."""
        sequence, trigger = table.sequence
        id_column = table.primary_key[0]
        quoted_table = quote_name(self.db_table(table))
        return [
            f'CREATE SEQUENCE "{sequence}" START WITH 1 INCREMENT BY 1 CACHE 100',
            f'CREATE OR REPLACE TRIGGER "{trigger}" BEFORE INSERT ON {quoted_table} FOR EACH ROW\n'
            f'WHEN (new."{id_column}" IS NULL)\n'
            f"BEGIN\n"
            f'  SELECT "{sequence}".NEXTVAL INTO :new."{id_column}" FROM dual;\n'
            f"END;",
        ]

    def drop_sequence_sql(self, table) -> str:
        """Drop the LoopBack sequence if it is there (LoopBack ignores ORA-02289 the same way)."""
        literal = self.quote_literal
        sequence = table.sequence[0]
        drop = literal('DROP SEQUENCE "' + sequence + '"')
        return (
            "DECLARE i INTEGER; BEGIN SELECT COUNT(1) INTO i FROM USER_SEQUENCES "
            f"WHERE SEQUENCE_NAME = {literal(sequence)}; IF i = 1 THEN EXECUTE IMMEDIATE {drop}; END IF; END;"
        )

    def discovered_loopback_type(self, type_word, length, precision):
        if type_word == "CHAR" and length == 1:
            return "Boolean"
        return super().discovered_loopback_type(type_word, length, precision)


def exact_quote_name(name: str) -> str:
    """Django's Oracle quote_name without its shortening of names over 30 characters, and without
    upper-casing a name that comes pre-quoted: our tables, columns, indexes and constraints are handed
    over pre-quoted (OracleVendor.db_table, db_column, db_object_name), so they are created exactly as
    the model maps them, as LoopBack's connector quotes them, and as the reader reads them back
    (docs/loopback-rules/names.md#quoting). A bare name is quoted and upper-cased as Django does:
    Django's own introspection lower-cases the names it finds and relies on that. `%` is doubled."""
    if name.startswith('"') and name.endswith('"') and len(name) > 1:
        return name.replace("%", "%%")
    if not name.startswith('"') and not name.endswith('"'):
        name = f'"{name}"'
    return name.replace("%", "%%").upper()


def _upper(name):
    return name.upper() if isinstance(name, str) else name  # a non-string is refused later, by name


def _lbsync_setting(key: str):
    value = getattr(settings, "LBSYNC", None)
    return value.get(key) if isinstance(value, dict) else None
