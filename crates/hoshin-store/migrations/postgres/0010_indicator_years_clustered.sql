-- SQLite's migration 0010 makes indicator_years a clustered (WITHOUT ROWID) table. PostgreSQL keeps its heap;
-- the series' organization joins the common-key index here too, for the league table.
DROP INDEX series_common;
CREATE INDEX series_common ON series (common_key, organization_id);
