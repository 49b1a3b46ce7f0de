"""loopback-connector-oracle 4.x rules (docs/loopback-rules/README.md). Names are upper-cased."""
from __future__ import annotations

from ..definitions import ModelDefinition, PropertyDefinition
from .base import Vendor

BARE_TYPES = ("CLOB", "BLOB", "NCLOB", "DATE", "NUMBER", "INTEGER", "FLOAT", "BINARY_FLOAT", "BINARY_DOUBLE")


class OracleVendor(Vendor):
    django_vendor = "oracle"
    django_backends = ("django.db.backends.oracle.base.DatabaseWrapper",)
    connector_key = "oracle"
    uses_sequences_and_triggers = True  # docs/loopback-rules/types.md#ids-and-generated-ids
    discovery_nullable = ("Y", "N")
    char_length_sql = "LENGTH({})"
    byte_length_sql = "LENGTHB({})"
    substring_sql = "SUBSTR({col}, 1, {n})"
    fk_on_update = False  # Oracle has ON DELETE only
    fk_actions = ("CASCADE", "SET NULL")
    # 128 bytes since 12.2 (30 before). Django's ops.max_name_length() may say 30; the smaller applies.
    name_limit = 128
    name_limit_unit = "bytes"
    sql_tables_in_schemas = "SELECT owner, table_name FROM all_tables WHERE owner IN ({placeholders})"
    type_aliases = (
        (r"^VARCHAR\(", "VARCHAR2("),  # Oracle stores VARCHAR as VARCHAR2
        (r"^INTEGER$", "NUMBER(38)"),
        (r"^NUMBER\(\*,0\)$", "NUMBER(38)"),
    )

    def db_name(self, name: str) -> str:
        return name.upper()

    def column_type(self, prop: PropertyDefinition, model: ModelDefinition) -> str:
        block = prop.connector("oracle")
        data_type = block.get("dataType")
        if not data_type:
            if prop.type == "String":
                return f"VARCHAR2({prop.get('length') or 1024})"
            return {"Number": "NUMBER", "Boolean": "CHAR(1)", "Date": "DATE"}.get(prop.type, "VARCHAR2(1024)")
        type_word = self.type_words_upper(str(data_type))
        length = block.get("dataLength") or prop.get("length")
        precision, scale = block.get("dataPrecision"), block.get("dataScale")
        if type_word in ("NUMBER", "DECIMAL", "NUMERIC") and precision:
            # LoopBack drops dataPrecision/dataScale (NUMBER(12,3) becomes NUMBER); we keep them.
            return f"NUMBER({precision},{scale or 0})"
        if length and type_word not in BARE_TYPES:
            return f"{type_word}({length})"
        return type_word

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
