CREATE TABLE [Address] ([code] nvarchar(12) NOT NULL PRIMARY KEY, [street] nvarchar(255) NULL);
CREATE TABLE [Assembly] ([name] nvarchar(255) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE TABLE [Customer] ([name] nvarchar(255) NOT NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE TABLE [Order] ([total] int NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [customerId] int NULL, [shippingAddressId] nvarchar(255) NULL);
CREATE TABLE [Part] ([partNumber] nvarchar(255) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE TABLE [AssemblyPart] ([id] int NOT NULL PRIMARY KEY IDENTITY(1,1), [assemblyId] int NULL, [partId] int NULL);
ALTER TABLE [Order] ADD CONSTRAINT [fk_order_customerId] FOREIGN KEY ([customerId]) REFERENCES [Customer] ([id]) ON DELETE CASCADE ON UPDATE SET NULL;
ALTER TABLE [Order] ADD CONSTRAINT [fk_order_address] FOREIGN KEY ([shippingAddressId]) REFERENCES [Address] ([code]);
