-- LoopBack automigrate() of tests/fixtures/apps/catalog/ on postgresql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-postgresql 8.0.7, loopback-connector 7.0.6; built-in models from loopback@3.28.0; PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
-- attached: Product, Tag, Category, CategoryProduct, Picture, Author, Book, Reader, Loan, Comment, Physician, Patient, Appointment, Assembly, Part
-- migrated: Product, Tag, TagProduct, Category, CategoryProduct, Picture, Author, Book, Reader, Loan, Comment, Physician, Patient, Appointment, Assembly, Part, PartAssembly
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS "public"."product";
-- lbsync:statement 2 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 3
CREATE TABLE "public"."product" (
  "name" TEXT NOT NULL,
  "sku" TEXT,
  "price" NUMERIC(10,2),
  "published" BOOLEAN DEFAULT false,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 4
CREATE  UNIQUE  INDEX "product_sku_idx" ON "public"."product" ( "sku" );
-- lbsync:statement 5
DROP TABLE IF EXISTS "public"."tag";
-- lbsync:statement 6 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 7
CREATE TABLE "public"."tag" (
  "label" TEXT NOT NULL,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 8
CREATE  UNIQUE  INDEX "tag_label_idx" ON "public"."tag" ( "label" );
-- lbsync:statement 9
DROP TABLE IF EXISTS "public"."tagproduct";
-- lbsync:statement 10 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 11
CREATE TABLE "public"."tagproduct" (
  "id" SERIAL,
  "tagid" INTEGER,
  "productid" INTEGER,
  PRIMARY KEY("id")
);
-- lbsync:statement 12
;
-- lbsync:statement 13
DROP TABLE IF EXISTS "public"."category";
-- lbsync:statement 14 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 15
CREATE TABLE "public"."category" (
  "name" TEXT NOT NULL,
  "slug" TEXT,
  "id" SERIAL,
  "parentid" INTEGER,
  PRIMARY KEY("id")
);
-- lbsync:statement 16
;
-- lbsync:statement 17
DROP TABLE IF EXISTS "public"."categoryproduct";
-- lbsync:statement 18 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 19
CREATE TABLE "public"."categoryproduct" (
  "position" INTEGER,
  "id" SERIAL,
  "categoryid" INTEGER,
  "productid" INTEGER,
  PRIMARY KEY("id")
);
-- lbsync:statement 20
;
-- lbsync:statement 21
DROP TABLE IF EXISTS "public"."picture";
-- lbsync:statement 22 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 23
CREATE TABLE "public"."picture" (
  "url" TEXT NOT NULL,
  "width" INTEGER,
  "height" INTEGER,
  "alt" TEXT,
  "id" SERIAL,
  "imageableid" INTEGER,
  "imageabletype" TEXT,
  PRIMARY KEY("id")
);
-- lbsync:statement 24
CREATE  INDEX "picture_imageabletype_idx" ON "public"."picture" ( "imageabletype" );
-- lbsync:statement 25
DROP TABLE IF EXISTS "public"."author";
-- lbsync:statement 26 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 27
CREATE TABLE "public"."author" (
  "name" TEXT NOT NULL,
  "bio" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 28
;
-- lbsync:statement 29
DROP TABLE IF EXISTS "public"."book";
-- lbsync:statement 30 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 31
CREATE TABLE "public"."book" (
  "title" TEXT NOT NULL,
  "isbn" TEXT,
  "pages" INTEGER,
  "publishedon" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  "authorid" INTEGER,
  PRIMARY KEY("id")
);
-- lbsync:statement 32
;
-- lbsync:statement 33
DROP TABLE IF EXISTS "public"."reader";
-- lbsync:statement 34 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 35
CREATE TABLE "public"."reader" (
  "name" TEXT NOT NULL,
  "email" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 36
;
-- lbsync:statement 37
DROP TABLE IF EXISTS "public"."loan";
-- lbsync:statement 38 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 39
CREATE TABLE "public"."loan" (
  "borrowedat" TIMESTAMP WITH TIME ZONE NOT NULL,
  "returnedat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  "bookid" INTEGER,
  "readerid" INTEGER,
  PRIMARY KEY("id")
);
-- lbsync:statement 40
;
-- lbsync:statement 41
DROP TABLE IF EXISTS "public"."comment";
-- lbsync:statement 42 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 43
CREATE TABLE "public"."comment" (
  "body" TEXT NOT NULL,
  "rating" INTEGER,
  "createdat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  "subjectid" INTEGER,
  "subjecttype" TEXT,
  PRIMARY KEY("id")
);
-- lbsync:statement 44
CREATE  INDEX "comment_subjecttype_idx" ON "public"."comment" ( "subjecttype" );
-- lbsync:statement 45
DROP TABLE IF EXISTS "public"."physician";
-- lbsync:statement 46 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 47
CREATE TABLE "public"."physician" (
  "name" TEXT NOT NULL,
  "specialty" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 48
;
-- lbsync:statement 49
DROP TABLE IF EXISTS "public"."patient";
-- lbsync:statement 50 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 51
CREATE TABLE "public"."patient" (
  "name" TEXT NOT NULL,
  "birthdate" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 52
;
-- lbsync:statement 53
DROP TABLE IF EXISTS "public"."appointment";
-- lbsync:statement 54 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 55
CREATE TABLE "public"."appointment" (
  "appointmentdate" TIMESTAMP WITH TIME ZONE NOT NULL,
  "notes" TEXT,
  "id" SERIAL,
  "physicianid" INTEGER,
  "patientid" INTEGER,
  PRIMARY KEY("id")
);
-- lbsync:statement 56
;
-- lbsync:statement 57
DROP TABLE IF EXISTS "public"."assembly";
-- lbsync:statement 58 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 59
CREATE TABLE "public"."assembly" (
  "name" TEXT NOT NULL,
  "revision" INTEGER DEFAULT 1,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 60
;
-- lbsync:statement 61
DROP TABLE IF EXISTS "public"."part";
-- lbsync:statement 62 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 63
CREATE TABLE "public"."part" (
  "partnumber" TEXT NOT NULL,
  "cost" INTEGER,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 64
;
-- lbsync:statement 65
DROP TABLE IF EXISTS "public"."partassembly";
-- lbsync:statement 66 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 67
CREATE TABLE "public"."partassembly" (
  "id" SERIAL,
  "partid" INTEGER,
  "assemblyid" INTEGER,
  PRIMARY KEY("id")
);
-- lbsync:statement 68
;
