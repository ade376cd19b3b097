-- A working copy that holds no edits is its base version's document: it now keeps no copy of it (NULL) and is
-- read through its base version. Every import and every publication wrote the same document twice, and a
-- database held every policy twice; a load now writes a third less. A working copy without a base version (a
-- new draft) always holds its document.
ALTER TABLE working_copies ALTER COLUMN document DROP NOT NULL;
ALTER TABLE working_copies ADD CONSTRAINT working_copies_document
    CHECK (document IS NOT NULL OR base_version_id IS NOT NULL);
UPDATE working_copies w SET document = NULL FROM versions v WHERE v.id = w.base_version_id AND w.document = v.document;
