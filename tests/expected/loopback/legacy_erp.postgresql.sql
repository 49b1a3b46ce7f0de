-- LoopBack automigrate() of tests/fixtures/apps/legacy_erp/ on postgresql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-postgresql 8.0.7, loopback-connector 7.0.6; built-in models from loopback@3.28.0; PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
-- attached: customer, vendor, item, orderhdr, orderdtl, invoice, glaccount, gljournal, warehouse, stock, salesrep, pricelist, sysparm
-- migrated: customer, vendor, item, orderhdr, orderdtl, invoice, glaccount, gljournal, warehouse, stock, salesrep, pricelist, sysparm
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS "public"."customer";
-- lbsync:statement 2 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 3
CREATE TABLE "public"."customer" (
  "custno" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "addr1" TEXT,
  "city" TEXT,
  "credlimit" INTEGER,
  "lastorder" TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY("custno")
);
-- lbsync:statement 4
CREATE  INDEX "customer_name" ON "public"."customer" ( "name" ASC);
-- lbsync:statement 5
DROP TABLE IF EXISTS "public"."vendor";
-- lbsync:statement 6 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 7
CREATE TABLE "public"."vendor" (
  "vendno" TEXT NOT NULL,
  "name" TEXT,
  "terms" TEXT,
  "active" BOOLEAN,
  PRIMARY KEY("vendno")
);
-- lbsync:statement 8
;
-- lbsync:statement 9
DROP TABLE IF EXISTS "public"."item";
-- lbsync:statement 10 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 11
CREATE TABLE "public"."item" (
  "itemno" TEXT NOT NULL,
  "descrip" TEXT NOT NULL,
  "onhand" INTEGER,
  "cost" NUMERIC(12,4),
  "vendno" TEXT,
  PRIMARY KEY("itemno")
);
-- lbsync:statement 12
;
-- lbsync:statement 13
ALTER TABLE "public"."item" ADD CONSTRAINT "fk_item_vendor" FOREIGN KEY ("vendno") REFERENCES "public"."vendor"(vendno) ON DELETE SET NULL ON UPDATE NO ACTION;
-- lbsync:statement 14
DROP TABLE IF EXISTS "public"."orderhdr";
-- lbsync:statement 15 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 16
CREATE TABLE "public"."orderhdr" (
  "ordno" SERIAL,
  "custno" TEXT NOT NULL,
  "orddate" TIMESTAMP WITH TIME ZONE NOT NULL,
  "shipdate" TIMESTAMP WITH TIME ZONE,
  "status" TEXT DEFAULT 'O',
  PRIMARY KEY("ordno")
);
-- lbsync:statement 17
CREATE  INDEX "orderhdr_orddate" ON "public"."orderhdr" ( "orddate" DESC);
-- lbsync:statement 18
ALTER TABLE "public"."orderhdr" ADD CONSTRAINT "fk_orderhdr_customer" FOREIGN KEY ("custno") REFERENCES "public"."customer"(custno) ON DELETE NO ACTION ON UPDATE NO ACTION;
-- lbsync:statement 19
DROP TABLE IF EXISTS "public"."orderdtl";
-- lbsync:statement 20 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 21
CREATE TABLE "public"."orderdtl" (
  "ordno" INTEGER NOT NULL,
  "lineno" INTEGER NOT NULL,
  "itemno" TEXT NOT NULL,
  "qty" INTEGER NOT NULL,
  "price" NUMERIC(12,2),
  PRIMARY KEY("ordno","lineno")
);
-- lbsync:statement 22
;
-- lbsync:statement 23
DROP TABLE IF EXISTS "public"."invoice";
-- lbsync:statement 24 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 25
CREATE TABLE "public"."invoice" (
  "invno" TEXT,
  "ordno" INTEGER,
  "invdate" TIMESTAMP WITH TIME ZONE,
  "amount" INTEGER,
  "paid" BOOLEAN DEFAULT false,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 26
CREATE  UNIQUE  INDEX "invoice_invno_idx" ON "public"."invoice" ( "invno" );
-- lbsync:statement 27
DROP TABLE IF EXISTS "public"."glaccount";
-- lbsync:statement 28 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 29
CREATE TABLE "public"."glaccount" (
  "acctno" TEXT NOT NULL,
  "descrip" TEXT,
  "accttype" TEXT,
  PRIMARY KEY("acctno")
);
-- lbsync:statement 30
;
-- lbsync:statement 31
DROP TABLE IF EXISTS "public"."gljournal";
-- lbsync:statement 32 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 33
CREATE TABLE "public"."gljournal" (
  "acctno" TEXT NOT NULL,
  "postdate" TIMESTAMP WITH TIME ZONE NOT NULL,
  "debit" INTEGER,
  "credit" INTEGER,
  "memo" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 34
;
-- lbsync:statement 35
DROP TABLE IF EXISTS "public"."warehouse";
-- lbsync:statement 36 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 37
CREATE TABLE "public"."warehouse" (
  "whse" TEXT NOT NULL,
  "name" TEXT,
  "zipcode" TEXT,
  PRIMARY KEY("whse")
);
-- lbsync:statement 38
;
-- lbsync:statement 39
DROP TABLE IF EXISTS "public"."stock";
-- lbsync:statement 40 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 41
CREATE TABLE "public"."stock" (
  "whse" TEXT NOT NULL,
  "itemno" TEXT NOT NULL,
  "qty" INTEGER DEFAULT 0,
  "bin" TEXT,
  PRIMARY KEY("whse","itemno")
);
-- lbsync:statement 42
;
-- lbsync:statement 43
DROP TABLE IF EXISTS "public"."salesrep";
-- lbsync:statement 44 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 45
CREATE TABLE "public"."salesrep" (
  "repno" TEXT NOT NULL,
  "name" TEXT,
  "commpct" INTEGER,
  PRIMARY KEY("repno")
);
-- lbsync:statement 46
;
-- lbsync:statement 47
DROP TABLE IF EXISTS "public"."pricelist";
-- lbsync:statement 48 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 49
CREATE TABLE "public"."pricelist" (
  "itemno" TEXT NOT NULL,
  "custclass" TEXT,
  "price" INTEGER,
  "effdate" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 50
CREATE  UNIQUE  INDEX "pricelist_item_class" ON "public"."pricelist" ( "itemno" ASC, "custclass" ASC);
-- lbsync:statement 51
DROP TABLE IF EXISTS "public"."sysparm";
-- lbsync:statement 52 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 53
CREATE TABLE "public"."sysparm" (
  "parmkey" TEXT NOT NULL,
  "parmval" TEXT,
  PRIMARY KEY("parmkey")
);
-- lbsync:statement 54
;
