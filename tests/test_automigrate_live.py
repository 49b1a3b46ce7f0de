"""automigrate against real databases: the created tables are what docs/loopback-rules/README.md
(and Appendix A for the built-ins) say LoopBack creates. SQLite follows the documented Django types."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections

from django_lbsync import automigrate

from .live_schema import describe, tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)

VENDOR = {"default": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}


def by_vendor(alias, **values):
    return values[VENDOR[alias]]


def test_seed_customer_test_v1(live, use_models):
    use_models(live, "customer_v1")
    automigrate(using=live)
    name = by_vendor(live, sqlite="CustomerTest", postgresql="customertest", mysql="CustomerTest")
    table = describe(live, name)
    assert table.columns == by_vendor(
        live,
        # PostgreSQL ignores `length` on strings (TEXT); MySQL honours it
        # (docs/loopback-rules/types.md#default-mapping).
        postgresql=[("id", "text", False), ("name", "text", True), ("email", "text", True), ("age", "integer", True)],
        mysql=[("id", "VARCHAR(20)", False), ("name", "VARCHAR(40)", True), ("email", "VARCHAR(40)", True),
               ("age", "INT(11)", True)],
        sqlite=[("id", "varchar(20)", False), ("name", "varchar(40)", True), ("email", "varchar(40)", True),
                ("age", "integer", True)],
    )
    assert table.primary_key == ("id",)
    assert table.auto == set()  # a string id that is not generated


def test_builtins_appendix_a(live, use_models):
    use_models(live, "builtins/model-config.json")
    automigrate(using=live)
    names = by_vendor(
        live,
        postgresql=["user", "accesstoken", "acl", "rolemapping", "role"],
        mysql=["User", "AccessToken", "ACL", "RoleMapping", "Role"],
        sqlite=["User", "AccessToken", "ACL", "RoleMapping", "Role"],
    )
    assert tables(live) == set(names)
    user, token, acl, mapping, role = (describe(live, n) for n in names)
    if live == "postgresql":
        assert user.columns == [
            ("realm", "text", True), ("username", "text", True), ("password", "text", False),
            ("email", "text", False), ("emailverified", "boolean", True), ("verificationtoken", "text", True),
            ("id", "integer", False),
        ]
        assert user.auto == {"id"}  # "id" SERIAL
        assert token.columns == [
            ("id", "text", False), ("ttl", "integer", True), ("scopes", "text", True),
            ("created", "timestamp with time zone", True), ("userid", "integer", True),
        ]
        assert token.defaults == {"ttl": "1209600"}
        assert [c[0] for c in acl.columns] == [
            "model", "property", "accesstype", "permission", "principaltype", "principalid", "id"]
        assert mapping.columns == [
            ("id", "integer", False), ("principaltype", "text", True), ("principalid", "text", True),
            ("roleid", "integer", True),
        ]
        assert mapping.indexes == {"rolemapping_principalid_idx": (("principalid",), False)}
        assert role.columns == [
            ("id", "integer", False), ("name", "text", False), ("description", "text", True),
            ("created", "timestamp with time zone", True), ("modified", "timestamp with time zone", True),
        ]
    elif live == "mysql":
        assert user.columns == [
            ("id", "INT(11)", False), ("realm", "VARCHAR(512)", True), ("username", "VARCHAR(512)", True),
            ("password", "VARCHAR(512)", False), ("email", "VARCHAR(512)", False),
            ("emailVerified", "TINYINT(1)", True), ("verificationToken", "VARCHAR(512)", True),
        ]
        assert user.auto == {"id"}
        assert token.columns == [
            ("id", "VARCHAR(255)", False), ("ttl", "INT(11)", True), ("scopes", "TEXT", True),
            ("created", "DATETIME", True), ("userId", "INT(11)", True),
        ]
        assert token.defaults == {}  # MySQL emits only `mysql.default` (docs/loopback-rules/types.md#defaults)
        assert mapping.columns == [
            ("id", "INT(11)", False), ("principalType", "VARCHAR(512)", True),
            ("principalId", "VARCHAR(255)", True), ("roleId", "INT(11)", True),
        ]
        assert mapping.indexes == {"principalId": (("principalId",), False)}
        assert role.columns == [
            ("id", "INT(11)", False), ("name", "VARCHAR(512)", False), ("description", "VARCHAR(512)", True),
            ("created", "DATETIME", True), ("modified", "DATETIME", True),
        ]
    else:
        assert user.columns == [
            ("realm", "text", True), ("username", "text", True), ("password", "text", False),
            ("email", "text", False), ("emailVerified", "bool", True), ("verificationToken", "text", True),
            ("id", "integer", False),
        ]
        assert user.auto == {"id"}
        assert token.defaults == {"ttl": "1209600"}
        assert mapping.indexes == {"RoleMapping_principalId_idx": (("principalId",), False)}
    for table in (user, acl, mapping, role):
        assert table.auto == {"id"}
    assert token.auto == set()
    assert all(t.primary_key == ("id",) for t in (user, token, acl, mapping, role))
    # Built-ins declare none (docs/loopback-rules/indexes-and-keys.md#foreign-keys).
    assert all(not t.foreign_keys for t in (user, token, acl, mapping, role))


def test_composite_key(live, use_models):
    use_models(live, "composite")
    automigrate(using=live)
    table = describe(live, by_vendor(live, postgresql="inventory", mysql="Inventory", sqlite="Inventory"))
    pk = by_vendor(live, postgresql=("productid", "locationid"), mysql=("productId", "locationId"),
                   sqlite=("productId", "locationId"))
    assert table.primary_key == pk
    assert table.auto == set()
    # The trailing PRIMARY KEY keeps property order (docs/loopback-rules/models.md#column-order).
    assert [c[0] for c in table.columns][:2] == list(pk)
    assert table.not_null == set(pk)


def test_every_type(live, use_models):
    use_models(live, "types")
    automigrate(using=live)
    table = describe(live, by_vendor(live, postgresql="everytype", mysql="EveryType", sqlite="EveryType"))
    types = {name.lower(): type_ for name, type_, _ in table.columns}
    expected = by_vendor(
        live,
        postgresql=dict(str="text", strlen="text", num="integer", numprecision="integer", bool="boolean",
                        date="timestamp with time zone", datestring="text", buffer="text", text="text", json="text",
                        obj="text", any="text", arr="text", strings="text", nested="text", geo="point",
                        required="text", notnullable="integer", withdefault="text", numdefault="integer",
                        id="integer"),
        mysql=dict(str="VARCHAR(512)", strlen="VARCHAR(100)", num="INT(11)", numprecision="INT(11)",
                   bool="TINYINT(1)", date="DATETIME", datestring="TEXT", buffer="TEXT", text="TEXT", json="TEXT",
                   obj="TEXT", any="TEXT", arr="TEXT", strings="TEXT", nested="TEXT", geo="POINT",
                   required="VARCHAR(512)", notnullable="INT(11)", withdefault="VARCHAR(512)", numdefault="INT(11)",
                   id="INT(11)"),
        sqlite=dict(str="text", strlen="varchar(100)", num="integer", numprecision="integer", bool="bool",
                    date="datetime", datestring="text", buffer="blob", text="text", json="text", obj="text",
                    any="text", arr="text", strings="text", nested="text", geo="text", required="text",
                    notnullable="integer", withdefault="text", numdefault="integer", id="integer"),
    )
    assert types == expected
    not_null = {n.lower() for n in table.not_null}
    assert not_null == {"required", "notnullable", "id"}
    if live == "mysql":
        assert table.defaults == {}
    else:
        defaults = {k.lower(): v for k, v in table.defaults.items()}
        assert defaults == by_vendor(live, postgresql={"withdefault": "'sandbox'::text", "numdefault": "7"},
                                     sqlite={"withDefault".lower(): "'sandbox'", "numdefault": "7"})


def test_connector_overrides(live, use_models):
    use_models(live, "overrides")
    automigrate(using=live)
    table = describe(live, by_vendor(live, postgresql="product", mysql="Product", sqlite="Product"))
    assert table.column_types == by_vendor(
        live,
        postgresql={"product_code": "character varying(32)", "price": "numeric(12,3)", "released": "date",
                    "weight": "double precision", "counter": "integer", "meta": "jsonb", "stock": "integer",
                    "createdat": "timestamp with time zone", "id": "integer"},
        mysql={"id": "INT(11)", "product_code": "VARCHAR(32)", "price": "DECIMAL(12,3)", "released": "DATE",
               "weight": "DOUBLE", "counter": "BIGINT(20)", "meta": "LONGTEXT", "stock": "INT(11)",
               "createdAt": "DATETIME"},
        sqlite={"product_code": "varchar(32)", "price": "decimal(12, 3)", "released": "date", "weight": "real",
                "counter": "bigint", "meta": "text", "stock": "integer", "createdAt": "datetime", "id": "integer"},
    )
    assert "product_code" in table.not_null
    assert table.defaults == by_vendor(
        live,
        postgresql={"stock": "0", "createdat": "now()"},
        mysql={"stock": "0", "createdAt": "current_timestamp()"},
        sqlite={"stock": "0"},
    )


def test_every_index_form(live, use_models):
    use_models(live, "indexes")
    automigrate(using=live)
    table = describe(live, by_vendor(live, postgresql="customer", mysql="Customer", sqlite="Customer"))
    if live == "postgresql":
        expected = {
            "customer_name_idx": (("name",), False),
            "customer_email_idx": (("email",), True),
            "customer_age_idx": (("age",), False),  # LoopBack's PG connector makes `index: {}` UNIQUE (bug)
            "name_email_idx": (("name", "email DESC"), True),
            "city_idx": (("city",), False),
            "zip_city_idx": (("zip", "city"), True),  # LoopBack's PG connector mangles this form (bug)
            "names_idx": (("lastname DESC", "firstname"), False),
        }
    elif live == "mysql":
        expected = {
            "name": (("name",), False),
            "email": (("email",), True),
            "age": (("age",), False),
            "name_email_idx": (("name", "email DESC"), True),
            "city_idx": (("city",), False),  # LoopBack's MySQL connector skips the shorthand form (bug)
            "zip_city_idx": (("zip", "city"), True),
            "names_idx": (("lastName DESC", "firstName"), False),
        }
    else:
        expected = {
            "Customer_name_idx": (("name",), False),
            "Customer_email_idx": (("email",), True),
            "Customer_age_idx": (("age",), False),
            "name_email_idx": (("name", "email DESC"), True),
            "city_idx": (("city",), False),
            "zip_city_idx": (("zip", "city"), True),
            "names_idx": (("lastName DESC", "firstName"), False),
        }
    assert table.indexes == expected
    if live == "mysql":
        # An indexed string without a length gets VARCHAR(255); a length wins
        # (docs/loopback-rules/types.md#default-mapping)
        assert table.column_types["name"] == "VARCHAR(255)" and table.column_types["zip"] == "VARCHAR(10)"


def test_foreign_keys_and_relation_columns(live, use_models):
    use_models(live, "foreign_keys")
    automigrate(using=live)
    name = (lambda n: n.lower()) if live == "postgresql" else (lambda n: n)
    order = describe(live, name("Order"))
    # belongsTo adds `customerId` (hasMany on Customer adds the same) and `shippingAddressId`, typed like the
    # target id (Address.code is a VARCHAR(12) string id), after the injected id
    # (docs/loopback-rules/models.md#relations-add-foreign-key-properties).
    tail = ["total", "customerId", "shippingAddressId"] if live == "mysql" else ["id", "customerId", "shippingAddressId"]
    assert [c[0] for c in order.columns][-3:] == [name(c) for c in tail]
    # Only the target id's connector dataType/dataLength are copied: PostgreSQL's block makes VARCHAR(12);
    # MySQL and SQLite see a plain String.
    assert order.column_types[name("shippingAddressId")] == by_vendor(
        live, postgresql="character varying(12)", mysql="VARCHAR(512)", sqlite="text")
    # `foreignKeys` (docs/loopback-rules/indexes-and-keys.md#foreign-keys), with `foreignKey` mapped to its real
    # (lower-cased on PostgreSQL) column: LoopBack quotes it verbatim on PostgreSQL and fails (PG#732).
    assert order.foreign_keys[by_vendor(live, postgresql="fk_order_customerId", mysql="fk_order_customerId",
                                        sqlite="fk_order_customerId")] == (
        (name("customerId"),), name("Customer"), ("id",), "CASCADE", "SET NULL")
    default_action = by_vendor(live, postgresql="NO ACTION", mysql="RESTRICT", sqlite="NO ACTION")
    assert order.foreign_keys["fk_order_address"] == (
        (name("shippingAddressId"),), name("Address"), ("code",), default_action, default_action)
    # hasAndBelongsToMany without `through` creates AssemblyPart (id, assemblyId, partId)
    through = describe(live, name("AssemblyPart"))
    assert [c[0] for c in through.columns] == [name(c) for c in ("id", "assemblyId", "partId")]
    assert through.auto == {"id"}


def test_base_chain_inheritance_and_deletion(live, use_models):
    use_models(live, "base_chain")
    automigrate(using=live)
    admin = describe(live, "admin_user")
    app = describe(live, "app_user")
    name = (lambda n: n.lower()) if live == "postgresql" else (lambda n: n)
    # Own properties first, then the base's (minus the deleted `realm`), then the inherited id
    # (docs/loopback-rules/models.md#base-chains-and-property-deletion, #idinjection):
    # `idInjection: false` does not remove the id every PersistedModel inherits.
    inherited = ["nickname", "username", "password", "email", "emailVerified", "verificationToken"]
    if live == "mysql":  # MySQL hoists the single primary key (docs/loopback-rules/models.md#column-order)
        assert [c[0] for c in app.columns] == ["id"] + inherited
        assert [c[0] for c in admin.columns] == ["id", "level"] + inherited
    else:
        assert [c[0] for c in app.columns] == [name(c) for c in inherited + ["id"]]
        assert [c[0] for c in admin.columns] == [name(c) for c in ["level"] + inherited + ["id"]]
    assert admin.auto == {"id"}
    assert "realm" not in {c[0] for c in admin.columns}


def test_rerun_drops_and_recreates_only_its_tables(live, use_models):
    use_models(live, "customer_v1")
    automigrate(using=live)
    name = by_vendor(live, sqlite="CustomerTest", postgresql="customertest", mysql="CustomerTest")
    connection = connections[live]
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {q('bystander')} (x INTEGER)")
        cursor.execute(f"INSERT INTO {q(name)} ({q('id')}, {q('name')}) VALUES ('c1', 'Ann')")
    asked = {}
    result = automigrate(using=live, confirm=lambda rows: asked.update(rows) or True)
    assert asked == {name: 1}
    assert [t.name for t in result.dropped] == [name]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {q(name)}")
        assert cursor.fetchone()[0] == 0
    assert "bystander" in tables(live)


def test_schema_option(live, use_models):
    """`postgresql.schema` qualifies the table (the schema is created); MySQL ignores `schema`
    (docs/loopback-rules/names.md#schema)."""
    use_models(live, "pg_schema")
    automigrate(using=live)
    automigrate(using=live)  # the second run finds the qualified table and re-creates it
    if live == "postgresql":
        table = describe(live, "things", schema="lbsync_app")
        assert [c[0] for c in table.columns] == ["label", "id"]
        assert table.indexes == {"things_label_idx": (("label",), False)}
        assert "things" not in tables(live)  # not in public
    else:
        assert tables(live) == {"Thing"}


def test_only_steps_that_ran_are_logged(live, use_models, caplog):
    """A dry run renders every step and runs none: it logs no table as created. A real run logs each table
    once, after it exists (on PostgreSQL and MySQL, after the batch was sent)."""
    use_models(live, "foreign_keys")
    with caplog.at_level("INFO", logger="django_lbsync"):
        result = automigrate(using=live, dry_run=True)
    assert result.sql and not [r for r in caplog.records if "created table" in r.getMessage()]
    assert tables(live) == set()
    caplog.clear()
    with caplog.at_level("INFO", logger="django_lbsync"):
        result = automigrate(using=live)
    logged = sorted(r.getMessage() for r in caplog.records if "created table" in r.getMessage())
    assert logged == sorted(f"created table {t.key}" for t in result.created)
    assert {t.name for t in result.created} <= tables(live)
