//! The one implementation of [`Store`] for both engines, over sqlx's `Any` driver.
//!
//! SQL is written once with `$1, $2, …` placeholders, numbered in order of first appearance (SQLite reads
//! `$N` as a named parameter and numbers them in that order). The statements that differ between the
//! engines — the search index and the integrity check — branch on [`Backend`].

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use hoshin_core::{
    common_indicator, judge, match_lineage, FiscalYear, Indicator, IndicatorKind, IssueId, LineageKey, Organization,
    OrganizationKind, PolicyContent, Rule, Stage,
};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Row, Transaction};

use crate::document;
use crate::index::{self, IndexBuild, IndexedVersion};
use crate::search::{self, Query};
use crate::{
    AuditEntry, Backend, CommonGroup, CouncilEvent, CouncilFeedback, CouncilMember, CouncilRating, Counts, DatabaseUrl,
    DraftSummary, Imported, LeagueRow, Meeting, Moderation, NewCouncilMember, NewImport, NewMeeting, NewOpinion,
    NewResponse, NewUser, Opinion, OpinionFilter, PolicyKey, PolicyOverview, PolicySummary, Result, SearchFilter,
    SearchHit, Series, SeriesPoint, Session, Source, Store, StoreError, StoredPolicy, User, UserChange, VersionInfo,
    WorkingCopy, YearRow,
};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A store on SQLite or PostgreSQL.
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// What the pool connects to; PostgreSQL's load opens a connection of its own to it (`copy.rs`).
    connect_url: String,
}

impl SqlStore {
    /// Connects, creating an SQLite file (and its directory) when missing, and applies pending migrations.
    pub async fn open(url: &DatabaseUrl) -> Result<SqlStore> {
        sqlx::any::install_default_drivers();
        let (backend, connect_url) = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|error| {
                        StoreError::Database(format!("cannot create the directory {}: {error}", parent.display()))
                    })?;
                }
                (Backend::Sqlite, format!("sqlite://{}?mode=rwc", path.display()))
            }
            DatabaseUrl::Postgres(url) => (Backend::Postgres, url.clone()),
        };
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            // A connection that comes back still in a transaction is closed, not reused. After a full disk,
            // SQLite rolls a failed transaction back by itself; sqlx's own ROLLBACK then fails and its count of
            // open transactions stays at one, so every later transaction on that connection would fail
            // ("begin_with at non-zero transaction depth"). Found by the fault tests.
            .after_release(|connection, _| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(connection)) })
            });
        let options = if backend == Backend::Sqlite {
            // A connection opened while the file was read-only stays read-only; renewing connections lets the
            // server write again within this long after the file becomes writable. Found by the fault tests.
            options.max_lifetime(std::time::Duration::from_secs(20)).after_connect(|connection, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *connection).await?;
                    sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *connection).await?;
                    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *connection).await?;
                    // 32 MB of page cache per connection (SQLite's default is 2 MB): a search over a national data
                    // set reads a few thousand entries, which then stay in memory for the next one.
                    sqlx::query("PRAGMA cache_size = -32768").execute(&mut *connection).await?;
                    Ok(())
                })
            })
        } else {
            // When the server is down, a request waits this long for a connection and then says so (a 503
            // that names the fault), rather than hanging for sqlx's default 30 s. Found by the fault tests.
            options.acquire_timeout(std::time::Duration::from_secs(5)).after_connect(|connection, _| {
                Box::pin(async move {
                    // Documents are compressed with LZ4 rather than PostgreSQL's own pglz: several times faster
                    // to write and to read, for a little more space (a load took 15 % less time). A server built
                    // without LZ4 refuses the setting and keeps pglz.
                    let _ = sqlx::query(LZ4).execute(&mut *connection).await;
                    Ok(())
                })
            })
        };
        let pool = options.connect(&connect_url).await?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        }
        let store = SqlStore { pool, backend, connect_url };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations. A migration that changes how search is indexed empties the entries
    /// (SQLite 0007); they are rebuilt here, in one transaction, when versions exist but no entry does.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        const UNINDEXED: &str = "SELECT CASE WHEN EXISTS (SELECT 1 FROM versions) \
             AND NOT EXISTS (SELECT 1 FROM search_entries) THEN 1 ELSE 0 END AS unindexed";
        let unindexed: i64 = sqlx::query(UNINDEXED).fetch_one(&self.pool).await?.try_get("unindexed")?;
        if unindexed == 1 {
            let mut tx = self.write_transaction().await?;
            // Another server opening the same database may have rebuilt the index meanwhile: ask again, holding
            // the lock that the other one's rebuild held (SQLite's write lock; a self-exclusive lock on the table
            // on PostgreSQL), so that the index is rebuilt once, not twice over.
            if self.backend == Backend::Postgres {
                sqlx::query("LOCK TABLE search_entries IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
            }
            let unindexed: i64 = sqlx::query(UNINDEXED).fetch_one(&mut *tx).await?.try_get("unindexed")?;
            if unindexed == 1 {
                self.rebuild_search(&mut tx).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a deferred transaction that reads first and then writes fails with SQLITE_BUSY when another writer got
    /// there in between, without waiting; an immediate one waits its turn (busy_timeout).
    pub(crate) async fn write_transaction(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub(crate) fn backend_kind(&self) -> Backend {
        self.backend
    }

    pub(crate) fn connect_url(&self) -> &str {
        &self.connect_url
    }

    /// Closes every connection (SQLite: the WAL is checkpointed into the database file).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// PostgreSQL compresses documents with LZ4 on every connection of the store (see `SqlStore::open`).
pub(crate) const LZ4: &str = "SET default_toast_compression = 'lz4'";

/// The time now, as RFC 3339 UTC with milliseconds (sorts as text).
pub(crate) fn now() -> String {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from(since.as_secs()).unwrap_or(0);
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = hoshin_core::era::date_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

fn kind_code(kind: OrganizationKind) -> &'static str {
    match kind {
        OrganizationKind::Ward => "ward",
        OrganizationKind::Bureau => "bureau",
    }
}

pub(crate) fn organization_from(city: String, name: String) -> Organization {
    Organization::new(&name, (!city.is_empty()).then_some(city.as_str()))
}

fn stage_from(code: &str) -> Result<Stage> {
    Stage::from_code(code).ok_or_else(|| StoreError::Database(format!("unknown stage code 「{code}」 in the database")))
}

pub(crate) fn fiscal_year_from(value: i64) -> Result<FiscalYear> {
    i32::try_from(value)
        .ok()
        .and_then(FiscalYear::new)
        .ok_or_else(|| StoreError::Database(format!("invalid fiscal year {value} in the database")))
}

/// The audit log's name for a policy: `policy:CITY/NAME/YEAR`.
pub fn entity(key: &PolicyKey) -> String {
    format!(
        "policy:{}/{}/{}",
        key.organization.city.as_deref().unwrap_or(""),
        key.organization.name,
        key.fiscal_year.start_year()
    )
}

fn audit_entry_from(row: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        before: row.try_get("before")?,
        after: row.try_get("after")?,
    })
}

fn submission_from(row: &AnyRow) -> Result<Option<crate::Submission>> {
    let at: Option<String> = row.try_get("submitted_at")?;
    let by: Option<String> = row.try_get("submitted_by")?;
    Ok(at.map(|at| crate::Submission { at, by: by.unwrap_or_default() }))
}

fn json_string(value: &serde_json::Value) -> String {
    value.to_string()
}

const VERSION_COLUMNS: &str =
    "v.id, v.seq, v.stage, v.created_at, v.author, v.source_kind, v.source_name, v.source_hash";

fn version_from(row: &AnyRow) -> Result<VersionInfo> {
    let source = match row.try_get::<String, _>("source_kind")?.as_str() {
        "import" => Source::Import {
            file_name: row.try_get::<Option<String>, _>("source_name")?.unwrap_or_default(),
            sha256: row.try_get::<Option<String>, _>("source_hash")?.unwrap_or_default(),
        },
        _ => Source::Editor,
    };
    Ok(VersionInfo {
        id: row.try_get("id")?,
        seq: row.try_get("seq")?,
        stage: stage_from(&row.try_get::<String, _>("stage")?)?,
        created_at: row.try_get("created_at")?,
        author: row.try_get("author")?,
        source,
    })
}

/// The policy's id and revision, or `None`.
async fn find_policy(tx: &mut Transaction<'_, Any>, key: &PolicyKey) -> Result<Option<(i64, i64)>> {
    let row = sqlx::query(
        "SELECT p.id, p.revision FROM policies p JOIN organizations o ON o.id = p.organization_id \
         WHERE o.city = $1 AND o.name = $2 AND p.fiscal_year = $3",
    )
    .bind_organization(&key.organization)
    .bind(i64::from(key.fiscal_year.start_year()))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        Some(row) => Some((row.try_get("id")?, row.try_get("revision")?)),
        None => None,
    })
}

fn not_found(key: &PolicyKey) -> StoreError {
    StoreError::NotFound(format!(
        "no policy of {} for fiscal year {}",
        key.organization.name,
        key.fiscal_year.start_year()
    ))
}

/// Claims the next revision of a policy for a write: the writer read `expected`, the policy is at `current`
/// (read in this transaction). Bumps the revision only if nobody else did in between — PostgreSQL's default
/// isolation does not hold the row between the read and the update, so the update is guarded too.
async fn claim_revision(
    tx: &mut Transaction<'_, Any>,
    key: &PolicyKey,
    policy_id: i64,
    expected: i64,
    current: i64,
) -> Result<i64> {
    let changed = |detail: String| {
        StoreError::Conflict(format!(
            "the policy of {} for fiscal year {} has changed since it was read ({detail}): reload it and apply the \
             edits again",
            key.organization.name,
            key.fiscal_year.start_year()
        ))
    };
    if expected != current {
        return Err(changed(format!("revision {expected} read, {current} now")));
    }
    let updated = sqlx::query("UPDATE policies SET revision = revision + 1 WHERE id = $1 AND revision = $2")
        .bind(policy_id)
        .bind(expected)
        .execute(&mut **tx)
        .await?;
    if updated.rows_affected() != 1 {
        return Err(changed("another writer wrote at the same time".into()));
    }
    Ok(expected + 1)
}

/// Appends an immutable version to a policy, numbered after the last.
async fn append_version(
    tx: &mut Transaction<'_, Any>,
    policy_id: i64,
    stage: Stage,
    author: &str,
    source: &Source,
    document: &str,
) -> Result<VersionInfo> {
    let seq: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS seq FROM versions WHERE policy_id = $1")
        .bind(policy_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get::<i64, _>("seq")?
        + 1;
    let created_at = now();
    let (source_kind, source_name, source_hash) = match source {
        Source::Import { file_name, sha256 } => ("import", Some(file_name.clone()), Some(sha256.clone())),
        Source::Editor => ("editor", None, None),
    };
    let row = sqlx::query(
        "INSERT INTO versions (policy_id, seq, stage, created_at, author, source_kind, source_name, source_hash, document) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(policy_id)
    .bind(seq)
    .bind(stage.code())
    .bind(created_at.clone())
    .bind(author.to_string())
    .bind(source_kind)
    .bind(source_name)
    .bind(source_hash)
    .bind(document.to_string())
    .fetch_one(&mut **tx)
    .await?;
    Ok(VersionInfo {
        id: row.try_get("id")?,
        seq,
        stage,
        created_at,
        author: author.to_string(),
        source: source.clone(),
    })
}

pub(crate) async fn audit(
    tx: &mut Transaction<'_, Any>,
    actor: &str,
    action: &str,
    entity: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<()> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, entity, before, after) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(now())
        .bind(actor.to_string())
        .bind(action.to_string())
        .bind(entity.to_string())
        .bind(before)
        .bind(after)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl SqlStore {
    /// The id of an organization, created when new.
    pub(crate) async fn organization_id(
        &self,
        tx: &mut Transaction<'_, Any>,
        organization: &Organization,
    ) -> Result<i64> {
        sqlx::query(
            "INSERT INTO organizations (city, name, kind) VALUES ($1, $2, $3) ON CONFLICT (city, name) DO NOTHING",
        )
        .bind_organization(organization)
        .bind(kind_code(organization.kind))
        .execute(&mut **tx)
        .await?;
        self.existing_organization_id(tx, organization).await
    }

    /// The id of an organization the database holds; [`StoreError::NotFound`] otherwise.
    pub(crate) async fn existing_organization_id(
        &self,
        tx: &mut Transaction<'_, Any>,
        organization: &Organization,
    ) -> Result<i64> {
        let row = sqlx::query("SELECT id FROM organizations WHERE city = $1 AND name = $2")
            .bind_organization(organization)
            .fetch_optional(&mut **tx)
            .await?;
        match row {
            Some(row) => Ok(row.try_get("id")?),
            None => Err(StoreError::NotFound(format!("no organization 「{}」", organization.name))),
        }
    }

    /// Links the version's indicators to series (lineage) and writes their rows. Returns (continued, new).
    async fn write_series(
        &self,
        tx: &mut Transaction<'_, Any>,
        organization_id: i64,
        fiscal_year: FiscalYear,
        version_id: i64,
        content: &PolicyContent,
    ) -> Result<(usize, usize)> {
        let fy = i64::from(fiscal_year.start_year());
        // The latest row of every series of the organization up to this year: what the indicators of this
        // policy may continue.
        let rows = sqlx::query(
            "SELECT s.id, s.kind, iy.issue, iy.number, iy.wording, iy.fiscal_year FROM series s \
             JOIN indicator_years iy ON iy.series_id = s.id \
             WHERE s.organization_id = $1 AND iy.fiscal_year <= $2 ORDER BY s.id, iy.fiscal_year DESC",
        )
        .bind(organization_id)
        .bind(fy)
        .fetch_all(&mut **tx)
        .await?;
        struct Earlier {
            id: i64,
            kind: String,
            issue: Option<IssueId>,
            number: Option<u32>,
            wording: String,
        }
        let mut earlier: Vec<Earlier> = Vec::new();
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            if earlier.last().is_some_and(|last| last.id == id) {
                continue;
            }
            earlier.push(Earlier {
                id,
                kind: row.try_get("kind")?,
                issue: row.try_get::<Option<String>, _>("issue")?.as_deref().and_then(IssueId::parse),
                number: row.try_get::<Option<i64>, _>("number")?.and_then(|n| u32::try_from(n).ok()),
                wording: row.try_get("wording")?,
            });
        }
        let indicators = content.indicators();
        let (mut continued, mut created) = (0, 0);
        let mut year_rows: Vec<Vec<Param>> = Vec::new();
        for kind in [IndicatorKind::Outcome, IndicatorKind::Process] {
            let code = indicator_kind_code(kind);
            let before: Vec<&Earlier> = earlier.iter().filter(|e| e.kind == code).collect();
            let now: Vec<&(Option<IssueId>, &Indicator)> =
                indicators.iter().filter(|(_, indicator)| indicator.kind == kind).collect();
            let before_keys: Vec<LineageKey<'_>> =
                before.iter().map(|e| LineageKey { issue: e.issue, number: e.number, wording: &e.wording }).collect();
            let now_keys: Vec<LineageKey<'_>> = now
                .iter()
                .map(|(issue, indicator)| LineageKey {
                    issue: *issue,
                    number: indicator.number,
                    wording: &indicator.wording,
                })
                .collect();
            let matches = match_lineage(&before_keys, &now_keys);
            let fresh = matches.iter().filter(|matched| matched.is_none()).count();
            let mut fresh_ids = reserve_ids(tx, self.backend, "series", fresh).await?.into_iter();
            let mut series_rows = Vec::with_capacity(fresh);
            for ((issue, indicator), matched) in now.iter().zip(matches) {
                let series_id = match matched {
                    Some(matched) => {
                        continued += 1;
                        before[matched.earlier].id
                    }
                    None => {
                        created += 1;
                        let id =
                            fresh_ids.next().ok_or_else(|| StoreError::Database("no series id reserved".into()))?;
                        let common = common_indicator(&indicator.wording).map(|(common, _)| common.key.to_string());
                        series_rows.push(vec![
                            Param::Int(Some(id)),
                            Param::Int(Some(organization_id)),
                            Param::Text(common),
                            Param::Text(Some(code.to_string())),
                            Param::Int(Some(fy)),
                        ]);
                        id
                    }
                };
                for point in points(fiscal_year, *issue, indicator) {
                    year_rows.push(vec![
                        Param::Int(Some(series_id)),
                        Param::Int(Some(i64::from(point.fiscal_year.start_year()))),
                        Param::Int(Some(version_id)),
                        Param::Int(Some(point.rank)),
                        Param::Text(point.issue),
                        Param::Int(point.number),
                        Param::Text(Some(point.wording)),
                        Param::Text(point.target),
                        Param::Text(point.actual),
                        Param::Real(point.value),
                        Param::Text(point.unit),
                        Param::Text(point.published_mark),
                        Param::Text(point.computed_mark),
                        Param::Text(point.data_source),
                        Param::Int(point.sample_size),
                    ]);
                }
            }
            insert_rows(
                tx,
                self.backend,
                "INSERT INTO series (id, organization_id, common_key, kind, first_year)",
                &["{}"; 5],
                &series_rows,
                "",
            )
            .await?;
        }
        // A row printed in two policies (a history) is kept from the year's own policy (rank 2) over another's.
        // Two rows of one series and year in one statement would conflict with each other: the better one wins.
        year_rows.sort_by_key(|row| match (&row[0], &row[1], &row[3]) {
            (Param::Int(series), Param::Int(year), Param::Int(rank)) => (*series, *year, std::cmp::Reverse(*rank)),
            _ => (None, None, std::cmp::Reverse(None)),
        });
        year_rows.dedup_by(|later, kept| later[0..2] == kept[0..2]);
        insert_rows(
            tx,
            self.backend,
            "INSERT INTO indicator_years (series_id, fiscal_year, version_id, source_rank, issue, number, wording, \
             target, actual, value, unit, published_mark, computed_mark, data_source, sample_size)",
            &["{}"; 15],
            &year_rows,
            "ON CONFLICT (series_id, fiscal_year) DO UPDATE SET version_id = excluded.version_id, \
             source_rank = excluded.source_rank, issue = excluded.issue, number = excluded.number, \
             wording = excluded.wording, target = excluded.target, actual = excluded.actual, \
             value = excluded.value, unit = excluded.unit, published_mark = excluded.published_mark, \
             computed_mark = excluded.computed_mark, data_source = excluded.data_source, \
             sample_size = excluded.sample_size WHERE indicator_years.source_rank <= excluded.source_rank",
        )
        .await?;
        Ok((continued, created))
    }

    /// Throws the search index away and builds it again from every policy's latest version, in one
    /// transaction (on SQLite, searches meanwhile use the old index; on PostgreSQL, whose TRUNCATE and
    /// DROP INDEX lock the table, they wait): what `hoshin reindex` does when the index is suspected to be
    /// wrong, and what measures the index's own cost (docs/PERFORMANCE.md). Returns the number of entries.
    pub async fn reindex(&self) -> Result<u64> {
        let mut tx = self.write_transaction().await?;
        match self.backend {
            Backend::Sqlite => {
                // The gram index is contentless: its rows cannot be read back to be deleted one by one.
                sqlx::query("INSERT INTO search_grams (search_grams) VALUES ('delete-all')").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM search_entries").execute(&mut *tx).await?;
            }
            // No row refers to an entry; TRUNCATE leaves no dead rows behind for the index build to pass over.
            Backend::Postgres => {
                sqlx::query("TRUNCATE search_entries").execute(&mut *tx).await?;
            }
        }
        self.rebuild_search(&mut tx).await?;
        let entries: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM search_entries").fetch_one(&mut *tx).await?.try_get("n")?;
        tx.commit().await?;
        Ok(u64::try_from(entries).unwrap_or(0))
    }

    /// Rebuilds the search index of every policy from its latest version, into an empty index (after a
    /// migration emptied it, or from `reindex`).
    pub(crate) async fn rebuild_search(&self, tx: &mut Transaction<'_, Any>) -> Result<()> {
        let latest = sqlx::query(
            "SELECT v.policy_id, v.id, p.fiscal_year FROM versions v JOIN policies p ON p.id = v.policy_id \
             WHERE v.seq = (SELECT MAX(w.seq) FROM versions w WHERE w.policy_id = v.policy_id) ORDER BY v.policy_id",
        )
        .fetch_all(&mut **tx)
        .await?;
        let ids: Vec<(i64, i64, FiscalYear)> = latest
            .iter()
            .map(|row| {
                Ok((row.try_get("policy_id")?, row.try_get("id")?, fiscal_year_from(row.try_get("fiscal_year")?)?))
            })
            .collect::<Result<_>>()?;
        let mut build = IndexBuild::begin(tx, self.backend).await?;
        for chunk in ids.chunks(200) {
            let sql = format!("SELECT id, document FROM versions WHERE id IN ({})", placeholders(chunk.len()));
            let mut query = sqlx::query(trusted(sql));
            for (_, version_id, _) in chunk {
                query = query.bind(*version_id);
            }
            let mut documents: HashMap<i64, String> = query
                .persistent(false)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|row| Ok((row.try_get("id")?, row.try_get("document")?)))
                .collect::<Result<_>>()?;
            let versions = chunk
                .iter()
                .map(|&(policy_id, version_id, fiscal_year)| {
                    let document = documents
                        .remove(&version_id)
                        .ok_or_else(|| StoreError::NotFound(format!("version {version_id}")))?;
                    Ok(IndexedVersion { policy_id, version_id, fiscal_year, document, index: true, line: None })
                })
                .collect::<Result<_>>()?;
            build.add(tx, versions).await?;
        }
        build.finish(tx, &[]).await
    }

    async fn stored(
        &self,
        where_clause: &str,
        bind: impl FnOnce(QueryBuilder<'_>) -> QueryBuilder<'_>,
    ) -> Result<StoredPolicy> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS}, v.document, p.revision, p.fiscal_year, o.city, o.name FROM versions v \
             JOIN policies p ON p.id = v.policy_id JOIN organizations o ON o.id = p.organization_id WHERE {where_clause} \
             ORDER BY v.seq DESC LIMIT 1"
        );
        let row = bind(sqlx::query(trusted(sql)))
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound("no such version".into()))?;
        let (content, era) = document::from_json(&row.try_get::<String, _>("document")?)?;
        Ok(StoredPolicy {
            key: PolicyKey {
                organization: organization_from(row.try_get("city")?, row.try_get("name")?),
                fiscal_year: fiscal_year_from(row.try_get("fiscal_year")?)?,
            },
            revision: row.try_get("revision")?,
            version: version_from(&row)?,
            content,
            era,
        })
    }

    async fn series_points(&self, series_ids: &[i64]) -> Result<HashMap<i64, Vec<SeriesPoint>>> {
        let mut out: HashMap<i64, Vec<SeriesPoint>> = HashMap::new();
        for chunk in series_ids.chunks(500) {
            let sql = format!(
                "SELECT * FROM indicator_years WHERE series_id IN ({}) ORDER BY series_id, fiscal_year",
                placeholders(chunk.len())
            );
            let mut query = sqlx::query(trusted(sql));
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.pool).await? {
                out.entry(row.try_get("series_id")?).or_default().push(point_from(&row)?);
            }
        }
        Ok(out)
    }
}

/// A working copy (`w`) with its base version (`v`), and the document it holds: its own when it has one (it
/// was edited, or has no base), else its base version's (migration 0009).
pub(crate) const WORKING_COPY: &str = "working_copies w LEFT JOIN versions v ON v.id = w.base_version_id";
pub(crate) const WORKING_DOCUMENT: &str = "COALESCE(w.document, v.document)";

/// How many index candidates a search ranks at most: the newest fields first, so that a common word over a
/// national data set costs a bounded time. Both engines order candidates the same way, so they rank the same;
/// the index is asked for a few years at a time, newest first, so that the order needs no more than those.
const SEARCH_CANDIDATES: i64 = 3_000;
const CANDIDATE_ORDER: &str = "p.fiscal_year DESC, o.city, o.name, e.position";

/// What the index is asked for: every gram, and (when `years` names any) one of those years' tokens — an
/// FTS5 query on SQLite (`"防災" AND ("fy2024" OR "fy2023")`), a tsquery on PostgreSQL.
fn match_expression(backend: Backend, grams: &[String], years: &[i64]) -> Result<String> {
    let (quote, and, or, prefix) = match backend {
        Backend::Sqlite => ('"', " AND ", " OR ", "*"),
        Backend::Postgres => ('\'', " & ", " | ", ":*"),
    };
    let mut terms: Vec<String> = grams.iter().map(|gram| search::match_term(gram, quote, prefix)).collect();
    if !years.is_empty() {
        let tokens: Vec<String> = years
            .iter()
            .map(|year| fiscal_year_from(*year).map(|year| format!("{quote}{}{quote}", search::year_token(year))))
            .collect::<Result<_>>()?;
        terms.push(format!("({})", tokens.join(or)));
    }
    Ok(terms.join(and))
}

/// A value to bind in a multi-row statement.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Param {
    Int(Option<i64>),
    Text(Option<String>),
    Real(Option<f64>),
}

/// Inserts many rows with as few statements as the engines' parameter limits allow: one round trip per
/// statement is what an import costs, far more than the rows themselves. `cells` holds one SQL expression per
/// column with `{}` where the placeholder goes (`"{}"`, or `"array_to_tsvector(string_to_array({}, ' '))"`);
/// `tail` follows the VALUES list (an ON CONFLICT clause).
pub(crate) async fn insert_rows(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    head: &str,
    cells: &[&str],
    rows: &[Vec<Param>],
    tail: &str,
) -> Result<()> {
    for statement in insert_statements(backend, head, cells, rows.iter().cloned(), tail) {
        statement.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The statements that insert `rows`, as many to a statement as [`rows_per_statement`] allows, bound and
/// ready to run (a load builds them on another thread than the one that runs them).
pub(crate) fn insert_statements(
    backend: Backend,
    head: &str,
    cells: &[&str],
    rows: impl IntoIterator<Item = Vec<Param>>,
    tail: &str,
) -> Vec<QueryBuilder<'static>> {
    let mut rows = rows.into_iter().peekable();
    let mut statements = Vec::new();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Param>> = rows.by_ref().take(rows_per_statement(cells.len())).collect();
        statements.push(insert_statement(backend, head, cells, chunk.into_iter().map(Vec::into_iter), tail));
    }
    statements
}

/// `$1, $2, …, $count`: the placeholders of an `IN (…)` list.
pub(crate) fn placeholders(count: usize) -> String {
    (1..=count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// How many rows of `width` columns one statement inserts: within both engines' limits on parameters.
pub(crate) fn rows_per_statement(width: usize) -> usize {
    (30_000 / width.max(1)).clamp(1, 500)
}

/// One INSERT statement for `rows` (at most [`rows_per_statement`] of them), with its values bound: built apart
/// from its execution, so that a load can build the next while the database runs this one.
pub(crate) fn insert_statement<R: Iterator<Item = Param>>(
    backend: Backend,
    head: &str,
    cells: &[&str],
    rows: impl ExactSizeIterator<Item = R>,
    tail: &str,
) -> QueryBuilder<'static> {
    let width = cells.len().max(1);
    let count = rows.len();
    let mut sql = String::with_capacity(head.len() + count * width * 8 + tail.len());
    sql.push_str(head);
    sql.push_str(" VALUES ");
    // SQLite looks a named parameter ($N) up in a list, which makes thousands of them quadratic; anonymous
    // ones (?) bind by position, and every row reads the same.
    let sqlite_row = match backend {
        Backend::Sqlite => {
            format!("({})", cells.iter().map(|cell| cell.replace("{}", "?")).collect::<Vec<_>>().join(", "))
        }
        Backend::Postgres => String::new(),
    };
    for row in 0..count {
        if row > 0 {
            sql.push_str(", ");
        }
        match backend {
            Backend::Sqlite => sql.push_str(&sqlite_row),
            Backend::Postgres => {
                sql.push('(');
                for (column, cell) in cells.iter().enumerate() {
                    if column > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&cell.replace("{}", &format!("${}", row * width + column + 1)));
                }
                sql.push(')');
            }
        }
    }
    sql.push(' ');
    sql.push_str(tail);
    let mut query = sqlx::query(trusted(sql));
    for row in rows {
        for value in row {
            query = match value {
                Param::Int(value) => query.bind(value),
                Param::Text(value) => query.bind(value),
                Param::Real(value) => query.bind(value),
            };
        }
    }
    // Kept prepared on SQLite, where a load or an import repeats the same statement (the same number of rows)
    // many times. Not on PostgreSQL: sqlx's Any driver mis-types a NULL f64 in a prepared statement there.
    query.persistent(backend == Backend::Sqlite)
}

/// Reserves `n` consecutive new ids of `table` for rows inserted with explicit ids. On SQLite the write
/// transaction holds the database lock, so the ids after the largest are free; on PostgreSQL they come from
/// the identity sequence.
pub(crate) async fn reserve_ids(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    table: &str,
    n: usize,
) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    match backend {
        Backend::Sqlite => {
            let sql = format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}");
            let last: i64 = sqlx::query(trusted(sql)).fetch_one(&mut **tx).await?.try_get("id")?;
            Ok((1..=count).map(|i| last + i).collect())
        }
        Backend::Postgres => {
            let sql =
                format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, $1)");
            let rows = sqlx::query(trusted(sql)).bind(count).fetch_all(&mut **tx).await?;
            rows.iter().map(|row| Ok(row.try_get("id")?)).collect()
        }
    }
}

/// Hoshin's own invariant beyond the database's constraints: every policy has a working copy.
pub(crate) async fn check_working_copies<'e>(executor: impl sqlx::Executor<'e, Database = Any>) -> Result<()> {
    let orphans: i64 = sqlx::query(ORPHANS).fetch_one(executor).await?.try_get("n")?;
    orphans_found(orphans)
}

/// The policies without a working copy, counted (`n`).
pub(crate) const ORPHANS: &str =
    "SELECT COUNT(*) AS n FROM policies p WHERE NOT EXISTS (SELECT 1 FROM working_copies w WHERE w.policy_id = p.id)";

pub(crate) fn orphans_found(orphans: i64) -> Result<()> {
    if orphans > 0 {
        return Err(StoreError::Database(format!("{orphans} policies without a working copy")));
    }
    Ok(())
}

/// SQL assembled from this file's constants (column lists, placeholder counts) — never from input, which is
/// always bound as a parameter.
pub(crate) fn trusted(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

pub(crate) type QueryBuilder<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>;

/// Binds an organization as the next two parameters, the way every table stores it: its city (`''` for
/// none), then its name.
pub(crate) trait BindOrganization {
    fn bind_organization(self, organization: &Organization) -> Self;
}

impl BindOrganization for QueryBuilder<'_> {
    fn bind_organization(self, organization: &Organization) -> Self {
        self.bind(organization.city.clone().unwrap_or_default()).bind(organization.name.clone())
    }
}

fn point_from(row: &AnyRow) -> Result<SeriesPoint> {
    Ok(SeriesPoint {
        fiscal_year: fiscal_year_from(row.try_get("fiscal_year")?)?,
        issue: row.try_get("issue")?,
        number: row.try_get("number")?,
        wording: row.try_get("wording")?,
        target: row.try_get("target")?,
        actual: row.try_get("actual")?,
        value: row.try_get("value")?,
        unit: row.try_get("unit")?,
        published_mark: row.try_get("published_mark")?,
        computed_mark: row.try_get("computed_mark")?,
        data_source: row.try_get("data_source")?,
        sample_size: row.try_get("sample_size")?,
        version_id: row.try_get("version_id")?,
    })
}

fn indicator_kind_code(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Outcome => "outcome",
        IndicatorKind::Process => "process",
    }
}

/// One row to write for an indicator.
struct PointRow {
    fiscal_year: FiscalYear,
    rank: i64,
    issue: Option<String>,
    number: Option<i64>,
    wording: String,
    target: Option<String>,
    actual: Option<String>,
    value: Option<f64>,
    unit: Option<String>,
    published_mark: Option<String>,
    computed_mark: Option<String>,
    data_source: Option<String>,
    sample_size: Option<i64>,
}

/// The rows an indicator of a FY `fiscal_year` policy gives: that year's (rank 2) and the earlier years its
/// history and previous-year column print (rank 1).
fn points(fiscal_year: FiscalYear, issue: Option<IssueId>, indicator: &Indicator) -> Vec<PointRow> {
    let target = indicator.target.as_ref().map(|target| target.text().to_string());
    let parsed_target = indicator.target.as_ref().and_then(|target| target.target());
    let mut years: Vec<FiscalYear> = indicator.results.iter().map(|result| result.fiscal_year).collect();
    years.push(fiscal_year);
    let previous_year = fiscal_year.previous();
    if indicator.previous_actual.is_some() {
        years.extend(previous_year);
    }
    years.sort();
    years.dedup();
    years
        .into_iter()
        .map(|year| {
            let result = indicator.result(year);
            let actual = result
                .and_then(|result| result.actual.as_ref())
                .or_else(|| (Some(year) == previous_year).then_some(indicator.previous_actual.as_ref()).flatten());
            let quantity = actual.and_then(|actual| actual.quantity());
            let computed_mark = match (parsed_target, actual) {
                (Some(target), Some(actual)) if !actual.is_no_value() && year <= fiscal_year => {
                    let series = indicator.observations(year);
                    judge(target, &series, year, Rule::default()).mark().map(|mark| mark.letter().to_string())
                }
                _ => None,
            };
            let year_target = result.and_then(|result| result.year_target.as_ref()).map(|t| t.original.clone());
            PointRow {
                fiscal_year: year,
                rank: if year == fiscal_year { 2 } else { 1 },
                issue: issue.map(|issue| issue.to_string()),
                number: indicator.number.map(i64::from),
                wording: indicator.wording.clone(),
                target: year_target.or_else(|| target.clone()),
                actual: actual.map(|actual| actual.original.clone()),
                value: quantity.as_ref().map(|q| q.value.numerator() as f64 / q.value.denominator() as f64),
                unit: quantity.as_ref().map(|q| q.unit.symbol().to_string()).filter(|unit| !unit.is_empty()),
                published_mark: result
                    .and_then(|result| result.published_mark.as_ref())
                    .map(|mark| mark.mark.letter().to_string()),
                computed_mark,
                data_source: indicator.data_source.clone(),
                sample_size: indicator.sample_sizes.iter().find(|(y, _)| *y == year).map(|(_, n)| i64::from(*n)),
            }
        })
        .collect()
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn import(&self, import: NewImport) -> Result<Imported> {
        let mut tx = self.write_transaction().await?;
        let organization_id = self.organization_id(&mut tx, &import.key.organization).await?;
        let fy = i64::from(import.key.fiscal_year.start_year());
        let (policy_id, revision) = match find_policy(&mut tx, &import.key).await? {
            Some(found) => found,
            None => {
                let row = sqlx::query(
                    "INSERT INTO policies (organization_id, fiscal_year, revision) VALUES ($1, $2, 0) RETURNING id",
                )
                .bind(organization_id)
                .bind(fy)
                .fetch_one(&mut *tx)
                .await?;
                (row.try_get("id")?, 0)
            }
        };
        // The same file imported again writes nothing.
        if let Source::Import { sha256, .. } = &import.source {
            let sql = format!("SELECT {VERSION_COLUMNS} FROM versions v WHERE v.policy_id = $1 AND v.source_hash = $2");
            if let Some(row) =
                sqlx::query(trusted(sql)).bind(policy_id).bind(sha256.clone()).fetch_optional(&mut *tx).await?
            {
                let version = version_from(&row)?;
                tx.rollback().await?;
                return Ok(Imported {
                    version,
                    created: false,
                    working_copy_kept: false,
                    continued_series: 0,
                    new_series: 0,
                });
            }
        }
        let json = document::to_json(&import.content, import.era);
        let version = append_version(&mut tx, policy_id, import.stage, &import.author, &import.source, &json).await?;
        let (version_id, created_at) = (version.id, version.created_at.clone());
        claim_revision(&mut tx, &import.key, policy_id, revision, revision).await?;
        let edited = sqlx::query("SELECT edited FROM working_copies WHERE policy_id = $1")
            .bind(policy_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get::<i64, _>("edited"))
            .transpose()?;
        let working_copy_kept = edited == Some(1);
        if edited.is_none() {
            sqlx::query(
                "INSERT INTO working_copies (policy_id, base_version_id, stage, updated_at, author, edited, document) \
                 VALUES ($1, $2, $3, $4, $5, 0, NULL)",
            )
            .bind(policy_id)
            .bind(version_id)
            .bind(import.stage.code())
            .bind(created_at.clone())
            .bind(import.author.clone())
            .execute(&mut *tx)
            .await?;
        } else if !working_copy_kept {
            sqlx::query(
                "UPDATE working_copies SET base_version_id = $1, stage = $2, updated_at = $3, author = $4, document = NULL \
                 WHERE policy_id = $5",
            )
            .bind(version_id)
            .bind(import.stage.code())
            .bind(created_at.clone())
            .bind(import.author.clone())
            .bind(policy_id)
            .execute(&mut *tx)
            .await?;
        }
        let (continued_series, new_series) =
            self.write_series(&mut tx, organization_id, import.key.fiscal_year, version_id, &import.content).await?;
        index::write_policy(&mut tx, self.backend, policy_id, version_id, import.key.fiscal_year, &import.content)
            .await?;
        let (file_name, sha256) = match &import.source {
            Source::Import { file_name, sha256 } => (Some(file_name.as_str()), Some(sha256.as_str())),
            Source::Editor => (None, None),
        };
        let after = serde_json::json!({
            "version": version.seq,
            "stage": import.stage.code(),
            "file": file_name,
            "sha256": sha256,
            "indicators_continued": continued_series,
            "indicators_new": new_series,
        });
        audit(&mut tx, &import.author, "import", &entity(&import.key), None, Some(json_string(&after))).await?;
        tx.commit().await?;
        Ok(Imported { version, created: true, working_copy_kept, continued_series, new_series })
    }

    async fn policies(&self) -> Result<Vec<PolicySummary>> {
        let rows = sqlx::query(
            "SELECT o.city, o.name, p.fiscal_year, p.revision, \
             (SELECT COUNT(*) FROM versions v WHERE v.policy_id = p.id) AS versions, \
             (SELECT v.stage FROM versions v WHERE v.policy_id = p.id ORDER BY v.seq DESC LIMIT 1) AS stage \
             FROM policies p JOIN organizations o ON o.id = p.organization_id \
             ORDER BY o.city, o.name, p.fiscal_year",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PolicySummary {
                    key: PolicyKey {
                        organization: organization_from(row.try_get("city")?, row.try_get("name")?),
                        fiscal_year: fiscal_year_from(row.try_get("fiscal_year")?)?,
                    },
                    revision: row.try_get("revision")?,
                    latest_stage: row.try_get::<Option<String>, _>("stage")?.as_deref().map(stage_from).transpose()?,
                    versions: row.try_get("versions")?,
                })
            })
            .collect()
    }

    async fn overview(&self) -> Result<Vec<PolicyOverview>> {
        let summaries = self.policies().await?;
        let rows = sqlx::query(
            "SELECT o.city, o.name, iy.fiscal_year, COUNT(*) AS indicators, \
             SUM(CASE WHEN iy.published_mark = 'A' THEN 1 ELSE 0 END) AS published_a, \
             SUM(CASE WHEN iy.published_mark = 'B' THEN 1 ELSE 0 END) AS published_b, \
             SUM(CASE WHEN iy.computed_mark = 'A' THEN 1 ELSE 0 END) AS computed_a, \
             SUM(CASE WHEN iy.computed_mark = 'B' THEN 1 ELSE 0 END) AS computed_b, \
             SUM(CASE WHEN iy.published_mark IS NOT NULL AND iy.computed_mark IS NOT NULL \
                 AND iy.published_mark <> iy.computed_mark THEN 1 ELSE 0 END) AS differing \
             FROM indicator_years iy JOIN series s ON s.id = iy.series_id \
             JOIN organizations o ON o.id = s.organization_id \
             WHERE iy.source_rank = 2 GROUP BY o.city, o.name, iy.fiscal_year",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut counts: HashMap<(String, String, i64), [u64; 6]> = HashMap::new();
        for row in &rows {
            let mut values = [0u64; 6];
            for (value, column) in values.iter_mut().zip([
                "indicators",
                "published_a",
                "published_b",
                "computed_a",
                "computed_b",
                "differing",
            ]) {
                *value = u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0);
            }
            counts.insert((row.try_get("city")?, row.try_get("name")?, row.try_get("fiscal_year")?), values);
        }
        Ok(summaries
            .into_iter()
            .filter(|summary| summary.versions > 0)
            .map(|summary| {
                let key = (
                    summary.key.organization.city.clone().unwrap_or_default(),
                    summary.key.organization.name.clone(),
                    i64::from(summary.key.fiscal_year.start_year()),
                );
                let [indicators, published_a, published_b, computed_a, computed_b, differing] =
                    counts.get(&key).copied().unwrap_or_default();
                PolicyOverview { summary, indicators, published_a, published_b, computed_a, computed_b, differing }
            })
            .collect())
    }

    async fn versions(&self, key: &PolicyKey) -> Result<Vec<VersionInfo>> {
        let mut tx = self.pool.begin().await?;
        let (policy_id, _) = find_policy(&mut tx, key).await?.ok_or_else(|| not_found(key))?;
        let sql = format!("SELECT {VERSION_COLUMNS} FROM versions v WHERE v.policy_id = $1 ORDER BY v.seq");
        let rows = sqlx::query(trusted(sql)).bind(policy_id).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter().map(version_from).collect()
    }

    async fn latest(&self, key: &PolicyKey) -> Result<StoredPolicy> {
        let (city, name, fy) = (
            key.organization.city.clone().unwrap_or_default(),
            key.organization.name.clone(),
            i64::from(key.fiscal_year.start_year()),
        );
        self.stored("o.city = $1 AND o.name = $2 AND p.fiscal_year = $3", move |query| {
            query.bind(city).bind(name).bind(fy)
        })
        .await
        .map_err(|error| match error {
            StoreError::NotFound(_) => not_found(key),
            other => other,
        })
    }

    async fn version(&self, id: i64) -> Result<StoredPolicy> {
        self.stored("v.id = $1", move |query| query.bind(id)).await.map_err(|error| match error {
            StoreError::NotFound(_) => StoreError::NotFound(format!("no version with id {id}")),
            other => other,
        })
    }

    async fn working_copy(&self, key: &PolicyKey) -> Result<WorkingCopy> {
        let mut tx = self.pool.begin().await?;
        let (policy_id, revision) = find_policy(&mut tx, key).await?.ok_or_else(|| not_found(key))?;
        let sql = format!("SELECT w.*, {WORKING_DOCUMENT} AS current FROM {WORKING_COPY} WHERE w.policy_id = $1");
        let row =
            sqlx::query(trusted(sql)).bind(policy_id).fetch_optional(&mut *tx).await?.ok_or_else(|| not_found(key))?;
        tx.commit().await?;
        let (content, era) = document::from_json(&row.try_get::<String, _>("current")?)?;
        Ok(WorkingCopy {
            key: key.clone(),
            revision,
            stage: stage_from(&row.try_get::<String, _>("stage")?)?,
            base_version: row.try_get("base_version_id")?,
            edited: row.try_get::<i64, _>("edited")? == 1,
            updated_at: row.try_get("updated_at")?,
            author: row.try_get("author")?,
            content,
            era,
            submitted: submission_from(&row)?,
            review_note: row.try_get("review_note")?,
        })
    }

    async fn save_working_copy(
        &self,
        key: &PolicyKey,
        expected_revision: i64,
        stage: Stage,
        content: &PolicyContent,
        author: &str,
    ) -> Result<i64> {
        let mut tx = self.write_transaction().await?;
        let (policy_id, revision) = find_policy(&mut tx, key).await?.ok_or_else(|| not_found(key))?;
        let sql = format!("SELECT {WORKING_DOCUMENT} AS document FROM {WORKING_COPY} WHERE w.policy_id = $1");
        let before: String =
            sqlx::query(trusted(sql)).bind(policy_id).fetch_one(&mut *tx).await?.try_get("document")?;
        let (_, era) = document::from_json(&before)?;
        let era = era.or_else(|| key.fiscal_year.era_year().map(|(era, _)| era));
        let after = document::to_json(content, era);
        let revision = claim_revision(&mut tx, key, policy_id, expected_revision, revision).await?;
        sqlx::query(
            "UPDATE working_copies SET stage = $1, updated_at = $2, author = $3, edited = 1, document = $4, \
             submitted_at = NULL, submitted_by = NULL WHERE policy_id = $5",
        )
        .bind(stage.code())
        .bind(now())
        .bind(author.to_string())
        .bind(after.clone())
        .bind(policy_id)
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, author, "edit", &entity(key), Some(before), Some(after)).await?;
        tx.commit().await?;
        Ok(revision)
    }

    async fn publish(&self, key: &PolicyKey, expected_revision: i64, author: &str) -> Result<VersionInfo> {
        let mut tx = self.write_transaction().await?;
        let (policy_id, revision) = find_policy(&mut tx, key).await?.ok_or_else(|| not_found(key))?;
        claim_revision(&mut tx, key, policy_id, expected_revision, revision).await?;
        let sql = format!("SELECT w.stage, {WORKING_DOCUMENT} AS document FROM {WORKING_COPY} WHERE w.policy_id = $1");
        let row = sqlx::query(trusted(sql)).bind(policy_id).fetch_one(&mut *tx).await?;
        let stage = stage_from(&row.try_get::<String, _>("stage")?)?;
        let json: String = row.try_get("document")?;
        let (content, _) = document::from_json(&json)?;
        let version = append_version(&mut tx, policy_id, stage, author, &Source::Editor, &json).await?;
        let version_id = version.id;
        sqlx::query(
            "UPDATE working_copies SET base_version_id = $1, edited = 0, document = NULL, submitted_at = NULL, \
             submitted_by = NULL, review_note = NULL WHERE policy_id = $2",
        )
        .bind(version_id)
        .bind(policy_id)
        .execute(&mut *tx)
        .await?;
        let organization_id: i64 = sqlx::query("SELECT organization_id FROM policies WHERE id = $1")
            .bind(policy_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("organization_id")?;
        self.write_series(&mut tx, organization_id, key.fiscal_year, version_id, &content).await?;
        index::write_policy(&mut tx, self.backend, policy_id, version_id, key.fiscal_year, &content).await?;
        let after = serde_json::json!({ "version": version.seq, "stage": stage.code() });
        audit(&mut tx, author, "publish", &entity(key), None, Some(json_string(&after))).await?;
        tx.commit().await?;
        Ok(version)
    }

    async fn create_draft(
        &self,
        key: &PolicyKey,
        stage: Stage,
        content: &PolicyContent,
        author: &str,
    ) -> Result<WorkingCopy> {
        let mut tx = self.write_transaction().await?;
        if find_policy(&mut tx, key).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "{} already has a policy for fiscal year {}: edit its working copy instead",
                key.organization.name,
                key.fiscal_year.start_year()
            )));
        }
        let organization_id = self.organization_id(&mut tx, &key.organization).await?;
        let row = sqlx::query(
            "INSERT INTO policies (organization_id, fiscal_year, revision) VALUES ($1, $2, 1) RETURNING id",
        )
        .bind(organization_id)
        .bind(i64::from(key.fiscal_year.start_year()))
        .fetch_one(&mut *tx)
        .await?;
        let policy_id: i64 = row.try_get("id")?;
        let era = key.fiscal_year.era_year().map(|(era, _)| era);
        let json = document::to_json(content, era);
        sqlx::query(
            "INSERT INTO working_copies (policy_id, base_version_id, stage, updated_at, author, edited, document) \
             VALUES ($1, NULL, $2, $3, $4, 1, $5)",
        )
        .bind(policy_id)
        .bind(stage.code())
        .bind(now())
        .bind(author.to_string())
        .bind(json.clone())
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, author, "create-draft", &entity(key), None, Some(json)).await?;
        tx.commit().await?;
        self.working_copy(key).await
    }

    async fn submit(&self, key: &PolicyKey, expected_revision: i64, stage: Stage, author: &str) -> Result<i64> {
        let mut tx = self.write_transaction().await?;
        let (policy_id, revision) = find_policy(&mut tx, key).await?.ok_or_else(|| not_found(key))?;
        let revision = claim_revision(&mut tx, key, policy_id, expected_revision, revision).await?;
        let at = now();
        sqlx::query(
            "UPDATE working_copies SET stage = $1, submitted_at = $2, submitted_by = $3, review_note = NULL \
             WHERE policy_id = $4",
        )
        .bind(stage.code())
        .bind(at)
        .bind(author.to_string())
        .bind(policy_id)
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({ "stage": stage.code() });
        audit(&mut tx, author, "submit", &entity(key), None, Some(json_string(&after))).await?;
        tx.commit().await?;
        Ok(revision)
    }

    async fn withdraw(&self, key: &PolicyKey, expected_revision: i64, note: Option<&str>, author: &str) -> Result<i64> {
        let mut tx = self.write_transaction().await?;
        let (policy_id, revision) = find_policy(&mut tx, key).await?.ok_or_else(|| not_found(key))?;
        let revision = claim_revision(&mut tx, key, policy_id, expected_revision, revision).await?;
        sqlx::query(
            "UPDATE working_copies SET submitted_at = NULL, submitted_by = NULL, review_note = $1 WHERE policy_id = $2",
        )
        .bind(note.map(str::to_string))
        .bind(policy_id)
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({ "note": note });
        audit(&mut tx, author, "withdraw", &entity(key), None, Some(json_string(&after))).await?;
        tx.commit().await?;
        Ok(revision)
    }

    async fn drafts(&self) -> Result<Vec<DraftSummary>> {
        let rows = sqlx::query(
            "SELECT o.city, o.name, p.fiscal_year, p.revision, w.stage AS working_stage, w.edited, w.submitted_at, \
             w.submitted_by, w.updated_at, w.author, \
             (SELECT COUNT(*) FROM versions v WHERE v.policy_id = p.id) AS versions, \
             (SELECT v.stage FROM versions v WHERE v.policy_id = p.id ORDER BY v.seq DESC LIMIT 1) AS stage \
             FROM policies p JOIN organizations o ON o.id = p.organization_id \
             JOIN working_copies w ON w.policy_id = p.id ORDER BY o.city, o.name, p.fiscal_year",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DraftSummary {
                    key: PolicyKey {
                        organization: organization_from(row.try_get("city")?, row.try_get("name")?),
                        fiscal_year: fiscal_year_from(row.try_get("fiscal_year")?)?,
                    },
                    revision: row.try_get("revision")?,
                    stage: stage_from(&row.try_get::<String, _>("working_stage")?)?,
                    latest_stage: row.try_get::<Option<String>, _>("stage")?.as_deref().map(stage_from).transpose()?,
                    versions: row.try_get("versions")?,
                    edited: row.try_get::<i64, _>("edited")? == 1,
                    submitted: submission_from(row)?,
                    updated_at: row.try_get("updated_at")?,
                    author: row.try_get("author")?,
                })
            })
            .collect()
    }

    async fn policy_audit(&self, key: &PolicyKey, limit: usize) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE entity = $1 ORDER BY id DESC LIMIT $2")
            .bind(entity(key))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(audit_entry_from).collect()
    }

    async fn create_user(&self, user: &NewUser, actor: &str) -> Result<User> {
        self.create_user_row(user, actor).await
    }

    async fn add_council_member(&self, member: &NewCouncilMember, actor: &str) -> Result<CouncilMember> {
        self.add_council_member_row(member, actor).await
    }

    async fn council_members(&self, organization: &Organization) -> Result<Vec<CouncilMember>> {
        self.council_members_rows(organization).await
    }

    async fn council_member_of(&self, user: &str) -> Result<Option<CouncilMember>> {
        self.council_member_of_row(user).await
    }

    async fn add_meeting(&self, meeting: &NewMeeting, actor: &str) -> Result<Meeting> {
        self.add_meeting_row(meeting, actor).await
    }

    async fn meetings(&self, organization: &Organization) -> Result<Vec<Meeting>> {
        self.meetings_rows(organization).await
    }

    async fn add_opinion(&self, opinion: &NewOpinion, actor: &str) -> Result<Opinion> {
        self.add_opinion_row(opinion, actor).await
    }

    async fn opinion(&self, id: i64) -> Result<Opinion> {
        self.opinion_row(id).await
    }

    async fn opinions(&self, filter: &OpinionFilter) -> Result<Vec<Opinion>> {
        self.opinions_rows(filter).await
    }

    async fn moderate_opinion(&self, id: i64, decision: &Moderation, actor: &str) -> Result<Opinion> {
        self.moderate_row(id, decision, actor).await
    }

    async fn respond_to_opinion(&self, id: i64, response: &NewResponse, actor: &str) -> Result<Opinion> {
        self.respond_row(id, response, actor).await
    }

    async fn rate_results(
        &self,
        member_id: i64,
        fiscal_year: FiscalYear,
        issue: &str,
        score: u8,
        comment: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        self.rate_row(member_id, fiscal_year, issue, score, comment, actor).await
    }

    async fn council_ratings(
        &self,
        organization: &Organization,
        fiscal_year: FiscalYear,
    ) -> Result<Vec<CouncilRating>> {
        self.ratings_rows(organization, fiscal_year).await
    }

    async fn answer_feedback(&self, member_id: i64, fiscal_year: FiscalYear, answer: bool, actor: &str) -> Result<()> {
        self.answer_feedback_row(member_id, fiscal_year, answer, actor).await
    }

    async fn council_feedback(
        &self,
        organization: &Organization,
        fiscal_year: FiscalYear,
    ) -> Result<Vec<CouncilFeedback>> {
        self.feedback_rows(organization, fiscal_year).await
    }

    async fn council_events(
        &self,
        organization: Option<&Organization>,
        include_pending: bool,
        limit: usize,
    ) -> Result<Vec<CouncilEvent>> {
        self.council_events_rows(organization, include_pending, limit).await
    }

    async fn decide_common_group(&self, group: &CommonGroup, actor: &str) -> Result<()> {
        self.decide_common_group_row(group, actor).await
    }

    async fn common_groups(&self) -> Result<Vec<CommonGroup>> {
        self.common_groups_rows().await
    }

    async fn inbox_seen(&self, user_id: i64) -> Result<Option<String>> {
        self.inbox_seen_row(user_id).await
    }

    async fn mark_inbox_seen(&self, user_id: i64, at: &str) -> Result<()> {
        self.mark_inbox_seen_row(user_id, at).await
    }

    async fn users(&self) -> Result<Vec<User>> {
        self.users_rows().await
    }

    async fn user(&self, name: &str) -> Result<User> {
        self.user_row(name).await
    }

    async fn login_record(&self, name: &str) -> Result<(User, String)> {
        self.login_row(name).await
    }

    async fn update_user(&self, name: &str, change: &UserChange, actor: &str) -> Result<User> {
        self.update_user_row(name, change, actor).await
    }

    async fn create_session(&self, token_hash: &str, user_id: i64, csrf_token: &str, now: i64) -> Result<()> {
        self.create_session_row(token_hash, user_id, csrf_token, now).await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        self.session_row(token_hash).await
    }

    async fn touch_session(&self, token_hash: &str, now: i64) -> Result<()> {
        self.touch_session_row(token_hash, now).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.delete_session_row(token_hash).await
    }

    async fn delete_sessions(&self, user_id: i64) -> Result<u64> {
        self.delete_sessions_rows(user_id).await
    }

    async fn delete_stale_sessions(&self, before: i64) -> Result<u64> {
        self.delete_stale_rows(before).await
    }

    async fn organization_series(&self, organization: &Organization) -> Result<Vec<Series>> {
        let rows = sqlx::query(
            "SELECT s.id, s.common_key FROM series s JOIN organizations o ON o.id = s.organization_id \
             WHERE o.city = $1 AND o.name = $2 ORDER BY s.id",
        )
        .bind_organization(organization)
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<i64> = rows.iter().map(|row| row.try_get("id")).collect::<std::result::Result<_, _>>()?;
        let mut points = self.series_points(&ids).await?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                Ok(Series {
                    id,
                    organization: organization.clone(),
                    common_key: row.try_get("common_key")?,
                    points: points.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }

    async fn series(&self, id: i64) -> Result<Series> {
        let row = sqlx::query(
            "SELECT s.id, s.common_key, o.city, o.name FROM series s JOIN organizations o ON o.id = s.organization_id \
             WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no indicator series with id {id}")))?;
        let mut points = self.series_points(&[id]).await?;
        Ok(Series {
            id,
            organization: organization_from(row.try_get("city")?, row.try_get("name")?),
            common_key: row.try_get("common_key")?,
            points: points.remove(&id).unwrap_or_default(),
        })
    }

    async fn league_table(&self, common_key: &str, fiscal_year: FiscalYear) -> Result<Vec<LeagueRow>> {
        // The whole table comes back as one row holding a JSON array, built by the database: its 1,741 rows at
        // national scale, fetched one by one, cost more in handing each across from the driver's thread than
        // the query itself. A value goes as text with every digit it has, so that it reads back exactly.
        // From the indicator's series (one per organization) to their row of the year, one index probe each:
        // both engines would rather read every row of the year (twelve times as many, scattered over the
        // table) and match them to the series. CROSS JOIN fixes the order on SQLite; on PostgreSQL, a LATERAL
        // subquery with LIMIT 1 (there is one row per series and year) is a probe the planner keeps.
        let (aggregate, array, value, from) = match self.backend {
            Backend::Sqlite => (
                "json_group_array",
                "json_array",
                "printf('%!.17g', iy.value)",
                "series s CROSS JOIN indicator_years iy JOIN organizations o ON o.id = s.organization_id \
                 WHERE iy.series_id = s.id AND s.common_key = $1 AND iy.fiscal_year = $2",
            ),
            Backend::Postgres => (
                "json_agg",
                "json_build_array",
                "CAST(iy.value AS TEXT)",
                "series s JOIN organizations o ON o.id = s.organization_id CROSS JOIN LATERAL \
                 (SELECT * FROM indicator_years i WHERE i.series_id = s.id AND i.fiscal_year = $2 LIMIT 1) iy \
                 WHERE s.common_key = $1",
            ),
        };
        let sql = format!(
            "SELECT CAST({aggregate}({array}(iy.series_id, o.city, o.name, iy.fiscal_year, iy.issue, iy.number, \
             iy.wording, iy.target, iy.actual, CASE WHEN iy.value IS NULL THEN NULL ELSE {value} END, iy.unit, \
             iy.published_mark, iy.computed_mark, iy.data_source, iy.sample_size, iy.version_id) \
             ORDER BY CASE WHEN iy.value IS NULL THEN 1 ELSE 0 END, iy.value DESC, o.city, o.name, iy.series_id) \
             AS TEXT) AS league FROM {from}"
        );
        let league: Option<String> = sqlx::query(trusted(sql))
            .bind(common_key.to_string())
            .bind(i64::from(fiscal_year.start_year()))
            .fetch_one(&self.pool)
            .await?
            .try_get("league")?;
        type Entry = (
            i64,
            String,
            String,
            i64,
            Option<String>,
            Option<i64>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            i64,
        );
        let entries: Vec<Entry> = match league {
            Some(json) => serde_json::from_str(&json)
                .map_err(|error| StoreError::Database(format!("the league table did not read: {error}")))?,
            None => Vec::new(),
        };
        let mut out: Vec<LeagueRow> = Vec::with_capacity(entries.len());
        for entry in entries {
            let (series_id, city, name, year, issue, number, wording, target, actual, value, unit) =
                (entry.0, entry.1, entry.2, entry.3, entry.4, entry.5, entry.6, entry.7, entry.8, entry.9, entry.10);
            let value = value
                .map(|text| {
                    text.parse::<f64>()
                        .map_err(|error| StoreError::Database(format!("a league value {text} did not read: {error}")))
                })
                .transpose()?;
            let point = SeriesPoint {
                fiscal_year: fiscal_year_from(year)?,
                issue,
                number,
                wording,
                target,
                actual,
                value,
                unit,
                published_mark: entry.11,
                computed_mark: entry.12,
                data_source: entry.13,
                sample_size: entry.14,
                version_id: entry.15,
            };
            // Equal values share a rank (1, 2, 2, 4).
            let rank = match out.last() {
                Some(last) if last.point.value.is_some() && last.point.value == point.value => last.rank,
                _ => out.len() + 1,
            };
            out.push(LeagueRow { rank, organization: organization_from(city, name), series_id, point });
        }
        Ok(out)
    }

    async fn year_rows(&self, fiscal_year: FiscalYear) -> Result<Vec<YearRow>> {
        let rows = sqlx::query(
            "SELECT iy.*, s.common_key, o.city, o.name FROM indicator_years iy JOIN series s ON s.id = iy.series_id \
             JOIN organizations o ON o.id = s.organization_id WHERE iy.fiscal_year = $1 \
             ORDER BY o.city, o.name, iy.issue, iy.number, iy.series_id",
        )
        .bind(i64::from(fiscal_year.start_year()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(YearRow {
                    organization: organization_from(row.try_get("city")?, row.try_get("name")?),
                    series_id: row.try_get("series_id")?,
                    common_key: row.try_get("common_key")?,
                    point: point_from(row)?,
                })
            })
            .collect()
    }

    async fn fiscal_years(&self) -> Result<Vec<FiscalYear>> {
        let rows = sqlx::query("SELECT DISTINCT fiscal_year FROM indicator_years ORDER BY fiscal_year")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| fiscal_year_from(row.try_get("fiscal_year")?)).collect()
    }

    async fn search(&self, query: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(query) = Query::parse(query) else {
            return Err(StoreError::Invalid(
                "the search needs at least one letter or digit (two-character words such as 防災 work)".into(),
            ));
        };
        let grams = query.grams();
        let columns = "e.id, e.position, e.field, e.normalized, e.version_id, p.fiscal_year, o.city, o.name";
        let joins = "JOIN policies p ON p.id = e.policy_id JOIN organizations o ON o.id = p.organization_id";
        // The organization filter's conditions follow the query's two parameters.
        let conditions = if filter.organization.is_some() { " AND o.city = $3 AND o.name = $4" } else { "" };
        let sql = match self.backend {
            // The candidates are chosen and ordered by their ids alone; only those chosen are read whole.
            Backend::Sqlite => format!(
                "SELECT {columns} FROM (SELECT e.id AS candidate FROM search_grams g \
                 JOIN search_entries e ON e.id = g.rowid {joins} WHERE search_grams MATCH $1{conditions} \
                 ORDER BY {CANDIDATE_ORDER} LIMIT $2) c JOIN search_entries e ON e.id = c.candidate {joins}"
            ),
            Backend::Postgres => format!(
                "SELECT {columns} FROM search_entries e {joins} WHERE e.grams @@ CAST($1 AS tsquery){conditions} \
                 ORDER BY {CANDIDATE_ORDER} LIMIT $2"
            ),
        };
        // The newest candidates first, a year at a time through the year tokens of the index, until there are
        // enough: a common word over a national data set then joins and sorts one year's matches, not ten.
        // On SQLite, counting the index's matches costs little: when they are few, every match is a candidate
        // and one query over all years takes them; otherwise the count says how many years to ask first.
        let matches = match self.backend {
            Backend::Sqlite if filter.fiscal_year.is_none() => {
                let expression = match_expression(self.backend, &grams, &[])?;
                let matches: i64 =
                    sqlx::query("SELECT COUNT(*) AS matches FROM search_grams WHERE search_grams MATCH $1")
                        .bind(expression)
                        .fetch_one(&self.pool)
                        .await?
                        .try_get("matches")?;
                Some(matches)
            }
            _ => None,
        };
        let years: Vec<i64> = match filter.fiscal_year {
            Some(year) => vec![i64::from(year.start_year())],
            None if matches.is_some_and(|matches| matches <= SEARCH_CANDIDATES) => Vec::new(),
            None => sqlx::query("SELECT DISTINCT fiscal_year FROM policies ORDER BY fiscal_year DESC")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| row.try_get("fiscal_year"))
                .collect::<std::result::Result<_, _>>()?,
        };
        // Years are asked newest first, several at a time: as many as the count suggests hold enough matches
        // (or one, without a count), then twice as many each time the candidates are still too few.
        let year_count = i64::try_from(years.len()).unwrap_or(i64::MAX);
        let mut batch = match matches {
            Some(matches) if matches > 0 => {
                usize::try_from(year_count.saturating_mul(SEARCH_CANDIDATES).saturating_add(matches - 1) / matches)
                    .unwrap_or(1)
            }
            _ => 1,
        }
        .clamp(1, years.len().max(1));
        let mut rows = Vec::new();
        let mut next = 0;
        loop {
            let remaining = SEARCH_CANDIDATES - i64::try_from(rows.len()).unwrap_or(SEARCH_CANDIDATES);
            if remaining <= 0 || (next >= years.len() && !years.is_empty()) {
                break;
            }
            let these = &years[next..(next + batch).min(years.len())];
            next += these.len();
            batch *= 2;
            let expression = match_expression(self.backend, &grams, these)?;
            let mut statement = sqlx::query(trusted(sql.clone())).bind(expression).bind(remaining);
            if let Some(organization) = &filter.organization {
                statement = statement.bind_organization(organization);
            }
            rows.extend(statement.fetch_all(&self.pool).await?);
            if years.is_empty() {
                break;
            }
        }
        // Every candidate is scored; only the hits returned get a snippet.
        let mut hits = Vec::new();
        for row in &rows {
            let normalized: &str = row.try_get("normalized")?;
            let Some(occurrences) = query.occurrences(normalized) else { continue };
            let field: String = row.try_get("field")?;
            let score = u32::try_from(occurrences).unwrap_or(u32::MAX).saturating_mul(search::field_weight(&field));
            let position: i64 = row.try_get("position")?;
            hits.push((
                position,
                normalized,
                SearchHit {
                    key: PolicyKey {
                        organization: organization_from(row.try_get("city")?, row.try_get("name")?),
                        fiscal_year: fiscal_year_from(row.try_get("fiscal_year")?)?,
                    },
                    version_id: row.try_get("version_id")?,
                    snippet: String::new(),
                    field,
                    score,
                },
            ));
        }
        hits.sort_by(|(pa, _, a), (pb, _, b)| {
            b.score
                .cmp(&a.score)
                .then(b.key.fiscal_year.cmp(&a.key.fiscal_year))
                .then(a.key.organization.city.cmp(&b.key.organization.city))
                .then(a.key.organization.name.cmp(&b.key.organization.name))
                .then(pa.cmp(pb))
        });
        Ok(hits
            .into_iter()
            .take(limit)
            .map(|(_, normalized, hit)| SearchHit { snippet: query.snippet(normalized, 80), ..hit })
            .collect())
    }

    async fn counts(&self) -> Result<Counts> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM organizations) AS organizations, (SELECT COUNT(*) FROM policies) AS policies, \
             (SELECT COUNT(*) FROM versions) AS versions, (SELECT COUNT(*) FROM series) AS series, \
             (SELECT COUNT(*) FROM indicator_years) AS indicator_years, (SELECT COUNT(*) FROM audit_log) AS audit",
        )
        .fetch_one(&self.pool)
        .await?;
        let count = |column: &str| -> Result<u64> { Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0)) };
        Ok(Counts {
            organizations: count("organizations")?,
            policies: count("policies")?,
            versions: count("versions")?,
            series: count("series")?,
            indicator_years: count("indicator_years")?,
            audit_entries: count("audit")?,
        })
    }

    async fn generation(&self) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COALESCE(MAX(id), 0) AS generation, (SELECT COUNT(*) FROM policies) AS policies FROM audit_log",
        )
        .fetch_one(&self.pool)
        .await?;
        // The policy count too: a restore may bring back a log that ends at the same id.
        let generation: i64 = row.try_get("generation")?;
        let policies: i64 = row.try_get("policies")?;
        Ok(generation.wrapping_mul(1_000_003).wrapping_add(policies))
    }

    async fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT * FROM audit_log ORDER BY id DESC LIMIT $1")
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(audit_entry_from).collect()
    }

    async fn dump(&self, out: &mut (dyn std::io::Write + Send)) -> Result<crate::DumpStats> {
        self.dump_to(out).await
    }

    async fn load(&self, input: &mut (dyn std::io::BufRead + Send)) -> Result<crate::DumpStats> {
        self.load_from(input).await
    }

    async fn backup(&self, path: &std::path::Path) -> Result<()> {
        self.backup_to(path).await
    }

    async fn close(&self) {
        SqlStore::close(self).await;
    }

    async fn reindex(&self) -> Result<u64> {
        SqlStore::reindex(self).await
    }

    async fn check(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            let rows = sqlx::query("PRAGMA integrity_check").fetch_all(&self.pool).await?;
            let messages: Vec<String> =
                rows.iter().map(|row| row.try_get::<String, _>(0)).collect::<std::result::Result<_, _>>()?;
            if messages != ["ok"] {
                return Err(StoreError::Database(format!("integrity check: {}", messages.join("; "))));
            }
            let violations = sqlx::query("PRAGMA foreign_key_check").fetch_all(&self.pool).await?;
            if !violations.is_empty() {
                return Err(StoreError::Database(format!("{} foreign-key violations", violations.len())));
            }
        }
        check_working_copies(&self.pool).await?;
        let documents = sqlx::query("SELECT id, document FROM versions").fetch_all(&self.pool).await?;
        for row in &documents {
            let id: i64 = row.try_get("id")?;
            document::from_json(&row.try_get::<String, _>("document")?)
                .map_err(|error| StoreError::Database(format!("version {id}: {error}")))?;
        }
        Ok(())
    }
}
