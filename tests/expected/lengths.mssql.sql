-- Reviewed against loopback-connector-mssql lib/migration.js datatype(): Text is text (length ignored),
-- Number int, every other type (Object, Any, Array, Buffer, GeoPoint, String) nvarchar(length || limit || 255);
-- mssql.dataLength counts only with a dataType (columnDataType), so CODE stays 255. id: generated false, no
-- IDENTITY. Written lower case without brackets ([nvarchar](n) there), as in the other expected files.
CREATE TABLE [Sized] ([id] int NOT NULL PRIMARY KEY, [doc] nvarchar(4000) NULL, [anything] nvarchar(300) NULL, [body] text NULL, [code] nvarchar(255) NULL, [tags] nvarchar(500) NULL, [blob] nvarchar(700) NULL, [spot] nvarchar(80) NULL, [count] int NULL, [plain] nvarchar(255) NULL);
