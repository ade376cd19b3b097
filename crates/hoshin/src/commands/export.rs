//! `hoshin export sheet|csv`: a published version of a policy as the canonical workbook or CSV, which
//! `hoshin import` reads back to exactly the same policy.

use std::path::PathBuf;

use anyhow::Result;
use hoshin_core::canonical::{to_sheets, Header};
use hoshin_core::{parse_fiscal_year, Stage};
use hoshin_store::{DatabaseUrl, PolicyKey};

use crate::database;
use crate::UserError;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The canonical workbook (xlsx): one sheet per kind of item, stable paths as ids.
    Sheet(PolicyArgs),
    /// The canonical CSV: the same sheets one after another, each row led by its sheet's name.
    Csv(PolicyArgs),
}

#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    /// The organization: 大阪市/住吉区, or a ward's name alone for 大阪市.
    #[arg(long)]
    pub organization: String,
    /// The fiscal year: 2024, 令和6年度 or R6.
    #[arg(long)]
    pub fiscal_year: String,
    /// The published stage to export (default: the latest version): first_draft, draft, final, revision,
    /// mid_year_review or year_end.
    #[arg(long)]
    pub stage: Option<String>,
    /// The file to write.
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn run(url: &DatabaseUrl, command: &Command) -> Result<()> {
    let (args, csv) = match command {
        Command::Sheet(args) => (args, false),
        Command::Csv(args) => (args, true),
    };
    let organization = super::organization_flag(&args.organization);
    let fiscal_year = parse_fiscal_year(&args.fiscal_year, None)
        .or_else(|_| args.fiscal_year.trim().parse().ok().and_then(hoshin_core::FiscalYear::new).ok_or(()))
        .map_err(|_| UserError(format!("--fiscal-year {}: write 2024, 令和6年度 or R6", args.fiscal_year)))?;
    let stage = args
        .stage
        .as_deref()
        .map(|code| {
            Stage::from_code(code)
                .or_else(|| Stage::from_label_ja(code))
                .ok_or_else(|| UserError(format!("--stage {code}: not a stage")))
        })
        .transpose()?;
    let key = PolicyKey { organization, fiscal_year };
    let bytes = database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let versions = store.versions(&key).await.map_err(|error| UserError(error.to_string()))?;
        let chosen = match stage {
            Some(stage) => versions.iter().rev().find(|version| version.stage == stage),
            None => versions.last(),
        }
        .ok_or_else(|| {
            UserError(format!(
                "{} {} has no published {}",
                key.organization.name,
                fiscal_year.start_year(),
                stage.map_or("version".to_string(), |stage| stage.code().to_string())
            ))
        })?;
        let stored = store.version(chosen.id).await.map_err(|error| UserError(error.to_string()))?;
        let header = Header { organization: key.organization.clone(), fiscal_year, stage: chosen.stage };
        let sheets = to_sheets(&header, &stored.content);
        Ok::<_, UserError>(if csv {
            hoshin_import::table::write_csv(&hoshin_import::canonical::canonical_csv_rows(&sheets)).into_bytes()
        } else {
            hoshin_render::sheet::write_xlsx(&sheets).map_err(|error| UserError(error.to_string()))?
        })
    })?;
    std::fs::write(&args.output, &bytes)
        .map_err(|error| UserError(format!("{}: cannot write: {error}", args.output.display())))?;
    println!("{}: {} bytes", args.output.display(), bytes.len());
    Ok(())
}
