"""Reading the live schema through the connection's vendor (DESIGN Part 1, decision 10).

introspect.py picks its catalog reader by `connection.vendor`. A backend that subclasses a supported
one reports its own name there (django-cockroachdb, PostGIS, django-tenants), though its vendor, chosen
from the backend's class (vendors.vendor_for), is the supported one's. So the readers are handed the
connection under its vendor's name. Once introspect.py takes the Vendor itself, this module goes.
"""
from __future__ import annotations

from typing import Iterable

from . import introspect as _introspect
from .schema import Schema, Table
from .vendors import vendor_for


class _UnderVendorName:
    """`connection` in every respect, except that `.vendor` is the name of the vendor chosen for it."""

    def __init__(self, connection, vendor_name: str):
        self._connection = connection
        self.vendor = vendor_name

    def __getattr__(self, name):
        return getattr(self._connection, name)


def _for_reader(connection):
    return _UnderVendorName(connection, vendor_for(connection).django_vendor)


def read_schema(connection, *, schemas: Iterable[str] = (), views: bool = False, reader: str = "fast") -> Schema:
    """introspect.introspect, with the reader of the connection's vendor."""
    return _introspect.introspect(_for_reader(connection), schemas=schemas, views=views, reader=reader)


def existing_tables(connection, tables: Iterable[Table]) -> list[Table]:
    """introspect.existing_tables, with the catalog of the connection's vendor."""
    return _introspect.existing_tables(_for_reader(connection), tables)


def row_counts(connection, tables: Iterable[Table]) -> dict[str, int]:
    """introspect.row_counts, with the table names of the connection's vendor."""
    return _introspect.row_counts(_for_reader(connection), tables)
