-- Reviewed: indexes without the property age, with prune: CUSTOMER_AGE_IDX dropped, then the column
-- (LoopBack drops the column and knows no indexes on Oracle; Oracle would drop the index with it anyway).
DROP INDEX "CUSTOMER_AGE_IDX";
ALTER TABLE "CUSTOMER" DROP COLUMN "AGE";
