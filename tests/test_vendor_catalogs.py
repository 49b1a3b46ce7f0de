"""The catalog readers are the vendor's (issue 11): no registry keyed by a vendor's name outside vendors/."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from django_lbsync.catalogs.hooks import GapHooks
from django_lbsync.vendors import VENDORS

PACKAGE = Path(__file__).resolve().parent.parent / "django_lbsync"
NAMES = ("postgresql", "mysql", "sqlite", "oracle", "microsoft", "mssql")


@pytest.mark.parametrize("name", sorted(VENDORS))
def test_every_vendor_carries_its_catalog_readers(name):
    vendor = VENDORS[name]()
    assert issubclass(vendor.gap_hooks, GapHooks)
    fast = name in ("postgresql", "mysql", "sqlite")
    assert (vendor.catalog_reader is not None) == fast  # Oracle, SQL Server: the generic reader
    assert callable(vendor.lost_objects_reader)
    # Where DROP TABLE takes other objects along, the vendor can name them.
    assert (vendor.dependents_reader is not None) == (vendor.drop_table_dependents == "cascade")


def test_the_fast_reader_is_a_plain_function_not_a_bound_method():
    reader = VENDORS["postgresql"]().catalog_reader
    assert reader.__name__ == "read_tables" and not hasattr(reader, "__self__")


def _code_lines(path: Path):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        code = line.split("#", 1)[0]
        if code.strip():
            yield number, code


def test_no_vendor_name_is_compared_or_used_as_a_key_outside_vendors():
    quoted = "|".join(NAMES)
    comparison = re.compile(rf"""(==|!=|\bin\b)\s*\(?\s*["']({quoted})["']|["']({quoted})["']\s*(==|!=|:)""")
    found = []
    for path in PACKAGE.rglob("*.py"):
        if "vendors" in path.relative_to(PACKAGE).parts:
            continue
        for number, code in _code_lines(path):
            if comparison.search(code) and "connector" not in code.lower() and "KEYS" not in code:
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {code.strip()}")
    assert not found, "\n".join(found)


def test_no_reader_registries_remain():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        for registry in ("_READERS", "GAP_HOOKS", "_LOST_READERS"):
            assert registry not in text, f"{path.relative_to(PACKAGE)} still holds {registry}"
