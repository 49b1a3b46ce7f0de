-- Reviewed against loopback-connector-mssql lib/migration.js propertiesSQL/datatype: property order as the
-- Oracle file (child first, inherited after, id last); Number id -> [int] IDENTITY(1,1) NOT NULL (LoopBack adds
-- PRIMARY KEY CLUSTERED, the default for a primary key); String -> nvarchar(length || 255); Boolean -> bit.
CREATE TABLE [AdminUser] ([level] int NOT NULL, [nickname] nvarchar(30) NULL, [username] nvarchar(255) NULL, [password] nvarchar(255) NOT NULL, [email] nvarchar(255) NOT NULL, [emailVerified] bit NULL, [verificationToken] nvarchar(255) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE TABLE [AppUser] ([nickname] nvarchar(30) NULL, [username] nvarchar(255) NULL, [password] nvarchar(255) NOT NULL, [email] nvarchar(255) NOT NULL, [emailVerified] bit NULL, [verificationToken] nvarchar(255) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
