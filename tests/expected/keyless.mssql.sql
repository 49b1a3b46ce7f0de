CREATE TABLE [AuditLog] ([happenedAt] datetime NOT NULL, [actor] nvarchar(60) NULL, [action] nvarchar(30) NULL, [details] nvarchar(255) NULL);
CREATE TABLE [PageView] ([path] nvarchar(200) NOT NULL, [viewedAt] datetime NULL);
CREATE INDEX [actor_NONCLUSTERED_ASC_idx] ON [AuditLog] ([actor]);
CREATE INDEX [actor_happenedAt_NONCLUSTERED_ASC_idx] ON [AuditLog] ([actor], [happenedAt] DESC);
