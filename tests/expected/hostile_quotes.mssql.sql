CREATE TABLE [O'Brien] ([id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [n'o;te -- x] nvarchar(255) NULL);
