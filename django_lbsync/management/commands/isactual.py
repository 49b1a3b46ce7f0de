"""manage.py isactual: exit 0 when the database matches the LoopBack models, 1 when not (LoopBack's isActual())."""
from __future__ import annotations

import json
import sys

from django.db import Error

from ...api import get_plan
from ...exceptions import LbsyncError
from ._base import LbsyncCommand


class Command(LbsyncCommand):
    help = ("Check whether the database matches the LoopBack models. Exit code 0: in sync; 1: not (or the "
            "catalog could not be read); 2: invalid input; 4: the database cannot be reached.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        self.add_format(parser)

    def handle(self, *args, models, database, verbosity, format, **options):
        self.check_database(database)
        try:
            plan = get_plan(models or None, using=database)
        except LbsyncError as exc:
            raise self.fail(exc) from None
        except Error as exc:  # connected, but the catalog could not be read
            raise self.database_failure(exc, "Could not read the schema: ") from None
        if not plan.tables_compared:
            raise self.no_models(database)
        if format == "json":
            self.stdout.write(json.dumps(plan.as_dict(), indent=2))
        elif plan.in_sync:
            if verbosity >= 1:
                self.stdout.write(f"Database {database!r} is in sync with the models.")
        else:
            self.stdout.write(self.style.WARNING(f"Database {database!r} is NOT in sync with the models:"))
            self.write_plan(plan, verbosity)
            self.stdout.write(summary(plan))
            self.stdout.write("Run `manage.py autoupdate` to apply.")
        if not plan.in_sync:
            # Like `migrate --check` and `makemigrations --check` (Django's own sys.exit(1)): the answer is the
            # exit code, the differences are on stdout, and there is no error to print.
            self.stdout.flush()
            sys.exit(1)


def summary(plan) -> str:
    """"3 differences in 2 tables" (blocking notes count as differences: isactual fails on them too)."""
    blocking = [n for n in plan.notes if n.blocks_sync]
    count = len(plan.changes) + len(blocking)
    tables = {c.table.key for c in plan.changes} | {n.table for n in blocking}
    return (f"{count} difference{'s' if count != 1 else ''} in {len(tables)} table{'s' if len(tables) != 1 else ''}"
            f" ({plan.tables_compared} compared).")
