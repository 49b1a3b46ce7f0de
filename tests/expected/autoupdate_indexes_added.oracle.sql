-- Reviewed: the indexes fixture over a table an older version (no index, no indexes) left: every index
-- automigrate makes (indexes.oracle.sql), the same statements, names upper-cased as Django writes them.
-- LoopBack's Oracle autoupdate makes no indexes (deviation, docs/loopback-rules/indexes-and-keys.md).
CREATE INDEX "CUSTOMER_NAME_IDX" ON "CUSTOMER" ("NAME");
CREATE UNIQUE INDEX "CUSTOMER_EMAIL_IDX" ON "CUSTOMER" ("EMAIL");
CREATE INDEX "CUSTOMER_AGE_IDX" ON "CUSTOMER" ("AGE");
CREATE UNIQUE INDEX "NAME_EMAIL_IDX" ON "CUSTOMER" ("NAME", "EMAIL" DESC);
CREATE INDEX "CITY_IDX" ON "CUSTOMER" ("CITY");
CREATE UNIQUE INDEX "ZIP_CITY_IDX" ON "CUSTOMER" ("ZIP", "CITY");
CREATE INDEX "NAMES_IDX" ON "CUSTOMER" ("LASTNAME" DESC, "FIRSTNAME");
