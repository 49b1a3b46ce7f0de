-- LoopBack automigrate() of tests/fixtures/apps/crm_pg/ on postgresql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-postgresql 8.0.7, loopback-connector 7.0.6; built-in models from loopback@3.28.0; PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
-- attached: Territory, SalesRep, Account, Contact, Lead, OpportunityStage, Opportunity, Activity, Campaign, CampaignMember, Note, Task, Quote, QuoteLine
-- migrated: Territory, SalesRep, Account, Contact, Lead, OpportunityStage, Opportunity, Activity, Campaign, CampaignMember, Note, Task, Quote, QuoteLine
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS "crm"."territory";
-- lbsync:statement 2
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 3
CREATE TABLE "crm"."territory" (
  "territory_id" SERIAL,
  "code" VARCHAR(8) NOT NULL,
  "name" VARCHAR(80) NOT NULL,
  "region" CHARACTER(2),
  PRIMARY KEY("territory_id")
);
-- lbsync:statement 4
;
-- lbsync:statement 5
DROP TABLE IF EXISTS "crm"."sales_rep";
-- lbsync:statement 6 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 7
CREATE TABLE "crm"."sales_rep" (
  "sales_rep_id" SERIAL,
  "full_name" VARCHAR(120) NOT NULL,
  "email" VARCHAR(254) NOT NULL,
  "territory_id" INTEGER,
  "quota" NUMERIC(14,2),
  "active" BOOLEAN NOT NULL,
  "hired_on" DATE,
  PRIMARY KEY("sales_rep_id")
);
-- lbsync:statement 8
;
-- lbsync:statement 9
DROP TABLE IF EXISTS "crm"."account";
-- lbsync:statement 10 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 11
CREATE TABLE "crm"."account" (
  "account_id" SERIAL,
  "name" VARCHAR(200) NOT NULL,
  "website" VARCHAR(255),
  "industry" VARCHAR(60),
  "annual_revenue" NUMERIC(16,2),
  "employees" INTEGER,
  "owner_id" INTEGER,
  "external_ref" UUID,
  "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "updated_at" TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY("account_id")
);
-- lbsync:statement 12
;
-- lbsync:statement 13
ALTER TABLE "crm"."account" ADD CONSTRAINT "account_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "crm"."sales_rep"(sales_rep_id) ON DELETE NO ACTION ON UPDATE NO ACTION;
-- lbsync:statement 14
DROP TABLE IF EXISTS "crm"."contact";
-- lbsync:statement 15 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 16
CREATE TABLE "crm"."contact" (
  "contact_id" SERIAL,
  "account_id" INTEGER,
  "first_name" VARCHAR(80),
  "last_name" VARCHAR(80) NOT NULL,
  "email" VARCHAR(254),
  "phone" VARCHAR(32),
  "do_not_call" BOOLEAN NOT NULL,
  "birthdate" DATE,
  "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY("contact_id")
);
-- lbsync:statement 17
;
-- lbsync:statement 18
ALTER TABLE "crm"."contact" ADD CONSTRAINT "contact_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "crm"."account"(account_id) ON DELETE CASCADE ON UPDATE NO ACTION;
-- lbsync:statement 19
DROP TABLE IF EXISTS "crm"."lead";
-- lbsync:statement 20 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 21
CREATE TABLE "crm"."lead" (
  "lead_id" SERIAL,
  "company" VARCHAR(200),
  "full_name" VARCHAR(160) NOT NULL,
  "email" VARCHAR(254),
  "score" SMALLINT,
  "status" VARCHAR(20) NOT NULL,
  "source" VARCHAR(40),
  "converted_contact_id" INTEGER,
  "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY("lead_id")
);
-- lbsync:statement 22
;
-- lbsync:statement 23
DROP TABLE IF EXISTS "crm"."opportunity_stage";
-- lbsync:statement 24 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 25
CREATE TABLE "crm"."opportunity_stage" (
  "stage_id" SMALLINT NOT NULL,
  "label" VARCHAR(40) NOT NULL,
  "probability" NUMERIC(5,2) NOT NULL,
  "is_closed" BOOLEAN NOT NULL,
  PRIMARY KEY("stage_id")
);
-- lbsync:statement 26
;
-- lbsync:statement 27
DROP TABLE IF EXISTS "crm"."opportunity";
-- lbsync:statement 28 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 29
CREATE TABLE "crm"."opportunity" (
  "opportunity_id" SERIAL,
  "account_id" INTEGER NOT NULL,
  "name" VARCHAR(200) NOT NULL,
  "amount" NUMERIC(16,2),
  "stage_id" SMALLINT NOT NULL,
  "close_date" DATE,
  "owner_id" INTEGER,
  "weighted_amount" FLOAT(53),
  "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY("opportunity_id")
);
-- lbsync:statement 30
;
-- lbsync:statement 31
ALTER TABLE "crm"."opportunity" ADD CONSTRAINT "opportunity_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "crm"."account"(account_id) ON DELETE NO ACTION ON UPDATE NO ACTION;
-- lbsync:statement 32
DROP TABLE IF EXISTS "crm"."activity";
-- lbsync:statement 33 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 34
CREATE TABLE "crm"."activity" (
  "activity_id" BIGINT NOT NULL,
  "kind" VARCHAR(16) NOT NULL,
  "subject" VARCHAR(255),
  "contact_id" INTEGER,
  "opportunity_id" INTEGER,
  "due_at" TIMESTAMP WITH TIME ZONE,
  "done_at" TIMESTAMP WITH TIME ZONE,
  "payload" JSONB,
  PRIMARY KEY("activity_id")
);
-- lbsync:statement 35
;
-- lbsync:statement 36
DROP TABLE IF EXISTS "crm"."campaign";
-- lbsync:statement 37 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 38
CREATE TABLE "crm"."campaign" (
  "campaign_id" SERIAL,
  "name" VARCHAR(120) NOT NULL,
  "budget" NUMERIC(12,2),
  "starts_on" DATE,
  "ends_on" DATE,
  "channel" VARCHAR(30),
  PRIMARY KEY("campaign_id")
);
-- lbsync:statement 39
;
-- lbsync:statement 40
DROP TABLE IF EXISTS "crm"."campaign_member";
-- lbsync:statement 41 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 42
CREATE TABLE "crm"."campaign_member" (
  "campaign_member_id" SERIAL,
  "campaign_id" INTEGER NOT NULL,
  "contact_id" INTEGER,
  "lead_id" INTEGER,
  "responded_at" TIMESTAMP WITH TIME ZONE,
  "status" VARCHAR(20),
  PRIMARY KEY("campaign_member_id")
);
-- lbsync:statement 43
;
-- lbsync:statement 44
DROP TABLE IF EXISTS "crm"."note";
-- lbsync:statement 45 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 46
CREATE TABLE "crm"."note" (
  "note_id" SERIAL,
  "parent_type" VARCHAR(30) NOT NULL,
  "parent_id" INTEGER NOT NULL,
  "body" TEXT NOT NULL,
  "author_id" INTEGER,
  "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY("note_id")
);
-- lbsync:statement 47
;
-- lbsync:statement 48
DROP TABLE IF EXISTS "crm"."task";
-- lbsync:statement 49 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 50
CREATE TABLE "crm"."task" (
  "task_id" SERIAL,
  "title" VARCHAR(200) NOT NULL,
  "assignee_id" INTEGER,
  "priority" SMALLINT NOT NULL,
  "due_on" DATE,
  "completed" BOOLEAN NOT NULL,
  "remind_at" TIMESTAMP WITHOUT TIME ZONE,
  PRIMARY KEY("task_id")
);
-- lbsync:statement 51
;
-- lbsync:statement 52
DROP TABLE IF EXISTS "crm"."quote";
-- lbsync:statement 53 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 54
CREATE TABLE "crm"."quote" (
  "quote_id" SERIAL,
  "opportunity_id" INTEGER NOT NULL,
  "number" VARCHAR(20) NOT NULL,
  "valid_until" DATE,
  "total" NUMERIC(16,2),
  "currency" CHARACTER(3) NOT NULL,
  PRIMARY KEY("quote_id")
);
-- lbsync:statement 55
;
-- lbsync:statement 56
DROP TABLE IF EXISTS "crm"."quote_line";
-- lbsync:statement 57 failed: 42P06 schema "crm" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "crm";
-- lbsync:statement 58
CREATE TABLE "crm"."quote_line" (
  "quote_line_id" SERIAL,
  "quote_id" INTEGER NOT NULL,
  "product" VARCHAR(120) NOT NULL,
  "quantity" NUMERIC(10,3) NOT NULL,
  "unit_price" NUMERIC(12,2) NOT NULL,
  "discount_pct" FLOAT(24),
  PRIMARY KEY("quote_line_id")
);
-- lbsync:statement 59
;
-- lbsync:statement 60
ALTER TABLE "crm"."quote_line" ADD CONSTRAINT "quote_line_quote_id_fkey" FOREIGN KEY ("quote_id") REFERENCES "crm"."quote"(quote_id) ON DELETE CASCADE ON UPDATE NO ACTION;
