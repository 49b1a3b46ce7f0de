"""manage.py automigrate: drop and re-create the tables of LoopBack models, as LoopBack's automigrate()."""
from __future__ import annotations

from django.core.management.base import CommandError
from django.db import Error, connections

from ...api import automigrate
from ...exceptions import AutomigrateRefused, Cancelled, LbsyncError, StepFailed
from ...sqlrules import printable
from ...vendors import vendor_for
from ._base import EXIT_ERROR, EXIT_INVALID, EXIT_REFUSED, LbsyncCommand


class Command(LbsyncCommand):
    help = (
        "Drop and re-create the tables of the named LoopBack models, or of every model attached to the "
        "database's datasources (built-ins included). Asks before dropping tables that hold rows."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        self.add_noinput(parser, help="Never prompt: drop tables that hold rows without asking (as flush "
                                      "--noinput does).")
        parser.add_argument("--sql", action="store_true", help="Print the DDL instead of running it; change nothing.")
        parser.add_argument(
            "--assume-empty", action="store_true",
            help="With --sql: render for an empty database without connecting to it (offline DDL).",
        )
        self.add_lock_timeout(parser)

    def handle(self, *args, models, database, interactive, sql, assume_empty, lock_timeout, verbosity, **options):
        self.check_database(database)
        lock_timeout = self.parse_lock_timeout(lock_timeout)
        if assume_empty and not sql:
            raise CommandError("--assume-empty only makes sense with --sql.", returncode=EXIT_INVALID)
        self.verbosity = verbosity
        self.pending = None
        self.steps_done, self.steps_total, self.sql = 0, None, sql
        try:
            batched = vendor_for(connections[database]).batches_ddl  # statements go out after rendering
            with self.statements_shown(database, verbosity if not sql else 0, as_sent=batched):
                result = automigrate(
                    models or None,
                    using=database,
                    dry_run=sql,
                    assume_empty=assume_empty,
                    confirm=self.confirm if interactive else None,
                    progress=None if sql else self.progress,
                    lock_timeout=lock_timeout,
                    on_wait=self.waiting,
                    on_plan=self.plan_ready,
                    on_notice=self.notice,
                )
        except Cancelled as exc:
            raise CommandError(str(exc), returncode=EXIT_ERROR) from None
        except AutomigrateRefused as exc:
            raise CommandError(str(exc), returncode=EXIT_REFUSED) from None
        except StepFailed as exc:  # the API says what was done, or that it was rolled back
            if self.pending and self.verbosity >= 1:  # end the "Creating table x..." line
                self.stdout.write(self.style.ERROR(" FAILED"))
            raise self.database_failure(exc) from None
        except LbsyncError as exc:
            raise self.fail(exc) from None
        except Error as exc:  # reading the catalog or counting rows: a failing step is a StepFailed
            raise self.database_failure(exc, "Automigrate failed; nothing was changed: ") from None
        if not result.created:  # every attached model's table is (re-)created: none means none attached
            raise self.no_models(database)
        if sql:  # returned, so call_command(..., sql=True) gives the DDL too (Django prints what handle returns)
            return "\n".join(result.sql)
        if verbosity >= 1:
            # Said with or without a prompt (--noinput): what went with the tables, what came back.
            for name in result.dependents:
                self.stdout.write(f"  Dropped with them: {printable(name)}")
            for name in result.lost:
                self.stdout.write(f"  Lost with them (not re-created): {printable(name)}")
            for name in result.restored_foreign_keys:
                self.stdout.write(f"  Re-created foreign key {name}")
            self.stdout.write(f"Automigrated {len(result.created)} table(s) on database {database!r}.")

    def confirm(self, tables_with_rows: dict[str, int]) -> bool:
        question = ""
        if tables_with_rows:
            lines = "\n".join(f"  {table}: {rows} row{'s' if rows != 1 else ''}"
                              for table, rows in tables_with_rows.items())
            question += f"Automigrate drops and re-creates these tables, and their rows are lost:\n{lines}\n"
        dependents = getattr(tables_with_rows, "dependents", [])
        if dependents:
            question += ("Dropping them also drops these objects (foreign keys declared by attached models are "
                         "created again; the rest is gone):\n"
                         + "\n".join(f"  {printable(name)}" for name in dependents) + "\n")
        lost = getattr(tables_with_rows, "lost", [])
        if lost:
            question += ("These belong to the tables and are lost: the new tables get only what the models "
                         "declare:\n" + "\n".join(f"  {printable(name)}" for name in lost) + "\n")
        return self.ask(f"{question}Type 'yes' to continue, or 'no' to cancel: ")

    def plan_ready(self, plan) -> None:
        """The total of the [N/M] counter: the tables dropped and created (FK steps are not shown)."""
        from ...changes import CreateTable, DropTable

        self.steps_total = sum(1 for c in plan.changes if isinstance(c, (CreateTable, DropTable)))
        self.sending = not self.sql
        if self.verbosity >= 1 and self.steps_total and not self.sql:
            self.heading("Running automigrate:")

    def progress(self, action: str, table) -> None:
        if action in ("drop", "create"):  # -v 2: round trips another thread ran, printed between lines
            self.flush_sent()
        # Only to end a started line with FAILED: what was done is the API's to say (StepFailed).
        self.pending = action in ("drop", "create")
        if self.verbosity < 1:
            return
        if action in ("drop", "create"):
            self.steps_done += 1
            self.step_started()
            verb = "Dropping" if action == "drop" else "Creating"
            self.stdout.write(f"  [{self.steps_done}/{self.steps_total or '?'}] {verb} table {table.key}...",
                              ending="")
        else:
            self.step_done(self.verbosity)
        self.stdout.flush()
