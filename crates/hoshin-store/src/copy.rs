//! PostgreSQL's load: a dump read into the database over COPY, in one transaction on a connection of its own.
//!
//! COPY takes rows as text, with no statement to parse or plan and no value to bind, and is PostgreSQL's own
//! way to fill tables; sqlx offers it on its PostgreSQL connection, not through the `Any` pool the rest of
//! the store uses, so the load opens one. What it checks is what the SQLite load checks (`dump.rs`): each
//! row's shape as it is read, every version's document (read back with the core's parsers while its search
//! entries are worked out on a blocking thread), every reference between rows (the foreign keys, dropped for
//! the load and made again at its end, each checked in one pass), and that every policy has a working copy —
//! all before the commit.

use std::borrow::Cow;
use std::io::BufRead;

use serde_json::Value;
use sqlx::{Connection, PgConnection, Postgres, Row, Transaction};
use tokio::task::JoinHandle;

use crate::dump::{
    lines_error, not_empty, read_batch, read_end, read_header, read_table_line, Batch, DumpStats, LatestVersions,
    Lines, Table, HOLDS_DATA, TABLES, VERSIONS_PER_BATCH,
};
use crate::index::{joined, SearchRows, COPY_COLUMNS, GIN_BUILD, GIN_DROP};
use crate::sql::{orphans_found, trusted, LZ4, ORPHANS};
use crate::{Backend, Result, StoreError};

/// What the database holds when a load starts.
pub(crate) enum Start {
    /// Nothing: the load is refused otherwise (`hoshin load`).
    Empty,
    /// Anything: every table is emptied first, in the same transaction (`hoshin restore`).
    Replace,
}

/// Rows of tables other than versions per COPY: about a third of a megabyte of an indicator-year's rows.
const ROWS_PER_COPY: usize = 2_000;

/// Loads a dump into the PostgreSQL database at `url`, in one transaction.
pub(crate) async fn load(url: &str, input: &mut (dyn BufRead + Send), start: Start) -> Result<DumpStats> {
    let mut connection = PgConnection::connect(url).await?;
    // As every connection of the pool does (`SqlStore::open`); a server without LZ4 keeps pglz.
    let _ = sqlx::query(LZ4).execute(&mut connection).await;
    let loaded = async {
        let mut tx = connection.begin().await?;
        match start {
            Start::Empty => {
                let existing: i64 = sqlx::query(HOLDS_DATA).fetch_one(&mut *tx).await?.try_get("n")?;
                if existing > 0 {
                    return Err(not_empty());
                }
            }
            // TRUNCATE is not a row DELETE: the append-only triggers of the audit log do not fire, which is
            // what a restore of a whole database means.
            Start::Replace => {
                sqlx::query(
                    "TRUNCATE search_entries, audit_log, common_groups, inbox_seen, council_feedback, \
                     council_ratings, opinion_responses, opinions, council_meetings, council_members, \
                     indicator_years, series, working_copies, versions, policies, sessions, users, organizations",
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        let stats = load_rows(&mut tx, input).await?;
        tx.commit().await?;
        Ok(stats)
    }
    .await;
    let _ = connection.close().await;
    loaded
}

async fn load_rows(tx: &mut Transaction<'_, Postgres>, input: &mut (dyn BufRead + Send)) -> Result<DumpStats> {
    let mut reader = Lines { input, number: 0 };
    read_header(&mut reader)?;
    // Built again over the whole table at the end: far cheaper than one updated row by row.
    sqlx::query(GIN_DROP).execute(&mut **tx).await?;
    let foreign_keys = drop_foreign_keys(tx).await?;
    let mut latest = LatestVersions::default();
    let mut stats = DumpStats::default();
    // The search entries of the versions last copied, being worked out on a blocking thread.
    let mut pending: Option<JoinHandle<Result<String>>> = None;
    for table in TABLES {
        read_table_line(&mut reader, table)?;
        let limit = if table.name == "versions" { VERSIONS_PER_BATCH } else { ROWS_PER_COPY };
        let mut count: u64 = 0;
        // Each batch is read and turned into COPY's text while the database copies the previous one.
        let mut read = read_copy(&mut reader, table, &mut latest, &mut count, limit)?;
        loop {
            let (Batch { indexed, lines, end, .. }, text) = read;
            let entries = (!indexed.is_empty()).then(|| {
                tokio::task::spawn_blocking(move || Ok(SearchRows::of(Backend::Postgres, indexed)?.copy_text()))
            });
            let previous = std::mem::replace(&mut pending, entries);
            let run = async {
                if !text.is_empty() {
                    copy_in(tx, table.name, &table.names().join(", "), text)
                        .await
                        .map_err(|error| lines_error(lines, error))?;
                }
                copy_entries(tx, previous).await
            };
            if end {
                run.await?;
                break;
            }
            let next = async { read_copy(&mut reader, table, &mut latest, &mut count, limit) };
            let (ran, next) = tokio::join!(run, next);
            ran?;
            read = next?;
        }
        stats.rows.push((table.name, count));
    }
    read_end(&mut reader)?;
    copy_entries(tx, pending.take()).await?;
    if !latest.superseded.is_empty() {
        sqlx::query("DELETE FROM search_entries WHERE version_id = ANY($1)")
            .bind(&latest.superseded)
            .execute(&mut **tx)
            .await?;
    }
    for table in TABLES {
        if let Some(column) = table.identity {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{0}', '{column}'), COALESCE(MAX({column}), 0) + 1, false) \
                 FROM {0}",
                table.name
            );
            sqlx::query(trusted(sql)).fetch_one(&mut **tx).await?;
        }
    }
    for statement in GIN_BUILD {
        sqlx::query(statement).execute(&mut **tx).await?;
    }
    for statement in foreign_keys {
        sqlx::query(trusted(statement)).execute(&mut **tx).await.map_err(|error| {
            let message = error.as_database_error().map_or_else(|| error.to_string(), |error| error.message().into());
            StoreError::Invalid(format!("the dump's rows refer to rows it does not hold: {message}"))
        })?;
    }
    let orphans: i64 = sqlx::query(ORPHANS).fetch_one(&mut **tx).await?.try_get("n")?;
    orphans_found(orphans)?;
    Ok(stats)
}

/// Reads a batch of `table` and writes its rows in COPY's text format.
fn read_copy(
    reader: &mut Lines<'_>,
    table: &Table,
    latest: &mut LatestVersions,
    count: &mut u64,
    limit: usize,
) -> Result<(Batch, String)> {
    let mut batch = read_batch(reader, table, latest, count, limit)?;
    let mut text = String::new();
    for row in std::mem::take(&mut batch.rows) {
        push_row(
            &mut text,
            row.iter().map(|value| match value {
                Value::Null => None,
                Value::String(value) => Some(Cow::Borrowed(value.as_str())),
                // Checked against the column's type by `read_batch`: an integer, or a finite number.
                other => Some(Cow::Owned(other.to_string())),
            }),
        );
    }
    Ok((batch, text))
}

/// Appends a row in COPY's text format: its fields separated by tabs, NULL as `\N`, each value escaped.
pub(crate) fn push_row<'a>(out: &mut String, fields: impl Iterator<Item = Option<Cow<'a, str>>>) {
    for (index, field) in fields.enumerate() {
        if index > 0 {
            out.push('\t');
        }
        match field {
            None => out.push_str("\\N"),
            Some(value) => push_text(out, &value),
        }
    }
    out.push('\n');
}

/// Appends `value` as a field of COPY's text format: backslash, tab, newline and carriage return escaped.
fn push_text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

async fn copy_in(
    tx: &mut Transaction<'_, Postgres>,
    table: &str,
    columns: &str,
    text: String,
) -> std::result::Result<u64, sqlx::Error> {
    let mut copy = tx.copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN")).await?;
    if let Err(error) = copy.send(text.into_bytes()).await {
        let _ = copy.abort("the load failed").await;
        return Err(error);
    }
    copy.finish().await
}

/// Copies the search entries a blocking task worked out, when there are any.
async fn copy_entries(tx: &mut Transaction<'_, Postgres>, entries: Option<JoinHandle<Result<String>>>) -> Result<()> {
    let Some(entries) = entries else { return Ok(()) };
    let text = joined(entries.await)?;
    if !text.is_empty() {
        copy_in(tx, "search_entries", &COPY_COLUMNS.join(", "), text).await?;
    }
    Ok(())
}

/// Drops the foreign keys of every table for a load, and returns the statements that make them again. Checked
/// row by row, they cost a load as much as the rows themselves; made again over full tables, each is checked
/// in one pass (as PostgreSQL's own documentation advises for populating a database). The load is one
/// transaction: if it fails, the constraints are back as they were.
async fn drop_foreign_keys(tx: &mut Transaction<'_, Postgres>) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop_statement, \
         format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) \
         AS add_statement FROM pg_constraint \
         WHERE contype = 'f' AND connamespace = to_regnamespace(current_schema()) ORDER BY conrelid, conname",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut add = Vec::new();
    for row in &rows {
        let drop: String = row.try_get("drop_statement")?;
        sqlx::query(trusted(drop)).execute(&mut **tx).await?;
        add.push(row.try_get("add_statement")?);
    }
    Ok(add)
}
