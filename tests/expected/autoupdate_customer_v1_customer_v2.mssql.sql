-- Reviewed against loopback-connector-mssql lib/migration.js alterTable: LoopBack adds the new properties
-- ([nvarchar](40) NULL), ALTERs a column whose type or NULL changed (email nvarchar(40) -> nvarchar(60)) and
-- drops columns no property maps to (DROP COLUMN[name],[age]), one ALTER TABLE per kind, never the id. Same
-- changes here, one statement per column; run on the snapshot they leave customer_v2 in sync (isactual).
ALTER TABLE [CustomerTest] ADD [firstName] nvarchar(40) NULL;
ALTER TABLE [CustomerTest] ADD [lastName] nvarchar(40) NULL;
ALTER TABLE [CustomerTest] ALTER COLUMN [email] nvarchar(60) NULL;
ALTER TABLE [CustomerTest] DROP COLUMN [name];
ALTER TABLE [CustomerTest] DROP COLUMN [age];
