-- LoopBack automigrate() of tests/fixtures/apps/members/ on mysql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-mysql 8.0.9, loopback-connector 7.0.6; built-in models from loopback@3.28.0; MySQL server 10.11.19-MariaDB-0+deb12u1
-- attached: Member, MemberToken, ACL, RoleMapping, Role, Team, TeamMembership, Profile, Device, Invitation, Notification, Setting, Plan, Subscription, AuditTrail
-- migrated: Member, MemberToken, ACL, RoleMapping, Role, Team, TeamMembership, Profile, Device, Invitation, Notification, Setting, Plan, Subscription, AuditTrail
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS `Member`;
-- lbsync:statement 2
CREATE TABLE `Member` (
  `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `displayName` VARCHAR(80) NULL,
  `avatarUrl` VARCHAR(512) NULL,
  `locale` VARCHAR(8) NULL,
  `lastLoginAt` DATETIME NULL,
  `marketingOptIn` TINYINT(1) NULL,
  `username` VARCHAR(512) NULL,
  `password` VARCHAR(512) NOT NULL,
  `email` VARCHAR(512) NOT NULL,
  `emailVerified` TINYINT(1) NULL,
  `verificationToken` VARCHAR(512) NULL,
  UNIQUE INDEX  `member_email_uq` (`email`)
);
-- lbsync:statement 3
DROP TABLE IF EXISTS `MemberToken`;
-- lbsync:statement 4
CREATE TABLE `MemberToken` (
  `id` VARCHAR(255) NOT NULL PRIMARY KEY,
  `userAgent` VARCHAR(255) NULL,
  `ip` VARCHAR(45) NULL,
  `ttl` INT NULL,
  `scopes` TEXT NULL,
  `created` DATETIME NULL,
  `userId` BIGINT NULL
);
-- lbsync:statement 5
DROP TABLE IF EXISTS `ACL`;
-- lbsync:statement 6
CREATE TABLE `ACL` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `model` VARCHAR(512) NULL,
  `property` VARCHAR(512) NULL,
  `accessType` VARCHAR(512) NULL,
  `permission` VARCHAR(512) NULL,
  `principalType` VARCHAR(512) NULL,
  `principalId` VARCHAR(512) NULL
);
-- lbsync:statement 7
DROP TABLE IF EXISTS `RoleMapping`;
-- lbsync:statement 8
CREATE TABLE `RoleMapping` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `principalType` VARCHAR(512) NULL,
  `principalId` VARCHAR(255) NULL,
  `roleId` INT NULL,
   INDEX `principalId`  (`principalId`) 
);
-- lbsync:statement 9
DROP TABLE IF EXISTS `Role`;
-- lbsync:statement 10
CREATE TABLE `Role` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `description` VARCHAR(512) NULL,
  `created` DATETIME NULL,
  `modified` DATETIME NULL
);
-- lbsync:statement 11
DROP TABLE IF EXISTS `Team`;
-- lbsync:statement 12
CREATE TABLE `Team` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(100) NOT NULL,
  `slug` VARCHAR(100) NOT NULL,
  `createdAt` DATETIME NULL,
  UNIQUE INDEX `slug`  (`slug`) 
);
-- lbsync:statement 13
DROP TABLE IF EXISTS `TeamMembership`;
-- lbsync:statement 14
CREATE TABLE `TeamMembership` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `role` VARCHAR(20) NOT NULL,
  `joinedAt` DATETIME NULL,
  `teamId` INT NULL,
  `memberId` BIGINT NULL,
  UNIQUE INDEX  `team_member_uq` (`teamId`,`memberId`)
);
-- lbsync:statement 15
DROP TABLE IF EXISTS `Profile`;
-- lbsync:statement 16
CREATE TABLE `Profile` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `bio` TEXT NULL,
  `website` VARCHAR(512) NULL,
  `birthday` DATETIME NULL,
  `country` VARCHAR(2) NULL,
  `memberId` BIGINT NULL
);
-- lbsync:statement 17
DROP TABLE IF EXISTS `Device`;
-- lbsync:statement 18
CREATE TABLE `Device` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `platform` VARCHAR(16) NOT NULL,
  `pushToken` VARCHAR(255) NULL,
  `lastSeen` DATETIME NULL,
  `ownerId` BIGINT NULL,
   INDEX `pushToken`  (`pushToken`) 
);
-- lbsync:statement 19
DROP TABLE IF EXISTS `Invitation`;
-- lbsync:statement 20
CREATE TABLE `Invitation` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `email` VARCHAR(512) NOT NULL,
  `token` VARCHAR(64) NOT NULL,
  `expiresAt` DATETIME NOT NULL,
  `acceptedAt` DATETIME NULL,
  `teamId` INT NULL,
  `invitedById` BIGINT NULL,
  UNIQUE INDEX `token`  (`token`) 
);
-- lbsync:statement 21
DROP TABLE IF EXISTS `Notification`;
-- lbsync:statement 22
CREATE TABLE `Notification` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `kind` VARCHAR(32) NOT NULL,
  `payload` TEXT NULL,
  `readAt` DATETIME NULL,
  `createdAt` DATETIME NULL,
  `memberId` BIGINT NULL
);
-- lbsync:statement 23
DROP TABLE IF EXISTS `Setting`;
-- lbsync:statement 24
CREATE TABLE `Setting` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `key` VARCHAR(64) NOT NULL,
  `value` TEXT NULL,
  `updatedAt` DATETIME NULL,
  `memberId` BIGINT NULL
);
-- lbsync:statement 25
DROP TABLE IF EXISTS `Plan`;
-- lbsync:statement 26
CREATE TABLE `Plan` (
  `code` VARCHAR(20) NOT NULL PRIMARY KEY,
  `title` VARCHAR(512) NOT NULL,
  `monthlyPrice` DECIMAL(8,2) NULL,
  `seats` INT NULL,
  `public` TINYINT(1) NULL
);
-- lbsync:statement 27
DROP TABLE IF EXISTS `Subscription`;
-- lbsync:statement 28
CREATE TABLE `Subscription` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `status` VARCHAR(16) NOT NULL,
  `startedAt` DATETIME NOT NULL,
  `cancelledAt` DATETIME NULL,
  `seats` INT NULL,
  `teamId` INT NULL,
  `planCode` VARCHAR(512) NULL
);
-- lbsync:statement 29
DROP TABLE IF EXISTS `AuditTrail`;
-- lbsync:statement 30
CREATE TABLE `AuditTrail` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `action` VARCHAR(40) NOT NULL,
  `target` VARCHAR(512) NULL,
  `at` DATETIME NOT NULL,
  `details` TEXT NULL,
  `actorId` BIGINT NULL
);
