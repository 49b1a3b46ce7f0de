"""Tables that Django owns on a database: those of installed Django models (their many-to-many tables
included) and the migration recorder's `django_migrations`.

Discovery leaves them out by default, and a check warns when a LoopBack model maps to one: pointing LBSYNC
at a discovery of the whole database would otherwise make the next automigrate drop `django_migrations`
(issue 12, "Collateral damage is named"). Names compare case-insensitively: a near-miss in case is as
dangerous as an exact match on the databases that fold names, and harmless to flag elsewhere.
"""
from __future__ import annotations

from django.db.migrations.recorder import MigrationRecorder


def django_owned_tables(connection) -> set[str]:
    """The casefolded names of the tables Django owns on `connection`, from the installed models and the
    routers; no query is sent."""
    names = set(connection.introspection.django_table_names(only_existing=False, include_views=False))
    names.add(MigrationRecorder.Migration._meta.db_table)
    return {name.casefold() for name in names}


def is_django_owned(name: str, owned: set[str]) -> bool:
    return name.casefold() in owned
