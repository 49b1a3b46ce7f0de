"""manage.py lbsync_migration APP [MODEL ...]: write a migration that runs autoupdate, so a release
that deploys with `migrate` syncs the LoopBack tables too. Behaves like `makemigrations`: names are checked
("did you mean"), nothing is written when the definitions are as the app's last lbsync migration recorded
them ("No changes detected"), `--check` exits 1 when a migration would be written, `--dry-run` writes nothing."""
from __future__ import annotations

import difflib
import os
import sys

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.writer import MigrationWriter

from ... import conf
from ...exceptions import DefinitionError, LbsyncError
from ...fingerprint import definitions_fingerprint
from ...loader import load_definitions
from ...operations import AutoUpdate
from ...sqlrules import printable
from ._base import EXIT_INVALID, LbsyncCommand


class Command(BaseCommand):
    help = ("Write a new migration into APP whose only operation is AutoUpdate(models=[...]), when the LoopBack "
            "definitions changed since the app's last such migration.")

    def add_arguments(self, parser):
        parser.add_argument("app_label", help="The Django app to write the migration into.")
        parser.add_argument("models", nargs="*", metavar="MODEL", help="LoopBack model names (default: all).")
        parser.add_argument("--name", help="The migration name (default: lbsync_autoupdate).")
        parser.add_argument("--allow-destructive", action="store_true",
                            help="Write allow_destructive=True into the migration.")
        parser.add_argument("--check", action="store_true",
                            help="Write nothing; exit 1 when a migration would be written (for CI).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Show the migration that would be written, and write nothing.")

    def handle(self, *args, app_label, models, name, allow_destructive, check, dry_run, verbosity, **options):
        try:
            apps.get_app_config(app_label)
        except LookupError as exc:
            raise CommandError(str(exc), returncode=EXIT_INVALID) from None
        fingerprint = self.fingerprint(models)
        loader = MigrationLoader(None, ignore_no_migrations=True)
        leaves = loader.graph.leaf_nodes(app_label)
        if fingerprint == self.last_fingerprint(loader, app_label, models):
            if verbosity >= 1:
                self.stdout.write(f"No changes detected in app {app_label!r}")
            return
        number = 1
        if leaves:
            prefix = leaves[-1][1].split("_", 1)[0]
            number = int(prefix) + 1 if prefix.isdigit() else 1
        migration = migrations.Migration(f"{number:04d}_{name or 'lbsync_autoupdate'}", app_label)
        migration.dependencies = list(leaves)
        migration.operations = [AutoUpdate(models=models or None, allow_destructive=allow_destructive,
                                           fingerprint=fingerprint)]
        writer = MigrationWriter(migration)
        if verbosity >= 1:
            self.stdout.write(f"Migrations for {app_label!r}:\n  {writer.path}\n    ~ {migration.operations[0].describe()}")
        if dry_run:
            if verbosity >= 3:
                self.stdout.write(writer.as_string())
        if check:
            self.stdout.flush()
            sys.exit(1)
        if dry_run:
            return
        os.makedirs(os.path.dirname(writer.path), exist_ok=True)
        init = os.path.join(os.path.dirname(writer.path), "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()
        with open(writer.path, "w", encoding="utf-8") as handle:
            handle.write(writer.as_string())

    def fingerprint(self, models: list[str]) -> str:
        """The definitions' fingerprint; unknown model names are an error with a suggestion (exit 2)."""
        try:
            loaded = load_definitions(conf.model_sources(), default_datasource=conf.default_datasource(),
                                      env=conf.node_env())
        except DefinitionError as exc:
            raise LbsyncCommand.fail(self, exc) from None  # the commands' one list-of-problems format
        except LbsyncError as exc:
            raise CommandError(str(exc), returncode=EXIT_INVALID) from None
        for warning in loaded.warnings:  # lbsync.W004 and up: shown, never failing (docs/input-validation.md)
            self.stderr.write(self.style.WARNING(f"Warning: {printable(str(warning))} ({warning.code})"))
        known = list(loaded.models)
        unknown = [m for m in models if m not in loaded.models]
        if unknown:
            hints = []
            for model in unknown:
                close = difflib.get_close_matches(model, known, n=1)
                hints.append(f"{model!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise CommandError(f"Unknown LoopBack model{'s' if len(unknown) > 1 else ''}: {', '.join(hints)}. "
                               f"Attached models: {', '.join(known) or 'none'}.", returncode=EXIT_INVALID)
        chosen = [loaded.models[m] for m in models] if models else list(loaded.models.values())
        return definitions_fingerprint(chosen)

    @staticmethod
    def last_fingerprint(loader: MigrationLoader, app_label: str, models: list[str]) -> str | None:
        """The fingerprint of the newest AutoUpdate for the same models in the app's migration graph."""
        wanted = list(models) or None
        for leaf in loader.graph.leaf_nodes(app_label):
            for key in reversed(loader.graph.forwards_plan(leaf)):
                if key[0] != app_label or key not in loader.disk_migrations:
                    continue
                for operation in reversed(loader.disk_migrations[key].operations):
                    if isinstance(operation, AutoUpdate) and operation.models == wanted:
                        return operation.fingerprint
        return None
