//! `hoshin`: the one binary. It reads the command line (and, as the project grows, the environment and the
//! config file), hands typed values to the library crates, and turns their errors into messages and exit codes.

#![forbid(unsafe_code)]

mod commands;
mod config;
mod database;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use hoshin_core::Lang;

/// Hoshin: operating policies (運営方針) of city wards — plan, track, judge, publish, compare.
#[derive(Debug, Parser)]
#[command(name = "hoshin", version, about, long_about = None)]
struct Cli {
    /// The database: sqlite:PATH or postgres://USER@HOST:PORT/DB. Default: hoshin.db in the data directory
    /// (HOSHIN_DATA_DIR, else $XDG_DATA_HOME/hoshin, else ~/.local/share/hoshin).
    #[arg(long, global = true, env = "HOSHIN_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,

    /// The configuration file (TOML with `database` and `listen`). Default: hoshin.toml in
    /// $XDG_CONFIG_HOME/hoshin or ~/.config/hoshin, when it exists. Flags and environment variables win.
    #[arg(long, global = true, env = "HOSHIN_CONFIG")]
    config: Option<std::path::PathBuf>,

    /// Language of messages and explanations.
    #[arg(long, global = true, value_enum, default_value_t = LangArg::Ja, env = "HOSHIN_LANG")]
    lang: LangArg,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Ja,
    En,
}

impl From<LangArg> for Lang {
    fn from(value: LangArg) -> Lang {
        match value {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse a target (目標値), judge an actual against it, and explain the judgment.
    Target(commands::target::Args),
    /// Read a published policy document and print what was read (outline, --json or --indicators CSV).
    Parse(commands::parse::Args),
    /// Import published documents into the database, each as a published version of its policy.
    Import(commands::import::Args),
    /// Create the database or bring its schema up to date.
    Migrate,
    /// Run the database's integrity check and Hoshin's own checks.
    Check,
    /// Build the full-text search index again from every policy's latest version.
    Reindex,
    /// Write the whole database to standard output in the dump format (docs/DUMP.md).
    Dump,
    /// Read a dump from standard input into an empty database.
    Load,
    /// Take a consistent backup into a new file while the server runs.
    Backup(commands::db::BackupArgs),
    /// Replace the database with a backup or a dump (stop the server first).
    Restore(commands::db::RestoreArgs),
    /// Serve the public site and the API on the database.
    Serve(commands::serve::Args),
    /// Load the bundled sample documents when absent, then serve: what a newcomer runs first.
    Demo(commands::serve::Args),
    /// Generate a synthetic data set shaped like the real documents (for scale tests).
    Gen(commands::gen::Args),
    /// Manage accounts: add, set-password, set-role, disable, enable, list.
    #[command(subcommand)]
    User(commands::user::Command),
    /// The document audit of the published policies, one finding per line.
    Audit(commands::audit::Args),
    /// Write a published policy as a file: the common-format PDF, or the canonical workbook (sheet) or CSV.
    #[command(subcommand)]
    Export(commands::export::Command),
}

/// An error the user can fix: printed as `error: …` with exit code 1 (usage errors exit 2, from clap).
#[derive(Clone, Debug)]
pub struct UserError(pub String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = Lang::from(cli.lang);
    // The configuration file is read only by the commands that use what it sets (the database, the address).
    let config = std::cell::OnceCell::new();
    let config = || config.get_or_init(|| config::load(cli.config.as_deref())).clone();
    let database = || {
        let config = config()?;
        database::resolve(cli.database.as_deref().or(config.database.as_deref()))
    };
    let listen = |args: &commands::serve::Args| -> Result<String, UserError> {
        Ok(args.listen.clone().or(config()?.listen).unwrap_or_else(|| commands::serve::DEFAULT_LISTEN.to_string()))
    };
    let result = match &cli.command {
        Command::Target(args) => commands::target::run(args, lang),
        Command::Parse(args) => commands::parse::run(args, lang),
        Command::Import(args) => database().map_err(Into::into).and_then(|url| commands::import::run(&url, args, lang)),
        Command::Migrate => database().map_err(Into::into).and_then(|url| commands::db::migrate(&url)),
        Command::Check => database().map_err(Into::into).and_then(|url| commands::db::check(&url)),
        Command::Reindex => database().map_err(Into::into).and_then(|url| commands::db::reindex(&url)),
        Command::Dump => database().map_err(Into::into).and_then(|url| commands::db::dump(&url)),
        Command::Load => database().map_err(Into::into).and_then(|url| commands::db::load(&url)),
        Command::Backup(args) => database().map_err(Into::into).and_then(|url| commands::db::backup(&url, args)),
        Command::Restore(args) => database().map_err(Into::into).and_then(|url| commands::db::restore(&url, args)),
        Command::Serve(args) => database()
            .and_then(|url| Ok((url, listen(args)?)))
            .map_err(Into::into)
            .and_then(|(url, listen)| commands::serve::serve(&url, &listen)),
        Command::Demo(args) => database()
            .and_then(|url| Ok((url, listen(args)?)))
            .map_err(Into::into)
            .and_then(|(url, listen)| commands::serve::demo(&url, &listen)),
        Command::Gen(args) => database().map_err(Into::into).and_then(|url| commands::gen::run(&url, args)),
        Command::User(command) => database().map_err(Into::into).and_then(|url| commands::user::run(&url, command)),
        Command::Audit(args) => database().map_err(Into::into).and_then(|url| commands::audit::run(&url, args, lang)),
        Command::Export(command) => database().map_err(Into::into).and_then(|url| commands::export::run(&url, command)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(UserError(message)) = error.downcast_ref::<UserError>() {
                eprintln!("error: {message}");
            } else {
                eprintln!("error: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}
