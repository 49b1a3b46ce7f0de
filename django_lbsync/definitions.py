"""LoopBack vocabulary, resolved: what the juggler would hand to a connector (docs/loopback-rules/models.md).

These are plain frozen records. Loading, inheritance and relations live in loader.py;
naming and types per database live in vendors/.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

# The connector keys LoopBack uses in model JSON, plus "sqlite3" for the community connector
# (docs/loopback-rules/names.md).
CONNECTOR_KEYS = ("postgresql", "mysql", "oracle", "mssql", "sqlite3")

# The only type names the juggler recognises, case-insensitive (docs/loopback-rules/models.md#property-types).
# Anything else is an embedded/placeholder model and falls into each connector's default (text-ish) branch.
KNOWN_TYPES = {
    "string": "String",
    "number": "Number",
    "boolean": "Boolean",
    "date": "Date",
    "datestring": "DateString",
    "buffer": "Buffer",
    "binary": "Buffer",
    "array": "Array",
    "geopoint": "GeoPoint",
    "object": "Object",
    "text": "Text",
    "json": "JSON",
    "any": "Any",
    "point": "Point",
}


@dataclass(frozen=True)
class PropertyDefinition:
    name: str
    type: str  # canonical LoopBack type name: "String", "Number", ..., "Array", "Object", or "Model:<x>"
    id: float = 0  # 0 = not an id; else its position in the (composite) key, as the juggler sorts them
    generated: bool | None = None  # None = not said
    required: bool = False
    default: Any = None
    has_default: bool = False
    index: Any = None  # True / dict / None, as written
    settings: Mapping[str, Any] = field(default_factory=dict)  # the whole property JSON, as written
    origin: str = ""  # "Model.property" for messages

    @classmethod
    def of(cls, name: str, type: str, id: float, generated: bool | None, required: bool, default: Any,
           has_default: bool, index: Any, settings: Mapping[str, Any], origin: str) -> PropertyDefinition:
        """The loader's constructor, every field given: the same object as the dataclass's __init__ makes,
        without its per-field frozen setattr (65,000 properties at 5,000 models)."""
        prop = object.__new__(cls)
        prop.__dict__.update(name=name, type=type, id=id, generated=generated, required=required, default=default,
                             has_default=has_default, index=index, settings=settings, origin=origin)
        return prop

    def connector(self, key: str) -> Mapping[str, Any]:
        """The per-connector block (`postgresql: {...}`), or an empty mapping."""
        block = self.settings.get(key)
        return block if isinstance(block, dict) else {}  # dict, not typing.Mapping: this is a hot path

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


@dataclass(frozen=True)
class RelationDefinition:
    name: str
    type: str  # belongsTo, hasMany, hasOne, hasAndBelongsToMany, embedsOne, ...
    model: str | None
    foreign_key: str | None
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelDefinition:
    name: str
    properties: tuple[PropertyDefinition, ...]
    settings: Mapping[str, Any]  # top-level keys and `options`, merged and inherited (docs/loopback-rules/models.md)
    source: Path | str | None = None
    datasource: str | None = None

    def connector(self, key: str) -> Mapping[str, Any]:
        block = self.settings.get(key)
        return block if isinstance(block, dict) else {}  # dict, not typing.Mapping: this is a hot path

    @property
    def ids(self) -> tuple[PropertyDefinition, ...]:
        """Id properties in key order (JUG model-definition.js ids())."""
        return tuple(sorted((p for p in self.properties if p.id), key=lambda p: p.id))

    def property(self, name: str) -> PropertyDefinition | None:
        for prop in self.properties:
            if prop.name == name:
                return prop
        return None
