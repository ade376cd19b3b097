-- Every search entry's grams now hold a token for its policy's fiscal year (「fy2024」), so that a search asks
-- the index for the newest year first. The entries are emptied here; `SqlStore::migrate` rebuilds them from
-- the latest version of each policy when it finds policies but no entries.
DELETE FROM search_entries;
