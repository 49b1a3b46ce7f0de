"""manage.py discovermodelproperties TABLE: the columns of a table as LoopBack's connector reports them."""
from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS

from ...exceptions import UnsafeLiveName, UnsupportedDatabase

from ...discovery import discover_model_properties
from ._base import EXIT_INVALID, LbsyncCommand


class Command(LbsyncCommand):  # its execute(): a bounded connect, exit 4 when unreachable
    help = "Print a JSON list of the columns of TABLE, like LoopBack's discoverModelProperties()."

    def add_arguments(self, parser):
        parser.add_argument("table", help="The table whose columns to describe.")
        parser.add_argument("--schema", help="The owner/schema of the table (default: the connection's).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help='Database alias (default: "default").')

    def handle(self, *args, table, schema, database, **options):
        try:
            rows = discover_model_properties(table, using=database, schema=schema)
        except LookupError as exc:
            raise CommandError(str(exc).strip('"'), returncode=EXIT_INVALID) from None
        except (UnsupportedDatabase, UnsafeLiveName) as exc:
            raise CommandError(str(exc), returncode=EXIT_INVALID) from None
        self.stdout.write(json.dumps(rows, indent=2))
