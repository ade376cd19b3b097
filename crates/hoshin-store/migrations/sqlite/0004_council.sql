-- The ward council loop (区政会議): members with their terms, meetings, opinions tied to items and to the
-- version they were about, the ward's responses, members' ratings of last year's results and their answer
-- to the feedback question, and what each account has read of its inbox.
-- Kept in step with migrations/postgres/0004_council.sql.

CREATE TABLE council_members (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    -- The year in October of which the member's two-year term starts.
    term_start INTEGER NOT NULL,
    -- The member's account, when the member signs in (a council_member user of the same organization).
    user_id INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX council_members_organization ON council_members (organization_id, term_start);

CREATE TABLE council_meetings (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    -- YYYY-MM-DD
    held_on TEXT NOT NULL,
    -- 'plenary' or 'subcommittee'
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    agenda TEXT,
    minutes_url TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX council_meetings_organization ON council_meetings (organization_id, held_on);

CREATE TABLE opinions (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    -- The policy's fiscal year the opinion is about.
    fiscal_year INTEGER NOT NULL,
    -- The published version it was about, when there was one.
    version_id INTEGER REFERENCES versions (id),
    -- The item (issues/2/indicators/1), '' for the policy as a whole.
    item_path TEXT NOT NULL,
    -- 'member', 'citizen' or 'anonymous'
    author_kind TEXT NOT NULL,
    member_id INTEGER REFERENCES council_members (id),
    -- 'meeting', 'opinion_box' or 'hearing'
    source TEXT NOT NULL,
    meeting_id INTEGER REFERENCES council_meetings (id),
    body TEXT NOT NULL,
    -- 'pending' (the opinion box's, until moderated), 'published' or 'rejected'
    state TEXT NOT NULL,
    -- How to reach a citizen who asked for an answer: seen by staff, never published.
    contact TEXT,
    received_at TEXT NOT NULL,
    -- The account that entered it ('' for the public opinion box).
    entered_by TEXT NOT NULL,
    moderated_by TEXT,
    moderated_at TEXT
);
CREATE INDEX opinions_organization ON opinions (organization_id, fiscal_year, state);

CREATE TABLE opinion_responses (
    opinion_id INTEGER PRIMARY KEY REFERENCES opinions (id),
    -- 'reflected', 'partly_reflected', 'considered' or 'not_reflected'
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    -- The version in which the opinion was reflected, when it was.
    reflected_version_id INTEGER REFERENCES versions (id),
    responded_by TEXT NOT NULL,
    responded_at TEXT NOT NULL
);

-- A member's rating of one issue's results of a fiscal year.
CREATE TABLE council_ratings (
    member_id INTEGER NOT NULL REFERENCES council_members (id),
    fiscal_year INTEGER NOT NULL,
    -- The issue id as printed (1, 1-(1)).
    issue TEXT NOT NULL,
    -- 1 to 5
    score INTEGER NOT NULL,
    comment TEXT,
    rated_at TEXT NOT NULL,
    PRIMARY KEY (member_id, fiscal_year, issue)
);

-- A member's answer to 「意見や要望、評価について適切なフィードバックが行われたと感じるか」 for a fiscal year.
CREATE TABLE council_feedback (
    member_id INTEGER NOT NULL REFERENCES council_members (id),
    fiscal_year INTEGER NOT NULL,
    -- 1 yes, 0 no
    answer INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (member_id, fiscal_year)
);

-- The newest notification time an account has seen in its inbox.
CREATE TABLE inbox_seen (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    seen_at TEXT NOT NULL
);
