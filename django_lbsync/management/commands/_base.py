"""What every lbsync command shares: options, error mapping, confirmation."""
from __future__ import annotations

import logging
import re
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, Error, connections

from ... import conf
from ...connecting import DatabaseUnreachable, reachable
from ...exceptions import (
    ChangesRefused, ConfigurationError, DefinitionError, LbsyncError, OnlineRefused, OnlineUnsupported, UnknownModel,
    UnsafeLiveName, UnsupportedDatabase,
)
from ...locking import table_lock_wait_exceeded
from ...sqlrules import printable

#: Statements -v 2 does not show among automigrate's round trips: reads and transaction housekeeping.
_HOUSEKEEPING = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)

#: Exit codes a CI script can rely on (DESIGN Part 1, decision 5).
EXIT_ERROR = 1
EXIT_INVALID = 2
EXIT_REFUSED = 3
EXIT_UNREACHABLE = 4


class LbsyncCommand(BaseCommand):
    requires_system_checks: list = []  # definitions are checked by the command itself, with exit code 2
    lock_seconds: float | None = None

    def execute(self, *args, **options):
        """The one error path of every command for what escapes `handle`: a connect bounded by
        LBSYNC["CONNECT_TIMEOUT"], and "cannot connect" as exit 4, one line, no traceback."""
        alias = options.get("database") or DEFAULT_DB_ALIAS
        if alias not in connections.settings:
            raise CommandError(f"Unknown database {alias!r}.", returncode=EXIT_INVALID)
        try:
            with reachable(connections[alias]), self.definition_warnings_shown():
                return super().execute(*args, **options)
        except LbsyncError as exc:
            # --traceback shows where it came from (a reader's own error behind CatalogInconsistent).
            raise self.fail(exc) from (exc if options.get("traceback") else None)
        except Error as exc:  # connected, then the database failed (InterfaceError too: a connection that is gone)
            raise self.database_failure(exc) from None

    @contextmanager
    def definition_warnings_shown(self):
        """While the command runs, each definition warning (lbsync.W004 and up: a log record with
        `lbsync_warning`) is written once to the command's stderr, and not handed on to the log handlers:
        a command run prints it once however often the definitions are loaded. It never fails the run."""
        shown: set[str] = set()
        logger = logging.getLogger("django_lbsync")

        def print_once(record: logging.LogRecord) -> bool:
            if not getattr(record, "lbsync_warning", None):
                return True
            message = record.getMessage()
            if message not in shown:
                shown.add(message)
                self.stderr.write(self.style.WARNING(f"Warning: {printable(message)}"))
            return False

        logger.addFilter(print_once)
        try:
            yield
        finally:
            logger.removeFilter(print_once)

    def add_arguments(self, parser):
        parser.add_argument("models", nargs="*", metavar="MODEL", help="LoopBack model names (default: all attached).")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help='The Django database alias to act on (default: "default").'
        )

    def add_noinput(self, parser, help: str = "Do not ask for confirmation; answer yes."):
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", help=help)

    def check_database(self, alias: str) -> None:
        if alias not in connections.settings:
            raise CommandError(f"Unknown database {alias!r}.", returncode=EXIT_INVALID)

    def fail(self, error: LbsyncError) -> CommandError:
        """Turn an engine error into a CommandError with the right exit code."""
        if isinstance(error, DefinitionError):
            count = len(error.problems)
            head = f"Invalid LoopBack definitions ({count} problem{'s' if count != 1 else ''}):"
            # Names from the JSON may hold line breaks or escapes: each problem stays on its own line.
            return CommandError(head + "\n" + "\n".join(f"  {printable(str(p))}" for p in error.problems),
                                returncode=EXIT_INVALID)
        if isinstance(error, (UnknownModel, ConfigurationError, UnsupportedDatabase, UnsafeLiveName, OnlineUnsupported)):
            return CommandError(str(error), returncode=EXIT_INVALID)
        if isinstance(error, (ChangesRefused, OnlineRefused)):
            return CommandError(str(error), returncode=EXIT_REFUSED)
        if isinstance(error, DatabaseUnreachable):
            return CommandError(str(error), returncode=EXIT_UNREACHABLE)
        return self.database_failure(error)

    def no_models(self, alias: str) -> CommandError:
        """Exit 2 when no LoopBack model is attached to the database: a mistyped alias or datasource name
        would otherwise make isactual say "in sync" over an empty database."""
        mapped = conf.datasources_for(alias)
        if mapped:
            why = (f'LBSYNC["DATASOURCES"] maps datasource{"s" if len(mapped) > 1 else ""} '
                   f'{", ".join(repr(d) for d in mapped)} to it, but no SQL model is attached to '
                   f'{"them" if len(mapped) > 1 else "it"} (check the dataSource names in model-config.json)')
        else:
            why = 'LBSYNC["DATASOURCES"] maps no LoopBack datasource to it'
        return CommandError(f"No LoopBack models are attached to database {alias!r}: {why}.",
                            returncode=EXIT_INVALID)

    def database_failure(self, error: Exception, prefix: str = "", then: str = "") -> CommandError:
        """A failure once connected: exit 1, saying so when it was a wait for a table lock that ran out."""
        message = f"{prefix}{error}" + (f"\n{then}" if then else "")
        if table_lock_wait_exceeded(error):
            bound = f" {self.lock_seconds:g} s" if self.lock_seconds is not None else ""
            message = (f"Gave up waiting for a table lock held by another session (--lock-timeout{bound}).\n"
                       + message)
        return CommandError(message, returncode=EXIT_ERROR)

    def add_lock_timeout(self, parser):
        parser.add_argument(
            "--lock-timeout", default="60", metavar="SECONDS",
            help="Seconds to wait for another django-lbsync run on the database, and for each table lock another "
                 "session holds (default 60).",
        )

    def parse_lock_timeout(self, value) -> float:
        try:
            self.lock_seconds = conf.seconds(value, "--lock-timeout")
        except ConfigurationError as exc:
            raise CommandError(str(exc), returncode=EXIT_INVALID) from None
        return self.lock_seconds

    def waiting(self) -> None:
        self.stderr.write("Waiting for another django-lbsync run on this database to finish...")

    def add_format(self, parser):
        parser.add_argument("--format", choices=("text", "json"), default="text", help="Output format.")

    def write_plan(self, plan, verbosity: int = 1) -> None:
        """The plan as migrate-like lines: `+` adds, `-` drops, `~` alters, styled by risk (a change that may
        lose data in WARNING, one that loses it or cannot run in ERROR); notes after. `-v 3` adds each
        change's reason, the safe ones' included."""
        for change, line in zip(plan.changes, plan.describe()):
            self.stdout.write(self.risk_style(change)(f"  {printable(line)}"))  # live names: shown escaped
            if verbosity >= 3 and not change.reason:  # a risky change's reason is on its line already
                self.stdout.write("      why: safe: no stored value can change")
            if verbosity >= 2 and change.lock is not None:
                rows = f" (about {change.estimated_rows} rows)" if change.estimated_rows is not None else ""
                self.stdout.write(f"      lock{rows}: {change.lock.summary()}")
        if verbosity >= 1 and plan.changes:
            from ...locks import blocking_warnings

            for line in blocking_warnings(plan):
                self.stdout.write(self.style.WARNING(f"  {printable(line)}"))
        if verbosity >= 1:
            for note in plan.notes:
                self.stdout.write(self.style.NOTICE(f"  ! {printable(f'{note.table}: {note.message}')}"))

    def risk_style(self, change):
        from ...changes import Risk

        if change.risk in (Risk.DESTRUCTIVE, Risk.IMPOSSIBLE):
            return self.style.ERROR
        if change.risk == Risk.DATA_DEPENDENT:
            return self.style.WARNING
        return lambda text: text

    def notice(self, text: str) -> None:
        """Something the user must know before the run goes on (a large PostgreSQL run split in parts)."""
        self.stdout.write(self.style.NOTICE(text))

    def heading(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(text))

    @contextmanager
    def statements_shown(self, alias: str, verbosity: int, as_sent: bool = False):
        """At `-v 2`, every statement sent during a step is kept, to be printed under the step with its
        time (`step_done`); below that, nothing is recorded. `as_sent`: print each round trip when it has
        run instead (automigrate's batched sending, where one round trip carries many steps)."""
        self._sent: list[str] = []
        self._sent_elsewhere: deque[str] = deque()  # appended by other threads, printed by this one
        self._step_started = time.monotonic()
        self._show_per_step = not as_sent
        if verbosity < 2:
            yield
            return

        owner = threading.current_thread()

        def record(execute, sql, params, many, context):
            text = sql if not params else f"{sql} -- params {params!r}"
            if not as_sent:
                self._sent.append(text)
                return execute(sql, params, many, context)
            started = time.monotonic()
            result = execute(sql, params, many, context)
            if not getattr(self, "sending", False) or _HOUSEKEEPING.match(sql):  # catalog reads, savepoints
                return result
            lines = text.splitlines()
            out = [f"  Sent {len(lines)} line{'s' if len(lines) != 1 else ''} in one round trip "
                   f"({time.monotonic() - started:.3f}s):"]
            out.extend(self.style.SQL_KEYWORD(f"      {printable(line)}") for line in lines)
            # A round trip run by another thread (PostgreSQL's sender, MySQL's extra connections) waits to be
            # printed by this one (flush_sent), so it never lands in the middle of a progress line.
            if threading.current_thread() is owner:
                for line in out:
                    self.stdout.write(line)
            else:
                self._sent_elsewhere.extend(out)
            return result

        try:
            with connections[alias].execute_wrapper(record):
                yield
        finally:
            self.flush_sent()

    def flush_sent(self) -> None:
        """Print the round trips other threads ran since the last call (in the command's own thread)."""
        pending = getattr(self, "_sent_elsewhere", None)
        while pending:
            self.stdout.write(pending.popleft())

    def step_started(self) -> None:
        self._sent = []
        self._step_started = time.monotonic()

    def step_done(self, verbosity: int, ok: bool = True) -> None:
        """Ends a progress line: OK or FAILED, then (-v 2) the time and the statements of the step."""
        per_step = getattr(self, "_show_per_step", True)
        elapsed = f" ({time.monotonic() - self._step_started:.3f}s)" if verbosity >= 2 and per_step else ""
        self.stdout.write((self.style.SUCCESS(" OK") if ok else self.style.ERROR(" FAILED")) + elapsed)
        if verbosity >= 2:
            for sql in getattr(self, "_sent", []):
                self.stdout.write(self.style.SQL_KEYWORD(f"      {printable(sql)}"))
        self._sent = []

    def ask(self, question: str) -> bool:
        if not sys.stdin or not sys.stdin.isatty():
            raise CommandError(
                "Confirmation needed but standard input is not a terminal; re-run with --noinput to answer yes.",
                returncode=EXIT_REFUSED,
            )
        answer = input(question)
        return answer.strip().lower() in ("yes", "y")
