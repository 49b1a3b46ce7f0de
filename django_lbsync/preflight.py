"""What each change does to the data, from the target's real semantics (docs/risk.md).

Two steps, so that read-only paths stay read-only (DESIGN Part 1, decisions 4 and 9):

- `classify(plan, connection, live)` needs no query. From the types and the plan alone it gives each
  change the worst it MAY do and the count queries (`Probe`s) that would tell. get_plan, isactual,
  the W001 check and `--sql` stop here: they never read a user table.
- `measure(plan, connection)` runs those counts, under autoupdate's lock. A change whose count is
  zero is SAFE; otherwise it takes the probe's risk: DATA_DEPENDENT (values rewritten, e.g. NULLs
  filled), DESTRUCTIVE (values lost, cut or rounded) or IMPOSSIBLE (the database would refuse, or
  no conversion keeps the values): refused before any statement runs. The counts stay on the change
  so apply can re-check them right before the step (apply.py).

Every name in the SQL below comes from the live catalog or the validated definitions and goes
through the connection's quote_name; values (patterns, LIKE masks) are bound parameters.
"""
from __future__ import annotations

from dataclasses import replace

from .changes import (
    PHASES, AddColumn, AddForeignKey, AddGenerator, AddIndex, AlterColumn, Change, ColumnChange, CreateTable, DropColumn,
    DropForeignKey, DropIndex, DropTable, Probe, Risk, require_handlers,
)
from .plan import Plan
from .schema import Column, ForeignKey, Index, Schema, Table
from .vendors import vendor_for
from .vendors.datatypes import (
    BOOLEAN, BYTES, CHARS, DATE, DATETIME, DECIMAL, FIXED_STRING, FLOAT, INTEGER, SQLITE_NUMBER_CAST,
    SQLITE_TEXT_AS_NUMBER_DIFFERS, STRING, TEXT_AFFINITY, TIME, DataType, sqlite_value_changes,
)

_TEXT = (STRING, FIXED_STRING)
_NOT_COUNTED = "rows not counted; autoupdate counts them under its lock"
# A plain integer or decimal number as a database prints it: what converts from text exactly.
_INTEGER_TEXT = r"^(0|-?[1-9][0-9]{0,38})$"
_DECIMAL_TEXT = r"^-?(0|[1-9][0-9]{0,34})([.][0-9]{1,30})?$"


def classify(plan: Plan, connection, live: Schema) -> Plan:
    """Each change with the worst risk it may have and its probes; nothing is sent to the database."""
    rules = _Rules(connection, live, plan)
    return replace(plan, changes=tuple(_static(change, rules.probes(change)) for change in plan.changes))


def measure(plan: Plan, connection) -> Plan:
    """Run every probe of a classified plan; each change gets the risk its data gives it."""
    return replace(plan, changes=tuple(_measured(change, connection) for change in plan.changes))


def count(connection, probe: Probe) -> int:
    if not probe.sql:
        raise ValueError(f"a certain risk has nothing to count: {probe.what}")
    with connection.cursor() as cursor:
        cursor.execute(probe.sql, list(probe.params) if probe.params else None)
        return int(cursor.fetchone()[0])


def certain(risk: Risk, what: str) -> Probe:
    """A risk the plan alone decides, whatever the data (no SQL: never counted, never re-checked)."""
    return Probe(risk, what, "")


def _static(change: Change, probes: list[Probe]) -> Change:
    truncate = next((p.truncate_to for p in probes if p.truncate_to is not None), None)
    extra = {"truncate_to": truncate} if isinstance(change, AlterColumn) else {}
    if not probes:
        return change.with_risk(Risk.SAFE, None, "", measured=False, probes=(), **extra)
    risk = max(p.risk for p in probes)
    counted = [p.what for p in probes if p.sql]
    reason = "; ".join([p.what for p in probes if not p.sql]
                       + ([f"{'; '.join(counted)} ({_NOT_COUNTED})"] if counted else []))
    return change.with_risk(risk, None, reason, measured=False, probes=tuple(probes), **extra)


def _measured(change: Change, connection) -> Change:
    probes = tuple(replace(p, rows=count(connection, p)) if p.sql else p for p in change.probes)
    found = [p for p in probes if p.rows or not p.sql]
    if not found:
        return replace(change, risk=Risk.SAFE, rows=0 if probes else None, reason="", measured=True, probes=probes)
    worst = max(found, key=lambda p: (p.risk, p.rows or 0))
    reason = "; ".join(f"{p.rows} {p.what}" if p.sql else p.what for p in found)
    return replace(change, risk=worst.risk, rows=worst.rows, reason=reason, measured=True, probes=probes)


class _Rules:
    """Builds the probes of one plan. No method here talks to the database."""

    def __init__(self, connection, live: Schema, plan: Plan):
        self.vendor = vendor_for(connection)
        self.q = self.vendor.quote_name_for(connection)
        self.live = live
        self.created_tables = {c.table.key: c.table for c in plan.changes if isinstance(c, CreateTable)}
        self.created = set(self.created_tables)
        # InnoDB accepts any index the referenced columns lead; the others need a unique key.
        self.any_index_key = self.vendor.fk_target_any_index
        self.indexes_after = self._indexes_after(plan)
        self.after = self._values_after(plan)

    #: The risk assessor of each change type. Checked when this module loads (check_assessors): a change
    #: type nobody assessed must never pass as safe.
    ASSESSORS: dict[type, str] = {
        CreateTable: "_nothing", DropForeignKey: "_nothing", DropIndex: "_nothing",
        AddColumn: "_add_column", DropColumn: "_drop_column", AlterColumn: "_alter_column",
        AddIndex: "_add_index", AddForeignKey: "_add_foreign_key", DropTable: "_drop_table",
        AddGenerator: "_add_generator",
    }

    def probes(self, change: Change) -> list[Probe]:
        try:
            rule = getattr(self, self.ASSESSORS[type(change)])
        except KeyError:  # a type outside PHASES (the load-time check covers those): never safe
            raise TypeError(f"preflight has no risk rule for {type(change).__name__}") from None
        if change.table.key not in self.live.tables:
            return []  # a table this plan creates holds no rows
        return rule(change)

    # -- names and values ------------------------------------------------------------------------
    def table_sql(self, table: Table) -> str:
        return self.q(self.vendor.db_table(table))

    def col(self, name: str) -> str:
        return self.q(self.vendor.db_column(name))

    def literal(self, value) -> str | None:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float)):
            return repr(value)
        if isinstance(value, str):
            return self.vendor.quote_literal(value)
        return None

    def fill_sql(self, column: Column) -> str | None:
        """What existing rows get in `column`: its DB default, or the LoopBack default apply fills in."""
        if column.default is not None:
            return column.default
        return self.literal(column.fill) if column.fill is not None else None

    def _values_after(self, plan: Plan) -> dict[tuple[str, str], str]:
        """(table, column) -> SQL giving the column's value once earlier steps ran: a new column's
        fill, or COALESCE(column, fill) where NOT NULL replaces the NULLs."""
        after: dict[tuple[str, str], str] = {}
        for change in plan.changes:
            if isinstance(change, AddColumn):
                after[(change.table.key, change.column.name)] = self.fill_sql(change.column) or "NULL"
            elif isinstance(change, AlterColumn) and ColumnChange.NULL in change.kinds and not change.desired.null:
                fill = self.fill_sql(change.desired)
                if fill is not None:
                    after[(change.table.key, change.live.name)] = f"COALESCE({self.col(change.live.name)}, {fill})"
        return after

    def _indexes_after(self, plan: Plan) -> dict[str, tuple[Index, ...]]:
        """Table key -> its indexes once the plan ran: live (or created) ones, minus those the plan
        drops (or drops a column of), plus those it adds."""
        after = {key: table.indexes for key, table in self.live.tables.items()}
        for change in plan.changes:
            key, indexes = change.table.key, after.get(change.table.key, ())
            if isinstance(change, CreateTable):
                after[key] = change.table.indexes
            elif isinstance(change, DropIndex):
                after[key] = tuple(i for i in indexes if i.name != change.index.name)
            elif isinstance(change, DropColumn):
                after[key] = tuple(i for i in indexes if change.column.name not in i.columns)
            elif isinstance(change, AddIndex):
                after[key] = tuple(i for i in indexes if i.name != change.index.name) + (change.index,)
        return after

    def value(self, table: Table, column: str) -> str:
        return self.after.get((table.key, column), self.col(column))

    def probe(self, change: Change, risk: Risk, what: str, where: str, truncate_to: int | None = None) -> Probe:
        table = self.table_sql(change.table)
        return Probe(risk, what, f"SELECT COUNT(*) FROM {table} WHERE {where}", table=table, truncate_to=truncate_to)

    # -- one rule per change type ---------------------------------------------------------------
    def _nothing(self, change: Change) -> list[Probe]:
        return []

    def _drop_table(self, change: DropTable) -> list[Probe]:
        # Every row goes with the table (automigrate counts them and asks before; api.automigrate).
        return [self.probe(change, Risk.DESTRUCTIVE, "row(s) would be lost with the table", "1 = 1")]

    def _add_column(self, change: AddColumn) -> list[Probe]:
        column = change.column
        if column.null or column.auto or self.fill_sql(column) is not None:
            return []  # NULL, or the default fills every row; unique indexes are judged at AddIndex
        return [self.probe(change, Risk.IMPOSSIBLE, "row(s) would get no value in the new NOT NULL column; give the "
                                                    "property a default or make it optional", "1 = 1")]

    def _add_generator(self, change: AddGenerator) -> list[Probe]:
        # The values stay; only where the database renumbers some of them is there a risk (MySQL: an id 0
        # becomes the next number when the column turns AUTO_INCREMENT).
        where = self.vendor.generator_renumbers(self.col(change.column.name))
        if where is None:
            return []
        return [self.probe(change, Risk.DESTRUCTIVE, "id(s) of 0 would be renumbered by AUTO_INCREMENT", where)]

    def _drop_column(self, change: DropColumn) -> list[Probe]:
        return [self.probe(change, Risk.DESTRUCTIVE, "non-null value(s) would be lost",
                           f"{self.col(change.column.name)} IS NOT NULL")]

    def _alter_column(self, change: AlterColumn) -> list[Probe]:
        probes: list[Probe] = []
        if ColumnChange.TYPE in change.kinds:
            probes += _TypeRules(self, change).probes()
        if ColumnChange.NULL in change.kinds and not change.desired.null:
            probes += self._not_null(change)
        return probes

    def _not_null(self, change: AlterColumn) -> list[Probe]:
        column = self.col(change.live.name)
        fill = self.fill_sql(change.desired)
        if fill is None:
            return [self.probe(change, Risk.IMPOSSIBLE, "NULL(s) and no default to replace them; NOT NULL is "
                                                        "impossible", f"{column} IS NULL")]
        shown = change.desired.default if change.desired.default is not None else repr(change.desired.fill)
        probes = [self.probe(change, Risk.DATA_DEPENDENT, f"NULL(s) would be set to {shown}", f"{column} IS NULL")]
        # A unique index that stays: the filled NULLs must not collide with each other or a value.
        live_table = self.live.tables[change.table.key]
        for index in live_table.indexes:
            if index.unique and change.live.name in index.columns and not index.opaque:
                if any(i.name == index.name for i in change.table.indexes):
                    probes.append(self._duplicates(change, index.columns, index.name))
        return probes

    def _add_index(self, change: AddIndex) -> list[Probe]:
        if not change.index.unique:
            return []
        return [self._duplicates(change, change.index.columns, change.index.name)]

    def _duplicates(self, change: Change, columns: tuple[str, ...], name: str) -> Probe:
        keys = [f"k{i}" for i in range(len(columns))]
        values = ", ".join(f"{self.value(change.table, c)} AS {k}" for c, k in zip(columns, keys))
        not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
        grouped = ", ".join(keys)
        table = self.table_sql(change.table)
        sql = (f"SELECT COUNT(*) FROM (SELECT {grouped} FROM (SELECT {values} FROM {table}) v WHERE {not_null} "
               f"GROUP BY {grouped} HAVING COUNT(*) > 1) duplicates")
        return Probe(Risk.IMPOSSIBLE, f"value(s) would be duplicated under the unique index {name} "
                                      f"({', '.join(columns)}); remove the duplicates first", sql, table=table)

    def _add_foreign_key(self, change: AddForeignKey) -> list[Probe]:
        unkeyed = self._referenced_key_problem(change.fk)
        if unkeyed:
            return [certain(Risk.IMPOSSIBLE, unkeyed)]
        return self._orphans(change)

    def _referenced_key_problem(self, fk: ForeignKey) -> str | None:
        """Why the database would refuse the FK whatever the data: its referenced columns are not a
        key of the referenced table as the plan leaves it. PostgreSQL, SQLite, Oracle and SQL Server
        need exactly the primary key's or a unique index's columns; InnoDB any index they lead."""
        ref_key = Table(fk.ref_table, fk.ref_schema, (), ()).key
        ref = self.live.tables.get(ref_key) or self.created_tables.get(ref_key)
        if ref is None:
            return None  # the database itself names the missing table
        name = self.vendor.identifier_key
        wanted = [name(c) for c in fk.ref_columns]
        keys = [ref.primary_key] + [i.columns for i in self.indexes_after.get(ref_key, ())
                                    if not i.opaque and (i.unique or self.any_index_key)]
        for columns in ([name(c) for c in k] for k in keys if k):
            if columns[:len(wanted)] == wanted if self.any_index_key else sorted(columns) == sorted(wanted):
                return None
        needed = ("an index whose leading columns they are" if self.any_index_key else
                  "its primary key or a unique index on exactly them")
        return (f"{fk.ref_table} ({', '.join(fk.ref_columns)}) is not {needed} once this plan ran, so the "
                "database would refuse the foreign key; give them a unique index in its model first")

    def _orphans(self, change: AddForeignKey) -> list[Probe]:
        fk = change.fk
        keys = [f"k{i}" for i in range(len(fk.columns))]
        values = ", ".join(f"{self.value(change.table, c)} AS {k}" for c, k in zip(fk.columns, keys))
        not_null = " AND ".join(f"v.{k} IS NOT NULL" for k in keys)
        table = self.table_sql(change.table)
        ref = Table(fk.ref_table, fk.ref_schema, (), ())
        source = f"SELECT COUNT(*) FROM (SELECT {values} FROM {table}) v WHERE {not_null}"
        if ref.key in self.created:
            return [Probe(Risk.IMPOSSIBLE, f"row(s) hold a value in ({', '.join(fk.columns)}) but {fk.ref_table} "
                                           "is created empty by this plan, so none of them has a target",
                          source, table=table)]
        if ref.key not in self.live.tables:
            return []  # the database itself names the missing table
        match = " AND ".join(f"r.{self.col(rc)} = v.{k}" for rc, k in zip(fk.ref_columns, keys))
        sql = f"{source} AND NOT EXISTS (SELECT 1 FROM {self.table_sql(ref)} r WHERE {match})"
        return [Probe(Risk.IMPOSSIBLE, f"row(s) reference a missing {fk.ref_table} row", sql, table=table)]


class _TypeRules:
    """A column type change, judged by the families and sizes of both types (vendors/datatypes.py)."""

    def __init__(self, rules: _Rules, change: AlterColumn):
        self.rules, self.change, self.vendor = rules, change, rules.vendor
        self.old = self.vendor.data_type(change.live.type)
        self.new = self.vendor.data_type(change.desired.type)
        self.column = rules.col(change.live.name)
        # SQLite converts values by the column's affinity, whatever the declared size (sqlite.py).
        self.by_affinity = self.vendor.stores_by_affinity

    def probe(self, risk: Risk, what: str, where: str, truncate_to: int | None = None) -> Probe:
        return self.rules.probe(self.change, risk, what, f"{self.column} IS NOT NULL AND ({where})", truncate_to)

    def matches(self, pattern: str) -> str:
        # Our own constant pattern, written as a literal: probes carry no parameters, so names and
        # defaults holding a % never meet a driver's placeholder syntax.
        return self.vendor.regex_match_sql.format(value=self.column, pattern=self.vendor.quote_literal(pattern))

    def probes(self) -> list[Probe]:
        old, new = self.old.family, self.new.family
        if self.by_affinity and self.vendor.affinity(self.change.live.type) == TEXT_AFFINITY == \
                self.vendor.affinity(self.change.desired.type):
            return []  # SQLite: text stays the same text in any TEXT-affinity column, whatever the type's name
        if old in _TEXT and new in _TEXT:
            return self.text_to_text()
        if old in _TEXT:
            return self.from_text()
        if self.by_affinity:
            return self.affinity_change()
        if not self.vendor.enforces_declared_sizes:
            return []  # a database that keeps every value as it is, in any column
        if new in _TEXT:
            return self.to_text()
        same = {
            (INTEGER, INTEGER): self.integer_range,
            (DECIMAL, DECIMAL): self.decimal_digits,
            (INTEGER, DECIMAL): self.decimal_digits,
            (FLOAT, DECIMAL): self.decimal_digits,
            (DECIMAL, INTEGER): self.to_integer,
            (FLOAT, INTEGER): self.to_integer,
            (INTEGER, FLOAT): self.integer_to_float,
            (DECIMAL, FLOAT): self.decimal_to_float,
            (FLOAT, FLOAT): self.float_to_float,
            (DATETIME, DATETIME): self.fraction_digits,
            (TIME, TIME): self.fraction_digits,
            (DATE, DATE): lambda: [],
            (BOOLEAN, BOOLEAN): lambda: [],
            (BOOLEAN, INTEGER): lambda: [],
            (DATE, DATETIME): lambda: [],
        }
        rule = same.get((old, new))
        return rule() if rule else self.conversion()

    # -- text -> text ---------------------------------------------------------------------------
    def limit(self, data_type: DataType) -> tuple[int | None, str]:
        if data_type.args:
            return data_type.args[0], CHARS
        return self.vendor.string_limits.get(data_type.key, (None, CHARS))

    def text_to_text(self) -> list[Probe]:
        if not self.vendor.enforces_declared_sizes:
            return []  # SQLite stores strings of any length whatever the declaration
        probes: list[Probe] = []
        (old_limit, old_unit), (new_limit, new_unit) = self.limit(self.old), self.limit(self.new)
        if new_limit is not None:
            if old_limit is None:
                fits = False
            elif old_unit == CHARS and new_unit == BYTES:
                fits = old_limit * self.vendor.max_bytes_per_char <= new_limit
            else:  # chars -> chars, bytes -> bytes, or bytes -> chars (a character takes at least a byte)
                fits = old_limit <= new_limit
            if not fits and new_unit == CHARS:
                probes.append(self.probe(
                    Risk.DESTRUCTIVE, f"value(s) longer than {new_limit} characters would be cut to {new_limit}",
                    f"{self.vendor.char_length_sql.format(self.column)} > {new_limit}", truncate_to=new_limit))
            elif not fits:
                probes.append(self.probe(
                    Risk.IMPOSSIBLE, f"value(s) longer than {new_limit} bytes do not fit in {self.new.text}",
                    f"{self.vendor.byte_length_sql.format(self.column)} > {new_limit}"))
        if self.new.family == FIXED_STRING and self.old.family == STRING:
            # CHAR(n) pads with spaces and drops trailing ones: 'a ' and 'a' become the same value.
            probes.append(self.probe(Risk.DESTRUCTIVE, f"value(s) end in a space, which {self.new.text} drops",
                                     f"{self.column} LIKE {self.vendor.quote_literal('% ')}"))
        return probes

    # -- text -> other ---------------------------------------------------------------------------
    def from_text(self) -> list[Probe]:
        new = self.new
        exact = f"CAST({self.column} AS {self.vendor.exact_number_type})"
        reads_back = self.number_reads_back_as_written()
        note = " (SQLite stores the number, not the text: '1.10' would read back 1.1)" if reads_back else ""
        if new.family == INTEGER and new.key in self.vendor.integer_ranges:
            low, high = self.vendor.integer_ranges[new.key]
            checks = [f"{exact} BETWEEN {low} AND {high}"] + ([reads_back] if reads_back else [])
            fits = (f"CASE WHEN {self.matches(_INTEGER_TEXT)} THEN "
                    f"CASE WHEN {' AND '.join(checks)} THEN 1 ELSE 0 END ELSE 0 END = 0")
            return [self.probe(Risk.IMPOSSIBLE, f"value(s) are not whole numbers in {low}..{high} written plainly, "
                                                f"so converting them to {new.text} would fail or change them{note}",
                               fits)]
        if new.family in (DECIMAL, FLOAT):
            precision, scale = self.decimal_size(new)
            checks = []
            if precision is not None and self.vendor.enforces_declared_sizes:
                checks.append(f"ABS({exact}) < {10 ** (precision - scale)}")
            if scale is not None and self.vendor.enforces_declared_sizes:
                checks.append(f"{exact} = ROUND({exact}, {scale})")
            if reads_back:
                checks.append(reads_back)
            inner = " AND ".join(checks) or "1 = 1"
            fits = (f"CASE WHEN {self.matches(_DECIMAL_TEXT)} THEN "
                    f"CASE WHEN {inner} THEN 1 ELSE 0 END ELSE 0 END = 0")
            return [self.probe(Risk.IMPOSSIBLE, f"value(s) are not plain numbers that {new.text} holds exactly, "
                                                f"so the conversion would fail or change them{note}", fits)]
        # Dates, booleans and other types parse text by rules we cannot check row by row without
        # risking an error: any value at all makes the change impossible here.
        return [self.probe(Risk.IMPOSSIBLE, f"value(s) would have to be parsed as {new.text}; django-lbsync cannot "
                                            "show that this keeps them (convert the data first)", "1 = 1")]

    def number_reads_back_as_written(self) -> str | None:
        """SQLite: the text equals the number it is stored as, read back as text. Elsewhere None: a
        DECIMAL keeps the value's digits, so '1.10' in numeric(5,2) is the same number."""
        if not self.by_affinity:
            return None
        cast = SQLITE_NUMBER_CAST.get(self.vendor.affinity(self.change.desired.type))
        if cast is None:
            return None
        return f"NOT ({SQLITE_TEXT_AS_NUMBER_DIFFERS.replace('{cast}', cast).format(self.column)})"

    # -- SQLite: a change of affinity ----------------------------------------------------------
    def affinity_change(self) -> list[Probe]:
        """SQLite's table rebuild copies each value into the new column, which converts it by the new
        affinity alone: count the values that would read back differently (vendors/datatypes.py)."""
        old = self.vendor.affinity(self.change.live.type)
        new = self.vendor.affinity(self.change.desired.type)
        return [self.probe(Risk.DESTRUCTIVE, f"value(s) would {what} once stored as {self.change.desired.type} "
                                             f"({new} affinity, was {old})", condition.format(self.column))
                for condition, what in sqlite_value_changes(old, new)]

    # -- other -> text ----------------------------------------------------------------------------
    def to_text(self) -> list[Probe]:
        limit, unit = self.limit(self.new)
        if limit is None:
            return []
        if self.old.family == INTEGER and self.old.key in self.vendor.integer_ranges:
            low, high = self.vendor.integer_ranges[self.old.key]
            if max(len(str(low)), len(str(high))) <= limit:
                return []
        as_text = f"CAST({self.column} AS {self.vendor.text_type})"
        length = (self.vendor.char_length_sql if unit == CHARS else self.vendor.byte_length_sql).format(as_text)
        return [self.probe(Risk.IMPOSSIBLE, f"value(s) are longer than {limit} {unit} as text, so they do not fit "
                                            f"in {self.new.text}", f"{length} > {limit}")]

    # -- numbers ---------------------------------------------------------------------------------
    def integer_range(self) -> list[Probe]:
        old_range = self.vendor.integer_ranges.get(self.old.key)
        new_range = self.vendor.integer_ranges.get(self.new.key)
        if new_range is None or old_range is None:
            return self.conversion()
        low, high = new_range
        if old_range[0] >= low and old_range[1] <= high:
            return []
        return [self.probe(Risk.IMPOSSIBLE, f"value(s) lie outside {low}..{high}, the range of {self.new.text}",
                           f"{self.column} < {low} OR {self.column} > {high}")]

    def decimal_size(self, data_type: DataType) -> tuple[int | None, int | None]:
        """(precision, scale); (None, None) for an unbounded NUMERIC or a float."""
        if data_type.family != DECIMAL or not data_type.args:
            return None, None
        precision = data_type.args[0]
        return precision, data_type.args[1] if len(data_type.args) > 1 else 0

    def decimal_digits(self) -> list[Probe]:
        new_p, new_s = self.decimal_size(self.new)
        if new_p is None:
            return [] if self.old.family != FLOAT else self.conversion()
        if self.old.family == INTEGER:
            old_range = self.vendor.integer_ranges.get(self.old.key)
            old_int_digits = max(len(str(abs(v))) for v in old_range) if old_range else None
            old_s = 0
        else:
            old_p, old_s = self.decimal_size(self.old)
            old_int_digits = None if old_p is None else old_p - old_s
        exact = f"CAST({self.column} AS {self.vendor.exact_number_type})"
        probes = []
        int_digits = new_p - new_s
        if old_int_digits is None or old_int_digits > int_digits:
            probes.append(self.probe(
                Risk.IMPOSSIBLE, f"value(s) need more than {int_digits} integer digit(s), the most {self.new.text} "
                                 "holds", f"ABS(ROUND({exact}, {new_s})) >= {10 ** int_digits}"))
        if old_s is None or old_s > new_s:
            probes.append(self.probe(
                Risk.DESTRUCTIVE, f"value(s) have more than {new_s} decimal(s) and would be rounded",
                f"{exact} <> ROUND({exact}, {new_s})"))
        return probes

    def to_integer(self) -> list[Probe]:
        probes = []
        exact = f"CAST({self.column} AS {self.vendor.exact_number_type})"
        if self.decimal_size(self.old)[1] != 0:
            probes.append(self.probe(Risk.DESTRUCTIVE, "value(s) have a fractional part and would be rounded",
                                     f"{exact} <> ROUND({exact}, 0)"))
        new_range = self.vendor.integer_ranges.get(self.new.key)
        if new_range is None:
            return probes + self.conversion()
        low, high = new_range
        probes.append(self.probe(Risk.IMPOSSIBLE, f"value(s) lie outside {low}..{high}, the range of {self.new.text}",
                                 f"ROUND({exact}, 0) < {low} OR ROUND({exact}, 0) > {high}"))
        return probes

    def integer_to_float(self) -> list[Probe]:
        bits = self.vendor.float_mantissa_bits.get(self.new.key)
        old_range = self.vendor.integer_ranges.get(self.old.key)
        if bits is None or old_range is None:
            return self.conversion()
        if max(abs(v) for v in old_range) <= 2 ** bits:
            return []
        return [self.probe(Risk.DESTRUCTIVE, f"value(s) beyond ±2^{bits} would be rounded by {self.new.text}",
                           f"ABS({self.column}) > {2 ** bits}")]

    def decimal_to_float(self) -> list[Probe]:
        bits = self.vendor.float_mantissa_bits.get(self.new.key)
        precision, _ = self.decimal_size(self.old)
        # A double keeps 15 significant decimal digits exactly, a single 6.
        if bits and precision is not None and precision <= {53: 15, 24: 6}.get(bits, 0):
            return self.float_scale()
        return self.conversion()

    def float_to_float(self) -> list[Probe]:
        old_bits = self.vendor.float_mantissa_bits.get(self.old.key)
        new_bits = self.vendor.float_mantissa_bits.get(self.new.key)
        if old_bits and new_bits and new_bits >= old_bits:
            return self.float_scale()
        return self.conversion()

    def scale_of(self, data_type: DataType) -> int | None:
        """The decimals a type keeps: a DECIMAL's scale, a MySQL FLOAT(M,D)'s D; None: any."""
        if data_type.family == INTEGER:
            return 0
        if data_type.family == DECIMAL:
            return self.decimal_size(data_type)[1]
        if data_type.family == FLOAT and self.vendor.float_scale_rounds and len(data_type.args) == 2:
            return data_type.args[1]
        return None

    def float_scale(self) -> list[Probe]:
        """A float written with a scale (MySQL's FLOAT(M,D), DOUBLE(M,D)) rounds every value to that
        many decimals, however many bits its mantissa has: count the values it would round."""
        new_s, old_s = self.scale_of(self.new), self.scale_of(self.old)
        if self.new.family != FLOAT or new_s is None or (old_s is not None and old_s <= new_s):
            return []
        return [self.probe(Risk.DESTRUCTIVE, f"value(s) have more than {new_s} decimal(s) and would be rounded "
                                             f"by {self.new.text}", f"{self.column} <> ROUND({self.column}, {new_s})")]

    # -- dates and times -------------------------------------------------------------------------
    def fraction_digits(self) -> list[Probe]:
        probes = [] if self.old.key == self.new.key else self.conversion()
        default = self.vendor.default_time_precision
        old_p = self.old.args[0] if self.old.args else default
        new_p = self.new.args[0] if self.new.args else default
        if new_p >= old_p:
            return probes
        step = 10 ** (6 - new_p)
        micros = self.vendor.microseconds_sql.format(self.column)
        return probes + [self.probe(
            Risk.DESTRUCTIVE, f"value(s) have fractional seconds beyond {new_p} digit(s), which would be "
                              f"{self.vendor.fraction_reduction}", f"MOD({micros}, {step}) <> 0")]

    # -- anything else ---------------------------------------------------------------------------
    def conversion(self) -> list[Probe]:
        return [self.probe(Risk.DESTRUCTIVE, f"value(s) would be converted from {self.change.live.type} to "
                                             f"{self.change.desired.type}; some may change or the conversion may "
                                             "fail", "1 = 1")]


def check_assessors(assessors: dict[type, str] = _Rules.ASSESSORS, change_types=PHASES) -> None:
    """Every change type has a risk assessor: a method named in `assessors` that `_Rules` defines."""
    require_handlers("risk assessor", {t: getattr(_Rules, name, None) for t, name in assessors.items()},
                     change_types)


check_assessors()
