//! Writing the search index: one policy's entries at an import or an edit, or every policy's at once when a
//! dump is loaded or a migration asks for a rebuild.
//!
//! An entry is one text field of a policy's latest version (its path and normalised text); its grams go to
//! SQLite's FTS5 table `search_grams` (under the entry's id) or to PostgreSQL's `grams` column (a tsvector with
//! a GIN index). A bulk build ([`IndexBuild`]) writes the same rows as one policy at a time would, but lets each
//! engine build its index in one pass at the end, which is what makes a load fast:
//! - SQLite: FTS5 writes its in-memory index to disk at the end of every statement that inserts into it, and
//!   then merges the small segments it wrote. The grams are kept in a temporary table and given to FTS5 in one
//!   statement, with room enough in memory (`hashsize`) to write the index in a few large segments.
//! - PostgreSQL: a GIN index built by `CREATE INDEX` over the whole table is far cheaper than one updated row by
//!   row, so the index is dropped at the start and made again at the end, in the same transaction.

use std::borrow::Cow;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use hoshin_core::{FiscalYear, PolicyContent};
use sqlx::{Any, Transaction};
use tokio::task::JoinHandle;

use crate::sql::{insert_statements, placeholders, reserve_ids, trusted, Param, QueryBuilder};
use crate::{document, search, Backend, Result, StoreError};

/// The temporary table (SQLite) that holds a bulk build's grams until the FTS index takes them all at once.
const STAGING: &str = "temp.hoshin_search_staging";

/// FTS5's in-memory index size during a bulk build: it writes a segment each time this fills (1 MB by default).
const BULK_HASHSIZE: i64 = 256 * 1024 * 1024;
const DEFAULT_HASHSIZE: i64 = 1024 * 1024;

/// The search rows of one or more policies: entries, and their grams (SQLite keeps those in the FTS table,
/// PostgreSQL in a column of the entry).
#[derive(Default)]
pub(crate) struct SearchRows {
    entries: Vec<Vec<Param>>,
    grams: Vec<Vec<Param>>,
}

impl SearchRows {
    pub(crate) fn add(
        &mut self,
        backend: Backend,
        policy_id: i64,
        version_id: i64,
        fiscal_year: FiscalYear,
        content: &PolicyContent,
    ) {
        let year = search::year_token(fiscal_year);
        for (position, field) in search::fields(content).into_iter().enumerate() {
            let normalized = search::normalized(&field.text);
            let mut grams = search::index_grams_joined(&normalized);
            // The policy's year is a token of its own, so that a search can ask the index for one year at a time.
            grams.push(' ');
            grams.push_str(&year);
            let mut entry = vec![
                Param::Int(Some(policy_id)),
                Param::Int(Some(version_id)),
                Param::Int(Some(i64::try_from(position).unwrap_or(i64::MAX))),
                Param::Text(Some(field.path)),
                Param::Text(Some(normalized)),
            ];
            match backend {
                Backend::Sqlite => self.grams.push(vec![Param::Text(Some(grams))]),
                Backend::Postgres => entry.push(Param::Text(Some(grams))),
            }
            self.entries.push(entry);
        }
    }

    /// The statements that write the rows: entries numbered from `first_id` on SQLite (where the gram table
    /// refers to them, its grams going to `grams_table`: the FTS table, or a bulk build's staging table).
    fn statements(self, backend: Backend, first_id: i64, grams_table: &str) -> Vec<QueryBuilder<'static>> {
        let mut statements = Vec::new();
        match backend {
            Backend::Sqlite => {
                let numbered = |rows: Vec<Vec<Param>>| {
                    rows.into_iter().zip(first_id..).map(|(mut row, id)| {
                        row.insert(0, Param::Int(Some(id)));
                        row
                    })
                };
                let head = "INSERT INTO search_entries (id, policy_id, version_id, position, field, normalized)";
                statements.extend(insert_statements(backend, head, &["{}"; 6], numbered(self.entries), ""));
                let head = format!("INSERT INTO {grams_table} (rowid, grams)");
                statements.extend(insert_statements(backend, &head, &["{}"; 2], numbered(self.grams), ""));
            }
            Backend::Postgres => {
                // The rows as one JSON array, which the server takes apart: a statement of thousands of
                // placeholders, each row's tsvector an expression of its own, costs PostgreSQL more to parse
                // and plan than to run.
                for chunk in self.entries.chunks(2_000) {
                    let rows: Vec<serde_json::Value> = chunk
                        .iter()
                        .map(|row| {
                            serde_json::Value::Array(
                                row.iter()
                                    .map(|param| match param {
                                        Param::Int(value) => (*value).into(),
                                        Param::Text(value) => value.clone().into(),
                                        Param::Real(value) => (*value).into(),
                                    })
                                    .collect(),
                            )
                        })
                        .collect();
                    let sql = "INSERT INTO search_entries (policy_id, version_id, position, field, normalized, grams) \
                         SELECT CAST(row ->> 0 AS BIGINT), CAST(row ->> 1 AS BIGINT), CAST(row ->> 2 AS BIGINT), \
                         row ->> 3, row ->> 4, array_to_tsvector(string_to_array(row ->> 5, ' ')) \
                         FROM jsonb_array_elements(CAST($1 AS jsonb)) AS rows (row)";
                    statements
                        .push(sqlx::query(sql).bind(serde_json::Value::Array(rows).to_string()).persistent(false));
                }
            }
        }
        statements
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    /// The rows of `versions` that are marked to be indexed, every document read back with the core's parsers
    /// first: a document that does not read is an error here, naming its version (and dump line).
    pub(crate) fn of(backend: Backend, versions: Vec<IndexedVersion>) -> Result<SearchRows> {
        let mut rows = SearchRows::default();
        for version in versions {
            let (content, _) = document::from_json(&version.document).map_err(|error| {
                let line = version.line.map(|line| format!("dump line {line}: ")).unwrap_or_default();
                StoreError::Invalid(format!(
                    "{line}version {}: the document does not read: {error}",
                    version.version_id
                ))
            })?;
            if version.index {
                rows.add(backend, version.policy_id, version.version_id, version.fiscal_year, &content);
            }
        }
        Ok(rows)
    }

    /// The entries (built for PostgreSQL) as rows of COPY's text format, for the columns [`COPY_COLUMNS`]; the
    /// grams become the text of a `tsvector`, each gram quoted.
    pub(crate) fn copy_text(&self) -> String {
        let mut out = String::new();
        for entry in &self.entries {
            let fields = entry.iter().enumerate().map(|(index, param)| match param {
                Param::Text(Some(grams)) if index == COPY_COLUMNS.len() - 1 => Some(Cow::Owned(tsvector_text(grams))),
                Param::Text(Some(text)) => Some(Cow::Borrowed(text.as_str())),
                Param::Int(Some(value)) => Some(Cow::Owned(value.to_string())),
                Param::Real(Some(value)) => Some(Cow::Owned(value.to_string())),
                Param::Text(None) | Param::Int(None) | Param::Real(None) => None,
            });
            crate::copy::push_row(&mut out, fields);
        }
        out
    }
}

/// Grams joined by spaces as the text of a `tsvector`: each quoted, a quote or backslash in one doubled.
fn tsvector_text(grams: &str) -> String {
    let mut out = String::with_capacity(grams.len() * 2);
    for gram in grams.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push('\'');
        for c in gram.chars() {
            if c == '\'' || c == '\\' {
                out.push(c);
            }
            out.push(c);
        }
        out.push('\'');
    }
    out
}

/// PostgreSQL's gram index, as migration 0001 made it: dropped for a bulk build, and made again at its end,
/// over the whole table at once, with memory enough to sort its entries in one go.
pub(crate) const GIN_DROP: &str = "DROP INDEX IF EXISTS search_entries_grams";
pub(crate) const GIN_BUILD: [&str; 2] = [
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX search_entries_grams ON search_entries USING GIN (grams)",
];

/// The columns of PostgreSQL's search entries in the order of [`SearchRows::copy_text`].
pub(crate) const COPY_COLUMNS: &[&str] = &["policy_id", "version_id", "position", "field", "normalized", "grams"];

async fn execute(tx: &mut Transaction<'_, Any>, statements: Vec<QueryBuilder<'static>>) -> Result<()> {
    for statement in statements {
        statement.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Replaces one policy's search entries with the fields of `content` (an import, an edit, a publication).
pub(crate) async fn write_policy(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    policy_id: i64,
    version_id: i64,
    fiscal_year: FiscalYear,
    content: &PolicyContent,
) -> Result<()> {
    if backend == Backend::Sqlite {
        sqlx::query("DELETE FROM search_grams WHERE rowid IN (SELECT id FROM search_entries WHERE policy_id = $1)")
            .bind(policy_id)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM search_entries WHERE policy_id = $1").bind(policy_id).execute(&mut **tx).await?;
    let mut rows = SearchRows::default();
    rows.add(backend, policy_id, version_id, fiscal_year, content);
    let first_id = reserve_ids(tx, backend, "search_entries", rows.len()).await?.first().copied().unwrap_or(1);
    execute(tx, rows.statements(backend, first_id, "search_grams")).await
}

/// A version a bulk build reads, with its stored document: checked, and indexed when `index` says so (a
/// load reads every version, and indexes only each policy's latest).
pub(crate) struct IndexedVersion {
    pub(crate) policy_id: i64,
    pub(crate) version_id: i64,
    pub(crate) fiscal_year: FiscalYear,
    pub(crate) document: String,
    pub(crate) index: bool,
    /// The dump line it was read from, for messages (a load).
    pub(crate) line: Option<usize>,
}

/// The search index of many policies, built in one transaction that starts with no entries (a load into an
/// empty database, a restore, a rebuild after a migration emptied the index). Each batch of versions is read
/// (its documents checked) and turned into rows on a blocking thread while the previous batch is written.
pub(crate) struct IndexBuild {
    backend: Backend,
    /// The next entry id (SQLite), taken by each batch as it is worked out.
    next_id: Arc<AtomicI64>,
    pending: Option<JoinHandle<Result<Vec<QueryBuilder<'static>>>>>,
}

impl IndexBuild {
    /// Prepares the engine for a bulk build: a staging table for the grams (SQLite), no GIN index (PostgreSQL).
    pub(crate) async fn begin(tx: &mut Transaction<'_, Any>, backend: Backend) -> Result<IndexBuild> {
        let mut next_id = 1;
        match backend {
            Backend::Sqlite => {
                let sql = format!("CREATE TEMP TABLE {STAGING} (rowid INTEGER PRIMARY KEY, grams TEXT NOT NULL)");
                sqlx::query(trusted(sql)).execute(&mut **tx).await?;
                next_id = reserve_ids(tx, backend, "search_entries", 1).await?.first().copied().unwrap_or(1);
            }
            Backend::Postgres => {
                sqlx::query(GIN_DROP).execute(&mut **tx).await?;
            }
        }
        Ok(IndexBuild { backend, next_id: Arc::new(AtomicI64::new(next_id)), pending: None })
    }

    /// Adds versions to the index. Every document is read back with the core's parsers, so a document that
    /// does not read is an error here (naming its version), before anything is committed. The rows are worked
    /// out and their statements bound on a blocking thread, while the database writes the previous batch.
    pub(crate) async fn add(&mut self, tx: &mut Transaction<'_, Any>, versions: Vec<IndexedVersion>) -> Result<()> {
        if versions.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let next_id = Arc::clone(&self.next_id);
        let next = tokio::task::spawn_blocking(move || -> Result<Vec<QueryBuilder<'static>>> {
            let rows = SearchRows::of(backend, versions)?;
            // Ids need only be distinct, not in the order of the versions: each batch takes the next range.
            let first_id = next_id.fetch_add(i64::try_from(rows.len()).unwrap_or(i64::MAX), Ordering::Relaxed);
            Ok(rows.statements(backend, first_id, STAGING))
        });
        if let Some(previous) = self.pending.replace(next) {
            execute(tx, joined(previous.await)?).await?;
        }
        Ok(())
    }

    /// Writes the last batch, removes the entries of versions that turned out not to be their policy's latest
    /// (`superseded`), and builds the engine's index.
    pub(crate) async fn finish(mut self, tx: &mut Transaction<'_, Any>, superseded: &[i64]) -> Result<()> {
        if let Some(last) = self.pending.take() {
            execute(tx, joined(last.await)?).await?;
        }
        for chunk in superseded.chunks(500) {
            let list = placeholders(chunk.len());
            let mut statements = Vec::new();
            if self.backend == Backend::Sqlite {
                statements.push(format!(
                    "DELETE FROM {STAGING} WHERE rowid IN (SELECT id FROM search_entries WHERE version_id IN ({list}))"
                ));
            }
            statements.push(format!("DELETE FROM search_entries WHERE version_id IN ({list})"));
            for sql in statements {
                let mut query = sqlx::query(trusted(sql));
                for id in chunk {
                    query = query.bind(*id);
                }
                query.persistent(false).execute(&mut **tx).await?;
            }
        }
        match self.backend {
            Backend::Sqlite => {
                let hashsize = "INSERT INTO search_grams (search_grams, rank) VALUES ('hashsize', $1)";
                sqlx::query(hashsize).bind(BULK_HASHSIZE).execute(&mut **tx).await?;
                // In rowid order: FTS5 writes its index out whenever a rowid comes below the one before.
                let sql = format!(
                    "INSERT INTO search_grams (rowid, grams) SELECT rowid, grams FROM {STAGING} ORDER BY rowid"
                );
                sqlx::query(trusted(sql)).execute(&mut **tx).await?;
                sqlx::query(hashsize).bind(DEFAULT_HASHSIZE).execute(&mut **tx).await?;
                sqlx::query(trusted(format!("DROP TABLE {STAGING}"))).execute(&mut **tx).await?;
            }
            Backend::Postgres => {
                for statement in GIN_BUILD {
                    sqlx::query(statement).execute(&mut **tx).await?;
                }
            }
        }
        Ok(())
    }
}

/// A blocking task's outcome; its panic (a bug) is reported as an error rather than taking the server down.
pub(crate) fn joined<T>(outcome: std::result::Result<Result<T>, tokio::task::JoinError>) -> Result<T> {
    outcome.map_err(|error| StoreError::Database(format!("building the search index failed: {error}")))?
}
