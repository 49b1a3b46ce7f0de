CREATE TABLE [Author] ([name] nvarchar(60) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE TABLE [Comment] ([body] nvarchar(500) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [targetId] nvarchar(255) NULL, [targetKind] nvarchar(255) NULL);
CREATE TABLE [Label] ([text] nvarchar(40) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [taggableType] nvarchar(255) NULL, [taggableId] nvarchar(255) NULL);
CREATE TABLE [Picture] ([url] nvarchar(200) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [imageableId] int NULL, [imageableType] nvarchar(255) NULL);
CREATE TABLE [Tag] ([code] nvarchar(24) NOT NULL PRIMARY KEY);
CREATE INDEX [targetId_NONCLUSTERED_ASC_idx] ON [Comment] ([targetId]);
CREATE INDEX [targetKind_NONCLUSTERED_ASC_idx] ON [Comment] ([targetKind]);
CREATE INDEX [taggableType_NONCLUSTERED_ASC_idx] ON [Label] ([taggableType]);
CREATE INDEX [imageableType_NONCLUSTERED_ASC_idx] ON [Picture] ([imageableType]);
