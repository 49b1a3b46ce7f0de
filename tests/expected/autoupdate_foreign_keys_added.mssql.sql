-- Reviewed: shippingAddressId nvarchar(255) NULL added, then both FKs with their actions. To check on a real
-- server: fk_order_address joins nvarchar(255) to Address.code nvarchar(12); SQL Server may refuse an FK
-- between columns of different lengths (Msg 1753). LoopBack's SQL Server connector creates no FKs.
ALTER TABLE [Order] ADD [shippingAddressId] nvarchar(255) NULL;
ALTER TABLE [Order] ADD CONSTRAINT [fk_order_customerId] FOREIGN KEY ([customerId]) REFERENCES [Customer] ([id]) ON DELETE CASCADE ON UPDATE SET NULL;
ALTER TABLE [Order] ADD CONSTRAINT [fk_order_address] FOREIGN KEY ([shippingAddressId]) REFERENCES [Address] ([code]);
