"""Collects catalog rows per table, then freezes them into `Table`s: shared by the fast readers."""
from __future__ import annotations

from collections import defaultdict

from ..schema import Column, ForeignKey, Index, Table


class TableBuilder:
    """Collects catalog rows per table, then freezes them into Tables."""

    def __init__(self):
        self.views: set[tuple] = set()
        self.columns: dict[tuple, list[Column]] = defaultdict(list)
        self.pk: dict[tuple, tuple[str, ...]] = {}
        self.indexes: dict[tuple, list[Index]] = defaultdict(list)
        self.fks: dict[tuple, list[ForeignKey]] = defaultdict(list)
        self.checks: dict[tuple, tuple[str, ...]] = {}

    def tables(self) -> list[Table]:
        return [
            Table(
                name=name,
                schema=schema,
                columns=tuple(columns),
                primary_key=self.pk.get((schema, name), ()),
                indexes=tuple(self.indexes.get((schema, name), ())),
                foreign_keys=tuple(self.fks.get((schema, name), ())),
                view=(schema, name) in self.views,
                checks=self.checks.get((schema, name), ()),
            )
            for (schema, name), columns in self.columns.items()
        ]

