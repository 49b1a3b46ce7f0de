"""Migration operations: schema sync in the `operations` list of an ordinary Django migration.

They act on the database `migrate` runs against, through the schema editor `migrate` hands them:
`sqlmigrate` prints their SQL, and they join the migration's transaction where the database has
one. They change no Django model state, respect database routers, and are irreversible.

    from django.db import migrations
    from django_lbsync.operations import AutoUpdate

    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = [AutoUpdate(models=["CustomerTest"])]
"""
from __future__ import annotations

from typing import Sequence

from django.db import router
from django.db.migrations.operations.base import Operation


class _LbsyncOperation(Operation):
    reversible = False
    reduces_to_sql = True
    # Not forced into a transaction of its own: on MySQL, Django refuses DDL inside one. Where the
    # database can roll DDL back, the migration's own transaction still holds it.
    atomic = False
    elidable = False

    def __init__(self, models: Sequence[str] | None = None, hints: dict | None = None):
        self.models = list(models) if models else None
        self.hints = hints or {}

    def state_forwards(self, app_label, state):
        pass  # the tables belong to the LoopBack models, not to Django's migration state

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self.run(schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        raise NotImplementedError(f"{self.describe()} cannot be reversed")

    def run(self, schema_editor) -> None:
        raise NotImplementedError

    def options(self) -> dict:
        """Keyword arguments beyond `models` and `hints` that differ from their defaults."""
        return {}

    def deconstruct(self):
        kwargs = {"models": self.models} if self.models else {}
        kwargs.update(self.options())
        if self.hints:
            kwargs["hints"] = self.hints
        return self.__class__.__name__, [], kwargs

    def _models_text(self) -> str:
        return ", ".join(self.models) if self.models else "all attached models"


class AutoUpdate(_LbsyncOperation):
    """autoupdate the LoopBack models' tables. Changes that lose data are refused unless
    `allow_destructive=True` is written into the migration."""

    category = "~"
    migration_name_fragment = "lbsync_autoupdate"

    def __init__(self, models: Sequence[str] | None = None, allow_destructive: bool = False,
                 hints: dict | None = None, fingerprint: str | None = None, online: bool = False):
        super().__init__(models, hints)
        self.allow_destructive = allow_destructive
        # online=True: the plan runs as autoupdate --online does (docs/online.md), outside any transaction:
        # CREATE INDEX CONCURRENTLY cannot run inside one. The operation says so (`atomic` False, as Django's
        # AddIndexConcurrently); the migration must also set `atomic = False`, or the run is refused.
        self.online = online
        # What the definitions were when `lbsync_migration` wrote this operation (fingerprint.py): how the
        # next run tells "No changes detected". The operation itself always replays the current JSON.
        self.fingerprint = fingerprint

    def options(self) -> dict:
        options = {"allow_destructive": True} if self.allow_destructive else {}
        if self.online:
            options["online"] = True
        if self.fingerprint:
            options["fingerprint"] = self.fingerprint
        return options

    def run(self, schema_editor) -> None:
        from .api import autoupdate

        # online: the steps commit one by one through the connection (sqlmigrate still prints them).
        autoupdate(self.models, using=schema_editor, allow_destructive=self.allow_destructive, online=self.online)

    def describe(self):
        extra = ", destructive changes allowed" if self.allow_destructive else ""
        extra += ", online" if self.online else ""
        return f"Sync the tables of LoopBack models ({self._models_text()}) with autoupdate{extra}"


class AutoMigrate(_LbsyncOperation):
    """Drop and re-create the tables of the named LoopBack models (their rows are lost)."""

    category = "+"
    migration_name_fragment = "lbsync_automigrate"

    def __init__(self, models: Sequence[str], hints: dict | None = None):
        if not models:
            raise ValueError("AutoMigrate needs the model names: it drops and re-creates their tables")
        super().__init__(models, hints)

    def run(self, schema_editor) -> None:
        from .api import automigrate

        automigrate(self.models, using=schema_editor)

    def describe(self):
        return f"Drop and re-create the tables of LoopBack models ({self._models_text()}) with automigrate"
