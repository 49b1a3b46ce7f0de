ALTER TABLE [CustomerTest] ADD [firstName] nvarchar(40) NULL;
ALTER TABLE [CustomerTest] ADD [lastName] nvarchar(40) NULL;
ALTER TABLE [CustomerTest] ALTER COLUMN [email] nvarchar(60) NULL;
ALTER TABLE [CustomerTest] DROP COLUMN [name];
ALTER TABLE [CustomerTest] DROP COLUMN [age];
