"""Sending rendered DDL: Django's schema editor writes every statement (collect_sql), this module
only sends them, with as few round trips as each database allows (issue 6: batch DDL).

- PostgreSQL: many statements per round trip, all in one transaction.
- MySQL/MariaDB: one by one (no transactional DDL), with indexes and foreign keys folded into their
  CREATE TABLE (indexes as LoopBack's own connector writes them), which saves one InnoDB table
  rebuild per index and per foreign key.
"""
from __future__ import annotations

import re

from django.db import Error, transaction

from .exceptions import StatementFailed, TooManyRelations, commit_in_doubt, driver_message  # noqa: F401 - driver_message: old path
from .vendors import vendor_for

BATCH = 200
_CREATE_INDEX = re.compile(r"^CREATE (UNIQUE )?INDEX (`(?:[^`]|``)+`) ON (`(?:[^`]|``)+`) \((.*)\);?$", re.S)
_CREATE_TABLE = re.compile(r"^CREATE TABLE (`(?:[^`]|``)+`) \(", re.S)
_ADD_FK = re.compile(r"^ALTER TABLE (`(?:[^`]|``)+`) ADD (CONSTRAINT `(?:[^`]|``)+` FOREIGN KEY \(.*?\) "
                     r"REFERENCES (`(?:[^`]|``)+`) .*?);?$", re.S)


def fold_mysql_indexes(statements: list[str]) -> list[str]:
    """Fold `CREATE INDEX i ON t (...)` and `ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY ...` into the
    `CREATE TABLE t` of the same run. An FK is folded only when the table it references exists by then
    (tables come in dependency order; a cycle keeps its ALTER)."""
    return fold_mysql_indexes_with_positions(statements)[0]


def fold_mysql_indexes_with_positions(statements: list[str]) -> tuple[list[str], list[int]]:
    """fold_mysql_indexes, plus where each given statement went: `positions[i]` is the index, in the folded
    list, of the statement that now carries statement i (progress reports a step once that one is sent)."""
    creates = {m.group(1): i for i, s in enumerate(statements) if (m := _CREATE_TABLE.match(s))}
    out = list(statements)
    folded: dict[int, int] = {}  # folded statement -> the CREATE TABLE that carries it
    for i, statement in enumerate(statements):
        if match := _CREATE_INDEX.match(statement):
            table, clause = match.group(3), f"{'UNIQUE ' if match.group(1) else ''}INDEX {match.group(2)} ({match.group(4)})"
        elif (match := _ADD_FK.match(statement)) and creates.get(match.group(3), -1) <= creates.get(match.group(1), -1):
            table, clause = match.group(1), match.group(2)
        else:
            continue
        target = creates.get(table)
        body = out[target].rstrip().rstrip(";").rstrip() if target is not None else ""
        if not body.endswith(")"):
            continue
        out[target] = f"{body[:-1]}, {clause});"
        folded[i] = target
    kept = [i for i in range(len(out)) if i not in folded]
    new_index = {old: new for new, old in enumerate(kept)}
    positions = [new_index[folded.get(i, i)] for i in range(len(out))]
    return [out[i] for i in kept], positions


def fanout_needs(statements: list[str], positions: list[int], count: int) -> list[frozenset[int]]:
    """For the `count` folded statements (fold_mysql_indexes_with_positions gave `positions`): the folded
    statements each must wait for, that is the CREATE TABLEs of the tables its folded foreign keys reference
    (fanout.py). Foreign keys left as ALTERs run as barriers and need nothing listed."""
    creates = {m.group(1): i for i, s in enumerate(statements) if (m := _CREATE_TABLE.match(s))}
    needs: list[set[int]] = [set() for _ in range(count)]
    for i, statement in enumerate(statements):
        match = _ADD_FK.match(statement)
        if not match:
            continue
        carrier, referenced = positions[i], creates.get(match.group(3))
        if referenced is not None and positions[referenced] != carrier:
            needs[carrier].add(positions[referenced])
    return [frozenset(n) for n in needs]


class MySQLFold:
    """fold_mysql_indexes_with_positions and fanout_needs, one rendered step at a time, for statements sent
    while the next tables render (apply._render_while_fanning_out); the statements come out as the whole
    run's fold gives them (tests/test_fanout_stream.py compares the two).

    Each CreateTable step brings its CREATE TABLE with the table's indexes and foreign keys (the editor
    flushes them after each table), and they are folded into it as the whole run's fold would fold them. A
    foreign key to a table that a later step creates is held back; the whole run's fold leaves it after the
    run of CREATE TABLEs, and so does this: before the next step that is not part of that run (the caller
    says which), or at the end.
    `created_later`: the quoted names of the tables the run creates."""

    def __init__(self, created_later: set[str]):
        self.later = set(created_later)
        self.created: dict[str, int] = {}  # quoted table name -> its CREATE TABLE's index among all handed on
        self.count = 0  # statements handed on so far
        self.held: list[str] = []

    def step(self, statements: list[str], release: bool = True) -> tuple[list[str], list[frozenset[int]]]:
        """The statements to send for one rendered step, and what each needs (numbered over the whole run).
        `release`: the step is not part of the run of CREATE TABLEs, so what was held back goes first."""
        local = {m.group(1): i for i, s in enumerate(statements) if (m := _CREATE_TABLE.match(s))}
        released = self._release() if release and not local else []
        out = list(statements)
        gone: set[int] = set()  # folded into their CREATE TABLE, or held back
        needs: dict[int, set[int]] = {}
        for i, statement in enumerate(statements):
            referenced = None
            if match := _CREATE_INDEX.match(statement):
                table = match.group(3)
                clause = f"{'UNIQUE ' if match.group(1) else ''}INDEX {match.group(2)} ({match.group(4)})"
            elif match := _ADD_FK.match(statement):
                table, clause, referenced = match.group(1), match.group(2), match.group(3)
                if referenced in self.later and referenced not in local:  # a later step creates it
                    self.held.append(statement)
                    gone.add(i)
                    continue
            else:
                continue
            target = local.get(table)
            if target is None:
                if table in self.created:  # its CREATE TABLE went with an earlier step
                    self.held.append(statement)
                    gone.add(i)
                continue
            body = out[target].rstrip().rstrip(";").rstrip()
            if not body.endswith(")"):
                continue
            out[target] = f"{body[:-1]}, {clause});"
            gone.add(i)
            if referenced is not None and referenced in self.created:
                needs.setdefault(target, set()).add(self.created[referenced])
        kept = [i for i in range(len(out)) if i not in gone]
        base = self.count + len(released)
        for name, at in local.items():
            self.created[name] = base + kept.index(at)
            self.later.discard(name)
        sent = released + [out[i] for i in kept]
        self.count += len(sent)
        return sent, [frozenset()] * len(released) + [frozenset(needs.get(i, ())) for i in kept]

    def end(self, statements: list[str] = ()) -> list[str]:
        """What is left: the held-back statements, then `statements` (the editor's last deferred SQL)."""
        left = self._release() + list(statements)
        self.count += len(left)
        return left

    def _release(self) -> list[str]:
        held, self.held = self.held, []
        return held


def send(connection, statements: list[str], on_sent=None) -> None:
    """Execute rendered statements; one transaction where the database can roll DDL back. `on_sent(n)` hears
    after each round trip that the first n statements ran (progress as it goes, not all at the end)."""
    on_sent = on_sent or (lambda count: None)
    if vendor_for(connection).sends_ddl_in_one_transaction:
        alias = connection.alias
        sent = 0
        raw_before = None  # the driver connection that will COMMIT (commit_in_doubt)
        try:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                raw_before = connection.connection
                for start in range(0, len(statements), BATCH):
                    chunk = statements[start:start + BATCH]
                    savepoint = transaction.savepoint(using=alias)
                    try:
                        cursor.execute("\n".join(chunk))
                    except Exception as exc:
                        try:
                            transaction.savepoint_rollback(savepoint, using=alias)
                            failed = name_failure(cursor, statements[:start], chunk, exc)
                        except Exception:  # noqa: BLE001 - the connection is lost: the chunk as sent, its error
                            failed = StatementFailed(statements[:start], "\n".join(chunk), exc, rolled_back=True,
                                                     batch=chunk)
                        raise failed from failed.error
                    transaction.savepoint_commit(savepoint, using=alias)
                    sent = start + len(chunk)
                    on_sent(sent)
        except StatementFailed:
            raise
        except Error as exc:  # a savepoint, COMMIT or the cursor on a lost connection: a step too, never bare
            doubt = sent == len(statements) and commit_in_doubt(exc, connection, raw_before)
            raise StatementFailed(statements[:sent], "COMMIT" if sent == len(statements) else
                                  "\n".join(statements[sent:sent + BATCH]), exc, rolled_back=not doubt,
                                  batch=None if sent == len(statements) else statements[sent:sent + BATCH],
                                  described="COMMIT" if sent == len(statements) else None, in_doubt=doubt) from exc
        return
    send_one_by_one(connection, statements, on_sent)


def send_one_by_one(connection, statements: list[str], on_sent) -> None:
    """Where DDL cannot be rolled back (MySQL): each statement alone; a failure names those that ran."""
    with connection.cursor() as cursor:
        for i, statement in enumerate(statements):
            try:
                cursor.execute(statement)
            except Exception as exc:
                raise StatementFailed(statements[:i], statement, exc, rolled_back=False) from exc
            on_sent(i + 1)


def name_failure(cursor, executed: list[str], chunk: list[str], error: Exception) -> StatementFailed:
    """The StatementFailed for a round trip `chunk` that failed with `error` after `executed` ran; the caller
    has rolled back to the savepoint taken before the chunk."""
    index, single = _failing_statement(cursor, chunk)
    if index is None:  # the chunk failed but no statement of it fails alone: name the chunk
        return StatementFailed(executed, "\n".join(chunk), error, rolled_back=True, batch=chunk)
    return StatementFailed(executed + chunk[:index], chunk[index], single, rolled_back=True)


def _failing_statement(cursor, chunk: list[str]) -> tuple[int | None, Exception | None]:
    """Which statement of a failed round trip fails: replay the chunk one statement at a time, back at the
    savepoint taken before it, so the error names one statement rather than a batch of up to BATCH. Only
    runs after a failure, inside the transaction that is about to be rolled back, so the replay changes
    nothing that stays."""
    for index, statement in enumerate(chunk):
        try:
            cursor.execute(statement)
        except Exception as exc:  # noqa: BLE001 - the driver's error, reported as the run's failure
            return index, exc
    return None, None


#: The share of PostgreSQL's lock table one of our transactions may fill; the rest stays free for the
#: application's own sessions, which must not fail with "out of shared memory" because we migrate.
LOCK_SHARE = 0.5


def lock_budget(connection) -> int | None:
    """How many relations one transaction may lock on this database, or None where locks are not limited
    per transaction (only PostgreSQL keeps every lock until the transaction ends, in a fixed-size table)."""
    if not vendor_for(connection).limits_locks_per_transaction:
        return None
    capacity, _ = _lock_capacity(connection)
    return max(1, int(capacity * LOCK_SHARE))


def _lock_capacity(connection) -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int"
            " + current_setting('max_prepared_transactions')::int), current_setting('max_locks_per_transaction')"
        )
        capacity, per_transaction = cursor.fetchone()
    return int(capacity), per_transaction


def change_weight(change) -> int:
    """The relations a change locks until its transaction ends (an estimate on the high side): a created or
    dropped table locks itself, its TOAST table and index, its primary key, a sequence and each index; a
    foreign key locks its table and the referenced one, and the primary-key index of each (pg_locks shows
    it; tests/test_automigrate_command.py counts them); any other change locks its table and one more
    relation (an index)."""
    from .changes import AddForeignKey, CreateTable, DropTable

    if isinstance(change, (CreateTable, DropTable)):
        return relations_touched([change.table])
    if isinstance(change, AddForeignKey):
        return 4
    return 2


def split_changes(changes, budget: int | None) -> list[list]:
    """The changes in order, cut into consecutive groups whose weights stay within `budget` (one group when
    there is no budget, or it is not exceeded). Order is kept, so each group finds what the earlier ones made:
    tables before the foreign keys between them. A change heavier than the budget alone is a group of its own."""
    changes = list(changes)
    if budget is None or sum(change_weight(c) for c in changes) <= budget:
        return [changes] if changes else []
    groups: list[list] = [[]]
    used = 0
    for change in changes:
        weight = change_weight(change)
        if groups[-1] and used + weight > budget:
            groups.append([])
            used = 0
        groups[-1].append(change)
        used += weight
    return groups


def split_notice(groups: list[list], budget: int) -> str:
    weight = sum(change_weight(c) for group in groups for c in group)
    return (f"This run locks about {weight} relations; one transaction may take {budget} here (half of "
            f"PostgreSQL's lock table). It runs in {len(groups)} transactions, each atomic: a failure rolls back "
            "only its own, names what the earlier ones committed, and a rerun finishes the work.")


def check_lock_capacity(connection, relations: int) -> None:
    """PostgreSQL holds a lock per relation a transaction touches until it ends; past the lock table's
    size the run dies half-way with "out of shared memory". Refuse before anything runs instead."""
    if not vendor_for(connection).limits_locks_per_transaction or not relations:
        return
    capacity, per_transaction = _lock_capacity(connection)
    # The lock table is shared by every session: leave room for the others.
    if relations > capacity * 0.8:
        raise TooManyRelations(
            f"this run touches about {relations} relations (tables, indexes, sequences, TOAST) in one transaction, "
            f"more than PostgreSQL's lock table holds ({capacity} = max_locks_per_transaction {per_transaction} x "
            "connections) with room for other sessions. Raise max_locks_per_transaction (and restart PostgreSQL), "
            "or run it from the command line or the API outside a migration, which splits it into several "
            "transactions."
        )


def relations_touched(tables) -> int:
    """An estimate: the table, its TOAST table and index, its primary key, a sequence, and each index."""
    return sum(4 + len(t.indexes) + (1 if any(c.auto for c in t.columns) else 0) for t in tables)
