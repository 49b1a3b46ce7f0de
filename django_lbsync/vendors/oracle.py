"""loopback-connector-oracle 4.x rules (§2-§7). Names are upper-cased."""
from __future__ import annotations

from ..definitions import ModelDefinition, PropertyDefinition
from .base import Vendor

BARE_TYPES = ("CLOB", "BLOB", "NCLOB", "DATE", "NUMBER", "INTEGER", "FLOAT", "BINARY_FLOAT", "BINARY_DOUBLE")


class OracleVendor(Vendor):
    django_vendor = "oracle"
    connector_key = "oracle"
    char_length_sql = "LENGTH({})"
    byte_length_sql = "LENGTHB({})"
    substring_sql = "SUBSTR({col}, 1, {n})"
    fk_on_update = False  # Oracle has ON DELETE only
    fk_actions = ("CASCADE", "SET NULL")
    # 128 bytes since 12.2 (30 before). Django's ops.max_name_length() may say 30; the smaller applies.
    name_limit = 128
    name_limit_unit = "bytes"
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
        # §4: a sequence + trigger when there is exactly one id and it is generated.
        if prop.generated and len(model.ids) == 1:
            return column_type
        return None

    def sequence_names(self, model: ModelDefinition) -> tuple[str, str]:
        """§4: named after the *model*, quoted, so case-sensitive: "User_ID_SEQUENCE"."""
        return f"{model.name}_ID_SEQUENCE", f"{model.name}_ID_TRIGGER"

    def property_index_name(self, table, column, prop):
        return f"{table}_{column}_IDX"
