-- Reviewed against loopback-connector-mssql: email nvarchar(60) from the top-level length (the oracle block does
-- not apply here). Deviation (docs/loopback-rules/types.md, MS#53): the non-generated string id stays
-- nvarchar(20); LoopBack would make it a newid() key.
CREATE TABLE [CustomerTest] ([id] nvarchar(20) NOT NULL PRIMARY KEY, [email] nvarchar(60) NULL, [firstName] nvarchar(40) NULL, [lastName] nvarchar(40) NULL);
