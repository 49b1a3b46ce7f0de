-- Reviewed: with prune, both FKs the models no longer declare are dropped before the column no property maps
-- to, each by its own statement. LoopBack's Oracle connector drops the column and
-- knows nothing of FKs.
ALTER TABLE "ORDER" DROP CONSTRAINT "fk_order_address";
ALTER TABLE "ORDER" DROP CONSTRAINT "fk_order_customerId";
ALTER TABLE "ORDER" DROP COLUMN "SHIPPINGADDRESSID";
