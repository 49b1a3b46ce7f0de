-- Reviewed: the same index statements automigrate renders (indexes.mssql.sql), names as loopback-connector-mssql
-- builds them (<prop>_<KIND>_<TYPE>_idx, model indexes from their columns). LoopBack's own alterTable would
-- write MySQL-style ADD INDEX clauses here, which SQL Server rejects (deviation).
CREATE INDEX [name_NONCLUSTERED_ASC_idx] ON [Customer] ([name]);
CREATE UNIQUE INDEX [email_NONCLUSTERED_ASC_idx] ON [Customer] ([email]);
CREATE INDEX [age_NONCLUSTERED_ASC_idx] ON [Customer] ([age]);
CREATE UNIQUE INDEX [name_email_UNIQUE_ASC_idx] ON [Customer] ([name], [email] DESC);
CREATE INDEX [city_NONCLUSTERED_ASC_idx] ON [Customer] ([city]);
CREATE UNIQUE INDEX [zip_city_UNIQUE_ASC_idx] ON [Customer] ([zip], [city]);
CREATE INDEX [lastName_firstName_NONCLUSTERED_ASC_idx] ON [Customer] ([lastName] DESC, [firstName]);
