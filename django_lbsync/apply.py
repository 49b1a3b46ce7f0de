"""Plan -> DDL through Django's schema editor: one small function per change type. autoupdate and
automigrate (a plan of DropTable / CreateTable / foreign key changes) both run here, so dry runs,
sqlmigrate, progress, logging and the StepFailed report are the same for both.

Each table's state is tracked as the plan goes (`current`), and every step renders the model of
that state, so Django (and SQLite's table rebuild) always sees the table as it is at that moment.
Deferred statements are flushed after each step, so a failure on MySQL can say exactly which
steps were applied.
"""
from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from dataclasses import replace
from typing import Callable, Iterator, Sequence

from django.db import models, transaction

from .bridge import UniqueIndex, add_foreign_key_sql, create_only_model, field_names_for, render_models
from .changes import (
    PHASES, AddColumn, AddForeignKey, AddGenerator, AddIndex, AlterColumn, Change, ColumnChange, CreateTable, DropColumn,
    DropForeignKey, DropIndex, DropTable, Risk, require_handlers,
)
from . import conf
from .batch import (
    MySQLFold, fanout_needs, fold_mysql_indexes_with_positions, name_failure, send, split_changes, split_notice,
)
from .fanout import FanOut, Stopped, can_fan_out, send_fanned_out
from .gcpause import collecting_new_garbage
from .exceptions import ApplyFailed, DataChanged, StatementFailed, commit_in_doubt
from .plan import Plan
from .preflight import count as preflight_count
from . import fkcheck, rebuild
from .schema import Schema, Table, keeping_live_attributes
from .locking import cleanup
from .streaming import SendFailed, StreamingSender
from .vendors import vendor_for


@contextmanager
def strict_session(connection) -> Iterator[None]:
    """Our own session in the vendor's strict sql_mode, restored afterwards (MySQL): the server then
    refuses a value that does not fit instead of clamping or cutting it with a warning."""
    mode = vendor_for(connection).strict_sql_mode
    if not mode:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@SESSION.sql_mode")
        saved = cursor.fetchone()[0]
        cursor.execute("SET SESSION sql_mode = %s", [mode])

    def restore() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION sql_mode = %s", [saved])

    try:
        yield
    finally:
        # The run's own error comes first, and a run that finished stays finished: a connection lost by now
        # has no session left to restore (locking.cleanup logs what could not be done).
        cleanup("restore the session's sql_mode", restore)


def apply(plan: Plan, editor, live: Schema, *, progress: Callable[[str, Change], None] | None = None,
          prerender: bool = False, indexes_after_tables: bool = False) -> list[Change]:
    """Run the plan's changes in order through `editor`; returns the changes applied.

    A step whose data was counted re-checks its counts right before it runs (under a writer lock
    where the database has one) and stops with ApplyFailed if they changed. `prerender`: render the
    models of every dropped table a chunk at a time (automigrate's re-run: hundreds of tables, one apps
    registry per chunk; created tables need no model class).
    `indexes_after_tables`: a run of CreateTable steps leaves Django's deferred statements (indexes) until
    its last table, as Django's migrate does (automigrate: its --sql keeps that order). Otherwise they run
    after each step, so a failure where DDL cannot roll back names exactly the steps done.
    """
    with collecting_new_garbage():  # rendered models are cycles: freed once their step ran (gcpause.py)
        return _apply(plan, editor, live, progress, prerender, indexes_after_tables)


def _apply(plan, editor, live, progress, prerender, indexes_after_tables) -> list[Change]:
    report = progress or (lambda state, change: None)
    applier = _Applier(editor, live)
    if prerender:
        applier.prerender([c.table for c in plan.changes if isinstance(c, DropTable)])
    applied: list[Change] = []
    changes = plan.changes
    # SQLite: what points nowhere in the tables the steps change, and in those pointing into them, before any
    # step ran; the run's end fails only on more than that (fkcheck.py).
    fkcheck.changing(editor, [change.table.name for change in changes])
    for i, change in enumerate(changes):
        report("start", change)
        try:
            applier.recheck(change)
            applier.run(change)
            if not (indexes_after_tables and isinstance(change, CreateTable) and i + 1 < len(changes)
                    and isinstance(changes[i + 1], CreateTable)):
                applier.flush()
            applier.done_with(change)
        except Exception as exc:  # noqa: BLE001 - re-raised with what was applied
            report("failed", change)
            raise ApplyFailed(applied, change, exc, editor.connection.features.can_rollback_ddl
                              and editor.atomic_migration) from exc
        applied.append(change)
        report("done", change)
    return applied


def apply_in_batches(plan: Plan, connection, live: Schema, *, progress: Callable[[str, Change], None] | None = None,
                     execute: bool = True, budget: int | None = None,
                     on_notice: Callable[[str], None] | None = None, first: Sequence[str] = ()) -> list[str]:
    """Render the whole plan through the same steps, then send the statements in as few round trips as
    the database allows (batch.py; vendor.batches_ddl): for plans that count no data (automigrate).

    Returns the statements (MySQL: indexes and FKs folded into their CREATE TABLE). With `execute`,
    they are sent, and progress is reported once they ran; a failing statement raises StatementFailed
    (a StepFailed). Without it (a dry run) nothing is sent and nothing reported.

    `budget` (PostgreSQL: batch.lock_budget) bounds the relations one transaction may lock: a bigger plan is
    sent as several transactions of consecutive steps (batch.split_changes), announced first through
    `on_notice`; a failure says which transactions committed (StepFailed.split).
    """
    if any(p.rows is not None for c in plan.changes for p in c.probes):
        raise ValueError("a plan with counted data re-checks it step by step: use apply()")
    vendor = vendor_for(connection)
    rendered_until: list[tuple[Change, int]] = []  # each change, and how many statements exist once it rendered

    def rendered(state: str, change: Change) -> None:
        if state == "done":
            rendered_until.append((change, len(editor.collected_sql)))

    # A split run keeps each table's indexes with its CREATE TABLE: left until the last table (as Django's
    # migrate orders them), every index of a 5,000-table run would land in the last transaction and
    # overflow the lock table the split is there to respect.
    planned_groups = split_changes(plan.changes, budget)
    split = len(planned_groups) > 1
    if (execute and vendor.sends_ddl_in_one_transaction and not vendor.folds_indexes_into_create_table
            and not connection.in_atomic_block and connection.get_autocommit()):
        # Only where no transaction of the caller's is open: send() nests in one, this path commits its own.
        return _render_while_sending(plan, connection, live, progress, first, planned_groups, budget, on_notice)
    creates = sum(isinstance(change, CreateTable) for change in plan.changes)
    if (execute and vendor.folds_indexes_into_create_table and vendor.fans_out_create_table and not split
            and conf.ddl_connections() > 1 and creates >= 2 and can_fan_out(connection)):
        return _render_while_fanning_out(plan, connection, live, progress, first,
                                         min(conf.ddl_connections(), creates))
    try:
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            apply(plan, editor, live, prerender=True, indexes_after_tables=not split, progress=rendered)
    except ApplyFailed as failed:  # render first, send after: nothing was sent, the database is as it was
        raise ApplyFailed([], failed.change, failed.error, rolled_back=True) from failed.error
    # `first`: statements the steps need before them, sent in the same batch (CREATE EXTENSION, extensions.py).
    statements = [f"{sql};" for sql in first] + list(editor.collected_sql)  # ended as the editor ends its own
    rendered_until = [(change, count + len(first)) for change, count in rendered_until]
    positions = list(range(len(statements)))
    unfolded = statements
    if vendor.folds_indexes_into_create_table:
        statements, positions = fold_mysql_indexes_with_positions(statements)
    if not execute:
        return statements
    on_sent = _reporter(rendered_until, positions, progress)
    groups = split_changes([change for change, _ in rendered_until], budget)
    if len(groups) <= 1 and vendor.fans_out_create_table and conf.ddl_connections() > 1:
        send_fanned_out(connection, statements, fanout_needs(unfolded, positions, len(statements)),
                        conf.ddl_connections(), on_sent=on_sent)
        return statements
    if len(groups) <= 1:
        send(connection, statements, on_sent=on_sent)
        return statements
    # Split (PostgreSQL only: nothing is folded there, so rendered positions are the statements' own).
    (on_notice or (lambda text: None))(split_notice(groups, budget))
    ends = dict((id(change), count) for change, count in rendered_until)
    start = 0
    for number, group in enumerate(groups, 1):
        end = len(statements) if number == len(groups) else ends[id(group[-1])]
        try:
            send(connection, statements[start:end], on_sent=lambda count, offset=start: on_sent(offset + count))
        except StatementFailed as failed:
            if number == 1:
                raise
            raise StatementFailed(statements[:start], failed.statement, failed.error, rolled_back=False,
                                  split=(number, len(groups)), described=failed.failed,
                                  in_doubt=failed.in_doubt) from failed.error
        start = end
    return statements


def _render_while_sending(plan: Plan, connection, live: Schema, progress, first: Sequence[str],
                          groups: list[list[Change]], budget: int | None, on_notice) -> list[str]:
    """apply_in_batches on PostgreSQL: the statements go to the server while the next tables render
    (streaming.py). The same statements in the same order and the same transactions (one, or the groups of a
    split run); a failure is reported as apply_in_batches reports it: rendering or the first transaction
    failing rolls everything back, a later transaction failing names what the earlier ones committed."""
    prefix = [f"{sql};" for sql in first]
    last_of_group = {id(group[-1]) for group in groups[:-1]}
    group_of = {id(change): number for number, group in enumerate(groups, 1) for change in group}
    progress_of = _DoneReporter(progress)
    rendered = progress_of.pending  # each change, and how many statements must run before it is done
    report_sent = progress_of.sent
    split = len(groups) > 1
    if split:
        (on_notice or (lambda text: None))(split_notice(groups, budget))
    raw_before = connection.connection  # the driver connection that will COMMIT (commit_in_doubt)
    with StreamingSender(connection) as sender:
        sender.feed(prefix)
        try:
            with connection.schema_editor(collect_sql=True, atomic=False) as editor, _quoting_serialised(editor):
                def step_rendered(state: str, change: Change) -> None:
                    if state != "done":
                        return
                    sender.feed(editor.collected_sql[sender.fed - len(prefix):])
                    progress_of.add(change, sender.fed)
                    if id(change) in last_of_group:
                        sender.commit()
                    report_sent(sender.sent)

                apply(plan, editor, live, prerender=True, indexes_after_tables=not split, progress=step_rendered)
            sender.feed(editor.collected_sql[sender.fed - len(prefix):])  # the editor's last deferred SQL
            sender.finish(on_progress=report_sent)
        except SendFailed:
            sender.finish()
        except ApplyFailed as failed:
            sender.drain()  # complete parts commit; the open transaction is rolled back on the way out
            report_sent(sender.committed)
            if sender.transactions:  # a split run: the earlier transactions stay committed
                applied = [change for change, _ in rendered if group_of[id(change)] <= sender.transactions]
                raise ApplyFailed(applied, failed.change, failed.error, rolled_back=False,
                                  split=(sender.transactions + 1, len(groups))) from failed.error
            raise ApplyFailed([], failed.change, failed.error, rolled_back=True) from failed.error
        sender.check_complete()
        statements = prefix + list(editor.collected_sql)
        if sender.failure is not None:
            start, chunk, error, savepoint = sender.failure
            if savepoint is None:  # not a round trip (COMMIT, a savepoint, the connection): nothing to replay
                failed = _unreplayed(statements[:start], chunk, error, connection, raw_before)
            else:
                try:
                    connection.savepoint_rollback(savepoint)
                    with connection.cursor() as cursor:
                        failed = name_failure(cursor, statements[:start], chunk, error)
                except Exception:  # noqa: BLE001 - the connection is gone (killed, server restarted): no replay
                    # The round trip's own error is the run's; the rollback below closes the broken connection.
                    failed = _unreplayed(statements[:start], chunk, error, connection, raw_before)
            # Round trips never straddle a commit: the chunk's group is that of the first change it carries
            # (the editor's last deferred statements, after every change, belong to the last group).
            carrier = next((change for change, count in rendered if count > start), None)
            number = group_of[id(carrier)] if carrier is not None else len(groups)
            if savepoint is None:  # a COMMIT or the connection: the transaction under way failed
                number = min(sender.transactions + 1, len(groups))
            report_sent(sender.committed)  # what stays made; the failed transaction's steps are not done
            if number > 1:
                raise StatementFailed(statements[:sender.committed], failed.statement, failed.error, rolled_back=False,
                                      split=(number, len(groups)), described=failed.failed,
                                      in_doubt=failed.in_doubt) from failed.error
            raise failed from failed.error
    report_sent(len(statements))
    return statements


def _render_while_fanning_out(plan: Plan, connection, live: Schema, progress, first: Sequence[str],
                              workers: int) -> list[str]:
    """apply_in_batches on MySQL: each table's CREATE TABLE, its indexes and foreign keys folded in, goes to the
    fan-out (fanout.py) as soon as it is rendered, and the server works while the next tables render. The
    statements, their order and what each waits for are those of rendering everything first (batch.MySQLFold).
    MySQL cannot roll DDL back, so a failure names what ran: a statement that fails stops the rendering
    (StatementFailed, as send_fanned_out raises it); a step that fails to render stops the sending, and what
    ran is named with it."""
    changes, group_ends = _keys_with_their_tables(plan.changes)
    plan = replace(plan, changes=tuple(changes))
    progress_of = _DoneReporter(progress)
    with FanOut(connection, workers, on_sent=progress_of.sent) as fan:
        try:
            with connection.schema_editor(collect_sql=True, atomic=False) as editor:
                fold = MySQLFold({editor.quote_name(change.table.name) for change in changes
                                  if isinstance(change, CreateTable)})
                taken = 0  # of editor.collected_sql
                group: list[Change] = []

                def step_rendered(state: str, change: Change) -> None:
                    nonlocal taken
                    if state != "done":
                        return
                    group.append(change)
                    if id(change) not in group_ends:
                        return  # its table's foreign keys render next, to be folded into its CREATE TABLE
                    statements, needs = fold.step(editor.collected_sql[taken:],
                                                  release=not isinstance(group[0], CreateTable))
                    taken = len(editor.collected_sql)
                    fan.feed(statements, needs)  # raises Stopped once a statement has failed
                    for done in group:
                        progress_of.add(done, len(fan.statements))
                    group.clear()

                fan.feed(*fold.step([f"{sql};" for sql in first]))
                # Each table's indexes and foreign keys are flushed with it, so that it is folded and sent whole.
                apply(plan, editor, live, prerender=True, indexes_after_tables=False, progress=step_rendered)
            left = fold.end(editor.collected_sql[taken:])  # held-back foreign keys, the editor's last SQL
            fan.feed(left, [frozenset()] * len(left))
            fan.finish()
        except Stopped:
            fan.finish()  # raises the failed statement's StatementFailed
            raise
        except ApplyFailed as failed:
            fan.stop()  # nothing new starts; what runs finishes
            raise StatementFailed(fan.executed, "", failed.error, rolled_back=False,
                                  described=f"Rendering step {failed.change.describe()!r}") from failed.error
    progress_of.sent(len(fan.statements))
    return list(fan.statements)


def _keys_with_their_tables(changes: Sequence[Change]) -> tuple[list[Change], set[int]]:
    """automigrate's changes for _render_while_fanning_out: each AddForeignKey of a table the run creates moved
    right after that table's CreateTable when the table it references is created before it, is itself, or is
    not created by this run (the whole run's fold carries exactly those in the CREATE TABLE); the others stay
    where they are, after the tables. Also the id()s of the changes that end a group: a CreateTable with its
    moved keys, or any other change alone."""
    created = {change.table.key: i for i, change in enumerate(changes) if isinstance(change, CreateTable)}
    moved: dict[int, list[Change]] = {}
    kept: list[tuple[int, Change]] = []
    for i, change in enumerate(changes):
        at = created.get(change.table.key) if isinstance(change, AddForeignKey) else None
        referenced = f"{change.fk.ref_schema}.{change.fk.ref_table}" if isinstance(change, AddForeignKey) \
            and change.fk.ref_schema else getattr(getattr(change, "fk", None), "ref_table", None)
        if at is not None and at < i and created.get(referenced, -1) <= at:
            moved.setdefault(at, []).append(change)
        else:
            kept.append((i, change))
    ordered: list[Change] = []
    ends: set[int] = set()
    for i, change in kept:
        group = [change, *moved.get(i, ())]
        ordered.extend(group)
        ends.add(id(group[-1]))
    return ordered, ends


def _unreplayed(executed: list[str], chunk: list[str], error: BaseException, connection,
                raw_before=None) -> StatementFailed:
    """The failure of a round trip that cannot be replayed to name its one statement (the connection was lost, or
    the failure was COMMIT or a savepoint, `chunk` empty): the chunk as sent, with the error it met."""
    if not chunk:
        doubt = commit_in_doubt(error, connection, raw_before)
        return StatementFailed(executed, "COMMIT", error, rolled_back=not doubt, described="COMMIT", in_doubt=doubt)
    return StatementFailed(executed, chunk[0] if len(chunk) == 1 else "\n".join(chunk), error, rolled_back=True,
                           batch=chunk)


@contextmanager
def _quoting_serialised(editor) -> Iterator[None]:
    """While the sender runs a round trip, libpq's connection is busy in its thread; psycopg's quoting of a value
    (the editor's quote_value) reads the same connection. Today's renders quote no values (defaults are SQL
    text), but should one, it waits for psycopg's connection lock, which every execute holds."""
    lock = getattr(getattr(editor.connection, "connection", None), "lock", None)
    if lock is None:
        yield
        return
    quote_value = editor.quote_value

    def quote_value_locked(value):
        with lock:
            return quote_value(value)

    editor.quote_value = quote_value_locked
    try:
        yield
    finally:
        del editor.quote_value


class _DoneReporter:
    """Progress as the server gets through the statements: a change is reported done once the first `needed`
    statements have run, `needed` being how many existed once it rendered (after folding, up to the statement
    that carries it). Changes are added in order, as they render or all at once."""

    def __init__(self, progress):
        self.report = progress or (lambda state, change: None)
        self.pending: list[tuple[Change, int]] = []
        self.reported = 0

    def add(self, change: Change, needed: int) -> None:
        self.pending.append((change, needed))

    def sent(self, count: int) -> None:
        while self.reported < len(self.pending) and self.pending[self.reported][1] <= count:
            change = self.pending[self.reported][0]
            self.report("start", change)
            self.report("done", change)
            self.reported += 1


def _reporter(rendered_until: list[tuple[Change, int]], positions: list[int], progress) -> Callable[[int], None]:
    """send()'s on_sent as apply's progress, for statements rendered before any is sent (_DoneReporter)."""
    needed, highest = [], 0
    for position in positions:
        highest = max(highest, position + 1)
        needed.append(highest)
    reporter = _DoneReporter(progress)
    for change, count in rendered_until:
        reporter.add(change, needed[count - 1] if count else 0)
    reporter.sent(0)  # changes that render no statement
    return reporter.sent


class _Applier:
    def __init__(self, editor, live: Schema):
        self.editor = editor
        self.vendor = vendor_for(editor.connection)
        rebuild.install(editor)  # SQLite: table rebuilds keep triggers, partial/expression indexes (rebuild.py)
        rebuild.forget_sizes(editor)  # counted once per run, not per editor: a migration reuses its editor
        self.current: dict[str, Table] = dict(live.tables)
        self._rendered: dict[int, tuple[Table, type]] = {}
        self._uses: list[Table] = []  # prerender(): the DropTable tables, in step order
        self._pending: dict[int, deque[int]] = {}  # id(table) -> its positions in _uses not yet run
        self._rendered_any = False  # a chunk was rendered (the first one is smaller)
        self._schemas_created: set[str] = set()
        self.dropped_names: set[str] = set()  # FK and index names this run dropped (_constraints_already_dropped)

    #: Models rendered together (one registry); a chunk, not the whole run, so that a 5,000-table run
    #: never holds 5,000 model classes at once (each is dropped once its DropTable ran; a CreateTable takes
    #: the create-only stand-in, bridge.create_only_model, and is never prerendered).
    PRERENDER_CHUNK = 200
    #: The first chunk is smaller: a re-run's first DROP TABLE reaches the server (streaming.py) once it
    #: rendered, and the server idles until then (200 models render in ~0.05 s; 20 in a tenth of that).
    FIRST_PRERENDER_CHUNK = 20

    def prerender(self, tables: list[Table]) -> None:
        """Render these tables' models a chunk at a time as the steps reach them (a model per table is slower
        for a whole run; all of them at once held about 150 MB at 5,000 tables)."""
        self._uses = tables
        self._pending = {}
        for position, table in enumerate(tables):
            self._pending.setdefault(id(table), deque()).append(position)

    def _render_chunk_from(self, position: int) -> None:
        chunk: dict[int, Table] = {}
        size = min(self.FIRST_PRERENDER_CHUNK, self.PRERENDER_CHUNK) if not self._rendered_any else self.PRERENDER_CHUNK
        self._rendered_any = True
        for table in self._uses[position:position + size]:
            if id(table) not in self._rendered:
                chunk.setdefault(id(table), table)
        rendered = render_models(self.vendor, list(chunk.values()))
        for table in chunk.values():
            self._rendered[id(table)] = (table, rendered[table.key])

    def done_with(self, change: Change) -> None:
        """A created or dropped table's model is let go once its step ran. A re-run of automigrate drops and
        creates the same table object: its model is rendered again for the CreateTable, in that step's chunk,
        rather than kept alive through every drop in between."""
        if isinstance(change, (CreateTable, DropTable)):
            pending = self._pending.get(id(change.table))
            if pending:
                pending.popleft()
            self._rendered.pop(id(change.table), None)

    # -- plumbing ------------------------------------------------------------------------------
    #: The step for each change type, named so tests can replace one. Checked when this module loads
    #: (check_steps): a change type without a step is an error then, never a skipped change.
    STEPS: dict[type, str] = {
        CreateTable: "_create_table", DropTable: "_drop_table", AddColumn: "_add_column", DropColumn: "_drop_column",
        AlterColumn: "_alter_column", AddIndex: "_add_index", DropIndex: "_drop_index", AddGenerator: "_add_generator",
        AddForeignKey: "_add_foreign_key", DropForeignKey: "_drop_foreign_key",
    }

    def run(self, change: Change) -> None:
        try:
            step = self.STEPS[type(change)]
        except KeyError:  # a type outside PHASES (the load-time check covers those)
            raise TypeError(f"apply has no step for {type(change).__name__}") from None
        getattr(self, step)(change)

    def recheck(self, change: Change) -> None:
        """Count again what preflight counted; stop if a writer changed it since (docs/risk.md)."""
        counted = [p for p in change.probes if p.rows is not None]
        if not counted or self.editor.collect_sql:
            return
        connection = self.editor.connection
        # Outside a transaction (a non-atomic migration) a lock would end at once: count without it.
        block = self.vendor.block_writers_sql if connection.in_atomic_block else None
        with connection.cursor() as cursor:
            for table in sorted({p.table for p in counted}) if block else ():
                # Held until the transaction ends, so the count below stays true for the step.
                cursor.execute(block.format(table=table))
        for probe in counted:
            now = preflight_count(connection, probe)
            if now != probe.rows:
                raise DataChanged(
                    f"the data changed after preflight counted it ({probe.what}: {probe.rows} counted, now {now}); "
                    "the step was not run"
                )

    def flush(self) -> None:
        while self.editor.deferred_sql:
            self.editor.execute(self.editor.deferred_sql.pop(0))

    def model(self, table: Table):
        # A step asks for the same table state two or three times (model, old field, new field):
        # render each state once. The table is kept in the entry so its id() stays unique.
        entry = self._rendered.get(id(table))
        if entry is None and self._pending.get(id(table)):
            self._render_chunk_from(self._pending[id(table)][0])
            entry = self._rendered.get(id(table))
        if entry is None:
            entry = self._rendered[id(table)] = (table, render_models(self.vendor, [table])[table.key])
        return entry[1]

    def field(self, table: Table, column: str):
        return self.model(table)._meta.get_field(field_names_for(table)[column])

    def state(self, change: Change) -> Table:
        return self.current[change.table.key]

    # -- one function per change type -----------------------------------------------------------
    def _create_table(self, change: CreateTable) -> None:
        table = change.table
        if self.vendor.sql_create_schema and table.schema and table.schema not in self._schemas_created:
            self.editor.execute(self.vendor.sql_create_schema.format(schema=self.editor.quote_name(table.schema)))
            self._schemas_created.add(table.schema)
        # A table being created needs no model class (bridge.CreateOnlyOptions): the steps after it that do
        # (an index, a rebuild) render one of the state they see.
        model = create_only_model(self.vendor, table)
        if not self.vendor.editor_shuffles_deferred_sql:
            self.editor.create_model(model)
        else:
            # mssql-django's create_model turns the editor's whole deferred list into a set (any order): the
            # statements queued before keep their order, this table's come sorted, so `--sql` is repeatable.
            queued = list(self.editor.deferred_sql)
            self.editor.deferred_sql = []
            try:
                self.editor.create_model(model)
            finally:
                self.editor.deferred_sql = queued + sorted(dict.fromkeys(self.editor.deferred_sql), key=str)
        if table.sequence:
            for sql in self.vendor.sequence_sql(self.editor.quote_name, table):
                self.editor.execute(sql)
        self.current[table.key] = table

    def _drop_table(self, change: DropTable) -> None:
        table = change.table
        self.editor.delete_model(self.model(table))
        if table.sequence:  # Oracle: the sequence of the generated id is no part of the table
            self.editor.execute(self.vendor.drop_sequence_sql(table))
        self.current.pop(table.key, None)

    def _add_column(self, change: AddColumn) -> None:
        before = self.state(change)
        after = before.evolve(columns=before.columns + (change.column,))
        self.editor.add_field(self.model(before), self.field(after, change.column.name))
        self.current[before.key] = after

    def _drop_column(self, change: DropColumn) -> None:
        before = self.state(change)
        name = change.column.name
        with self._constraints_already_dropped():
            self.editor.remove_field(self.model(before), self.field(before, name))
        # The database drops the column's indexes and FKs with it.
        self.current[before.key] = before.evolve(
            columns=tuple(c for c in before.columns if c.name != name),
            indexes=tuple(i for i in before.indexes if name not in i.columns),
            foreign_keys=tuple(f for f in before.foreign_keys if name not in f.columns),
        )

    def _alter_column(self, change: AlterColumn) -> None:
        before = self.state(change)
        live_name = change.live.name
        # Collation, CHECK, ON UPDATE and comment are no model's business: the rewrite keeps them.
        desired = keeping_live_attributes(replace(change.desired, name=live_name), change.live)
        if not change.kinds & ColumnChange.TYPE and (self.vendor.normalize_type(change.live.type)
                                                     == self.vendor.normalize_type(change.desired.type)):
            # The type is the same to the database, only spelled otherwise (`integer` read, `INTEGER` rendered):
            # the live spelling keeps the editor from sending a type change (PostgreSQL's ALTER .. TYPE, refused
            # on a column a view or a generated column uses; a full MySQL rewrite) for a default or NULL change.
            # Only for one spelling of one type: where the catalog names less than the column is (MariaDB's JSON
            # reads `longtext`, its json_valid CHECK left out), MODIFY with the live spelling would drop the rest.
            desired = replace(desired, type=change.live.type, auto=change.live.auto)
        elif desired.auto:
            # SERIAL is no type ALTER accepts, and the generator is left as it is.
            desired = replace(desired, type=self.vendor.normalize_type(desired.type), auto=change.live.auto)
        if (self.vendor.type_change_keeps_default and change.live.default is not None
                and change.kinds & ColumnChange.TYPE and change.kinds & ColumnChange.DEFAULT):
            # The old default is read as the new type while the type changes ('v1' as an integer: PostgreSQL
            # "cannot be cast automatically", MySQL 1067): it goes first, the new one comes with the type.
            undefaulted = replace(before.column(live_name), default=None)
            without = before.evolve(columns=tuple(undefaulted if c.name == live_name else c for c in before.columns))
            self.editor.alter_field(self.model(before), self.field(before, live_name),
                                    self.field(without, live_name), strict=False)
            before = without
        after = before.evolve(columns=tuple(desired if c.name == live_name else c for c in before.columns))
        if change.truncate_to is not None and change.risk >= Risk.DESTRUCTIVE:
            self._truncate(before, live_name, change.truncate_to)
        self.editor.alter_field(self.model(before), self.field(before, live_name), self.field(after, live_name),
                                strict=False)
        self.current[before.key] = after

    def _truncate(self, table: Table, column: str, limit: int) -> None:
        """A length narrowing the user accepted: cut what no longer fits, instead of failing half-way.

        Only for string types (preflight sets `truncate_to` there alone): a date or a number is
        never cut as text."""
        q = self.editor.quote_name
        col = q(self.vendor.db_column(column))
        length = self.vendor.char_length_sql.format(col)
        cut = self.vendor.substring_sql.format(col=col, n=int(limit))
        self.editor.execute(
            f"UPDATE {q(self.vendor.db_table(table))} SET {col} = {cut} WHERE {length} > {int(limit)}"
        )

    def _add_index(self, change: AddIndex) -> None:
        before = self.state(change)
        after = before.evolve(indexes=tuple(i for i in before.indexes if i.name != change.index.name)
                              + (change.index,))
        model = self.model(after)
        index = next(i for i in model._meta.indexes if i.name == self.vendor.db_object_name(change.index.name))
        self.editor.add_index(model, index)
        self.current[before.key] = after

    @contextmanager
    def _constraints_already_dropped(self):
        """In a dry run, hide from the editor's catalog look-ups the FKs and indexes this run has already
        rendered a DROP for. Some editors (mssql-django's remove_field) look up a column's FKs and indexes and
        drop them first; in a real run our earlier DROP already ran and the look-up finds nothing, but in a
        dry run nothing ran, and the printed script would drop the same constraint twice and fail."""
        if not self.editor.collect_sql or not self.dropped_names:
            yield
            return
        introspection = self.editor.connection.introspection
        real = introspection.get_constraints
        gone = {name.casefold() for name in self.dropped_names}

        def get_constraints(cursor, table_name):
            return {k: v for k, v in real(cursor, table_name).items() if k.casefold() not in gone}

        own = vars(introspection).get("get_constraints")  # an instance attribute someone else set, or None
        introspection.get_constraints = get_constraints
        try:
            yield
        finally:
            if own is not None:
                introspection.get_constraints = own
            else:
                del introspection.get_constraints  # the class method shows again

    def _add_generator(self, change: AddGenerator) -> None:
        before = self.state(change)
        q = self.editor.quote_name
        for statement in self.vendor.add_generator_sql(q(self.vendor.db_table(before)),
                                                       q(self.vendor.db_column(change.column.name)), change.desired):
            self.editor.execute(statement)
        self.current[before.key] = before.evolve(columns=tuple(
            replace(c, auto=True, default=None) if c.name == change.column.name else c for c in before.columns))

    def _drop_index(self, change: DropIndex) -> None:
        before = self.state(change)
        index = change.index
        self.dropped_names.add(index.name)
        names = field_names_for(before)
        fields = [names[c] for c in index.columns if c in names] or [next(iter(names.values()))]
        model = self.model(before)
        name = self.vendor.db_object_name(index.name)
        if index.constraint:
            self.editor.remove_constraint(model, models.UniqueConstraint(fields=fields, name=name))
        else:
            cls = UniqueIndex if index.unique else models.Index
            self.editor.remove_index(model, cls(fields=fields, name=name))
        self.current[before.key] = before.evolve(indexes=tuple(i for i in before.indexes if i.name != index.name))

    def _add_foreign_key(self, change: AddForeignKey) -> None:
        before = self.state(change)
        after = before.evolve(foreign_keys=tuple(f for f in before.foreign_keys if f.name != change.fk.name)
                              + (change.fk,))
        if self.vendor.inline_foreign_keys:
            self._rebuild_column(before, after, change.fk.columns[0])
        else:
            self.editor.execute(add_foreign_key_sql(self.editor, self.vendor, before, change.fk))
        self.current[before.key] = after

    def _drop_foreign_key(self, change: DropForeignKey) -> None:
        before = self.state(change)
        self.dropped_names.add(change.fk.name)
        after = before.evolve(foreign_keys=tuple(f for f in before.foreign_keys if f != change.fk))
        if self.vendor.inline_foreign_keys:
            self._rebuild_column(before, after, change.fk.columns[0])
        else:
            q = self.editor.quote_name
            self.editor.execute(self.editor.sql_delete_fk % {"table": q(self.vendor.db_table(before)),
                                                            "name": q(self.vendor.db_object_name(change.fk.name))})
        self.current[before.key] = after

    def _rebuild_column(self, before: Table, after: Table, column: str) -> None:
        """An inline FK lives in the column definition (SQLite): Django rebuilds the table to change one."""
        self.editor.alter_field(self.model(before), self.field(before, column), self.field(after, column),
                                strict=False)


def check_steps(steps: dict[type, str] = _Applier.STEPS, change_types=PHASES) -> None:
    """Every change type has an applier: a step named in `steps` that `_Applier` defines."""
    require_handlers("applier", {t: getattr(_Applier, name, None) for t, name in steps.items()}, change_types)


check_steps()
