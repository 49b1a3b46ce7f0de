CREATE TABLE [CustomerTest] ([id] nvarchar(20) NOT NULL PRIMARY KEY, [name] nvarchar(40) NULL, [email] nvarchar(40) NULL, [age] int NULL);
