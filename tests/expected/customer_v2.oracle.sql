-- Reviewed against loopback-connector-oracle columnDataType: email has oracle.dataType VARCHAR + dataLength 60
-- -> VARCHAR(60) (Oracle stores it as VARCHAR2(60)); "nullable": "Y" in the connector block has no DDL effect;
-- the string id is not generated, so no sequence. Table qualified with oracle.schema LOOPBACK. Note: LoopBack
-- leaves the schema out only when it equals the datasource user *as spelled* (tableEscaped compares strings),
-- so with user "loopback" it would qualify too; the login-schema keying is the default-schema change's work.
CREATE TABLE "LOOPBACK"."CUSTOMER_TEST" ("ID" VARCHAR2(20) NOT NULL PRIMARY KEY, "EMAIL" VARCHAR(60) NULL, "FIRSTNAME" VARCHAR2(40) NULL, "LASTNAME" VARCHAR2(40) NULL);
