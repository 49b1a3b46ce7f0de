-- Reviewed against loopback-connector-mssql lib/migration.js alterTable, the way back: name/age added,
-- email narrowed to nvarchar(40) (a possible truncation: preflight counts it before a real run), firstName
-- and lastName dropped; run on the snapshot they leave customer_v1 in sync (isactual).
ALTER TABLE [CustomerTest] ADD [name] nvarchar(40) NULL;
ALTER TABLE [CustomerTest] ADD [age] int NULL;
ALTER TABLE [CustomerTest] ALTER COLUMN [email] nvarchar(40) NULL;
ALTER TABLE [CustomerTest] DROP COLUMN [firstName];
ALTER TABLE [CustomerTest] DROP COLUMN [lastName];
