"""manage.py lbsync_migration APP [MODEL ...]: write a migration that runs autoupdate, so a release
that deploys with `migrate` syncs the LoopBack tables too."""
from __future__ import annotations

import os

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.writer import MigrationWriter

from ...operations import AutoUpdate


class Command(BaseCommand):
    help = "Write a new migration into APP whose only operation is AutoUpdate(models=[...])."

    def add_arguments(self, parser):
        parser.add_argument("app_label", help="The Django app to write the migration into.")
        parser.add_argument("models", nargs="*", metavar="MODEL", help="LoopBack model names (default: all).")
        parser.add_argument("--name", help="The migration name (default: lbsync_autoupdate).")
        parser.add_argument("--allow-destructive", action="store_true",
                            help="Write allow_destructive=True into the migration.")

    def handle(self, *args, app_label, models, name, allow_destructive, verbosity, **options):
        try:
            apps.get_app_config(app_label)
        except LookupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        loader = MigrationLoader(None, ignore_no_migrations=True)
        leaves = loader.graph.leaf_nodes(app_label)
        number = 1
        if leaves:
            prefix = leaves[-1][1].split("_", 1)[0]
            number = int(prefix) + 1 if prefix.isdigit() else 1
        migration = migrations.Migration(f"{number:04d}_{name or 'lbsync_autoupdate'}", app_label)
        migration.dependencies = list(leaves)
        migration.operations = [AutoUpdate(models=models or None, allow_destructive=allow_destructive)]
        writer = MigrationWriter(migration)
        os.makedirs(os.path.dirname(writer.path), exist_ok=True)
        init = os.path.join(os.path.dirname(writer.path), "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()
        with open(writer.path, "w", encoding="utf-8") as handle:
            handle.write(writer.as_string())
        if verbosity >= 1:
            self.stdout.write(f"Migrations for {app_label!r}:\n  {writer.path}\n    - {migration.operations[0].describe()}")
