"""One class per database: LoopBack's rules for it (§2-§7)."""
from __future__ import annotations

from .base import Vendor
from .mssql import MssqlVendor
from .mysql import MysqlVendor
from .oracle import OracleVendor
from .postgresql import PostgresqlVendor
from .sqlite import SqliteVendor

VENDORS: dict[str, type[Vendor]] = {
    cls.django_vendor: cls for cls in (PostgresqlVendor, MysqlVendor, OracleVendor, MssqlVendor, SqliteVendor)
}


def vendor_for(connection) -> Vendor:
    """The vendor rules for a Django connection, by `connection.vendor`."""
    try:
        return VENDORS[connection.vendor]()
    except KeyError:
        from ..exceptions import ConfigurationError

        raise ConfigurationError(
            f"database {connection.alias!r} uses the {connection.vendor!r} backend, which django-lbsync does not "
            f"support (supported: {', '.join(sorted(VENDORS))})"
        ) from None


__all__ = ["Vendor", "VENDORS", "vendor_for"]
