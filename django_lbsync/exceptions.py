"""Exceptions of the public API. Every message names where the problem is."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class LbsyncError(Exception):
    """Base class of every error django-lbsync raises on purpose."""


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem in the LoopBack definitions: which file, which model, which property."""

    message: str
    path: Path | str | None = None
    model: str | None = None
    prop: str | None = None

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(str(self.path))
        if self.model:
            where.append(f"model {self.model}")
        if self.prop:
            where.append(f"property {self.prop}")
        return f"{': '.join(where)}: {self.message}" if where else self.message


class DefinitionError(LbsyncError):
    """The definitions are invalid. Holds every problem found, not only the first."""

    def __init__(self, problems: list[DefinitionProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownModel(LbsyncError):
    """A model name was asked for that is not attached to the database's datasources."""


class ConfigurationError(LbsyncError):
    """The LBSYNC setting is missing or wrong."""


class ChangesRefused(LbsyncError):
    """Changes that would lose data were not confirmed, or the data makes them impossible.

    Nothing was applied. `plan` is the whole plan; `changes` the ones refused.
    """

    def __init__(self, plan, changes, impossible: bool):
        self.plan, self.changes, self.impossible = plan, tuple(changes), impossible
        head = ("The data makes these changes impossible; nothing was applied:" if impossible else
                "These changes would lose or rewrite data; nothing was applied (confirm, or pass "
                "--allow-destructive / allow_destructive=True):")
        super().__init__(head + "".join(f"\n  {c.describe()}: {c.reason}" for c in self.changes))


class UnsafeLiveName(LbsyncError):
    """Live catalog names that fail the identifier rule (docs/sql-safety.md); exit 2.

    Raised before anything is sent or written: `consequence` says what was not done.
    """

    def __init__(self, problems: list[str], *, consequence: str):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"Refused {count} live name{'s' if count != 1 else ''} that cannot be used in SQL safely; {consequence}:\n"
            + "\n".join(f"  {p}" for p in self.problems))


class UnsupportedDatabase(LbsyncError):
    """The database backend cannot do what was asked (e.g. read a live Oracle schema)."""
