CREATE TABLE [Inventory] ([productId] nvarchar(20) NOT NULL, [locationId] nvarchar(20) NOT NULL, [available] int NULL, [total] int NULL, PRIMARY KEY ([productId], [locationId]));
