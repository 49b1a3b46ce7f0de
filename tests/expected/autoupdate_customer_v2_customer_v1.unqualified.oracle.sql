-- Reviewed against loopback-connector-oracle lib/migration.js alterTable, the way back: ADD ("NAME"
-- VARCHAR2(40),"AGE" NUMBER) MODIFY ("EMAIL" VARCHAR2(40)) (a narrowing: preflight counts what would not
-- fit), DROP ("FIRSTNAME","LASTNAME"). Unqualified: the fixtures without oracle.schema.
ALTER TABLE "CUSTOMER_TEST" ADD "NAME" VARCHAR2(40) NULL;
ALTER TABLE "CUSTOMER_TEST" ADD "AGE" NUMBER NULL;
ALTER TABLE "CUSTOMER_TEST" MODIFY "EMAIL" VARCHAR2(40);
ALTER TABLE "CUSTOMER_TEST" DROP COLUMN "FIRSTNAME";
ALTER TABLE "CUSTOMER_TEST" DROP COLUMN "LASTNAME";
