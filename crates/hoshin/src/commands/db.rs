//! The commands that look after the database as a whole: `migrate`, `check`, `reindex`, `dump`, `load`,
//! `backup` and `restore`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use hoshin_store::{Counts, DatabaseUrl};

use crate::database::{self, shown};
use crate::UserError;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The backup file to create: an SQLite database file (SQLite) or a dump (PostgreSQL). It must not exist.
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A file written by `hoshin backup` or `hoshin dump`.
    pub file: PathBuf,

    /// Replace a database that holds data. Without it, restore refuses to overwrite anything.
    #[arg(long)]
    pub yes: bool,
}

fn describe(counts: &Counts) -> String {
    format!(
        "{} organizations, {} policies, {} versions, {} indicator series, {} indicator-years, {} audit entries",
        counts.organizations,
        counts.policies,
        counts.versions,
        counts.series,
        counts.indicator_years,
        counts.audit_entries
    )
}

/// `hoshin migrate`: applies pending migrations (opening does) and says what the database holds.
pub fn migrate(url: &DatabaseUrl) -> Result<()> {
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let counts = store.counts().await.map_err(|error| UserError(error.to_string()))?;
        println!("{}: schema up to date; {}", shown(url), describe(&counts));
        Ok(())
    })
}

/// `hoshin check`: the database's own integrity check and Hoshin's invariants.
pub fn check(url: &DatabaseUrl) -> Result<()> {
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        store.check().await.map_err(|error| UserError(format!("{}: the check failed: {error}", shown(url))))?;
        let counts = store.counts().await.map_err(|error| UserError(error.to_string()))?;
        println!("{}: ok; {}", shown(url), describe(&counts));
        Ok(())
    })
}

/// `hoshin reindex`: the search index built again, in one transaction. The server may keep running: on SQLite
/// its searches use the old index until the new one is committed; on PostgreSQL they wait for it.
pub fn reindex(url: &DatabaseUrl) -> Result<()> {
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let started = std::time::Instant::now();
        let entries = store.reindex().await.map_err(|error| UserError(format!("reindex: {error}")))?;
        let seconds = started.elapsed().as_secs_f64();
        let counts = store.counts().await.map_err(|error| UserError(error.to_string()))?;
        store.close().await;
        let policies = match counts.policies {
            1 => "1 policy".to_string(),
            n => format!("{n} policies"),
        };
        println!("reindexed {}: {entries} search entries for {policies} in {seconds:.1} s", shown(url));
        Ok(())
    })
}

/// `hoshin dump`: the whole database to standard output in the dump format.
pub fn dump(url: &DatabaseUrl) -> Result<()> {
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
        let stats = store.dump(&mut out).await.map_err(|error| UserError(error.to_string()))?;
        out.flush()?;
        eprintln!("dumped {}: {stats}", shown(url));
        Ok(())
    })
}

/// `hoshin load`: a dump from standard input into an empty database.
pub fn load(url: &DatabaseUrl) -> Result<()> {
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let mut input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
        let stats = store.load(&mut input).await.map_err(|error| UserError(error.to_string()))?;
        store.close().await;
        println!("loaded into {}: {stats}", shown(url));
        Ok(())
    })
}

/// `hoshin backup FILE`: a consistent backup while the server runs.
pub fn backup(url: &DatabaseUrl, args: &BackupArgs) -> Result<()> {
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        store.backup(&args.file).await.map_err(|error| UserError(format!("backup: {error}")))?;
        let size = std::fs::metadata(&args.file).map(|meta| meta.len()).unwrap_or(0);
        println!("backed up {} to {} ({size} bytes)", shown(url), args.file.display());
        Ok(())
    })
}

/// `hoshin restore FILE`: replaces the database with a backup (stop the server first).
pub fn restore(url: &DatabaseUrl, args: &RestoreArgs) -> Result<()> {
    database::runtime()?.block_on(async {
        if !args.file.is_file() {
            return Err(UserError(format!("{}: no such backup file", args.file.display())).into());
        }
        let exists = match url {
            DatabaseUrl::Sqlite(path) => path.exists(),
            DatabaseUrl::Postgres(_) => true,
        };
        if exists && !args.yes {
            let store = database::open(url).await?;
            let counts = store.counts().await.map_err(|error| UserError(error.to_string()))?;
            drop(store);
            if !counts.is_empty() {
                return Err(UserError(format!(
                    "{} holds {}; restore would replace all of it. Stop the server, then run the command again with \
                     --yes",
                    shown(url),
                    describe(&counts)
                ))
                .into());
            }
        }
        let stats = hoshin_store::restore(url, &args.file)
            .await
            .map_err(|error| UserError(format!("restore: {error}; the database was not changed")))?;
        println!("restored {} from {}: {stats}", shown(url), args.file.display());
        Ok(())
    })
}
