-- Reviewed: with prune, the FKs the models no longer declare are dropped, then the column no property maps
-- to (LoopBack's SQL Server connector creates and drops no FKs; its DROP COLUMN would fail while an FK
-- holds the column). Each constraint is dropped once: today the --sql output repeats DROP CONSTRAINT
-- [fk_order_address] (mssql-django's remove_field), a strict expected failure in test_offline_every_fixture.py.
ALTER TABLE [Order] DROP CONSTRAINT [fk_order_address];
ALTER TABLE [Order] DROP CONSTRAINT [fk_order_customerId];
ALTER TABLE [Order] DROP COLUMN [shippingAddressId];
