-- LoopBack automigrate() of tests/fixtures/apps/legacy_erp/ on mysql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-mysql 8.0.9, loopback-connector 7.0.6; built-in models from loopback@3.28.0; MySQL server 10.11.19-MariaDB-0+deb12u1
-- attached: customer, vendor, item, orderhdr, orderdtl, invoice, glaccount, gljournal, warehouse, stock, salesrep, pricelist, sysparm
-- migrated: customer, vendor, item, orderhdr, orderdtl, invoice, glaccount, gljournal, warehouse, stock, salesrep, pricelist, sysparm
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS `customer`;
-- lbsync:statement 2
CREATE TABLE `customer` (
  `CUSTNO` VARCHAR(10) NOT NULL PRIMARY KEY,
  `NAME` VARCHAR(60) NOT NULL,
  `ADDR1` VARCHAR(60) NULL,
  `CITY` VARCHAR(30) NULL,
  `CREDLIMIT` INT NULL,
  `LASTORDER` DATETIME NULL,
   INDEX  `customer_name` (`name`)
);
-- lbsync:statement 3
DROP TABLE IF EXISTS `vendor`;
-- lbsync:statement 4
CREATE TABLE `vendor` (
  `vendno` VARCHAR(10) NOT NULL PRIMARY KEY,
  `name` VARCHAR(60) NULL,
  `terms` VARCHAR(12) NULL,
  `active` TINYINT(1) NULL
);
-- lbsync:statement 5
DROP TABLE IF EXISTS `item`;
-- lbsync:statement 6
CREATE TABLE `item` (
  `itemno` VARCHAR(20) NOT NULL PRIMARY KEY,
  `descrip` VARCHAR(80) NOT NULL,
  `onhand` INT NULL,
  `cost` DECIMAL(12,4) NULL,
  `vendno` VARCHAR(10) NULL
);
-- lbsync:statement 7
DROP TABLE IF EXISTS `orderhdr`;
-- lbsync:statement 8
CREATE TABLE `orderhdr` (
  `ordno` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `custno` VARCHAR(10) NOT NULL,
  `orddate` DATETIME NOT NULL,
  `shipdate` DATETIME NULL,
  `status` VARCHAR(1) NULL,
   INDEX  `orderhdr_orddate` (`orddate` DESC )
);
-- lbsync:statement 9
DROP TABLE IF EXISTS `orderdtl`;
-- lbsync:statement 10
CREATE TABLE `orderdtl` (
  `ordno` INT NOT NULL,
  `lineno` INT NOT NULL,
  `itemno` VARCHAR(20) NOT NULL,
  `qty` INT NOT NULL,
  `price` DECIMAL(12,2) NULL,
  PRIMARY KEY(`ordno`,`lineno`)
);
-- lbsync:statement 11
DROP TABLE IF EXISTS `invoice`;
-- lbsync:statement 12
CREATE TABLE `invoice` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `invno` VARCHAR(12) NULL,
  `ordno` INT NULL,
  `invdate` DATETIME NULL,
  `amount` INT NULL,
  `paid` TINYINT(1) NULL,
  UNIQUE INDEX `invno`  (`invno`) 
);
-- lbsync:statement 13
DROP TABLE IF EXISTS `glaccount`;
-- lbsync:statement 14
CREATE TABLE `glaccount` (
  `acctno` VARCHAR(12) NOT NULL PRIMARY KEY,
  `descrip` VARCHAR(60) NULL,
  `accttype` VARCHAR(1) NULL
);
-- lbsync:statement 15
DROP TABLE IF EXISTS `gljournal`;
-- lbsync:statement 16
CREATE TABLE `gljournal` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `acctno` VARCHAR(12) NOT NULL,
  `postdate` DATETIME NOT NULL,
  `debit` INT NULL,
  `credit` INT NULL,
  `memo` VARCHAR(120) NULL
);
-- lbsync:statement 17
DROP TABLE IF EXISTS `warehouse`;
-- lbsync:statement 18
CREATE TABLE `warehouse` (
  `whse` VARCHAR(4) NOT NULL PRIMARY KEY,
  `name` VARCHAR(40) NULL,
  `zipcode` VARCHAR(10) NULL
);
-- lbsync:statement 19
DROP TABLE IF EXISTS `stock`;
-- lbsync:statement 20
CREATE TABLE `stock` (
  `whse` VARCHAR(4) NOT NULL,
  `itemno` VARCHAR(20) NOT NULL,
  `qty` INT NULL,
  `bin` VARCHAR(10) NULL,
  PRIMARY KEY(`whse`,`itemno`)
);
-- lbsync:statement 21
DROP TABLE IF EXISTS `salesrep`;
-- lbsync:statement 22
CREATE TABLE `salesrep` (
  `repno` VARCHAR(4) NOT NULL PRIMARY KEY,
  `name` VARCHAR(40) NULL,
  `commpct` INT NULL
);
-- lbsync:statement 23
DROP TABLE IF EXISTS `pricelist`;
-- lbsync:statement 24
CREATE TABLE `pricelist` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `itemno` VARCHAR(20) NOT NULL,
  `custclass` VARCHAR(2) NULL,
  `price` INT NULL,
  `effdate` DATETIME NULL,
  UNIQUE INDEX  `pricelist_item_class` (`itemno`,`custclass`)
);
-- lbsync:statement 25
DROP TABLE IF EXISTS `sysparm`;
-- lbsync:statement 26
CREATE TABLE `sysparm` (
  `parmkey` VARCHAR(30) NOT NULL PRIMARY KEY,
  `parmval` VARCHAR(255) NULL
);
