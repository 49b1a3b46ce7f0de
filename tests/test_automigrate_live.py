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


def _cycle_models(*edges: tuple[str, str]) -> dict:
    """Model files where each (child, parent) edge is a belongsTo with a declared foreign key: a real FK
    constraint from child.<parent>Id to parent.id. Edges may form cycles (a self reference included)."""
    files: dict = {}
    for child, parent in edges:
        model = files.setdefault(f"{child.lower()}.json", {"name": child, "properties": {"label": "string"}})
        column = f"{parent.lower()}Ref"
        model.setdefault("relations", {})[f"to{parent}"] = {"type": "belongsTo", "model": parent,
                                                             "foreignKey": column}
        model["properties"][column] = {"type": "number"}
        model.setdefault("foreignKeys", {})[f"fk_{child.lower()}_{parent.lower()}"] = {
            "name": f"fk_{child.lower()}_{parent.lower()}", "entity": parent, "entityKey": "id",
            "foreignKey": column}
    return files


CYCLES = {
    "two": [("CycA", "CycB"), ("CycB", "CycA")],
    "three": [("CycA", "CycB"), ("CycB", "CycC"), ("CycC", "CycA")],
    "self": [("CycA", "CycA")],
    # A cycle, a self reference on one of its tables, and a table outside it that points into it.
    "mixed": [("CycA", "CycB"), ("CycB", "CycA"), ("CycB", "CycB"), ("CycD", "CycA")],
}


def _fks(alias: str, names: set[str]) -> dict[str, dict]:
    fold = (lambda n: n.lower()) if alias == "postgresql" else (lambda n: n)
    return {name: {fk: (cols, ref) for fk, (cols, ref, *_rest) in describe(alias, fold(name)).foreign_keys.items()}
            for name in names}


@pytest.mark.parametrize("shape", sorted(CYCLES))
def test_rerun_with_foreign_keys_in_a_cycle(live, use_models, model_dir, shape):
    """Tables whose foreign keys point at each other (a cycle, a self reference) are dropped and re-created on
    every run: the second and third runs find them all and leave the same tables and keys."""
    edges = CYCLES[shape]
    use_models(live, model_dir(_cycle_models(*edges)))
    names = {name for edge in edges for name in edge}
    fold = (lambda n: n.lower()) if live == "postgresql" else (lambda n: n)
    first = automigrate(using=live)
    assert {t.name for t in first.created} == {fold(n) for n in names}
    after_first = _fks(live, names)
    expected = {child: {} for child, _ in edges}
    for child, parent in edges:
        expected[child][f"fk_{child.lower()}_{parent.lower()}"] = ((fold(f"{parent.lower()}Ref"),), fold(parent))
    assert {n: fks for n, fks in after_first.items() if n in expected} == expected
    for _ in range(2):
        again = automigrate(using=live)
        assert {t.name for t in again.dropped} == {fold(n) for n in names}
        assert tables(live) == {fold(n) for n in names}
        assert _fks(live, names) == after_first


def test_rerun_of_a_cycle_holding_rows_asks_and_empties(live, use_models, model_dir):
    """Rows that point at each other across a cycle: the run asks (rows are lost), then drops and re-creates
    every table of the cycle; refused, nothing changes."""
    use_models(live, model_dir(_cycle_models(*CYCLES["mixed"])))
    automigrate(using=live)
    connection = connections[live]
    q = connection.ops.quote_name
    fold = (lambda n: n.lower()) if live == "postgresql" else (lambda n: n)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(fold('CycA'))} ({q('id')}, {q('label')}) VALUES (1, 'a')")
        cursor.execute(f"INSERT INTO {q(fold('CycB'))} ({q('id')}, {q('label')}, {q(fold('cycaRef'))}, "
                       f"{q(fold('cycbRef'))}) VALUES (1, 'b', 1, NULL)")
        cursor.execute(f"UPDATE {q(fold('CycB'))} SET {q(fold('cycbRef'))} = 1")
        cursor.execute(f"UPDATE {q(fold('CycA'))} SET {q(fold('cycbRef'))} = 1")
        cursor.execute(f"INSERT INTO {q(fold('CycD'))} ({q('id')}, {q(fold('cycaRef'))}) VALUES (1, 1)")
    from django_lbsync.exceptions import Cancelled

    with pytest.raises(Cancelled):
        automigrate(using=live, confirm=lambda rows: False)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {q(fold('CycB'))}")
        assert cursor.fetchone()[0] == 1
    asked = []
    automigrate(using=live, confirm=lambda rows: asked.append(rows) or True)
    assert asked == [{fold(n): 1 for n in ("CycA", "CycB", "CycD")}]
    # The cycle's own keys go with their tables and come back from the models: not named as taken along.
    assert asked[0].dependents == [] and asked[0].lost == []
    for name in ("CycA", "CycB", "CycD"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {q(fold(name))}")
            assert cursor.fetchone()[0] == 0
    assert tables(live) == {fold(n) for n in ("CycA", "CycB", "CycD")}
    assert _fks(live, {"CycA", "CycB", "CycD"}) == {
        "CycA": {"fk_cyca_cycb": ((fold("cycbRef"),), fold("CycB"))},
        "CycB": {"fk_cycb_cyca": ((fold("cycaRef"),), fold("CycA")), "fk_cycb_cycb": ((fold("cycbRef"),), fold("CycB"))},
        "CycD": {"fk_cycd_cyca": ((fold("cycaRef"),), fold("CycA"))},
    }


def test_rerun_after_a_foreign_key_changed_direction(live, use_models, model_dir):
    """The tables are dropped in the models' reverse dependency order, but the live keys may point the other
    way (the models changed since the last run): a live key that would refuse a drop goes first."""
    first = _cycle_models(("CycA", "CycB"))
    first["cycb.json"] = {"name": "CycB", "properties": {"label": "string", "cycaRef": {"type": "number"}}}
    use_models(live, model_dir(first))
    automigrate(using=live)
    then = _cycle_models(("CycB", "CycA"))
    then["cyca.json"] = {"name": "CycA", "properties": {"label": "string", "cycbRef": {"type": "number"}}}
    use_models(live, model_dir(then))
    automigrate(using=live)
    fold = (lambda n: n.lower()) if live == "postgresql" else (lambda n: n)
    assert tables(live) == {fold("CycA"), fold("CycB")}
    assert _fks(live, {"CycA", "CycB"}) == {"CycA": {}, "CycB": {"fk_cycb_cyca": ((fold("cycaRef"),), fold("CycA"))}}
