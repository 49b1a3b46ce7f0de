"""manage.py autoupdate: change the tables to match the LoopBack models, safely (LoopBack's autoupdate())."""
from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.db import Error

from ...api import autoupdate, get_plan
from ...exceptions import ChangesRefused, LbsyncError, OnlineRefused, StepFailed
from ...locks import blocking_warnings
from ._base import EXIT_ERROR, EXIT_REFUSED, LbsyncCommand


class Command(LbsyncCommand):
    help = (
        "Create missing tables and alter existing ones to match the LoopBack models. Changes that would lose "
        "data are listed with row counts and need confirmation or --allow-destructive."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        self.add_noinput(parser, help="Never prompt. Changes that lose or rewrite data are then refused (exit 3) "
                                      "unless --allow-destructive is given.")
        self.add_format(parser)
        parser.add_argument("--sql", action="store_true", help="Print the SQL instead of running it; change nothing.")
        parser.add_argument("--plan", action="store_true",
                            help="Show the plan (what would change, with each change's risk) and change nothing, "
                                 "like migrate --plan. Read-only: catalog queries only, no row counts.")
        parser.add_argument("--allow-destructive", action="store_true",
                            help="Apply changes that lose or rewrite data without asking.")
        parser.add_argument("--prune", action="store_true",
                            help="Also drop indexes and foreign keys that no model declares (kept by default).")
        parser.add_argument("--online", action="store_true",
                            help="Run the plan in forms that keep the application writing (PostgreSQL: CONCURRENTLY, "
                                 "NOT VALID then VALIDATE; MySQL/MariaDB: ALGORITHM=INSTANT or INPLACE, LOCK=NONE). "
                                 "Not one transaction. Changes with no such form are refused (exit 3); SQLite, "
                                 "Oracle and SQL Server refuse --online (exit 2). See docs/online.md.")
        self.add_lock_timeout(parser)

    def handle(self, *args, models, database, interactive, sql, plan, allow_destructive, prune, lock_timeout,
               verbosity, format, online=False, **options):
        self.check_database(database)
        lock_timeout = self.parse_lock_timeout(lock_timeout)
        self.verbosity, self.format, self.online = verbosity, format, online
        if plan:
            return self.show_plan(models, database, prune, verbosity, format)
        try:
            with self.statements_shown(database, verbosity if not (sql or format == "json") else 0):
                result = autoupdate(
                    models or None, using=database, allow_destructive=allow_destructive, dry_run=sql, prune=prune,
                    confirm=self.confirm if interactive else None,
                    progress=None if (sql or format == "json") else self.progress,
                    lock_timeout=lock_timeout, on_wait=self.waiting, on_plan=self.plan_ready,
                    on_notice=self.notice, online=online,
                )
        except (ChangesRefused, OnlineRefused) as exc:
            if format == "json" and exc.plan:
                self.stdout.write(json.dumps({**exc.plan.as_dict(), "applied": False, "refused": True}, indent=2))
            raise CommandError(str(exc), returncode=EXIT_REFUSED) from None
        except StepFailed as exc:  # ApplyFailed: its message says what was applied, or that it was rolled back
            raise self.database_failure(exc) from None
        except LbsyncError as exc:
            raise self.fail(exc) from None
        except Error as exc:  # reading the schema or counting rows, before any change
            raise self.database_failure(exc, "Autoupdate failed; nothing was changed: ") from None
        plan = result.plan
        if not plan.tables_compared:
            raise self.no_models(database)
        if format == "json":
            self.stdout.write(json.dumps({**plan.as_dict(), "applied": not sql and not plan.is_empty,
                                          "sql": result.sql if sql else None}, indent=2))
            return
        if sql:  # returned, so call_command(..., sql=True) gives the SQL too (Django prints what handle returns)
            return "\n".join(result.sql) if not plan.is_empty else "-- No changes"
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

    def show_plan(self, models, database, prune, verbosity, format):
        try:
            plan = get_plan(models or None, using=database, prune=prune, online=getattr(self, "online", False))
        except LbsyncError as exc:
            raise self.fail(exc) from None
        except Error as exc:
            raise self.database_failure(exc, "Could not read the schema: ") from None
        if not plan.tables_compared:
            raise self.no_models(database)
        if format == "json":
            self.stdout.write(json.dumps({**plan.as_dict(), "applied": False}, indent=2))
            return
        self.heading("Planned operations:")
        if plan.is_empty:
            self.stdout.write("  No planned operations.")
        self.write_plan(plan, max(verbosity, 1))

    def confirm(self, plan) -> bool:
        """The whole plan first (what the yes applies), then the changes that need the yes, with their counts."""
        self.heading("Autoupdate plan:")
        self.write_plan(plan, self.verbosity)
        self._plan_shown = True
        lines = "\n".join(f"  {c.symbol} {c.describe()}: {c.reason}" for c in plan.needs_confirmation)
        return self.ask(f"These changes lose or rewrite data:\n{lines}\nType 'yes' to apply the whole plan, "
                        "or 'no' to cancel: ")

    def plan_ready(self, plan) -> None:
        self._done, self._total = 0, len(plan.changes)
        if self.format == "json" or self.verbosity < 1:
            return
        if self.verbosity >= 2 and not getattr(self, "_plan_shown", False):  # each change with its lock
            self.heading("Autoupdate plan:")
            self.write_plan(plan, self.verbosity)
        elif not getattr(self, "_plan_shown", False):
            for line in blocking_warnings(plan):  # write_plan prints them with the plan
                self.stdout.write(self.style.WARNING(line))
        if plan.online:
            self.stdout.write(self.style.NOTICE(
                "Online run: each step commits on its own, outside a transaction; a failure leaves the steps "
                "before it applied, and a rerun finishes the work."))

    def progress(self, state: str, change) -> None:
        if self.verbosity < 1:
            return
        if state == "start":
            if not getattr(self, "_header", False):
                self._header = True
                self.heading("Running autoupdate:")
            self._done = getattr(self, "_done", 0) + 1
            total = getattr(self, "_total", None)
            self.step_started()
            self.stdout.write(f"  [{self._done}/{total or '?'}] {change.symbol} {change.describe()}...", ending="")
        else:
            self.step_done(self.verbosity, ok=state == "done")
        self.stdout.flush()


