"""What the tool does not manage survives a change, or the change is refused naming what would be lost.

Every result is judged by raw SQL against the database (a trigger fires, a CHECK rejects, a partial
index stays partial, a comment is still in the catalog), never by django-lbsync's own introspection.
"""
from __future__ import annotations

import re
from io import StringIO

import pytest
from django.conf import settings
from django.db import connections, transaction

from django.core.management import call_command

from django_lbsync import automigrate, autoupdate, get_plan, is_actual
from django_lbsync.api import Cancelled
from django_lbsync.dependents import AutomigrateRefused

from .test_autoupdate_command import isactual_exit

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

CONNECTOR = {"default": "sqlite3", "postgresql": "postgresql", "mysql": "mysql"}
OUR_VIEWS = ("thing_labels", "parent_labels_upper", "parent_labels")


@pytest.fixture(autouse=True)
def drop_our_views_and_functions(request):
    """The `live` fixture drops tables only: views and functions made here go too, so no other test sees them."""
    yield
    alias = request.node.callspec.params.get("live") if hasattr(request.node, "callspec") else None
    if alias is None or alias not in settings.DATABASES:  # the `live` fixture skipped a missing database
        return
    for view in OUR_VIEWS:
        execute(alias, f"DROP VIEW IF EXISTS {q(alias, view)}")
    if vendor(alias) == "postgresql":
        execute(alias, "DROP MATERIALIZED VIEW IF EXISTS parent_snapshot")
        execute(alias, "DROP TABLE IF EXISTS audit CASCADE")
        execute(alias, "DROP FUNCTION IF EXISTS thing_audit() CASCADE")


def vendor(alias):
    return connections[alias].vendor


def q(alias, name):
    return connections[alias].ops.quote_name(name)


def execute(alias, sql, params=None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else None


def thing(model_dir, properties, name="Thing", **extra):
    return model_dir({f"{name.lower()}.json": {"name": name, "properties": properties, **extra}})


def table_name(alias, model="Thing"):
    return model.lower() if vendor(alias) == "postgresql" else model


# -- smaller failures ---------------------------------------------------------------------------


def test_expression_index_does_not_break_changes_to_its_table(live, use_models, model_dir):
    use_models(live, thing(model_dir, {"label": {"type": "string", "length": 40}}))
    automigrate(using=live)
    table = q(live, table_name(live))
    if vendor(live) == "mysql":  # MariaDB has no expression indexes; a prefix index is its opaque kind
        execute(live, f"CREATE INDEX thing_label_prefix ON {table} (label(5))")
    else:
        execute(live, f"CREATE INDEX thing_lower_label ON {table} (lower(label))")
    execute(live, f"INSERT INTO {table} (label) VALUES ('Ann')")
    use_models(live, thing(model_dir, {"label": {"type": "string", "length": 40}, "size": "number",
                                       "note": {"type": "string", "default": "n/a"}}))
    result = autoupdate(using=live)
    assert [c.kind for c in result.applied] == ["add_column", "add_column"]
    assert is_actual(using=live)
    assert execute(live, f"SELECT label FROM {table}") == [("Ann",)]
    # The index is still there, still an expression (or prefix) index.
    if vendor(live) == "postgresql":
        (definition,) = execute(live, "SELECT indexdef FROM pg_indexes WHERE indexname = 'thing_lower_label'")[0]
        assert "lower(" in definition
    elif vendor(live) == "mysql":
        assert execute(live, "SELECT sub_part FROM information_schema.statistics WHERE table_schema = DATABASE() "
                             "AND index_name = 'thing_label_prefix'") == [(5,)]
    else:
        assert execute(live, "SELECT sql FROM sqlite_master WHERE name = 'thing_lower_label'") == [
            ("CREATE INDEX thing_lower_label ON \"Thing\" (lower(label))",)]


@pytest.mark.parametrize("type_word", ["numeric", "decimal"])
@pytest.mark.parametrize("scale", [None, 0])
def test_precision_without_scale_converges(live, use_models, model_dir, scale, type_word):
    block = {"dataType": type_word, "dataPrecision": 10}
    if scale is not None:
        block["dataScale"] = scale
    use_models(live, thing(model_dir, {"amount": {"type": "number", CONNECTOR[live]: block}}))
    automigrate(using=live)
    assert is_actual(using=live), get_plan(using=live).describe()
    assert autoupdate(using=live).applied == []
    # From an empty database too: autoupdate creates it, and a second run finds nothing.
    execute(live, f"DROP TABLE {q(live, table_name(live))}")
    assert autoupdate(using=live).applied
    assert get_plan(using=live).changes == ()
    # The column really holds ten integer digits.
    table = q(live, table_name(live))
    execute(live, f"INSERT INTO {table} (amount) VALUES (1234567890)")
    assert [int(v) for (v,) in execute(live, f"SELECT amount FROM {table}")] == [1234567890]


# -- objects the models do not describe survive autoupdate's rewrites -------------------------------


def keep_models(model_dir, version):
    """v1 -> v2 changes types (label 40 -> 60, code 10 -> 20), a default (size) and NULLs (code, updated)."""
    connector = {"default": "sqlite3", "postgresql": "postgresql", "mysql": "mysql"}
    v2 = version == 2

    def props(alias):
        size = {"type": "number"}
        if v2:
            size.update({"default": 5, "mysql": {"default": 5}})
        updated = {"type": "date", "mysql": {"dataType": "datetime"}}
        if v2:
            updated["required"] = True  # MySQL: a NULL-only MODIFY of the ON UPDATE column
        code_length = 20 if v2 else 10  # PostgreSQL: ALTER TYPE of a column with its own collation
        code = {"type": "string", "length": code_length, "required": v2,
                "postgresql": {"dataType": "varchar", "dataLength": code_length}}
        return {"label": {"type": "string", "length": 60 if v2 else 40}, "size": size, "code": code,
                "updated": updated}

    return props


def add_unmanaged_objects(alias, table):
    """Objects no model declares, added the way a DBA would."""
    t = q(alias, table)
    kind = vendor(alias)
    if kind == "sqlite":
        # SQLite cannot add a CHECK or a collation to a table: write its CREATE TABLE again with them.
        (sql,) = execute(alias, "SELECT sql FROM sqlite_master WHERE name = %s", [table])[0]
        for column, extra in [('"size" integer NULL', ' CHECK ("size" >= 0)'),
                              ('"code" varchar(10) NULL', " COLLATE NOCASE")]:
            assert column in sql, sql
            sql = sql.replace(column, column + extra)
        sql = sql[:-1] + ", CONSTRAINT \"label_not_blank\" CHECK (label <> ''))"
        execute(alias, f"DROP TABLE {t}")
        execute(alias, sql)
        execute(alias, "CREATE TABLE audit (label text)")
        execute(alias, f"CREATE TRIGGER thing_audit AFTER INSERT ON {t} BEGIN "
                       "INSERT INTO audit (label) VALUES (new.label); END")
        # Objects elsewhere that name the table: a rebuild must not trip over them.
        execute(alias, f"CREATE VIEW thing_labels AS SELECT label FROM {t}")
        execute(alias, f"CREATE TRIGGER audit_touch AFTER INSERT ON audit BEGIN "
                       f"UPDATE {t} SET size = size WHERE 0; END")
        execute(alias, f"CREATE UNIQUE INDEX thing_code_positive ON {t} (code) WHERE size > 0")
        execute(alias, f"CREATE INDEX thing_lower_label ON {t} (lower(label))")
    elif kind == "postgresql":
        execute(alias, f"ALTER TABLE {t} ADD CONSTRAINT size_not_negative CHECK (size >= 0), "
                       "ADD CONSTRAINT label_not_blank CHECK (label <> '')")
        execute(alias, f'ALTER TABLE {t} ALTER COLUMN code TYPE varchar(10) COLLATE "C"')
        execute(alias, "CREATE TABLE audit (label text)")
        execute(alias, "CREATE FUNCTION thing_audit() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN INSERT INTO audit (label) VALUES (NEW.label); RETURN NEW; END $$")
        execute(alias, f"CREATE TRIGGER thing_audit AFTER INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION thing_audit()")
        execute(alias, f"CREATE VIEW thing_labels AS SELECT label FROM {t}")
        execute(alias, f"CREATE UNIQUE INDEX thing_code_positive ON {t} (code) WHERE size > 0")
        execute(alias, f"CREATE INDEX thing_lower_label ON {t} (lower(label))")
    else:
        execute(alias, f"ALTER TABLE {t} ADD CONSTRAINT size_not_negative CHECK (size >= 0), "
                       "ADD CONSTRAINT label_not_blank CHECK (label <> '')")
        execute(alias, f"ALTER TABLE {t} MODIFY code VARCHAR(10) COLLATE utf8mb4_bin NULL, "
                       "MODIFY label VARCHAR(40) NULL COMMENT 'what it is called', "
                       "MODIFY updated DATETIME NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP "
                       "COMMENT 'set by the server, it''s \\\\ raw'")
        execute(alias, "CREATE TABLE audit (label text)")
        execute(alias, f"CREATE TRIGGER thing_audit AFTER INSERT ON {t} FOR EACH ROW "
                       "INSERT INTO audit (label) VALUES (NEW.label)")
        execute(alias, f"CREATE VIEW thing_labels AS SELECT label FROM {t}")


NOW = "'2021-06-01 00:00:00'"


def check_unmanaged_objects(alias, table):
    """Each object still there and still doing its job, judged by raw SQL."""
    t = q(alias, table)
    kind = vendor(alias)
    audit_before = execute(alias, "SELECT COUNT(*) FROM audit")[0][0]
    execute(alias, f"INSERT INTO {t} (label, size, code, updated) VALUES ('fresh', 1, 'new', {NOW})")
    assert execute(alias, "SELECT COUNT(*) FROM audit")[0][0] == audit_before + 1, "trigger did not fire"
    for values in [f"('neg', -1, 'n1', {NOW})", f"('', 1, 'n2', {NOW})"]:  # both CHECKs still reject
        with pytest.raises(Exception, match=r"(?i)check|constraint"):
            with transaction.atomic(using=alias):
                execute(alias, f"INSERT INTO {t} (label, size, code, updated) VALUES {values}")
    assert execute(alias, "SELECT COUNT(*) FROM thing_labels")[0][0] == execute(
        alias, f"SELECT COUNT(*) FROM {t}")[0][0]
    if kind == "sqlite":
        # NOCASE still applies: 'ABC' finds 'abc'.
        assert execute(alias, f"SELECT COUNT(*) FROM {t} WHERE code = 'ABC'")[0][0] == 1
        stored = dict(execute(alias, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        assert stored["thing_code_positive"].endswith("WHERE size > 0")
        assert "lower(label)" in stored["thing_lower_label"]
    if kind == "postgresql":
        assert execute(alias, "SELECT co.collname FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation "
                              "WHERE a.attrelid = %s::regclass AND a.attname = 'code'", [table]) == [("C",)]
        definition = execute(alias, "SELECT indexdef FROM pg_indexes WHERE indexname = 'thing_code_positive'")[0][0]
        assert definition.endswith("WHERE (size > 0)"), definition
    if kind in ("sqlite", "postgresql"):
        # Still partial: equal codes where size is 0 are allowed; where size > 0 they are not.
        execute(alias, f"INSERT INTO {t} (label, size, code, updated) VALUES ('z1', 0, 'same', {NOW}), "
                       f"('z2', 0, 'same', {NOW})")
        execute(alias, f"INSERT INTO {t} (label, size, code, updated) VALUES ('p1', 2, 'dup', {NOW})")
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            with transaction.atomic(using=alias):
                execute(alias, f"INSERT INTO {t} (label, size, code, updated) VALUES ('p2', 3, 'dup', {NOW})")
    if kind == "mysql":
        columns = {name: (collation, extra, comment) for name, collation, extra, comment in execute(
            alias, "SELECT column_name, collation_name, extra, column_comment FROM information_schema.columns "
                   "WHERE table_schema = DATABASE() AND table_name = %s", [table])}
        assert columns["code"][0] == "utf8mb4_bin"
        assert columns["label"][2] == "what it is called"
        assert "on update current_timestamp" in columns["updated"][1].lower()
        assert columns["updated"][2] == "set by the server, it's \\ raw"
        # ON UPDATE still works: an update of the row moves the timestamp.
        execute(alias, f"UPDATE {t} SET updated = '2000-01-01 00:00:00' WHERE label = 'fresh'")
        execute(alias, f"UPDATE {t} SET size = 7 WHERE label = 'fresh'")
        assert execute(alias, f"SELECT YEAR(updated) FROM {t} WHERE label = 'fresh'")[0][0] > 2000


def test_unmanaged_objects_survive_type_default_and_null_changes(live, use_models, model_dir):
    props = keep_models(model_dir, 1)
    use_models(live, thing(model_dir, props(live)))
    automigrate(using=live)
    table = table_name(live)
    add_unmanaged_objects(live, table)
    t = q(live, table)
    execute(live, f"INSERT INTO {t} (label, size, code, updated) VALUES "
                  "('Ann', 1, 'abc', '2020-01-01 00:00:00'), ('Bob', 2, 'xyz', '2020-01-02 00:00:00')")
    assert is_actual(using=live), get_plan(using=live).describe()  # what no model declares is no drift
    rows_before = execute(live, f"SELECT id, label, size, code FROM {t} ORDER BY id")
    audit_before = execute(live, "SELECT COUNT(*) FROM audit")[0][0]

    use_models(live, thing(model_dir, keep_models(model_dir, 2)(live)))
    result = autoupdate(using=live)
    assert {c.kind for c in result.applied} == {"alter_column"}
    assert execute(live, f"SELECT id, label, size, code FROM {t} ORDER BY id") == rows_before
    assert execute(live, "SELECT COUNT(*) FROM audit")[0][0] == audit_before  # the rebuild copied, not inserted
    assert is_actual(using=live), get_plan(using=live).describe()
    assert autoupdate(using=live).applied == []
    check_unmanaged_objects(live, table)


# -- automigrate: what the drop takes along is named, managed foreign keys come back -----------------


def parent_child(model_dir):
    return model_dir({
        "parent.json": {"name": "Parent", "properties": {"label": {"type": "string", "length": 40}}},
        "child.json": {"name": "Child", "properties": {"parentId": "number"},
                       "foreignKeys": {"fk_child_parent": {"name": "fk_child_parent", "entity": "Parent",
                                                           "entityKey": "id", "foreignKey": "parentId"}}},
    })


def foreign_keys_to(alias, table):
    """(table, constraint) of every FK that points at `table`, straight from the catalog."""
    kind = vendor(alias)
    if kind == "postgresql":
        return sorted(execute(alias, "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                                     "WHERE contype = 'f' AND confrelid = %s::regclass", [table]))
    if kind == "mysql":
        return sorted(execute(alias, "SELECT table_name, constraint_name FROM information_schema.referential_constraints "
                                     "WHERE constraint_schema = DATABASE() AND referenced_table_name = %s", [table]))
    names = [n for (n,) in execute(alias, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return sorted((n, "") for n in names
                  if any(row[2] == table for row in execute(alias, "SELECT * FROM pragma_foreign_key_list(%s)", [n])))


def test_automigrate_names_what_the_drop_takes_and_restores_managed_foreign_keys(live, use_models, model_dir):
    use_models(live, parent_child(model_dir))
    automigrate(using=live)
    parent, child = table_name(live, "Parent"), table_name(live, "Child")
    p = q(live, parent)
    execute(live, f"INSERT INTO {p} (label) VALUES ('a'), ('b')")
    # Not managed: a view, a second view over it, and another table's foreign key.
    execute(live, f"CREATE VIEW parent_labels AS SELECT label FROM {p}")
    execute(live, "CREATE VIEW parent_labels_upper AS SELECT upper(label) AS l FROM parent_labels")
    execute(live, f"CREATE TABLE stranger (id integer PRIMARY KEY, pid integer, "
                  f"CONSTRAINT stranger_parent FOREIGN KEY (pid) REFERENCES {p} (id))")
    if vendor(live) == "postgresql":
        execute(live, f"CREATE MATERIALIZED VIEW parent_snapshot AS SELECT * FROM {p}")
    before = foreign_keys_to(live, parent)
    assert len(before) == 2

    asked = []
    result = automigrate(["Parent"], using=live, confirm=lambda tables: asked.append(tables) or True)
    if vendor(live) == "postgresql":
        assert asked[0].dependents == [
            "constraint fk_child_parent on table child", "constraint stranger_parent on table stranger",
            "materialized view parent_snapshot (with its data)", "view parent_labels", "view parent_labels_upper"]
        assert execute(live, "SELECT relname FROM pg_class WHERE relname LIKE 'parent_%%' AND relkind IN ('v', 'm')") == []
        # The managed FK is back; the stranger's is gone, as the prompt said.
        assert foreign_keys_to(live, parent) == [("child", "fk_child_parent")]
    elif vendor(live) == "mysql":
        # MySQL refuses to drop a table other tables' FKs point at: they are dropped first, and named.
        assert asked[0].dependents == ["foreign key fk_child_parent on table Child",
                                       "foreign key stranger_parent on table stranger"]
        assert foreign_keys_to(live, parent) == [("Child", "fk_child_parent")]
        assert execute(live, "SELECT COUNT(*) FROM parent_labels_upper") == [(0,)]  # views work again
    else:
        # SQLite keeps both FKs (they live in the other tables' CREATE TABLE) and the views.
        assert asked[0].dependents == []
        assert foreign_keys_to(live, parent) == before
        assert execute(live, "SELECT COUNT(*) FROM parent_labels_upper") == [(0,)]
    assert asked[0] == {parent: 2}
    assert result.restored_foreign_keys == ([] if vendor(live) == "sqlite" else [f"fk_child_parent on table {child}"])
    assert is_actual(using=live), get_plan(using=live).describe()


def test_automigrate_refuses_to_orphan_rows_of_other_tables(live, use_models, model_dir):
    use_models(live, parent_child(model_dir))
    automigrate(using=live)
    p, c = q(live, table_name(live, "Parent")), q(live, table_name(live, "Child"))
    execute(live, f"INSERT INTO {p} (label) VALUES ('a')")
    (parent_id,) = execute(live, f"SELECT id FROM {p}")[0]
    execute(live, f"INSERT INTO {c} ({q(live, table_name(live, 'parentId'))}) VALUES (%s), (%s)",
            [parent_id, parent_id])
    with pytest.raises(AutomigrateRefused, match=r"fk_child_parent of table \w+: 2 rows point into table"):
        automigrate(["Parent"], using=live)
    assert execute(live, f"SELECT label FROM {p}") == [("a",)]  # nothing changed
    assert len(foreign_keys_to(live, table_name(live, "Parent"))) == 1
    automigrate(["Parent", "Child"], using=live)  # both together: fine
    assert execute(live, f"SELECT COUNT(*) FROM {c}") == [(0,)]


def test_automigrate_command_lists_dependents_with_noinput(live, use_models, model_dir):
    use_models(live, parent_child(model_dir))
    automigrate(using=live)
    execute(live, f"CREATE TABLE stranger (id integer PRIMARY KEY, pid integer, "
                  f"CONSTRAINT stranger_parent FOREIGN KEY (pid) REFERENCES {q(live, table_name(live, 'Parent'))} (id))")
    out = StringIO()
    call_command("automigrate", "Parent", "--noinput", database=live, stdout=out)
    text = out.getvalue()
    if vendor(live) == "sqlite":
        assert "Dropped with them" not in text
    else:
        assert "  Dropped with them: " in text and "stranger_parent" in text, text
        assert f"  Re-created foreign key fk_child_parent on table {table_name(live, 'Child')}" in text


# -- SQLite: what a rebuild cannot carry is refused, by name; stored text is kept exactly ------------


def sqlite_thing(alias, use_models, model_dir, create_sql, label=None):
    """Thing on SQLite with the table written by hand, in sync; then models that change a default."""
    label = label or {"type": "string", "length": 40}
    use_models(alias, thing(model_dir, {"label": label, "size": "number"}))
    execute(alias, create_sql)
    assert is_actual(using=alias), get_plan(using=alias).describe()
    use_models(alias, thing(model_dir, {"label": label, "size": {"type": "number", "default": 3}}))


@pytest.mark.parametrize("extra, named", [
    (', "double" integer GENERATED ALWAYS AS (size * 2) STORED)', "generated column(s) double"),
    (") WITHOUT ROWID", "is WITHOUT ROWID"),
    (") STRICT", "is STRICT"),
])
def test_sqlite_rebuild_that_would_lose_something_is_refused_by_name(use_models, model_dir, extra, named):
    alias = "default"
    drop_all = [n for (n,) in execute(alias, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%%' AND name != 'django_migrations'")]
    for name in drop_all:
        execute(alias, f'DROP TABLE "{name}"')
    sqlite_thing(alias, use_models, model_dir,
                 'CREATE TABLE "Thing" ("id" integer NOT NULL PRIMARY KEY, "label" text NULL, '
                 '"size" integer NULL' + extra, label="string")
    execute(alias, "INSERT INTO \"Thing\" (id, label, size) VALUES (1, 'a', 1)")
    before = execute(alias, "SELECT sql FROM sqlite_master WHERE name = 'Thing'")
    with pytest.raises(Exception, match=re.escape(named)):
        autoupdate(using=alias)
    assert execute(alias, "SELECT sql FROM sqlite_master WHERE name = 'Thing'") == before
    assert execute(alias, 'SELECT label, size FROM "Thing"') == [("a", 1)]
    execute(alias, 'DROP TABLE "Thing"')


def test_sqlite_stored_clauses_are_kept_exactly_and_shown_by_sql(use_models, model_dir):
    alias = "default"
    # Quotes, parentheses and comment marks inside literals must not move a clause's end.
    check = "CHECK (label <> ')' AND label NOT LIKE '%--%' AND label <> '/*')"
    sqlite_thing(alias, use_models, model_dir,
                 f'CREATE TABLE "Thing" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
                 f'"label" varchar(40) NULL /* a note, with ) and , */ {check}, "size" integer NULL, '
                 'CONSTRAINT "one_label" UNIQUE ("label"))')
    execute(alias, "CREATE TABLE audit (label text)")
    execute(alias, 'CREATE TRIGGER "odd ""name""" AFTER INSERT ON "Thing" BEGIN INSERT INTO audit VALUES (new.label); END')
    sql = "\n".join(autoupdate(using=alias, dry_run=True).sql)
    assert "PRAGMA legacy_alter_table = ON" in sql
    assert 'CREATE TRIGGER "odd ""name""" AFTER INSERT ON "Thing"' in sql
    autoupdate(using=alias)
    assert is_actual(using=alias) and autoupdate(using=alias).applied == []
    (table_sql,) = execute(alias, "SELECT sql FROM sqlite_master WHERE name = 'Thing'")[0]
    assert check in table_sql and "a note" not in table_sql
    for bad in [")", "a--b", "/*"]:
        with pytest.raises(Exception, match="CHECK"):
            with transaction.atomic(using=alias):
                execute(alias, 'INSERT INTO "Thing" (label) VALUES (%s)', [bad])
    execute(alias, "INSERT INTO \"Thing\" (label) VALUES ('fine')")
    assert execute(alias, "SELECT label FROM audit") == [("fine",)]
    with pytest.raises(Exception, match="UNIQUE"):  # the table's UNIQUE constraint is still one
        with transaction.atomic(using=alias):
            execute(alias, "INSERT INTO \"Thing\" (label) VALUES ('fine')")
    assert execute(alias, "SELECT size FROM \"Thing\"") == [(3,)]
    for statement in ['DROP TABLE "Thing"', "DROP TABLE audit"]:
        execute(alias, statement)


def test_dropping_a_column_a_view_uses_is_refused_not_cascaded(live, use_models, model_dir):
    use_models(live, thing(model_dir, {"label": {"type": "string", "length": 40}, "size": "number"}))
    automigrate(using=live)
    t = q(live, table_name(live))
    execute(live, f"CREATE VIEW thing_labels AS SELECT label, size FROM {t}")
    execute(live, f"INSERT INTO {t} (label) VALUES ('a')")  # size holds no value: its drop is "safe"
    use_models(live, thing(model_dir, {"label": {"type": "string", "length": 40}}))
    if vendor(live) == "mysql":
        # MariaDB drops the column and leaves the view invalid (docs/unmanaged-objects.md); the view's
        # definition is kept, so adding the column back repairs it.
        autoupdate(using=live)
        with pytest.raises(Exception, match="(?i)thing_labels|invalid"):
            execute(live, "SELECT * FROM thing_labels")
        return
    with pytest.raises(Exception, match="thing_labels"):
        autoupdate(using=live)
    assert execute(live, "SELECT label, size FROM thing_labels") == [("a", None)]


def test_automigrate_prompt_names_rows_and_dependents(live, use_models, model_dir, monkeypatch):
    from django_lbsync.management.commands.automigrate import Command

    use_models(live, parent_child(model_dir))
    automigrate(using=live)
    p = q(live, table_name(live, "Parent"))
    execute(live, f"INSERT INTO {p} (label) VALUES ('a')")
    execute(live, f"CREATE TABLE stranger (id integer PRIMARY KEY, pid integer, "
                  f"CONSTRAINT stranger_parent FOREIGN KEY (pid) REFERENCES {p} (id))")
    questions = []
    monkeypatch.setattr(Command, "ask", lambda self, question: questions.append(question) or False)
    with pytest.raises(Exception, match="cancelled"):
        call_command("automigrate", "Parent", database=live, stdout=StringIO())
    (question,) = questions
    assert f"  {table_name(live, 'Parent')}: 1 row\n" in question
    if vendor(live) == "sqlite":
        assert "also drops" not in question
    else:
        assert "Dropping them also drops these objects" in question
        assert "stranger_parent" in question and "fk_child_parent" in question
    assert execute(live, f"SELECT label FROM {p}") == [("a",)]  # "no" changed nothing


# -- automigrate: what belongs to the dropped table itself is named, and really is gone afterwards ------


def add_parts_no_model_declares(alias, table):
    """A trigger on every database; comments on PostgreSQL and MySQL; a rule, row level security, a policy
    and grants (table and column) on PostgreSQL. Returns what automigrate must name, in its order."""
    t = q(alias, table)
    kind = vendor(alias)
    execute(alias, "CREATE TABLE audit (label varchar(40))")
    if kind == "postgresql":
        execute(alias, "CREATE FUNCTION thing_audit() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN INSERT INTO audit VALUES (NEW.label); RETURN NEW; END $$")
        execute(alias, f"CREATE TRIGGER thing_audit AFTER INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION thing_audit()")
        execute(alias, f"CREATE RULE thing_keep AS ON DELETE TO {t} WHERE OLD.label = 'keep' DO INSTEAD NOTHING")
        execute(alias, f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        execute(alias, f"CREATE POLICY am_pol ON {t} USING (label <> 'secret')")
        execute(alias, f"GRANT SELECT, INSERT ON {t} TO PUBLIC")
        execute(alias, f"GRANT UPDATE (label) ON {t} TO PUBLIC")
        execute(alias, f"COMMENT ON TABLE {t} IS 'the things'")
        execute(alias, f"COMMENT ON COLUMN {t}.label IS 'what it says'")
        return [f"trigger thing_audit on table {table}", f"rule thing_keep on table {table}",
                f"policy am_pol on table {table}", f"row level security (enabled) on table {table}",
                f"grant INSERT, SELECT to PUBLIC on table {table}", f"grant UPDATE (label) to PUBLIC on table {table}",
                f"comment on table {table}", f"comment on column label of table {table}"]
    if kind == "mysql":
        execute(alias, f"CREATE TRIGGER thing_audit AFTER INSERT ON {t} FOR EACH ROW INSERT INTO audit VALUES (NEW.label)")
        execute(alias, f"ALTER TABLE {t} COMMENT = 'the things'")
        execute(alias, f"ALTER TABLE {t} MODIFY label varchar(40) NULL COMMENT 'what it says'")
        return [f"trigger thing_audit on table {table}", f"comment on table {table}",
                f"comment on column label of table {table}"]
    execute(alias, f"CREATE TRIGGER thing_audit AFTER INSERT ON {t} BEGIN INSERT INTO audit VALUES (NEW.label); END")
    return [f"trigger thing_audit on table {table}"]


def parts_left(alias, table):
    """What of add_parts_no_model_declares the catalog still holds for `table` (raw catalog SQL)."""
    kind = vendor(alias)
    if kind == "postgresql":
        return execute(alias, (
            "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = c.oid AND NOT tgisinternal), "
            "(SELECT count(*) FROM pg_rewrite WHERE ev_class = c.oid AND rulename <> '_RETURN'), "
            "(SELECT count(*) FROM pg_policy WHERE polrelid = c.oid), c.relrowsecurity, "
            "(SELECT count(*) FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner), "
            "(SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL), "
            "(SELECT count(*) FROM pg_description d WHERE d.objoid = c.oid) "
            "FROM pg_class c WHERE c.oid = %s::regclass"), [table])[0]
    if kind == "mysql":
        return (execute(alias, "SELECT count(*) FROM information_schema.triggers WHERE event_object_schema = DATABASE() "
                               "AND event_object_table = %s", [table])[0][0],
                execute(alias, "SELECT table_comment FROM information_schema.tables WHERE table_schema = DATABASE() "
                               "AND table_name = %s", [table])[0][0],
                execute(alias, "SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE() "
                               "AND table_name = %s AND column_comment <> ''", [table])[0][0])
    return execute(alias, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])[0]


NOTHING_LEFT = {"postgresql": (0, 0, 0, False, 0, 0, 0), "mysql": (0, "", 0), "sqlite": (0,)}


def test_automigrate_names_the_parts_of_a_table_no_model_recreates(live, use_models, model_dir):
    use_models(live, thing(model_dir, {"label": {"type": "string", "length": 40}}))
    automigrate(using=live)
    table = table_name(live)
    expected = add_parts_no_model_declares(live, table)
    assert parts_left(live, table) != NOTHING_LEFT[vendor(live)]

    # The table holds no rows and nothing else depends on it: the question is still asked, for these.
    asked = []
    with pytest.raises(Cancelled):
        automigrate(using=live, confirm=lambda tables: asked.append(tables) or False)
    assert asked[0] == {} and asked[0].lost == expected and asked[0].dependents == []
    left = parts_left(live, table)
    assert left != NOTHING_LEFT[vendor(live)]  # "no" changed nothing

    result = automigrate(using=live, confirm=lambda tables: True)
    assert result.lost == expected and result.dependents == []
    assert parts_left(live, table) == NOTHING_LEFT[vendor(live)]  # really gone, as named
    assert is_actual(using=live)


def test_automigrate_command_names_lost_parts_in_the_prompt_and_with_noinput(live, use_models, model_dir,
                                                                             monkeypatch):
    from django_lbsync.management.commands.automigrate import Command

    use_models(live, thing(model_dir, {"label": {"type": "string", "length": 40}}))
    automigrate(using=live)
    table = table_name(live)
    expected = add_parts_no_model_declares(live, table)
    questions = []
    monkeypatch.setattr(Command, "ask", lambda self, question: questions.append(question) or False)
    with pytest.raises(Exception, match="cancelled"):
        call_command("automigrate", database=live, stdout=StringIO())
    (question,) = questions
    assert "These belong to the tables and are lost" in question
    assert "".join(f"  {name}\n" for name in expected) in question

    out = StringIO()
    call_command("automigrate", "--noinput", database=live, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line for line in lines if "Lost with them" in line] == [
        f"  Lost with them (not re-created): {name}" for name in expected]
    assert parts_left(live, table) == NOTHING_LEFT[vendor(live)]


def test_postgresql_names_rules_and_policies_of_other_tables_that_the_cascade_drops(live, use_models, model_dir):
    if vendor(live) != "postgresql":
        pytest.skip("DROP TABLE ... CASCADE is PostgreSQL's")
    use_models(live, thing(model_dir, {"label": {"type": "string", "length": 40}}))
    automigrate(using=live)
    execute(live, "CREATE TABLE audit (label varchar(40))")
    execute(live, "CREATE RULE audit_copy AS ON INSERT TO audit DO ALSO INSERT INTO thing (label) VALUES (NEW.label)")
    execute(live, "CREATE POLICY audit_pol ON audit USING (label IN (SELECT label FROM thing))")
    asked = []
    automigrate(using=live, confirm=lambda tables: asked.append(tables) or True)
    assert asked[0].dependents == ["policy audit_pol on table audit", "rule audit_copy on table audit"]
    assert asked[0].lost == []
    assert execute(live, "SELECT count(*) FROM pg_rewrite WHERE rulename = 'audit_copy'") == [(0,)]  # as named
    assert execute(live, "SELECT count(*) FROM pg_policy WHERE polname = 'audit_pol'") == [(0,)]


# -- generated columns and exclusion constraints: read, never altered or dropped ------------------------------

#: A VIRTUAL and a STORED generated column added by hand where the database has both (PostgreSQL before 18:
#: STORED only; SQLite's ALTER TABLE adds VIRTUAL ones only), MariaDB spelling STORED as PERSISTENT.
GENERATED_COLUMNS = {
    "sqlite": ['ALTER TABLE "Thing" ADD COLUMN "plus" integer GENERATED ALWAYS AS (a + 1) VIRTUAL'],
    "postgresql": ['ALTER TABLE "thing" ADD COLUMN "plus" integer GENERATED ALWAYS AS (a + 1) STORED',
                   'ALTER TABLE "thing" ADD COLUMN "twice" integer GENERATED ALWAYS AS (a * 2) STORED'],
    "mysql": ["ALTER TABLE `Thing` ADD COLUMN `plus` int GENERATED ALWAYS AS (a + 1) VIRTUAL, "
              "ADD COLUMN `twice` int AS (a * 2) PERSISTENT"],
}
GENERATED_KINDS = {"sqlite": {"plus": "VIRTUAL"}, "postgresql": {"plus": "STORED", "twice": "STORED"},
                   "mysql": {"plus": "VIRTUAL", "twice": "STORED"}}


def test_generated_columns_are_read_and_never_altered_or_dropped(live, use_models, model_dir):
    """Before: SQLite's reader did not see the column (a property mapped to it planned ADD COLUMN, which SQLite
    refused as a duplicate); PostgreSQL read its expression as a default (DROP DEFAULT, refused by the server);
    every database planned DROP COLUMN of an undeclared one (PostgreSQL, MariaDB dropped it)."""
    from .live_schema import describe

    use_models(live, thing(model_dir, {"a": "number"}))
    automigrate(using=live)
    table = table_name(live)
    for statement in GENERATED_COLUMNS[vendor(live)]:
        execute(live, statement)
    execute(live, f"INSERT INTO {q(live, table)} (a) VALUES (5)")
    kinds = GENERATED_KINDS[vendor(live)]
    assert describe(live, table).generated == kinds

    # No model declares them: not drift, kept (a note), nothing to do.
    assert is_actual(using=live), get_plan(using=live).describe()
    plan = get_plan(using=live, prune=True)
    assert plan.changes == () and all(f"generated column {name}" in " ".join(n.message for n in plan.notes)
                                      for name in kinds)
    assert autoupdate(using=live, prune=True, allow_destructive=True).applied == []
    assert describe(live, table).generated == kinds

    # A property maps to one: a blocking note that says why, no ALTER, and autoupdate runs without an error.
    use_models(live, thing(model_dir, {"a": "number", "plus": {"type": "number", "default": 3}}))
    assert not is_actual(using=live)
    plan = get_plan(using=live)
    assert plan.changes == ()
    (note,) = [n for n in plan.notes if n.blocks_sync]
    assert "column plus is a generated column" in note.message and "Thing.plus" in note.message
    code, text = isactual_exit(live)
    assert code == 1 and "column plus is a generated column" in text
    out = StringIO()
    call_command("autoupdate", database=live, interactive=False, stdout=out, stderr=StringIO())
    assert "column plus is a generated column" in out.getvalue()
    after = describe(live, table)
    assert after.generated == kinds and "plus" not in after.defaults
    # Still computed by the database.
    assert execute(live, f"SELECT {q(live, 'plus')} FROM {q(live, table)}") == [(6,)]


def test_columns_are_added_and_dropped_next_to_generated_ones(live, use_models, model_dir):
    """Before: on SQLite a small table's column add or drop took the rebuild-by-copy path, which refuses a table
    with generated columns, so autoupdate could not add a column next to one."""
    from .live_schema import describe

    use_models(live, thing(model_dir, {"a": "number", "gone": "string"}))
    automigrate(using=live)
    table = table_name(live)
    for statement in GENERATED_COLUMNS[vendor(live)]:
        execute(live, statement)
    execute(live, f"INSERT INTO {q(live, table)} (a) VALUES (5)")
    use_models(live, thing(model_dir, {"a": "number", "size": "number"}))
    result = autoupdate(using=live, allow_destructive=True)
    assert sorted(c.kind for c in result.applied) == ["add_column", "drop_column"]
    assert is_actual(using=live)
    after = describe(live, table)
    assert "size" in after.column_types and "gone" not in after.column_types
    assert after.generated == GENERATED_KINDS[vendor(live)]
    assert execute(live, f"SELECT a, {q(live, 'plus')} FROM {q(live, table)}") == [(5, 6)]


def test_postgresql_exclusion_constraint_index_is_never_dropped_as_an_index(use_models, model_dir):
    """Before: the index of `EXCLUDE (a WITH =)` (btree) read as a plain index no model declares, so --prune
    planned DROP INDEX, which the server refuses ("constraint ... requires it")."""
    from .live_schema import describe

    alias = "postgresql"
    if alias not in settings.DATABASES:
        pytest.skip("PostgreSQL is not available")
    from .conftest import drop_all_tables

    drop_all_tables(alias)
    try:
        use_models(alias, thing(model_dir, {"a": "number", "label": {"type": "string", "length": 20}}))
        automigrate(using=alias)
        execute(alias, 'ALTER TABLE "thing" ADD CONSTRAINT "thing_one_a" EXCLUDE ("a" WITH =)')
        execute(alias, 'ALTER TABLE "thing" ADD CONSTRAINT "thing_one_label" EXCLUDE USING hash ("label" WITH =)')
        plan = get_plan(using=alias, prune=True)
        assert plan.changes == (), plan.describe()
        assert is_actual(using=alias)
        assert autoupdate(using=alias, prune=True, allow_destructive=True).applied == []
        constraints = describe(alias, "thing").constraints
        assert constraints["thing_one_a"] == ("x", "thing_one_a")
        assert constraints["thing_one_label"] == ("x", "thing_one_label")
        execute(alias, "INSERT INTO thing (a, label) VALUES (1, 'x')")
        with pytest.raises(Exception, match="thing_one_a"):
            with transaction.atomic(using=alias):
                execute(alias, "INSERT INTO thing (a, label) VALUES (1, 'y')")
    finally:
        drop_all_tables(alias)


def test_default_and_null_changes_leave_the_type_alone_under_views_and_generated_columns(live, use_models, model_dir):
    """A default or NULL change whose type only reads differently (`integer` from the catalog, `INTEGER` from the
    model) sent ALTER .. TYPE too; PostgreSQL refuses that on a column a view or a generated column uses ("cannot
    alter type of a column used by a view or rule"), so the whole autoupdate failed and rolled back. Now only
    the default and NULL change are sent, and the view and the generated column go on working. (SQLite rebuilds
    the table for such a change, which it refuses next to a generated column: only the view there.)"""
    from .live_schema import describe

    use_models(live, thing(model_dir, {"a": {"type": "number", "default": 1}, "label": "string"}))
    automigrate(using=live)
    table = table_name(live)
    t = q(live, table)
    generated = vendor(live) != "sqlite"
    if generated:
        execute(live, GENERATED_COLUMNS[vendor(live)][0])
    execute(live, f"CREATE VIEW thing_labels AS SELECT a, label FROM {t}")
    execute(live, f"INSERT INTO {t} (a, label) VALUES (5, 'x')")
    writes_defaults = "a" in describe(live, table).defaults  # LoopBack's MySQL connector writes no DEFAULT
    use_models(live, thing(model_dir, {"a": {"type": "number", "default": 2, "required": True},
                                       "label": {"type": "string", "required": True}}))
    result = autoupdate(using=live)
    assert sorted(c.kind for c in result.applied) == ["alter_column", "alter_column"]
    assert is_actual(using=live)
    after = describe(live, table)
    nullable = {name: flag for name, _type, flag in after.columns}
    assert not nullable["a"] and not nullable["label"], after.columns
    assert execute(live, "SELECT a, label FROM thing_labels") == [(5, "x")]
    if generated:
        assert execute(live, f"SELECT a, {q(live, 'plus')} FROM {t}") == [(5, 6)]
    if writes_defaults:
        assert "2" in str(after.defaults.get("a")), after.defaults
        execute(live, f"INSERT INTO {t} (label) VALUES ('y')")  # the new default
        assert execute(live, f"SELECT a FROM {t} WHERE label = 'y'") == [(2,)]


def test_mariadb_json_column_keeps_its_json_valid_check_through_a_null_change(use_models, model_dir):
    """MariaDB's JSON is LONGTEXT with a json_valid CHECK, and its catalog says `longtext`: a NULL or default
    change written with the live type's spelling (MODIFY .. longtext) drops that CHECK, and the column takes
    any text afterwards. The model's JSON spelling keeps it."""
    from .conftest import drop_all_tables, require_alias

    alias = "mysql"
    require_alias(alias)
    drop_all_tables(alias)
    try:
        data = {"type": "object", "mysql": {"dataType": "JSON"}}
        use_models(alias, thing(model_dir, {"data": data}))
        automigrate(using=alias)
        t = q(alias, table_name(alias))
        if "json_valid" not in execute(alias, f"SHOW CREATE TABLE {t}")[0][1]:
            pytest.skip("this server's JSON is no LONGTEXT with a json_valid CHECK (MySQL)")
        use_models(alias, thing(model_dir, {"data": {**data, "required": True}}))
        result = autoupdate(using=alias)
        assert [c.kind for c in result.applied] == ["alter_column"]
        assert is_actual(using=alias)
        assert "json_valid" in execute(alias, f"SHOW CREATE TABLE {t}")[0][1]
        with pytest.raises(Exception, match="(?i)constraint"):
            with transaction.atomic(using=alias):
                execute(alias, f"INSERT INTO {t} (data) VALUES ('not json')")
    finally:
        drop_all_tables(alias)
