-- Hoshin's schema, SQLite dialect. Kept in step with migrations/postgres/0001_initial.sql: the same tables,
-- columns and meanings. Never edit a landed migration; add a new one.

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    -- '' when the city is unknown, so that (city, name) is unique.
    city TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ward', 'bureau')),
    UNIQUE (city, name)
);

CREATE TABLE policies (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    fiscal_year INTEGER NOT NULL,
    -- Bumped by every write to the policy: the token of optimistic concurrency.
    revision INTEGER NOT NULL,
    UNIQUE (organization_id, fiscal_year)
);

-- Published versions: immutable snapshots.
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    seq INTEGER NOT NULL,
    stage TEXT NOT NULL,
    created_at TEXT NOT NULL,
    author TEXT NOT NULL,
    -- 'import' or 'editor'
    source_kind TEXT NOT NULL,
    source_name TEXT,
    source_hash TEXT,
    document TEXT NOT NULL,
    UNIQUE (policy_id, seq)
);
CREATE INDEX versions_source_hash ON versions (policy_id, source_hash);

-- The one working copy of a policy, edited until it is published.
CREATE TABLE working_copies (
    policy_id INTEGER PRIMARY KEY REFERENCES policies (id),
    base_version_id INTEGER REFERENCES versions (id),
    stage TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    author TEXT NOT NULL,
    -- 1 when it holds edits not yet published.
    edited INTEGER NOT NULL,
    document TEXT NOT NULL
);

-- An indicator's identity across years (lineage).
CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    -- The city's common indicator this series measures, if any.
    common_key TEXT,
    kind TEXT NOT NULL,
    first_year INTEGER NOT NULL
);
CREATE INDEX series_organization ON series (organization_id);
CREATE INDEX series_common ON series (common_key);

-- One row per series and fiscal year: the target, the actual and both marks.
CREATE TABLE indicator_years (
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
    PRIMARY KEY (series_id, fiscal_year)
);
CREATE INDEX indicator_years_year ON indicator_years (fiscal_year, series_id);

-- Append-only: who changed what, when, with the state before and after.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Full-text search: one entry per text field of each policy's latest version. `grams` holds the text's
-- character bigrams, so that two-character queries (防災, 町会) find their documents.
CREATE TABLE search_entries (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    version_id INTEGER NOT NULL REFERENCES versions (id),
    position INTEGER NOT NULL,
    field TEXT NOT NULL,
    text TEXT NOT NULL,
    normalized TEXT NOT NULL
);
CREATE INDEX search_entries_policy ON search_entries (policy_id);
CREATE VIRTUAL TABLE search_grams USING fts5 (grams, tokenize = 'unicode61 remove_diacritics 0');
