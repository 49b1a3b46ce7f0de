"""Every exception django-lbsync raises on purpose, all here and all exported from `django_lbsync`
(tests/test_exceptions.py checks both). Every message names where the problem is. The commands map each
class to an exit code (management/commands/_base.py, docs/exit-codes-and-waits.md)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class LbsyncError(Exception):
    """Base class of every error django-lbsync raises on purpose: `except LbsyncError` catches them all. A
    class the commands do not map to another exit code is exit 1."""


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem in the LoopBack definitions: which file, which model, which property. `code`: set on a
    warning (lbsync.W004 and up, docs/input-validation.md), None on a problem that refuses the definitions."""

    message: str
    path: Path | str | None = None
    model: str | None = None
    prop: str | None = None
    code: str | None = None

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(str(self.path))
        if self.model:
            where.append(f"model {self.model}")
        if self.prop:
            where.append(f"property {self.prop}")
        return f"{': '.join(where)}: {self.message}" if where else self.message


class DefinitionError(LbsyncError):
    """The LoopBack definitions are invalid (loading the JSON, or building the schema from it); raised before
    anything connects or changes. `problems`: every DefinitionProblem found, not only the first. Commands
    exit 2."""

    def __init__(self, problems: list[DefinitionProblem], warnings: list[DefinitionProblem] = ()):
        self.problems = list(problems)
        #: what the loader warned about before it refused (lbsync.W004 and up; shown by `check`)
        self.warnings = list(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownModel(LbsyncError):
    """A model name was asked for (a command's MODEL argument, `models=`, `db_names()`) that is not attached
    to the database's datasources; raised before anything changes. Commands exit 2."""


class ConfigurationError(LbsyncError):
    """The LBSYNC setting is missing or wrong, a bound such as `lock_timeout` or CONNECT_TIMEOUT is not a
    usable number, or the database's backend is none of the supported ones (named in the message). Raised
    before anything changes. Commands exit 2."""


class ChangesRefused(LbsyncError):
    """Changes that would lose data were not confirmed, or the data makes them impossible.

    Raised by autoupdate before any change; nothing was applied. `plan` is the whole plan; `changes` the
    ones refused; `impossible` True when the data makes them impossible (no consent helps). Commands exit 3.
    """

    def __init__(self, plan, changes, impossible: bool):
        self.plan, self.changes, self.impossible = plan, tuple(changes), impossible
        head = ("The data makes these changes impossible; nothing was applied:" if impossible else
                "These changes would lose or rewrite data; nothing was applied (confirm, or pass "
                "--allow-destructive / allow_destructive=True):")
        super().__init__(head + "".join(f"\n  {c.describe()}: {c.reason}" for c in self.changes))


class OnlineUnsupported(LbsyncError):
    """`autoupdate --online` on a database with no online form of its changes (SQLite, Oracle, SQL Server), or
    in a migration that is atomic (CREATE INDEX CONCURRENTLY cannot run in a transaction). Raised before
    anything changes. Commands exit 2 (docs/online.md)."""


class OnlineRefused(LbsyncError):
    """`autoupdate --online`: changes that would still block writers for a scan or a rewrite of their table
    (a MySQL ALTER only ALGORITHM=COPY can do, a PostgreSQL type change that rewrites) — refused rather than
    run under a lock. Raised before any change; nothing was applied. `plan`: the whole plan; `changes`: the
    ones refused. When the server itself refuses the online form part-way, the run stops with an ApplyFailed
    whose `error` is this. Commands exit 3 (docs/online.md)."""

    def __init__(self, plan, changes, detail: str = ""):
        self.plan, self.changes = plan, tuple(changes)
        lines = "".join(f"\n  {c.describe()}: {c.lock.summary() if c.lock else 'no online form'}" for c in self.changes)
        super().__init__("These changes have no online form that keeps writes going; nothing was applied "
                         f"(run without --online in a maintenance window):{lines}" + (f"\n{detail}" if detail else ""))


class UnsafeLiveName(LbsyncError):
    """Live catalog names that fail the identifier rule (docs/sql-safety.md); exit 2.

    Raised before anything is sent or written; the message says what was not done. `problems`: one line
    per name refused.
    """

    def __init__(self, problems: list[str], *, consequence: str):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"Refused {count} live name{'s' if count != 1 else ''} that cannot be used in SQL safely; {consequence}:\n"
            + "\n".join(f"  {p}" for p in self.problems))


class UnsupportedDatabase(LbsyncError):
    """The database backend cannot do what was asked: the generic catalog reader has no hooks for it, or a
    schema name to read cannot be used in SQL. Raised before anything changes. Commands exit 2."""


# -- reaching the database, and waiting for it ----------------------------------------------------------------

class DatabaseUnreachable(LbsyncError):
    """The database could not be connected to: refused, timed out, unknown host, authentication, a SQLite file
    that is missing (read-only work) or is not a database. Raised by `connecting.reachable()` while the
    connection is being opened; commands exit 4. `alias` is the Django database alias."""

    def __init__(self, alias: str, message: str):
        self.alias = alias
        super().__init__(message)


class CatalogInconsistent(LbsyncError):
    """The live catalog could not be read as a schema: its rows did not fit together or held values of a kind no
    catalog gives (`introspect.introspect`). Most often another session changed the schema while it was read
    (an automigrate in progress): run again once that change is done. Raised while reading, it says nothing of
    what the caller did before (a split run names its committed part as a StepFailed whose error this is). A
    table read with rows that did not fit (`Table.unsound`) is not planned from. The reader's own error is the
    `__cause__`. Commands exit 1."""


class LockTimeout(LbsyncError):
    """Another django-lbsync run held the database's lock for longer than `lock_timeout`
    (`locking.database_lock`); nothing was done. Commands exit 1."""


# -- refusals: raised before anything is changed ----------------------------------------------------------------

class Cancelled(LbsyncError):
    """automigrate asked for confirmation (tables with rows, dependents, lost objects) and the answer was no;
    nothing was changed. Commands exit 1."""


class AutomigrateRefused(LbsyncError):
    """automigrate would break what it cannot restore (dependents.py): rows of another table point into a table
    it empties, or (MySQL) a foreign key it must drop first has a name that fails the identifier rule. Raised
    before any drop; nothing was changed. Commands exit 3."""


class RebuildRefused(LbsyncError):
    """SQLite: a table rebuild would lose an object the tool does not manage (a trigger, a partial or
    expression index it cannot re-create; rebuild.py). The step is not run; the failure reaches the caller as
    the `error` of an ApplyFailed."""


class TooManyRelations(LbsyncError):
    """PostgreSQL: one transaction would need more locks than the server's lock table holds with room for other
    sessions, and the caller's transaction (a migration's) cannot be split (`batch.check_lock_capacity`); raised
    before anything runs, nothing was changed. Commands run such plans in several transactions instead
    (batch.split_changes). Commands exit 1."""


class DataChanged(LbsyncError):
    """A count taken by the preflight no longer holds right before its step: a writer outside django-lbsync
    changed the table in between. The step is not run; the failure reaches the caller as the `error` of an
    ApplyFailed."""


class OtherModelFiles(LbsyncError):
    """Discovery: the output folder holds files this run must not touch without --force, found before
    anything is written. `folder`: the output folder; `files`: model files this run would not write, which
    the generated model-config.json (whose sources include the folder) would load with the new ones;
    `config`: the folder's own model-config.json when writing would replace configuration this run does not
    write (other models, other `_meta`), else None; `config_reason` says what. Commands exit 2."""

    def __init__(self, folder: Path, files: list[Path], config: Path | None = None, config_reason: str | None = None):
        from .sqlrules import shown  # sqlrules imports this module: a top-level import would be a cycle

        self.folder, self.files, self.config, self.config_reason = folder, files, config, config_reason
        parts = []
        if files:
            them = "them" if len(files) != 1 else "it"
            parts.append(f"{shown(str(folder))} already holds {len(files)} model file{'s' if len(files) != 1 else ''} "
                         f"this discovery would not write; the model-config.json written there would load {them} "
                         "with the discovered models:\n" + "\n".join(f"  {shown(f.name)}" for f in files))
        if config is not None:
            parts.append(f"{shown(str(config))} would be replaced, and it holds what this discovery would not "
                         f"write: {config_reason}")
        super().__init__("\n".join(parts) + "\nNothing was written. Move them away, choose an empty folder, or pass "
                         "--force to write anyway.")


class RefusedValue(LbsyncError, ValueError):
    """A value in one property the database would refuse (a default the column cannot hold, an ENUM without
    values), raised by a vendor while it builds the column. desired.build_schema turns it into a
    DefinitionProblem naming file, model and property, so callers see it in a DefinitionError (exit 2),
    never alone."""


class MissingHandler(LbsyncError, TypeError):
    """A change type has no risk assessor, applier or describer (changes.require_handlers). Raised when a
    module loads, so a new change type can never pass as SAFE or be skipped at run time. A TypeError too: it is
    a programming error, not a condition of the database."""


# -- a run that failed part-way ------------------------------------------------------------------------------------

def driver_message(error: Exception) -> str:
    """A driver error as one line: MySQL's (1005, 'Can't create ...') reads `1005: Can't create ...`."""
    args = getattr(error, "args", ())
    if len(args) == 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return f"{args[0]}: {args[1]}"
    return str(error)


class StepFailed(LbsyncError):
    """A run that changes the schema stopped at a failing step. The one partial-failure type: automigrate and
    autoupdate raise it (or its subclasses ApplyFailed and StatementFailed), and the commands print its message
    as it is (exit 1).

    Attributes:
      `done`: the steps done before the failure, as readable descriptions ("Drop table customer", ...). They
        stay done only where `rolled_back` is False.
      `failed`: the step that failed, as a readable description.
      `error`: the exception the step raised (the driver's error, or DataChanged / RebuildRefused).
      `rolled_back`: True when the run was one transaction and the database rolled it back (PostgreSQL, SQLite),
        so nothing of `done` remains (False when `in_doubt`: the connection was lost during COMMIT, so the last
        transaction may have committed); False where DDL cannot be rolled back (MySQL/MariaDB, Oracle, a
        non-atomic migration).
      `lost_in_migration`: the run was inside a Django migration (`using=schema_editor`) on a database that rolls
        DDL back, and the connection died: with `rolled_back` the migration's atomic transaction, which Django
        owns, was rolled back by the server; without it (a non-atomic migration) what ran stays committed.

    The message: `<failed> failed: <driver message>`, then either "The run was rolled back; the database is
    as it was." or `<n> step(s) done before the failure: <done>; this database cannot roll DDL back. Fix the
    cause and run again.` (docs/exit-codes-and-waits.md, "When a run fails part-way").
    """

    def __init__(self, done: list[str], failed: str, error: Exception, rolled_back: bool, *,
                 split: tuple[int, int] | None = None, online_sent: list[str] | None = None, in_doubt: bool = False,
                 lost_in_migration: bool = False):
        self.done, self.failed, self.error, self.rolled_back = list(done), failed, error, rolled_back
        #: The connection was lost during COMMIT: the server may have committed the (last) transaction or not.
        self.in_doubt = in_doubt
        #: The connection died while the run ran inside a migration's transaction (or, non-atomic, outside one).
        self.lost_in_migration = lost_in_migration
        #: autoupdate --online: the statements of the failed step that ran (and committed) before it failed;
        #: None for a run that is not online.
        self.online_sent = online_sent
        #: (the transaction that failed, how many there were) when a large PostgreSQL run was split into several
        #: transactions (batch.split_changes): the earlier ones are committed, this one was rolled back.
        self.split = split
        super().__init__(f"{failed} failed: {driver_message(error)}\n{self.state()}")

    def state(self) -> str:
        """What the failure left: the second line of the message."""
        if self.in_doubt:
            count = len(self.done)
            before = ""
            if self.split and self.split[0] > 1:
                failed, total = self.split
                before = (f"The run was split into {total} transactions; the earlier ones committed {count} "
                          f"step{'s' if count != 1 else ''}" + (f": {'; '.join(self.done[:10])}" if self.done else "")
                          + (f"; ... and {count - 10} more" if count > 10 else "") + ". ")
                what = f"transaction {failed}"
            else:
                what = "the run"
            return (before + f"The connection was lost during the COMMIT of {what}: whether the database committed "
                    "it is unknown. Run isactual to see what the database holds; running again finishes the work.")
        if self.split and self.split[0] > 1:
            failed, total = self.split
            count = len(self.done)
            shown = "; ".join(self.done[:10]) + (f"; ... and {count - 10} more" if count > 10 else "")
            return (f"The run was split into {total} transactions (the lock table holds too few locks for one); "
                    f"transaction{'s' if failed > 2 else ''} 1{f'-{failed - 1}' if failed > 2 else ''} committed "
                    f"{count} step{'s' if count != 1 else ''}" + (f": {shown}" if self.done else "")
                    + f"; transaction {failed} was rolled back, and {total - failed} more did not run. "
                    "Fix the cause and run again: the rerun finishes the work.")
        if self.lost_in_migration and self.rolled_back:
            # Django's atomic() would roll back on the way out, but the connection is gone: the server already did.
            return ("The connection was lost, so the server rolled back the migration's transaction: nothing this "
                    "migration did was committed. Run the migration again once the database answers.")
        if self.rolled_back:
            return "The run was rolled back; the database is as it was."
        count = len(self.done)
        if self.lost_in_migration:  # a non-atomic migration: each statement committed as it ran
            return (f"{count} step{'s' if count != 1 else ''} done before the failure"
                    + (": " + "; ".join(self.done) if self.done else "")
                    + f"; the migration is not atomic, so {'they stay' if count != 1 else 'it stays'} committed, and "
                    "the failed step may be partly done. Run the migration again once the database answers: it finishes the work.")
        if self.online_sent is not None:  # autoupdate --online: every statement commits on its own
            steps = f"{count} step{'s' if count != 1 else ''} done before the failure"
            ran = (f"; of the failed step, {len(self.online_sent)} statement(s) ran: "
                   + "; ".join(statement_summary(s) for s in self.online_sent)) if self.online_sent else \
                "; nothing of the failed step ran"
            return (steps + (": " + "; ".join(self.done) if self.done else "") + ran
                    + ". An online run is not one transaction: run autoupdate --online again, it cleans what "
                    "the failed step left (INVALID indexes, NOT VALID constraints) and finishes.")
        steps = f"{count} step{'s' if count != 1 else ''} done before the failure"
        return (steps + (": " + "; ".join(self.done) if self.done else "")
                + "; this database cannot roll DDL back. Fix the cause and run again.")


@dataclass(frozen=True)
class RunStage:
    """What failed when it was no change of the plan, in an ApplyFailed's `change`: the COMMIT that ends the run
    ("COMMIT"; "Ending the run" where DDL commits as it runs), and in a split PostgreSQL run "COMMIT of
    transaction N", "Reading the schema for transaction N" or "Starting transaction N". `changes`: the
    changes whose fate it decided and that are not in `applied`: those the COMMIT was to make lasting (rolled
    back, or in doubt: see the message), or those the transaction about to start would have run (not run)."""

    name: str
    changes: tuple = ()

    def describe(self) -> str:
        return self.name


class ApplyFailed(StepFailed):
    """autoupdate (and automigrate where steps run as they render: SQLite, a migration): a change of the plan
    failed (apply.apply), or the run's end. Every failure of autoupdate() once its first step ran is one.
    `applied`: the Change objects done before it (they stay done only where `rolled_back` and `in_doubt` are
    False); `change`: the Change that failed, or a RunStage when the COMMIT, or reading the schema or starting
    a transaction of a split run, failed. `done` and `failed` describe them (describe())."""

    def __init__(self, applied: list, failed, error: Exception, rolled_back: bool, *,
                 split: tuple[int, int] | None = None, online_sent: list[str] | None = None, in_doubt: bool = False,
                 lost_in_migration: bool = False):
        self.applied, self.change = list(applied), failed
        super().__init__([c.describe() for c in self.applied], failed.describe(), error, rolled_back, split=split,
                         online_sent=online_sent, in_doubt=in_doubt, lost_in_migration=lost_in_migration)


def commit_in_doubt(error: BaseException, connection, raw_before=None) -> bool:
    """A COMMIT that failed this way may have committed: the connection went (OperationalError, InterfaceError,
    and the connection no longer answers) after the server got the COMMIT, or before; no answer tells which. A
    failure the server answered (a deferred constraint, a serialization failure, SQLite's "database is locked":
    the connection still works) rolled back for sure, and SQLite's answer is always local. `raw_before`: the
    driver connection the run used, when the caller knows it."""
    return connection_lost(error, connection, raw_before)


def connection_lost(error: BaseException, connection, raw_before=None) -> bool:
    """`error` (an OperationalError or InterfaceError) came with the run's connection going away: the driver
    dropped it, or it no longer answers a probe. Never on SQLite (in-process). Ask it where no transaction is
    open (after a COMMIT); inside one that a failed statement aborted, the probe fails anyway: lost_in_transaction
    asks the driver instead."""
    from django.db import InterfaceError, OperationalError

    from .vendors import vendor_for

    if not isinstance(error, (InterfaceError, OperationalError)) or vendor_for(connection).commit_answer_is_local:
        return False
    raw = connection.connection
    if raw is None or (raw_before is not None and raw is not raw_before):
        return True  # the driver's connection was dropped on the way out (`raw_before`: the one that committed)
    try:
        return not connection.is_usable()
    except Exception:  # noqa: BLE001 - asking a dead connection fails too
        return True


def lost_in_transaction(error: BaseException, connection) -> bool:
    """`error` came with the connection dying inside a transaction the run does not own (a migration's): the
    driver says its connection broke (Vendor.connection_broken). Sends nothing, so the transaction, aborted or
    not, is left to its owner; False where the driver cannot tell."""
    from django.db import InterfaceError, OperationalError

    from .vendors import vendor_for

    return isinstance(error, (InterfaceError, OperationalError)) and vendor_for(connection).connection_broken(connection)


def statement_summary(sql: str) -> str:
    """A statement as a step: its head up to the first parenthesis, on one line, at most 120 characters
    (`CREATE TABLE "customer"`, `ALTER TABLE `t` ADD CONSTRAINT `f` FOREIGN KEY`)."""
    head = " ".join(_before_parenthesis(sql).split()).rstrip(";")
    return head if len(head) <= 120 else head[:117] + "..."


def _before_parenthesis(sql: str) -> str:
    """`sql` up to its first parenthesis outside a quoted name or string: a table named `a (b)` stays whole."""
    closing = {'"': '"', "`": "`", "'": "'", "[": "]"}
    quote = None
    for position, char in enumerate(sql):
        if quote is not None:
            if char == quote:
                quote = None  # a doubled quote closes and reopens: the same state either way
        elif char in closing:
            quote = closing[char]
        elif char == "(":
            return sql[:position]
    return sql


class StatementFailed(StepFailed):
    """automigrate's batched send (batch.send) failed. `executed`: the SQL statements sent before the failing
    one; `statement`: the failing SQL ("" when no statement failed but the run's own connection was lost
    while other connections worked, fanout.py). PostgreSQL sends many statements per round trip; when one fails, the
    round trip is replayed statement by statement from a savepoint to name the one (batch.send). Only if none
    fails alone is `statement` the `batch` sent together, joined by newlines. `done` and `failed` describe
    them by their heads (statement_summary)."""

    def __init__(self, executed: list[str], failed: str, error: Exception, rolled_back: bool, *,
                 batch: list[str] | None = None, split: tuple[int, int] | None = None,
                 described: str | None = None, in_doubt: bool = False):
        self.executed, self.statement = list(executed), failed
        batch = batch or [failed]
        described = described or (f"Statement {statement_summary(batch[0])}" if len(batch) == 1 else
                     f"The {len(batch)} statements sent together, {statement_summary(batch[0])} to "
                     f"{statement_summary(batch[-1])},")
        super().__init__([statement_summary(s) for s in self.executed], described, error, rolled_back, split=split,
                         in_doubt=in_doubt)
