//! Hoshin's storage: one [`Store`] trait over domain types, with an embedded SQLite database by default and
//! PostgreSQL for servers. Both run the same SQL through sqlx's `Any` driver (the few statements that differ
//! are chosen by [`Backend`]) and pass the same conformance suite (`tests/conformance.rs`).
//!
//! What is stored: organizations; policies per (organization, fiscal year), each with immutable published
//! versions and one working copy; indicator series with their lineage across years and a row per year
//! (target, actual, published and computed marks); an append-only audit log; a bigram search index.
//! Every write is one transaction, and every write to a policy names the revision it read.

#![forbid(unsafe_code)]

mod accounts;
mod common;
mod copy;
mod council;
pub mod document;
mod dump;
mod index;
pub mod search;
mod sql;
pub mod synth;

use std::sync::Arc;

use async_trait::async_trait;
use hoshin_core::{Era, FiscalYear, Organization, PolicyContent, Role, Stage};

pub use common::CommonGroup;
pub use council::{
    CouncilEvent, CouncilFeedback, CouncilMember, CouncilRating, EventKind, Meeting, Moderation, NewCouncilMember,
    NewMeeting, NewOpinion, NewResponse, Opinion, OpinionFilter, OpinionResponse, VersionRef,
};
pub use dump::{restore, DumpStats};
pub use sql::{entity, SqlStore};

/// The database engine behind a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What went wrong, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    /// The write named a revision that is no longer current: someone else wrote in between.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("the database URL 「{0}」 is not one Hoshin reads: use sqlite:PATH or postgres://USER@HOST:PORT/DB")]
    BadUrl(String),
    #[error("a stored document cannot be read: {0}")]
    Document(#[from] document::DocumentError),
    #[error("database error: {0}")]
    Database(String),
    /// The database cannot do what was asked for a reason outside Hoshin, which passes when the cause is
    /// removed: nothing was written.
    #[error("{0} ({1})")]
    Fault(Fault, String),
}

/// A fault of the database's surroundings, each with what to do about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The disk that holds the database is full.
    DiskFull,
    /// The database, its file or its file system does not accept writes.
    ReadOnly,
    /// The database server cannot be reached, or is starting or shutting down.
    Unreachable,
}

impl Fault {
    pub fn code(self) -> &'static str {
        match self {
            Fault::DiskFull => "disk_full",
            Fault::ReadOnly => "read_only",
            Fault::Unreachable => "database_unreachable",
        }
    }

    /// The fault a database error stands for, if it is one.
    fn of(error: &sqlx::Error) -> Option<Fault> {
        match error {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
                Some(Fault::Unreachable)
            }
            sqlx::Error::Database(database) => {
                let code = database.code().map(|code| code.into_owned()).unwrap_or_default();
                // SQLite's result codes (the primary code is the low byte of an extended one), PostgreSQL's
                // SQLSTATEs.
                let sqlite = code.parse::<i64>().ok().map(|code| code & 0xff);
                match (sqlite, code.as_str()) {
                    (Some(13), _) | (_, "53100") => Some(Fault::DiskFull),
                    (Some(8), _) | (_, "25006") => Some(Fault::ReadOnly),
                    (_, "57P01" | "57P02" | "57P03") => Some(Fault::Unreachable),
                    _ if code.starts_with("08") => Some(Fault::Unreachable),
                    _ => {
                        let message = database.message();
                        if message.contains("No space left on device") || message.contains("disk is full") {
                            Some(Fault::DiskFull)
                        } else if message.contains("readonly database") || message.contains("read-only") {
                            Some(Fault::ReadOnly)
                        } else {
                            None
                        }
                    }
                }
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fault::DiskFull => "the database's disk is full: free space on it and try again",
            Fault::ReadOnly => "the database does not accept writes (it or its file system is read-only)",
            Fault::Unreachable => "the database cannot be reached right now: try again in a moment",
        })
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        match Fault::of(&error) {
            Some(fault) => StoreError::Fault(fault, error.to_string()),
            None => StoreError::Database(error.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> StoreError {
        StoreError::Database(format!("migration: {error}"))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Which policy: an organization (by city and name) and a fiscal year.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyKey {
    pub organization: Organization,
    pub fiscal_year: FiscalYear,
}

/// Where a published version came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An imported file: its name and SHA-256 (hex).
    Import { file_name: String, sha256: String },
    /// Published from the working copy in the editor.
    Editor,
}

/// A document to import as a published version.
#[derive(Clone, Debug)]
pub struct NewImport {
    pub key: PolicyKey,
    pub stage: Stage,
    pub content: PolicyContent,
    /// The era era-less years of the document were read in.
    pub era: Option<Era>,
    pub source: Source,
    pub author: String,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub version: VersionInfo,
    /// False when the same file had already been imported for this policy: nothing was written.
    pub created: bool,
    /// True when the working copy held unpublished edits and was left as it was.
    pub working_copy_kept: bool,
    /// Indicators that continue a series of an earlier year, and indicators that start a new one.
    pub continued_series: usize,
    pub new_series: usize,
}

/// A published version, without its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    pub id: i64,
    pub seq: i64,
    pub stage: Stage,
    pub created_at: String,
    pub author: String,
    pub source: Source,
}

/// A policy as stored: its key, its revision, the latest published version and its content.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPolicy {
    pub key: PolicyKey,
    pub revision: i64,
    pub version: VersionInfo,
    pub content: PolicyContent,
    pub era: Option<Era>,
}

/// A policy in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySummary {
    pub key: PolicyKey,
    pub revision: i64,
    pub latest_stage: Option<Stage>,
    pub versions: i64,
}

/// The working copy of a policy: what the editor edits until it publishes.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkingCopy {
    pub key: PolicyKey,
    /// The policy's revision: name it in the next write.
    pub revision: i64,
    pub stage: Stage,
    pub base_version: Option<i64>,
    pub edited: bool,
    pub updated_at: String,
    pub author: String,
    pub content: PolicyContent,
    pub era: Option<Era>,
    /// Set while the working copy waits for the approver.
    pub submitted: Option<Submission>,
    /// The approver's note when the working copy was last returned to the editors.
    pub review_note: Option<String>,
}

/// Who submitted a working copy to the approver, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub at: String,
    pub by: String,
}

/// A policy in the editors' list: published or not, with its working copy's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftSummary {
    pub key: PolicyKey,
    pub revision: i64,
    /// The stage the working copy will be published as.
    pub stage: Stage,
    pub latest_stage: Option<Stage>,
    pub versions: i64,
    pub edited: bool,
    pub submitted: Option<Submission>,
    pub updated_at: String,
    pub author: String,
}

/// An account. The password hash is not part of it: only [`Store::login_record`] gives it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub organization: Option<Organization>,
    pub disabled: bool,
    pub created_at: String,
}

/// An account to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub name: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub organization: Option<Organization>,
    /// An argon2id PHC string.
    pub password_hash: String,
}

/// A change to an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserChange {
    /// A new argon2id PHC string. Ends every session of the account.
    Password(String),
    Role {
        role: Role,
        organization: Option<Organization>,
    },
    /// Disabling ends every session of the account.
    Disabled(bool),
}

/// A signed-in browser, found by the SHA-256 of its cookie token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// One indicator series (an indicator across years) of an organization.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub id: i64,
    pub organization: Organization,
    pub common_key: Option<String>,
    pub points: Vec<SeriesPoint>,
}

/// One year of a series.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesPoint {
    pub fiscal_year: FiscalYear,
    pub issue: Option<String>,
    pub number: Option<i64>,
    pub wording: String,
    pub target: Option<String>,
    pub actual: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub published_mark: Option<String>,
    pub computed_mark: Option<String>,
    /// The survey or statistic the value comes from, as the document names it.
    pub data_source: Option<String>,
    /// The survey's sample size that year, when the policy gives it.
    pub sample_size: Option<i64>,
    pub version_id: i64,
}

/// One organization's row in a league table of a common indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct LeagueRow {
    pub rank: usize,
    pub organization: Organization,
    pub series_id: i64,
    pub point: SeriesPoint,
}

/// A search hit: the policy, the field and a snippet.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub key: PolicyKey,
    pub version_id: i64,
    pub field: String,
    pub snippet: String,
    pub score: u32,
}

/// Narrows a search to one organization and/or one fiscal year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchFilter {
    pub organization: Option<Organization>,
    pub fiscal_year: Option<FiscalYear>,
}

/// A policy with the marks of its own year's indicators: what the home page's matrix shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyOverview {
    pub summary: PolicySummary,
    /// Indicators of the policy's own year, and how many of them the ward marked A and B.
    pub indicators: u64,
    pub published_a: u64,
    pub published_b: u64,
    /// How many Hoshin computed as A and B.
    pub computed_a: u64,
    pub computed_b: u64,
    /// How many have both marks and the two differ.
    pub differing: u64,
}

/// One indicator-year with its organization and series: a row of the open data for a fiscal year.
#[derive(Clone, Debug, PartialEq)]
pub struct YearRow {
    pub organization: Organization,
    pub series_id: i64,
    pub common_key: Option<String>,
    pub point: SeriesPoint,
}

/// How many rows of each kind the database holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub organizations: u64,
    pub policies: u64,
    pub versions: u64,
    pub series: u64,
    pub indicator_years: u64,
    pub audit_entries: u64,
}

impl Counts {
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The storage of Hoshin. The web layer holds it as `Arc<dyn Store>`.
#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;

    /// Imports a document as a published version of its policy, in one transaction: the policy and its
    /// organization are created when new, the version is appended, series rows and the search index are
    /// updated, and the working copy follows unless it holds unpublished edits.
    async fn import(&self, import: NewImport) -> Result<Imported>;

    async fn policies(&self) -> Result<Vec<PolicySummary>>;
    /// Every published policy with the mark counts of its own year's indicators, ordered by city, name and
    /// year. Policies that have only a working copy are not in it.
    async fn overview(&self) -> Result<Vec<PolicyOverview>>;
    async fn versions(&self, key: &PolicyKey) -> Result<Vec<VersionInfo>>;
    /// The latest published version of a policy.
    async fn latest(&self, key: &PolicyKey) -> Result<StoredPolicy>;
    /// One published version by id.
    async fn version(&self, id: i64) -> Result<StoredPolicy>;

    async fn working_copy(&self, key: &PolicyKey) -> Result<WorkingCopy>;
    /// Saves edits to the working copy. `expected_revision` is the revision the editor read; when the policy
    /// has been written since, nothing is saved and the error is [`StoreError::Conflict`].
    async fn save_working_copy(
        &self,
        key: &PolicyKey,
        expected_revision: i64,
        stage: Stage,
        content: &PolicyContent,
        author: &str,
    ) -> Result<i64>;
    /// Publishes the working copy as a new immutable version, with the same revision check. Clears the
    /// submission.
    async fn publish(&self, key: &PolicyKey, expected_revision: i64, author: &str) -> Result<VersionInfo>;
    /// Creates a policy that has no published version yet: only a working copy to be edited (next year's
    /// first draft from roll-over). [`StoreError::Conflict`] when the policy exists.
    async fn create_draft(
        &self,
        key: &PolicyKey,
        stage: Stage,
        content: &PolicyContent,
        author: &str,
    ) -> Result<WorkingCopy>;
    /// Submits the working copy to the approver, to be published as `stage`.
    async fn submit(&self, key: &PolicyKey, expected_revision: i64, stage: Stage, author: &str) -> Result<i64>;
    /// Takes a submission back (the editor) or returns it with a note (the approver).
    async fn withdraw(&self, key: &PolicyKey, expected_revision: i64, note: Option<&str>, author: &str) -> Result<i64>;
    /// Every policy, published or not, with its working copy's state, ordered by city, name and year.
    async fn drafts(&self) -> Result<Vec<DraftSummary>>;
    /// The audit entries of one policy, newest first.
    async fn policy_audit(&self, key: &PolicyKey, limit: usize) -> Result<Vec<AuditEntry>>;

    /// Creates an account. [`StoreError::Conflict`] when the name is taken.
    async fn create_user(&self, user: &NewUser, actor: &str) -> Result<User>;
    async fn users(&self) -> Result<Vec<User>>;
    async fn user(&self, name: &str) -> Result<User>;
    /// The account and its password hash, for signing in.
    async fn login_record(&self, name: &str) -> Result<(User, String)>;
    async fn update_user(&self, name: &str, change: &UserChange, actor: &str) -> Result<User>;
    /// Records a session: the SHA-256 (hex) of its token, its CSRF token and the time (Unix seconds).
    async fn create_session(&self, token_hash: &str, user_id: i64, csrf_token: &str, now: i64) -> Result<()>;
    /// The session of a token hash with its account, unless the account is disabled.
    async fn session(&self, token_hash: &str) -> Result<Option<Session>>;
    async fn touch_session(&self, token_hash: &str, now: i64) -> Result<()>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Ends every session of an account; returns how many there were.
    async fn delete_sessions(&self, user_id: i64) -> Result<u64>;
    /// Ends sessions last seen before `before` (Unix seconds); returns how many.
    async fn delete_stale_sessions(&self, before: i64) -> Result<u64>;

    /// Adds a member to an organization's council, optionally linked to a council-member account.
    async fn add_council_member(&self, member: &NewCouncilMember, actor: &str) -> Result<CouncilMember>;
    /// An organization's council members, newest term first.
    async fn council_members(&self, organization: &Organization) -> Result<Vec<CouncilMember>>;
    /// The council member an account is, in its newest term.
    async fn council_member_of(&self, user: &str) -> Result<Option<CouncilMember>>;
    async fn add_meeting(&self, meeting: &NewMeeting, actor: &str) -> Result<Meeting>;
    /// An organization's meetings, newest first.
    async fn meetings(&self, organization: &Organization) -> Result<Vec<Meeting>>;
    /// Records an opinion about an item of a policy, tied to its latest published version. The opinion box's
    /// wait for moderation; the rest are published at once. `actor` is empty for the public opinion box.
    async fn add_opinion(&self, opinion: &NewOpinion, actor: &str) -> Result<Opinion>;
    async fn opinion(&self, id: i64) -> Result<Opinion>;
    /// Opinions with their responses, newest first.
    async fn opinions(&self, filter: &OpinionFilter) -> Result<Vec<Opinion>>;
    /// Publishes (with the text given) or rejects a pending opinion. [`StoreError::Conflict`] when it was
    /// moderated already.
    async fn moderate_opinion(&self, id: i64, decision: &Moderation, actor: &str) -> Result<Opinion>;
    /// Records or replaces the ward's response to a published opinion.
    async fn respond_to_opinion(&self, id: i64, response: &NewResponse, actor: &str) -> Result<Opinion>;
    /// Records or replaces a member's rating of an issue's results of a fiscal year.
    async fn rate_results(
        &self,
        member_id: i64,
        fiscal_year: FiscalYear,
        issue: &str,
        score: u8,
        comment: Option<&str>,
        actor: &str,
    ) -> Result<()>;
    async fn council_ratings(&self, organization: &Organization, fiscal_year: FiscalYear)
        -> Result<Vec<CouncilRating>>;
    /// Records or replaces a member's answer to the feedback question of a fiscal year.
    async fn answer_feedback(&self, member_id: i64, fiscal_year: FiscalYear, answer: bool, actor: &str) -> Result<()>;
    async fn council_feedback(
        &self,
        organization: &Organization,
        fiscal_year: FiscalYear,
    ) -> Result<Vec<CouncilFeedback>>;
    /// Published versions, opinions (pending ones too when asked) and responses, newest first, of one
    /// organization or of all.
    async fn council_events(
        &self,
        organization: Option<&Organization>,
        include_pending: bool,
        limit: usize,
    ) -> Result<Vec<CouncilEvent>>;
    /// Records a city administrator's decision on a suggested common indicator; a confirmed group gives its
    /// key to its member series. [`StoreError::Conflict`] when the key is decided or a member belongs to
    /// another common indicator.
    async fn decide_common_group(&self, group: &CommonGroup, actor: &str) -> Result<()>;
    /// The decided common indicators, by key.
    async fn common_groups(&self) -> Result<Vec<CommonGroup>>;
    /// The newest event time an account has seen in its inbox.
    async fn inbox_seen(&self, user_id: i64) -> Result<Option<String>>;
    async fn mark_inbox_seen(&self, user_id: i64, at: &str) -> Result<()>;

    /// The series of an organization, each with every year.
    async fn organization_series(&self, organization: &Organization) -> Result<Vec<Series>>;
    async fn series(&self, id: i64) -> Result<Series>;
    /// Every organization's value of a common indicator in a year, best first.
    async fn league_table(&self, common_key: &str, fiscal_year: FiscalYear) -> Result<Vec<LeagueRow>>;
    /// Every indicator-year of a fiscal year across organizations, by organization, issue and number.
    async fn year_rows(&self, fiscal_year: FiscalYear) -> Result<Vec<YearRow>>;
    /// The fiscal years that hold any indicator-year, oldest first.
    async fn fiscal_years(&self) -> Result<Vec<FiscalYear>>;

    /// Searches the latest version of every policy. Hits are ranked by score, then year (newest first),
    /// organization and field order.
    async fn search(&self, query: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<SearchHit>>;

    /// How much the database holds.
    async fn counts(&self) -> Result<Counts>;

    /// A number that changes whenever the data changes (every change is in the audit log): what readers
    /// such as the web cache compare to know that what they hold is current. Cheap to ask.
    async fn generation(&self) -> Result<i64>;

    /// The audit log, newest first.
    async fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>>;

    /// Runs the database's own integrity check and Hoshin's invariants (every policy has a working copy,
    /// every version's document reads); an `Err` says what is wrong.
    async fn check(&self) -> Result<()>;

    /// Builds the search index again from every policy's latest version, in one transaction; returns the
    /// number of entries.
    async fn reindex(&self) -> Result<u64>;

    /// Closes every connection, waiting for those in use. On SQLite the last one to close checkpoints the WAL
    /// into the database file and removes it: after a load of a national dump, half a gigabyte.
    async fn close(&self);

    /// Writes the whole database in the dump format (docs/DUMP.md) from one consistent snapshot.
    async fn dump(&self, out: &mut (dyn std::io::Write + Send)) -> Result<DumpStats>;
    /// Reads a dump into this database, which must be empty, in one transaction.
    async fn load(&self, input: &mut (dyn std::io::BufRead + Send)) -> Result<DumpStats>;
    /// Takes a consistent backup into a new file while the database is in use ([`restore`] reads it back).
    async fn backup(&self, path: &std::path::Path) -> Result<()>;
}

/// Imports many documents with at most `jobs` imports running at once (each its own transaction), stopping
/// at the first error. Documents that depend on each other (years of one organization) belong in separate
/// calls, in order.
pub async fn import_concurrently(store: &Arc<dyn Store>, imports: Vec<NewImport>, jobs: usize) -> Result<()> {
    let mut pending = imports.into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < jobs.max(1) {
            let Some(import) = pending.next() else { break };
            let store = store.clone();
            running.spawn(async move { store.import(import).await });
        }
        let Some(done) = running.join_next().await else { return Ok(()) };
        done.map_err(|error| StoreError::Database(format!("an import task failed: {error}")))??;
    }
}

/// Where the data lives, read from `--database` or `HOSHIN_DATABASE_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// Reads `sqlite:PATH`, `sqlite://PATH` or `postgres://…` (also `postgresql://…`).
    pub fn parse(url: &str) -> Result<DatabaseUrl> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.to_string()));
            }
            return Ok(DatabaseUrl::Sqlite(path.into()));
        }
        Err(StoreError::BadUrl(url.to_string()))
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(url),
        }
    }
}

/// Opens the database, creating an SQLite file when missing, and applies pending migrations.
pub async fn open(url: &DatabaseUrl) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::open(url).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(DatabaseUrl::parse("sqlite:data/h.db").unwrap(), DatabaseUrl::Sqlite("data/h.db".into()));
        assert_eq!(DatabaseUrl::parse("sqlite:///tmp/h.db").unwrap(), DatabaseUrl::Sqlite("/tmp/h.db".into()));
        assert!(matches!(DatabaseUrl::parse("postgres://u@localhost:5432/h"), Ok(DatabaseUrl::Postgres(_))));
        assert!(matches!(DatabaseUrl::parse("mysql://x"), Err(StoreError::BadUrl(_))));
        assert!(matches!(DatabaseUrl::parse("sqlite:"), Err(StoreError::BadUrl(_))));
    }
}
