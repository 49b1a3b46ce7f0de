-- LoopBack automigrate() of tests/fixtures/apps/crm_pg/ on mysql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-mysql 8.0.9, loopback-connector 7.0.6; built-in models from loopback@3.28.0; MySQL server 10.11.19-MariaDB-0+deb12u1
-- attached: Territory, SalesRep, Account, Contact, Lead, OpportunityStage, Opportunity, Activity, Campaign, CampaignMember, Note, Task, Quote, QuoteLine
-- migrated: Territory, SalesRep, Account, Contact, Lead, OpportunityStage, Opportunity, Activity, Campaign, CampaignMember, Note, Task, Quote, QuoteLine
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS `Territory`;
-- lbsync:statement 2
CREATE TABLE `Territory` (
  `territoryId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `code` VARCHAR(8) NOT NULL,
  `name` VARCHAR(80) NOT NULL,
  `region` VARCHAR(2) NULL
);
-- lbsync:statement 3
DROP TABLE IF EXISTS `SalesRep`;
-- lbsync:statement 4
CREATE TABLE `SalesRep` (
  `salesRepId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `fullName` VARCHAR(120) NOT NULL,
  `email` VARCHAR(254) NOT NULL,
  `territoryId` INT NULL,
  `quota` INT NULL,
  `active` TINYINT(1) NOT NULL,
  `hiredOn` DATETIME NULL
);
-- lbsync:statement 5
DROP TABLE IF EXISTS `Account`;
-- lbsync:statement 6
CREATE TABLE `Account` (
  `accountId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(200) NOT NULL,
  `website` VARCHAR(255) NULL,
  `industry` VARCHAR(60) NULL,
  `annualRevenue` INT NULL,
  `employees` INT NULL,
  `ownerId` INT NULL,
  `externalRef` VARCHAR(512) NULL,
  `createdAt` DATETIME NOT NULL,
  `updatedAt` DATETIME NULL
);
-- lbsync:statement 7
DROP TABLE IF EXISTS `Contact`;
-- lbsync:statement 8
CREATE TABLE `Contact` (
  `contactId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `accountId` INT NULL,
  `firstName` VARCHAR(80) NULL,
  `lastName` VARCHAR(80) NOT NULL,
  `email` VARCHAR(254) NULL,
  `phone` VARCHAR(32) NULL,
  `doNotCall` TINYINT(1) NOT NULL,
  `birthdate` DATETIME NULL,
  `createdAt` DATETIME NOT NULL
);
-- lbsync:statement 9
DROP TABLE IF EXISTS `Lead`;
-- lbsync:statement 10
CREATE TABLE `Lead` (
  `leadId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `company` VARCHAR(200) NULL,
  `fullName` VARCHAR(160) NOT NULL,
  `email` VARCHAR(254) NULL,
  `score` INT NULL,
  `status` VARCHAR(20) NOT NULL,
  `source` VARCHAR(40) NULL,
  `convertedContactId` INT NULL,
  `createdAt` DATETIME NOT NULL
);
-- lbsync:statement 11
DROP TABLE IF EXISTS `OpportunityStage`;
-- lbsync:statement 12
CREATE TABLE `OpportunityStage` (
  `stageId` INT NOT NULL PRIMARY KEY,
  `label` VARCHAR(40) NOT NULL,
  `probability` INT NOT NULL,
  `isClosed` TINYINT(1) NOT NULL
);
-- lbsync:statement 13
DROP TABLE IF EXISTS `Opportunity`;
-- lbsync:statement 14
CREATE TABLE `Opportunity` (
  `opportunityId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `accountId` INT NOT NULL,
  `name` VARCHAR(200) NOT NULL,
  `amount` INT NULL,
  `stageId` INT NOT NULL,
  `closeDate` DATETIME NULL,
  `ownerId` INT NULL,
  `weightedAmount` INT NULL,
  `createdAt` DATETIME NOT NULL
);
-- lbsync:statement 15
DROP TABLE IF EXISTS `Activity`;
-- lbsync:statement 16
CREATE TABLE `Activity` (
  `activityId` INT NOT NULL PRIMARY KEY,
  `kind` VARCHAR(16) NOT NULL,
  `subject` VARCHAR(255) NULL,
  `contactId` INT NULL,
  `opportunityId` INT NULL,
  `dueAt` DATETIME NULL,
  `doneAt` DATETIME NULL,
  `payload` VARCHAR(512) NULL
);
-- lbsync:statement 17
DROP TABLE IF EXISTS `Campaign`;
-- lbsync:statement 18
CREATE TABLE `Campaign` (
  `campaignId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(120) NOT NULL,
  `budget` INT NULL,
  `startsOn` DATETIME NULL,
  `endsOn` DATETIME NULL,
  `channel` VARCHAR(30) NULL
);
-- lbsync:statement 19
DROP TABLE IF EXISTS `CampaignMember`;
-- lbsync:statement 20
CREATE TABLE `CampaignMember` (
  `campaignMemberId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `campaignId` INT NOT NULL,
  `contactId` INT NULL,
  `leadId` INT NULL,
  `respondedAt` DATETIME NULL,
  `status` VARCHAR(20) NULL
);
-- lbsync:statement 21
DROP TABLE IF EXISTS `Note`;
-- lbsync:statement 22
CREATE TABLE `Note` (
  `noteId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `parentType` VARCHAR(30) NOT NULL,
  `parentId` INT NOT NULL,
  `body` VARCHAR(512) NOT NULL,
  `authorId` INT NULL,
  `createdAt` DATETIME NOT NULL
);
-- lbsync:statement 23
DROP TABLE IF EXISTS `Task`;
-- lbsync:statement 24
CREATE TABLE `Task` (
  `taskId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `title` VARCHAR(200) NOT NULL,
  `assigneeId` INT NULL,
  `priority` INT NOT NULL,
  `dueOn` DATETIME NULL,
  `completed` TINYINT(1) NOT NULL,
  `remindAt` DATETIME NULL
);
-- lbsync:statement 25
DROP TABLE IF EXISTS `Quote`;
-- lbsync:statement 26
CREATE TABLE `Quote` (
  `quoteId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `opportunityId` INT NOT NULL,
  `number` VARCHAR(20) NOT NULL,
  `validUntil` DATETIME NULL,
  `total` INT NULL,
  `currency` VARCHAR(3) NOT NULL
);
-- lbsync:statement 27
DROP TABLE IF EXISTS `QuoteLine`;
-- lbsync:statement 28
CREATE TABLE `QuoteLine` (
  `quoteLineId` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `quoteId` INT NOT NULL,
  `product` VARCHAR(120) NOT NULL,
  `quantity` INT NOT NULL,
  `unitPrice` INT NOT NULL,
  `discountPct` INT NULL
);
