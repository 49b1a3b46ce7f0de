"""Loading LoopBack JSON (docs/loopback-rules/models.md): no database needed."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from django_lbsync.desired import build_schema
from django_lbsync.exceptions import DefinitionError
from django_lbsync.loader import load_definitions
from django_lbsync.vendors import PostgresqlVendor

from .conftest import FIXTURES


def names(model):
    return [p.name for p in model.properties]


def test_builtins_resolve_like_loopback():
    loaded = load_definitions(FIXTURES / "builtins" / "model-config.json")
    assert list(loaded.models) == ["User", "AccessToken", "ACL", "RoleMapping", "Role"]
    user, token, acl, mapping, role = loaded.models.values()
    # The injected id comes last (docs/loopback-rules/models.md#idinjection); User hasMany accessTokens adds
    # AccessToken.userId (docs/loopback-rules/models.md#relations-add-foreign-key-properties)
    assert names(user) == ["realm", "username", "password", "email", "emailVerified", "verificationToken", "id"]
    assert names(token) == ["id", "ttl", "scopes", "created", "userId"]
    assert token.property("userId").type == "Number"
    assert token.property("scopes").type == "Array"
    # A generated string id becomes Number (docs/loopback-rules/models.md#generated-id-typing)
    assert mapping.property("id").type == "Number" and role.property("id").type == "Number"
    assert token.property("id").type == "String"  # not generated: stays a string
    assert names(mapping) == ["id", "principalType", "principalId", "roleId"]


def test_base_chain_deletion_and_settings_merge():
    loaded = load_definitions(FIXTURES / "base_chain")
    admin = loaded.models["AdminUser"]
    assert names(admin) == ["level", "nickname", "username", "password", "email", "emailVerified",
                            "verificationToken", "id"]
    assert admin.settings["postgresql"] == {"table": "admin_user"}
    assert admin.settings["hidden"] == ["password", "verificationToken"]
    assert admin.property("id").generated is True


def test_child_inherits_base_table_name(model_dir):
    folder = model_dir({
        "base.json": {"name": "Base", "postgresql": {"table": "base_tbl"}, "properties": {"a": "string"},
                      "indexes": {"a_idx": {"a": 1}}},
        "child.json": {"name": "Child", "base": "Base", "properties": {"b": "number"}},
    })
    loaded = load_definitions([folder / "child.json"])
    child = loaded.models["Child"]
    schema = build_schema([child], PostgresqlVendor())
    table = schema.tables["base_tbl"]
    assert [c.name for c in table.columns] == ["b", "a", "id"]
    assert [i.name for i in table.indexes] == ["a_idx"]


def test_model_on_non_sql_datasource_gets_no_table(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "note.json").write_text('{"name": "Note", "properties": {"text": "string"}}')
    (tmp_path / "model-config.json").write_text(
        '{"_meta": {"sources": ["loopback/common/models", "./models"]},'
        ' "Note": {"dataSource": "db"}, "Email": {"dataSource": "mail"}, "ACL": {"dataSource": null},'
        ' "Role": {"dataSource": "cache"}}'
    )
    (tmp_path / "datasources.json").write_text(
        '{"db": {"connector": "postgresql"}, "mail": {"connector": "mail"}, "cache": {"connector": "memory"}}'
    )
    loaded = load_definitions(tmp_path / "model-config.json")
    assert list(loaded.models) == ["Note"]


def test_polymorphic_and_habtm_relations(model_dir):
    folder = model_dir({
        "picture.json": {"name": "Picture", "properties": {"url": "string"},
                         "relations": {"imageable": {"type": "belongsTo", "polymorphic": True}}},
        "author.json": {"name": "Author", "properties": {"name": "string"},
                        "relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"},
                                      "books": {"type": "hasAndBelongsToMany", "model": "Book"}}},
        "book.json": {"name": "Book", "properties": {"title": "string"}},
    })
    loaded = load_definitions(folder)
    assert names(loaded.models["Picture"]) == ["url", "id", "imageableId", "imageableType"]
    assert names(loaded.models["AuthorBook"]) == ["id", "authorId", "bookId"]


def test_composite_key_order_and_shorthand_types(model_dir):
    folder = model_dir({
        "m.json": {"name": "M", "properties": {"b": {"type": "string", "id": 2}, "a": {"type": "STRING", "id": 1},
                                                 "tags": ["string"], "addr": {"street": "string"}}},
    })
    model = load_definitions(folder).models["M"]
    assert [p.name for p in model.ids] == ["a", "b"]
    assert model.property("addr").type == "Object"
    assert names(model) == ["b", "a", "tags", "addr"]  # no injected id: the model has its own


def test_every_problem_is_reported_at_once_with_file_model_and_property(model_dir):
    folder = model_dir({
        "broken.json": '{\n  "name": "Broken",\n  "properties": {\n    "a": "string",\n  }\n}\n',
        "one.json": {"name": "Dup", "properties": {}},
        "two.json": {"name": "Dup", "properties": {}},
        "orphan.json": {"name": "Orphan", "base": "NoSuchBase"},
        "typo.json": {"name": "Typo", "properties": {"age": {"type": "integr"}}},
        "idx.json": {"name": "Idx", "properties": {"a": "string"}, "indexes": {"i1": {"keys": {"missing": 1}}},
                     "foreignKeys": {"fk1": {"entity": "Idx", "foreignKey": "ghost"}}},
    })
    with pytest.raises(DefinitionError) as caught:
        load_definitions(folder)
    messages = [str(p) for p in caught.value.problems]
    # Python's own parser gives the position: the `}` after the trailing comma, or (3.13+) the comma itself.
    where = "line 5, column 3" if sys.version_info < (3, 13) else "line 4, column 18"
    assert any("broken.json" in m and where in m for m in messages), messages
    assert any("two.json" in m and "model Dup" in m and "duplicate" in m for m in messages), messages
    assert any("orphan.json" in m and "model Orphan" in m and "NoSuchBase" in m for m in messages), messages
    assert any("typo.json" in m and "model Typo" in m and "property age" in m and "integr" in m for m in messages)
    assert any("idx.json" in m and "property missing" in m and '"i1"' in m for m in messages), messages
    assert any("idx.json" in m and "property ghost" in m and '"fk1"' in m for m in messages), messages
    assert len(messages) == 6


def test_model_config_names_a_model_without_definition(tmp_path):
    (tmp_path / "model-config.json").write_text('{"Ghost": {"dataSource": "db"}}')
    with pytest.raises(DefinitionError, match="model Ghost: model is configured but no model definition"):
        load_definitions(tmp_path / "model-config.json")


def test_two_properties_one_column_and_names_too_long(model_dir):
    folder = model_dir({
        "m.json": {"name": "M", "properties": {"firstName": "string", "firstname": "string",
                                                 "x" * 70: "string"}},
    })
    model = load_definitions(folder).models["M"]
    with pytest.raises(DefinitionError) as caught:
        build_schema([model], PostgresqlVendor(), max_name_length=63)
    messages = [str(p) for p in caught.value.problems]
    assert any("property firstname" in m and 'column "firstname"' in m and "firstName" in m for m in messages)
    assert any("70 characters" in m and "allows 63" in m and "m.json" in m for m in messages), messages


def test_mysql_statements_fold_into_create_table():
    from django_lbsync.batch import fold_mysql_indexes

    statements = [
        "CREATE TABLE `a` (`id` INT NOT NULL PRIMARY KEY);",
        "CREATE TABLE `b` (`id` INT NOT NULL PRIMARY KEY, `aid` INT NULL);",
        "CREATE UNIQUE INDEX `x` ON `b` (`aid`, `id` DESC);",
        "ALTER TABLE `b` ADD CONSTRAINT `fk` FOREIGN KEY (`aid`) REFERENCES `a` (`id`) ON DELETE CASCADE;",
        "ALTER TABLE `a` ADD CONSTRAINT `fk2` FOREIGN KEY (`id`) REFERENCES `b` (`id`);",  # a cycle: kept
        "CREATE INDEX `y` ON `elsewhere` (`z`);",  # a table not created in this run: kept
    ]
    assert fold_mysql_indexes(statements) == [
        "CREATE TABLE `a` (`id` INT NOT NULL PRIMARY KEY);",
        "CREATE TABLE `b` (`id` INT NOT NULL PRIMARY KEY, `aid` INT NULL, UNIQUE INDEX `x` (`aid`, `id` DESC), "
        "CONSTRAINT `fk` FOREIGN KEY (`aid`) REFERENCES `a` (`id`) ON DELETE CASCADE);",
        "ALTER TABLE `a` ADD CONSTRAINT `fk2` FOREIGN KEY (`id`) REFERENCES `b` (`id`);",
        "CREATE INDEX `y` ON `elsewhere` (`z`);",
    ]


# -- issue 10 item 1: what LoopBack accepts, read as the juggler and loopback-boot read it ----------

@pytest.mark.parametrize("value, position", [
    (True, 1), (1, 1), (2, 2), (0.5, 0.5), (-1, -1), ("true", 1), ("false", 1), ("2", 1), ({}, 1), ([], 1),
    (False, 0), (0, 0), ("", 0), (None, 0), (float("inf"), 0),
])
def test_id_is_any_truthy_value_numbers_give_the_order(value, position):
    from django_lbsync.loader import id_position
    assert id_position(value) == position


@pytest.mark.parametrize("file_name, model", [
    ("order-item.json", "Orderitem"), ("orderItem.json", "Orderitem"), ("my_thing.json", "Mything"),
    ("note.json", "Note"), ("---.json", ""),
])
def test_loopback_boot_names_a_nameless_file_after_it(file_name, model):
    from django_lbsync.loader import boot_model_name
    assert boot_model_name(Path(file_name)) == model


@pytest.mark.parametrize("text, camel", [
    ("CustomerTest_id", "customerTestId"), ("imageable_type", "imageableType"), ("my_BigThing_id", "myBigthingId"),
])
def test_camelize_like_inflection(text, camel):
    from django_lbsync.loader import camelize
    assert camelize(text) == camel


@pytest.mark.parametrize("polymorphic, names", [
    (True, ("imageable", "imageableId", "imageableType")),
    ("owner", ("owner", "ownerId", "ownerType")),
    ({"selector": "taggable"}, ("taggable", "taggableId", "taggableType")),
    ({"as": "taggable"}, ("taggable", "taggableId", "taggableType")),
    ({"foreignKey": "targetId", "discriminator": "targetKind"}, ("imageable", "targetId", "targetKind")),
])
def test_polymorphic_names_as_normalize_polymorphic(polymorphic, names):
    from django_lbsync.loader import _polymorphic_names
    assert _polymorphic_names(polymorphic, "imageable") == names


# Every index form x every way of writing a direction: the same (key, order) pairs.
_DIRECTIONS = [(1, "ASC"), (-1, "DESC"), ("-1", "DESC"), ("desc", "DESC"), ("DESC", "DESC"), ("asc", "ASC")]


@pytest.mark.parametrize("direction, order", _DIRECTIONS)
@pytest.mark.parametrize("form", ["keys", "shorthand", "keys-string", "keys-list", "columns", "string"])
def test_index_forms_matrix(form, direction, order):
    from django_lbsync.loader import index_keys
    word = "DESC" if order == "DESC" else ""
    spec = {
        "keys": {"keys": {"name": 1, "email": direction}, "options": {"unique": True}},
        "shorthand": {"name": 1, "email": direction},
        "keys-string": {"keys": f"name, email {word}"},
        "keys-list": {"keys": ["name", f"email {word}"]},
        "columns": {"columns": f"name,email {word}", "kind": "unique"},
        "string": f"name,email {word}",
    }[form]
    assert index_keys(spec) == [("name", "ASC"), ("email", order)]


def test_excluded_and_deleted_properties_and_keyless_models(model_dir):
    folder = model_dir({
        "log.json": {"name": "Log", "idInjection": False, "properties": {"id": False, "msg": "string"}},
        "soap.json": {"name": "Soap", "base": "Model", "idInjection": False, "excludeBaseProperties": ["id"],
                      "properties": {"a": "string"}},
        "again.json": {"name": "Again", "properties": {"id": False, "msg": "string"}},  # injected again
    })
    loaded = load_definitions(folder)
    assert names(loaded.models["Log"]) == ["msg"] and not loaded.models["Log"].ids
    assert names(loaded.models["Soap"]) == ["a"]
    assert names(loaded.models["Again"]) == ["msg", "id"]


def test_a_model_without_a_table_is_not_refused_but_its_relations_count(tmp_path):
    """A model on a memory datasource with a type we refuse elsewhere does not stop the app; its hasMany
    still adds the FK column to an SQL model, typed from its key."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "cache.json").write_text(
        '{"name": "Cache", "properties": {"key": {"type": "string", "id": true}, "blob": {"type": "uuid"}},'
        ' "relations": {"rows": {"type": "hasMany", "model": "Row", "foreignKey": "cacheKey"}}}')
    (tmp_path / "models" / "row.json").write_text('{"name": "Row", "properties": {"v": "string"}}')
    (tmp_path / "model-config.json").write_text(
        '{"_meta": {"sources": ["./models"]}, "Cache": {"dataSource": "mem"}, "Row": {"dataSource": "db"}}')
    (tmp_path / "datasources.json").write_text('{"db": {"connector": "postgresql"}, "mem": {"connector": "memory"}}')
    loaded = load_definitions(tmp_path / "model-config.json")
    assert list(loaded.models) == ["Row"]
    assert names(loaded.models["Row"]) == ["v", "id", "cacheKey"]
    assert loaded.models["Row"].property("cacheKey").type == "String"


def test_key_from_and_key_to_are_not_read_as_loopback_does(model_dir):
    folder = model_dir({
        "a.json": {"name": "A", "properties": {"code": {"type": "string", "id": True}},
                   "relations": {"bs": {"type": "hasMany", "model": "B", "keyTo": "aCode", "keyFrom": "code"}}},
        "b.json": {"name": "B", "properties": {"x": "string"}},
    })
    loaded = load_definitions(folder)
    assert names(loaded.models["B"]) == ["x", "id", "aId"]  # foreignKey's default, typed from A's id
    assert loaded.models["B"].property("aId").type == "String"
    assert [(w.code, w.model, w.prop) for w in loaded.warnings if '"keyTo" is not read by LoopBack' in w.message] \
        == [("lbsync.W010", "A", "bs")]
