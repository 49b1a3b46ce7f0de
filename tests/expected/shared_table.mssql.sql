CREATE TABLE [animal] ([name] nvarchar(40) NOT NULL, [legs] int NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [barks] bit NULL, [breed] nvarchar(30) NULL, [owner] nvarchar(40) NULL);
CREATE INDEX [name_NONCLUSTERED_ASC_idx] ON [animal] ([name]);
