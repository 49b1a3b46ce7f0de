"""Everything LoopBack accepts migrates, with LoopBack's meaning (issue 10 item 1): keyless tables, every
index form, references in another case, nameless files, shared tables, truthy ids, excludeBaseProperties,
relation keys, polymorphic relations, FULLTEXT/SPATIAL, a User subclass's id type, ids without a generator.

Each fixture runs automigrate -> the independent reader (tests/live_schema.py) shows LoopBack's columns,
indexes and keys -> isactual true -> autoupdate plans nothing, on SQLite, PostgreSQL and MariaDB.
"""
from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync import automigrate, autoupdate, get_plan, is_actual

from .live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

FIXTURES = ["keyless", "index_forms", "shared_table", "relation_keys", "polymorphic", "user_subclass/model-config.json",
            "nameless/model-config.json", "truthy_ids"]


def vendor(alias: str) -> str:
    return connections[alias].vendor


def name_in(alias: str, name: str) -> str:
    """The name LoopBack gives `name` on this database (PostgreSQL lower-cases)."""
    return name.lower() if vendor(alias) == "postgresql" else name


def converged(alias: str) -> None:
    plan = get_plan(using=alias)
    assert plan.changes == () and plan.in_sync, plan.describe()
    assert is_actual(using=alias)
    assert autoupdate(using=alias).applied == []


@pytest.mark.parametrize("fixture", FIXTURES)
def test_automigrate_then_in_sync(live, use_models, fixture):
    use_models(live, fixture)
    automigrate(using=live)
    converged(live)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_autoupdate_from_empty_then_in_sync(live, use_models, fixture):
    use_models(live, fixture)
    assert not is_actual(using=live)
    assert autoupdate(using=live).applied
    converged(live)


def test_keyless_tables(live, use_models, model_dir):
    """`"id": false` + `idInjection: false`, and `excludeBaseProperties: ["id"]`: no key, no id column."""
    use_models(live, "keyless")
    automigrate(using=live)
    log = describe(live, name_in(live, "AuditLog"))
    views = describe(live, name_in(live, "PageView"))
    assert log.primary_key == () and views.primary_key == ()
    assert [c[0] for c in log.columns] == [name_in(live, c) for c in ("happenedAt", "actor", "action", "details")]
    assert [c[0] for c in views.columns] == [name_in(live, c) for c in ("path", "viewedAt")]
    assert name_in(live, "audit_actor_when") in log.indexes
    # A change that SQLite makes by rebuilding the table keeps the rows (the row id is copied, no column
    # is invented), and converges.
    q = connections[live].ops.quote_name
    with connections[live].cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(name_in(live, 'PageView'))} ({q('path')}) VALUES ('/a'), ('/b')")
    changed = model_dir({"page-view.json": {
        "name": "PageView", "base": "Model", "idInjection": False, "excludeBaseProperties": ["id"],
        "properties": {"path": {"type": "string", "length": 250, "required": True}, "viewedAt": "date",
                       "referrer": {"type": "string", "length": 200}}}})
    use_models(live, changed)
    assert autoupdate(using=live).applied
    converged(live)
    after = describe(live, name_in(live, "PageView"))
    assert after.primary_key == () and {c[0] for c in after.columns} == {"path", name_in(live, "viewedAt"), "referrer"}
    with connections[live].cursor() as cursor:
        cursor.execute(f"SELECT {q('path')} FROM {q(name_in(live, 'PageView'))} ORDER BY 1")
        assert [r[0] for r in cursor.fetchall()] == ["/a", "/b"]


def index_types(alias: str, table: str) -> dict[str, str]:
    """MySQL: index name -> index_type, straight from information_schema."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT DISTINCT index_name, index_type FROM information_schema.statistics "
                       "WHERE table_schema = DATABASE() AND table_name = %s", [table])
        return dict(cursor.fetchall())


def test_every_index_form(live, use_models, caplog):
    """keys/options, columns/kind, the short {"col": -1}, the string forms, property index forms; keys
    named in another case or by column; FULLTEXT/SPATIAL on MySQL, skipped with a warning elsewhere."""
    caplog.set_level(logging.WARNING, logger="django_lbsync")
    use_models(live, "index_forms")
    automigrate(using=live)
    order = describe(live, name_in(live, "Order"))
    col = lambda n: name_in(live, n)  # noqa: E731
    desc = lambda n: col(n) + " DESC"  # noqa: E731
    model_indexes = {
        "order_status_total": ((col("status"), desc("total")), True),
        "order_region_status": ((col("region"), col("status")), True),
        "order_date_desc": ((desc("orderDate"),), False),
        "order_status_only": ((col("status"),), False),
        "order_region_date": ((col("region"), col("orderDate")), False),
        "order_by_channel": (("sales_channel",), False),
    }
    if vendor(live) == "mysql":
        property_indexes = {"customerCode": (("customerCode",), False), "reference": (("reference",), True),
                            "order_title_text": (("title",), False)}
        assert index_types(live, "Order")["order_title_text"] == "FULLTEXT"
        assert index_types(live, "Store")["location"] == "SPATIAL"
    else:
        table = name_in(live, "Order")
        property_indexes = {f"{table}_{col('customerCode')}_idx": ((col("customerCode"),), False),
                            f"{table}_{col('reference')}_idx": ((col("reference"),), True)}
        assert "FULLTEXT index, which this database does not have" in caplog.text
        assert describe(live, name_in(live, "Store")).indexes == {}
    assert order.indexes == {**model_indexes, **property_indexes}
    assert not any("note" in name.lower() for name in order.indexes)  # "index": 0 is no index


def column_names(table) -> list[str]:
    return [c[0] for c in table.columns]


def test_relation_primary_key_types_the_foreign_key(live, use_models):
    """`primaryKey` picks the referenced key: a CHAR(3) code gives a CHAR(3) FK column, a text key a text
    one; without it the target's id (a number)."""
    use_models(live, "relation_keys")
    automigrate(using=live)
    city = describe(live, name_in(live, "City"))
    stock = describe(live, name_in(live, "Stock"))
    col = lambda n: name_in(live, n)  # noqa: E731
    expected_order = [col("name"), "id", col("countryCode"), col("capitalOfId")]
    if vendor(live) == "mysql":
        expected_order = ["id", "name", "countryCode", "capitalOfId"]  # MySQL hoists the key
    assert column_names(city) == expected_order
    types, stock_types = city.column_types, stock.column_types
    assert types[col("countryCode")] == {"postgresql": "character(3)", "mysql": "CHAR(3)",
                                         "sqlite": "char(3)"}[vendor(live)]
    assert types[col("capitalOfId")] == {"postgresql": "integer", "mysql": "INT(11)", "sqlite": "integer"}[vendor(live)]
    assert stock_types[col("warehouseRef")] == {"postgresql": "text", "mysql": "VARCHAR(512)",
                                                "sqlite": "text"}[vendor(live)]
    # foreignKeys naming the columns in another case: "countrycode" and "ISOCODE" resolve as the database folds
    fk = city.foreign_keys["fk_city_country"]
    assert fk[:3] == ((col("countryCode"),), name_in(live, "Country"), (col("isoCode"),))


def test_polymorphic_relations_as_the_juggler(live, use_models):
    """polymorphic true / "name" / {selector} / {foreignKey, discriminator, idType}: the juggler's key and
    discriminator names, the discriminator a string with an index, idType typing the key (with an index),
    and no other column."""
    use_models(live, "polymorphic")
    automigrate(using=live)
    col = lambda n: name_in(live, n)  # noqa: E731
    comment = describe(live, name_in(live, "Comment"))
    picture = describe(live, name_in(live, "Picture"))
    label = describe(live, name_in(live, "Label"))
    assert set(column_names(comment)) == {col("body"), "id", col("targetId"), col("targetKind")}
    assert set(column_names(picture)) == {"url", "id", col("imageableId"), col("imageableType")}
    assert set(column_names(label)) == {"text", "id", col("taggableType"), col("taggableId")}
    v = vendor(live)
    string_key = {"postgresql": "text", "mysql": "VARCHAR(255)", "sqlite": "text"}[v]  # indexed: 255 on MySQL
    assert comment.column_types[col("targetId")] == string_key
    assert comment.column_types[col("targetKind")] == string_key
    assert picture.column_types[col("imageableId")] == {"postgresql": "integer", "mysql": "INT(11)",
                                                        "sqlite": "integer"}[v]
    assert picture.column_types[col("imageableType")] == string_key
    # Label.taggableId takes the type of Tag's key, a string
    assert label.column_types[col("taggableId")] != picture.column_types[col("imageableId")]

    def indexed(table, name):
        return {cols for cols, _unique in table.indexes.values()} >= {(col(n),) for n in name}

    assert indexed(comment, ["targetId", "targetKind"])
    assert indexed(picture, ["imageableType"]) and not indexed(picture, ["imageableId"])
    assert indexed(label, ["taggableType"])


def test_user_subclass_id_type_reaches_access_token(live, use_models):
    """With User not attached and a User subclass with a BIGINT id, AccessToken.userId is BIGINT: the
    subclass's hasMany accessTokens makes it, copying the key's dataType."""
    use_models(live, "user_subclass/model-config.json")
    automigrate(using=live)
    v = vendor(live)
    token = describe(live, name_in(live, "AccessToken"))
    account = describe(live, name_in(live, "Account"))
    bigint = {"postgresql": "bigint", "mysql": "BIGINT(20)", "sqlite": "bigint"}[v]
    assert token.column_types[name_in(live, "userId")] == bigint
    assert account.column_types["id"] == bigint
    # SQLite generates only an INTEGER PRIMARY KEY (the row id), so a bigint id is not generated there.
    assert account.auto == (set() if v == "sqlite" else {"id"})
    assert name_in(live, "User") not in tables(live)


def test_model_files_without_name(live, use_models, caplog):
    """loopback-boot names a definition without `name` after its file; a data file is skipped with a
    warning, `_`-files are not read; the app migrates."""
    caplog.set_level(logging.WARNING, logger="django_lbsync")
    use_models(live, "nameless/model-config.json")
    automigrate(using=live)
    assert tables(live) == {name_in(live, "Note"), name_in(live, "Orderitem")}
    assert 'named "Orderitem" from the file name' in caplog.text
    assert "seed-notes.json: not a model definition" in caplog.text
    assert "_fixtures" not in caplog.text


def test_models_sharing_a_table_merge(live, use_models):
    use_models(live, "shared_table")
    automigrate(using=live)
    animal = describe(live, "animal")
    names = set(column_names(animal))
    assert names == {"name", "legs", "id", "barks", "breed", "owner"}
    assert animal.primary_key == ("id",) and "animal_name" in animal.indexes
    # One of the models alone still sees the others' columns: nothing to drop, nothing undeclared.
    for model in ("Animal", "Dog", "PetView"):
        plan = get_plan([model], using=live)
        assert plan.changes == () and plan.in_sync and not plan.notes, (model, plan.describe(), plan.notes)


def test_incompatible_shared_table_names_both_models_and_the_column(live, use_models, model_dir):
    from django_lbsync import DefinitionError

    folder = model_dir({
        "a.json": {"name": "A", "properties": {"name": {"type": "string", "length": 40}},
                   "mysql": {"table": "shared"}, "postgresql": {"table": "shared"}, "sqlite3": {"table": "shared"}},
        "b.json": {"name": "B", "properties": {"name": {"type": "string", "length": 50, "required": True}},
                   "mysql": {"table": "shared"}, "postgresql": {"table": "shared"}, "sqlite3": {"table": "shared"}},
    })
    use_models(live, folder)
    with pytest.raises(DefinitionError) as caught:
        automigrate(using=live)
    message = str(caught.value)
    assert "model B" in message and "model A" in message and 'column "name"' in message
    assert tables(live) == set()


def test_truthy_ids_as_the_juggler_reads_them(live, use_models):
    use_models(live, "truthy_ids")
    automigrate(using=live)
    line = describe(live, name_in(live, "Line"))
    ticket = describe(live, name_in(live, "Ticket"))
    assert line.primary_key == (name_in(live, "orderNo"), name_in(live, "lineNo"))  # "true" is 1, 2 is second
    assert ticket.primary_key == ("code",) and "id" not in column_names(ticket)


def test_generated_id_without_generator_is_a_difference(live, use_models, model_dir):
    """A table whose id column has no sequence / auto-increment, for a model whose id is generated:
    isactual is false with the reason, and autoupdate gives the column its generator keeping every value
    (SQLite: by the type change that makes it the row id)."""
    q = connections[live].ops.quote_name
    table = name_in(live, "Counter")
    with connections[live].cursor() as cursor:
        cursor.execute(f"CREATE TABLE {q(table)} ({q('id')} INTEGER NOT NULL PRIMARY KEY, {q(name_in(live, 'label'))} "
                       f"{'TEXT' if vendor(live) != 'mysql' else 'VARCHAR(512)'})")
        if vendor(live) == "sqlite":
            # SQLite's INTEGER PRIMARY KEY is the row id, generated; a WITHOUT ROWID-free way to lose it is
            # another integer spelling.
            cursor.execute(f"DROP TABLE {q(table)}")
            cursor.execute(f"CREATE TABLE {q(table)} ({q('id')} INT NOT NULL PRIMARY KEY, {q('label')} TEXT)")
    use_models(live, model_dir({"counter.json": {"name": "Counter", "properties": {"label": "string"}}}))
    plan = get_plan(using=live)
    assert not plan.in_sync and not is_actual(using=live)
    if vendor(live) == "sqlite":
        assert any("generated id" in n.message and n.blocks_sync for n in plan.notes), plan.notes
        # SQLite: the column's type becomes `integer`, which makes it the row id, by a table rebuild
        # that copies every row: the one database where the fix loses nothing and is autoupdate's.
        autoupdate(using=live)
        assert describe(live, table).column_types["id"] == "integer"  # the row id
        converged(live)
    else:  # PostgreSQL, MySQL: the generator is added (test_add_generator.py checks values and numbering)
        assert [type(c).__name__ for c in plan.changes] == ["AddGenerator"], plan.describe()
        assert [type(c).__name__ for c in autoupdate(using=live).applied] == ["AddGenerator"]
        assert "id" in describe(live, table).auto
        converged(live)


def test_plain_index_becomes_fulltext_on_mysql(live, use_models):
    """A live plain index where the model says FULLTEXT is a difference; autoupdate re-creates it."""
    if vendor(live) != "mysql":
        pytest.skip("FULLTEXT is MySQL's")
    use_models(live, "index_forms")
    automigrate(using=live)
    with connections[live].cursor() as cursor:
        cursor.execute("DROP INDEX `order_title_text` ON `Order`")
        cursor.execute("CREATE INDEX `order_title_text` ON `Order` (`title`)")
    assert index_types(live, "Order")["order_title_text"] == "BTREE"
    assert not is_actual(using=live)
    autoupdate(using=live)
    assert index_types(live, "Order")["order_title_text"] == "FULLTEXT"
    converged(live)
