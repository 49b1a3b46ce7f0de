"""Resolved ModelDefinitions -> the Schema LoopBack's connector would create (§2-§7)."""
from __future__ import annotations

import logging
from typing import Iterable

from .definitions import ModelDefinition, PropertyDefinition
from .exceptions import DefinitionError, DefinitionProblem
from .loader import index_is_unique, index_keys
from .schema import Column, ForeignKey, Index, Schema, Table
from .vendors.base import Vendor

logger = logging.getLogger("django_lbsync")


def build_schema(
    models: Iterable[ModelDefinition],
    vendor: Vendor,
    *,
    max_name_length: int | None = None,
    attached: Iterable[ModelDefinition] = (),
) -> Schema:
    """Build the desired schema; every problem (name clash, name too long ...) is raised together.

    `attached` are the other models on the same database: a foreign key may reference their tables
    even when only some models are migrated.
    """
    models = list(models)
    by_name = {m.name: m for m in attached}
    by_name.update((m.name, m) for m in models)
    problems: list[DefinitionProblem] = []
    schema = Schema(vendor.django_vendor)
    for model in models:
        table = _table(model, vendor, by_name, problems)
        if table.key in schema.tables:
            other = schema.tables[table.key]
            problems.append(
                DefinitionProblem(
                    f'maps to table "{table.name}", which model {other.model} ({other.source}) also uses',
                    model.source, model.name,
                )
            )
            continue
        _check_lengths(table, max_name_length, problems)
        if not table.primary_key:
            # LoopBack can make a table without a key (a model with `idInjection: false` whose own `id`
            # property is not an id); Django's schema editor cannot.
            problems.append(DefinitionProblem(
                'has no id property, so its table would have no primary key; mark a property with "id": true',
                model.source, model.name))
        schema.add(table)
    if problems:
        raise DefinitionError(problems)
    return schema


def _table(model: ModelDefinition, vendor: Vendor, models: dict, problems: list) -> Table:
    name, schema_name = vendor.table_name(model), vendor.schema_name(model)
    ids = model.ids
    columns: list[Column] = []
    seen: dict[str, str] = {}
    for prop in model.properties:
        column = _column(prop, model, vendor)
        clash = seen.get(column.name.casefold())
        if clash is not None:
            problems.append(
                DefinitionProblem(f'maps to column "{column.name}", which property {clash} also uses',
                                  model.source, model.name, prop.name)
            )
            continue
        seen[column.name.casefold()] = prop.name
        columns.append(column)
    primary_key = tuple(vendor.column_name(p) for p in ids)
    if vendor.django_vendor == "mysql" and len(primary_key) == 1:
        # §13: MySQL hoists a single primary key to the first position.
        columns.sort(key=lambda c: c.name != primary_key[0])
    indexes = _property_indexes(model, vendor, name) + _model_indexes(model, vendor, name, problems)
    sequence = None
    if vendor.django_vendor == "oracle" and any(c.auto for c in columns):
        sequence = vendor.sequence_names(model)
    return Table(
        name=name,
        schema=schema_name,
        columns=tuple(columns),
        primary_key=primary_key,
        indexes=tuple(indexes),
        foreign_keys=tuple(_foreign_keys(model, vendor, models, problems)),
        model=model.name,
        source=str(model.source) if model.source else None,
        sequence=sequence,
    )


def _column(prop: PropertyDefinition, model: ModelDefinition, vendor: Vendor) -> Column:
    column_type = vendor.column_type(prop, model)
    auto_type = vendor.auto_increment(prop, model, column_type) if prop.id else None
    default = None if auto_type else vendor.default_sql(prop, column_type)
    return Column(
        name=vendor.column_name(prop),
        type=auto_type or column_type,
        null=vendor.is_nullable(prop),
        default=default,
        auto=auto_type is not None,
        origin=prop.origin,
        fill=_fill_value(prop) if default is None and not auto_type else None,
    )


def _fill_value(prop: PropertyDefinition):
    """The LoopBack `default` as a value for existing rows (a scalar; "$now" is a runtime default)."""
    value = prop.default if prop.has_default else None
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str) and not (prop.type == "Date" and value.lower() in ("now", "$now")):
        return value
    return None


def _property_indexes(model: ModelDefinition, vendor: Vendor, table: str) -> list[Index]:
    """`index: true` / `index: {unique: true}` on a property (§6). `index: {}` is a plain index
    (LoopBack's PostgreSQL connector makes it UNIQUE by mistake)."""
    out = []
    for prop in model.properties:
        if prop.index is None or prop.index is False or prop.id:
            continue
        spec = prop.index if isinstance(prop.index, dict) else {}
        column = vendor.column_name(prop)
        out.append(
            Index(
                name=vendor.property_index_name(table, column, prop),
                columns=(column,),
                orders=("ASC",),
                unique=index_is_unique(spec),
                origin=prop.origin,
            )
        )
    return out


def _model_indexes(model: ModelDefinition, vendor: Vendor, table: str, problems: list) -> list[Index]:
    """Model-level `indexes` in every form (§6.1), mapped from property names to column names."""
    out = []
    for key, spec in (model.settings.get("indexes") or {}).items():
        pairs = index_keys(spec)
        columns = []
        for prop_name, _order in pairs:
            prop = model.property(prop_name)
            columns.append(vendor.column_name(prop) if prop else prop_name)
        out.append(
            Index(
                name=vendor.model_index_name(table, key, spec, [p for p, _ in pairs]),
                columns=tuple(columns),
                orders=tuple(order for _, order in pairs),
                unique=index_is_unique(spec),
                origin=f"{model.name}.indexes.{key}",
            )
        )
    return out


def _foreign_keys(model: ModelDefinition, vendor: Vendor, models: dict, problems: list) -> list[ForeignKey]:
    """`foreignKeys` (§7), with `foreignKey` and `entityKey` mapped to their real columns."""
    out = []
    for key, spec in (model.settings.get("foreignKeys") or {}).items():
        entity = models.get(spec.get("entity"))
        if entity is None:
            # §7: LoopBack skips an FK whose entity is not attached to the same datasource.
            logger.warning("%s: foreign key %s skipped: %s has no table on this database", model.name, key,
                           spec.get("entity"))
            continue
        entity_key = spec.get("entityKey") or (entity.ids[0].name if entity.ids else "id")
        ref_prop = entity.property(entity_key)
        if ref_prop is None:
            problems.append(
                DefinitionProblem(f'foreign key "{key}": entity {entity.name} has no property "{entity_key}"',
                                  model.source, model.name, spec.get("foreignKey"))
            )
            continue
        prop = model.property(spec["foreignKey"])
        out.append(
            ForeignKey(
                name=spec.get("name") or key,
                columns=(vendor.column_name(prop),),
                ref_table=vendor.table_name(entity),
                ref_schema=vendor.schema_name(entity),
                ref_columns=(vendor.column_name(ref_prop),),
                on_delete=vendor.fk_action(spec.get("onDelete")),
                on_update=vendor.fk_action(spec.get("onUpdate")) if vendor.fk_on_update else None,
                origin=f"{model.name}.foreignKeys.{key}",
            )
        )
    return out


def _check_lengths(table: Table, limit: int | None, problems: list) -> None:
    if not limit:
        return

    def check(name: str, what: str, prop: str | None = None) -> None:
        if len(name) > limit:
            problems.append(
                DefinitionProblem(f'{what} name "{name}" is {len(name)} characters; this database allows {limit}',
                                  table.source, table.model, prop)
            )

    check(table.name, "table")
    for column in table.columns:
        check(column.name, "column", (column.origin or "").split(".", 1)[-1])
    for index in table.indexes:
        check(index.name, "index", (index.origin or "").split(".", 1)[-1])
    for fk in table.foreign_keys:
        check(fk.name, "foreign key")
    for name in table.sequence or ():
        check(name, "sequence/trigger")
