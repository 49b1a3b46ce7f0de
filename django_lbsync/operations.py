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

    def allowed(self, app_label: str, schema_editor) -> bool:
        return router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        raise NotImplementedError(f"{self.describe()} cannot be reversed")

    def _models_text(self) -> str:
        return ", ".join(self.models) if self.models else "all attached models"


class AutoUpdate(_LbsyncOperation):
    """autoupdate the LoopBack models' tables. Changes that lose data are refused unless
    `allow_destructive=True` is written into the migration."""

    category = "~"

    def __init__(self, models: Sequence[str] | None = None, allow_destructive: bool = False,
                 hints: dict | None = None):
        super().__init__(models, hints)
        self.allow_destructive = allow_destructive

    def deconstruct(self):
        kwargs = {}
        if self.models:
            kwargs["models"] = self.models
        if self.allow_destructive:
            kwargs["allow_destructive"] = True
        if self.hints:
            kwargs["hints"] = self.hints
        return self.__class__.__name__, [], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self.allowed(app_label, schema_editor):
            return
        from .api import autoupdate

        autoupdate(self.models, using=schema_editor, allow_destructive=self.allow_destructive)

    def describe(self):
        extra = ", destructive changes allowed" if self.allow_destructive else ""
        return f"Sync the tables of LoopBack models ({self._models_text()}) with autoupdate{extra}"

    @property
    def migration_name_fragment(self):
        return "lbsync_autoupdate"


class AutoMigrate(_LbsyncOperation):
    """Drop and re-create the tables of the named LoopBack models (their rows are lost)."""

    category = "+"

    def __init__(self, models: Sequence[str], hints: dict | None = None):
        if not models:
            raise ValueError("AutoMigrate needs the model names: it drops and re-creates their tables")
        super().__init__(models, hints)

    def deconstruct(self):
        kwargs = {"models": self.models}
        if self.hints:
            kwargs["hints"] = self.hints
        return self.__class__.__name__, [], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self.allowed(app_label, schema_editor):
            return
        from .api import automigrate

        automigrate(self.models, using=schema_editor)

    def describe(self):
        return f"Drop and re-create the tables of LoopBack models ({self._models_text()}) with automigrate"

    @property
    def migration_name_fragment(self):
        return "lbsync_automigrate"
