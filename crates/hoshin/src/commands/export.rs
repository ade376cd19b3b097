//! `hoshin export pdf|layout|sheet|csv`: a published version of a policy as the common-format PDF or workbook, or as the
//! canonical workbook or CSV, which `hoshin import` reads back to exactly the same policy.

use std::path::PathBuf;

use anyhow::Result;
use hoshin_core::canonical::{to_sheets, Header};
use hoshin_store::{DatabaseUrl, PolicyKey};

use crate::database;
use crate::UserError;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The common-format layout as a PDF on A4, with a Japanese font embedded.
    Pdf(PolicyArgs),
    /// The common-format layout as a workbook for people (xlsx): a summary sheet and one sheet per issue.
    Layout(PolicyArgs),
    /// The canonical workbook (xlsx): one sheet per kind of item, stable paths as ids.
    Sheet(PolicyArgs),
    /// The canonical CSV: the same sheets one after another, each row led by its sheet's name.
    Csv(PolicyArgs),
    /// A fiscal year's open-data package (indicators as CSV and JSON, the dictionary, the licence note).
    OpenData(OpenDataArgs),
    /// A static copy of the public site that any plain web server serves.
    Site(SiteArgs),
}

#[derive(Debug, clap::Args)]
pub struct OpenDataArgs {
    /// The fiscal year: 2024, 令和6年度 or R6.
    #[arg(long)]
    pub fiscal_year: String,
    /// The directory to write the files into (created when missing).
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    /// The directory to write the site into (created when missing).
    pub dir: PathBuf,
}

fn open_data(url: &DatabaseUrl, args: &OpenDataArgs) -> Result<()> {
    let fiscal_year = super::fiscal_year_flag(&args.fiscal_year)?;
    let files = database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        hoshin_web::opendata::package_of(store, fiscal_year)
            .await
            .map_err(|error| UserError(error.message().to_string()))
    })?;
    std::fs::create_dir_all(&args.dir).map_err(|error| UserError(format!("{}: {error}", args.dir.display())))?;
    for (name, bytes) in files {
        let path = args.dir.join(name);
        std::fs::write(&path, bytes).map_err(|error| UserError(format!("{}: {error}", path.display())))?;
        println!("{}", path.display());
    }
    Ok(())
}

fn site(url: &DatabaseUrl, args: &SiteArgs) -> Result<()> {
    let stats = database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        hoshin_web::site::export_site(store, &args.dir).await.map_err(UserError)
    })?;
    println!("{}: {} pages, {} files, {} bytes", args.dir.display(), stats.pages, stats.files, stats.bytes);
    Ok(())
}

#[derive(Clone, Copy)]
enum Format {
    Pdf,
    Layout,
    Sheet,
    Csv,
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
    let (args, format) = match command {
        Command::OpenData(args) => return open_data(url, args),
        Command::Site(args) => return site(url, args),
        Command::Pdf(args) => (args, Format::Pdf),
        Command::Layout(args) => (args, Format::Layout),
        Command::Sheet(args) => (args, Format::Sheet),
        Command::Csv(args) => (args, Format::Csv),
    };
    let organization = super::organization_flag(&args.organization);
    let fiscal_year = super::fiscal_year_flag(&args.fiscal_year)?;
    let stage = args.stage.as_deref().map(super::stage_flag).transpose()?;
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
        let header =
            Header { organization: key.organization.clone(), fiscal_year, stage: chosen.stage, era: stored.era };
        let rendered = match format {
            Format::Pdf => {
                let fonts = hoshin_render::pdf::Fonts::load().map_err(|error| UserError(error.to_string()))?;
                hoshin_render::pdf::render_pdf(&header, &stored.content, &fonts)
            }
            Format::Layout => hoshin_render::layout::write_layout(&header, &stored.content),
            Format::Sheet => hoshin_render::sheet::write_xlsx(&to_sheets(&header, &stored.content)),
            Format::Csv => Ok(hoshin_import::table::write_csv(&hoshin_import::canonical::canonical_csv_rows(
                &to_sheets(&header, &stored.content),
            ))
            .into_bytes()),
        };
        rendered.map_err(|error| UserError(error.to_string()))
    })?;
    std::fs::write(&args.output, &bytes)
        .map_err(|error| UserError(format!("{}: cannot write: {error}", args.output.display())))?;
    println!("{}: {} bytes", args.output.display(), bytes.len());
    Ok(())
}
