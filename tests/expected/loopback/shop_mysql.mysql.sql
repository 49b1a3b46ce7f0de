-- LoopBack automigrate() of tests/fixtures/apps/shop_mysql/ on mysql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-mysql 8.0.9, loopback-connector 7.0.6; built-in models from loopback@3.28.0; MySQL server 10.11.19-MariaDB-0+deb12u1
-- attached: Customer, Address, Category, Supplier, Product, ProductCategory, Orders, OrderItem, Payment, Shipment, Inventory, Review, Coupon, CartItem
-- migrated: Customer, Address, Category, Supplier, Product, ProductCategory, Orders, OrderItem, Payment, Shipment, Inventory, Review, Coupon, CartItem
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS `customer`;
-- lbsync:statement 2
CREATE TABLE `customer` (
  `customer_id` INT(10) NOT NULL PRIMARY KEY,
  `first_name` VARCHAR(45) NOT NULL,
  `last_name` VARCHAR(45) NOT NULL,
  `email` VARCHAR(100) NOT NULL,
  `phone` VARCHAR(20) NULL,
  `active` TINYINT(3) NOT NULL,
  `create_date` DATETIME NOT NULL,
  `last_update` TIMESTAMP NULL,
  `notes` TEXT(65535) NULL,
  UNIQUE INDEX  `uq_customer_email` (`email`)
);
-- lbsync:statement 3
DROP TABLE IF EXISTS `address`;
-- lbsync:statement 4
CREATE TABLE `address` (
  `address_id` INT(10) NOT NULL PRIMARY KEY,
  `customer_id` INT(10) NOT NULL,
  `line1` VARCHAR(100) NOT NULL,
  `line2` VARCHAR(100) NULL,
  `city` VARCHAR(50) NOT NULL,
  `postal_code` VARCHAR(10) NULL,
  `country_code` CHAR(2) NOT NULL
);
-- lbsync:statement 5
DROP TABLE IF EXISTS `category`;
-- lbsync:statement 6
CREATE TABLE `category` (
  `category_id` INT(10) NOT NULL PRIMARY KEY,
  `name` VARCHAR(60) NOT NULL,
  `parent_id` INT(10) NULL,
  `sort_order` SMALLINT(5) NOT NULL
);
-- lbsync:statement 7
DROP TABLE IF EXISTS `supplier`;
-- lbsync:statement 8
CREATE TABLE `supplier` (
  `supplier_id` INT(10) NOT NULL PRIMARY KEY,
  `company_name` VARCHAR(120) NOT NULL,
  `contact_email` VARCHAR(100) NULL,
  `rating` DECIMAL(3,1) NULL
);
-- lbsync:statement 9
DROP TABLE IF EXISTS `product`;
-- lbsync:statement 10
CREATE TABLE `product` (
  `product_id` INT(10) NOT NULL PRIMARY KEY,
  `sku` VARCHAR(32) NOT NULL,
  `title` VARCHAR(200) NOT NULL,
  `description` MEDIUMTEXT NULL,
  `price` DECIMAL(10,2) NOT NULL,
  `weight_kg` DOUBLE NULL,
  `supplier_id` INT(10) NULL,
  `created_at` DATETIME NOT NULL,
  UNIQUE INDEX  `idx_product_sku` (`sku`)
);
-- lbsync:statement 11
DROP TABLE IF EXISTS `product_category`;
-- lbsync:statement 12
CREATE TABLE `product_category` (
  `product_category_id` INT(10) NOT NULL PRIMARY KEY,
  `product_id` INT(10) NOT NULL,
  `category_id` INT(10) NOT NULL
);
-- lbsync:statement 13
DROP TABLE IF EXISTS `orders`;
-- lbsync:statement 14
CREATE TABLE `orders` (
  `order_id` BIGINT(19) NOT NULL PRIMARY KEY,
  `customer_id` INT(10) NOT NULL,
  `status` VARCHAR(20) NOT NULL,
  `ordered_at` DATETIME NOT NULL,
  `total` DECIMAL(12,2) NOT NULL,
  `currency` CHAR(3) NOT NULL,
  `shipping_address_id` INT(10) NULL
);
-- lbsync:statement 15
DROP TABLE IF EXISTS `order_item`;
-- lbsync:statement 16
CREATE TABLE `order_item` (
  `order_item_id` INT(10) NOT NULL PRIMARY KEY,
  `order_id` BIGINT(19) NOT NULL,
  `product_id` INT(10) NOT NULL,
  `quantity` INT(10) NOT NULL,
  `unit_price` DECIMAL(10,2) NOT NULL,
  `discount` FLOAT(12) NULL
);
-- lbsync:statement 17
DROP TABLE IF EXISTS `payment`;
-- lbsync:statement 18
CREATE TABLE `payment` (
  `payment_id` INT(10) NOT NULL PRIMARY KEY,
  `order_id` BIGINT(19) NOT NULL,
  `amount` DECIMAL(12,2) NOT NULL,
  `method` VARCHAR(16) NOT NULL,
  `paid_at` DATETIME NULL,
  `reference` VARCHAR(64) NULL
);
-- lbsync:statement 19
DROP TABLE IF EXISTS `shipment`;
-- lbsync:statement 20
CREATE TABLE `shipment` (
  `shipment_id` INT(10) NOT NULL PRIMARY KEY,
  `order_id` BIGINT(19) NOT NULL,
  `carrier` VARCHAR(40) NULL,
  `tracking_no` VARCHAR(64) NULL,
  `shipped_on` DATE NULL,
  `delivered_on` DATE NULL
);
-- lbsync:statement 21
DROP TABLE IF EXISTS `inventory`;
-- lbsync:statement 22
CREATE TABLE `inventory` (
  `inventory_id` INT(10) NOT NULL PRIMARY KEY,
  `product_id` INT(10) NOT NULL,
  `warehouse` VARCHAR(10) NOT NULL,
  `on_hand` INT(10) NOT NULL,
  `reserved` INT(10) NOT NULL,
  `last_counted` TIMESTAMP NULL
);
-- lbsync:statement 23
DROP TABLE IF EXISTS `review`;
-- lbsync:statement 24
CREATE TABLE `review` (
  `review_id` INT(10) NOT NULL PRIMARY KEY,
  `product_id` INT(10) NOT NULL,
  `customer_id` INT(10) NULL,
  `stars` TINYINT(3) NOT NULL,
  `body` TEXT(65535) NULL,
  `created_at` DATETIME NOT NULL
);
-- lbsync:statement 25
DROP TABLE IF EXISTS `coupon`;
-- lbsync:statement 26
CREATE TABLE `coupon` (
  `coupon_id` INT(10) NOT NULL PRIMARY KEY,
  `code` VARCHAR(24) NOT NULL,
  `percent_off` DECIMAL(5,2) NULL,
  `valid_from` DATE NOT NULL,
  `valid_to` DATE NULL,
  `max_uses` SMALLINT(5) NULL
);
-- lbsync:statement 27
DROP TABLE IF EXISTS `cart_item`;
-- lbsync:statement 28
CREATE TABLE `cart_item` (
  `cart_item_id` INT(10) NOT NULL PRIMARY KEY,
  `customer_id` INT(10) NOT NULL,
  `product_id` INT(10) NOT NULL,
  `quantity` INT(10) NOT NULL,
  `added_at` DATETIME NOT NULL
);
