-- Reviewed: indexes without the property age, with prune: its index is dropped, then the column (SQL Server
-- refuses DROP COLUMN while an index holds it). Each once: today --sql repeats the DROP INDEX
-- (mssql-django's remove_field), a strict expected failure in test_offline_every_fixture.py.
DROP INDEX [age_NONCLUSTERED_ASC_idx] ON [Customer];
ALTER TABLE [Customer] DROP COLUMN [age];
