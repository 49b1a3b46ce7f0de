"""manage.py discovermodels: the tables (and views) of a database, like discoverModelDefinitions()."""
from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS

from ...exceptions import UnsafeLiveName, UnsupportedDatabase

from ...discovery import discover_model_definitions
from ...sqlrules import shown
from ._base import EXIT_INVALID, LbsyncCommand


class Command(LbsyncCommand):
    help = "List the tables (and with --views the views) of a database, with owner and type."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--schema", help="The owner/schema to list (default: the connection's).")
        group.add_argument("--all", action="store_true", help="Every schema.")
        parser.add_argument("--views", action="store_true", help="Include views.")
        parser.add_argument("--include-django", action="store_true",
                            help="Also list the tables of installed Django models and django_migrations.")
        self.add_format(parser)

    def handle(self, *args, database, schema, all, views, format, include_django, **options):
        self.check_database(database)
        try:
            rows = discover_model_definitions(database, schema=schema, all_schemas=all, views=views, mark_unsafe=True,
                                              include_django=include_django)
        except (UnsupportedDatabase, UnsafeLiveName) as exc:
            raise CommandError(str(exc), returncode=EXIT_INVALID) from None
        if format == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            # A name that fails the identifier rule is listed, escaped (repr), and marked: no SQL is built
            # from this listing, but discoverschema and discovermodelproperties refuse it.
            unsafe = row.get("unsafe", "")
            owner = repr(row["owner"]) if unsafe.startswith("schema ") else shown(row["owner"])
            name = repr(row["name"]) if f"{row['type']} name " in unsafe else shown(row["name"])
            mark = f"  UNSAFE NAME: {unsafe}" if unsafe else ""
            self.stdout.write(f"{owner}.{name}  ({row['type']}){mark}")
        marked = sum(1 for row in rows if row.get("unsafe"))
        if marked:
            self.stderr.write(f"{marked} name{'s' if marked != 1 else ''} marked UNSAFE NAME cannot be used in SQL "
                              "safely: discoverschema and discovermodelproperties refuse them.")
