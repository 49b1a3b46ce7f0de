CREATE TABLE [Country] ([isoCode] CHAR(3) NOT NULL, [name] nvarchar(80) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE TABLE [City] ([name] nvarchar(80) NOT NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [countryCode] CHAR(3) NULL, [capitalOfId] int NULL);
CREATE TABLE [Stock] ([sku] nvarchar(20) NULL, [quantity] int NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [warehouseRef] nvarchar(255) NULL);
CREATE TABLE [Warehouse] ([ref] nvarchar(16) NOT NULL, [label] nvarchar(40) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE UNIQUE INDEX [isoCode_NONCLUSTERED_ASC_idx] ON [Country] ([isoCode]);
ALTER TABLE [City] ADD CONSTRAINT [fk_city_country] FOREIGN KEY ([countryCode]) REFERENCES [Country] ([isoCode]) ON DELETE SET NULL;
