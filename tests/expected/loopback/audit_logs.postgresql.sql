-- LoopBack automigrate() of tests/fixtures/apps/audit_logs/ on postgresql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-postgresql 8.0.7, loopback-connector 7.0.6; built-in models from loopback@3.28.0; PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
-- attached: AccessLog, ErrorLog, LoginAttempt, JobRun, MetricSample, WebhookDelivery, MailLog, ChangeEvent, SessionLog, ImportBatch, ImportRowError, Heartbeat, AuditEntry
-- migrated: AccessLog, ErrorLog, LoginAttempt, JobRun, MetricSample, WebhookDelivery, MailLog, ChangeEvent, SessionLog, ImportBatch, ImportRowError, Heartbeat, AuditEntry
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS "public"."accesslog";
-- lbsync:statement 2 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 3
CREATE TABLE "public"."accesslog" (
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "method" TEXT,
  "path" TEXT,
  "status" INTEGER,
  "ms" INTEGER,
  "ip" TEXT
);
-- lbsync:statement 4
CREATE  INDEX "access_log_at_idx" ON "public"."accesslog" ( "at" DESC);
-- lbsync:statement 5
DROP TABLE IF EXISTS "public"."errorlog";
-- lbsync:statement 6 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 7
CREATE TABLE "public"."errorlog" (
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "level" TEXT NOT NULL,
  "message" TEXT,
  "stack" TEXT,
  "context" TEXT
);
-- lbsync:statement 8
;
-- lbsync:statement 9
DROP TABLE IF EXISTS "public"."loginattempt";
-- lbsync:statement 10 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 11
CREATE TABLE "public"."loginattempt" (
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "username" TEXT,
  "success" BOOLEAN NOT NULL,
  "ip" TEXT
);
-- lbsync:statement 12
CREATE  INDEX "loginattempt_username_idx" ON "public"."loginattempt" ( "username" );
-- lbsync:statement 13
DROP TABLE IF EXISTS "public"."jobrun";
-- lbsync:statement 14 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 15
CREATE TABLE "public"."jobrun" (
  "job" TEXT NOT NULL,
  "startedat" TIMESTAMP WITH TIME ZONE,
  "finishedat" TIMESTAMP WITH TIME ZONE,
  "ok" BOOLEAN,
  "output" TEXT
);
-- lbsync:statement 16
;
-- lbsync:statement 17
DROP TABLE IF EXISTS "public"."metricsample";
-- lbsync:statement 18 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 19
CREATE TABLE "public"."metricsample" (
  "metric" TEXT NOT NULL,
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "value" DOUBLE PRECISION,
  "tags" TEXT
);
-- lbsync:statement 20
;
-- lbsync:statement 21
DROP TABLE IF EXISTS "public"."webhookdelivery";
-- lbsync:statement 22 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 23
CREATE TABLE "public"."webhookdelivery" (
  "hook" TEXT,
  "deliveredat" TIMESTAMP WITH TIME ZONE,
  "responsecode" INTEGER,
  "body" TEXT
);
-- lbsync:statement 24
;
-- lbsync:statement 25
DROP TABLE IF EXISTS "public"."maillog";
-- lbsync:statement 26 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 27
CREATE TABLE "public"."maillog" (
  "to" TEXT,
  "subject" TEXT,
  "sentat" TIMESTAMP WITH TIME ZONE,
  "provider" TEXT
);
-- lbsync:statement 28
;
-- lbsync:statement 29
DROP TABLE IF EXISTS "public"."changeevent";
-- lbsync:statement 30 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 31
CREATE TABLE "public"."changeevent" (
  "model" TEXT NOT NULL,
  "modelid" TEXT,
  "op" TEXT,
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "diff" TEXT
);
-- lbsync:statement 32
;
-- lbsync:statement 33
DROP TABLE IF EXISTS "public"."sessionlog";
-- lbsync:statement 34 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 35
CREATE TABLE "public"."sessionlog" (
  "sessionid" TEXT,
  "startedat" TIMESTAMP WITH TIME ZONE,
  "endedat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 36
;
-- lbsync:statement 37
DROP TABLE IF EXISTS "public"."importbatch";
-- lbsync:statement 38 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 39
CREATE TABLE "public"."importbatch" (
  "file" TEXT NOT NULL,
  "rows" INTEGER,
  "importedat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 40
;
-- lbsync:statement 41
DROP TABLE IF EXISTS "public"."importrowerror";
-- lbsync:statement 42 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 43
CREATE TABLE "public"."importrowerror" (
  "line" INTEGER NOT NULL,
  "message" TEXT,
  "batchid" INTEGER
);
-- lbsync:statement 44
;
-- lbsync:statement 45
DROP TABLE IF EXISTS "public"."heartbeat";
-- lbsync:statement 46 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 47
CREATE TABLE "public"."heartbeat" (
  "node" TEXT,
  "beatat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 48
;
-- lbsync:statement 49
DROP TABLE IF EXISTS "public"."auditentry";
-- lbsync:statement 50 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 51
CREATE TABLE "public"."auditentry" (
  "actor" TEXT,
  "action" TEXT NOT NULL,
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "payload" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 52
CREATE  INDEX "audit_actor_at" ON "public"."auditentry" ( "actor" ASC, "at" DESC);
