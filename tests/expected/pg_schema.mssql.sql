-- Reviewed against loopback-connector-mssql singleIndexSettingsSQL: label index:true ->
-- label_NONCLUSTERED_ASC_idx; [Thing] in the default schema (no mssql.schema; the postgresql one is ignored).
CREATE TABLE [Thing] ([label] nvarchar(255) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE INDEX [label_NONCLUSTERED_ASC_idx] ON [Thing] ([label]);
