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
DROP TABLE IF EXISTS "public"."orderhdr";
-- lbsync:statement 14 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 15
CREATE TABLE "public"."orderhdr" (
  "ordno" SERIAL,
  "custno" TEXT NOT NULL,
  "orddate" TIMESTAMP WITH TIME ZONE NOT NULL,
  "shipdate" TIMESTAMP WITH TIME ZONE,
  "status" TEXT DEFAULT 'O',
  PRIMARY KEY("ordno")
);
-- lbsync:statement 16
CREATE  INDEX "orderhdr_orddate" ON "public"."orderhdr" ( "orddate" DESC);
-- lbsync:statement 17
DROP TABLE IF EXISTS "public"."orderdtl";
-- lbsync:statement 18 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 19
CREATE TABLE "public"."orderdtl" (
  "ordno" INTEGER NOT NULL,
  "lineno" INTEGER NOT NULL,
  "itemno" TEXT NOT NULL,
  "qty" INTEGER NOT NULL,
  "price" NUMERIC(12,2),
  PRIMARY KEY("ordno","lineno")
);
-- lbsync:statement 20
;
-- lbsync:statement 21
DROP TABLE IF EXISTS "public"."invoice";
-- lbsync:statement 22 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 23
CREATE TABLE "public"."invoice" (
  "invno" TEXT,
  "ordno" INTEGER,
  "invdate" TIMESTAMP WITH TIME ZONE,
  "amount" INTEGER,
  "paid" BOOLEAN DEFAULT false,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 24
CREATE  UNIQUE  INDEX "invoice_invno_idx" ON "public"."invoice" ( "invno" );
-- lbsync:statement 25
DROP TABLE IF EXISTS "public"."glaccount";
-- lbsync:statement 26 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 27
CREATE TABLE "public"."glaccount" (
  "acctno" TEXT NOT NULL,
  "descrip" TEXT,
  "accttype" TEXT,
  PRIMARY KEY("acctno")
);
-- lbsync:statement 28
;
-- lbsync:statement 29
DROP TABLE IF EXISTS "public"."gljournal";
-- lbsync:statement 30 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 31
CREATE TABLE "public"."gljournal" (
  "acctno" TEXT NOT NULL,
  "postdate" TIMESTAMP WITH TIME ZONE NOT NULL,
  "debit" INTEGER,
  "credit" INTEGER,
  "memo" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 32
;
-- lbsync:statement 33
DROP TABLE IF EXISTS "public"."warehouse";
-- lbsync:statement 34 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 35
CREATE TABLE "public"."warehouse" (
  "whse" TEXT NOT NULL,
  "name" TEXT,
  "zipcode" TEXT,
  PRIMARY KEY("whse")
);
-- lbsync:statement 36
;
-- lbsync:statement 37
DROP TABLE IF EXISTS "public"."stock";
-- lbsync:statement 38 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 39
CREATE TABLE "public"."stock" (
  "whse" TEXT NOT NULL,
  "itemno" TEXT NOT NULL,
  "qty" INTEGER DEFAULT 0,
  "bin" TEXT,
  PRIMARY KEY("whse","itemno")
);
-- lbsync:statement 40
;
-- lbsync:statement 41
DROP TABLE IF EXISTS "public"."salesrep";
-- lbsync:statement 42 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 43
CREATE TABLE "public"."salesrep" (
  "repno" TEXT NOT NULL,
  "name" TEXT,
  "commpct" INTEGER,
  PRIMARY KEY("repno")
);
-- lbsync:statement 44
;
-- lbsync:statement 45
DROP TABLE IF EXISTS "public"."pricelist";
-- lbsync:statement 46 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 47
CREATE TABLE "public"."pricelist" (
  "itemno" TEXT NOT NULL,
  "custclass" TEXT,
  "price" INTEGER,
  "effdate" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 48
CREATE  UNIQUE  INDEX "pricelist_item_class" ON "public"."pricelist" ( "itemno" ASC, "custclass" ASC);
-- lbsync:statement 49
DROP TABLE IF EXISTS "public"."sysparm";
-- lbsync:statement 50 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 51
CREATE TABLE "public"."sysparm" (
  "parmkey" TEXT NOT NULL,
  "parmval" TEXT,
  PRIMARY KEY("parmkey")
);
-- lbsync:statement 52
;
