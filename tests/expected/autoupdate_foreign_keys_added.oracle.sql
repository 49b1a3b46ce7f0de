-- Reviewed: Order gains the shipTo relation's column (VARCHAR2(1024): the relation copies no length from
-- Address.code) and both foreignKeys, names upper-cased as Django writes them; Oracle has ON DELETE only, so
-- onUpdate SET NULL is left out. LoopBack's Oracle connector creates no FKs (deviation).
ALTER TABLE "ORDER" ADD "SHIPPINGADDRESSID" VARCHAR2(1024) NULL;
ALTER TABLE "ORDER" ADD CONSTRAINT "fk_order_customerId" FOREIGN KEY ("CUSTOMERID") REFERENCES "CUSTOMER" ("ID") ON DELETE CASCADE;
ALTER TABLE "ORDER" ADD CONSTRAINT "fk_order_address" FOREIGN KEY ("SHIPPINGADDRESSID") REFERENCES "ADDRESS" ("CODE");
