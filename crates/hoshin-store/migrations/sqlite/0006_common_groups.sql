-- Common indicators found by their wording and decided by a city administrator: a confirmed group gives its
-- key to its member series (series.common_key), so comparison pages compare them; a rejected one is kept so
-- that it is not suggested again. Members are the series ids as a JSON array.
CREATE TABLE common_groups (
    key TEXT PRIMARY KEY,
    wording TEXT NOT NULL,
    confirmed INTEGER NOT NULL,
    members TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
