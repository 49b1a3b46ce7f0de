"""manage.py discoverschema: LoopBack model JSON from an existing database, like discoverSchemas()."""
from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS

from ...exceptions import OtherModelFiles, UnsafeLiveName, UnsupportedDatabase

from ...discovery import WrittenFile, discover_schemas, other_model_files, write_models
from ...sqlrules import shown
from ._base import EXIT_INVALID, LbsyncCommand


class Command(LbsyncCommand):  # its execute(): a bounded connect, exit 4 when unreachable
    help = ("Discover LoopBack model definitions from tables: name, options, properties (type, required, "
            "length, id, connector block), indexes and foreign keys; --relations adds belongsTo relations.")

    def add_arguments(self, parser):
        parser.add_argument("tables", nargs="*", metavar="TABLE", help="Tables to discover (default: all).")
        parser.add_argument("--all", action="store_true", help="Every schema, not only the connection's.")
        parser.add_argument("--schema", help="The owner/schema (default: the connection's).")
        parser.add_argument("--relations", action="store_true", help="Add belongsTo relations for foreign keys.")
        parser.add_argument("--keep-names", action="store_true",
                            help="Keep table and column names as model and property names (no Pascal/camel case).")
        parser.add_argument("--output-dir", type=Path,
                            help="Write one <model>.json per table and a model-config.json that loads them.")
        parser.add_argument("--force", action="store_true",
                            help="Write into --output-dir even when it holds other model files (*.json) that the "
                                 "written model-config.json would load too.")
        parser.add_argument("--datasource", default="db", help="The datasource name in model-config.json.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help='Database alias (default: "default").')
        parser.add_argument("--include-django", action="store_true",
                            help="Also discover the tables of installed Django models and django_migrations "
                                 "(left out by default: as LoopBack models, automigrate would drop them).")

    def handle(self, *args, tables, all, schema, relations, keep_names, output_dir, datasource, database, force,
               include_django, **options):
        try:
            schemas = discover_schemas(tables or None, using=database, schema=schema, all_schemas=all,
                                       relations=relations, keep_names=keep_names, report=self.note,
                                       include_django=include_django)
        except LookupError as exc:
            raise CommandError(str(exc).strip('"'), returncode=EXIT_INVALID) from None
        except (UnsupportedDatabase, UnsafeLiveName) as exc:
            raise CommandError(str(exc), returncode=EXIT_INVALID) from None
        if output_dir:
            try:
                written = write_models(schemas, output_dir, datasource, report=self.wrote, force=force)
            except OtherModelFiles as exc:
                raise CommandError(str(exc), returncode=EXIT_INVALID) from None
            except OSError as exc:
                raise CommandError(f"Cannot write to {output_dir}: {exc.strerror or exc}", returncode=EXIT_INVALID) from None
            for other in other_model_files(output_dir, written):  # only with --force
                self.stderr.write(f"  Note: {shown(other.name)} was already there; model-config.json loads it too")
        else:
            self.stdout.write(json.dumps(schemas, indent=2))

    def note(self, message: str) -> None:
        """A model renamed so that every model name is distinct (stderr: stdout may be JSON)."""
        self.stderr.write(f"  Note: {message}")

    def wrote(self, written: WrittenFile) -> None:
        about = f" (model {written.model}, table {written.table})" if written.model else ""
        self.stdout.write(f"  Wrote {written.path}{about}")
        if written.note:
            self.stdout.write(f"    renamed: {written.note}")
