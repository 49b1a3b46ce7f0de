-- Reviewed against loopback-connector-oracle lib/migration.js columnDataType: with no dataType, every type
-- but Number (NUMBER), Date (DATE), Boolean (CHAR(1)) is VARCHAR2(dataLength || length || 1024); `limit` is
-- not read (TAGS, SPOT: 1024); a Number's length is ignored (COUNT). ID: generated false, so no sequence.
CREATE TABLE "SIZED" ("ID" NUMBER NOT NULL PRIMARY KEY, "DOC" VARCHAR2(4000) NULL, "ANYTHING" VARCHAR2(300) NULL, "BODY" VARCHAR2(2000) NULL, "CODE" VARCHAR2(64) NULL, "TAGS" VARCHAR2(1024) NULL, "BLOB" VARCHAR2(700) NULL, "SPOT" VARCHAR2(1024) NULL, "COUNT" NUMBER NULL, "PLAIN" VARCHAR2(1024) NULL);
