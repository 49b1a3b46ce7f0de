-- Reviewed against loopback-connector-oracle lib/migration.js alterTable (getColumnsToAdd,
-- getPropertiesToModify, getColumnsToDrop): LoopBack writes ADD ("FIRSTNAME" VARCHAR2(40),"LASTNAME"
-- VARCHAR2(40)) MODIFY ("EMAIL" VARCHAR(60)), then DROP ("NAME","AGE"); the same changes here, one statement
-- each (VARCHAR(60) from oracle.dataType VARCHAR + dataLength 60, stored as VARCHAR2). customer_v1/v2 without
-- their oracle.schema, so the table is the login schema's, unqualified; run on the snapshot they converge.
ALTER TABLE "CUSTOMER_TEST" ADD "FIRSTNAME" VARCHAR2(40) NULL;
ALTER TABLE "CUSTOMER_TEST" ADD "LASTNAME" VARCHAR2(40) NULL;
ALTER TABLE "CUSTOMER_TEST" MODIFY "EMAIL" VARCHAR(60);
ALTER TABLE "CUSTOMER_TEST" DROP COLUMN "NAME";
ALTER TABLE "CUSTOMER_TEST" DROP COLUMN "AGE";
