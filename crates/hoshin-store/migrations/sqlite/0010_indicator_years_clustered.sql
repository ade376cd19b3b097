-- An indicator's rows sit together, in the order of their key (series, fiscal year): the table is made
-- WITHOUT ROWID, so that finding a series' row of a year is one search of one b-tree instead of two (the key's
-- index, then the table), and a series' years share a page. A league table reads one row of each of 1,741
-- series. The series' organization joins the common-key index, so that a league table finds both there.
CREATE TABLE indicator_years_clustered (
    series_id INTEGER NOT NULL REFERENCES series (id),
    fiscal_year INTEGER NOT NULL,
    version_id INTEGER NOT NULL REFERENCES versions (id),
    -- 2: from that year's own policy; 1: from a history printed in another year's policy.
    source_rank INTEGER NOT NULL,
    issue TEXT,
    number INTEGER,
    wording TEXT NOT NULL,
    target TEXT,
    actual TEXT,
    value DOUBLE PRECISION,
    unit TEXT,
    published_mark TEXT,
    computed_mark TEXT,
    data_source TEXT,
    sample_size INTEGER,
    PRIMARY KEY (series_id, fiscal_year)
) WITHOUT ROWID;
INSERT INTO indicator_years_clustered (series_id, fiscal_year, version_id, source_rank, issue, number, wording,
    target, actual, value, unit, published_mark, computed_mark, data_source, sample_size)
SELECT series_id, fiscal_year, version_id, source_rank, issue, number, wording, target, actual, value, unit,
    published_mark, computed_mark, data_source, sample_size
FROM indicator_years;
DROP TABLE indicator_years;
ALTER TABLE indicator_years_clustered RENAME TO indicator_years;
CREATE INDEX indicator_years_year ON indicator_years (fiscal_year, series_id);
DROP INDEX series_common;
CREATE INDEX series_common ON series (common_key, organization_id);
