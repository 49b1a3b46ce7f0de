"""A plan: the ordered changes for one database, plus what was noticed and left alone."""
from __future__ import annotations

from dataclasses import dataclass, field

from .changes import Change, Note, Risk


@dataclass(frozen=True)
class Plan:
    database: str
    vendor: str
    changes: tuple[Change, ...] = ()
    notes: tuple[Note, ...] = field(default=())
    #: How many model tables were compared. 0 means no LoopBack model is attached to the database, which
    #: is a configuration mistake for a command (it would call an empty database "in sync"), not a pass.
    tables_compared: int = 0
    #: Whether the changes' `lock` describes them as `autoupdate --online` runs them (docs/online.md).
    online: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.changes

    @property
    def in_sync(self) -> bool:
        """What isactual answers: no change to make and no blocking difference."""
        return not self.changes and not any(n.blocks_sync for n in self.notes)

    @property
    def needs_confirmation(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.risk in (Risk.DATA_DEPENDENT, Risk.DESTRUCTIVE))

    @property
    def impossible(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.risk == Risk.IMPOSSIBLE)

    def describe(self) -> list[str]:
        lines = []
        for change in self.changes:
            line = f"{change.symbol} {change.describe()}"
            if change.origin and "." in change.origin:
                line += f"  <- {change.origin}"  # the model and property (or index / FK) it comes from
            if change.risk != Risk.SAFE:
                line += f"  [{risk_label(change)}: {change.reason}]"
            lines.append(line)
        return lines

    @property
    def measured(self) -> bool:
        """True when the risks were counted on the data (autoupdate); False for get_plan/isactual."""
        return all(c.measured for c in self.changes) and bool(self.changes)

    def as_dict(self) -> dict:
        return {
            "database": self.database,
            "vendor": self.vendor,
            "in_sync": self.in_sync,
            "measured": self.measured,
            "online": self.online,
            "changes": [c.as_dict() for c in self.changes],
            "notes": [n.as_dict() for n in self.notes],
        }


def risk_label(change: Change) -> str:
    """`destructive` once counted; `may be destructive` when only the types were looked at."""
    name = change.risk.name.lower().replace("_", "-")
    return name if change.measured else f"may be {name}"
