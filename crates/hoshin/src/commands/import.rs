//! `hoshin import FILE…`: reads published documents and stores each as a published version of its policy.
//! Each file is one transaction; a file that cannot be read is reported and the others still import.

use std::path::PathBuf;

use anyhow::Result;
use hoshin_core::{Lang, Stage};
use hoshin_import::{Hints, Layout, Severity};
use hoshin_store::{DatabaseUrl, NewImport, PolicyKey, Source, Store};
use sha2::{Digest, Sha256};

use crate::commands::parse::{read_document, HintArgs};
use crate::database::{self, shown};
use crate::UserError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Documents: text extracted from a PDF, a PDF, a text file in UTF-8 or Shift_JIS, or Hoshin's canonical
    /// workbook or CSV (`hoshin export sheet|csv`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub hints: HintArgs,

    /// The stage the document is, when its title and notes do not say it right: first_draft, draft, final,
    /// revision, mid_year_review or year_end.
    #[arg(long)]
    pub stage: Option<String>,

    /// Who imports, for the audit log (default: the user running the command).
    #[arg(long)]
    pub author: Option<String>,
}

/// Reads one file into an import, with the diagnostics worth showing.
pub fn prepare(path: &std::path::Path, args: &Args, author: &str) -> Result<(NewImport, Vec<String>), UserError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| UserError(format!("{name}: cannot read: {error}")))?;
    let stage = args.stage.as_deref().map(super::stage_flag).transpose()?;
    let file_name = path.file_name().map_or(name.clone(), |file| file.to_string_lossy().into_owned());
    // Hoshin's own canonical workbook or CSV reads back exactly; anything else is a published document.
    if let Some(read) = hoshin_import::canonical::read_canonical(&bytes) {
        let (header, content) = read.map_err(|error| {
            let lines: Vec<String> =
                error.messages(Lang::En).into_iter().map(|line| format!("{name}: {line}")).collect();
            UserError(lines.join("\n"))
        })?;
        let import = NewImport {
            key: PolicyKey { organization: header.organization, fiscal_year: header.fiscal_year },
            stage: stage.unwrap_or(header.stage),
            content,
            era: header.era,
            source: Source::Import { file_name, sha256: sha256(&bytes) },
            author: author.to_string(),
        };
        return Ok((import, Vec::new()));
    }
    let document = read_document(path)?;
    let hints = args.hints.hints()?;
    prepare_text(&name, file_name, &bytes, &document.text, &hints, stage, author)
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Turns a decoded document into an import. `name` is how messages name it; `bytes` are the file as stored,
/// whose SHA-256 identifies it.
pub fn prepare_text(
    name: &str,
    file_name: String,
    bytes: &[u8],
    text: &str,
    hints: &Hints,
    stage: Option<Stage>,
    author: &str,
) -> Result<(NewImport, Vec<String>), UserError> {
    let parsed = hoshin_import::parse(text, hints);
    if parsed.layout == Layout::Unknown {
        return Err(UserError(format!("{name}: {}", hoshin_import::NOT_A_POLICY)));
    }
    let Some(policy) = parsed.policy() else {
        let (missing, flags) = match (&parsed.organization, &parsed.fiscal_year) {
            (None, None) => ("the organization and the fiscal year", "--organization 「…区」 --fiscal-year N"),
            (None, Some(_)) => ("the organization", "--organization 「…区」"),
            _ => ("the fiscal year", "--fiscal-year N (2019, 令和元年度 or R1)"),
        };
        return Err(UserError(format!("{name}: the document does not say {missing}; give it with {flags}")));
    };
    let notes = parsed
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity >= Severity::Warning)
        .map(|diagnostic| format!("{name}:{}: {}: {}", diagnostic.line, diagnostic.severity.code(), diagnostic.message))
        .collect();
    let sha256 = sha256(bytes);
    Ok((
        NewImport {
            key: PolicyKey { organization: policy.organization, fiscal_year: policy.fiscal_year },
            stage: stage.unwrap_or(policy.stage),
            content: policy.content,
            era: parsed.era,
            source: Source::Import { file_name, sha256 },
            author: author.to_string(),
        },
        notes,
    ))
}

/// The name the audit log records for a command-line user.
pub fn cli_author(flag: Option<&str>) -> String {
    flag.map(str::to_string).unwrap_or_else(|| {
        let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into());
        format!("cli:{user}")
    })
}

pub fn run(url: &DatabaseUrl, args: &Args, lang: Lang) -> Result<()> {
    let author = cli_author(args.author.as_deref());
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let mut failed = 0;
        for path in &args.files {
            if let Err(error) = import_one(store.as_ref(), path, args, &author, lang).await {
                eprintln!("error: {error}");
                failed += 1;
            }
        }
        if failed > 0 {
            return Err(UserError(format!(
                "{failed} of {} files not imported into {}; the others were",
                args.files.len(),
                shown(url)
            ))
            .into());
        }
        Ok(())
    })
}

async fn import_one(
    store: &dyn Store,
    path: &std::path::Path,
    args: &Args,
    author: &str,
    lang: Lang,
) -> Result<(), UserError> {
    let (import, notes) = prepare(path, args, author)?;
    for note in &notes {
        eprintln!("{note}");
    }
    let key = import.key.clone();
    let stage = import.stage;
    let indicators = import.content.indicators().len();
    let imported = store.import(import).await.map_err(|error| UserError(format!("{}: {error}", path.display())))?;
    let what = format!("{} {} {}", key.organization.name, key.fiscal_year.label(lang), stage.label(lang));
    if imported.created {
        let kept = if imported.working_copy_kept { "; the working copy keeps its unpublished edits" } else { "" };
        println!(
            "{}: imported {what} as version {} ({indicators} indicators: {} continue a series, {} new; {} notes){kept}",
            path.display(),
            imported.version.seq,
            imported.continued_series,
            imported.new_series,
            notes.len()
        );
    } else {
        println!(
            "{}: {what} already holds this file as version {}; nothing changed",
            path.display(),
            imported.version.seq
        );
    }
    Ok(())
}
