-- Reviewed: only the oracle block counts, so the postgresql schema (lbsync_app) and table (things) and the mysql
-- schema are ignored: "THING" in the login schema. The property index THING_LABEL_IDX is ours (LoopBack makes no
-- indexes on Oracle; docs/loopback-rules/indexes-and-keys.md); generated id -> "Thing_ID_SEQUENCE" + trigger.
CREATE TABLE "THING" ("LABEL" VARCHAR2(1024) NULL, "ID" NUMBER NOT NULL PRIMARY KEY);
CREATE SEQUENCE "Thing_ID_SEQUENCE" START WITH 1 INCREMENT BY 1 CACHE 100;
CREATE OR REPLACE TRIGGER "Thing_ID_TRIGGER" BEFORE INSERT ON "THING" FOR EACH ROW
WHEN (new."ID" IS NULL)
BEGIN
  SELECT "Thing_ID_SEQUENCE".NEXTVAL INTO :new."ID" FROM dual;
END;
CREATE INDEX "THING_LABEL_IDX" ON "THING" ("LABEL");
