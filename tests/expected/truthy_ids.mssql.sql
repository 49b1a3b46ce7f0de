CREATE TABLE [Line] ([lineNo] int NOT NULL, [orderNo] nvarchar(20) NOT NULL, [sku] nvarchar(20) NULL, [qty] int NOT NULL, PRIMARY KEY ([orderNo], [lineNo]));
CREATE TABLE [Ticket] ([code] nvarchar(12) NOT NULL PRIMARY KEY, [title] nvarchar(60) NULL);
