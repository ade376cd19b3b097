//! The dump format: the whole database as deterministic text, the same bytes from SQLite and from
//! PostgreSQL for the same data, so that a database moves between the engines losslessly
//! (`hoshin dump | hoshin --database postgres://… load`). docs/DUMP.md describes the format for readers
//! outside Hoshin.
//!
//! ```text
//! hoshin-dump 1
//! schema 6
//! table organizations id city name kind
//! [1,"大阪市","住吉区","ward"]
//! end organizations 1
//! table policies id organization_id fiscal_year revision
//! …
//! end
//! ```
//!
//! Every row is a JSON array in the column order of its `table` line; tables come in a fixed order and rows
//! in primary-key order. The search index is not dumped: it is derived, and `load` rebuilds it.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use hoshin_core::FiscalYear;

use crate::index::{IndexBuild, IndexedVersion};
use crate::sql::{
    fiscal_year_from, insert_statement, rows_per_statement, trusted, Param, QueryBuilder, SqlStore, WORKING_COPY,
    WORKING_DOCUMENT,
};
use crate::{Backend, DatabaseUrl, Result, Store, StoreError};

/// The format's version: the number on the first line.
pub const FORMAT: u32 = 1;

/// The schema version a dump of this build describes: the number of the newest migration.
pub const SCHEMA: u32 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Type {
    Integer,
    Text,
    Real,
}

pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) columns: &'static [(&'static str, Type)],
    order_by: &'static str,
    /// The identity column whose sequence PostgreSQL must move past the loaded ids.
    pub(crate) identity: Option<&'static str>,
}

impl Table {
    /// The column names, in the dump's order.
    pub(crate) fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|(name, _)| *name).collect()
    }
}

use Type::{Integer as I, Real as R, Text as T};

/// The tables in dependency order (a table only refers to tables above it).
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "organizations",
        columns: &[("id", I), ("city", T), ("name", T), ("kind", T)],
        order_by: "id",
        identity: Some("id"),
    },
    Table {
        name: "users",
        columns: &[
            ("id", I),
            ("name", T),
            ("display_name", T),
            ("role", T),
            ("organization_id", I),
            ("password_hash", T),
            ("disabled", I),
            ("created_at", T),
        ],
        order_by: "id",
        identity: Some("id"),
    },
    Table {
        name: "policies",
        columns: &[("id", I), ("organization_id", I), ("fiscal_year", I), ("revision", I)],
        order_by: "id",
        identity: Some("id"),
    },
    Table {
        name: "versions",
        columns: &[
            ("id", I),
            ("policy_id", I),
            ("seq", I),
            ("stage", T),
            ("created_at", T),
            ("author", T),
            ("source_kind", T),
            ("source_name", T),
            ("source_hash", T),
            ("document", T),
        ],
        order_by: "id",
        identity: Some("id"),
    },
    Table {
        name: "working_copies",
        columns: &[
            ("policy_id", I),
            ("base_version_id", I),
            ("stage", T),
            ("updated_at", T),
            ("author", T),
            ("edited", I),
            ("document", T),
            ("submitted_at", T),
            ("submitted_by", T),
            ("review_note", T),
        ],
        order_by: "policy_id",
        identity: None,
    },
    Table {
        name: "series",
        columns: &[("id", I), ("organization_id", I), ("common_key", T), ("kind", T), ("first_year", I)],
        order_by: "id",
        identity: Some("id"),
    },
    Table {
        name: "indicator_years",
        columns: &[
            ("series_id", I),
            ("fiscal_year", I),
            ("version_id", I),
            ("source_rank", I),
            ("issue", T),
            ("number", I),
            ("wording", T),
            ("target", T),
            ("actual", T),
            ("value", R),
            ("unit", T),
            ("published_mark", T),
            ("computed_mark", T),
            ("data_source", T),
            ("sample_size", I),
        ],
        order_by: "series_id, fiscal_year",
        identity: None,
    },
    Table {
        name: "council_members",
        columns: &[
            ("id", I),
            ("organization_id", I),
            ("name", T),
            ("term_start", I),
            ("user_id", I),
            ("created_at", T),
        ],
        order_by: "id",
        identity: Some("id"),
    },
    Table {
        name: "council_meetings",
        columns: &[
            ("id", I),
            ("organization_id", I),
            ("held_on", T),
            ("kind", T),
            ("title", T),
            ("agenda", T),
            ("minutes_url", T),
            ("created_at", T),
        ],
        order_by: "id",
        identity: Some("id"),
    },
    Table {
        name: "opinions",
        columns: &[
            ("id", I),
            ("organization_id", I),
            ("fiscal_year", I),
            ("version_id", I),
            ("item_path", T),
            ("author_kind", T),
            ("member_id", I),
            ("source", T),
            ("meeting_id", I),
            ("body", T),
            ("state", T),
            ("contact", T),
            ("received_at", T),
            ("entered_by", T),
            ("moderated_by", T),
            ("moderated_at", T),
        ],
        order_by: "id",
        identity: Some("id"),
    },
    Table {
        name: "opinion_responses",
        columns: &[
            ("opinion_id", I),
            ("status", T),
            ("body", T),
            ("reflected_version_id", I),
            ("responded_by", T),
            ("responded_at", T),
        ],
        order_by: "opinion_id",
        identity: None,
    },
    Table {
        name: "council_ratings",
        columns: &[("member_id", I), ("fiscal_year", I), ("issue", T), ("score", I), ("comment", T), ("rated_at", T)],
        order_by: "member_id, fiscal_year, issue",
        identity: None,
    },
    Table {
        name: "council_feedback",
        columns: &[("member_id", I), ("fiscal_year", I), ("answer", I), ("answered_at", T)],
        order_by: "member_id, fiscal_year",
        identity: None,
    },
    Table { name: "inbox_seen", columns: &[("user_id", I), ("seen_at", T)], order_by: "user_id", identity: None },
    Table {
        name: "common_groups",
        columns: &[("key", T), ("wording", T), ("confirmed", I), ("members", T), ("decided_by", T), ("decided_at", T)],
        order_by: "key",
        identity: None,
    },
    Table {
        name: "audit_log",
        columns: &[("id", I), ("at", T), ("actor", T), ("action", T), ("entity", T), ("before", T), ("after", T)],
        order_by: "id",
        identity: Some("id"),
    },
];

/// What a dump or a load moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DumpStats {
    /// Rows per table, in the order of the format.
    pub rows: Vec<(&'static str, u64)>,
}

impl DumpStats {
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

impl std::fmt::Display for DumpStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.rows.iter().map(|(table, n)| format!("{table} {n}")).collect();
        f.write_str(&parts.join(", "))
    }
}

fn io_error(error: std::io::Error) -> StoreError {
    StoreError::Database(format!("cannot write the dump: {error}"))
}

fn cell(row: &AnyRow, index: usize, kind: Type) -> Result<Value> {
    Ok(match kind {
        Type::Integer => row.try_get::<Option<i64>, _>(index)?.map_or(Value::Null, Value::from),
        Type::Text => row.try_get::<Option<String>, _>(index)?.map_or(Value::Null, Value::from),
        Type::Real => match row.try_get::<Option<f64>, _>(index)? {
            None => Value::Null,
            Some(value) => serde_json::Number::from_f64(value)
                .map(Value::Number)
                .ok_or_else(|| StoreError::Database(format!("a non-finite number {value} in the database")))?,
        },
    })
}

impl SqlStore {
    /// Writes every table in the dump format, from one consistent snapshot (a repeatable-read transaction on
    /// PostgreSQL, one read transaction on SQLite), so it is safe while the server runs.
    pub async fn dump_to(&self, out: &mut (dyn Write + Send)) -> Result<DumpStats> {
        let mut tx = self.pool().begin().await?;
        if self.backend_kind() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        }
        writeln!(out, "hoshin-dump {FORMAT}\nschema {SCHEMA}").map_err(io_error)?;
        let mut stats = DumpStats::default();
        for table in TABLES {
            let names = table.names();
            writeln!(out, "table {} {}", table.name, names.join(" ")).map_err(io_error)?;
            let rows = sqlx::query(trusted(dump_query(table))).fetch_all(&mut *tx).await?;
            for row in &rows {
                let values = table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(index, (_, kind))| cell(row, index, *kind))
                    .collect::<Result<Vec<Value>>>()?;
                writeln!(out, "{}", Value::Array(values)).map_err(io_error)?;
            }
            writeln!(out, "end {} {}", table.name, rows.len()).map_err(io_error)?;
            stats.rows.push((table.name, rows.len() as u64));
        }
        writeln!(out, "end").map_err(io_error)?;
        out.flush().map_err(io_error)?;
        tx.commit().await?;
        Ok(stats)
    }

    /// Reads a dump into this database, which must hold no data, in one transaction: on any error nothing is
    /// written. Before committing, every reference between rows has been checked (foreign keys), every
    /// version's document read and each policy's latest indexed for search, and every policy found to have a
    /// working copy. PostgreSQL takes the rows over COPY (`copy.rs`).
    pub async fn load_from(&self, input: &mut (dyn BufRead + Send)) -> Result<DumpStats> {
        if self.backend_kind() == Backend::Postgres {
            return crate::copy::load(self.connect_url(), input, crate::copy::Start::Empty).await;
        }
        let mut tx = self.write_transaction().await?;
        let existing: i64 = sqlx::query(HOLDS_DATA).fetch_one(&mut *tx).await?.try_get("n")?;
        if existing > 0 {
            return Err(not_empty());
        }
        let stats = self.load_rows(&mut tx, input).await?;
        tx.commit().await?;
        Ok(stats)
    }

    /// Empties every table and loads the dump, in one transaction (PostgreSQL), for `restore`.
    pub(crate) async fn replace_from(&self, input: &mut (dyn BufRead + Send)) -> Result<DumpStats> {
        crate::copy::load(self.connect_url(), input, crate::copy::Start::Replace).await
    }

    /// The SQLite load: rows in bound statements, each read and bound while the previous one runs.
    async fn load_rows(&self, tx: &mut Transaction<'_, Any>, input: &mut (dyn BufRead + Send)) -> Result<DumpStats> {
        let mut reader = Lines { input, number: 0 };
        read_header(&mut reader)?;
        // The search index is built as the versions are read: their documents are checked and their fields
        // worked out on another thread while the rows are written.
        let mut index = IndexBuild::begin(tx, Backend::Sqlite).await?;
        let mut latest = LatestVersions::default();
        let mut stats = DumpStats::default();
        for table in TABLES {
            read_table_line(&mut reader, table)?;
            // Each statement's rows are read and bound while the database runs the previous statement.
            let mut count: u64 = 0;
            let mut unit = read_unit(&mut reader, table, &mut latest, &mut count)?;
            loop {
                let Unit { statement, indexed, lines, end } = unit;
                let run = async {
                    if let Some(statement) = statement {
                        statement.execute(&mut **tx).await.map_err(|error| lines_error(lines, error))?;
                    }
                    index.add(tx, indexed).await
                };
                if end {
                    run.await?;
                    break;
                }
                let read = async { read_unit(&mut reader, table, &mut latest, &mut count) };
                let (ran, read) = tokio::join!(run, read);
                ran?;
                unit = read?;
            }
            stats.rows.push((table.name, count));
        }
        read_end(&mut reader)?;
        index.finish(tx, &latest.superseded).await?;
        // Every reference between rows was checked as it was inserted (foreign keys) and every document as it
        // was indexed; what is left of `check` is Hoshin's own invariant.
        crate::sql::check_working_copies(&mut **tx).await?;
        Ok(stats)
    }
}

/// Whether a database holds data: a load reads into an empty one only.
pub(crate) const HOLDS_DATA: &str =
    "SELECT (SELECT COUNT(*) FROM organizations) + (SELECT COUNT(*) FROM audit_log) AS n";

pub(crate) fn not_empty() -> StoreError {
    StoreError::Invalid(
        "the database already holds data: load reads into an empty database only (use a new SQLite file or an \
         empty PostgreSQL database, or `hoshin restore` to replace everything)"
            .into(),
    )
}

/// A statement's or a COPY's failure, named by the dump lines its rows came from.
pub(crate) fn lines_error(lines: (usize, usize), error: sqlx::Error) -> StoreError {
    StoreError::Invalid(format!("dump lines {}–{}: {}", lines.0, lines.1, StoreError::from(error)))
}

/// Reads and checks the dump's first two lines: the format and the schema.
pub(crate) fn read_header(reader: &mut Lines<'_>) -> Result<()> {
    let header = reader.next_line()?;
    if header != format!("hoshin-dump {FORMAT}") {
        return Err(reader.error(format!(
            "expected 「hoshin-dump {FORMAT}」, found 「{}」: this is not a Hoshin dump, or one of a newer format",
            short(&header)
        )));
    }
    let schema = reader.next_line()?;
    if schema != format!("schema {SCHEMA}") {
        return Err(reader.error(format!(
            "expected 「schema {SCHEMA}」, found 「{}」: the dump comes from a Hoshin with another database schema",
            short(&schema)
        )));
    }
    Ok(())
}

/// Reads and checks the line that opens `table`.
pub(crate) fn read_table_line(reader: &mut Lines<'_>, table: &Table) -> Result<()> {
    let names = table.names();
    let expected = format!("table {} {}", table.name, names.join(" "));
    let line = reader.next_line()?;
    if line != expected {
        return Err(reader.error(format!("expected 「{expected}」, found 「{}」", short(&line))));
    }
    Ok(())
}

/// Reads and checks the dump's last line.
pub(crate) fn read_end(reader: &mut Lines<'_>) -> Result<()> {
    let last = reader.next_line()?;
    if last != "end" {
        return Err(reader.error(format!("expected 「end」, found 「{}」", short(&last))));
    }
    Ok(())
}

/// What a load remembers of the rows it has read: the fiscal year of every policy and the latest version of
/// each seen so far (to index each policy's latest version), and a digest of every version's document (to
/// store a working copy that is its base version's document as NULL, migration 0009).
#[derive(Default)]
pub(crate) struct LatestVersions {
    years: HashMap<i64, FiscalYear>,
    latest: HashMap<i64, (i64, i64)>,
    /// Versions indexed and then found not to be their policy's latest, whose entries are removed at the end.
    pub(crate) superseded: Vec<i64>,
    /// SHA-256 of each version's document, by version id: equal digests are equal documents.
    documents: HashMap<i64, [u8; 32]>,
}

impl LatestVersions {
    /// Notes a batch of rows of `table`; for versions, returns them all to be checked, those to index marked (each
    /// the latest of its policy so far; a dump lists versions by id, so the latest normally comes last). A
    /// working copy whose document is its base version's gets NULL for it.
    fn read(
        &mut self,
        table: &Table,
        batch: &mut [Vec<Value>],
        first_line: usize,
    ) -> std::result::Result<Vec<IndexedVersion>, String> {
        let integer = |row: &[Value], index: usize| row[index].as_i64().unwrap_or_default();
        match table.name {
            "policies" => {
                for row in batch {
                    let year = integer(row, 2);
                    let fiscal_year = fiscal_year_from(year)
                        .map_err(|_| format!("policies.fiscal_year {year} is not a fiscal year"))?;
                    self.years.insert(integer(row, 0), fiscal_year);
                }
                Ok(Vec::new())
            }
            "versions" => {
                let mut indexed = Vec::new();
                for (line, row) in (first_line..).zip(batch) {
                    let (version_id, policy_id, seq) = (integer(row, 0), integer(row, 1), integer(row, 2));
                    let fiscal_year = *self.years.get(&policy_id).ok_or_else(|| {
                        format!("version {version_id} belongs to policy {policy_id}, which the dump does not hold")
                    })?;
                    // An older version than one already read is still checked, but not indexed.
                    let latest = match self.latest.get(&policy_id) {
                        Some(&(latest_seq, _)) if latest_seq >= seq => false,
                        Some(&(_, previous)) => {
                            self.superseded.push(previous);
                            true
                        }
                        None => true,
                    };
                    if latest {
                        self.latest.insert(policy_id, (seq, version_id));
                    }
                    let document = row[9].as_str().unwrap_or_default().to_string();
                    self.documents.insert(version_id, Sha256::digest(document.as_bytes()).into());
                    indexed.push(IndexedVersion {
                        policy_id,
                        version_id,
                        fiscal_year,
                        document,
                        index: latest,
                        line: Some(line),
                    });
                }
                Ok(indexed)
            }
            "working_copies" => {
                for row in batch {
                    let base = row[1].as_i64().and_then(|base| self.documents.get(&base));
                    let shared = match (base, row[6].as_str()) {
                        (Some(base), Some(document)) => *base == <[u8; 32]>::from(Sha256::digest(document.as_bytes())),
                        _ => false,
                    };
                    if shared {
                        row[6] = Value::Null;
                    }
                }
                Ok(Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }
}

/// The query that reads a table for the dump: its columns, in order. A working copy that shares its base
/// version's document (stored as NULL, migration 0009) is dumped with that document, as the format has it.
fn dump_query(table: &Table) -> String {
    let names = table.names();
    if table.name == "working_copies" {
        let columns: Vec<String> = names
            .iter()
            .map(|name| match *name {
                "document" => format!("{WORKING_DOCUMENT} AS document"),
                name => format!("w.{name}"),
            })
            .collect();
        return format!("SELECT {} FROM {WORKING_COPY} ORDER BY w.{}", columns.join(", "), table.order_by);
    }
    format!("SELECT {} FROM {} ORDER BY {}", names.join(", "), table.name, table.order_by)
}

/// A line reader that counts lines for messages.
pub(crate) struct Lines<'a> {
    pub(crate) input: &'a mut (dyn BufRead + Send),
    pub(crate) number: usize,
}

impl Lines<'_> {
    pub(crate) fn next_line(&mut self) -> Result<String> {
        let mut line = String::new();
        self.number += 1;
        let read = self
            .input
            .read_line(&mut line)
            .map_err(|error| self.error(format!("cannot read the dump (it must be UTF-8 text): {error}")))?;
        if read == 0 {
            return Err(self.error("the dump ends early: it is cut short".into()));
        }
        if line.ends_with('\n') {
            line.pop();
        }
        Ok(line)
    }

    pub(crate) fn error(&self, message: String) -> StoreError {
        StoreError::Invalid(format!("dump line {}: {message}", self.number))
    }
}

fn short(line: &str) -> String {
    let mut out: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        out.push('…');
    }
    out
}

fn parse_row(line: &str, table: &Table) -> std::result::Result<Vec<Value>, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|error| format!("a row of {} is not a JSON array: {error}", table.name))?;
    let Value::Array(values) = value else {
        return Err(format!("a row of {} must be a JSON array", table.name));
    };
    if values.len() != table.columns.len() {
        return Err(format!(
            "a row of {} has {} values; the table has {} columns",
            table.name,
            values.len(),
            table.columns.len()
        ));
    }
    for (value, (column, kind)) in values.iter().zip(table.columns) {
        let fits = match (kind, value) {
            (_, Value::Null) => true,
            (Type::Integer, Value::Number(n)) => n.is_i64(),
            (Type::Real, Value::Number(_)) => true,
            (Type::Text, Value::String(_)) => true,
            _ => false,
        };
        if !fits {
            return Err(format!("{}.{column} must be {kind:?}, found {value}", table.name).to_lowercase());
        }
    }
    Ok(values)
}

/// Rows of one table read from the dump and checked, with what the load needs to know of them.
pub(crate) struct Batch {
    pub(crate) rows: Vec<Vec<Value>>,
    /// The versions among the rows, for the search index.
    pub(crate) indexed: Vec<IndexedVersion>,
    /// The dump lines the rows came from, for messages.
    pub(crate) lines: (usize, usize),
    /// Whether the table's `end` line was read.
    pub(crate) end: bool,
}

/// Reads up to `limit` rows of `table` (or up to its `end` line, which it checks).
pub(crate) fn read_batch(
    reader: &mut Lines<'_>,
    table: &Table,
    latest: &mut LatestVersions,
    count: &mut u64,
    limit: usize,
) -> Result<Batch> {
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let first = reader.number + 1;
    let mut end = false;
    while rows.len() < limit {
        let line = reader.next_line()?;
        if let Some(rest) = line.strip_prefix("end ") {
            let declared = format!("{} {count}", table.name);
            if rest != declared {
                return Err(reader.error(format!(
                    "expected 「end {declared}」 ({count} rows read), found 「{}」: the dump is cut or edited",
                    short(&line)
                )));
            }
            end = true;
            break;
        }
        rows.push(parse_row(&line, table).map_err(|message| reader.error(message))?);
        *count += 1;
    }
    let indexed = latest.read(table, &mut rows, first).map_err(|message| reader.error(message))?;
    Ok(Batch { rows, indexed, lines: (first, reader.number), end })
}

/// Versions go a hundred at a time: their search rows are worked out on another thread meanwhile, and small
/// batches keep both threads busy.
pub(crate) const VERSIONS_PER_BATCH: usize = 100;

/// One statement's worth of a table's rows, read from the dump and bound, ready to run (SQLite).
struct Unit {
    /// None when the table has no rows left.
    statement: Option<QueryBuilder<'static>>,
    indexed: Vec<IndexedVersion>,
    lines: (usize, usize),
    end: bool,
}

/// Reads up to one statement's worth of rows of `table` and binds them (SQLite).
fn read_unit(reader: &mut Lines<'_>, table: &Table, latest: &mut LatestVersions, count: &mut u64) -> Result<Unit> {
    let limit = match table.name {
        "versions" => VERSIONS_PER_BATCH,
        _ => rows_per_statement(table.columns.len()),
    };
    let Batch { rows, indexed, lines, end } = read_batch(reader, table, latest, count, limit)?;
    let statement = (!rows.is_empty()).then(|| {
        let names = table.names();
        let head = format!("INSERT INTO {} ({})", table.name, names.join(", "));
        let params = rows.into_iter().map(|row| {
            row.into_iter().zip(table.columns).map(|(value, (_, kind))| match (kind, value) {
                (Type::Integer, value) => Param::Int(value.as_i64()),
                (Type::Real, value) => Param::Real(value.as_f64()),
                (Type::Text, Value::String(text)) => Param::Text(Some(text)),
                (Type::Text, _) => Param::Text(None),
            })
        });
        insert_statement(Backend::Sqlite, &head, &vec!["{}"; table.columns.len()], params, "")
    });
    Ok(Unit { statement, indexed, lines, end })
}

/// What kind of file a backup is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BackupFile {
    /// An SQLite database file (`backup` on SQLite).
    Sqlite,
    /// A dump (`backup` on PostgreSQL, or `hoshin dump`).
    Dump,
}

fn backup_kind(path: &Path) -> Result<BackupFile> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path)
        .map_err(|error| StoreError::Invalid(format!("cannot read the backup {}: {error}", path.display())))?;
    let read = std::io::Read::read(&mut file, &mut head)
        .map_err(|error| StoreError::Invalid(format!("cannot read the backup {}: {error}", path.display())))?;
    if &head[..read] == b"SQLite format 3\0" {
        Ok(BackupFile::Sqlite)
    } else if head[..read].starts_with(b"hoshin-dump ") {
        Ok(BackupFile::Dump)
    } else {
        Err(StoreError::Invalid(format!(
            "{} is neither an SQLite database nor a Hoshin dump: give a file written by `hoshin backup` or `hoshin dump`",
            path.display()
        )))
    }
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

fn file_error(path: &Path, what: &str, error: std::io::Error) -> StoreError {
    StoreError::Database(format!("cannot {what} {}: {error}", path.display()))
}

/// Removes a file that may not exist.
fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(file_error(path, "remove", error)),
        _ => Ok(()),
    }
}

/// Removes an SQLite database file and its WAL and shared-memory files.
fn remove_database_files(path: &Path) -> Result<()> {
    remove_if_present(path)?;
    remove_if_present(&sibling(path, "-wal"))?;
    remove_if_present(&sibling(path, "-shm"))
}

impl SqlStore {
    /// Takes a consistent backup into a new file while the database is in use: an SQLite database file
    /// (`VACUUM INTO`) on SQLite, a dump on PostgreSQL. The file appears only when complete.
    pub async fn backup_to(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists: a backup never overwrites a file; choose a new name",
                path.display()
            )));
        }
        let partial = sibling(path, ".partial");
        remove_if_present(&partial)?;
        let written = match self.backend_kind() {
            Backend::Sqlite => sqlx::query("VACUUM INTO $1")
                .bind(partial.to_string_lossy().into_owned())
                .execute(self.pool())
                .await
                .map(|_| ())
                .map_err(StoreError::from),
            Backend::Postgres => {
                let file = std::fs::File::create(&partial).map_err(|error| file_error(&partial, "create", error))?;
                let mut out = std::io::BufWriter::new(file);
                match self.dump_to(&mut out).await {
                    Ok(_) => out
                        .into_inner()
                        .map_err(|error| file_error(&partial, "write", error.into_error()))
                        .and_then(|file| file.sync_all().map_err(|error| file_error(&partial, "write", error))),
                    Err(error) => Err(error),
                }
            }
        };
        if let Err(error) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
        std::fs::rename(&partial, path).map_err(|error| file_error(path, "create", error))
    }
}

/// Replaces the whole database at `url` with a backup (an SQLite file from `backup`, or a dump). The backup is
/// checked before anything is replaced; on SQLite the new database is built beside the old one and moved over
/// it, on PostgreSQL the replacement is one transaction. Stop the server first.
pub async fn restore(url: &DatabaseUrl, backup: &Path) -> Result<DumpStats> {
    let kind = backup_kind(backup)?;
    let open_dump = |path: &Path| -> Result<std::io::BufReader<std::fs::File>> {
        std::fs::File::open(path)
            .map(std::io::BufReader::new)
            .map_err(|error| StoreError::Invalid(format!("cannot read the backup {}: {error}", path.display())))
    };
    match url {
        DatabaseUrl::Sqlite(target) => {
            let staging = sibling(target, ".restoring");
            remove_database_files(&staging)?;
            let built = async {
                if kind == BackupFile::Sqlite {
                    std::fs::copy(backup, &staging).map_err(|error| file_error(&staging, "write", error))?;
                }
                let store = SqlStore::open(&DatabaseUrl::Sqlite(staging.clone())).await?;
                if kind == BackupFile::Dump {
                    store.load_from(&mut open_dump(backup)?).await?;
                }
                store.check().await?;
                let stats = store.dump_to(&mut std::io::sink()).await?;
                store.close().await;
                Ok::<_, StoreError>(stats)
            }
            .await;
            let stats = match built {
                Ok(stats) => stats,
                Err(error) => {
                    let _ = remove_database_files(&staging);
                    return Err(error);
                }
            };
            // The last connection's close checkpointed the WAL into the file; nothing may be left behind.
            if std::fs::metadata(sibling(&staging, "-wal")).is_ok_and(|meta| meta.len() > 0) {
                return Err(StoreError::Database(format!(
                    "the restored database {} was not checkpointed; the old database is untouched",
                    staging.display()
                )));
            }
            remove_if_present(&sibling(&staging, "-shm"))?;
            remove_if_present(&sibling(&staging, "-wal"))?;
            // Move the old database (with its WAL, which belongs to it alone) aside, put the new one in its
            // place, and only then delete the old one; on failure the old one goes back.
            let old = sibling(target, ".replaced");
            remove_database_files(&old)?;
            let parts = ["", "-wal", "-shm"];
            for part in parts {
                let from = sibling(target, part);
                if from.exists() {
                    std::fs::rename(&from, sibling(&old, part)).map_err(|error| file_error(&from, "move", error))?;
                }
            }
            if let Err(error) = std::fs::rename(&staging, target) {
                for part in parts {
                    let _ = std::fs::rename(sibling(&old, part), sibling(target, part));
                }
                return Err(file_error(target, "replace", error));
            }
            remove_database_files(&old)?;
            Ok(stats)
        }
        DatabaseUrl::Postgres(_) => {
            let store = SqlStore::open(url).await?;
            match kind {
                BackupFile::Dump => store.replace_from(&mut open_dump(backup)?).await,
                BackupFile::Sqlite => {
                    // Read the SQLite backup through a copy (opening applies migrations), as a dump.
                    let staging = std::env::temp_dir().join(format!("hoshin-restore-{}.db", std::process::id()));
                    let dump_path = sibling(&staging, ".dump");
                    remove_database_files(&staging)?;
                    let result = async {
                        std::fs::copy(backup, &staging).map_err(|error| file_error(&staging, "write", error))?;
                        let source = SqlStore::open(&DatabaseUrl::Sqlite(staging.clone())).await?;
                        source.check().await?;
                        let file = std::fs::File::create(&dump_path)
                            .map_err(|error| file_error(&dump_path, "create", error))?;
                        let mut out = std::io::BufWriter::new(file);
                        source.dump_to(&mut out).await?;
                        out.flush().map_err(|error| file_error(&dump_path, "write", error))?;
                        source.close().await;
                        store.replace_from(&mut open_dump(&dump_path)?).await
                    }
                    .await;
                    let _ = remove_database_files(&staging);
                    let _ = std::fs::remove_file(&dump_path);
                    result
                }
            }
        }
    }
}
