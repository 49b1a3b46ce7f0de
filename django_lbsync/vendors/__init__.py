"""One class per database: LoopBack's rules for it (docs/loopback-rules/README.md), and the one place a connection
gets its vendor.

A connection's vendor is chosen from its Django backend's class hierarchy (DESIGN Part 1, decision 10):
a backend that subclasses a supported one (PostGIS, django-tenants, django-cockroachdb, which report
other `connection.vendor` names) inherits its rules. It is built once per connection and cached.
"""
from __future__ import annotations

import weakref

from .base import Vendor
from .mssql import MssqlVendor
from .mysql import MysqlVendor
from .oracle import OracleVendor
from .postgresql import PostgresqlVendor
from .sqlite import SqliteVendor

VENDORS: dict[str, type[Vendor]] = {
    cls.django_vendor: cls for cls in (PostgresqlVendor, MysqlVendor, OracleVendor, MssqlVendor, SqliteVendor)
}


#: The wrapper classes each vendor serves, as dotted paths: matched against the backend's MRO by name, so
#: a missing driver (psycopg, oracledb, mssql-django) never breaks the import of the others.
_BACKENDS: dict[str, type[Vendor]] = {
    path: cls for cls in VENDORS.values() for path in cls.django_backends
}

_BUILT: "weakref.WeakKeyDictionary[object, Vendor]" = weakref.WeakKeyDictionary()


def vendor_class_for(backend_class: type) -> type[Vendor] | None:
    """The vendor whose Django backend `backend_class` is or subclasses (nearest in the MRO), or None."""
    for cls in backend_class.__mro__:
        found = _BACKENDS.get(f"{cls.__module__}.{cls.__qualname__}")
        if found is not None:
            return found
    return None


def vendor_for(connection) -> Vendor:
    """The vendor rules for a Django connection: one instance per connection object, built on first use."""
    try:
        return _BUILT[connection]
    except (KeyError, TypeError):
        pass
    # A backend that declares a supported vendor name without subclassing its Django backend (a test
    # double, a re-implementation) is taken at its word, as before.
    cls = vendor_class_for(type(connection)) or VENDORS.get(getattr(connection, "vendor", None))
    if cls is None:
        from ..exceptions import ConfigurationError

        backend = type(connection)
        engine = getattr(connection, "settings_dict", {}).get("ENGINE")
        raise ConfigurationError(
            f"database {getattr(connection, 'alias', '?')!r} uses the backend {backend.__module__}."
            f"{backend.__qualname__} (ENGINE {engine!r}, vendor {getattr(connection, 'vendor', '?')!r}), which "
            "django-lbsync does not support: it is none of, and subclasses none of, "
            f"{', '.join(sorted(_BACKENDS))}"
        )
    vendor = cls()
    try:
        _BUILT[connection] = vendor
    except TypeError:  # an object that takes no weak reference (a test double): not cached
        pass
    return vendor


__all__ = ["Vendor", "VENDORS", "vendor_class_for", "vendor_for"]
