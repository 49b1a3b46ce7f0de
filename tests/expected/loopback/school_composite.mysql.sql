-- LoopBack automigrate() of tests/fixtures/apps/school_composite/ on mysql, recorded by scripts/record_loopback.py
-- loopback-datasource-juggler 6.0.6, loopback-connector-mysql 8.0.9, loopback-connector 7.0.6; built-in models from loopback@3.28.0; MySQL server 10.11.19-MariaDB-0+deb12u1
-- attached: Student, Course, Term, Section, Enrollment, Teacher, Teaching, Prerequisite, Translation, Room, Exam, ExamResult, Attendance
-- migrated: Student, Course, Term, Section, Enrollment, Teacher, Teaching, Prerequisite, Translation, Room, Exam, ExamResult, Attendance
-- automigrate: ok
-- lbsync:statement 1
DROP TABLE IF EXISTS `Student`;
-- lbsync:statement 2
CREATE TABLE `Student` (
  `studentNo` VARCHAR(12) NOT NULL PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `enrolledOn` DATETIME NULL
);
-- lbsync:statement 3
DROP TABLE IF EXISTS `Course`;
-- lbsync:statement 4
CREATE TABLE `Course` (
  `code` VARCHAR(10) NOT NULL PRIMARY KEY,
  `title` VARCHAR(512) NOT NULL,
  `credits` INT NULL
);
-- lbsync:statement 5
DROP TABLE IF EXISTS `Term`;
-- lbsync:statement 6
CREATE TABLE `Term` (
  `year` INT NOT NULL,
  `season` VARCHAR(6) NOT NULL,
  `startsOn` DATETIME NULL,
  `endsOn` DATETIME NULL,
  PRIMARY KEY(`year`,`season`)
);
-- lbsync:statement 7
DROP TABLE IF EXISTS `Section`;
-- lbsync:statement 8
CREATE TABLE `Section` (
  `courseCode` VARCHAR(10) NOT NULL,
  `year` INT NOT NULL,
  `season` VARCHAR(6) NOT NULL,
  `sectionNo` INT NOT NULL,
  `room` VARCHAR(10) NULL,
  `capacity` INT NULL,
  PRIMARY KEY(`courseCode`,`year`,`season`,`sectionNo`)
);
-- lbsync:statement 9
DROP TABLE IF EXISTS `Enrollment`;
-- lbsync:statement 10
CREATE TABLE `Enrollment` (
  `studentNo` VARCHAR(12) NOT NULL,
  `courseCode` VARCHAR(10) NOT NULL,
  `year` INT NOT NULL,
  `season` VARCHAR(6) NOT NULL,
  `grade` VARCHAR(2) NULL,
  `enrolledAt` DATETIME NULL,
  PRIMARY KEY(`studentNo`,`courseCode`,`year`,`season`),
   INDEX  `enrollment_course_term` (`courseCode`,`year`,`season`)
);
-- lbsync:statement 11
DROP TABLE IF EXISTS `Teacher`;
-- lbsync:statement 12
CREATE TABLE `Teacher` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(512) NOT NULL,
  `email` VARCHAR(254) NULL,
  UNIQUE INDEX `email`  (`email`) 
);
-- lbsync:statement 13
DROP TABLE IF EXISTS `Teaching`;
-- lbsync:statement 14
CREATE TABLE `Teaching` (
  `teacherId` INT NOT NULL,
  `courseCode` VARCHAR(10) NOT NULL,
  `role` VARCHAR(12) NULL,
  PRIMARY KEY(`teacherId`,`courseCode`)
);
-- lbsync:statement 15
DROP TABLE IF EXISTS `Prerequisite`;
-- lbsync:statement 16
CREATE TABLE `Prerequisite` (
  `courseCode` VARCHAR(10) NOT NULL,
  `requiresCode` VARCHAR(10) NOT NULL,
  `minGrade` VARCHAR(2) NULL,
  PRIMARY KEY(`courseCode`,`requiresCode`)
);
-- lbsync:statement 17
DROP TABLE IF EXISTS `Translation`;
-- lbsync:statement 18
CREATE TABLE `Translation` (
  `entity` VARCHAR(30) NOT NULL,
  `entityId` VARCHAR(40) NOT NULL,
  `locale` VARCHAR(8) NOT NULL,
  `field` VARCHAR(30) NOT NULL,
  `text` TEXT NULL,
  PRIMARY KEY(`entity`,`entityId`,`locale`,`field`)
);
-- lbsync:statement 19
DROP TABLE IF EXISTS `Room`;
-- lbsync:statement 20
CREATE TABLE `Room` (
  `building` VARCHAR(10) NOT NULL,
  `number` VARCHAR(10) NOT NULL,
  `seats` INT NULL,
  `hasProjector` TINYINT(1) NULL,
  PRIMARY KEY(`building`,`number`)
);
-- lbsync:statement 21
DROP TABLE IF EXISTS `Exam`;
-- lbsync:statement 22
CREATE TABLE `Exam` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `courseCode` VARCHAR(10) NOT NULL,
  `heldOn` DATETIME NOT NULL,
  `building` VARCHAR(10) NULL,
  `roomNumber` VARCHAR(10) NULL
);
-- lbsync:statement 23
DROP TABLE IF EXISTS `ExamResult`;
-- lbsync:statement 24
CREATE TABLE `ExamResult` (
  `examId` INT NOT NULL,
  `studentNo` VARCHAR(12) NOT NULL,
  `score` DECIMAL(5,2) NULL,
  PRIMARY KEY(`examId`,`studentNo`)
);
-- lbsync:statement 25
DROP TABLE IF EXISTS `Attendance`;
-- lbsync:statement 26
CREATE TABLE `Attendance` (
  `studentNo` VARCHAR(12) NOT NULL,
  `day` DATE NOT NULL,
  `present` TINYINT(1) NOT NULL,
  PRIMARY KEY(`studentNo`,`day`)
);
