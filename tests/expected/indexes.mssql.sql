CREATE TABLE [Customer] ([name] nvarchar(255) NULL, [email] nvarchar(255) NULL, [age] int NULL, [city] nvarchar(100) NULL, [zip] nvarchar(10) NULL, [firstName] nvarchar(100) NULL, [lastName] nvarchar(100) NULL, [id] int NOT NULL PRIMARY KEY IDENTITY(1,1));
CREATE INDEX [age_NONCLUSTERED_ASC_idx] ON [Customer] ([age]);
CREATE INDEX [city_NONCLUSTERED_ASC_idx] ON [Customer] ([city]);
CREATE INDEX [lastName_firstName_NONCLUSTERED_ASC_idx] ON [Customer] ([lastName] DESC, [firstName]);
CREATE INDEX [name_NONCLUSTERED_ASC_idx] ON [Customer] ([name]);
CREATE UNIQUE INDEX [email_NONCLUSTERED_ASC_idx] ON [Customer] ([email]);
CREATE UNIQUE INDEX [name_email_UNIQUE_ASC_idx] ON [Customer] ([name], [email] DESC);
CREATE UNIQUE INDEX [zip_city_UNIQUE_ASC_idx] ON [Customer] ([zip], [city]);
