-- customer_v1 -> customer_v2 read through the reader, with oracle.schema LOOPBACK = the login user. Today the
-- reader keys the login schema's table schema=None and the plan is a CREATE TABLE (xfail, non-strict): these
-- are the ALTERs expected once the default-schema change lands (as autoupdate_customer_v1_v2.oracle.sql);
-- if that change writes the login schema unqualified, this file becomes the .unqualified one. Regenerate
-- with LBSYNC_REGEN=1 then, and review.
ALTER TABLE "CUSTOMER_TEST" ADD "FIRSTNAME" VARCHAR2(40) NULL;
ALTER TABLE "CUSTOMER_TEST" ADD "LASTNAME" VARCHAR2(40) NULL;
ALTER TABLE "CUSTOMER_TEST" MODIFY "EMAIL" VARCHAR(60);
ALTER TABLE "CUSTOMER_TEST" DROP COLUMN "NAME";
ALTER TABLE "CUSTOMER_TEST" DROP COLUMN "AGE";
