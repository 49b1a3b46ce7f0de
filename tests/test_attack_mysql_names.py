"""ATTACK: names MySQL/MariaDB refuse or take as one, which passed the definition checks.

Each reached the server, which refused it part-way through the run: automigrate had already dropped and
re-created the tables before it ("2 steps done before the failure ...; this database cannot roll DDL
back"). Bad input must be a definition error naming file, model and property, with nothing changed:

- a character beyond U+FFFF (an emoji) in a name: identifiers are utf8mb3 (error 1300);
- two columns `xi` and `xİ`: MySQL lower-cases each character and İ (U+0130) becomes i, where Python's
  casefold gives i + a combining dot (error 1060, duplicate column);
- two indexes of one table whose names differ only in case (error 1061) and an index named PRIMARY
  (error 1280): the index-name checks covered only databases where index names are per schema;
- two foreign keys of one name on two tables: InnoDB keeps FK names per database (errno 121);
- an index named like a foreign key of its table that no index serves: InnoDB makes the FK's index
  under the FK's name (error 1061).

On PostgreSQL and SQLite the same models are valid (or refused already), and are checked as such.
The database state is judged by tests/test_hostile_input.py's Case (a victim table and a catalog inventory).
"""
from __future__ import annotations

import pytest
from django.conf import settings

from .test_hostile_input import case, other, thing, with_fk  # noqa: F401 (case is a fixture)

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def two_fk_models(first: str, second: str) -> list[dict]:
    kid = {"name": "Kid", "properties": {"otherId": {"type": "number"}},
           "foreignKeys": {"k": {"name": second, "entity": "Other", "entityKey": "id", "foreignKey": "otherId"}}}
    return [with_fk(name=first), other(), kid]


def test_a_name_with_a_character_beyond_the_basic_plane(case):
    for what, models in [("column", [thing({"x😀": {"type": "string"}})]),
                         ("table", [thing() | {"name": "Thing😀"}]),
                         ("index", [thing(indexes={"i😀": {"keys": {"label": 1}}})]),
                         ("foreign key", [with_fk(name="fk😀"), other()])]:
        case.use(*models)
        if case.alias == "mysql":
            case.refused(f"{what} name with an emoji")
        else:
            case.accepted(f"{what} name with an emoji")
            case.reset()


def test_two_columns_mysql_takes_as_one(case):
    case.use(thing({"xi": {"type": "string"}, "xİ": {"type": "string"}}))
    if case.alias == "mysql":
        case.refused("columns xi and xİ")
    else:
        case.accepted("columns xi and xİ")


@pytest.mark.parametrize("names", [("idx_a", "IDX_A"), ("idx_i", "idx_İ")])
def test_two_indexes_of_one_table_mysql_takes_as_one(case, names):
    if case.alias != "mysql":
        pytest.skip("index names are per schema there, checked by validation._index_names")
    case.use(thing({"other": {"type": "string", "length": 20}}, indexes={
        names[0]: {"columns": "label"}, names[1]: {"columns": "other"}}))
    case.refused(f"indexes {names}")


def test_an_index_named_primary(case):
    case.use(thing(indexes={"Primary": {"keys": {"label": 1}}}))
    if case.alias == "mysql":
        case.refused("an index named Primary")
    else:
        case.accepted("an index named Primary")


@pytest.mark.parametrize("names", [("fk_other", "fk_other"), ("fk_other", "FK_OTHER")])
def test_two_foreign_keys_of_one_name_on_two_tables(case, names):
    case.use(*two_fk_models(*names))
    if case.alias == "mysql":
        case.refused(f"foreign keys {names} on two tables")
    else:
        case.accepted(f"foreign keys {names} on two tables")


def test_an_index_named_like_a_foreign_key_no_index_serves(case):
    model = with_fk(name="fk_other")
    model["indexes"] = {"fk_other": {"columns": "label"}}
    case.use(model, other())
    if case.alias == "mysql":
        case.refused("an index named like an unserved foreign key")
    else:
        case.accepted("an index named like an unserved foreign key")


def test_an_index_named_like_the_foreign_key_it_serves_is_fine(case):
    """InnoDB uses the index (its leading columns are the key's) and makes none of its own."""
    model = with_fk(name="fk_other")
    model["indexes"] = {"fk_other": {"columns": "otherId"}}
    case.use(model, other())
    case.accepted("an index named like the foreign key it serves")


def test_mysql_columns_casefold_would_merge_are_two_columns(live, model_dir, settings):
    """MySQL lower-cases names; it does not casefold them: `straße` and `strasse` are two columns. The
    diff matched them by casefold, so isactual said "in sync" with the model's column missing, and
    autoupdate added nothing. Judged by the live catalog (tests/live_schema.py) and a raw read."""
    from django.db import connections

    from django_lbsync import ChangesRefused, autoupdate, is_actual

    from . import live_schema

    if live != "mysql":
        pytest.skip("MySQL's name comparison")
    with connections[live].cursor() as cursor:
        cursor.execute("CREATE TABLE Thing (id int PRIMARY KEY, strasse text)")
        cursor.execute("INSERT INTO Thing VALUES (1, 'Hauptstrasse 1')")
    folder = model_dir({"t.json": {"name": "Thing", "idInjection": False, "properties": {
        "id": {"type": "number", "id": True, "mysql": {"dataType": "int"}},
        "straße": {"type": "string", "mysql": {"dataType": "text"}}}}})
    settings.LBSYNC = {"MODELS": [str(folder)], "DATASOURCES": {"db": live}}
    assert not is_actual(using=live)
    with pytest.raises(ChangesRefused):  # dropping strasse loses its value: not without consent
        autoupdate(using=live)
    assert [c[0] for c in live_schema.describe(live, "Thing").columns] == ["id", "strasse"]
    autoupdate(using=live, only_safe=True)
    assert [c[0] for c in live_schema.describe(live, "Thing").columns] == ["id", "strasse", "straße"]
    with connections[live].cursor() as cursor:
        cursor.execute("SELECT strasse, `straße` FROM Thing")
        assert cursor.fetchall() == (("Hauptstrasse 1", None),)
