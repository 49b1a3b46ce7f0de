-- LoopBack automigrate() of tests/fixtures/apps/members/ on postgresql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-postgresql 8.0.7, loopback-connector 7.0.6; built-in models from loopback@3.28.0; PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
-- attached: Member, MemberToken, ACL, RoleMapping, Role, Team, TeamMembership, Profile, Device, Invitation, Notification, Setting, Plan, Subscription, AuditTrail
-- migrated: Member, MemberToken, ACL, RoleMapping, Role, Team, TeamMembership, Profile, Device, Invitation, Notification, Setting, Plan, Subscription, AuditTrail
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS "public"."member";
-- lbsync:statement 2 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 3
CREATE TABLE "public"."member" (
  "id" BIGINT NOT NULL,
  "displayname" TEXT,
  "avatarurl" TEXT,
  "locale" TEXT DEFAULT 'en',
  "lastloginat" TIMESTAMP WITH TIME ZONE,
  "marketingoptin" BOOLEAN DEFAULT false,
  "username" TEXT,
  "password" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "emailverified" BOOLEAN,
  "verificationtoken" TEXT,
  PRIMARY KEY("id")
);
-- lbsync:statement 4
CREATE  UNIQUE  INDEX "member_email_uq" ON "public"."member" ( "email" ASC);
-- lbsync:statement 5
DROP TABLE IF EXISTS "public"."membertoken";
-- lbsync:statement 6 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 7
CREATE TABLE "public"."membertoken" (
  "useragent" TEXT,
  "ip" TEXT,
  "id" TEXT NOT NULL,
  "ttl" INTEGER DEFAULT 1209600,
  "scopes" TEXT,
  "created" TIMESTAMP WITH TIME ZONE,
  "userid" BIGINT,
  PRIMARY KEY("id")
);
-- lbsync:statement 8
;
-- lbsync:statement 9
DROP TABLE IF EXISTS "public"."acl";
-- lbsync:statement 10 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 11
CREATE TABLE "public"."acl" (
  "model" TEXT,
  "property" TEXT,
  "accesstype" TEXT,
  "permission" TEXT,
  "principaltype" TEXT,
  "principalid" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 12
;
-- lbsync:statement 13
DROP TABLE IF EXISTS "public"."rolemapping";
-- lbsync:statement 14 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 15
CREATE TABLE "public"."rolemapping" (
  "id" SERIAL,
  "principaltype" TEXT,
  "principalid" TEXT,
  "roleid" INTEGER,
  PRIMARY KEY("id")
);
-- lbsync:statement 16
CREATE  INDEX "rolemapping_principalid_idx" ON "public"."rolemapping" ( "principalid" );
-- lbsync:statement 17
DROP TABLE IF EXISTS "public"."role";
-- lbsync:statement 18 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 19
CREATE TABLE "public"."role" (
  "id" SERIAL,
  "name" TEXT NOT NULL,
  "description" TEXT,
  "created" TIMESTAMP WITH TIME ZONE,
  "modified" TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY("id")
);
-- lbsync:statement 20
;
-- lbsync:statement 21
DROP TABLE IF EXISTS "public"."team";
-- lbsync:statement 22 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 23
CREATE TABLE "public"."team" (
  "name" TEXT NOT NULL,
  "slug" TEXT NOT NULL,
  "createdat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 24
CREATE  UNIQUE  INDEX "team_slug_idx" ON "public"."team" ( "slug" );
-- lbsync:statement 25
DROP TABLE IF EXISTS "public"."teammembership";
-- lbsync:statement 26 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 27
CREATE TABLE "public"."teammembership" (
  "role" TEXT NOT NULL DEFAULT 'member',
  "joinedat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  "teamid" INTEGER,
  "memberid" BIGINT,
  PRIMARY KEY("id")
);
-- lbsync:statement 28
CREATE  UNIQUE  INDEX "team_member_uq" ON "public"."teammembership" ( "teamid" ASC, "memberid" ASC);
-- lbsync:statement 29
DROP TABLE IF EXISTS "public"."profile";
-- lbsync:statement 30 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 31
CREATE TABLE "public"."profile" (
  "bio" TEXT,
  "website" TEXT,
  "birthday" TIMESTAMP WITH TIME ZONE,
  "country" TEXT,
  "id" SERIAL,
  "memberid" BIGINT,
  PRIMARY KEY("id")
);
-- lbsync:statement 32
;
-- lbsync:statement 33
DROP TABLE IF EXISTS "public"."device";
-- lbsync:statement 34 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 35
CREATE TABLE "public"."device" (
  "platform" TEXT NOT NULL,
  "pushtoken" TEXT,
  "lastseen" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  "ownerid" BIGINT,
  PRIMARY KEY("id")
);
-- lbsync:statement 36
CREATE  INDEX "device_pushtoken_idx" ON "public"."device" ( "pushtoken" );
-- lbsync:statement 37
DROP TABLE IF EXISTS "public"."invitation";
-- lbsync:statement 38 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 39
CREATE TABLE "public"."invitation" (
  "email" TEXT NOT NULL,
  "token" TEXT NOT NULL,
  "expiresat" TIMESTAMP WITH TIME ZONE NOT NULL,
  "acceptedat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  "teamid" INTEGER,
  "invitedbyid" BIGINT,
  PRIMARY KEY("id")
);
-- lbsync:statement 40
CREATE  UNIQUE  INDEX "invitation_token_idx" ON "public"."invitation" ( "token" );
-- lbsync:statement 41
DROP TABLE IF EXISTS "public"."notification";
-- lbsync:statement 42 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 43
CREATE TABLE "public"."notification" (
  "kind" TEXT NOT NULL,
  "payload" TEXT,
  "readat" TIMESTAMP WITH TIME ZONE,
  "createdat" TIMESTAMP WITH TIME ZONE,
  "id" SERIAL,
  "memberid" BIGINT,
  PRIMARY KEY("id")
);
-- lbsync:statement 44
;
-- lbsync:statement 45
DROP TABLE IF EXISTS "public"."setting";
-- lbsync:statement 46 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 47
CREATE TABLE "public"."setting" (
  "key" TEXT NOT NULL,
  "value" TEXT,
  "updatedat" TIMESTAMP WITH TIME ZONE DEFAULT 'now',
  "id" SERIAL,
  "memberid" BIGINT,
  PRIMARY KEY("id")
);
-- lbsync:statement 48
;
-- lbsync:statement 49
DROP TABLE IF EXISTS "public"."plan";
-- lbsync:statement 50 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 51
CREATE TABLE "public"."plan" (
  "code" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "monthlyprice" NUMERIC(8,2),
  "seats" INTEGER DEFAULT 5,
  "public" BOOLEAN DEFAULT true,
  PRIMARY KEY("code")
);
-- lbsync:statement 52
;
-- lbsync:statement 53
DROP TABLE IF EXISTS "public"."subscription";
-- lbsync:statement 54 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 55
CREATE TABLE "public"."subscription" (
  "status" TEXT NOT NULL,
  "startedat" TIMESTAMP WITH TIME ZONE NOT NULL,
  "cancelledat" TIMESTAMP WITH TIME ZONE,
  "seats" INTEGER,
  "id" SERIAL,
  "teamid" INTEGER,
  "plancode" TEXT,
  PRIMARY KEY("id")
);
-- lbsync:statement 56
;
-- lbsync:statement 57
DROP TABLE IF EXISTS "public"."audittrail";
-- lbsync:statement 58 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 59
CREATE TABLE "public"."audittrail" (
  "action" TEXT NOT NULL,
  "target" TEXT,
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "details" TEXT,
  "id" SERIAL,
  "actorid" BIGINT,
  PRIMARY KEY("id")
);
-- lbsync:statement 60
;
