CREATE TABLE [User] ([realm] nvarchar(255) NULL, [username] nvarchar(255) NULL, [password] nvarchar(255) NOT NULL, [email] nvarchar(255) NOT NULL, [emailVerified] bit NULL, [verificationToken] nvarchar(255) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE TABLE [AccessToken] ([id] nvarchar(255) NOT NULL PRIMARY KEY, [ttl] int NULL, [scopes] nvarchar(255) NULL, [created] datetime NULL, [userId] int NULL);
CREATE TABLE [ACL] ([model] nvarchar(255) NULL, [property] nvarchar(255) NULL, [accessType] nvarchar(255) NULL, [permission] nvarchar(255) NULL, [principalType] nvarchar(255) NULL, [principalId] nvarchar(255) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE TABLE [RoleMapping] ([id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [principalType] nvarchar(255) NULL, [principalId] nvarchar(255) NULL, [roleId] int NULL);
CREATE TABLE [Role] ([id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [name] nvarchar(255) NOT NULL, [description] nvarchar(255) NULL, [created] datetime NULL, [modified] datetime NULL);
CREATE INDEX [principalId_NONCLUSTERED_ASC_idx] ON [RoleMapping] ([principalId]);
