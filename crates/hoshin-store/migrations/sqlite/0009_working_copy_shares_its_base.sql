-- A working copy that holds no edits is its base version's document: it now keeps no copy of it (NULL) and is
-- read through its base version. Every import and every publication wrote the same document twice, and a
-- database held every policy twice; a load now writes a third less. A working copy without a base version (a
-- new draft) always holds its document. SQLite cannot relax NOT NULL in place, so the table is made anew.
CREATE TABLE working_copies_shared (
    policy_id INTEGER PRIMARY KEY REFERENCES policies (id),
    base_version_id INTEGER REFERENCES versions (id),
    stage TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    author TEXT NOT NULL,
    -- 1 when it holds edits not yet published.
    edited INTEGER NOT NULL,
    -- NULL when it is its base version's document, unchanged.
    document TEXT CHECK (document IS NOT NULL OR base_version_id IS NOT NULL),
    submitted_at TEXT,
    submitted_by TEXT,
    review_note TEXT
);
INSERT INTO working_copies_shared
SELECT w.policy_id, w.base_version_id, w.stage, w.updated_at, w.author, w.edited,
       CASE WHEN w.document = v.document THEN NULL ELSE w.document END,
       w.submitted_at, w.submitted_by, w.review_note
FROM working_copies w LEFT JOIN versions v ON v.id = w.base_version_id;
DROP TABLE working_copies;
ALTER TABLE working_copies_shared RENAME TO working_copies;
