-- Accounts, their sessions, and the review state of working copies (submitted to the approver or not).
-- Kept in step with migrations/postgres/0003_accounts_and_review.sql.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    -- The login name: unique, compared as written.
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    -- 'administrator', 'editor', 'approver' or 'council_member'.
    role TEXT NOT NULL,
    -- The organization an editor, approver or council member belongs to; NULL for administrators.
    organization_id INTEGER REFERENCES organizations (id),
    -- An argon2id hash in the PHC string format; never the password.
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy of the
-- database cannot be used to sign in. Times are Unix seconds.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- The token every form of this session must send back (CSRF).
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Set when an editor submits the working copy to the approver; cleared by publishing, withdrawing,
-- returning or editing it.
ALTER TABLE working_copies ADD COLUMN submitted_at TEXT;
ALTER TABLE working_copies ADD COLUMN submitted_by TEXT;
-- The approver's note when a working copy was returned to the editors.
ALTER TABLE working_copies ADD COLUMN review_note TEXT;

-- The history of one policy (the editor's per-item history) reads the log by entity.
CREATE INDEX audit_log_entity ON audit_log (entity, id);
