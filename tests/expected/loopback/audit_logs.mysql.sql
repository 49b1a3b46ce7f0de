-- LoopBack automigrate() of tests/fixtures/apps/audit_logs/ on mysql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-mysql 8.0.9, loopback-connector 7.0.6; built-in models from loopback@3.28.0; MySQL server 10.11.19-MariaDB-0+deb12u1
-- attached: AccessLog, ErrorLog, LoginAttempt, JobRun, MetricSample, WebhookDelivery, MailLog, ChangeEvent, SessionLog, ImportBatch, ImportRowError, Heartbeat, AuditEntry
-- migrated: AccessLog, ErrorLog, LoginAttempt, JobRun, MetricSample, WebhookDelivery, MailLog, ChangeEvent, SessionLog, ImportBatch, ImportRowError, Heartbeat, AuditEntry
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS `AccessLog`;
-- lbsync:statement 2
CREATE TABLE `AccessLog` (
  `at` DATETIME NOT NULL,
  `method` VARCHAR(8) NULL,
  `path` VARCHAR(2048) NULL,
  `status` INT NULL,
  `ms` INT NULL,
  `ip` VARCHAR(45) NULL,
   INDEX  `access_log_at_idx` (`at` DESC )
);
-- lbsync:statement 3
DROP TABLE IF EXISTS `ErrorLog`;
-- lbsync:statement 4
CREATE TABLE `ErrorLog` (
  `at` DATETIME NOT NULL,
  `level` VARCHAR(10) NOT NULL,
  `message` TEXT NULL,
  `stack` TEXT NULL,
  `context` TEXT NULL
);
-- lbsync:statement 5
DROP TABLE IF EXISTS `LoginAttempt`;
-- lbsync:statement 6
CREATE TABLE `LoginAttempt` (
  `at` DATETIME NOT NULL,
  `username` VARCHAR(100) NULL,
  `success` TINYINT(1) NOT NULL,
  `ip` VARCHAR(45) NULL,
   INDEX `username`  (`username`) 
);
-- lbsync:statement 7
DROP TABLE IF EXISTS `JobRun`;
-- lbsync:statement 8
CREATE TABLE `JobRun` (
  `job` VARCHAR(60) NOT NULL,
  `startedAt` DATETIME NULL,
  `finishedAt` DATETIME NULL,
  `ok` TINYINT(1) NULL,
  `output` TEXT NULL
);
-- lbsync:statement 9
DROP TABLE IF EXISTS `MetricSample`;
-- lbsync:statement 10
CREATE TABLE `MetricSample` (
  `metric` VARCHAR(80) NOT NULL,
  `at` DATETIME NOT NULL,
  `value` DOUBLE NULL,
  `tags` TEXT NULL
);
-- lbsync:statement 11
DROP TABLE IF EXISTS `WebhookDelivery`;
-- lbsync:statement 12
CREATE TABLE `WebhookDelivery` (
  `hook` VARCHAR(60) NULL,
  `deliveredAt` DATETIME NULL,
  `responseCode` INT NULL,
  `body` TEXT NULL
);
-- lbsync:statement 13
DROP TABLE IF EXISTS `MailLog`;
-- lbsync:statement 14
CREATE TABLE `MailLog` (
  `to` VARCHAR(254) NULL,
  `subject` VARCHAR(200) NULL,
  `sentAt` DATETIME NULL,
  `provider` VARCHAR(20) NULL
);
-- lbsync:statement 15
DROP TABLE IF EXISTS `ChangeEvent`;
-- lbsync:statement 16
CREATE TABLE `ChangeEvent` (
  `model` VARCHAR(60) NOT NULL,
  `modelId` VARCHAR(40) NULL,
  `op` VARCHAR(6) NULL,
  `at` DATETIME NOT NULL,
  `diff` TEXT NULL
);
-- lbsync:statement 17
DROP TABLE IF EXISTS `SessionLog`;
-- lbsync:statement 18
CREATE TABLE `SessionLog` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `sessionId` VARCHAR(64) NULL,
  `startedAt` DATETIME NULL,
  `endedAt` DATETIME NULL
);
-- lbsync:statement 19
DROP TABLE IF EXISTS `ImportBatch`;
-- lbsync:statement 20
CREATE TABLE `ImportBatch` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `file` VARCHAR(512) NOT NULL,
  `rows` INT NULL,
  `importedAt` DATETIME NULL
);
-- lbsync:statement 21
DROP TABLE IF EXISTS `ImportRowError`;
-- lbsync:statement 22
CREATE TABLE `ImportRowError` (
  `line` INT NOT NULL,
  `message` VARCHAR(500) NULL,
  `batchId` INT NULL
);
-- lbsync:statement 23
DROP TABLE IF EXISTS `Heartbeat`;
-- lbsync:statement 24
CREATE TABLE `Heartbeat` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `node` VARCHAR(40) NULL,
  `beatAt` DATETIME NULL
);
-- lbsync:statement 25
DROP TABLE IF EXISTS `AuditEntry`;
-- lbsync:statement 26
CREATE TABLE `AuditEntry` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `actor` VARCHAR(80) NULL,
  `action` VARCHAR(40) NOT NULL,
  `at` DATETIME NOT NULL,
  `payload` TEXT NULL,
   INDEX  `audit_actor_at` (`actor`,`at` DESC )
);
