-- Reviewed against loopback-connector-oracle lib/migration.js (buildColumnDefinitions, columnDataType,
-- createTable) and juggler ModelClass.extend: the child's own properties first, then the base's (AppUser's
-- NICKNAME, then User's minus "realm": false), the injected ID last, still inherited under idInjection: false
-- (AdminUser). LEVEL required -> NOT NULL; PASSWORD/EMAIL required; EMAILVERIFIED CHAR(1). Sequence and trigger
-- named after each *model* ("AdminUser_ID_SEQUENCE"). LoopBack writes the key as a trailing PRIMARY KEY("ID")
-- and no NULL keyword: the same table. The postgresql/mysql/sqlite3 table settings do not apply here.
CREATE TABLE "ADMINUSER" ("LEVEL" NUMBER NOT NULL, "NICKNAME" VARCHAR2(30) NULL, "USERNAME" VARCHAR2(1024) NULL, "PASSWORD" VARCHAR2(1024) NOT NULL, "EMAIL" VARCHAR2(1024) NOT NULL, "EMAILVERIFIED" CHAR(1) NULL, "VERIFICATIONTOKEN" VARCHAR2(1024) NULL, "ID" NUMBER NOT NULL PRIMARY KEY);
CREATE SEQUENCE "AdminUser_ID_SEQUENCE" START WITH 1 INCREMENT BY 1 CACHE 100;
CREATE OR REPLACE TRIGGER "AdminUser_ID_TRIGGER" BEFORE INSERT ON "ADMINUSER" FOR EACH ROW
WHEN (new."ID" IS NULL)
BEGIN
  SELECT "AdminUser_ID_SEQUENCE".NEXTVAL INTO :new."ID" FROM dual;
END;
CREATE TABLE "APPUSER" ("NICKNAME" VARCHAR2(30) NULL, "USERNAME" VARCHAR2(1024) NULL, "PASSWORD" VARCHAR2(1024) NOT NULL, "EMAIL" VARCHAR2(1024) NOT NULL, "EMAILVERIFIED" CHAR(1) NULL, "VERIFICATIONTOKEN" VARCHAR2(1024) NULL, "ID" NUMBER NOT NULL PRIMARY KEY);
CREATE SEQUENCE "AppUser_ID_SEQUENCE" START WITH 1 INCREMENT BY 1 CACHE 100;
CREATE OR REPLACE TRIGGER "AppUser_ID_TRIGGER" BEFORE INSERT ON "APPUSER" FOR EACH ROW
WHEN (new."ID" IS NULL)
BEGIN
  SELECT "AppUser_ID_SEQUENCE".NEXTVAL INTO :new."ID" FROM dual;
END;
