-- Two changes to the search index, which the store rebuilds at open (it finds policies but no entries):
-- - A search entry kept its field's text twice, as written and normalised. Search reads, ranks and snippets the
--   normalised text only, so the copy as written goes.
-- - The gram index holds every bigram and only the last character of each word, instead of every character as
--   well: about half the tokens. A one-character query asks for the grams that begin with its character. The
--   year token changes from 「fy2024」 to U+E000 and the year, which no such prefix reaches.
DELETE FROM search_entries;
ALTER TABLE search_entries DROP COLUMN text;
