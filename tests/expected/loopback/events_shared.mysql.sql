-- LoopBack automigrate() of tests/fixtures/apps/events_shared/ on mysql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-mysql 8.0.9, loopback-connector 7.0.6; built-in models from loopback@3.28.0; MySQL server 10.11.19-MariaDB-0+deb12u1
-- attached: Event, EventSummary, Venue, TicketType, Ticket, Speaker, Session, SessionSpeaker, Sponsor, Checkin, SurveyAnswer, Organizer, Volunteer, PrivateEvent
-- migrated: Event, EventSummary, Venue, TicketType, Ticket, Speaker, Session, SessionSpeaker, Sponsor, Checkin, SurveyAnswer, Organizer, Volunteer, PrivateEvent
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS `event`;
-- lbsync:statement 2
CREATE TABLE `event` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `title` VARCHAR(200) NOT NULL,
  `startsAt` DATETIME NOT NULL,
  `endsAt` DATETIME NULL,
  `venueId` INT NULL,
  `kind` VARCHAR(20) NULL
);
-- lbsync:statement 3
DROP TABLE IF EXISTS `event`;
-- lbsync:statement 4
CREATE TABLE `event` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `title` VARCHAR(200) NOT NULL,
  `startsAt` DATETIME NOT NULL
);
-- lbsync:statement 5
DROP TABLE IF EXISTS `Venue`;
-- lbsync:statement 6
CREATE TABLE `Venue` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `capacity` INT NULL,
  `geo` POINT NULL,
  `address` TEXT NULL
);
-- lbsync:statement 7
DROP TABLE IF EXISTS `TicketType`;
-- lbsync:statement 8
CREATE TABLE `TicketType` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `eventId` INT NOT NULL,
  `label` VARCHAR(60) NULL,
  `price` DECIMAL(8,2) NULL,
  `quota` SMALLINT NULL
);
-- lbsync:statement 9
DROP TABLE IF EXISTS `Ticket`;
-- lbsync:statement 10
CREATE TABLE `Ticket` (
  `code` CHAR(36) NOT NULL PRIMARY KEY,
  `ticketTypeId` INT NOT NULL,
  `holder` VARCHAR(120) NULL,
  `issuedAt` DATETIME NULL,
  `meta` JSON NULL
);
-- lbsync:statement 11
DROP TABLE IF EXISTS `Speaker`;
-- lbsync:statement 12
CREATE TABLE `Speaker` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `bio` LONGTEXT NULL,
  `photo` BLOB NULL
);
-- lbsync:statement 13
DROP TABLE IF EXISTS `Session`;
-- lbsync:statement 14
CREATE TABLE `Session` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `eventId` INT NOT NULL,
  `title` VARCHAR(512) NOT NULL,
  `startsAt` DATETIME NULL,
  `durationMin` SMALLINT(5) NULL,
  `level` VARCHAR(12) NULL,
  `tags` TEXT NULL
);
-- lbsync:statement 15
DROP TABLE IF EXISTS `SessionSpeaker`;
-- lbsync:statement 16
CREATE TABLE `SessionSpeaker` (
  `sessionId` INT NOT NULL,
  `speakerId` INT NOT NULL,
  `order` INT NULL,
  PRIMARY KEY(`sessionId`,`speakerId`)
);
-- lbsync:statement 17
DROP TABLE IF EXISTS `Sponsor`;
-- lbsync:statement 18
CREATE TABLE `Sponsor` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `tier` VARCHAR(10) NULL,
  `amount` BIGINT NULL,
  `logoUrl` VARCHAR(512) NULL
);
-- lbsync:statement 19
DROP TABLE IF EXISTS `Checkin`;
-- lbsync:statement 20
CREATE TABLE `Checkin` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `ticketCode` VARCHAR(36) NOT NULL,
  `at` DATETIME(3) NOT NULL,
  `gate` VARCHAR(4) NULL,
  `lat` FLOAT NULL,
  `lng` FLOAT NULL
);
-- lbsync:statement 21
DROP TABLE IF EXISTS `SurveyAnswer`;
-- lbsync:statement 22
CREATE TABLE `SurveyAnswer` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `ticketCode` VARCHAR(36) NULL,
  `question` INT NULL,
  `answer` VARCHAR(1000) NULL,
  `score` TINYINT NULL
);
-- lbsync:statement 23
DROP TABLE IF EXISTS `Organizer`;
-- lbsync:statement 24
CREATE TABLE `Organizer` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `email` VARCHAR(254) NULL,
  `createdAt` DATETIME NULL,
  `updatedAt` DATETIME NULL,
  `createdBy` VARCHAR(40) NULL
);
-- lbsync:statement 25
DROP TABLE IF EXISTS `Volunteer`;
-- lbsync:statement 26
CREATE TABLE `Volunteer` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `shift` VARCHAR(20) NULL,
  `name` VARCHAR(512) NOT NULL,
  `email` VARCHAR(254) NULL,
  `createdAt` DATETIME NULL,
  `updatedAt` DATETIME NULL
);
-- lbsync:statement 27
DROP TABLE IF EXISTS `event`;
-- lbsync:statement 28
CREATE TABLE `event` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `inviteOnly` TINYINT(1) NULL,
  `title` VARCHAR(200) NOT NULL,
  `startsAt` DATETIME NOT NULL,
  `endsAt` DATETIME NULL,
  `venueId` INT NULL,
  `kind` VARCHAR(20) NULL
);
