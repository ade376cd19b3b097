//! `hoshin`: the one binary. It reads the command line (and, as the project grows, the environment and the
//! config file), hands typed values to the library crates, and turns their errors into messages and exit codes.

#![forbid(unsafe_code)]

mod commands;
mod wire;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use hoshin_core::Lang;

/// Hoshin: operating policies (運営方針) of city wards — plan, track, judge, publish, compare.
#[derive(Debug, Parser)]
#[command(name = "hoshin", version, about, long_about = None)]
struct Cli {
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
}

/// An error the user can fix: printed as `error: …` with exit code 1 (usage errors exit 2, from clap).
#[derive(Debug)]
pub struct UserError(pub String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = Lang::from(cli.lang);
    let result = match cli.command {
        Command::Target(args) => commands::target::run(&args, lang),
        Command::Parse(args) => commands::parse::run(&args, lang),
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
