"""Schema `Table` -> a Django model class, so Django's schema editor writes the DDL (DESIGN decision 2).

Models live in a private, throwaway apps registry (one per `render_models` call), never the global one.
They are built directly, with only the fields and Meta options the schema editor reads: Django's migration
state (`ModelState.render` / `StateApps`, which clones every field and expires every model's cache as each
model registers) was two thirds of the rendering time of a 500-table automigrate. Each column is an
`ExactTypeField` whose `db_type()` is the exact LoopBack type. Two things Django 5.2 cannot say
are written here as SQL, through the editor so `collect_sql` still sees them: named foreign keys
with ON DELETE / ON UPDATE (here), and Oracle's LoopBack sequence + trigger (vendors/oracle.py;
docs/loopback-rules/types.md#ids-and-generated-ids).
"""
from __future__ import annotations

import copy
import re
from contextlib import contextmanager
from functools import lru_cache
from contextvars import ContextVar
from typing import Iterator

from django.apps.registry import Apps
from django.db import models
from django.db.models.constraints import BaseConstraint
from django.db.models.expressions import Value

from .schema import Column, ForeignKey, Table
from .vendors import Vendor, vendor_for

APP_LABEL = "django_lbsync_runtime"


#: Set while Django %-formats a default's SQL once more before writing it (MySQL's MODIFY, which
#: repeats the default: `_set_field_new_type`).
_DEFAULT_FORMATTED_AGAIN: ContextVar[bool] = ContextVar("lbsync_default_formatted_again", default=False)


class SQLDefault(Value):
    """A database default given as SQL text (`1209600`, `'sandbox'`, `now()`), emitted verbatim.

    Where Django %-formats the default's text once more (backends that write defaults as literals,
    SQLite and Oracle: `db_default_sql`; MySQL's MODIFY), a `%` (`'100%'`) is doubled to come out single.
    """

    def as_sql(self, compiler, connection):
        if connection.features.requires_literal_defaults or _DEFAULT_FORMATTED_AGAIN.get():
            return self.value.replace("%", "%%"), []
        return self.value, []


@contextmanager
def statements_as_written(editor) -> Iterator[None]:
    """Run `editor`'s statements as written, never through %-formatting, for the duration.

    Django's `create_model` and `add_field` pass `params or None` for this reason ("a literal '%' in
    the definition"), but `alter_field` and `--sql` collection pass `[]`, which PostgreSQL (client-side
    merge) and MySQLdb read as "format this text": a default such as `'100%'` would then fail or change.
    """
    execute = editor.execute

    def execute_as_written(sql, params=()):
        return execute(sql, params if params else None)

    patches = {"execute": execute_as_written}
    # Names reach the database whole (Oracle: Vendor.editor_quote_name).
    quote_name = vendor_for(editor.connection).editor_quote_name(editor.quote_name)
    if quote_name is not None:
        patches["quote_name"] = quote_name
    set_field_new_type = getattr(editor, "_set_field_new_type", None)
    if set_field_new_type is not None:
        def formatting_default_again(*args, **kwargs):
            token = _DEFAULT_FORMATTED_AGAIN.set(True)
            try:
                return set_field_new_type(*args, **kwargs)
            finally:
                _DEFAULT_FORMATTED_AGAIN.reset(token)

        patches["_set_field_new_type"] = formatting_default_again
    before = {name: vars(editor).get(name) for name in patches}
    vars(editor).update(patches)
    try:
        yield
    finally:
        if "quote_name" in patches:
            # Deferred statements (indexes) would quote their names when the editor closes, after this
            # context: render them now, while names are quoted whole.
            editor.deferred_sql[:] = [str(sql) for sql in editor.deferred_sql]
        for name, previous in before.items():
            if previous is None:
                del vars(editor)[name]  # the class's own method again
            else:
                vars(editor)[name] = previous


class ExactTypeField(models.Field):
    """A column whose type is exactly `exact_type`; `type_suffix` follows NOT NULL / PRIMARY KEY."""

    # Django makes every string column nullable on Oracle (where '' is NULL); LoopBack writes
    # NOT NULL for required properties there too, so nullability is taken as given.
    empty_strings_allowed = False

    def __init__(self, *args, exact_type: str, type_suffix: str | None = None, kept_sql: str = "",
                 collation: str | None = None, **kwargs):
        self.exact_type = exact_type
        self.type_suffix = type_suffix
        self.collation = collation  # a live column collation, kept through a type change
        # Live attributes no model declares (collation, CHECK, ON UPDATE, comment): part of the column
        # type the editor writes in CREATE TABLE and MODIFY, so a rebuild or rewrite keeps them.
        self.kept_sql = kept_sql
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return self.exact_type

    def db_parameters(self, connection):
        # db_type() stays the bare type: Django's MySQL editor reads it to spot TEXT/BLOB columns.
        params = super().db_parameters(connection)
        if self.collation:
            params["collation"] = self.collation
        if self.kept_sql:
            params["type"] = f"{self.exact_type} {self.kept_sql}"
        return params

    def db_type_suffix(self, connection):
        return self.type_suffix

    def db_check(self, connection):
        # What Field.db_check answers for a type no backend lists in data_type_check_constraints (they are
        # keyed by Django's internal type names), without formatting this field's attributes to find that out:
        # a tenth of CREATE TABLE rendering.
        return None

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["exact_type"] = self.exact_type
        if self.type_suffix:
            kwargs["type_suffix"] = self.type_suffix
        if self.kept_sql:
            kwargs["kept_sql"] = self.kept_sql
        if self.collation:
            kwargs["collation"] = self.collation
        return name, path, args, kwargs


class _CheapCopy:
    """Django deep-copies every Meta index of every model class it makes; ours hold only names and orders
    (no expressions, no condition), so a copy of those lists is the same copy, without copy.deepcopy's walk."""

    def __deepcopy__(self, memo):
        clone = copy.copy(self)
        clone.fields = list(self.fields)
        clone.fields_orders = list(self.fields_orders)
        clone.opclasses = list(self.opclasses) if isinstance(self.opclasses, list) else self.opclasses
        return clone


class PlainIndex(_CheapCopy, models.Index):
    """`CREATE INDEX`, exactly Django's Index (and deconstructed as one)."""

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return "django.db.models.Index", args, kwargs


class UniqueIndex(_CheapCopy, models.Index):
    """A UNIQUE INDEX, as LoopBack makes them (Django's UniqueConstraint would make a constraint)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        statement = super().create_sql(model, schema_editor, using=using, **kwargs)
        statement.template = statement.template.replace("CREATE INDEX", "CREATE UNIQUE INDEX", 1)
        return statement

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return f"{__name__}.UniqueIndex", args, kwargs


class KindIndex(_CheapCopy, models.Index):
    """An index with a keyword kind the database has (MySQL `CREATE FULLTEXT INDEX`, `CREATE SPATIAL
    INDEX`): `kind` is one of the vendor's `special_index_kinds` (vendors/mysql.py), never free text."""

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def create_sql(self, model, schema_editor, using="", **kwargs):
        statement = super().create_sql(model, schema_editor, using=using, **kwargs)
        statement.template = statement.template.replace("CREATE INDEX", f"CREATE {self.kind} INDEX", 1)
        return statement

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return f"{__name__}.KindIndex", args, kwargs


class KeptCheck(BaseConstraint):
    """A table-level CHECK constraint read from the live table, written back as it was (SQLite rebuilds).

    `sql` is the clause exactly as the database stored it (`CONSTRAINT "x" CHECK (...)`), checked by
    sqlite_ddl.py to be one balanced clause. Only SQLite's table rebuild renders it; it is never added
    or removed on its own.
    """

    def __init__(self, *, name: str, sql: str):
        self.sql = sql
        super().__init__(name=name)

    def constraint_sql(self, model, schema_editor):
        return self.sql

    def create_sql(self, model, schema_editor):
        return None

    def remove_sql(self, model, schema_editor):
        return None

    def validate(self, *args, **kwargs):
        return None

    def deconstruct(self):
        return f"{__name__}.KeptCheck", (), {"name": self.name, "sql": self.sql}

    def __eq__(self, other):
        return isinstance(other, KeptCheck) and (self.name, self.sql) == (other.name, other.sql)


class KeylessRowId(models.Field):
    """The primary key Django's model class needs for a table that has none
    (docs/loopback-rules/models.md#tables-without-a-primary-key).

    LoopBack makes keyless tables (`"id": false` with `idInjection: false`); Django's schema editor only
    needs a key for its *model class*, never in the DDL of the other columns. This field has no type
    (`db_type()` is None), so the editor leaves it out of CREATE TABLE exactly as it leaves out a
    many-to-many field, and no ALTER ever names it. It is mapped to SQLite's implicit row id: the one
    statement that lists every column, SQLite's table rebuild (`INSERT INTO new SELECT ... FROM old`),
    then copies the row ids too instead of naming a column that does not exist. Chosen over rendering a
    CREATE TABLE by hand because every other path (add/alter/remove field, indexes, the rebuild, `--sql`)
    stays Django's own.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("primary_key", True)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return None

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, f"{__name__}.KeylessRowId", args, kwargs


#: Field name of the KeylessRowId; field names of columns all start with "c_" (field_name).
KEYLESS_FIELD = "lbsync_rowid"


def _rowid_alias(table: Table) -> str:
    """A name SQLite reads as the row id that no column of the table takes."""
    taken = {c.name.casefold() for c in table.columns}
    return next((alias for alias in ("_rowid_", "oid", "rowid") if alias not in taken), "_rowid_")


@lru_cache(maxsize=8192)  # column names repeat across tables ("id", "createdAt"); asked for every render
def field_name(column: str) -> str:
    """A Django field name for a column, stable across snapshots of the same table.

    Prefixed so no column name ("pk", "id", "objects") can clash with Django's own attributes.
    Every character that is not alphanumeric (str.isalnum, which is what `\\W` excludes besides `_`) becomes `_`.
    """
    return "c_" + _NOT_ALNUM.sub("_", column.lower())


_NOT_ALNUM = re.compile(r"\W")


def field_names_for(table: Table) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = set()
    for column in table.columns:
        name = base = field_name(column.name)
        n = 1
        while name in used:  # "A-b" and "a_b" would meet: keep both
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        names[column.name] = name
    return names


def model_parts(vendor: Vendor, table: Table) -> tuple[str, list[tuple[str, models.Field]], dict]:
    """One Table as a model class's name, its fields (name, field), and its Meta options."""
    field_names = field_names_for(table)
    inline_fks = {fk.columns[0]: fk for fk in table.foreign_keys} if vendor.inline_foreign_keys else {}
    auto_suffix = vendor.auto_suffix
    fields = []
    single_pk = len(table.primary_key) == 1
    for column in table.columns:
        is_pk = single_pk and column.name == table.primary_key[0]
        suffix = auto_suffix if column.auto else None
        if column.name in inline_fks:
            suffix = _inline_fk_sql(inline_fks[column.name])
        if column.default is not None:
            value = ("db_default", column.default)
        elif column.fill is not None:
            # Never written into CREATE TABLE; Django uses it to fill existing rows when a NOT NULL
            # column is added or a column becomes NOT NULL, then drops it again.
            value = ("default", column.fill)
        else:
            value = None
        shape = (column.type, suffix, column.null and not is_pk, is_pk, kept_column_sql(vendor, column),
                 None if vendor.collation_in_column_type else column.collation, value)
        fields.append((field_names[column.name], _field(shape, vendor.db_column(column.name))))
    if len(table.primary_key) > 1:
        fields.insert(0, ("pk", models.CompositePrimaryKey(*(field_names[c] for c in table.primary_key))))
    elif not table.primary_key:
        fields.insert(0, (KEYLESS_FIELD, KeylessRowId(db_column=_rowid_alias(table))))
    indexes, constraints = [], []
    for index in table.indexes:
        if index.opaque:
            # A partial, expression or prefix index has no field list: rendered, it would become a
            # full index (or fail on its empty column names). Kept as the database has it (rebuild.py).
            continue
        names = [("-" if order == "DESC" else "") + field_names[c] for c, order in zip(index.columns, index.orders)]
        if index.constraint:
            # A UNIQUE constraint stays one: SQLite's table rebuild writes it back into CREATE TABLE.
            constraints.append(models.UniqueConstraint(fields=[field_names[c] for c in index.columns],
                                                       name=vendor.db_object_name(index.name)))
            continue
        if index.kind and index.kind in vendor.special_index_kinds:
            indexes.append(KindIndex(fields=[n.lstrip("-") for n in names], name=index.name, kind=index.kind))
            continue
        cls = UniqueIndex if index.unique else PlainIndex
        indexes.append(cls(fields=names, name=vendor.db_object_name(index.name)))
    constraints.extend(KeptCheck(name=f"check_{n}", sql=sql) for n, sql in enumerate(table.checks))
    options = {"db_table": vendor.db_table(table), "indexes": indexes, "constraints": constraints, "managed": True}
    # Distinct per table: `a/b` and `a\\b`, or `Customer` and `customer` (the registry ignores case),
    # must not become one model class.
    class_name = "T" + "".join(ch if ch.isalnum() else "_" for ch in table.key) + "_" + table.key.encode().hex()
    return class_name, fields, options


#: One ExactTypeField per column shape (type, suffix, NULL, key, kept SQL, collation, default), copied for
#: every column of that shape: Field.__init__ (choices, validators, error messages) was a fifth of rendering
#: 2,000 tables, whose columns repeat a few dozen shapes.
_PROTOTYPES: dict[tuple, ExactTypeField] = {}


def _field(shape: tuple, db_column: str) -> ExactTypeField:
    """A fresh field of this shape named `db_column`, as `ExactTypeField(...)` would make it."""
    exact_type, suffix, null, primary_key, kept_sql, collation, value = shape
    kwargs = {}
    if value is not None:
        kwargs[value[0]] = SQLDefault(value[1]) if value[0] == "db_default" else value[1]
    try:
        key = (*shape, type(value[1]) if value is not None else None)  # True and 1 are different defaults
        prototype = _PROTOTYPES.get(key)
    except TypeError:  # a fill value that cannot be a key: made directly
        key, prototype = None, None
    if prototype is None:
        prototype = ExactTypeField(exact_type=exact_type, type_suffix=suffix, db_column=db_column, null=null,
                                   primary_key=primary_key, kept_sql=kept_sql, collation=collation, **kwargs)
        if key is None:
            return prototype
        if len(_PROTOTYPES) > 10_000:
            _PROTOTYPES.clear()
        _PROTOTYPES[key] = prototype
    field = copy.copy(prototype)  # Field.__copy__: a new field with the same attributes, no model yet
    field.db_column = db_column
    # Its own place in the model's field order, as a field made by __init__ gets.
    field.creation_counter = models.Field.creation_counter
    models.Field.creation_counter += 1
    return field


def kept_column_sql(vendor: Vendor, column: Column) -> str:
    """The column's live-only attributes as SQL, after its type. Only the live reader of the database
    that has an attribute ever sets it (COMMENT and ON UPDATE: MySQL; CHECK: SQLite), and each was
    checked there: a MySQL collation is a plain word, ON UPDATE one of the CURRENT_TIMESTAMP spellings,
    a CHECK one balanced clause. Elsewhere the collation goes to Django's editor (`collation`). The
    comment is a value, quoted with the vendor's full escaping."""
    parts = []
    if column.collation and vendor.collation_in_column_type:
        parts.append(f"COLLATE {column.collation}")
    if column.on_update:
        parts.append(f"ON UPDATE {column.on_update}")
    if column.comment:
        parts.append(f"COMMENT {vendor.quote_literal(column.comment)}")
    if column.check:
        parts.append(column.check)
    return " ".join(parts)


def render_models(vendor: Vendor, tables: list[Table]) -> dict[str, type[models.Model]]:
    """Django model classes for the tables, keyed by table key, in a private apps registry.

    The classes are made as `ModelState.render` makes them (a Meta with the app label, the registry and the
    options; module "__fake__"), minus what only migrations need: the registry has no app configs, so
    registering a model does not expire every other model's cache, and the fields are used as built, not
    cloned. The tables have no relations between them (foreign keys are SQL, not ForeignKey fields), so
    nothing waits for another model to resolve.
    """
    apps = Apps(installed_apps=())
    rendered = {}
    # A key given twice (automigrate: the table dropped, then created) is rendered once, as its last state.
    for table in {table.key: table for table in tables}.values():
        class_name, fields, options = model_parts(vendor, table)
        meta = type("Meta", (), {"app_label": APP_LABEL, "apps": apps, **options})
        body = dict(fields)
        body["Meta"] = meta
        body["__module__"] = "__fake__"
        rendered[table.key] = type(class_name, (models.Model,), body)
    return rendered


class CreateOnlyOptions:
    """The part of a model's `_meta` a schema editor reads to write one table's CREATE TABLE and indexes.

    `create_model` reads only these (Django's base, SQLite, PostgreSQL, MySQL and Oracle editors, and
    mssql-django's own create_model), each given the value a model class rendered by `render_models`
    would have. Building that class (ModelBase: Options, every field's contribute_to_class, managers,
    exception classes) was half the Python time of a 2,000-table automigrate; this is a tenth of it.
    Anything else asked for is an error naming it, never a guess: such a step needs `render_models`.
    tests/test_create_only_model.py checks that both render the same statements on every database.
    """

    managed = True
    proxy = False
    swapped = None
    abstract = False
    auto_created = False
    db_table_comment = None
    unique_together = ()
    local_many_to_many = ()
    private_fields = ()
    required_db_features = ()
    app_label = APP_LABEL

    def __init__(self, model: type, class_name: str, fields: list[models.Field], options: dict):
        from django.conf import settings

        self.model = model
        self.object_name = class_name
        self.model_name = class_name.lower()
        self.label = f"{APP_LABEL}.{class_name}"
        self.db_table = options["db_table"]
        self.db_tablespace = settings.DEFAULT_TABLESPACE
        self.indexes = options["indexes"]
        self.constraints = options["constraints"]
        # In creation order, as Options.add_field keeps them (a CompositePrimaryKey is made last, so it is last).
        self.local_fields = sorted(fields, key=lambda field: field.creation_counter)
        self.fields = self.local_fields
        self.local_concrete_fields = self.concrete_fields = [field for field in self.local_fields if field.concrete]
        self._by_name = {field.name: field for field in self.local_fields}
        composite = next((f for f in self.local_fields if isinstance(f, models.CompositePrimaryKey)), None)
        self.pk = composite or next(f for f in self.local_fields if f.primary_key)
        self.pk_fields = [self._by_name[name] for name in composite.field_names] if composite else [self.pk]

    @property
    def is_composite_pk(self) -> bool:
        return isinstance(self.pk, models.CompositePrimaryKey)

    def get_field(self, name: str) -> models.Field:
        return self._by_name[name]

    def __getattr__(self, name: str):
        raise AttributeError(f"CreateOnlyOptions has no {name!r}: a step that reads it needs a model class "
                             f"(bridge.render_models), not the create-only model")


def create_only_model(vendor: Vendor, table: Table) -> type:
    """A stand-in for `table`'s model class that `schema_editor.create_model` takes, built without Django's
    model machinery (CreateOnlyOptions): the same fields and indexes as `render_models` gives the table,
    each field bound to it as `Field.contribute_to_class` binds it (name, attname, column, model)."""
    class_name, fields, options = model_parts(vendor, table)
    model = type(class_name, (), {"__module__": "__fake__"})
    for name, field in fields:
        field.set_attributes_from_name(name)
        field.model = model
    model._meta = CreateOnlyOptions(model, class_name, [field for _, field in fields], options)
    return model


def _qualified(quote, schema: str | None, name: str) -> str:
    return f"{quote(schema)}.{quote(name)}" if schema else quote(name)


def _actions_sql(fk: ForeignKey) -> str:
    sql = f" ON DELETE {fk.on_delete}" if fk.on_delete else ""
    return sql + (f" ON UPDATE {fk.on_update}" if fk.on_update else "")


def _inline_fk_sql(fk: ForeignKey) -> str:
    """SQLite cannot ALTER TABLE ADD CONSTRAINT: the FK goes on the column, named (a live FK that SQLite
    stored without a name stays unnamed through a table rebuild)."""
    q = _sqlite_quote
    name = f"CONSTRAINT {q(fk.name)} " if fk.name else ""
    return (f"{name}REFERENCES {q(fk.ref_table)} ({', '.join(q(c) for c in fk.ref_columns)})"
            + _actions_sql(fk))


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def add_foreign_key_sql(editor, vendor: Vendor, table: Table, fk: ForeignKey) -> str:
    """`ALTER TABLE .. ADD CONSTRAINT <name> FOREIGN KEY .. ON DELETE .. ON UPDATE ..`
    (docs/loopback-rules/indexes-and-keys.md#foreign-keys).

    Django 5.2 can neither name an FK constraint nor give it database-level actions, so this one
    statement is ours; it runs through `editor.execute` like every other.
    """
    q = editor.quote_name
    quote_column = (lambda c: q(vendor.db_column(c)))
    ref = Table(fk.ref_table, fk.ref_schema, (), ())
    return (
        f"ALTER TABLE {q(vendor.db_table(table))} ADD CONSTRAINT {q(vendor.db_object_name(fk.name))} "
        f"FOREIGN KEY ({', '.join(quote_column(c) for c in fk.columns)}) "
        f"REFERENCES {q(vendor.db_table(ref))} ({', '.join(quote_column(c) for c in fk.ref_columns)})"
        + _actions_sql(fk)
    )
