-- LoopBack automigrate() of tests/fixtures/apps/school_composite/ on postgresql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-postgresql 8.0.7, loopback-connector 7.0.6; built-in models from loopback@3.28.0; PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
-- attached: Student, Course, Term, Section, Enrollment, Teacher, Teaching, Prerequisite, Translation, Room, Exam, ExamResult, Attendance
-- migrated: Student, Course, Term, Section, Enrollment, Teacher, Teaching, Prerequisite, Translation, Room, Exam, ExamResult, Attendance
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS "public"."student";
-- lbsync:statement 2 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 3
CREATE TABLE "public"."student" (
  "studentno" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "enrolledon" TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY("studentno")
);
-- lbsync:statement 4
;
-- lbsync:statement 5
DROP TABLE IF EXISTS "public"."course";
-- lbsync:statement 6 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 7
CREATE TABLE "public"."course" (
  "code" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "credits" INTEGER,
  PRIMARY KEY("code")
);
-- lbsync:statement 8
;
-- lbsync:statement 9
DROP TABLE IF EXISTS "public"."term";
-- lbsync:statement 10 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 11
CREATE TABLE "public"."term" (
  "year" INTEGER NOT NULL,
  "season" TEXT NOT NULL,
  "startson" TIMESTAMP WITH TIME ZONE,
  "endson" TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY("year","season")
);
-- lbsync:statement 12
;
-- lbsync:statement 13
DROP TABLE IF EXISTS "public"."section";
-- lbsync:statement 14 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 15
CREATE TABLE "public"."section" (
  "coursecode" TEXT NOT NULL,
  "year" INTEGER NOT NULL,
  "season" TEXT NOT NULL,
  "sectionno" INTEGER NOT NULL,
  "room" TEXT,
  "capacity" INTEGER,
  PRIMARY KEY("coursecode","year","season","sectionno")
);
-- lbsync:statement 16
;
-- lbsync:statement 17
DROP TABLE IF EXISTS "public"."enrollment";
-- lbsync:statement 18 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 19
CREATE TABLE "public"."enrollment" (
  "studentno" TEXT NOT NULL,
  "coursecode" TEXT NOT NULL,
  "year" INTEGER NOT NULL,
  "season" TEXT NOT NULL,
  "grade" TEXT,
  "enrolledat" TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY("studentno","coursecode","year","season")
);
-- lbsync:statement 20
CREATE  INDEX "enrollment_course_term" ON "public"."enrollment" ( "coursecode" ASC, "year" ASC, "season" ASC);
-- lbsync:statement 21
DROP TABLE IF EXISTS "public"."teacher";
-- lbsync:statement 22 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 23
CREATE TABLE "public"."teacher" (
  "name" TEXT NOT NULL,
  "email" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 24
CREATE  UNIQUE  INDEX "teacher_email_idx" ON "public"."teacher" ( "email" );
-- lbsync:statement 25
DROP TABLE IF EXISTS "public"."teaching";
-- lbsync:statement 26 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 27
CREATE TABLE "public"."teaching" (
  "teacherid" INTEGER NOT NULL,
  "coursecode" TEXT NOT NULL,
  "role" TEXT,
  PRIMARY KEY("teacherid","coursecode")
);
-- lbsync:statement 28
;
-- lbsync:statement 29
DROP TABLE IF EXISTS "public"."prerequisite";
-- lbsync:statement 30 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 31
CREATE TABLE "public"."prerequisite" (
  "coursecode" TEXT NOT NULL,
  "requirescode" TEXT NOT NULL,
  "mingrade" TEXT,
  PRIMARY KEY("coursecode","requirescode")
);
-- lbsync:statement 32
;
-- lbsync:statement 33
DROP TABLE IF EXISTS "public"."translation";
-- lbsync:statement 34 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 35
CREATE TABLE "public"."translation" (
  "entity" TEXT NOT NULL,
  "entityid" TEXT NOT NULL,
  "locale" TEXT NOT NULL,
  "field" TEXT NOT NULL,
  "text" TEXT,
  PRIMARY KEY("entity","entityid","locale","field")
);
-- lbsync:statement 36
;
-- lbsync:statement 37
DROP TABLE IF EXISTS "public"."room";
-- lbsync:statement 38 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 39
CREATE TABLE "public"."room" (
  "building" TEXT NOT NULL,
  "number" TEXT NOT NULL,
  "seats" INTEGER,
  "hasprojector" BOOLEAN DEFAULT false,
  PRIMARY KEY("building","number")
);
-- lbsync:statement 40
;
-- lbsync:statement 41
DROP TABLE IF EXISTS "public"."exam";
-- lbsync:statement 42 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 43
CREATE TABLE "public"."exam" (
  "coursecode" TEXT NOT NULL,
  "heldon" TIMESTAMP WITH TIME ZONE NOT NULL,
  "building" TEXT,
  "roomnumber" TEXT,
  "id" SERIAL,
  PRIMARY KEY("id")
);
-- lbsync:statement 44
;
-- lbsync:statement 45
DROP TABLE IF EXISTS "public"."examresult";
-- lbsync:statement 46 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 47
CREATE TABLE "public"."examresult" (
  "examid" INTEGER NOT NULL,
  "studentno" TEXT NOT NULL,
  "score" NUMERIC(5,2),
  PRIMARY KEY("examid","studentno")
);
-- lbsync:statement 48
;
-- lbsync:statement 49
DROP TABLE IF EXISTS "public"."attendance";
-- lbsync:statement 50 failed: 42P06 schema "public" already exists
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";CREATE SCHEMA "public";
-- lbsync:statement 51
CREATE TABLE "public"."attendance" (
  "studentno" TEXT NOT NULL,
  "day" DATE NOT NULL,
  "present" BOOLEAN NOT NULL,
  PRIMARY KEY("studentno","day")
);
-- lbsync:statement 52
;
