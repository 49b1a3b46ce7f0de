-- LoopBack automigrate() of tests/fixtures/apps/events_shared/ on postgresql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-postgresql 8.0.7, loopback-connector 7.0.6; built-in models from loopback@3.28.0; PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
-- attached: Event, EventSummary, Venue, TicketType, Ticket, Speaker, Session, SessionSpeaker, Sponsor, Checkin, SurveyAnswer, Organizer, Volunteer, PrivateEvent
-- migrated: Event, EventSummary, Venue, TicketType, Ticket, Speaker, Session, SessionSpeaker, Sponsor, Checkin, SurveyAnswer, Organizer, Volunteer, PrivateEvent
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS "public"."event";
-- lbsync:statement 2 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 3
CREATE TABLE "public"."event" (
  "title" TEXT NOT NULL,
  "startsat" TIMESTAMP WITH TIME ZONE NOT NULL,
  "endsat" TIMESTAMP WITH TIME ZONE,
  "venueid" INTEGER,
  "kind" TEXT DEFAULT 'public',
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 4
;
-- lbsync:statement 5
DROP TABLE IF EXISTS "public"."event";
-- lbsync:statement 6 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 7
CREATE TABLE "public"."event" (
  "title" TEXT NOT NULL,
  "startsat" TIMESTAMP WITH TIME ZONE NOT NULL,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 8
;
-- lbsync:statement 9
DROP TABLE IF EXISTS "public"."venue";
-- lbsync:statement 10 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 11
CREATE TABLE "public"."venue" (
  "name" TEXT NOT NULL,
  "capacity" INTEGER,
  "geo" POINT,
  "address" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 12
;
-- lbsync:statement 13
DROP TABLE IF EXISTS "public"."tickettype";
-- lbsync:statement 14 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 15
CREATE TABLE "public"."tickettype" (
  "eventid" INTEGER NOT NULL,
  "label" TEXT,
  "price" NUMERIC(8,2),
  "quota" SMALLINT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 16
;
-- lbsync:statement 17
DROP TABLE IF EXISTS "public"."ticket";
-- lbsync:statement 18 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 19
CREATE TABLE "public"."ticket" (
  "code" UUID NOT NULL,
  "tickettypeid" INTEGER NOT NULL,
  "holder" TEXT,
  "issuedat" TIMESTAMP WITHOUT TIME ZONE,
  "meta" JSONB,
  PRIMARY KEY("code")
);
-- lbsync:statement 20
;
-- lbsync:statement 21
DROP TABLE IF EXISTS "public"."speaker";
-- lbsync:statement 22 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 23
CREATE TABLE "public"."speaker" (
  "name" TEXT NOT NULL,
  "bio" TEXT,
  "photo" BYTEA,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 24
;
-- lbsync:statement 25
DROP TABLE IF EXISTS "public"."session";
-- lbsync:statement 26 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 27
CREATE TABLE "public"."session" (
  "eventid" INTEGER NOT NULL,
  "title" TEXT NOT NULL,
  "startsat" TIMESTAMP WITH TIME ZONE,
  "durationmin" SMALLINT,
  "level" TEXT,
  "tags" VARCHAR[],
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 28
;
-- lbsync:statement 29
DROP TABLE IF EXISTS "public"."sessionspeaker";
-- lbsync:statement 30 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 31
CREATE TABLE "public"."sessionspeaker" (
  "sessionid" INTEGER NOT NULL,
  "speakerid" INTEGER NOT NULL,
  "order" INTEGER,
  PRIMARY KEY("sessionid","speakerid")
);
-- lbsync:statement 32
;
-- lbsync:statement 33
DROP TABLE IF EXISTS "public"."sponsor";
-- lbsync:statement 34 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 35
CREATE TABLE "public"."sponsor" (
  "name" TEXT NOT NULL,
  "tier" TEXT,
  "amount" BIGINT,
  "logourl" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 36
;
-- lbsync:statement 37
DROP TABLE IF EXISTS "public"."checkin";
-- lbsync:statement 38 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 39
CREATE TABLE "public"."checkin" (
  "ticketcode" TEXT NOT NULL,
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "gate" TEXT,
  "lat" REAL,
  "lng" REAL,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 40
;
-- lbsync:statement 41
DROP TABLE IF EXISTS "public"."surveyanswer";
-- lbsync:statement 42 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 43
CREATE TABLE "public"."surveyanswer" (
  "ticketcode" TEXT,
  "question" INTEGER,
  "answer" TEXT,
  "score" INTEGER,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 44
;
-- lbsync:statement 45
DROP TABLE IF EXISTS "public"."organizer";
-- lbsync:statement 46 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 47
CREATE TABLE "public"."organizer" (
  "name" TEXT NOT NULL,
  "email" TEXT,
  "createdat" TIMESTAMP WITH TIME ZONE,
  "updatedat" TIMESTAMP WITH TIME ZONE,
  "createdby" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 48
;
-- lbsync:statement 49
DROP TABLE IF EXISTS "public"."volunteer";
-- lbsync:statement 50 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 51
CREATE TABLE "public"."volunteer" (
  "shift" TEXT,
  "name" TEXT NOT NULL,
  "email" TEXT,
  "createdat" TIMESTAMP WITH TIME ZONE,
  "updatedat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 52
;
-- lbsync:statement 53
DROP TABLE IF EXISTS "public"."event";
-- lbsync:statement 54 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 55
CREATE TABLE "public"."event" (
  "inviteonly" BOOLEAN DEFAULT true,
  "title" TEXT NOT NULL,
  "startsat" TIMESTAMP WITH TIME ZONE NOT NULL,
  "endsat" TIMESTAMP WITH TIME ZONE,
  "venueid" INTEGER,
  "kind" TEXT DEFAULT 'public',
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 56
;
