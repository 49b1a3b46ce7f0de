ALTER TABLE [Order] ADD [shippingAddressId] nvarchar(255) NULL;
ALTER TABLE [Order] ADD CONSTRAINT [fk_order_customerId] FOREIGN KEY ([customerId]) REFERENCES [Customer] ([id]) ON DELETE CASCADE ON UPDATE SET NULL;
ALTER TABLE [Order] ADD CONSTRAINT [fk_order_address] FOREIGN KEY ([shippingAddressId]) REFERENCES [Address] ([code]);
