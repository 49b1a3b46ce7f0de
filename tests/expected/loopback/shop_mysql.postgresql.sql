-- LoopBack automigrate() of tests/fixtures/apps/shop_mysql/ on postgresql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-postgresql 8.0.7, loopback-connector 7.0.6; built-in models from loopback@3.28.0; PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
-- attached: Customer, Address, Category, Supplier, Product, ProductCategory, Orders, OrderItem, Payment, Shipment, Inventory, Review, Coupon, CartItem
-- migrated: Customer, Address, Category, Supplier, Product, ProductCategory, Orders, OrderItem, Payment, Shipment, Inventory, Review, Coupon, CartItem
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS "public"."customer";
-- lbsync:statement 2 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 3
CREATE TABLE "public"."customer" (
  "customerid" SERIAL,
  "firstname" TEXT NOT NULL,
  "lastname" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "phone" TEXT,
  "active" INTEGER NOT NULL,
  "createdate" TIMESTAMP WITH TIME ZONE NOT NULL,
  "lastupdate" TIMESTAMP WITH TIME ZONE,
  "notes" TEXT,
  PRIMARY KEY("customerid")
);
-- lbsync:statement 4
CREATE  UNIQUE  INDEX "uq_customer_email" ON "public"."customer" ( "email" ASC);
-- lbsync:statement 5
DROP TABLE IF EXISTS "public"."address";
-- lbsync:statement 6 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 7
CREATE TABLE "public"."address" (
  "addressid" SERIAL,
  "customerid" INTEGER NOT NULL,
  "line1" TEXT NOT NULL,
  "line2" TEXT,
  "city" TEXT NOT NULL,
  "postalcode" TEXT,
  "countrycode" TEXT NOT NULL,
  PRIMARY KEY("addressid")
);
-- lbsync:statement 8
;
-- lbsync:statement 9
DROP TABLE IF EXISTS "public"."category";
-- lbsync:statement 10 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 11
CREATE TABLE "public"."category" (
  "categoryid" SERIAL,
  "name" TEXT NOT NULL,
  "parentid" INTEGER,
  "sortorder" INTEGER NOT NULL,
  PRIMARY KEY("categoryid")
);
-- lbsync:statement 12
;
-- lbsync:statement 13
DROP TABLE IF EXISTS "public"."supplier";
-- lbsync:statement 14 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 15
CREATE TABLE "public"."supplier" (
  "supplierid" SERIAL,
  "companyname" TEXT NOT NULL,
  "contactemail" TEXT,
  "rating" INTEGER,
  PRIMARY KEY("supplierid")
);
-- lbsync:statement 16
;
-- lbsync:statement 17
DROP TABLE IF EXISTS "public"."product";
-- lbsync:statement 18 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 19
CREATE TABLE "public"."product" (
  "productid" SERIAL,
  "sku" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "description" TEXT,
  "price" INTEGER NOT NULL,
  "weightkg" INTEGER,
  "supplierid" INTEGER,
  "createdat" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY("productid")
);
-- lbsync:statement 20
CREATE  UNIQUE  INDEX "idx_product_sku" ON "public"."product" ( "sku" ASC);
-- lbsync:statement 21
DROP TABLE IF EXISTS "public"."productcategory";
-- lbsync:statement 22 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 23
CREATE TABLE "public"."productcategory" (
  "productcategoryid" SERIAL,
  "productid" INTEGER NOT NULL,
  "categoryid" INTEGER NOT NULL,
  PRIMARY KEY("productcategoryid")
);
-- lbsync:statement 24
;
-- lbsync:statement 25
DROP TABLE IF EXISTS "public"."orders";
-- lbsync:statement 26 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 27
CREATE TABLE "public"."orders" (
  "orderid" SERIAL,
  "customerid" INTEGER NOT NULL,
  "status" TEXT NOT NULL,
  "orderedat" TIMESTAMP WITH TIME ZONE NOT NULL,
  "total" INTEGER NOT NULL,
  "currency" TEXT NOT NULL,
  "shippingaddressid" INTEGER,
  PRIMARY KEY("orderid")
);
-- lbsync:statement 28
;
-- lbsync:statement 29
DROP TABLE IF EXISTS "public"."orderitem";
-- lbsync:statement 30 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 31
CREATE TABLE "public"."orderitem" (
  "orderitemid" SERIAL,
  "orderid" INTEGER NOT NULL,
  "productid" INTEGER NOT NULL,
  "quantity" INTEGER NOT NULL,
  "unitprice" INTEGER NOT NULL,
  "discount" INTEGER,
  PRIMARY KEY("orderitemid")
);
-- lbsync:statement 32
;
-- lbsync:statement 33
DROP TABLE IF EXISTS "public"."payment";
-- lbsync:statement 34 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 35
CREATE TABLE "public"."payment" (
  "paymentid" SERIAL,
  "orderid" INTEGER NOT NULL,
  "amount" INTEGER NOT NULL,
  "method" TEXT NOT NULL,
  "paidat" TIMESTAMP WITH TIME ZONE,
  "reference" TEXT,
  PRIMARY KEY("paymentid")
);
-- lbsync:statement 36
;
-- lbsync:statement 37
DROP TABLE IF EXISTS "public"."shipment";
-- lbsync:statement 38 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 39
CREATE TABLE "public"."shipment" (
  "shipmentid" SERIAL,
  "orderid" INTEGER NOT NULL,
  "carrier" TEXT,
  "trackingno" TEXT,
  "shippedon" TIMESTAMP WITH TIME ZONE,
  "deliveredon" TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY("shipmentid")
);
-- lbsync:statement 40
;
-- lbsync:statement 41
DROP TABLE IF EXISTS "public"."inventory";
-- lbsync:statement 42 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 43
CREATE TABLE "public"."inventory" (
  "inventoryid" SERIAL,
  "productid" INTEGER NOT NULL,
  "warehouse" TEXT NOT NULL,
  "onhand" INTEGER NOT NULL,
  "reserved" INTEGER NOT NULL,
  "lastcounted" TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY("inventoryid")
);
-- lbsync:statement 44
;
-- lbsync:statement 45
DROP TABLE IF EXISTS "public"."review";
-- lbsync:statement 46 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 47
CREATE TABLE "public"."review" (
  "reviewid" SERIAL,
  "productid" INTEGER NOT NULL,
  "customerid" INTEGER,
  "stars" INTEGER NOT NULL,
  "body" TEXT,
  "createdat" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY("reviewid")
);
-- lbsync:statement 48
;
-- lbsync:statement 49
DROP TABLE IF EXISTS "public"."coupon";
-- lbsync:statement 50 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 51
CREATE TABLE "public"."coupon" (
  "couponid" SERIAL,
  "code" TEXT NOT NULL,
  "percentoff" INTEGER,
  "validfrom" TIMESTAMP WITH TIME ZONE NOT NULL,
  "validto" TIMESTAMP WITH TIME ZONE,
  "maxuses" INTEGER,
  PRIMARY KEY("couponid")
);
-- lbsync:statement 52
;
-- lbsync:statement 53
DROP TABLE IF EXISTS "public"."cartitem";
-- lbsync:statement 54 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 55
CREATE TABLE "public"."cartitem" (
  "cartitemid" SERIAL,
  "customerid" INTEGER NOT NULL,
  "productid" INTEGER NOT NULL,
  "quantity" INTEGER NOT NULL,
  "addedat" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY("cartitemid")
);
-- lbsync:statement 56
;
