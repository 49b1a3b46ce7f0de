"""The README's data-migration example: CustomerTest v1 -> v2, splitting `name` into firstName and
lastName without losing a row. Runs with LBSYNC pointing at the v2 models."""
from django.db import migrations

from django_lbsync import autoupdate, db_names


def split_names(apps, schema_editor):
    # 1. Add firstName and lastName; keep `name` and `age`, which still hold data.
    autoupdate(["CustomerTest"], using=schema_editor, only_safe=True)
    # 2. Move the data, in the same transaction where the database has one.
    connection = schema_editor.connection
    names = db_names("CustomerTest", using=schema_editor)
    q = connection.ops.quote_name
    table = names.quoted_table(connection)
    first, last, pk = q(names.columns["firstName"]), q(names.columns["lastName"]), q(names.columns["id"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {q('name')} FROM {table} WHERE {q('name')} IS NOT NULL")
        for key, full_name in cursor.fetchall():
            given, _, family = full_name.partition(" ")
            cursor.execute(f"UPDATE {table} SET {first} = %s, {last} = %s WHERE {pk} = %s",
                           [given, family or None, key])
    # 3. Now the old columns can go: their data has moved.
    autoupdate(["CustomerTest"], using=schema_editor, allow_destructive=True)


class Migration(migrations.Migration):
    dependencies = []
    # atomic=False: MySQL cannot run DDL inside a transaction. On PostgreSQL and SQLite the whole
    # migration is still one transaction.
    operations = [migrations.RunPython(split_names, migrations.RunPython.noop, atomic=False)]
