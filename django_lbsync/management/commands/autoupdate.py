"""manage.py autoupdate: change the tables to match the LoopBack models, safely (LoopBack's autoupdate())."""
from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.db import DatabaseError

from ...api import autoupdate
from ...exceptions import ChangesRefused, LbsyncError, StepFailed
from ._base import EXIT_ERROR, EXIT_REFUSED, LbsyncCommand


class Command(LbsyncCommand):
    help = (
        "Create missing tables and alter existing ones to match the LoopBack models. Changes that would lose "
        "data are listed with row counts and need confirmation or --allow-destructive."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        self.add_noinput(parser)
        self.add_format(parser)
        parser.add_argument("--sql", action="store_true", help="Print the SQL instead of running it; change nothing.")
        parser.add_argument("--allow-destructive", action="store_true",
                            help="Apply changes that lose or rewrite data without asking.")
        parser.add_argument("--prune", action="store_true",
                            help="Also drop indexes and foreign keys that no model declares (kept by default).")
        self.add_lock_timeout(parser)

    def handle(self, *args, models, database, interactive, sql, allow_destructive, prune, lock_timeout, verbosity,
               format, **options):
        self.check_database(database)
        lock_timeout = self.parse_lock_timeout(lock_timeout)
        self.verbosity, self.format = verbosity, format
        try:
            result = autoupdate(
                models or None, using=database, allow_destructive=allow_destructive, dry_run=sql, prune=prune,
                confirm=self.confirm if interactive else None,
                progress=None if (sql or format == "json") else self.progress,
                lock_timeout=lock_timeout, on_wait=self.waiting,
            )
        except ChangesRefused as exc:
            if format == "json":
                self.stdout.write(json.dumps({**exc.plan.as_dict(), "applied": False, "refused": True}, indent=2))
            raise CommandError(str(exc), returncode=EXIT_REFUSED) from None
        except StepFailed as exc:  # ApplyFailed: its message says what was applied, or that it was rolled back
            raise self.database_failure(exc) from None
        except LbsyncError as exc:
            raise self.fail(exc) from None
        except DatabaseError as exc:  # reading the schema or counting rows, before any change
            raise self.database_failure(exc, "Autoupdate failed; nothing was changed: ") from None
        plan = result.plan
        if not plan.tables_compared:
            raise self.no_models(database)
        if format == "json":
            self.stdout.write(json.dumps({**plan.as_dict(), "applied": not sql and not plan.is_empty,
                                          "sql": result.sql if sql else None}, indent=2))
            return
        if sql:
            for statement in result.sql:
                self.stdout.write(statement)
            if plan.is_empty:
                self.stdout.write("-- No changes")
            return
        if plan.is_empty:
            self.stdout.write("No changes.")
            self.write_notes(plan)
        elif verbosity >= 1:
            self.stdout.write(f"Applied {len(result.applied)} change(s) on database {database!r}.")
            self.write_notes(plan)

    def write_notes(self, plan) -> None:
        if self.verbosity >= 1:
            for note in plan.notes:
                self.stdout.write(f"  ! {note.table}: {note.message}")

    def confirm(self, plan) -> bool:
        lines = "\n".join(f"  {c.symbol} {c.describe()}: {c.reason}" for c in plan.needs_confirmation)
        return self.ask(f"These changes lose or rewrite data:\n{lines}\nType 'yes' to apply the whole plan, "
                        "or 'no' to cancel: ")

    def progress(self, state: str, change) -> None:
        if self.verbosity < 1:
            return
        if state == "start":
            if not hasattr(self, "_header"):
                self._header = True
                self.stdout.write("Running autoupdate:")
            self.stdout.write(f"  {change.symbol} {change.describe()}...", ending="")
        elif state == "done":
            self.stdout.write(self.style.SUCCESS(" OK"))
        else:
            self.stdout.write(self.style.ERROR(" FAILED"))
        self.stdout.flush()


