//! `hoshin parse FILE [--json | --indicators]`: read a published policy document (text from a PDF, a PDF, a
//! ward's web page, converter markdown; UTF-8 or Shift_JIS) and print what was read — an outline for people, JSON or one CSV row per
//! indicator for other tools. Diagnostics go to standard error in the outline form.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result};
use hoshin_core::{IndicatorKind, Lang, Measure, PolicyContent, Rule};
use hoshin_import::{decode, printed_target, Encoding, Hints, Layout, Parsed, MAX_INPUT_BYTES};

use crate::UserError;
use hoshin_web::wire::policy::ParsedJson;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document: a PDF, text extracted from one, a web page (HTML) or converter markdown, in UTF-8 or
    /// Shift_JIS.
    pub file: std::path::PathBuf,

    /// Print the parsed policy as JSON.
    #[arg(long, conflicts_with = "indicators")]
    pub json: bool,

    /// Print one CSV row per outcome or process indicator:
    /// issue,number,indicator,target,actual,mark,previous,computed_mark.
    #[arg(long)]
    pub indicators: bool,

    #[command(flatten)]
    pub hints: HintArgs,

    /// The rule computed marks are judged with.
    #[arg(long, default_value = "meet-or-improve", value_parser = ["threshold", "meet-or-improve", "glide-path", "progress-rate"])]
    pub rule: String,
}

/// What the user knows about a document that it may not say itself (`parse` and `import`).
#[derive(Debug, clap::Args)]
pub struct HintArgs {
    /// The organization, when the document has no title naming it (「阿倍野区」).
    #[arg(long)]
    pub organization: Option<String>,

    /// The city, when the document does not say (「大阪市」).
    #[arg(long)]
    pub city: Option<String>,

    /// The fiscal year, when the document has no title with it: 2024, 令和6年度 or R6.
    #[arg(long)]
    pub fiscal_year: Option<String>,
}

impl HintArgs {
    pub fn hints(&self) -> Result<Hints, UserError> {
        Ok(Hints {
            organization: self.organization.clone(),
            city: self.city.clone(),
            fiscal_year: self.fiscal_year.as_deref().map(crate::commands::target::read_year).transpose()?,
        })
    }
}

/// A document read from disk: its decoded text and how it was decoded.
pub struct Document {
    pub text: String,
    pub encoding: Encoding,
}

/// Reads and decodes a document file; PDFs go through `pdftotext` (poppler-utils). Every failure says what is
/// wrong with which file.
pub fn read_document(path: &Path) -> Result<Document, UserError> {
    let name = path.display();
    let metadata = std::fs::metadata(path).map_err(|error| UserError(format!("{name}: cannot read: {error}")))?;
    if metadata.is_dir() {
        return Err(UserError(format!("{name}: is a directory; give a document file")));
    }
    if metadata.len() > MAX_INPUT_BYTES as u64 {
        return Err(UserError(format!(
            "{name}: the file is {} bytes; Hoshin reads documents of up to {MAX_INPUT_BYTES} bytes (20 MB)",
            metadata.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|error| UserError(format!("{name}: cannot read: {error}")))?;
    if bytes.starts_with(b"%PDF-") {
        return pdf_text(path).map(|text| Document { text, encoding: Encoding::Utf8 });
    }
    let (text, encoding) = decode(&bytes).map_err(|error| UserError(format!("{name}: {error}")))?;
    Ok(Document { text, encoding })
}

/// The text of a PDF, in the reading order `pdftotext` gives (the form the importer's samples are in).
fn pdf_text(path: &Path) -> Result<String, UserError> {
    let name = path.display();
    let output = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(path).arg("-").output().map_err(|error| {
        UserError(format!(
            "{name}: reading a PDF needs pdftotext (Debian package poppler-utils), which could not be run: {error}. \
             Install it with `apt-get install poppler-utils`, or run scripts/setup"
        ))
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(UserError(format!("{name}: pdftotext could not read the PDF: {}", stderr.trim())));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| UserError(format!("{name}: pdftotext gave text that is not UTF-8")))?;
    if text.trim().is_empty() {
        return Err(UserError(format!("{name}: the PDF has no text layer (a scanned image?); Hoshin cannot read it")));
    }
    Ok(text)
}

pub fn run(args: &Args, lang: Lang) -> Result<()> {
    let document = read_document(&args.file)?;
    let hints = args.hints.hints()?;
    let parsed = hoshin_import::parse(&document.text, &hints);
    let name = args.file.display().to_string();
    if parsed.layout == Layout::Unknown {
        return Err(UserError(format!("{name}: {}", hoshin_import::NOT_A_POLICY)).into());
    }
    let rule = Rule::from_name(&args.rule).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = ParsedJson::new(&name, document.encoding, &parsed, rule, lang);
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
    } else if args.indicators {
        write_indicators(&mut out, &parsed, rule).context("writing the CSV")?;
    } else {
        write!(out, "{}", hoshin_import::outline(&parsed, &document.text))?;
    }
    Ok(())
}

/// One CSV row per outcome or process indicator, for the policy's year.
pub fn write_indicators(out: &mut impl Write, parsed: &Parsed, rule: Rule) -> std::io::Result<()> {
    writeln!(out, "issue,number,indicator,target,actual,mark,previous,computed_mark")?;
    for (issue, indicator) in indicators(&parsed.content) {
        let year = parsed
            .fiscal_year
            .filter(|year| indicator.result(*year).is_some())
            .or_else(|| indicator.results.last().map(|result| result.fiscal_year));
        let result = year.and_then(|year| indicator.result(year));
        let previous = indicator.previous_actual.as_ref().or_else(|| {
            year.and_then(|year| year.previous())
                .and_then(|previous| indicator.result(previous))
                .and_then(|result| result.actual.as_ref())
        });
        let computed = year
            .and_then(|year| indicator.judge_year(year, rule, |judgment| judgment.mark()))
            .flatten()
            .map_or("", |mark| mark.letter());
        let cells = [
            issue,
            indicator.number.map_or(String::new(), |number| number.to_string()),
            indicator.wording.clone(),
            printed_target(indicator).to_string(),
            printed(result.and_then(|result| result.actual.as_ref())).to_string(),
            result.and_then(|result| result.published_mark.as_ref()).map_or("", |mark| mark.mark.letter()).to_string(),
            printed(previous).to_string(),
            computed.to_string(),
        ];
        let row: Vec<String> = cells.iter().map(|cell| csv_cell(cell)).collect();
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

/// Outcome and process indicators with the issue id as printed (empty for reform-plan items).
fn indicators(content: &PolicyContent) -> Vec<(String, &hoshin_core::Indicator)> {
    content
        .indicators()
        .into_iter()
        .filter(|(_, indicator)| matches!(indicator.kind, IndicatorKind::Outcome | IndicatorKind::Process))
        .map(|(issue, indicator)| (issue.map_or(String::new(), |issue| issue.to_string()), indicator))
        .collect()
}

/// The measure as printed, for CSV cells: empty for none and for a printed 「－」.
fn printed(measure: Option<&Measure>) -> &str {
    measure.filter(|measure| !measure.is_no_value()).map_or("", |measure| measure.original.as_str())
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
