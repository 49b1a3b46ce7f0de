"""What every LoopBack SQL connector does the same way; subclasses override what differs.

The rules are in docs/loopback-rules/README.md. A vendor turns one resolved property into a column
(name, exact type, nullability, default) and names indexes; it never talks to a database.
"""
from __future__ import annotations

import functools

import re
from typing import Any, Mapping

from .. import locks, sqlrules
from ..exceptions import RefusedValue
from ..locks import INSTANT, REWRITE, SCAN, LockCost
from . import datatypes
from ..definitions import ModelDefinition, PropertyDefinition

FK_ACTIONS = ("RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT", "NO ACTION")


@functools.cache
def _column_name_slot(vendor_class: type) -> str:
    """Where a property keeps its column name for one vendor class (Vendor.column_name)."""
    return f"_lbsync_column_name_{vendor_class.__module__}.{vendor_class.__qualname__}"


_UNCHECKED = object()  # no verdict remembered yet (a verdict may be None: no problem)


class Vendor:
    #: Django's `connection.vendor` this class serves (its name in plans and registries).
    django_vendor = ""
    #: The Django DatabaseWrapper classes (dotted paths) this class serves, and so their subclasses.
    django_backends: tuple[str, ...] = ()
    #: The key of the per-connector block in model JSON (`"postgresql": {...}`).
    connector_key = ""
    #: The connection's own schema when no catalog is asked (offline rendering, checks): PostgreSQL
    #: `public`, SQL Server `dbo`; Oracle's is the login user (`documented_own_schema`).
    default_schema: str | None = None
    #: Whether a model's `schema` reaches the table (PostgreSQL, Oracle, SQL Server; MySQL and SQLite
    #: ignore it), so it must be compared with the connection's own schema (`own_schema`).
    keys_schemas = True
    #: Keys of the model's connector block that name another schema or database for the table but that
    #: the database (and LoopBack's connector) ignore: the table is made in the connection's own
    #: database all the same. Each one written is warned about (`ignored_placement`, lbsync.W012).
    ignored_placement_keys: tuple[str, ...] = ()
    #: Whether table and schema names compare without case (SQL Server's default collations, SQLite):
    #: `name_key` is then case-folded wherever a name from a model meets one from the catalog.
    case_insensitive_names = False
    #: Whether FK constraints take ON UPDATE.
    fk_on_update = True
    #: The ON DELETE / ON UPDATE actions the database accepts.
    fk_actions = FK_ACTIONS
    #: Written after NOT NULL / PRIMARY KEY on a generated id column (AUTO_INCREMENT, IDENTITY ...).
    auto_suffix: str | None = None
    #: What the database reports for an FK action nobody gave.
    default_fk_action = "NO ACTION"
    #: Whether column names compare case-insensitively (MySQL, SQLite, SQL Server do).
    case_insensitive_columns = False
    #: Index `kind`s this database has a keyword for (MySQL: FULLTEXT, SPATIAL); elsewhere they become
    #: plain indexes, with a warning (docs/loopback-rules/indexes-and-keys.md#fulltext-and-spatial).
    special_index_kinds: tuple[str, ...] = ()
    #: Type spellings that mean the same, as (regex, replacement) applied in order to the upper-cased
    #: type on both sides of a comparison (DESIGN: a profile is a table, not a fork).
    type_aliases: tuple[tuple[str, str], ...] = ()
    #: The characters that quote identifiers on this database; a name holding one is refused (sqlrules).
    identifier_quotes = '"'
    #: Whether string literals read `\\` as an escape (MySQL/MariaDB), so it must be doubled too.
    backslash_escapes = False
    #: Whether an FK may reference columns that merely lead an index (InnoDB); else the primary key
    #: or a unique index is needed (preflight.py, docs/risk.md).
    fk_target_any_index = False
    #: Whether a column keeps any value whatever its declared size, converting only by type affinity
    #: (SQLite), so risk follows the affinity, not the size (preflight.py, docs/risk.md).
    stores_by_affinity = False
    #: Whether a column's default stays in place while its type changes, so it must suit the new type
    #: (PostgreSQL casts it, MySQL re-checks it); SQLite rebuilds the table with the new column whole.
    type_change_keeps_default = True
    #: Whether a kept column collation must be written into the column type (MySQL: every MODIFY,
    #: the NULL-only one too, resets it) rather than passed to Django's editor, which writes COLLATE
    #: where the database needs it (PostgreSQL's ALTER TYPE, SQLite's CREATE TABLE).
    collation_in_column_type = False

    # -- what types mean for the values (preflight.py, vendors/datatypes.py, docs/risk.md) ---------
    #: Type key (`VARCHAR`, `INT UNSIGNED`, `TIMESTAMP WITH TIME ZONE`) -> value family.
    type_families: Mapping[str, str] = {}
    #: Integer type key -> (smallest, largest) value it holds.
    integer_ranges: Mapping[str, tuple[int, int]] = {}
    #: String type key without a size -> (most characters or bytes, unit); (None, ...) is unlimited.
    string_limits: Mapping[str, tuple[int | None, str]] = {}
    #: The most bytes one character can take (to compare a character limit with a byte limit).
    max_bytes_per_char = 4
    #: Float type key -> mantissa bits: integers beyond 2**bits are rounded.
    float_mantissa_bits: Mapping[str, int] = datatypes.FLOAT_MANTISSA_BITS
    #: Whether a float type written with two sizes, FLOAT(M,D), rounds every value to D decimals (MySQL).
    float_scale_rounds = False
    #: Fractional-second digits of a datetime/time type written without a precision.
    default_time_precision = 6
    #: False where the database stores any value whatever the declared size (SQLite): then a
    #: narrower length, range, precision or scale changes no stored value.
    enforces_declared_sizes = True
    #: SQL templates for the preflight counts; `{}` is the quoted column.
    char_length_sql = "CHAR_LENGTH({})"
    byte_length_sql = "OCTET_LENGTH({})"
    #: `{value}` matches the regular expression `{pattern}` (a quoted literal of ours).
    regex_match_sql = "{value} ~ {pattern}"
    #: Exact numbers, for comparing a value with its rounding without overflow.
    exact_number_type = "NUMERIC"
    text_type = "TEXT"
    #: The value's microseconds within its second (0-999999).
    microseconds_sql = "MOD(CAST(EXTRACT(MICROSECONDS FROM {}) AS BIGINT), 1000000)"
    #: What the database does to fractional seconds that no longer fit.
    fraction_reduction = "rounded"
    #: Keep the first `{n}` characters of `{col}` (an accepted length narrowing).
    substring_sql = "SUBSTRING({col}, 1, {n})"
    #: The session sql_mode of our own runs, so the server refuses a cut instead of clamping (MySQL).
    strict_sql_mode: str | None = None
    #: Taken before a re-count inside the apply transaction, so no writer changes the table between
    #: the re-count and the change (PostgreSQL). None: the database needs none or cannot.
    block_writers_sql: str | None = None

    # -- DDL capabilities and templates (api.py, apply.py, diff.py, batch.py) ------------------------
    #: Whether FKs are part of the column definition in CREATE TABLE (SQLite): no ALTER TABLE ADD
    #: CONSTRAINT; adding or dropping one rebuilds the table.
    inline_foreign_keys = False
    #: Creates a named schema a table lives in before CREATE TABLE; `{schema}` is the quoted name.
    #: None: the database has no schemas of its own to create (or we leave them to the DBA).
    sql_create_schema: str | None = None
    #: Whether automigrate renders all its DDL first, then sends it in as few round trips as it can
    #: (batch.py); else Django's editor executes as it renders (SQLite switches FK checks off around it).
    batches_ddl = False
    #: Whether many DDL statements go in one round trip, inside one transaction (batch.send).
    sends_ddl_in_one_transaction = False
    #: Whether CREATE INDEX and ADD FOREIGN KEY of a new table are folded into its CREATE TABLE
    #: (MySQL: one InnoDB table rebuild saved per index and FK).
    folds_indexes_into_create_table = False
    #: automigrate sends its CREATE TABLEs on several connections (fanout.py; LBSYNC["DDL_CONNECTIONS"]):
    #: only where DDL is not transactional anyway, so no run's atomicity is given up for it.
    fans_out_create_table = False
    #: Whether one transaction can hold only so many relation locks (PostgreSQL's lock table).
    limits_locks_per_transaction = False
    #: Whether the database creates an index for each FK that has none, named after the FK (InnoDB):
    #: no model's index, never reported or discovered.
    creates_implicit_fk_indexes = False
    #: Whether a single-column primary key moves to the first column (MySQL; docs/loopback-rules/models.md#column-order).
    primary_key_first = False
    #: Whether a generated id is fed by a sequence and a BEFORE INSERT trigger named after the model
    #: (Oracle; docs/loopback-rules/types.md#ids-and-generated-ids).
    uses_sequences_and_triggers = False
    #: How DROP TABLE treats other objects that depend on the table: "cascade" (drops them, we name
    #: them), "refuses" (their FKs are dropped first and restored), "keeps" (they stay and must hold).
    drop_table_dependents = "keeps"

    # -- sessions, locks, catalogs (connecting.py, locking.py, dependents.py, discovery.py) -----------
    #: The driver's connect-timeout parameter (whole seconds), or None (a local file, or not connected here).
    connect_timeout_parameter: str | None = None
    #: Whether the database is a local file the driver would create on open (SQLite).
    database_is_local_file = False
    #: How runs on one database are serialized (locking.py): "advisory_lock", "named_lock", "lock_file",
    #: or None where we take no lock (databases only rendered offline).
    lock_strategy: str | None = None
    #: The fast catalog reader (catalogs/<vendor>.py `read_tables(cursor, schemas, views) -> [Table]`), a
    #: constant few queries whatever the number of tables; None: the generic reader (introspect_generic.py).
    catalog_reader = None
    #: isactual/autoupdate read the catalog in a second thread while the desired schema builds
    #: (introspect.CatalogPrefetch): where the fast reader waits on a server over the network.
    prefetches_catalog = False
    #: A failed COMMIT was answered by the database itself, never lost on the way (SQLite, in-process): never
    #: "in doubt" (exceptions.commit_in_doubt).
    commit_answer_is_local = False
    #: The generic reader's gap hooks (a catalogs.hooks.GapHooks subclass); None: it cannot read here.
    gap_hooks = None
    #: `(cursor, dropped tables) -> [name]`: the other objects DROP TABLE takes along or leaves broken
    #: (drop_table_dependents "cascade"; dependents.py). None: nothing to name.
    dependents_reader = None
    #: `(cursor, dropped tables) -> [(kind, schema, table, detail)]`: what belongs to a dropped table that no
    #: model re-creates (triggers, comments, grants ...; dependents.lost_with_tables). None: nothing read.
    lost_objects_reader = None
    #: Django's schema editor checks every foreign key of the database before its COMMIT (SQLite: it runs with
    #: enforcement off). These read what a run's own check covers instead (fkcheck.py): `(cursor) -> [(table,
    #: referenced table)]` for every foreign key, and `(cursor, table) -> [(rowid, columns, referenced table)]`
    #: for the rows of one table that point nowhere. None: the editor checks nothing at its end.
    foreign_keys_reader = None
    foreign_key_violations_reader = None
    #: The schema (or database) that owns tables written without one.
    sql_current_schema = "SELECT 'main'"
    #: The (schema, table) pairs of the tables in the given schemas; `{placeholders}` is one %s per schema.
    sql_tables_in_schemas = ("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_schema IN ({placeholders})")
    #: Every user schema, for discovery over all of them; None: one schema only.
    sql_list_schemas: str | None = None
    #: Which of the given table names exist in the connection's own schema, spelled as the catalog keeps
    #: them; `{placeholders}` is one %s per name. None: Django's `introspection.table_names()` spells
    #: them right (Oracle's lower-cases them, so "USER" would never be found).
    sql_user_tables: str | None = None

    # -- locks and online changes (locks.py, online.py, docs/online.md) ---------------------------------
    #: Whether the database rolls DDL back with its transaction (PostgreSQL, SQLite, SQL Server), so a plan
    #: run without --online is one transaction; else each DDL statement commits on its own.
    rolls_back_ddl = False
    #: Why `autoupdate --online` cannot run on this database (refused before anything runs, exit 2), or None
    #: where the vendor knows an online form for each change it can make without blocking writers.
    online_unsupported: str | None = (
        "autoupdate --online is not supported on this database: django-lbsync knows no online form of its "
        "changes here; run it without --online in a maintenance window"
    )
    #: One catalog SELECT giving (name, row estimate) rows from the statistics (never a COUNT) for the names
    #: `estimate_key` gives, bound as `{placeholders}` (one %s per name); None: no estimate (no warning).
    sql_estimated_rows: str | None = None
    #: What a change costs here run the ordinary way, per shape (locks.shapes); conservative where the
    #: database was never measured (Oracle, SQL Server). Subclasses replace entries.
    lock_costs: Mapping[str, LockCost] = {
        "create_table": LockCost("no lock on existing tables", INSTANT, False),
        "drop_table": LockCost("exclusive table lock", INSTANT, True, blocks_reads=True),
        "add_column": LockCost("exclusive table lock", INSTANT, True),
        "drop_column": LockCost("exclusive table lock", REWRITE, True, rewrites=True, note="may rewrite every row"),
        "alter_type": LockCost("exclusive table lock", REWRITE, True, blocks_reads=True, rewrites=True),
        "set_not_null": LockCost("exclusive table lock", SCAN, True, scans=True),
        "drop_not_null": LockCost("exclusive table lock", INSTANT, True),
        "alter_default": LockCost("exclusive table lock", INSTANT, True),
        "add_index": LockCost("share table lock", SCAN, True, scans=True),
        "add_unique_index": LockCost("share table lock", SCAN, True, scans=True),
        "add_unique_constraint": LockCost("share table lock", SCAN, True, scans=True),
        "drop_index": LockCost("exclusive table lock", INSTANT, True),
        "drop_constraint": LockCost("exclusive table lock", INSTANT, True),
        "add_foreign_key": LockCost("share table lock", SCAN, True, scans=True, note="validates every row"),
        "drop_foreign_key": LockCost("exclusive table lock", INSTANT, True),
        "add_generator": LockCost("exclusive table lock", REWRITE, True, blocks_reads=True, rewrites=True,
                                  note="where the database can give an existing column a generator at all"),
    }
    #: The same under --online, where it differs (vendors with online forms).
    online_lock_costs: Mapping[str, LockCost] = {}

    def connection_broken(self, connection) -> bool:
        """The driver knows the run's connection broke (the server ended it), without sending anything: asked
        inside a transaction that a failed statement aborted, where any probe query fails too
        (exceptions.lost_in_transaction). False where the driver cannot tell."""
        return False

    def estimate_key(self, table) -> str:
        """How `sql_estimated_rows` names a table (and returns its name)."""
        return table.name

    def estimated_rows_query(self, names: list[str]) -> tuple[str, list]:
        return self.sql_estimated_rows.format(placeholders=", ".join(["%s"] * len(names))), list(names)

    def online_statements(self, change, statements: list[str], quote) -> list["locks.OnlineStatement"]:
        """`statements` (the ordinary rendering of `change`) in the forms that keep writers going."""
        raise NotImplementedError(self.online_unsupported)

    def is_online_refusal(self, error) -> bool:
        """Whether the database refused the online form asked for (not the change itself)."""
        return False

    def online_leftovers(self, connection, tables, quote) -> list[tuple[str, str]]:
        """What a failed online run left on `tables`: (what, the statement that settles it)."""
        return []

    def lock_cost(self, change, *, online: bool = False) -> LockCost:
        """Which lock `change` takes here and for how long, run online or not: the worst of what it does."""
        from dataclasses import replace as _replace

        costs = []
        for shape in locks.shapes(change):
            cost = self.shape_cost(shape, change, online)
            if online or not self.rolls_back_ddl:
                cost = _replace(cost, in_transaction=False)
            costs.append(cost)
        return locks.worst(costs)

    def shape_cost(self, shape: str, change, online: bool) -> LockCost:
        """One thing a change does (`shape`), priced: the online table's entry under --online, else the
        ordinary one. Subclasses look at the change where the shape alone does not decide."""
        if online and shape in self.online_lock_costs:
            return self.online_lock_costs[shape]
        return self.lock_costs[shape]

    def data_type(self, type_text: str) -> "datatypes.DataType":
        """What a column type is, by family and size (from the normalized type text); remembered per
        type text, as normalize_type is (a schema repeats a handful of types thousands of times)."""
        cache = self.__dict__.setdefault("_data_types", {})
        found = cache.get(type_text)
        if found is None:
            found = cache[type_text] = datatypes.parse(self.normalize_type(type_text), self.type_families)
        return found

    #: What starts a comment outside string literals (MySQL adds `#`).
    comment_starts: tuple[str, ...] = ("--", "/*")
    #: Written before a string literal that holds a backslash, which is then doubled (PostgreSQL `E`),
    #: so the literal ends in the same place whatever the server's string settings.
    backslash_literal_prefix = ""
    #: How the server may read a backslash in a string literal (True: as an escape). PostgreSQL and
    #: MySQL each have a setting that switches it; a fragment must be safe under every reading.
    literal_readings: tuple[bool, ...] = (False,)
    #: Words a length may be instead of a number (SQL Server `max`).
    size_words: tuple[str, ...] = ()
    #: Whether a top-level `dataType` (outside the connector block) reaches the column type
    #: (docs/loopback-rules/types.md#mysql).
    reads_top_level_data_type = False

    # -- how long a name may be (desired._check_lengths, docs/sql-safety.md) ------------------------
    #: The longest name the database keeps whole, or None for no limit. A longer one is not refused by
    #: every database: PostgreSQL cuts it silently, so two names can become one.
    name_limit: int | None = None
    #: What `name_limit` counts: "characters", or "bytes" of the name in UTF-8.
    name_limit_unit = "characters"
    #: Whether `name_limit` replaces Django's `ops.max_name_length()` rather than meeting it (Oracle:
    #: Django says 30, the limit before 12.2, though Django 5.2 supports only Oracle 19 and later).
    name_limit_replaces_django = False

    # -- how large a declared size may be (desired._check_lengths, docs/loopback-rules/types.md) ------
    #: Type key -> the largest size the database accepts in `TYPE(n)`; a larger one is a definition
    #: error naming the property, before any SQL runs (LoopBack sends it and the server refuses it).
    declared_size_limits: Mapping[str, int] = {}
    #: What to write instead when a size is over the limit (for the error message).
    oversize_advice = ""

    def declared_size_limit(self, type_key: str) -> int | None:
        """The largest `n` this database accepts in `type_key(n)`, or None where we know no limit."""
        return self.declared_size_limits.get(type_key)

    def db_object_name(self, name: str) -> str:
        """An index or constraint name for Django's editor (pre-quoted where Django would change its case)."""
        return name

    def quote_name_for(self, connection):
        """The quote_name for SQL of our own outside an editor (counts, checks): the same names as our
        editors write (`editor_quote_name`), else Django's."""
        return self.editor_quote_name(connection.ops.quote_name) or connection.ops.quote_name

    def editor_quote_name(self, django_quote_name):
        """The quote_name our schema editors use (bridge.statements_as_written), or None for Django's.

        Oracle: Django's shortens an unquoted name over 30 characters with a hash, so an index or
        foreign-key name of ours would not be the name we checked, compared and reported."""
        return None

    # -- untrusted strings (sqlrules.py, docs/sql-safety.md) -------------------------------------
    def identifier_problem(self, name: object) -> str | None:
        verdict = self._verdicts("identifier").get(name, _UNCHECKED) if isinstance(name, str) else _UNCHECKED
        if verdict is not _UNCHECKED:
            return verdict  # the common case, without building the check (83,000 names at 5,000 models)
        return self._checked("identifier", name, lambda: sqlrules.identifier_problem(name, self.identifier_quotes))

    def quote_literal(self, value: str) -> str:
        return sqlrules.quote_literal(value, backslash_escapes=self.backslash_escapes,
                                      backslash_prefix=self.backslash_literal_prefix)

    def type_problem(self, type_text: object) -> str | None:
        verdict = self._verdicts("type").get(type_text, _UNCHECKED) if isinstance(type_text, str) else _UNCHECKED
        if verdict is not _UNCHECKED:
            return verdict
        return self._checked("type", type_text, lambda: sqlrules.type_expression_problem(
            type_text, quotes=self.identifier_quotes, comment_starts=self.comment_starts,
            readings=self.literal_readings))

    def default_problem(self, expression: object) -> str | None:
        verdict = self._verdicts("default").get(expression, _UNCHECKED) if isinstance(expression, str) else _UNCHECKED
        if verdict is not _UNCHECKED:
            return verdict
        return self._checked("default", expression, lambda: sqlrules.default_expression_problem(
            expression, quotes=self.identifier_quotes, comment_starts=self.comment_starts,
            readings=self.literal_readings))

    def _verdicts(self, rule: str) -> dict[str, str | None]:
        try:
            return self.__dict__["_rule_verdicts"][rule]
        except KeyError:
            return self.__dict__.setdefault("_rule_verdicts", {}).setdefault(rule, {})

    def _checked(self, rule: str, text: object, check) -> str | None:
        """A rule's verdict on one string, remembered: 500 models repeat a handful of types, defaults
        and names thousands of times, and the grammar check reads each one under two backslash readings.
        The verdict depends only on the string and this vendor's (constant) quoting data."""
        if not isinstance(text, str):
            return check()
        verdicts = self._verdicts(rule)
        try:
            return verdicts[text]
        except KeyError:
            verdict = verdicts[text] = check()
            return verdict

    def size_problem(self, value: object) -> str | None:
        return sqlrules.size_problem(value, self.size_words)

    def name_size(self, name: str) -> int:
        """The length of `name` as the database counts it against `name_limit`."""
        return len(name.encode("utf-8")) if self.name_limit_unit == "bytes" else len(name)

    # -- type text: words change case, string literals never do (ENUM('yes','No')) ---------------
    @property
    def literal_pattern(self) -> "re.Pattern[str]":
        """One string literal as this database reads it (MySQL: `\\'` does not end it)."""
        return _BACKSLASH_LITERAL if self.backslash_escapes else _STANDARD_LITERAL

    def type_words_upper(self, type_text: str) -> str:
        """`type_text` with its words upper-cased and its string literals as written."""
        return self._outside_literals(type_text, str.upper)

    def type_words_lower(self, type_text: str) -> str:
        """`type_text` with its words lower-cased and its string literals as written."""
        return self._outside_literals(type_text, str.lower)

    def _outside_literals(self, text: str, change) -> str:
        parts, end = [], 0
        for match in self.literal_pattern.finditer(text):
            parts += [change(text[end:match.start()]), match.group()]
            end = match.end()
        return "".join(parts + [change(text[end:])])

    def _type_literal(self, literal: str) -> str:
        """One spelling of a string literal inside a type, for comparing (MySQL reads escapes)."""
        return literal

    def literal_default(self, prop: PropertyDefinition, column_type: str) -> str | None:
        """A LoopBack `default` as an SQL literal, or None when it has none (PostgreSQL's rule,
        docs/loopback-rules/types.md#defaults).

        Objects and functions have no literal. A Date default of "now"/"$now" is applied by the juggler
        at insert time; written into DDL it would freeze the moment of the migration, so it is skipped.
        """
        if not prop.has_default or prop.default is None:
            return None
        value = prop.default
        if isinstance(value, str) and prop.type == "Date" and value.lower() in ("now", "$now"):
            return None
        return self.typed_literal(value, column_type)

    # -- a default value in the column's own terms (docs/loopback-rules/types.md#defaults-by-column-type)
    #: How a boolean is written in a DEFAULT: (true, false).
    boolean_literals = ("true", "false")

    def is_boolean_type(self, column_type: str) -> bool:
        return self.data_type(column_type).family == datatypes.BOOLEAN

    def typed_literal(self, value: Any, column_type: str, what: str = "default") -> str | None:
        """A JSON default as the literal a column of `column_type` takes, so the database stores the value
        the model means and reports it back the same way: `"false"` or `0` in a boolean column is the
        database's false, `"7"` in an integer column is 7, `5` in a string column is '5'. A value the
        column cannot hold is refused (RefusedValue) before any SQL is sent."""
        data_type = self.data_type(column_type)
        family = data_type.family
        if self.is_boolean_type(column_type):
            flag = datatypes.boolean_value(value)
            if flag is None:
                raise RefusedValue(
                    f"{what} {value!r} is no boolean (the column is {column_type}); write true or false")
            return self.boolean_literals[0 if flag else 1]
        if family in (datatypes.INTEGER, datatypes.DECIMAL, datatypes.FLOAT):
            return self._number_literal(value, data_type, column_type, what)
        if family in (datatypes.STRING, datatypes.FIXED_STRING):
            if isinstance(value, bool):
                return self.quote_literal("true" if value else "false")
            if isinstance(value, (int, float)):
                return self.quote_literal(_javascript_string(value))
            return self.quote_literal(value) if isinstance(value, str) else None
        if isinstance(value, bool):
            return self.boolean_literals[0 if value else 1]
        if isinstance(value, str) and family in (datatypes.DATETIME, datatypes.DATE, datatypes.TIME):
            digits = data_type.args[0] if data_type.args else self.default_time_precision
            moment = datatypes.moment_literal(value, family, min(digits, 6), "WITH TIME ZONE" in data_type.key)
            return self.quote_literal(moment if moment is not None else value)
        if isinstance(value, (int, float)):
            if family in (datatypes.DATETIME, datatypes.DATE, datatypes.TIME):
                raise RefusedValue(f"{what} {value!r} is a number, but the column is {column_type}; "
                                             f"write the date as a string")
            return repr(value)
        return self.quote_literal(value) if isinstance(value, str) else None

    def _number_literal(self, value: Any, data_type: "datatypes.DataType", column_type: str, what: str) -> str:
        """A number default, rounded as the database would round it on storage (so that the default it
        reports is the one we compare with), and refused when out of the type's range."""
        from decimal import ROUND_HALF_UP, Decimal

        text = datatypes.number_text(value)
        if text is None:
            raise RefusedValue(f"{what} {value!r} is not a number, but the column is {column_type}")
        scale = None
        if data_type.family == datatypes.INTEGER:
            scale = 0
        elif data_type.family == datatypes.DECIMAL and data_type.args:
            scale = data_type.args[1] if len(data_type.args) > 1 else 0
        if scale is not None:
            # Half away from zero, as PostgreSQL and MySQL round a constant into a fixed scale.
            rounded = Decimal(text).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
            text = datatypes.number_text(str(rounded)) or "0"
        bounds = self.integer_ranges.get(data_type.key) if data_type.family == datatypes.INTEGER else None
        if bounds and not bounds[0] <= int(text) <= bounds[1]:
            raise RefusedValue(f"{what} {value!r} is out of range for {column_type} "
                                         f"({bounds[0]} to {bounds[1]})")
        if data_type.family == datatypes.DECIMAL and len(data_type.args) == 2:
            whole_digits = data_type.args[0] - data_type.args[1]
            if len(text.lstrip("-").split(".")[0].lstrip("0")) > whole_digits:
                raise RefusedValue(f"{what} {value!r} does not fit {column_type}")
        return text

    # -- names (docs/loopback-rules/names.md) ---------------------------------------------------------
    def db_name(self, name: str) -> str:
        """The connector's case rule for names nobody mapped explicitly."""
        return name

    def table_name(self, model: ModelDefinition) -> str:
        block = model.connector(self.connector_key)
        return block.get("table") or block.get("tableName") or self.db_name(model.name)

    def schema_name(self, model: ModelDefinition, own_schema: str | None = None) -> str | None:
        """The model's schema, or None when it names none or the connection's own (`own_schema`, else
        `default_schema`): such a table is keyed, compared and written as one without a schema, so a
        model naming `public`, `dbo` or the Oracle login explicitly is the same table as one naming
        nothing (docs/loopback-rules/names.md#schema)."""
        schema = self.named_schema(model)
        own = own_schema if own_schema is not None else self.default_schema
        if schema and not (own is not None and isinstance(schema, str) and self.name_key(schema) == self.name_key(own)):
            return schema
        return None

    def named_schema(self, model: ModelDefinition):
        """`<connector>.schema` or `.schemaName` as the database will spell it (unchecked: the identifier
        rule runs on the built table)."""
        block = model.connector(self.connector_key)
        return block.get("schema") or block.get("schemaName")

    def ignored_placement(self, model: ModelDefinition, own_database: str | None = None) -> list[tuple[str, Any]]:
        """(key, value) of each `ignored_placement_keys` setting the model writes, except one naming the
        connection's own database (`own_database`): that one places the table where it goes anyway, and
        discovery writes it into every model it makes (docs/loopback-rules/names.md#schema)."""
        block = model.connector(self.connector_key)
        return [(key, block[key]) for key in self.ignored_placement_keys
                if block.get(key) not in (None, "") and not (own_database and block[key] == own_database)]

    def name_key(self, name: str) -> str:
        """A table or schema name as this database compares it (`case_insensitive_names`)."""
        return name.casefold() if self.case_insensitive_names else name

    def documented_own_schema(self, settings_dict: Mapping[str, Any]) -> str | None:
        """The connection's own schema without asking the server: `default_schema`."""
        return self.default_schema

    def own_schema(self, connection, *, live: bool) -> str | None:
        """The schema an unqualified table lives in. `live`: asked of the catalog (`sql_current_schema`,
        one SELECT: PostgreSQL's search path, the login's default schema on SQL Server, Oracle's current
        schema); else the documented default, connecting to nothing. None where schemas are not keyed."""
        if not self.keys_schemas:
            return None
        if not live:
            return self.documented_own_schema(getattr(connection, "settings_dict", {}) or {})
        with connection.cursor() as cursor:
            cursor.execute(self.sql_current_schema)
            row = cursor.fetchone()
        return row[0] if row else self.default_schema

    def column_name(self, prop: PropertyDefinition) -> str:
        # Asked three or four times per property while a schema is built (212,000 times at 5,000 models):
        # remembered on the property itself, per vendor class (the name depends only on the property, the
        # connector key and the class's case rule). The definitions are frozen, so the name cannot go stale.
        slot = _column_name_slot(type(self))
        name = prop.__dict__.get(slot)
        if name is None:
            name = prop.__dict__[slot] = self._column_name(prop)
        return name

    def _column_name(self, prop: PropertyDefinition) -> str:
        block = prop.connector(self.connector_key)
        for key in ("column", "columnName", "field", "fieldName"):
            if block.get(key):
                return block[key]
        if isinstance(prop.get("name"), str) and prop.get("name"):
            return prop.get("name")
        return self.db_name(prop.name)

    # -- columns (docs/loopback-rules/types.md) -------------------------------------------------------
    def column_type(self, prop: PropertyDefinition, model: ModelDefinition) -> str:
        raise NotImplementedError

    def auto_increment(self, prop: PropertyDefinition, model: ModelDefinition, column_type: str) -> str | None:
        """The column type to use when this id is generated by the database, or None.

        Where the database marks it with a keyword rather than a type, `auto_suffix` adds that.
        """
        return None

    def is_nullable(self, prop: PropertyDefinition) -> bool:
        """LBC 7 `isNullable`: id and required are NOT NULL, and so are nullable:false/'N'/'NO'/0
        (docs/loopback-rules/types.md#not-null)."""
        if prop.required or prop.id:
            return False
        settings = prop.settings
        for key in ("nullable", "null", "allowNull"):
            value = settings.get(key)
            if value is None:
                continue
            if value is False or value in ("N", "NO") or (value == 0 and not isinstance(value, bool)):
                return False
        return True

    def default_sql(self, prop: PropertyDefinition, column_type: str) -> str | None:
        return None

    # -- what the database refuses across tables (validation.py) -------------------------------------
    #: Where an index name must be unique: "table" (MySQL, SQL Server) or "schema" (PostgreSQL, Oracle;
    #: SQLite's one database).
    index_name_scope = "table"
    #: Whether index names share the tables' namespace (PostgreSQL's pg_class, SQLite's sqlite_master).
    index_names_share_table_namespace = False
    def implicit_relation_names(self, table) -> list[tuple[str, str]]:
        """(name, what it is) of the relations the database itself makes and names for `table` in the
        namespace its indexes share (`index_names_share_table_namespace`): an index of the models with one of
        these names fails mid-run. None by default."""
        return []

    #: Index names the database keeps for itself (MySQL's PRIMARY), compared as `identifier_key` compares.
    reserved_index_names: tuple[str, ...] = ()
    #: Whether an FK that no index serves (none leads with its columns) gets an index named after the FK
    #: (InnoDB), which then must not be the name of another index of the table.
    fk_index_takes_fk_name = False
    #: Where a foreign key name must be unique: "table", or "schema" (InnoDB: the whole database).
    fk_name_scope = "table"
    #: Whether an FK with ON DELETE/UPDATE SET NULL on a NOT NULL column is refused when created.
    set_null_needs_nullable_column = False

    #: Function name (lower case) -> the extension that provides it, for defaults that call one
    #: (extensions.py). Empty: the database has no extensions to create.
    function_extensions: Mapping[str, str] = {}
    #: (name, installed, trusted) of each extension in the %s list the server has; None: no extensions.
    sql_extension_states: str | None = None
    #: (role, database, superuser, may create in the database) of this session.
    sql_role = ""
    #: `{name}` is the quoted extension name.
    sql_create_extension = ""

    def extensions_called(self, default: str | None) -> list[str]:
        """The extensions whose functions the SQL `default` calls (outside its string literals)."""
        if not default or not self.function_extensions:
            return []
        code = self.literal_pattern.sub("''", default)
        found = []
        for name in re.findall(r"([A-Za-z_][A-Za-z0-9_$]*)\s*\(", code):
            extension = self.function_extensions.get(name.lower())
            if extension and extension not in found:
                found.append(extension)
        return found

    def referenced_type(self, column) -> str:
        """The type an FK column takes to match `column` (a generated id's type without its generator)."""
        return column.type

    def fk_types_match(self, column_type: str, ref_type: str) -> bool:
        """Whether the database accepts an FK from a column of `column_type` to one of `ref_type`: the
        same family of values (numbers with numbers, strings with strings), else the same type."""
        if self.same_type(column_type, ref_type):
            return True
        if self.data_type(column_type).key == self.data_type(ref_type).key:
            return True  # one type, whatever its size (VARCHAR2(1024) -> VARCHAR2(12) is accepted)
        family, ref_family = self.data_type(column_type).family, self.data_type(ref_type).family
        groups = ({datatypes.INTEGER, datatypes.DECIMAL, datatypes.FLOAT},
                  {datatypes.STRING, datatypes.FIXED_STRING})
        return any(family in group and ref_family in group for group in groups) or (
            family == ref_family and family != datatypes.OTHER)

    # -- indexes (docs/loopback-rules/indexes-and-keys.md#index-names) -------------------------------
    def property_index_name(self, table: str, column: str, prop: PropertyDefinition) -> str:
        return f"{table}_{column}_idx"

    def model_index_name(self, table: str, key: str, spec: Mapping[str, Any], columns: list[str]) -> str:
        return key

    def foreign_key_name(self, name: str) -> str:
        """The constraint name the database will hold for a `foreignKeys` entry named `name`."""
        return name

    # -- comparing live and desired (autoupdate, isactual) -------------------------------------
    def same_type(self, live_type: str, desired_type: str) -> bool:
        """Whether a live column of `live_type` is what `desired_type` creates. By default their
        normalized spellings are equal; a database that picks the type from a size it is given (MySQL's
        TEXT(n)) says which live types the desired one may have become."""
        return self.normalize_type(live_type) == self.normalize_type(desired_type)

    def normalize_type(self, type_text: str) -> str:
        # Memoised per vendor class: a schema repeats a handful of type spellings thousands of times.
        cache = type(self).__dict__.get("_type_cache")
        if cache is None:
            cache = {}
            setattr(type(self), "_type_cache", cache)
        normalized = cache.get(type_text)
        if normalized is None:
            normalized = cache[type_text] = self._normalize_type(type_text)
        return normalized

    def _normalize_type(self, type_text: str) -> str:
        # String literals (ENUM and SET values) are held aside, so neither case nor spacing changes in
        # them: ENUM('yes') and ENUM('YES') are different columns.
        literals: list[str] = []

        def hold(match: "re.Match[str]") -> str:
            literals.append(self._type_literal(match.group()))
            return f"\x00{len(literals) - 1}\x00"

        text = type_text if "\x00" in type_text else self.literal_pattern.sub(hold, type_text)
        text = re.sub(r"\s+", " ", text.strip().upper())
        text = re.sub(r"\s*\(\s*", "(", text)
        text = re.sub(r"\s*,\s*", ",", text)
        text = re.sub(r"\s*\)", ")", text)
        for pattern, replacement in self.type_aliases:
            text = re.sub(pattern, replacement, text)
        return re.sub("\x00(\\d+)\x00", lambda m: literals[int(m.group(1))], text) if literals else text

    def normalize_default(self, default: str | None, type_text: str | None = None) -> str | None:
        """One spelling per default: casts, wrapping parentheses and NOW() spellings removed; with the
        column's type, one spelling per value (`'1'`, `1`, `1.0` in a number column; `b'1'`, `1`, `true`
        in a boolean one)."""
        text = self._normalize_default_text(default)
        if text is None or type_text is None:
            return text
        value = text[1:-1].replace("''", "'") if len(text) >= 2 and text[0] == text[-1] == "'" else text
        if self.is_boolean_type(type_text):
            flag = datatypes.boolean_value(value.strip("b'") if value.lower().startswith("b'") else value)
            return text if flag is None else ("true" if flag else "false")
        family = self.data_type(type_text).family
        if family in (datatypes.INTEGER, datatypes.DECIMAL, datatypes.FLOAT):
            return datatypes.number_text(value) or text
        if family in (datatypes.DATETIME, datatypes.DATE, datatypes.TIME) and text[:1] == "'":
            # '2020-01-02 03:04:05' written, '2020-01-02 03:04:05+00' shown by a WITH TIME ZONE column
            # (our sessions run in UTC): one instant, spelled one way.
            moment = datatypes.moment_text(value)
            return f"'{moment}'" if moment else text
        return text

    def _normalize_default_text(self, default: str | None) -> str | None:
        if default is None:
            return None
        text = default.strip()
        while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        # `::integer`, `::character varying(20)`, `::timestamp(3) without time zone`, `::text[]`
        text = re.sub(r"(::[a-z_ ]+(\(\d+(,\d+)?\))?[a-z_ ]*(\[\])?)+$", "", text, flags=re.I)
        if text.upper() in ("NULL", ""):
            return None
        if text.lower() in ("now()", "current_timestamp", "current_timestamp()", "localtimestamp"):
            return "CURRENT_TIMESTAMP"
        if text.lower() in ("true", "false"):
            return text.lower()
        if re.fullmatch(r"-?\d+\.0+", text):
            text = text.split(".")[0]
        return text

    #: The backend's create_model loses the order of the editor's deferred statements (mssql-django makes
    #: them a set); the applier then sorts each table's own, so rendered SQL is the same every run.
    editor_shuffles_deferred_sql = False

    #: Whether autoupdate can give an existing generated-id column its generator without changing a value
    #: (add_generator_sql); where not, the missing generator is a note that blocks isactual.
    adds_generators = False

    def add_generator_sql(self, table_sql: str, column_sql: str, column) -> list[str]:
        """The statements that give `column` (quoted `column_sql`, of the quoted `table_sql`) a generator that
        starts after its highest value."""
        raise NotImplementedError(f"{type(self).__name__} cannot add a generator to an existing column")

    def generator_renumbers(self, column_sql: str) -> str | None:
        """A condition on the rows whose id adding a generator would change, or None when none would."""
        return None

    def generates_without_keyword(self, column, table) -> bool:
        """Whether the database fills this live column by itself although nothing marks it generated."""
        return False

    def identifier_key(self, name: str) -> str:
        return name.casefold() if self.case_insensitive_columns else name

    def normalize_fk_action(self, action: str | None) -> str:
        return (action or self.default_fk_action).upper()

    # -- names as Django's editor takes them (bridge.py) ------------------------------------------
    def db_table(self, table) -> str:
        """The `db_table` for Django: pre-quoted where the name must stay exactly as LoopBack wrote it."""
        return f'"{table.schema}"."{table.name}"' if table.schema else table.name

    def db_column(self, name: str) -> str:
        """The `db_column` for Django (pre-quoted where Django would change the name's case)."""
        return name

    def sequence_sql(self, quote_name, table) -> list[str]:
        """The statements that create the generator of `table`'s id (uses_sequences_and_triggers)."""
        return []

    def drop_sequence_sql(self, table) -> str | None:
        """The statement that drops the generator `sequence_sql` made, if it is there."""
        return None

    # -- discovery: the database's catalog -> LoopBack's property rows (discovery.py, docs/loopback-rules/discovery.md)
    #: How discovery spells a nullable / NOT NULL column in `nullable`.
    discovery_nullable = ("YES", "NO")
    #: Whether discovery rows give `generated` as 1/0 and the full `columnType` (LoopBack's MySQL discovery).
    discovery_reports_column_type = False
    #: Whether ENUM('a','b') is a type of its own, discovered as `jsonSchema.enum` (MySQL).
    has_enum_type = False
    #: The connector-block key a discovered default is written to.
    discovered_default_key = "dbDefault"

    def discovered_loopback_type(self, type_word: str, length: int | None, precision: int | None) -> str | None:
        """The LoopBack type this database's discovery gives an upper-cased type word, where it has a rule
        of its own; None: the shared rules decide (discovery.loopback_type)."""
        return "Boolean" if type_word in ("BOOLEAN", "BOOL", "BIT") else None

    def discovered_data_type(self, data_type: str, precision: int | None) -> tuple[str, int | None]:
        """`dataType` and `dataPrecision` as this connector's discovery reports them."""
        return data_type, precision

    def discovered_default(self, default: str):
        """A live default as the connector block that re-creates it."""
        return default

    # -- helpers --------------------------------------------------------------------------------
    @staticmethod
    def length_of(prop: PropertyDefinition, block: Mapping[str, Any]) -> Any:
        return block.get("dataLength") or prop.get("length") or prop.get("limit")

    def fk_action(self, value: Any) -> str | None:
        """An ON DELETE/UPDATE action as the database spells it, or None for the database default."""
        if not value:
            return None
        action = str(value).strip().upper()
        return action if action in self.fk_actions else None


_STANDARD_LITERAL = re.compile(r"'(?:[^']|'')*'")
_BACKSLASH_LITERAL = re.compile(r"'(?:[^'\\]|''|\\.)*'", re.S)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def _javascript_string(number: int | float) -> str:
    """String(n) as JavaScript writes it: 5 -> "5", 1.0 -> "1", 1.5 -> "1.5"."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    return repr(number)
