"""Each database's catalog SQL, one module per vendor: what `Vendor.catalog_reader`, `Vendor.gap_hooks`,
`Vendor.dependents_reader` and `Vendor.lost_objects_reader` point at (vendors/).

Every query here is a catalog SELECT; every value in it (a table or schema name) is a bound parameter,
never text of the statement (docs/sql-safety.md). introspect.py, introspect_generic.py and dependents.py
dispatch through the vendor and hold no vendor's SQL.
"""
