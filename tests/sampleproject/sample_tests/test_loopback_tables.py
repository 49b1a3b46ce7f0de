"""Run by tests/test_testing_support.py under pytest-django and under `manage.py test`.

Judged with Django's own catalog reader and plain SQL, not with django-lbsync. Each test prints a
marker line the outer test counts, so a test that did not run cannot pass unnoticed.
"""
import os

from django.db import connection
from django.test import TestCase, TransactionTestCase

from sampleapp.models import Note

EXPECT_TABLES = os.environ.get("SAMPLE_EXPECT_TABLES", "1") == "1"


def loopback_tables():
    """{lower-case name: name as the catalog spells it} of the LoopBack tables in the test database."""
    names = connection.introspection.table_names()
    return {n.lower(): n for n in names if n.lower() in ("author", "book")}


def count(table):
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {q(loopback_tables()[table])}")
        return cursor.fetchone()[0]


def column(cursor, table, name):
    """The column as the catalog spells it (PostgreSQL folds LoopBack's names to lower case)."""
    names = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    return next(n for n in names if n.lower() == name.lower())


def insert_author_and_book():
    q = connection.ops.quote_name
    author, book = loopback_tables()["author"], loopback_tables()["book"]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(author)} ({q('id')}, {q('name')}) VALUES (1, 'Ann')")
        author_id = column(cursor, book, "authorId")
        cursor.execute(f"INSERT INTO {q(book)} ({q('id')}, {q('title')}, {q(author_id)}) VALUES (1, 'B', 1)")


class TablesInTestDatabase(TestCase):
    def test_tables(self):
        name = connection.settings_dict["NAME"]
        assert name != "test", name  # the test database, never the configured one
        if EXPECT_TABLES:
            assert sorted(loopback_tables()) == ["author", "book"], connection.introspection.table_names()
            insert_author_and_book()  # the columns and the foreign key are there
            assert (count("author"), count("book")) == (1, 1)
        else:
            assert loopback_tables() == {}, loopback_tables()
        print(f"SAMPLE-OK tables={sorted(loopback_tables())} db={connection.vendor}")


class RowsDoNotLeak(TransactionTestCase):
    """unittest and pytest both run these in name order: the first writes and commits, the second
    must find the tables empty again (Django's flush ran between them)."""

    def test_1_writes(self):
        if not EXPECT_TABLES:
            self.skipTest("no LoopBack tables")
        insert_author_and_book()
        Note.objects.create(text="x")
        assert (count("author"), count("book"), Note.objects.count()) == (1, 1, 1)
        print("SAMPLE-OK wrote")

    def test_2_finds_them_empty(self):
        if not EXPECT_TABLES:
            self.skipTest("no LoopBack tables")
        assert Note.objects.count() == 0  # Django's own flush still happens
        assert (count("author"), count("book")) == (0, 0), "LoopBack rows leaked from test_1_writes"
        print("SAMPLE-OK empty")
