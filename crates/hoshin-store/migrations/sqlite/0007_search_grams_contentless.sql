-- The gram index keeps no copy of the grams it indexes (contentless) and no token positions (detail = none):
-- a search only asks which entries hold every gram of the query, and the store checks the text itself. About
-- a third less to write on every import and load. Each entry's grams now also hold a token for its policy's
-- fiscal year (「fy2024」), so that a search asks the index for the newest year first. Deleting rows of a contentless table needs
-- contentless_delete (SQLite 3.43). The entries are emptied with the old index; `SqlStore::migrate` rebuilds
-- both from the latest version of each policy when it finds policies but no entries.
DROP TABLE search_grams;
CREATE VIRTUAL TABLE search_grams USING fts5 (
    grams,
    content = '',
    contentless_delete = 1,
    detail = none,
    tokenize = 'unicode61 remove_diacritics 0'
);
DELETE FROM search_entries;
