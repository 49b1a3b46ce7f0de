-- Reviewed: the indexes fixture over a table an older version (no index, no indexes) left: every index
-- automigrate makes (indexes.oracle.sql), the same statements, names upper-cased as Django writes them.
-- LoopBack's Oracle autoupdate makes no indexes (deviation, docs/loopback-rules/indexes-and-keys.md).
CREATE INDEX "CUSTOMER_NAME_IDX" ON "CUSTOMER" ("NAME");
CREATE UNIQUE INDEX "CUSTOMER_EMAIL_IDX" ON "CUSTOMER" ("EMAIL");
CREATE INDEX "CUSTOMER_AGE_IDX" ON "CUSTOMER" ("AGE");
CREATE UNIQUE INDEX "name_email_idx" ON "CUSTOMER" ("NAME", "EMAIL" DESC);
CREATE INDEX "city_idx" ON "CUSTOMER" ("CITY");
CREATE UNIQUE INDEX "zip_city_idx" ON "CUSTOMER" ("ZIP", "CITY");
CREATE INDEX "names_idx" ON "CUSTOMER" ("LASTNAME" DESC, "FIRSTNAME");
