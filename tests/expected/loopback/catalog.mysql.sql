-- LoopBack automigrate() of tests/fixtures/apps/catalog/ on mysql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-mysql 8.0.9, loopback-connector 7.0.6; built-in models from loopback@3.28.0; MySQL server 10.11.19-MariaDB-0+deb12u1
-- attached: Product, Tag, Category, CategoryProduct, Picture, Author, Book, Reader, Loan, Comment, Physician, Patient, Appointment, Assembly, Part
-- migrated: Product, Tag, TagProduct, Category, CategoryProduct, Picture, Author, Book, Reader, Loan, Comment, Physician, Patient, Appointment, Assembly, Part, PartAssembly
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS `Product`;
-- lbsync:statement 2
CREATE TABLE `Product` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `sku` VARCHAR(40) NULL,
  `price` DECIMAL(10,2) NULL,
  `published` TINYINT(1) NULL,
  UNIQUE INDEX `sku`  (`sku`) 
);
-- lbsync:statement 3
DROP TABLE IF EXISTS `Tag`;
-- lbsync:statement 4
CREATE TABLE `Tag` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `label` VARCHAR(50) NOT NULL,
  UNIQUE INDEX `label`  (`label`) 
);
-- lbsync:statement 5
DROP TABLE IF EXISTS `TagProduct`;
-- lbsync:statement 6
CREATE TABLE `TagProduct` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `tagId` INT NULL,
  `productId` INT NULL
);
-- lbsync:statement 7
DROP TABLE IF EXISTS `Category`;
-- lbsync:statement 8
CREATE TABLE `Category` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `slug` VARCHAR(80) NULL,
  `parentId` INT NULL
);
-- lbsync:statement 9
DROP TABLE IF EXISTS `CategoryProduct`;
-- lbsync:statement 10
CREATE TABLE `CategoryProduct` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `position` INT NULL,
  `categoryId` INT NULL,
  `productId` INT NULL
);
-- lbsync:statement 11
DROP TABLE IF EXISTS `Picture`;
-- lbsync:statement 12
CREATE TABLE `Picture` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `url` VARCHAR(512) NOT NULL,
  `width` INT NULL,
  `height` INT NULL,
  `alt` VARCHAR(512) NULL,
  `imageableId` INT NULL,
  `imageableType` VARCHAR(255) NULL,
   INDEX `imageableType`  (`imageableType`) 
);
-- lbsync:statement 13
DROP TABLE IF EXISTS `Author`;
-- lbsync:statement 14
CREATE TABLE `Author` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `bio` TEXT NULL
);
-- lbsync:statement 15
DROP TABLE IF EXISTS `Book`;
-- lbsync:statement 16
CREATE TABLE `Book` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `title` VARCHAR(512) NOT NULL,
  `isbn` VARCHAR(13) NULL,
  `pages` INT NULL,
  `publishedOn` DATETIME NULL,
  `authorId` INT NULL
);
-- lbsync:statement 17
DROP TABLE IF EXISTS `Reader`;
-- lbsync:statement 18
CREATE TABLE `Reader` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `email` VARCHAR(512) NULL
);
-- lbsync:statement 19
DROP TABLE IF EXISTS `Loan`;
-- lbsync:statement 20
CREATE TABLE `Loan` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `borrowedAt` DATETIME NOT NULL,
  `returnedAt` DATETIME NULL,
  `bookId` INT NULL,
  `readerId` INT NULL
);
-- lbsync:statement 21
DROP TABLE IF EXISTS `Comment`;
-- lbsync:statement 22
CREATE TABLE `Comment` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `body` VARCHAR(512) NOT NULL,
  `rating` INT NULL,
  `createdAt` DATETIME NULL,
  `subjectId` INT NULL,
  `subjectType` VARCHAR(255) NULL,
   INDEX `subjectType`  (`subjectType`) 
);
-- lbsync:statement 23
DROP TABLE IF EXISTS `Physician`;
-- lbsync:statement 24
CREATE TABLE `Physician` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `specialty` VARCHAR(60) NULL
);
-- lbsync:statement 25
DROP TABLE IF EXISTS `Patient`;
-- lbsync:statement 26
CREATE TABLE `Patient` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `birthDate` DATETIME NULL
);
-- lbsync:statement 27
DROP TABLE IF EXISTS `Appointment`;
-- lbsync:statement 28
CREATE TABLE `Appointment` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `appointmentDate` DATETIME NOT NULL,
  `notes` VARCHAR(512) NULL,
  `physicianId` INT NULL,
  `patientId` INT NULL
);
-- lbsync:statement 29
DROP TABLE IF EXISTS `Assembly`;
-- lbsync:statement 30
CREATE TABLE `Assembly` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `revision` INT NULL
);
-- lbsync:statement 31
DROP TABLE IF EXISTS `Part`;
-- lbsync:statement 32
CREATE TABLE `Part` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `partNumber` VARCHAR(30) NOT NULL,
  `cost` INT NULL
);
-- lbsync:statement 33
DROP TABLE IF EXISTS `PartAssembly`;
-- lbsync:statement 34
CREATE TABLE `PartAssembly` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `partId` INT NULL,
  `assemblyId` INT NULL
);
